/**
 * `threading.Condition`: wait until notified, on top of a Lock or RLock.
 *
 * Local first (as Lock): a new Condition takes no shared heap. While local it can have no
 * waiters (a wait that could block makes it shared first), so notify/notifyAll, acquire/release
 * and polling waits (timeout <= 0) touch only its lock. It moves to a block of its own
 * (`[MATERIALIZE]`) the first time it is sent to another thread or a `wait` may block (timeout
 * > 0 or none); that makes its lock shared too, held as it was (an RLock keeps its owner and
 * depth).
 *
 * Block layout (12 bytes):
 *   0   i32  address of the lock
 *   4   i32  kind of the lock: 0 = Lock, 1 = RLock
 *   8   i32  references (counted-cell.ts: freed when no view or stored value names it)
 *
 * The block holds a counted reference on its lock, dropped when the block is freed. No thread
 * waits on it then: a waiter holds its view of the condition (and so a reference) until its
 * `wait` has returned.
 *
 * Waiters queue in the parking lot under the block's address (parking/lot.ts), which is a FIFO
 * per key. As in CPython, a waiter queues while it holds the condition's lock, then releases
 * the lock and sleeps until notified or timed out, then reacquires the lock. `notify(n)` (lock
 * held) dequeues and wakes up to `n` of them, oldest first: it wakes exactly min(n, waiting) of
 * the current waiters, and a notify can never be lost to a waiter that already left (a waiter
 * whose time ran out takes itself off the queue, under the lot's lock, unless a notify took it
 * first — then it counts as notified).
 */
import { RuntimeError } from '../errors';
import {
  adopt,
  countedKindId,
  type Handle,
  HANDLE,
  holdReference,
  MATERIALIZE,
  materializeOnDemand,
  releaseCounted,
  retainCounted,
  reviveHandle,
  type SharedObject,
} from '../handle';
import { INSPECT } from '../inspect';
import { ALL, countParked, park, parkAsync, unpark } from '../parking/lot';
import { backend, mustBlock } from '../runtime';
import { Deadline, waitTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';
import { Lock, LOCK_KIND } from './lock';
import { RLock, RLOCK_KIND } from './rlock';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind, withoutDeadlockRaise } from '../diagnostics/wait-state';

const KIND = 'sync.Condition';
const BLOCK_BYTES = 12;
const LOCK_ADDRESS = 0;
const LOCK_TYPE = 4;
const REFS = 8;
/** Handle kinds of the lock, indexed by the block's lock-kind cell. */
const LOCK_KINDS = [LOCK_KIND, RLOCK_KIND] as const;

/**
 * A condition variable. Threads that hold its lock `wait()` until another thread holding the
 * lock calls `notify()`/`notifyAll()`; `wait` releases the lock while it waits and holds it
 * again when it returns. The lock is an RLock unless one is given; the same Condition (with
 * the same lock) in every thread it is passed to.
 *
 * `using _ = cond.hold();` is Python's `with cond:`.
 */
export class Condition implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The block's address once the condition is shared; 0 while it is local. */
  private address: number;
  private readonly lock: Lock | RLock;

  /** A condition over `lock` (a Lock or RLock), or over a new RLock. */
  constructor(lock?: Lock | RLock) {
    if (lock === undefined || lock === null) lock = new RLock();
    if (!(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError('Condition lock must be a threadkit Lock or RLock');
    }
    this.address = 0;
    this.lock = lock;
  }

  /** This thread's view of the Condition at `address` (the codec's reviver). */
  static fromAddress(address: number): Condition {
    const i32 = backend().heap.i32;
    const cond = Object.create(Condition.prototype) as { address: number; lock: Lock | RLock };
    cond.address = address;
    cond.lock = reviveHandle(LOCK_KINDS[i32[(address + LOCK_TYPE) >> 2]], i32[(address + LOCK_ADDRESS) >> 2]) as Lock | RLock;
    return adopt(cond as unknown as Condition, KIND, address);
  }

  /**
   * Moves a local condition to a block of its own, making its lock shared (as it is: held or
   * not) and holding a reference on it; nothing for a shared one.
   */
  [MATERIALIZE](): void {
    if (this.address !== 0) return;
    const lock = this.lock[HANDLE];
    const address = allocCounted(BLOCK_BYTES, REFS);
    const i32 = backend().heap.i32;
    i32[(address + LOCK_ADDRESS) >> 2] = lock.address;
    i32[(address + LOCK_TYPE) >> 2] = this.lock instanceof RLock ? 1 : 0;
    retainCounted(countedKindId(lock.kind), lock.address);
    this.address = address;
    adopt(this, KIND, address);
    holdReference(this, KIND, address);
  }

  /** Acquires the underlying lock (its `acquire`, same arguments and result). */
  acquire(blocking = true, timeout = -1): boolean {
    if (blocking) mustBlock('acquireAsync()');
    return this.lock.acquire(blocking, timeout);
  }

  /** Acquires the underlying lock without blocking the event loop. */
  acquireAsync(blocking = true, timeout = -1): Promise<boolean> {
    return this.lock.acquireAsync(blocking, timeout);
  }

  /** Releases the underlying lock (its `release`, same errors). */
  release(): void {
    this.lock.release();
  }

  /** Acquires the lock (waiting forever) and returns a guard that releases it: `using _ = cond.hold();`. */
  hold(): Guard<Condition> {
    mustBlock('holdAsync()');
    this.lock.acquire();
    return new Guard(this);
  }

  /** {@link hold} without blocking the event loop. */
  async holdAsync(): Promise<Guard<Condition>> {
    await this.lock.acquireAsync();
    return new Guard(this);
  }

  /**
   * Releases the lock, waits until notified or until `timeout` ms pass (`undefined` =
   * forever, negative = poll), then reacquires the lock (restoring an RLock's recursion
   * depth) and returns true, or false when it timed out. The caller must hold the lock:
   * RuntimeError('cannot wait on un-acquired lock') otherwise. Re-check your predicate after
   * it returns (or use {@link waitFor}).
   */
  wait(timeout?: number): boolean {
    mustBlock('waitAsync()');
    const ms = waitTimeout(timeout);
    if (!this.isOwned()) throw new RuntimeError('cannot wait on un-acquired lock');
    if (this.address === 0) {
      if (ms <= 0) {
        this.acquireRestore(this.releaseSave());
        return false;
      }
      this[MATERIALIZE]();
    }
    let saved = 0;
    let released = false;
    const release = (): void => {
      saved = this.releaseSave();
      released = true;
    };
    const token = beginWait(WaitKind.condition, this.address, ms !== Infinity);
    let notified: boolean;
    try {
      notified = park(this.address, always, release, ms) === 'unparked';
    } finally {
      endWait(token);
      if (released) this.acquireRestore(saved);
    }
    return notified;
  }

  /** {@link wait} as a promise; never blocks the event loop (the lock is reacquired asynchronously). */
  async waitAsync(timeout?: number): Promise<boolean> {
    const ms = waitTimeout(timeout);
    if (!this.isOwned()) throw new RuntimeError('cannot wait on un-acquired lock');
    if (this.address === 0) {
      if (ms <= 0) {
        await this.acquireRestoreAsync(this.releaseSave());
        return false;
      }
      this[MATERIALIZE]();
    }
    let saved = 0;
    let released = false;
    const release = (): void => {
      saved = this.releaseSave();
      released = true;
    };
    const token = beginAsyncWait(WaitKind.condition, this.address);
    try {
      return (await parkAsync(this.address, always, release, ms)) === 'unparked';
    } finally {
      endAsyncWait(token);
      if (released) await this.acquireRestoreAsync(saved);
    }
  }

  /**
   * Waits until `predicate()` is truthy and returns its last value, which is falsy only when
   * `timeout` ms (`undefined` = forever) passed first. Called, like {@link wait}, with the
   * lock held; the predicate runs with the lock held.
   */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    let result = predicate();
    if (result) return result;
    const ms = waitTimeout(timeout);
    const deadline = new Deadline(ms);
    for (let left = ms; ; left = deadline.remaining()) {
      this.wait(ms === Infinity ? undefined : left);
      result = predicate();
      if (result || deadline.expired()) return result;
    }
  }

  /** {@link waitFor} as a promise; `predicate` may be sync or return a promise. */
  async waitForAsync<T>(predicate: () => T | PromiseLike<T>, timeout?: number): Promise<T> {
    let result = await predicate();
    if (result) return result;
    const ms = waitTimeout(timeout);
    const deadline = new Deadline(ms);
    for (let left = ms; ; left = deadline.remaining()) {
      await this.waitAsync(ms === Infinity ? undefined : left);
      result = await predicate();
      if (result || deadline.expired()) return result;
    }
  }

  /**
   * Wakes up to `n` threads waiting on this condition, oldest first. The caller must hold
   * the lock: RuntimeError('cannot notify on un-acquired lock') otherwise. The woken threads
   * return from `wait` once they reacquire the lock, i.e. after the notifier releases it.
   */
  notify(n = 1): void {
    if (!this.isOwned()) throw new RuntimeError('cannot notify on un-acquired lock');
    if (this.address !== 0 && n > 0) unpark(this.address, n);
  }

  /** Wakes every thread waiting on this condition (same rules as {@link notify}). */
  notifyAll(): void {
    if (!this.isOwned()) throw new RuntimeError('cannot notify on un-acquired lock');
    if (this.address !== 0) unpark(this.address, ALL);
  }

  /** The number of threads waiting (none while local). */
  private waiting(): number {
    return this.address === 0 ? 0 : countParked(this.address);
  }

  private isOwned(): boolean {
    const lock = this.lock;
    if (lock instanceof RLock) return lock._isOwned();
    if (lock.acquire(false)) {
      lock.release();
      return false;
    }
    return true;
  }

  private releaseSave(): number {
    const lock = this.lock;
    if (lock instanceof RLock) return lock._releaseSave();
    lock.release();
    return 0;
  }

  /** Re-acquires the lock after a wait; never raises DeadlockError (the caller's `using` needs the lock held). */
  private acquireRestore(saved: number): void {
    const lock = this.lock;
    withoutDeadlockRaise(() => {
      if (lock instanceof RLock) lock._acquireRestore(saved);
      else lock.acquire();
    });
  }

  private async acquireRestoreAsync(saved: number): Promise<void> {
    const lock = this.lock;
    if (lock instanceof RLock) await lock._acquireRestoreAsync(saved);
    else await lock.acquireAsync();
  }

  /** `<Condition(<RLock unlocked owner=0 count=0>, 0)>`: the lock and the number of waiters. */
  toString(): string {
    return `<Condition(${String(this.lock)}, ${this.waiting()})>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** Drops the block's reference on its lock (its waiter list is empty: see the header). */
function destroy(address: number): void {
  const i32 = backend().heap.i32;
  releaseCounted(countedKindId(LOCK_KINDS[i32[(address + LOCK_TYPE) >> 2]]), i32[(address + LOCK_ADDRESS) >> 2]);
}

/** A condition waiter always queues (the lock it holds orders it against notifiers). */
function always(): boolean {
  return true;
}

materializeOnDemand(Condition.prototype);
registerCounted(KIND, REFS, (address) => Condition.fromAddress(address), destroy);
