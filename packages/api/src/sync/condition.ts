/**
 * `threading.Condition`: wait until notified, on top of a Lock or RLock.
 *
 * Block layout (20 bytes):
 *   0   i32  address of the lock
 *   4   i32  kind of the lock: 0 = Lock, 1 = RLock
 *   8   i32  address of the first waiter node (0 = none)
 *   12  i32  address of the last waiter node (0 = none)
 *   16  i32  number of waiter nodes in the list
 *
 * Waiter node (8 bytes, one per `wait` call, owned by the waiting thread):
 *   0   i32  park cell: 0 while waiting, 1 once notified
 *   4   i32  address of the next node (0 = last)
 *
 * As in CPython, the list is a FIFO touched only while holding the condition's lock. `wait`
 * appends its node, releases the lock, parks on the node's cell until notified or timed out,
 * reacquires the lock, and unlinks its node if nobody notified it. `notify(n)` pops up to `n`
 * nodes, marks them and wakes them: it wakes exactly min(n, waiting) of the current waiters,
 * oldest first, and a notify can never be lost to a waiter that already left.
 */
import { RuntimeError } from '../errors';
import { adopt, countedKindId, type Handle, HANDLE, registerKind, retainCounted, reviveHandle, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { parkSpinning } from '../park';
import { backend, mustBlock } from '../runtime';
import { Deadline, waitTimeout } from '../timeout';
import { Guard } from './guard';
import { Lock, LOCK_KIND } from './lock';
import { RLock, RLOCK_KIND } from './rlock';

const KIND = 'sync.Condition';
const BLOCK_BYTES = 20;
const NODE_BYTES = 8;
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
  private readonly address: number;
  private readonly lock: Lock | RLock;

  /** A condition over `lock` (a Lock or RLock), or over a new RLock. */
  constructor(lock?: Lock | RLock) {
    if (lock === undefined || lock === null) lock = new RLock();
    if (!(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError('Condition lock must be a threadkit Lock or RLock');
    }
    const b = backend();
    const address = b.alloc(BLOCK_BYTES);
    b.heap.i32[address >> 2] = lock[HANDLE].address;
    b.heap.i32[(address >> 2) + 1] = lock instanceof RLock ? 1 : 0;
    // The block names the lock for good (a Condition is never freed): keep the lock alive too.
    const counted = countedKindId(lock[HANDLE].kind);
    if (counted >= 0) retainCounted(counted, lock[HANDLE].address);
    this.address = address;
    this.lock = lock;
    adopt(this, KIND, address);
  }

  /** This thread's view of the Condition at `address` (the codec's reviver). */
  static fromAddress(address: number): Condition {
    const i32 = backend().heap.i32;
    const cond = Object.create(Condition.prototype) as { address: number; lock: Lock | RLock };
    cond.address = address;
    cond.lock = reviveHandle(LOCK_KINDS[i32[(address >> 2) + 1]], i32[address >> 2]) as Lock | RLock;
    return adopt(cond as unknown as Condition, KIND, address);
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
    const b = backend();
    const node = this.enqueue(b);
    const saved = this.releaseSave();
    try {
      const deadline = new Deadline(ms);
      for (let left = ms; Atomics.load(b.heap.i32, node >> 2) === 0 && left > 0; left = deadline.remaining()) {
        parkSpinning(node, 0, left);
      }
    } finally {
      this.acquireRestore(saved);
    }
    return this.leave(b, node);
  }

  /** {@link wait} as a promise; never blocks the event loop (the lock is reacquired asynchronously). */
  async waitAsync(timeout?: number): Promise<boolean> {
    const ms = waitTimeout(timeout);
    if (!this.isOwned()) throw new RuntimeError('cannot wait on un-acquired lock');
    const b = backend();
    const node = this.enqueue(b);
    const saved = this.releaseSave();
    try {
      const deadline = new Deadline(ms);
      for (let left = ms; Atomics.load(b.heap.i32, node >> 2) === 0 && left > 0; left = deadline.remaining()) {
        await b.parkAsync(node, 0, left);
      }
    } finally {
      await this.acquireRestoreAsync(saved);
    }
    return this.leave(b, node);
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
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.address >> 2;
    for (; n > 0 && i32[at + 2] !== 0; n--) {
      const node = i32[at + 2];
      const next = i32[(node >> 2) + 1];
      i32[at + 2] = next;
      if (next === 0) i32[at + 3] = 0;
      i32[at + 4]--;
      Atomics.store(i32, node >> 2, 1);
      b.unpark(node, 1);
    }
  }

  /** Wakes every thread waiting on this condition (same rules as {@link notify}). */
  notifyAll(): void {
    this.notify(backend().heap.i32[(this.address >> 2) + 4]);
  }

  /** Appends a new waiter node (lock held). */
  private enqueue(b: ReturnType<typeof backend>): number {
    const node = b.alloc(NODE_BYTES);
    const i32 = b.heap.i32;
    const at = this.address >> 2;
    const tail = i32[at + 3];
    if (tail === 0) i32[at + 2] = node;
    else i32[(tail >> 2) + 1] = node;
    i32[at + 3] = node;
    i32[at + 4]++;
    return node;
  }

  /** After reacquiring the lock: unlinks the node unless a notify took it, frees it, returns whether notified. */
  private leave(b: ReturnType<typeof backend>, node: number): boolean {
    const i32 = b.heap.i32;
    const notified = Atomics.load(i32, node >> 2) === 1;
    if (!notified) {
      const at = this.address >> 2;
      let prev = 0;
      let cur = i32[at + 2];
      while (cur !== node) {
        prev = cur;
        cur = i32[(cur >> 2) + 1];
      }
      const next = i32[(node >> 2) + 1];
      if (prev === 0) i32[at + 2] = next;
      else i32[(prev >> 2) + 1] = next;
      if (i32[at + 3] === node) i32[at + 3] = prev;
      i32[at + 4]--;
    }
    b.free(node);
    return notified;
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

  private acquireRestore(saved: number): void {
    const lock = this.lock;
    if (lock instanceof RLock) lock._acquireRestore(saved);
    else lock.acquire();
  }

  private async acquireRestoreAsync(saved: number): Promise<void> {
    const lock = this.lock;
    if (lock instanceof RLock) await lock._acquireRestoreAsync(saved);
    else await lock.acquireAsync();
  }

  /** `<Condition(<RLock unlocked owner=0 count=0>, 0)>`: the lock and the number of waiters. */
  toString(): string {
    return `<Condition(${String(this.lock)}, ${backend().heap.i32[(this.address >> 2) + 4]})>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

registerKind(KIND, (address) => Condition.fromAddress(address));
