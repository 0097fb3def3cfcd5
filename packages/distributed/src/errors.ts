/**
 * The distributed executor's own error: a job that Redis no longer has (removed by hand, or
 * Redis restarted without persistence) fails its future with `JobLostError`, never silently.
 */
import { RuntimeError, registerErrorClass } from '@threadkit/api';

/** A job of a DistributedExecutor vanished from Redis before it finished (its future fails with this). */
export class JobLostError extends RuntimeError {
  override name = 'JobLostError';
}

registerErrorClass(JobLostError);
