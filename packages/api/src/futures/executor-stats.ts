/**
 * `ThreadPoolExecutor.stats()` (beyond Python): a pool's counters and its two time histograms,
 * in a block of the shared heap that the owner and every pool thread update with plain atomic
 * adds — no lock on the task path. The pool block names it (`Pool.stats`) and frees it with
 * itself.
 *
 * Block layout (byte offsets):
 *   +0  submitted   futures queued by `submit`/`submitWith`/`submitAsync`
 *   +4  completed   tasks that returned (or resolved)
 *   +8  failed      tasks that threw (or rejected), and queued futures a broken pool failed
 *   +12 cancelled   futures the pool let go of cancelled: a thread reached a future cancelled
 *                   while queued, or shutdown's `cancelFutures` (or a signal) cancelled it; and
 *                   tasks a hard stop killed after their signal (they fail with CancelledError)
 *   +16 timedOut    tasks with a `timeout` that failed after their deadline (counted here, not
 *                   in `failed`), whether they stopped on their own or were stopped by `killAfter`
 *   +20 running     tasks running now
 *   +24 idle        pool threads waiting for work now
 *   +32 wait        histogram of the time from submit to start
 *   +32+H run       histogram of the time from start to end
 *
 * A histogram: +0 count, +4 max (µs, saturating at 2^31 − 1), +8 sum (µs, i64), then the
 * bucket counts of time-histogram.ts's log scale (a percentile is read within ±9 %).
 *
 * Each counter is exact; a snapshot reads them one by one, so while tasks run it may see a task
 * in two places or in none for an instant. Counts are updated before a future completes, so
 * once every future is done (and, for `cancelled`, once the pool has let go of them — after
 * `shutdown()`) they add up: submitted = completed + failed + cancelled + timedOut + queued + running.
 */
import { backend } from '../runtime';
import { addField, casField, loadField } from '../fields';
import { HISTOGRAM_BUCKETS, histogramBucket, histogramMicros, readTimeHistogram, type TimeHistogram } from './time-histogram';

export type { TimeHistogram } from './time-histogram';

/** Byte offsets of the counters inside a stats block. */
export const S = {
  submitted: 0,
  completed: 4,
  failed: 8,
  cancelled: 12,
  timedOut: 16,
  running: 20,
  idle: 24,
  wait: 32,
} as const;

/** Byte offsets inside a histogram. */
const H = { count: 0, max: 4, sum: 8, buckets: 16 } as const;
const HISTOGRAM_BYTES = H.buckets + 4 * HISTOGRAM_BUCKETS;
/** Offset of the run-time histogram. */
const RUN = S.wait + HISTOGRAM_BYTES;
const STATS_BYTES = RUN + HISTOGRAM_BYTES;

/** What `ThreadPoolExecutor.stats()` returns: a snapshot of the pool's counters. */
export interface ExecutorStats {
  /** Futures queued so far. */
  readonly submitted: number;
  /** Tasks that returned a result. */
  readonly completed: number;
  /** Tasks that raised (and queued futures failed by a broken pool), timeouts excepted. */
  readonly failed: number;
  /** Futures cancelled before they ran, once the pool has let go of them, and running tasks killed after their signal (`killAfter`). */
  readonly cancelled: number;
  /** Tasks with a `timeout` that failed after their deadline (stopped cooperatively or killed). */
  readonly timedOut: number;
  /** Futures waiting in the queue (cancelled ones the pool has not reached yet included). */
  readonly queued: number;
  /** Tasks running now. */
  readonly running: number;
  /** Pool threads alive. */
  readonly threads: number;
  /** Pool threads waiting for work. */
  readonly idleThreads: number;
  /** Time from submit to start, in ms. */
  readonly waitTime: TimeHistogram;
  /** Time from start to end, in ms (of tasks that ended by themselves: a killed task's thread reports no end). */
  readonly runTime: TimeHistogram;
}

/** Allocates a zeroed stats block. */
export function allocStats(): number {
  return backend().alloc(STATS_BYTES);
}

/** A time comparable across threads: ms since the epoch, µs resolution (each thread's `performance.now()` has its own origin). */
export function sharedNow(): number {
  return timeOrigin + performance.now();
}

/** This isolate's `performance.timeOrigin` (a getter that costs more than `now()` itself). */
const timeOrigin = performance.timeOrigin;

/** Adds 1 to counter `offset` (see {@link S}); `delta` for other steps. */
export function count(stats: number, offset: number, delta = 1): void {
  addField(stats, offset, delta);
}

function record(histogram: number, ms: number): void {
  const us = histogramMicros(ms);
  addField(histogram, H.buckets + 4 * histogramBucket(us), 1);
  Atomics.add(backend().heap.i64, (histogram + H.sum) >> 3, BigInt(us));
  for (let max = loadField(histogram, H.max); us > max; max = loadField(histogram, H.max)) {
    if (casField(histogram, H.max, max, us) === max) break;
  }
  // Last, so that a reader that sees the count sees the rest.
  addField(histogram, H.count, 1);
}

/** A task starts after waiting `waitedMs` since its submit: one more running, one wait recorded. */
export function taskStarted(stats: number, waitedMs: number): void {
  addField(stats, S.running, 1);
  record(stats + S.wait, waitedMs);
}

/** A running task ends after `ranMs`, counted under `outcome` (S.completed, S.failed or S.timedOut). */
export function taskEnded(stats: number, outcome: number, ranMs: number): void {
  record(stats + RUN, ranMs);
  addField(stats, outcome, 1);
  addField(stats, S.running, -1);
}

/** A running task's thread died (killed by a hard stop, or crashed): counted under `outcome`, its run time unknown (not recorded). */
export function taskKilled(stats: number, outcome: number): void {
  addField(stats, outcome, 1);
  addField(stats, S.running, -1);
}

function readHistogram(histogram: number): TimeHistogram {
  const count = loadField(histogram, H.count);
  const sum = Number(Atomics.load(backend().heap.i64, (histogram + H.sum) >> 3));
  return readTimeHistogram(count, sum, loadField(histogram, H.max), (i) => loadField(histogram, H.buckets + 4 * i));
}

/** A snapshot of the block's counters; `queued` and `threads` come from the pool and its owner. */
export function readStats(stats: number, queued: number, threads: number): ExecutorStats {
  return {
    submitted: loadField(stats, S.submitted),
    completed: loadField(stats, S.completed),
    failed: loadField(stats, S.failed),
    cancelled: loadField(stats, S.cancelled),
    timedOut: loadField(stats, S.timedOut),
    queued,
    running: loadField(stats, S.running),
    threads,
    idleThreads: loadField(stats, S.idle),
    waitTime: readHistogram(stats + S.wait),
    runTime: readHistogram(stats + RUN),
  };
}
