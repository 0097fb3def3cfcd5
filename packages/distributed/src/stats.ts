/**
 * The executor's counters: one shared Int32 array written by the executor's I/O thread (and by
 * `submit` for `submitted`/`queued`), read by `stats()` in any thread without a lock.
 */

/** Slots of the counters array. */
export const S = {
  submitted: 0,
  completed: 1,
  failed: 2,
  cancelled: 3,
  timedOut: 4,
  queued: 5,
  running: 6,
  queueDepth: 7,
  /** 1 once the executor is broken (Redis unreachable at start). */
  broken: 8,
} as const;

/** Length of the counters array. */
export const STATS_LENGTH = 9;

/**
 * `DistributedExecutor.stats()`: the local executor's counters (issue 15's names) plus the
 * queue's depth in Redis. `queued` counts this executor's futures not started yet (held back by
 * `maxInFlight` or waiting in Redis), `running` those a worker has started; `queueDepth` is the
 * number of jobs of the whole queue (every client) waiting, prioritised or delayed, as last read
 * from Redis (-1 before the first read).
 */
export interface DistributedStats {
  submitted: number;
  completed: number;
  failed: number;
  cancelled: number;
  timedOut: number;
  queued: number;
  running: number;
  queueDepth: number;
}
