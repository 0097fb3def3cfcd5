/**
 * The tasks of the distributed figures, run by threadkit-worker processes (as module exports)
 * and by the raw BullMQ workers (called directly): a no-op-sized `add` and the seeds' `crunch`.
 */
export function add(a, b) {
  return a + b;
}

export function crunch(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}
