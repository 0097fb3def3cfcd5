/**
 * The fork/join figure (issue 15): a merge sort of n doubles in shared memory on a 2-thread
 * pool, as a speed-up over one thread's Float64Array.prototype.sort of the same numbers (best of
 * {@link CPU_REPEATS} alternating runs, as the CPU-scaling figure). threadkit's tasks fork the
 * left half into their own pool and join it with result(); piscina and tinypool cannot submit
 * from a task, so their main thread runs the same split by hand: the leaves on the pool, then
 * the merges level by level. Both stop splitting at n / LEAVES elements.
 */
import { bestOf, bestOfAsync, CPU_REPEATS } from './best-of.mjs';

const now = () => process.hrtime.bigint();
const since = (t0) => Number(now() - t0);
/** Leaves of the split (ranges sorted by the typed array's own sort), two per thread. */
const LEAVES = 4;
/** Pieces a merge of all n elements is split into (ranges merged by one task), four per thread. */
const MERGE_PIECES = 8;

/** n doubles from a fixed-seed generator (the same numbers for every contender). */
function numbers(n) {
  const out = new Float64Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x / 2 ** 32 - 0.5;
  }
  return out;
}

/**
 * threadkit's merge sort task (self-contained): sorts data[lo, hi) by forking the left half into
 * `ex`, sorting the right half itself, joining, then merging both into `tmp` (a parallel merge:
 * a big merge is split at the median of its longer run, the lower part forked) and copying back.
 */
function mergeSort(ex, data, tmp, lo, hi, sortCutoff, mergeCutoff) {
  /** Merges data[lo1, hi1) and data[lo2, hi2) into tmp from `out`. */
  function merge(ex, data, tmp, lo1, hi1, lo2, hi2, out, cutoff) {
    const a = data.typedArray();
    const t = tmp.typedArray();
    if (hi1 - lo1 < hi2 - lo2) [lo1, hi1, lo2, hi2] = [lo2, hi2, lo1, hi1];
    if (hi1 - lo1 + hi2 - lo2 <= cutoff) {
      let i = lo1;
      let j = lo2;
      let k = out;
      while (i < hi1 && j < hi2) t[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < hi1) t[k++] = a[i++];
      while (j < hi2) t[k++] = a[j++];
      return;
    }
    const m1 = (lo1 + hi1) >>> 1;
    const x = a[m1];
    let m2 = lo2;
    for (let h = hi2; m2 < h; ) {
      const m = (m2 + h) >>> 1;
      if (a[m] < x) m2 = m + 1;
      else h = m;
    }
    const q = out + (m1 - lo1) + (m2 - lo2);
    t[q] = x;
    const lower = ex.submit(merge, ex, data, tmp, lo1, m1, lo2, m2, out, cutoff);
    merge(ex, data, tmp, m1 + 1, hi1, m2, hi2, q + 1, cutoff);
    lower.result();
  }
  const a = data.typedArray();
  if (hi - lo <= sortCutoff) {
    a.subarray(lo, hi).sort();
    return;
  }
  const mid = (lo + hi) >>> 1;
  const left = ex.submit(mergeSort, ex, data, tmp, lo, mid, sortCutoff, mergeCutoff);
  mergeSort(ex, data, tmp, mid, hi, sortCutoff, mergeCutoff);
  left.result();
  merge(ex, data, tmp, lo, mid, mid, hi, lo, mergeCutoff);
  a.set(tmp.typedArray().subarray(lo, hi), lo);
}

/** Checks that `a` is sorted (a figure that sorts wrong must fail, not report a speed). */
function checkSorted(a) {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) throw new Error(`not sorted at ${i}`);
}

/** Times one thread's Float64Array.prototype.sort of a fresh copy of `input` (the copy untimed). */
function oneThread(input, scratch) {
  scratch.set(input);
  const t0 = now();
  scratch.sort();
  return since(t0);
}

/** threadkit's figure, for the backend module `tk`. */
export function threadkitForkJoin(tk) {
  return {
    sample(n, state) {
      if (state.ex === undefined) {
        state.input = numbers(n);
        state.scratch = new Float64Array(n);
        state.data = new tk.SharedArray('d', n);
        state.tmp = new tk.SharedArray('d', n);
        state.ex = new tk.ThreadPoolExecutor(2);
      }
      const { input, scratch, data, tmp, ex } = state;
      const view = data.typedArray();
      const cutoffs = [Math.ceil(n / LEAVES), Math.ceil(n / MERGE_PIECES)];
      const times = bestOf(CPU_REPEATS, ['one', 'forkJoin'], (which) => {
        if (which === 'one') return oneThread(input, scratch);
        view.set(input);
        const t0 = now();
        ex.submit(mergeSort, ex, data, tmp, 0, n, ...cutoffs).result();
        const t = since(t0);
        checkSorted(view);
        return t;
      });
      return { value: times[0] / times[1], extra: { t1_ms: times[0] / 1e6, t2_ms: times[1] / 1e6 } };
    },
    end(state) {
      state.ex?.shutdown();
    },
  };
}

/**
 * The pieces of the merge of a[lo1, hi1) and a[lo2, hi2) into t from `out` — the threadkit task's
 * parallel merge, planned up front by the main thread: each split places the median of the longer
 * run in `t` and leaves two smaller merges. Each piece: { lo1, hi1, lo2, hi2, out, end }.
 */
function splitMerge(a, t, lo1, hi1, lo2, hi2, out, cutoff) {
  if (hi1 - lo1 < hi2 - lo2) [lo1, hi1, lo2, hi2] = [lo2, hi2, lo1, hi1];
  if (hi1 - lo1 + hi2 - lo2 <= cutoff) return [{ lo1, hi1, lo2, hi2, out, end: out + (hi1 - lo1) + (hi2 - lo2) }];
  const m1 = (lo1 + hi1) >>> 1;
  let m2 = lo2;
  for (let h = hi2; m2 < h; ) {
    const m = (m2 + h) >>> 1;
    if (a[m] < a[m1]) m2 = m + 1;
    else h = m;
  }
  const q = out + (m1 - lo1) + (m2 - lo2);
  t[q] = a[m1];
  const [lower, upper] = [splitMerge(a, t, lo1, m1, lo2, m2, out, cutoff), splitMerge(a, t, m1 + 1, hi1, m2, hi2, q + 1, cutoff)];
  // The median's slot is copied back with the lower piece.
  lower.at(-1).end += 1;
  return [...lower, ...upper];
}

/** The same sort split by hand on a 2-thread piscina or tinypool pool (`pool(threads)` makes one over fork-join-task.mjs). */
export function handSplitForkJoin(pool) {
  return {
    async sample(n, state) {
      if (state.pool === undefined) {
        state.input = numbers(n);
        state.scratch = new Float64Array(n);
        state.data = new SharedArrayBuffer(8 * n);
        state.tmp = new SharedArrayBuffer(8 * n);
        state.pool = pool(2);
      }
      const { input, scratch, data, tmp } = state;
      const view = new Float64Array(data);
      const tmpView = new Float64Array(tmp);
      const run = (name, task) => state.pool.run(task, { name });
      const bounds = Array.from({ length: LEAVES + 1 }, (_, i) => Math.round((i * n) / LEAVES));
      const times = await bestOfAsync(CPU_REPEATS, ['one', 'byHand'], async (which) => {
        if (which === 'one') return oneThread(input, scratch);
        view.set(input);
        const t0 = now();
        await Promise.all(bounds.slice(1).map((hi, i) => run('sortRange', { data, lo: bounds[i], hi })));
        for (let width = 1; width < LEAVES; width *= 2) {
          const pieces = [];
          for (let i = 0; i + width < LEAVES; i += 2 * width) {
            const [lo, mid, hi] = [bounds[i], bounds[i + width], bounds[Math.min(i + 2 * width, LEAVES)]];
            pieces.push(...splitMerge(view, tmpView, lo, mid, mid, hi, lo, Math.ceil(n / MERGE_PIECES)));
          }
          await Promise.all(pieces.map((piece) => run('mergeRanges', { data, tmp, ...piece })));
          await Promise.all(pieces.map((piece) => run('copyBack', { data, tmp, lo: piece.out, hi: piece.end })));
        }
        const t = since(t0);
        checkSorted(view);
        return t;
      });
      return { value: times[0] / times[1], extra: { t1_ms: times[0] / 1e6, t2_ms: times[1] / 1e6 } };
    },
    end: (state) => state.pool?.destroy(),
  };
}
