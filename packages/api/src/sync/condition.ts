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
 * Block layout (24 bytes):
 *   0   i32  address of the lock
 *   4   i32  kind of the lock: 0 = Lock, 1 = RLock
 *   8   i32  address of the first waiter node (0 = none)
 *   12  i32  address of the last waiter node (0 = none)
 *   16  i32  number of waiter nodes in the list
 *   20  i32  references (counted-cell.ts: freed when no view or stored value names it)
 *
 * The block holds a counted reference on its lock, dropped when the block is freed. The waiter
 * list is always empty then: a waiter holds its view of the condition (and so a reference)
 * until its `wait` has unlinked and freed its node.
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
import { parkSpinning } from '../park';
import { backend, mustBlock } from '../runtime';
import { Deadline, waitTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';
import { Lock, LOCK_KIND } from './lock';
import { RLock, RLOCK_KIND } from './rlock';

const KIND = 'sync.Condition';
const BLOCK_BYTES = 24;
const LOCK_ADDRESS = 0;
const LOCK_TYPE = 4;
const HEAD = 8;
const TAIL = 12;
const WAITING = 16;
const REFS = 20;
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
    if (this.address === 0) {
      if (ms <= 0) {
        await this.acquireRestoreAsync(this.releaseSave());
        return false;
      }
      this[MATERIALIZE]();
    }
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
    if (this.address === 0) return;
    const b = backend();
    const i32 = b.heap.i32;
    const head = (this.address + HEAD) >> 2;
    for (; n > 0 && i32[head] !== 0; n--) {
      const node = i32[head];
      const next = i32[(node >> 2) + 1];
      i32[head] = next;
      if (next === 0) i32[(this.address + TAIL) >> 2] = 0;
      i32[(this.address + WAITING) >> 2]--;
      Atomics.store(i32, node >> 2, 1);
      b.unpark(node, 1);
    }
  }

  /** Wakes every thread waiting on this condition (same rules as {@link notify}). */
  notifyAll(): void {
    this.notify(this.waiting());
  }

  /** The number of threads waiting (none while local). */
  private waiting(): number {
    return this.address === 0 ? 0 : backend().heap.i32[(this.address + WAITING) >> 2];
  }

  /** Appends a new waiter node (lock held). */
  private enqueue(b: ReturnType<typeof backend>): number {
    const node = b.alloc(NODE_BYTES);
    const i32 = b.heap.i32;
    const tail = i32[(this.address + TAIL) >> 2];
    if (tail === 0) i32[(this.address + HEAD) >> 2] = node;
    else i32[(tail >> 2) + 1] = node;
    i32[(this.address + TAIL) >> 2] = node;
    i32[(this.address + WAITING) >> 2]++;
    return node;
  }

  /** After reacquiring the lock: unlinks the node unless a notify took it, frees it, returns whether notified. */
  private leave(b: ReturnType<typeof backend>, node: number): boolean {
    const i32 = b.heap.i32;
    const notified = Atomics.load(i32, node >> 2) === 1;
    if (!notified) {
      let prev = 0;
      let cur = i32[(this.address + HEAD) >> 2];
      while (cur !== node) {
        prev = cur;
        cur = i32[(cur >> 2) + 1];
      }
      const next = i32[(node >> 2) + 1];
      if (prev === 0) i32[(this.address + HEAD) >> 2] = next;
      else i32[(prev >> 2) + 1] = next;
      if (i32[(this.address + TAIL) >> 2] === node) i32[(this.address + TAIL) >> 2] = prev;
      i32[(this.address + WAITING) >> 2]--;
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

materializeOnDemand(Condition.prototype);
registerCounted(KIND, REFS, (address) => Condition.fromAddress(address), destroy);
