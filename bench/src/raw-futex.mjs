/**
 * The raw limit's building blocks: the control block shared with raw-worker.mjs, and a futex
 * lock (Drepper's three-state mutex: 0 free, 1 locked, 2 locked with waiters) on Atomics.
 */

/** Cells (Int32Array indexes) of the control block. */
export const Ctrl = { SEQ: 0, N: 1, DONE: 2, LOCK: 3, COUNTER: 4, PINGPONG: 5, SIZE: 8 };

export function futexLock(c, i) {
  let s = Atomics.compareExchange(c, i, 0, 1);
  if (s === 0) return;
  if (s !== 2) s = Atomics.exchange(c, i, 2);
  while (s !== 0) {
    Atomics.wait(c, i, 2);
    s = Atomics.exchange(c, i, 2);
  }
}

export function futexUnlock(c, i) {
  if (Atomics.sub(c, i, 1) !== 1) {
    Atomics.store(c, i, 0);
    Atomics.notify(c, i, 1);
  }
}
