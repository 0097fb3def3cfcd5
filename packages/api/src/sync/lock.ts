/**
 * `threading.Lock`: the primitive lock, a backend core lock in the shared heap.
 *
 * Block layout (8 bytes, see counted-cell.ts):
 *   0  i32  core lock cell (0 = unlocked; the backend owns the other states)
 *   4  i32  references (the block is freed when no view or stored value names it)
 */
import { RuntimeError } from '../errors';
import { adopt, type Handle, HANDLE, holdReference, type SharedObject } from '../handle';
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
  private readonly cell: number;

  /** A new, unlocked lock. */
  constructor() {
    this.cell = allocCounted(8, 4);
    adopt(this, LOCK_KIND, this.cell);
    holdReference(this, LOCK_KIND, this.cell);
  }

  /** This thread's view of the lock at `address` (the codec's reviver). */
  static fromAddress(address: number): Lock {
    const lock = Object.create(Lock.prototype) as { cell: number };
    lock.cell = address;
    return adopt(lock as unknown as Lock, LOCK_KIND, address);
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
    return backend().lockAcquire(this.cell, ms);
  }

  /** {@link acquire} as a promise; never blocks the event loop. */
  acquireAsync(blocking = true, timeout = -1): Promise<boolean> {
    try {
      // The continuation keeps this view (and so the block) alive while the wait is pending.
      return backend()
        .lockAcquireAsync(this.cell, lockTimeout(blocking, timeout))
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
    if (!backend().lockRelease(this.cell)) throw new RuntimeError('release unlocked lock');
  }

  /** True when the lock is held (by any thread). */
  locked(): boolean {
    return backend().lockLocked(this.cell);
  }

  /** Acquires the lock (waiting forever) and returns a guard that releases it: `using _ = lock.hold();`. */
  hold(): Guard<Lock> {
    mustBlock('holdAsync()');
    backend().lockAcquire(this.cell, Infinity);
    return new Guard(this);
  }

  /** {@link hold} without blocking the event loop: `await using _ = await lock.holdAsync();`. */
  async holdAsync(): Promise<Guard<Lock>> {
    await backend().lockAcquireAsync(this.cell, Infinity);
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

registerCounted(LOCK_KIND, 4, (address) => Lock.fromAddress(address));
