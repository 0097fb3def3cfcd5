/**
 * The core lock: a futex mutex on one 4-byte cell, after Rust std's `sys/sync/mutex/futex.rs`
 * and Drepper's "Futexes Are Tricky" (mutex 2): 0 unlocked, 1 locked, 2 locked with waiters.
 * The uncontended acquire is one compare-and-swap on the calling thread; the slow path spins a
 * bounded number of times, then parks; release wakes one waiter only when the cell said 2.
 */
import type { Heap, ParkResult } from '@threadkit/api';

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;
const SPIN_LIMIT = 100;

/** Parking primitives the lock needs (the backend's). */
export interface Parker {
  park(address: number, expected: number, timeoutMs: number): ParkResult;
  parkAsync(address: number, expected: number, timeoutMs: number): Promise<ParkResult>;
  unpark(address: number, count: number): number;
}

/** Core locks on the cells of one heap (its views read at each use: they change when the heap grows). */
export class CoreLock {
  constructor(
    private readonly heap: Heap,
    private readonly parker: Parker,
  ) {}

  /** Acquires the lock at `address`; `timeoutMs` 0 tries once, Infinity waits forever. */
  acquire(address: number, timeoutMs: number): boolean {
    const index = address >> 2;
    if (Atomics.compareExchange(this.heap.i32, index, UNLOCKED, LOCKED) === UNLOCKED) return true;
    if (timeoutMs === 0) return false;
    return this.acquireContended(address, index, timeoutMs);
  }

  private acquireContended(address: number, index: number, timeoutMs: number): boolean {
    let state = this.spin(index);
    if (state === UNLOCKED && Atomics.compareExchange(this.heap.i32, index, UNLOCKED, LOCKED) === UNLOCKED) return true;
    const end = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      // Mark the lock contended; if it was free we now hold it (as "contended": a spurious wake is harmless).
      if (Atomics.exchange(this.heap.i32, index, CONTENDED) === UNLOCKED) return true;
      const left = end === Infinity ? Infinity : end - performance.now();
      if (left <= 0) return false;
      this.parker.park(address, CONTENDED, left);
      state = Atomics.load(this.heap.i32, index);
    }
  }

  /** {@link acquire} without blocking the event loop. */
  async acquireAsync(address: number, timeoutMs: number): Promise<boolean> {
    const index = address >> 2;
    if (Atomics.compareExchange(this.heap.i32, index, UNLOCKED, LOCKED) === UNLOCKED) return true;
    if (timeoutMs === 0) return false;
    const end = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      if (Atomics.exchange(this.heap.i32, index, CONTENDED) === UNLOCKED) return true;
      const left = end === Infinity ? Infinity : end - performance.now();
      if (left <= 0) return false;
      await this.parker.parkAsync(address, CONTENDED, left);
    }
  }

  /**
   * Releases the lock; false when it was not locked. One exchange: writing 0 over 0 changes
   * nothing, so an unlocked lock stays as it was.
   */
  release(address: number): boolean {
    const state = Atomics.exchange(this.heap.i32, address >> 2, UNLOCKED);
    if (state === CONTENDED) this.parker.unpark(address, 1);
    return state !== UNLOCKED;
  }

  /** True while the lock is held. */
  locked(address: number): boolean {
    return Atomics.load(this.heap.i32, address >> 2) !== UNLOCKED;
  }

  /**
   * Spins while the lock is held without waiters, a bounded number of times; returns the last
   * state seen. One view for the whole spin: a view never stops covering a cell that existed
   * when it was read.
   */
  private spin(index: number): number {
    const i32 = this.heap.i32;
    let state = Atomics.load(i32, index);
    for (let i = 0; state === LOCKED && i < SPIN_LIMIT; i++) state = Atomics.load(i32, index);
    return state;
  }
}
