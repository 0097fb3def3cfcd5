/**
 * The core lock on one cell (0 unlocked, 1 locked, 2 locked with waiters): the uncontended
 * acquire and the release are one atomic operation here in JS; the contended acquire spins and
 * sleeps in the addon, and a release that finds waiters wakes one through the addon.
 */
import type { Heap } from '@threadkit/api';
import type { NativeAddon } from './addon';

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** Core-lock operations over the heap (its views are read at each use: the heap grows). */
export class CoreLock {
  constructor(
    private readonly heap: Heap,
    private readonly native: NativeAddon,
  ) {}

  /** Acquires the lock at `address`; `timeoutMs` 0 tries once, Infinity waits forever. */
  acquire(address: number, timeoutMs: number): boolean {
    if (Atomics.compareExchange(this.heap.i32, address >> 2, UNLOCKED, LOCKED) === UNLOCKED) return true;
    if (timeoutMs === 0) return false;
    // -1: the process is exiting; back in JS, Node's termination of this thread can take effect.
    for (;;) {
      const outcome = this.native.lockAcquire(address, timeoutMs);
      if (outcome !== -1) return outcome === 1;
    }
  }

  /** {@link acquire} without blocking the event loop: waits on the addon's native threads. */
  async acquireAsync(address: number, timeoutMs: number): Promise<boolean> {
    const index = address >> 2;
    if (Atomics.compareExchange(this.heap.i32, index, UNLOCKED, LOCKED) === UNLOCKED) return true;
    if (timeoutMs === 0) return false;
    const end = performance.now() + timeoutMs;
    for (;;) {
      if (Atomics.exchange(this.heap.i32, index, CONTENDED) === UNLOCKED) return true;
      const left = end - performance.now();
      if (left <= 0) return false;
      await this.native.parkAsync(address, CONTENDED, left, true);
    }
  }

  /** Releases the lock; false (nothing changed) when it was not locked. */
  release(address: number): boolean {
    const previous = Atomics.exchange(this.heap.i32, address >> 2, UNLOCKED);
    if (previous === CONTENDED) this.native.unpark(address, 1);
    return previous !== UNLOCKED;
  }

  /** True while the lock is held. */
  locked(address: number): boolean {
    return Atomics.load(this.heap.i32, address >> 2) !== UNLOCKED;
  }
}
