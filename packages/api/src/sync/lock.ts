/**
 * `threading.Lock`: the primitive lock, a backend core lock in the shared heap.
 *
 * Local first: a new Lock is a flag in its creating thread's memory and takes no shared heap.
 * It moves to a block of its own (`[MATERIALIZE]`) the first time it is sent to another thread
 * or a caller has to wait for it; until then acquire/release touch only the flag, so a loop
 * that makes and drops a lock per item never fills the heap.
 *
 * Block layout (8 bytes, see counted-cell.ts):
 *   0  i32  core lock cell (0 = unlocked; the backend owns the other states)
 *   4  i32  references (the block is freed when no view or stored value names it)
 */
import { RuntimeError } from '../errors';
import { takesNoArguments } from '../arguments';
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { lockTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';

/** Handle kind of Lock blocks. */
export const LOCK_KIND = 'sync.Lock';

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

  /** A new, unlocked lock. */
  constructor() {
    takesNoArguments(arguments.length, (n) => `lock expected 0 arguments, got ${n}`);
    this.cell = 0;
    this.held = false;
  }

  /** This thread's view of the lock at `address` (the codec's reviver). */
  static fromAddress(address: number): Lock {
    const lock = Object.create(Lock.prototype) as { cell: number; held: boolean };
    lock.cell = address;
    lock.held = false;
    return adopt(lock as unknown as Lock, LOCK_KIND, address);
  }

  /** Moves a local lock to a block of its own (held if it was held); nothing for a shared one. */
  [MATERIALIZE](): void {
    if (this.cell !== 0) return;
    const cell = allocCounted(8, 4);
    if (this.held) backend().lockAcquire(cell, 0);
    this.cell = cell;
    adopt(this, LOCK_KIND, cell);
    holdReference(this, LOCK_KIND, cell);
  }

  /** The block's address, making it first if the lock is local. */
  private shared(): number {
    if (this.cell === 0) this[MATERIALIZE]();
    return this.cell;
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
    return backend().lockAcquire(this.shared(), ms);
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
      return backend()
        .lockAcquireAsync(this.shared(), ms)
        .then((acquired) => {
          void this;
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
    } else if (!backend().lockRelease(this.cell)) {
      throw new RuntimeError('release unlocked lock');
    }
  }

  /** True when the lock is held (by any thread). */
  locked(): boolean {
    return this.cell === 0 ? this.held : backend().lockLocked(this.cell);
  }

  /** Acquires the lock (waiting forever) and returns a guard that releases it: `using _ = lock.hold();`. */
  hold(): Guard<Lock> {
    mustBlock('holdAsync()');
    if (this.cell !== 0 || !this.tryLocal()) backend().lockAcquire(this.shared(), Infinity);
    return new Guard(this);
  }

  /** {@link hold} without blocking the event loop: `await using _ = await lock.holdAsync();`. */
  async holdAsync(): Promise<Guard<Lock>> {
    if (this.cell !== 0 || !this.tryLocal()) await backend().lockAcquireAsync(this.shared(), Infinity);
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
registerCounted(LOCK_KIND, 4, (address) => Lock.fromAddress(address));
