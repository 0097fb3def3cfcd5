/**
 * `threading.Semaphore` and `threading.BoundedSemaphore`: a counter that `acquire` takes from
 * and `release` adds to, blocking acquirers while it is zero.
 *
 * Local first (as Lock): a new semaphore keeps its value in its creating thread's memory and
 * takes no shared heap. It moves to a block of its own (`[MATERIALIZE]`, with its current
 * value) the first time it is sent to another thread or an acquire has to wait.
 *
 * Block layout (12 bytes):
 *   0  i32  value: the counter; acquirers wait on this cell while it is 0 (parking/word.ts)
 *   4  i32  the initial value (the upper bound of a BoundedSemaphore)
 *   8  i32  references (counted-cell.ts: freed when no view or stored value names it)
 *
 * `acquire` decrements the value with compare-and-swap; with nothing to take it counts itself
 * in the waiter cell, then parks while the value is still 0, so a release that lands between
 * its check and its park is never missed. `release(n)` adds n, then wakes up to n parked
 * acquirers only when some are counted. Wake order is unspecified (as in Python).
 */
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { Deadline, waitTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { Guard } from './guard';
import { waitWord, waitWordAsync, wakeWord } from '../parking/word';
import { loadField, storeField } from '../fields';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';

const SEMAPHORE_KIND = 'sync.Semaphore';
const BOUNDED_KIND = 'sync.BoundedSemaphore';
const BLOCK_BYTES = 12;
const INITIAL = 4;
const REFS = 8;
const VALUE_MAX = 0x7fffffff;

function checkCount(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${what} must be an integer`);
}

/**
 * A semaphore: `acquire()` takes one unit, blocking while none is left; `release(n)` returns
 * n units, waking blocked acquirers. Any thread may release. The same object in every thread.
 *
 * `using _ = sem.hold();` is Python's `with sem:`.
 */
export class Semaphore implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The block's address once the semaphore is shared; 0 while it is local. */
  protected address: number;
  /** While local: the value. */
  private count: number;
  /** The initial value (the upper bound of a BoundedSemaphore); set from the block in a view. */
  protected readonly initial: number;

  /** A semaphore holding `value` units (default 1); RangeError('semaphore initial value must be >= 0') when negative. */
  constructor(value = 1) {
    checkCount(value, 'semaphore initial value');
    if (value < 0) throw new RangeError('semaphore initial value must be >= 0');
    if (value > VALUE_MAX) throw new RangeError('semaphore initial value is too large');
    this.address = 0;
    this.count = value;
    this.initial = value;
  }

  /** This thread's view of the semaphore at `address` (the codec's reviver). */
  static fromAddress(address: number, kind: string = SEMAPHORE_KIND): Semaphore {
    const proto = kind === BOUNDED_KIND ? BoundedSemaphore.prototype : Semaphore.prototype;
    const sem = Object.create(proto) as { address: number; count: number; initial: number };
    sem.address = address;
    sem.count = 0;
    sem.initial = backend().heap.i32[(address + INITIAL) >> 2];
    return adopt(sem as unknown as Semaphore, kind, address);
  }

  /** Moves a local semaphore to a block of its own (with its current value); nothing for a shared one. */
  [MATERIALIZE](): void {
    if (this.address !== 0) return;
    const kind = this instanceof BoundedSemaphore ? BOUNDED_KIND : SEMAPHORE_KIND;
    const address = allocCounted(BLOCK_BYTES, REFS);
    const i32 = backend().heap.i32;
    storeField(address, 0, this.count);
    i32[(address + INITIAL) >> 2] = this.initial;
    this.address = address;
    adopt(this, kind, address);
    holdReference(this, kind, address);
  }

  /** The block's address, making it first if the semaphore is local. */
  private shared(): number {
    if (this.address === 0) this[MATERIALIZE]();
    return this.address;
  }

  /**
   * Takes one unit and returns true. With none left it blocks until a release, or until
   * `timeout` ms pass (`undefined` = forever, negative = poll) and then returns false.
   * `blocking = false` never blocks; giving it a timeout is a RangeError("can't specify
   * timeout for non-blocking acquire").
   */
  acquire(blocking = true, timeout?: number): boolean {
    if (blocking) mustBlock('acquireAsync()');
    if (!blocking && timeout !== undefined) throw new RangeError("can't specify timeout for non-blocking acquire");
    const ms = blocking ? waitTimeout(timeout) : 0;
    if (this.take()) return true;
    if (ms === 0) return false;
    const address = this.shared();
    const deadline = new Deadline(ms);
    const token = beginWait(WaitKind.semaphore, address, ms !== Infinity);
    try {
      for (;;) {
        const left = deadline.remaining();
        if (left === 0) return false;
        waitWord(address, 0, left);
        if (this.take()) return true;
      }
    } finally {
      endWait(token);
    }
  }

  /** {@link acquire} as a promise; never blocks the event loop. */
  async acquireAsync(blocking = true, timeout?: number): Promise<boolean> {
    if (!blocking && timeout !== undefined) throw new RangeError("can't specify timeout for non-blocking acquire");
    const ms = blocking ? waitTimeout(timeout) : 0;
    if (this.take()) return true;
    if (ms === 0) return false;
    const address = this.shared();
    const deadline = new Deadline(ms);
    const token = beginAsyncWait(WaitKind.semaphore, address);
    try {
      for (;;) {
        const left = deadline.remaining();
        if (left === 0) return false;
        await waitWordAsync(address, 0, left);
        if (this.take()) return true;
      }
    } finally {
      endAsyncWait(token);
    }
  }

  /**
   * Returns `n` units (default 1), waking up to `n` blocked acquirers.
   * RangeError('n must be one or more') when `n < 1`.
   */
  release(n = 1): void {
    checkCount(n, 'n');
    if (n < 1) throw new RangeError('n must be one or more');
    this.add(n, VALUE_MAX, 'semaphore value is too large');
  }

  /** Acquires one unit (waiting forever) and returns a guard that releases it: `using _ = sem.hold();`. */
  hold(): Guard<Semaphore> {
    mustBlock('holdAsync()');
    this.acquire();
    return new Guard(this);
  }

  /** {@link hold} without blocking the event loop. */
  async holdAsync(): Promise<Guard<Semaphore>> {
    await this.acquireAsync();
    return new Guard(this);
  }

  /** Adds `n` unless that would exceed `limit` (then RangeError(`message`), nothing changed); wakes waiters. */
  protected add(n: number, limit: number, message: string): void {
    if (this.address === 0) {
      if (this.count + n > limit) throw new RangeError(message);
      this.count += n;
      return;
    }
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.address >> 2;
    for (let v = Atomics.load(i32, at); ; ) {
      if (v + n > limit) throw new RangeError(message);
      const seen = Atomics.compareExchange(i32, at, v, v + n);
      if (seen === v) break;
      v = seen;
    }
    wakeWord(this.address, n);
  }

  /** Takes one unit if any is left; false when the value is 0. */
  private take(): boolean {
    if (this.address === 0) {
      if (this.count === 0) return false;
      this.count--;
      return true;
    }
    const i32 = backend().heap.i32;
    const at = this.address >> 2;
    for (let v = Atomics.load(i32, at); v > 0; ) {
      const seen = Atomics.compareExchange(i32, at, v, v - 1);
      if (seen === v) return true;
      v = seen;
    }
    return false;
  }

  /** The current value (for reprs). */
  protected value(): number {
    return this.address === 0 ? this.count : loadField(this.address);
  }

  /** `<Semaphore value=2>` */
  toString(): string {
    return `<Semaphore value=${this.value()}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * A semaphore that refuses to go above its initial value: a `release` that would is a bug,
 * reported as RangeError('Semaphore released too many times') with nothing changed.
 */
export class BoundedSemaphore extends Semaphore {
  /** A bounded semaphore holding (and capped at) `value` units (default 1). */
  constructor(value = 1) {
    super(value);
  }

  /** Like `Semaphore.release`, but RangeError('Semaphore released too many times') above the initial value. */
  override release(n = 1): void {
    checkCount(n, 'n');
    if (n < 1) throw new RangeError('n must be one or more');
    this.add(n, this.initial, 'Semaphore released too many times');
  }

  /** `<BoundedSemaphore value=1/2>` */
  override toString(): string {
    return `<BoundedSemaphore value=${this.value()}/${this.initial}>`;
  }
}

materializeOnDemand(Semaphore.prototype);
registerCounted(SEMAPHORE_KIND, REFS, (address) => Semaphore.fromAddress(address, SEMAPHORE_KIND));
registerCounted(BOUNDED_KIND, REFS, (address) => Semaphore.fromAddress(address, BOUNDED_KIND));
