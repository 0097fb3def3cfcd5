/**
 * The core lock of this backend: the api's `AtomicsCoreLock` (the futex protocol's uncontended
 * acquire, release and async acquire on the calling thread) with the contended sync acquire in JS:
 * spin a bounded number of times, then park with `Atomics.wait`.
 */
import { AtomicsCoreLock, LOCK_CONTENDED, LOCK_LOCKED, LOCK_UNLOCKED, type Heap } from '@threadkit/api/spi';
import type { Parking } from './park';

const SPIN_LIMIT = 100;

/** Core locks on the cells of one heap (its views read at each use: they change when the heap grows). */
export class CoreLock extends AtomicsCoreLock {
  constructor(
    heap: Heap,
    private readonly parking: Parking,
  ) {
    super(heap, parking);
  }

  protected acquireContended(address: number, timeoutMs: number): boolean {
    const index = address >> 2;
    const state = this.spin(index);
    if (state === LOCK_UNLOCKED && this.tryLock(address)) return true;
    const end = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      // Mark the lock contended; if it was free we now hold it (as "contended": a spurious wake is harmless).
      if (this.lockContended(address)) return true;
      const left = end === Infinity ? Infinity : end - performance.now();
      if (left <= 0) return false;
      this.parking.park(address, LOCK_CONTENDED, left);
    }
  }

  /**
   * Spins while the lock is held without waiters, a bounded number of times; returns the last
   * state seen. One view for the whole spin: a view never stops covering a cell that existed
   * when it was read.
   */
  private spin(index: number): number {
    const i32 = this.heap.i32;
    let state = Atomics.load(i32, index);
    for (let i = 0; state === LOCK_LOCKED && i < SPIN_LIMIT; i++) state = Atomics.load(i32, index);
    return state;
  }
}
