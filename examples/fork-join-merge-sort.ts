// Fork/join (beyond Python; seed 003's divide and conquer): a parallel merge sort of 10 million
// doubles in one SharedArray('d'), worked on in place through typedArray(). Each task splits its
// range in two, submits the left half to its own pool (the executor is passed to it: it is a
// handle), sorts the right half itself, waits for the left with result() and merges the two —
// a big merge is itself split and forked. In Python a task that waits on its own pool's futures
// deadlocks once every worker waits; here a waiting pool thread runs the pool's queued work
// meanwhile (its own newest fork first; idle threads steal the oldest), so it finishes even with
// maxWorkers: 1 — which this example also shows. Checked sorted, and equal to one thread's
// Float64Array.prototype.sort of the same numbers.
import { SharedArray, ThreadPoolExecutor } from '#threading';
import { check } from './lib/check';

const N = 10_000_000;

/**
 * Sorts data[lo, hi) (tmp: scratch of the same length): forks the left half into `ex`, sorts the
 * right half itself, joins, then merges both halves into tmp — in parallel too — and copies back.
 * Ranges of 2.5M are sorted by the typed array's own sort, merges of 1.25M done by one task (the
 * numbers are written in: a task sees only its arguments and threadkit's exports).
 */
function mergeSort(ex: ThreadPoolExecutor, data: SharedArray<'d'>, tmp: SharedArray<'d'>, lo: number, hi: number): void {
  /** Merges data[lo1, hi1) and data[lo2, hi2) into tmp from `out`: a big merge is split at the median of its longer run, the lower part forked. */
  function merge(ex: ThreadPoolExecutor, data: SharedArray<'d'>, tmp: SharedArray<'d'>, lo1: number, hi1: number, lo2: number, hi2: number, out: number): void {
    const a = data.typedArray();
    const t = tmp.typedArray();
    if (hi1 - lo1 < hi2 - lo2) [lo1, hi1, lo2, hi2] = [lo2, hi2, lo1, hi1];
    if (hi1 - lo1 + hi2 - lo2 <= 1_250_000) {
      let [i, j, k] = [lo1, lo2, out];
      while (i < hi1 && j < hi2) t[k++] = a[i]! <= a[j]! ? a[i++]! : a[j++]!;
      while (i < hi1) t[k++] = a[i++]!;
      while (j < hi2) t[k++] = a[j++]!;
      return;
    }
    const m1 = (lo1 + hi1) >>> 1;
    let m2 = lo2; // the first element of the other run not below a[m1]
    for (let h = hi2; m2 < h; ) {
      const m = (m2 + h) >>> 1;
      if (a[m]! < a[m1]!) m2 = m + 1;
      else h = m;
    }
    const q = out + (m1 - lo1) + (m2 - lo2);
    t[q] = a[m1]!;
    const lower = ex.submit(merge, ex, data, tmp, lo1, m1, lo2, m2, out);
    merge(ex, data, tmp, m1 + 1, hi1, m2, hi2, q + 1);
    lower.result();
  }
  const a = data.typedArray();
  if (hi - lo <= 2_500_000) {
    a.subarray(lo, hi).sort();
    return;
  }
  const mid = (lo + hi) >>> 1;
  const left = ex.submit(mergeSort, ex, data, tmp, lo, mid);
  mergeSort(ex, data, tmp, mid, hi);
  left.result();
  merge(ex, data, tmp, lo, mid, mid, hi, lo);
  a.set(tmp.typedArray().subarray(lo, hi), lo);
}

/** Sorts a copy of `input` on a pool of `maxWorkers` threads, twice (the first run also starts the threads and compiles the tasks); returns it and the better time. */
function sortOnPool(input: Float64Array, maxWorkers: number): { sorted: Float64Array; ms: number } {
  const data = new SharedArray('d', input.length);
  const tmp = new SharedArray('d', input.length);
  using ex = new ThreadPoolExecutor(maxWorkers);
  let ms = Infinity;
  for (let run = 0; run < 2; run++) {
    data.typedArray().set(input);
    const t0 = performance.now();
    ex.submit(mergeSort, ex, data, tmp, 0, input.length).result();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { sorted: data.typedArray(), ms };
}

const input = Float64Array.from({ length: N }, () => Math.random() * 1e6 - 5e5);

let t0 = performance.now();
const reference = input.slice().sort();
const oneThreadMs = performance.now() - t0;
console.log(`one thread, Float64Array.prototype.sort: ${oneThreadMs.toFixed(0)} ms`);

const twoThreads = sortOnPool(input, 2);
console.log(`fork/join merge sort on 2 threads:      ${twoThreads.ms.toFixed(0)} ms (${(oneThreadMs / twoThreads.ms).toFixed(2)}x)`);
const single = sortOnPool(input, 1);
console.log(`fork/join merge sort, maxWorkers: 1:    ${single.ms.toFixed(0)} ms (every fork run by the waiting thread itself)`);

const inOrder = (a: Float64Array): boolean => a.every((x, i) => i === 0 || a[i - 1]! <= x);
const same = (a: Float64Array): boolean => a.length === reference.length && a.every((x, i) => x === reference[i]);
check(inOrder(twoThreads.sorted) && same(twoThreads.sorted), '2 threads: the result is sorted and equals Float64Array.prototype.sort of the same numbers');
check(inOrder(single.sorted) && same(single.sorted), 'maxWorkers: 1: the result is sorted and equals Float64Array.prototype.sort of the same numbers');
console.log(`${N.toLocaleString('en')} numbers sorted, checked against the one-thread sort`);
