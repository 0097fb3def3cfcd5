/**
 * `threading.Lock`: the primitive lock, a backend core lock in the shared heap.
 *
 * Local first: a new Lock is a flag in its creating thread's memory and takes no shared heap.
 * It moves to a block of its own (`[MATERIALIZE]`) the first time it is sent to another thread
 * or a caller has to wait for it; until then acquire/release touch only the flag, so a loop
 * that makes and drops a lock per item never fills the heap.
 *
 * Block layout (20 bytes, see counted-cell.ts):
 *   0  i32  core lock cell (0 = unlocked; the backend owns the other states)
 *   4  i32  references (the block is freed when no view or stored value names it)
 *   8  i32  holder: ident of the thread that acquired it, 0 once released. Python's Lock has no
 *           owner (any thread may release it); this cell only tells `dumpThreads` and the
 *           deadlock detector who took it. One plain store after an acquire and one before a
 *           release, on the acquiring/releasing thread: the same cache line as the lock word.
 *  12  i32  previous, next: links of the list of shared Locks (diagnostics/lock-registry.ts)
 */
import { RuntimeError } from '../errors';
import { takesNoArguments } from '../arguments';
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { lockTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';
import { currentIdentOrZero } from '../threading/current';
import { WaitKind } from '../diagnostics/wait-state';
import { acquireContended, acquireContendedAsync } from './contended';
import { LockRegistry } from '../diagnostics/lock-registry';
import { Root } from '../roots';

/**
 * Gives `lock` its `view` property, not enumerable: it is the whole heap, which a generic object
 * printer or deep comparison (a test framework's) would otherwise walk element by element.
 */
function hideView(lock: object, view: Int32Array | undefined): void {
  Object.defineProperty(lock, 'view', { value: view, writable: true, enumerable: false, configurable: false });
}

/** Handle kind of Lock blocks. */
export const LOCK_KIND = 'sync.Lock';
/** Byte offset of the holder cell in a Lock's block (see the layout above). */
export const LOCK_HOLDER = 8;
const BLOCK_BYTES = 20;
/** The list of shared Locks, linked through the cells at 12 and 16. */
export const sharedLocks = new LockRegistry(Root.lockListHead, 12);

/**
 * A primitive lock: locked or unlocked, owned by no thread. `acquire()` blocks while it is
 * locked; `release()` unlocks it and may be called from ANY thread (not only the one that
 * acquired it), as in Python. The same object in every thread it is passed to.
 *
 * `using _ = lock.hold();` is Python's `with lock:`.
 */
export class Lock implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The block's address once the lock is shared; 0 while it is local. */
  private cell: number;
  /** While local: whether it is held. */
  private held: boolean;
  /**
   * A view of the heap covering the block (taken when the block is known; a view never stops
   * covering a cell that existed when it was taken, even after the heap grows), for the holder
   * cell's stores without the heap's view check.
   */
  private view: Int32Array | undefined;

  /** A new, unlocked lock. */
  constructor() {
    takesNoArguments(arguments.length, (n) => `lock expected 0 arguments, got ${n}`);
    this.cell = 0;
    this.held = false;
    hideView(this, undefined);
  }

  /** This thread's view of the lock at `address` (the codec's reviver). */
  static fromAddress(address: number): Lock {
    const lock = Object.create(Lock.prototype) as { cell: number; held: boolean; view: Int32Array | undefined };
    lock.cell = address;
    lock.held = false;
    hideView(lock, backend().heap.i32);
    return adopt(lock as unknown as Lock, LOCK_KIND, address);
  }

  /** Moves a local lock to a block of its own (held if it was held); nothing for a shared one. */
  [MATERIALIZE](): void {
    if (this.cell !== 0) return;
    const cell = allocCounted(BLOCK_BYTES, 4);
    this.view = backend().heap.i32;
    if (this.held) {
      backend().lockAcquire(cell, 0);
      this.view![(cell + LOCK_HOLDER) >> 2] = currentIdentOrZero();
    }
    sharedLocks.add(cell);
    this.cell = cell;
    adopt(this, LOCK_KIND, cell);
    holdReference(this, LOCK_KIND, cell);
  }

  /** The block's address, making it first if the lock is local. */
  private shared(): number {
    if (this.cell === 0) this[MATERIALIZE]();
    return this.cell;
  }

  /**
   * Acquires the shared lock (`ms`: 0 tries once, Infinity waits forever); the wait is recorded
   * for diagnostics only when it is contended, and the holder once acquired.
   */
  private acquireShared(ms: number): boolean {
    const cell = this.shared();
    const b = backend();
    if (b.lockAcquire(cell, 0) || (ms !== 0 && acquireContended(b, this.view!, cell, ms, WaitKind.lock))) {
      this.view![(cell + LOCK_HOLDER) >> 2] = currentIdentOrZero();
      return true;
    }
    return false;
  }

  /** While local: takes the flag if free (true), or says whether the caller would have to wait. */
  private tryLocal(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  /**
   * Acquires the lock, blocking until it is free; returns true once acquired.
   * `blocking = false` tries once and returns false when the lock is taken. `timeout` (ms)
   * bounds the wait: `-1` is forever, other negatives are a RangeError, and a timeout with
   * `blocking = false` is a RangeError. Returns false when the timeout passes.
   */
  acquire(blocking = true, timeout = -1): boolean {
    if (blocking) mustBlock('acquireAsync()');
    const ms = blocking === true && timeout === -1 ? Infinity : lockTimeout(blocking, timeout);
    if (this.cell === 0) {
      if (this.tryLocal()) return true;
      if (ms === 0) return false;
    }
    return this.acquireShared(ms);
  }

  /** {@link acquire} as a promise; never blocks the event loop. */
  acquireAsync(blocking = true, timeout = -1): Promise<boolean> {
    try {
      const ms = lockTimeout(blocking, timeout);
      if (this.cell === 0) {
        if (this.tryLocal()) return Promise.resolve(true);
        if (ms === 0) return Promise.resolve(false);
      }
      // The continuation keeps this view (and so the block) alive while the wait is pending.
      const cell = this.shared();
      return acquireContendedAsync(backend(), cell, ms, WaitKind.lock).then((acquired) => {
        void this;
        if (acquired) this.view![(cell + LOCK_HOLDER) >> 2] = currentIdentOrZero();
        return acquired;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Unlocks the lock, waking one waiter. Any thread may release it.
   * Throws RuntimeError('release unlocked lock') when it is not locked.
   */
  release(): void {
    if (this.cell === 0) {
      if (!this.held) throw new RuntimeError('release unlocked lock');
      this.held = false;
    } else {
      this.view![(this.cell + LOCK_HOLDER) >> 2] = 0;
      if (!backend().lockRelease(this.cell)) throw new RuntimeError('release unlocked lock');
    }
  }

  /** True when the lock is held (by any thread). */
  locked(): boolean {
    return this.cell === 0 ? this.held : backend().lockLocked(this.cell);
  }

  /** Acquires the lock (waiting forever) and returns a guard that releases it: `using _ = lock.hold();`. */
  hold(): Guard<Lock> {
    mustBlock('holdAsync()');
    if (this.cell !== 0 || !this.tryLocal()) this.acquireShared(Infinity);
    return new Guard(this);
  }

  /** {@link hold} without blocking the event loop: `await using _ = await lock.holdAsync();`. */
  async holdAsync(): Promise<Guard<Lock>> {
    if (this.cell !== 0 || !this.tryLocal()) {
      const cell = this.shared();
      await acquireContendedAsync(backend(), cell, Infinity, WaitKind.lock);
      this.view![(cell + LOCK_HOLDER) >> 2] = currentIdentOrZero();
    }
    return new Guard(this);
  }

  /** `<Lock locked>` / `<Lock unlocked>` */
  toString(): string {
    return this.locked() ? '<Lock locked>' : '<Lock unlocked>';
  }

  [INSPECT](): string {
    return this.toString();
  }
}

materializeOnDemand(Lock.prototype);
registerCounted(LOCK_KIND, 4, (address) => Lock.fromAddress(address), (address) => sharedLocks.remove(address));
