/**
 * `threading.RLock`: a reentrant lock owned by the thread that acquired it.
 *
 * Block layout (16 bytes):
 *   0  i32  core lock cell (held while any thread owns the RLock)
 *   4  i32  owner: ident of the owning thread, 0 when unowned
 *   8  i32  count: recursion depth of the owner, 0 when unowned
 *   12 i32  references (counted-cell.ts: freed when no view or stored value names it)
 *
 * Owner and count are written only by the thread holding the core lock, so plain accesses
 * suffice; a thread reading `owner` can only see its own ident while it really owns the lock.
 */
import { RuntimeError } from '../errors';
import { adopt, type Handle, HANDLE, holdReference, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { currentIdent } from '../threading/current';
import { lockTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';

/** Handle kind of RLock blocks. */
export const RLOCK_KIND = 'sync.RLock';
const BLOCK_BYTES = 16;
const REFS = 12;

/**
 * A reentrant lock: the owning thread may acquire it again without blocking, and must release
 * it as many times as it acquired it; only the owner may release it. Other threads block in
 * `acquire()` until the owner's last `release()`. The same object in every thread.
 *
 * `using _ = rlock.hold();` is Python's `with rlock:`.
 */
export class RLock implements SharedObject {
  declare readonly [HANDLE]: Handle;
  private readonly cell: number;

  /** A new, unowned lock. */
  constructor() {
    this.cell = allocCounted(BLOCK_BYTES, REFS);
    adopt(this, RLOCK_KIND, this.cell);
    holdReference(this, RLOCK_KIND, this.cell);
  }

  /** This thread's view of the RLock at `address` (the codec's reviver). */
  static fromAddress(address: number): RLock {
    const lock = Object.create(RLock.prototype) as { cell: number };
    lock.cell = address;
    return adopt(lock as unknown as RLock, RLOCK_KIND, address);
  }

  /**
   * Acquires the lock; returns true once owned. When the calling thread already owns it, the
   * recursion count goes up and it returns true at once. Otherwise it blocks like
   * `Lock.acquire`: `blocking = false` tries once, `timeout` (ms, `-1` forever) bounds the
   * wait and false is returned when it passes.
   */
  acquire(blocking = true, timeout = -1): boolean {
    if (blocking) mustBlock('acquireAsync()');
    const ms = blocking === true && timeout === -1 ? Infinity : lockTimeout(blocking, timeout);
    const me = currentIdent();
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    if (i32[at + 1] === me) {
      i32[at + 2]++;
      return true;
    }
    if (!b.lockAcquire(this.cell, ms)) return false;
    i32[at + 1] = me;
    i32[at + 2] = 1;
    return true;
  }

  /** {@link acquire} as a promise; never blocks the event loop. Ownership is per thread, shared by its async tasks. */
  async acquireAsync(blocking = true, timeout = -1): Promise<boolean> {
    const ms = lockTimeout(blocking, timeout);
    const me = currentIdent();
    const b = backend();
    const at = this.cell >> 2;
    if (b.heap.i32[at + 1] === me) {
      b.heap.i32[at + 2]++;
      return true;
    }
    if (!(await b.lockAcquireAsync(this.cell, ms))) return false;
    b.heap.i32[at + 1] = me;
    b.heap.i32[at + 2] = 1;
    return true;
  }

  /**
   * Decrements the recursion count; at zero the lock becomes unowned and one waiter may take
   * it. Throws RuntimeError('cannot release un-acquired lock') when the calling thread does
   * not own it.
   */
  release(): void {
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    if (i32[at + 1] !== currentIdent() || i32[at + 2] === 0) throw new RuntimeError('cannot release un-acquired lock');
    if (--i32[at + 2] === 0) {
      i32[at + 1] = 0;
      b.lockRelease(this.cell);
    }
  }

  /** True when some thread owns the lock (Python 3.14's `RLock.locked()`). */
  locked(): boolean {
    return backend().lockLocked(this.cell);
  }

  /** Acquires the lock (waiting forever) and returns a guard that releases it once: `using _ = rlock.hold();`. */
  hold(): Guard<RLock> {
    mustBlock('holdAsync()');
    this.acquire();
    return new Guard(this);
  }

  /** {@link hold} without blocking the event loop: `await using _ = await rlock.holdAsync();`. */
  async holdAsync(): Promise<Guard<RLock>> {
    await this.acquireAsync();
    return new Guard(this);
  }

  /** For Condition: releases the lock fully, whatever the count; returns the count to restore. */
  _releaseSave(): number {
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    const count = i32[at + 2];
    if (count === 0) throw new RuntimeError('cannot release un-acquired lock');
    i32[at + 2] = 0;
    i32[at + 1] = 0;
    b.lockRelease(this.cell);
    return count;
  }

  /** For Condition: reacquires the lock (waiting forever) with the count saved by {@link _releaseSave}. */
  _acquireRestore(count: number): void {
    const b = backend();
    b.lockAcquire(this.cell, Infinity);
    this.restore(b.heap.i32, count);
  }

  /** {@link _acquireRestore} without blocking the event loop. */
  async _acquireRestoreAsync(count: number): Promise<void> {
    const b = backend();
    await b.lockAcquireAsync(this.cell, Infinity);
    this.restore(b.heap.i32, count);
  }

  /** For Condition: true when the calling thread owns the lock. */
  _isOwned(): boolean {
    const i32 = backend().heap.i32;
    const at = this.cell >> 2;
    return i32[at + 1] === currentIdent() && i32[at + 2] > 0;
  }

  private restore(i32: Int32Array, count: number): void {
    const at = this.cell >> 2;
    i32[at + 1] = currentIdent();
    i32[at + 2] = count;
  }

  /** `<RLock locked owner=1 count=2>` / `<RLock unlocked owner=0 count=0>` */
  toString(): string {
    const i32 = backend().heap.i32;
    const at = this.cell >> 2;
    const owner = i32[at + 1];
    const count = i32[at + 2];
    return `<RLock ${this.locked() ? 'locked' : 'unlocked'} owner=${owner} count=${count}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

registerCounted(RLOCK_KIND, REFS, (address) => RLock.fromAddress(address));
