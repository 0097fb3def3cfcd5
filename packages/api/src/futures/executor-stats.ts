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
 * A histogram: +0 count, +4 max (µs, saturating at 2^31 − 1), +8 sum (µs, i64), then
 * {@link BUCKETS} counts on a fixed log scale, four per octave of µs, so a percentile is read
 * within ±9 % (the middle of its bucket, never above the exact max).
 *
 * Each counter is exact; a snapshot reads them one by one, so while tasks run it may see a task
 * in two places or in none for an instant. Counts are updated before a future completes, so
 * once every future is done (and, for `cancelled`, once the pool has let go of them — after
 * `shutdown()`) they add up: submitted = completed + failed + cancelled + timedOut + queued + running.
 */
import { backend } from '../runtime';
import { addField, casField, loadField } from '../fields';

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

/** Log-scale buckets per histogram: bucket 0 is < 1 µs, bucket i ≥ 1 starts at 2^((i−1)/4) µs. */
const BUCKETS = 128;
/** Byte offsets inside a histogram. */
const H = { count: 0, max: 4, sum: 8, buckets: 16 } as const;
const HISTOGRAM_BYTES = H.buckets + 4 * BUCKETS;
/** Offset of the run-time histogram. */
const RUN = S.wait + HISTOGRAM_BYTES;
const STATS_BYTES = RUN + HISTOGRAM_BYTES;
const MAX_US = 0x7fffffff;

/** A time histogram of `stats()`, in ms. */
export interface TimeHistogram {
  /** How many times were recorded. */
  readonly count: number;
  /** Their mean (exact, µs resolution); 0 when none. */
  readonly mean: number;
  /** Median, 90th and 99th percentiles, within ±9 % (log-scale buckets); 0 when none. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** The largest (exact, µs resolution; saturates at about 35 minutes). */
  readonly max: number;
}

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
  return performance.timeOrigin + performance.now();
}

/** Adds 1 to counter `offset` (see {@link S}); `delta` for other steps. */
export function count(stats: number, offset: number, delta = 1): void {
  addField(stats, offset, delta);
}

function bucketOf(us: number): number {
  return us < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(4 * Math.log2(us)));
}

function record(histogram: number, ms: number): void {
  const us = Math.min(MAX_US, Math.max(0, Math.round(ms * 1000)));
  addField(histogram, H.buckets + 4 * bucketOf(us), 1);
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

/** The value of bucket `i` reported for a percentile: its geometric middle. */
function bucketValueUs(i: number): number {
  return i === 0 ? 0.5 : 2 ** ((i - 1 + 0.5) / 4);
}

function readHistogram(histogram: number): TimeHistogram {
  const count = loadField(histogram, H.count);
  if (count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const max = loadField(histogram, H.max);
  const sum = Number(Atomics.load(backend().heap.i64, (histogram + H.sum) >> 3));
  const counts = Array.from({ length: BUCKETS }, (_, i) => loadField(histogram, H.buckets + 4 * i));
  const total = counts.reduce((a, b) => a + b, 0);
  const percentile = (q: number): number => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(bucketValueUs(i), max) / 1000;
    }
    return max / 1000;
  };
  return { count, mean: sum / count / 1000, p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: max / 1000 };
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
