/**
 * `threading.RLock`: a reentrant lock owned by the thread that acquired it.
 *
 * Local first (as Lock): a new RLock keeps its owner and depth in its creating thread's memory
 * and takes no shared heap. It moves to a block of its own (`[MATERIALIZE]`, keeping its owner
 * and depth) the first time it is sent to another thread or a caller has to wait for it.
 *
 * Block layout (24 bytes):
 *   0  i32  core lock cell (held while any thread owns the RLock)
 *   4  i32  owner: ident of the owning thread, 0 when unowned
 *   8  i32  count: recursion depth of the owner, 0 when unowned
 *   12 i32  references (counted-cell.ts: freed when no view or stored value names it)
 *   16 i32  previous, next: links of the list of shared RLocks (diagnostics/lock-registry.ts)
 *
 * Owner and count are written only by the thread holding the core lock, so plain accesses
 * suffice; a thread reading `owner` can only see its own ident while it really owns the lock.
 */
import { RuntimeError } from '../errors';
import { warnDeprecated } from '../arguments';
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { currentIdent } from '../threading/current';
import { lockTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';
import { WaitKind } from '../diagnostics/wait-state';
import { acquireContended, acquireContendedAsync } from './contended';
import { LockRegistry } from '../diagnostics/lock-registry';
import { Root } from '../roots';

/** Handle kind of RLock blocks. */
export const RLOCK_KIND = 'sync.RLock';
const BLOCK_BYTES = 24;
/** The list of shared RLocks, linked through the cells at 16 and 20. */
export const sharedRLocks = new LockRegistry(Root.rlockListHead, 16);
const OWNER = 4;
const COUNT = 8;
const REFS = 12;
/** Byte offsets of the owner and count cells in an RLock's block (see the layout above). */
export const RLOCK_OWNER = OWNER;
export const RLOCK_COUNT = COUNT;

/**
 * Takes the core lock of the RLock at `cell`; a contended wait is recorded for diagnostics.
 * `ms`: 0 tries once, Infinity waits forever.
 */
function lockCore(cell: number, ms: number): boolean {
  const b = backend();
  return b.lockAcquire(cell, 0) || (ms !== 0 && acquireContended(b, b.heap.i32, cell, ms, WaitKind.rlock));
}

/**
 * A reentrant lock: the owning thread may acquire it again without blocking, and must release
 * it as many times as it acquired it; only the owner may release it. Other threads block in
 * `acquire()` until the owner's last `release()`. The same object in every thread.
 *
 * `using _ = rlock.hold();` is Python's `with rlock:`.
 */
export class RLock implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The block's address once the lock is shared; 0 while it is local. */
  private cell: number;
  /** While local: the owner's ident (0 = unowned) and its recursion depth. */
  private owner: number;
  private count: number;

  /** A new, unowned lock. */
  constructor() {
    // Python 3.13 warns (and 3.15 raises): RLock takes no arguments.
    if (arguments.length > 0) warnDeprecated('Passing arguments to RLock is deprecated and will be removed in 3.15');
    this.cell = 0;
    this.owner = 0;
    this.count = 0;
  }

  /** This thread's view of the RLock at `address` (the codec's reviver). */
  static fromAddress(address: number): RLock {
    const lock = Object.create(RLock.prototype) as { cell: number; owner: number; count: number };
    lock.cell = address;
    lock.owner = 0;
    lock.count = 0;
    return adopt(lock as unknown as RLock, RLOCK_KIND, address);
  }

  /** Moves a local lock to a block of its own (owned as it was); nothing for a shared one. */
  [MATERIALIZE](): void {
    if (this.cell !== 0) return;
    const b = backend();
    const cell = allocCounted(BLOCK_BYTES, REFS);
    if (this.owner !== 0) {
      b.lockAcquire(cell, 0);
      b.heap.i32[(cell + OWNER) >> 2] = this.owner;
      b.heap.i32[(cell + COUNT) >> 2] = this.count;
    }
    sharedRLocks.add(cell);
    this.cell = cell;
    adopt(this, RLOCK_KIND, cell);
    holdReference(this, RLOCK_KIND, cell);
  }

  /** The block's address, making it first if the lock is local. */
  private shared(): number {
    if (this.cell === 0) this[MATERIALIZE]();
    return this.cell;
  }

  /**
   * While local: takes the lock for `me` (or goes one level deeper) and returns true, or
   * returns false when another owner holds it (the caller would have to wait).
   */
  private tryLocal(me: number): boolean {
    if (this.owner === me) {
      this.count++;
      return true;
    }
    if (this.owner !== 0) return false;
    this.owner = me;
    this.count = 1;
    return true;
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
    if (this.cell === 0) {
      if (this.tryLocal(me)) return true;
      if (ms === 0) return false;
    }
    const b = backend();
    const cell = this.shared();
    const i32 = b.heap.i32;
    const at = cell >> 2;
    if (i32[at + OWNER / 4] === me) {
      i32[at + COUNT / 4]++;
      return true;
    }
    if (!lockCore(cell, ms)) return false;
    b.heap.i32[at + OWNER / 4] = me;
    b.heap.i32[at + COUNT / 4] = 1;
    return true;
  }

  /** {@link acquire} as a promise; never blocks the event loop. Ownership is per thread, shared by its async tasks. */
  async acquireAsync(blocking = true, timeout = -1): Promise<boolean> {
    const ms = lockTimeout(blocking, timeout);
    const me = currentIdent();
    if (this.cell === 0) {
      if (this.tryLocal(me)) return true;
      if (ms === 0) return false;
    }
    const b = backend();
    const cell = this.shared();
    const at = cell >> 2;
    if (b.heap.i32[at + OWNER / 4] === me) {
      b.heap.i32[at + COUNT / 4]++;
      return true;
    }
    if (!(await acquireContendedAsync(b, cell, ms, WaitKind.rlock))) return false;
    b.heap.i32[at + OWNER / 4] = me;
    b.heap.i32[at + COUNT / 4] = 1;
    return true;
  }

  /**
   * Decrements the recursion count; at zero the lock becomes unowned and one waiter may take
   * it. Throws RuntimeError('cannot release un-acquired lock') when the calling thread does
   * not own it.
   */
  release(): void {
    if (this.cell === 0) {
      if (this.owner !== currentIdent() || this.count === 0) throw new RuntimeError('cannot release un-acquired lock');
      if (--this.count === 0) this.owner = 0;
      return;
    }
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    if (i32[at + OWNER / 4] !== currentIdent() || i32[at + COUNT / 4] === 0) throw new RuntimeError('cannot release un-acquired lock');
    if (--i32[at + COUNT / 4] === 0) {
      i32[at + OWNER / 4] = 0;
      b.lockRelease(this.cell);
    }
  }

  /** True when some thread owns the lock (Python 3.14's `RLock.locked()`). */
  locked(): boolean {
    return this.cell === 0 ? this.owner !== 0 : backend().lockLocked(this.cell);
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
    if (this.cell === 0) {
      const count = this.count;
      if (count === 0) throw new RuntimeError('cannot release un-acquired lock');
      this.count = 0;
      this.owner = 0;
      return count;
    }
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    const count = i32[at + COUNT / 4];
    if (count === 0) throw new RuntimeError('cannot release un-acquired lock');
    i32[at + COUNT / 4] = 0;
    i32[at + OWNER / 4] = 0;
    b.lockRelease(this.cell);
    return count;
  }

  /** For Condition: reacquires the lock (waiting forever) with the count saved by {@link _releaseSave}. */
  _acquireRestore(count: number): void {
    if (this.cell === 0 && this.owner === 0) {
      this.restoreLocal(count);
      return;
    }
    lockCore(this.shared(), Infinity);
    this.restore(backend().heap.i32, count);
  }

  /** {@link _acquireRestore} without blocking the event loop. */
  async _acquireRestoreAsync(count: number): Promise<void> {
    if (this.cell === 0 && this.owner === 0) {
      this.restoreLocal(count);
      return;
    }
    const b = backend();
    await b.lockAcquireAsync(this.shared(), Infinity);
    this.restore(b.heap.i32, count);
  }

  /** For Condition: true when the calling thread owns the lock. */
  _isOwned(): boolean {
    if (this.cell === 0) return this.owner === currentIdent() && this.count > 0;
    const i32 = backend().heap.i32;
    const at = this.cell >> 2;
    return i32[at + OWNER / 4] === currentIdent() && i32[at + COUNT / 4] > 0;
  }

  private restoreLocal(count: number): void {
    this.owner = currentIdent();
    this.count = count;
  }

  private restore(i32: Int32Array, count: number): void {
    const at = this.cell >> 2;
    i32[at + OWNER / 4] = currentIdent();
    i32[at + COUNT / 4] = count;
  }

  /** `<RLock locked owner=1 count=2>` / `<RLock unlocked owner=0 count=0>` */
  toString(): string {
    let owner = this.owner;
    let count = this.count;
    if (this.cell !== 0) {
      const i32 = backend().heap.i32;
      owner = i32[(this.cell + OWNER) >> 2];
      count = i32[(this.cell + COUNT) >> 2];
    }
    return `<RLock ${this.locked() ? 'locked' : 'unlocked'} owner=${owner} count=${count}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

materializeOnDemand(RLock.prototype);
registerCounted(RLOCK_KIND, REFS, (address) => RLock.fromAddress(address), (address) => sharedRLocks.remove(address));
