/**
 * The core lock of this backend: the api's `AtomicsCoreLock` (the futex protocol's uncontended
 * acquire, spin, release and async acquire on the calling thread) with the contended sync
 * acquire's park in JS, with `Atomics.wait`.
 */
import { AtomicsCoreLock, LOCK_CONTENDED, type Heap } from '@threadkit/api/spi';
import type { Parking } from './park';

/** Core locks on the cells of one heap (its views read at each use: they change when the heap grows). */
export class CoreLock extends AtomicsCoreLock {
  constructor(
    heap: Heap,
    private readonly parking: Parking,
  ) {
    super(heap, parking);
  }

  protected acquireContended(address: number, timeoutMs: number): boolean {
    const end = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      // Mark the lock contended; if it was free we now hold it (as "contended": a spurious wake is harmless).
      if (this.lockContended(address)) return true;
      const left = end === Infinity ? Infinity : end - performance.now();
      if (left <= 0) return false;
      this.parking.park(address, LOCK_CONTENDED, left);
    }
  }
}
