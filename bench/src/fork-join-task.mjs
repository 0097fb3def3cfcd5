/**
 * The piscina and tinypool side of the fork/join figure (fork-join.mjs): the merge sort split
 * by hand, since their tasks cannot submit to their own pool. `data` and `tmp` are
 * SharedArrayBuffers of doubles, shared with every worker.
 */

/** Sorts data[lo, hi) in place. */
export function sortRange({ data, lo, hi }) {
  new Float64Array(data, lo * 8, hi - lo).sort();
}

/** Merges the sorted data[lo1, hi1) and data[lo2, hi2) into tmp from `out` (one piece of a level's merge). */
export function mergeRanges({ data, tmp, lo1, hi1, lo2, hi2, out }) {
  const a = new Float64Array(data);
  const t = new Float64Array(tmp);
  let i = lo1;
  let j = lo2;
  let k = out;
  while (i < hi1 && j < hi2) t[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < hi1) t[k++] = a[i++];
  while (j < hi2) t[k++] = a[j++];
}

/** Copies tmp[lo, hi) back to data[lo, hi). */
export function copyBack({ data, tmp, lo, hi }) {
  new Float64Array(data).set(new Float64Array(tmp, lo * 8, hi - lo), lo);
}
