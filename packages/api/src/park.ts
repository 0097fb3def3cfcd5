/**
 * Blocking waits: spin briefly, then park.
 *
 * A thread that parks gives up its core; waking it again costs a futex wake, a trip through
 * the scheduler and, when its core went idle meanwhile, the core's wake-up — tens of µs on a
 * virtual machine, far more than most hand-offs between threads take (a notifier typically
 * releases its lock a microsecond after notifying). So a sync wait first re-reads its cell a
 * bounded number of times, and parks only if the cell did not change. The spin is short
 * (a few µs) and bounded, so a wait that lasts costs at most that much extra CPU; async waits
 * never spin (they must not hold the event loop).
 */
import { backend } from './runtime';
import type { ParkResult } from './spi';

/** Reads of the cell before parking: a few µs — enough to cover a notifier's release. */
const SPIN_READS = 2000;

/**
 * Waits while the i32 cell at `address` holds `expected`: spins, then `backend().park`s for
 * at most `timeoutMs` (Infinity = forever). Returns how the wait ended, as `park` does
 * ('not-equal' also when the cell changed during the spin).
 */
export function parkSpinning(address: number, expected: number, timeoutMs: number): ParkResult {
  const b = backend();
  const i32 = b.heap.i32;
  const index = address >> 2;
  for (let i = 0; i < SPIN_READS; i++) {
    if (Atomics.load(i32, index) !== expected) return 'not-equal';
  }
  return b.park(address, expected, timeoutMs);
}
