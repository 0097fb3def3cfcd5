/**
 * `@threadkit/distributed`: threadkit's Executor and Future API across machines.
 * `DistributedExecutor` sends tasks (named module exports) to a BullMQ queue on Redis; the
 * `threadkit-worker` command runs them on worker processes, each on a local thread pool.
 * Import a threadkit backend before creating an executor (`import '@threadkit/backend-workers'`).
 */
export { DistributedExecutor, type DistributedExecutorOptions } from './executor';
export { type DistributedStats } from './stats';
export { type Backoff, type DistributedSubmitOptions, MAX_PRIORITY } from './options';
export { type Connection } from './connection';
export { JobLostError } from './errors';
export { toWire, fromWire, type Wire } from './wire-codec';
