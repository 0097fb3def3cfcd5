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
  /** Threads of the threadkit-workers serving the queue, and how many of them run no job. */
  threads: 9,
  idleThreads: 10,
  /** 1 once the executor is broken (Redis unreachable at start). */
  broken: 8,
} as const;

/** Length of the counters array. */
export const STATS_LENGTH = 11;

import type { TimeHistogram } from '@threadkit/api';

/**
 * `DistributedExecutor.stats()`: the local executor's counters (issue 15's names) plus the
 * queue's depth in Redis. `queued` counts this executor's futures not started yet (held back by
 * `maxInFlight` or waiting in Redis), `running` those a worker has started; `queueDepth` is the
 * number of jobs of the whole queue (every client) waiting, prioritised or delayed, as last read
 * from Redis (-1 before the first read). `waitTime` and `runTime` are the local executor's
 * histograms, timed on this machine's clock from the queue's events: a job waits from `submit`
 * until a worker starts it, and runs from then until its outcome arrives (so a run time includes
 * the events' trip through Redis, a fraction of a ms on a LAN). A retried job counts once: from
 * its first start to its final outcome.
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
  /**
   * Threads of the threadkit-workers connected to the queue now (each worker's `--threads`), and
   * of them, how many run no job of the queue (any client's), as last read from Redis: -1 before
   * the first read.
   */
  threads: number;
  idleThreads: number;
  /** Time from submit to start, in ms. */
  waitTime: TimeHistogram;
  /** Time from start to outcome, in ms. */
  runTime: TimeHistogram;
}
