/**
 * The DistributedExecutor's two time histograms (`stats().waitTime` and `runTime`, as the local
 * executor's): one SharedArray of float64 cells that the executor's I/O thread alone writes and
 * any thread reads. The times are taken on the client's clock from the queue's events: a job
 * waits from `submit` until its `active` event, and runs from then until its `completed` or
 * `failed` event. The log-scale buckets and the percentile reading are the api's.
 *
 * Cells of one histogram: count, sum (µs), max (µs), then the bucket counts.
 */
import { SharedArray, type TimeHistogram } from '@threadkit/api';
import { HISTOGRAM_BUCKETS, histogramBucket, histogramMicros, readTimeHistogram } from '@threadkit/api/spi';

const COUNT = 0;
const SUM = 1;
const MAX = 2;
const BUCKETS = 3;
const CELLS = BUCKETS + HISTOGRAM_BUCKETS;

/** Which histogram: the time from submit to start, or from start to end. */
export const WAIT_TIME = 0;
export const RUN_TIME = CELLS;

/** A zeroed pair of histograms. */
export function allocHistograms(): SharedArray<'d'> {
  return new SharedArray('d', 2 * CELLS);
}

/** Records `ms` in histogram `which` (the I/O thread only: the count goes last, so a reader that sees it sees the rest). */
export function recordTime(cells: SharedArray<'d'>, which: number, ms: number): void {
  const us = histogramMicros(ms);
  cells.add(which + BUCKETS + histogramBucket(us), 1);
  cells.add(which + SUM, us);
  if (us > cells.load(which + MAX)) cells.store(which + MAX, us);
  cells.add(which + COUNT, 1);
}

/** A snapshot of histogram `which`, in ms. */
export function readHistogram(cells: SharedArray<'d'>, which: number): TimeHistogram {
  const count = cells.load(which + COUNT);
  return readTimeHistogram(count, cells.load(which + SUM), cells.load(which + MAX), (i) => cells.load(which + BUCKETS + i));
}
