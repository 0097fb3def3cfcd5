// The distributed example's tasks: module exports, run by threadkit-worker processes (in their
// pool threads) and, for the comparison, by a local ThreadPoolExecutor.

/** Fetches `url` and returns the HTTP status (I/O-bound: the thread waits, using no CPU). */
export async function fetchStatus(url) {
  const response = await fetch(url);
  await response.text();
  return response.status;
}

/** CPU-bound: a sum of square roots below `n`. */
export function crunch(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.sqrt(i);
  return sum;
}
