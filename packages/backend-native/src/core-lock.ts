/**
 * The core lock of this backend: the api's `AtomicsCoreLock` (the futex protocol's uncontended
 * acquire, spin, release and async acquire in JS, its async waits and wakes through the addon)
 * with the rest of the contended sync acquire in the addon, which sleeps natively.
 */
import { AtomicsCoreLock, type Heap } from '@threadkit/api/spi';
import { addon } from './addon';

/** Core-lock operations over the heap (its views are read at each use: the heap grows). */
export class CoreLock extends AtomicsCoreLock {
  constructor(heap: Heap) {
    super(heap, addon);
  }

  protected acquireContended(address: number, timeoutMs: number): boolean {
    // -1: the process is exiting; back in JS, Node's termination of this thread can take effect.
    for (;;) {
      const outcome = addon.lockAcquire(address, timeoutMs);
      if (outcome !== -1) return outcome === 1;
    }
  }
}
