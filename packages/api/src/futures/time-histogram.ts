/**
 * The time histograms of `stats()`: a fixed log scale of µs buckets (four per octave, so a
 * percentile is read within ±9 %) and how a snapshot of one is read as a {@link TimeHistogram}.
 * Where the cells live is the caller's: the local executor keeps them in its pool's stats block
 * (executor-stats.ts, updated by every pool thread with atomic adds), the DistributedExecutor in
 * a SharedArray its I/O thread writes. Both bucket and read them here.
 */

/** Log-scale buckets per histogram: bucket 0 is < 1 µs, bucket i ≥ 1 starts at 2^((i−1)/4) µs. */
export const HISTOGRAM_BUCKETS = 128;

/** The largest time a histogram's max holds, in µs (its cell is an int32: about 35 minutes). */
export const HISTOGRAM_MAX_US = 0x7fffffff;

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

/** A time in ms as the whole µs a histogram records (clamped to 0 … {@link HISTOGRAM_MAX_US}). */
export function histogramMicros(ms: number): number {
  return Math.min(HISTOGRAM_MAX_US, Math.max(0, Math.round(ms * 1000)));
}

/** The bucket a time of `us` µs is counted in. */
export function histogramBucket(us: number): number {
  return us < 1 ? 0 : Math.min(HISTOGRAM_BUCKETS - 1, 1 + Math.floor(4 * Math.log2(us)));
}

/** The value of bucket `i` reported for a percentile: its geometric middle, in µs. */
function bucketValueUs(i: number): number {
  return i === 0 ? 0.5 : 2 ** ((i - 1 + 0.5) / 4);
}

/**
 * Reads a histogram from its cells: `count` times recorded, their `sumUs` and `maxUs`, and
 * `bucket(i)`, the count of bucket i. A percentile is its bucket's middle, never above the max.
 */
export function readTimeHistogram(count: number, sumUs: number, maxUs: number, bucket: (i: number) => number): TimeHistogram {
  if (count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const counts = Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => bucket(i));
  const total = counts.reduce((a, b) => a + b, 0);
  const percentile = (q: number): number => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(bucketValueUs(i), maxUs) / 1000;
    }
    return maxUs / 1000;
  };
  return { count, mean: sumUs / count / 1000, p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: maxUs / 1000 };
}
