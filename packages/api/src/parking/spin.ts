/**
 * The spin policy — the one place that decides whether a thread about to wait re-reads a cell
 * for a while first, and for how long. Every sync wait of the library spins through
 * {@link spinWhile}: a word wait ({@link WAIT_SPIN_READS}), a parked waiter's wake cell
 * ({@link QUEUED_SPIN_READS}) and a held core lock ({@link LOCK_SPIN_READS}: the api's Lock and
 * RLock, and every backend's core lock — the wasm and native backends run their substrate's
 * contended acquire only after this spin, and do not spin again). Async waits never spin: a spin
 * would hold the event loop.
 *
 * Spinning pays only while the thread being waited for has a core to run on, so at most one
 * thread per core spins at a time (counted in `Root.spinners`); any other goes straight to
 * parking — an oversubscribed program would otherwise burn the cores its wakers need. The budgets
 * differ by what is awaited: another thread's wake-up takes a few µs to arrive (a notify, a put,
 * a result), a held lock is usually released within a few hundred ns.
 */
import { Root } from '../roots';
import { cpuCount } from '../host/cpu-count';

/** Reads of a word before a sync wait on it parks: a few µs, enough to cover a waker's release. */
export const WAIT_SPIN_READS = 2000;

/** Reads of a queued waiter's wake cell before it sleeps, after the spin on the word found no change. */
export const QUEUED_SPIN_READS = 100;

/** Reads of a held core lock's cell before a sync acquire marks it contended and parks. */
export const LOCK_SPIN_READS = 100;

/** Most threads that spin at once: one per core (read once). */
let spinSlots = 0;

/**
 * Re-reads the cell at `address` of `i32` (a view of the shared heap) up to `reads` times while
 * it holds `expected`; true when it changed. False at once, without reading, when as many threads
 * spin as there are cores.
 */
export function spinWhile(i32: Int32Array, address: number, expected: number, reads: number): boolean {
  const index = address >> 2;
  if (Atomics.load(i32, index) !== expected) return true;
  spinSlots ||= cpuCount();
  const spinners = Root.spinners >> 2;
  if (Atomics.add(i32, spinners, 1) >= spinSlots) {
    Atomics.sub(i32, spinners, 1);
    return false;
  }
  let changed = false;
  for (let i = 0; i < reads && !changed; i++) changed = Atomics.load(i32, index) !== expected;
  Atomics.sub(i32, spinners, 1);
  return changed;
}
