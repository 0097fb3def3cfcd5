/**
 * Recycling of `ThreadPoolExecutor` threads (beyond Python's thread pool): `maxTasksPerChild`
 * (Python's name on its process pool) hands a pool thread's index to a new thread after that many
 * tasks, and `onWorkerDeath` says what a pool thread whose runtime died does to the pool. The
 * options are checked here; the pool threads act on them (pool-worker.ts).
 */
import { ON_DEATH_BREAK, ON_DEATH_REPLACE } from './pool-block';

/** Checks `maxTasksPerChild` with CPython's wording; returns the pool's field value (0: no limit). */
export function maxTasksOption(maxTasksPerChild: unknown): number {
  if (maxTasksPerChild === undefined || maxTasksPerChild === null) return 0;
  if (typeof maxTasksPerChild !== 'number' || !Number.isInteger(maxTasksPerChild)) throw new TypeError('max_tasks_per_child must be an integer');
  if (maxTasksPerChild <= 0) throw new RangeError('max_tasks_per_child must be >= 1');
  return Math.min(maxTasksPerChild, 0x7fffffff);
}

/** Checks `onWorkerDeath`; returns the pool's field value. */
export function onDeathOption(onWorkerDeath: unknown): number {
  if (onWorkerDeath === undefined || onWorkerDeath === 'break') return ON_DEATH_BREAK;
  if (onWorkerDeath === 'replace') return ON_DEATH_REPLACE;
  throw new RangeError(`onWorkerDeath must be 'break' or 'replace', not ${typeof onWorkerDeath === 'string' ? `'${onWorkerDeath}'` : String(onWorkerDeath)}`);
}
