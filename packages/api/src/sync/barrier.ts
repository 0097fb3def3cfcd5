/**
 * `threading.Barrier`: a fixed number of threads wait for each other, then all go on.
 *
 * Block layout (32 bytes):
 *   0   i32  core lock guarding the cells below
 *   4   i32  state: 0 filling, 1 draining, -1 resetting, -2 broken (CPython's states)
 *   8   i32  count: threads inside `wait`
 *   12  i32  parties
 *   16  i32  sequence: bumped (under the lock) each time the state changes; waiters park on it
 *   20  i32  address of the codec-stored TaskSpec of the action (0 = none)
 *   24  f64  default timeout in ms (NaN = none)
 *
 * The state machine is CPython's, with its condition variable replaced by the sequence cell: a
 * waiter reads the sequence while holding the lock, releases the lock, and parks while the
 * sequence is unchanged, so a state change between its release and its park is never missed.
 */
import { storeValue, loadValue } from '../codec';
import { BrokenBarrierError } from '../errors';
import { adopt, type Handle, HANDLE, registerKind, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import type { Backend } from '../spi';
import { preloadTask, resolveTask, resolveTaskSync, toTaskSpec, type TaskRef, type TaskSpec } from '../threading/task';
import { Deadline, waitTimeout } from '../timeout';
import { parkSpinning } from '../park';

const KIND = 'sync.Barrier';
const BLOCK_BYTES = 32;
const STATE = 4;
const COUNT = 8;
const PARTIES = 12;
const SEQ = 16;
const ACTION = 20;
const TIMEOUT = 24;

const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;

type Action = (...args: unknown[]) => unknown;

/**
 * A barrier for `parties` threads. Each calls `wait()`; the call blocks until all `parties`
 * threads have called it, then all return together, each with a distinct arrival index
 * (0 for the first to arrive … parties - 1 for the last), and the barrier can be used again.
 *
 * `action`, if given, is run by the last thread to arrive, before the others are released;
 * it travels like a thread target (a self-contained function or a `task()` reference; the sync
 * `wait` loads a module action synchronously where the runtime can — Node's `require` of an ES
 * module — and a thread that receives the barrier as an argument imports it before it runs;
 * `waitAsync` imports it and awaits an async action, the sync `wait` does not await). If it throws, the
 * barrier breaks and the error propagates from that thread's `wait`.
 *
 * A `wait` that times out breaks the barrier; while broken, every current and future `wait`
 * throws BrokenBarrierError until `reset()`. The same object in every thread.
 */
export class Barrier implements SharedObject {
  declare readonly [HANDLE]: Handle;
  private readonly address: number;
  private actionFn: Action | null | undefined;

  /**
   * A barrier for `parties` threads (RangeError('parties must be > 0') below 1), with an
   * optional `action` and a default `timeout` in ms for `wait` (`undefined` = forever).
   */
  constructor(parties: number, action?: (() => unknown) | TaskRef, timeout?: number) {
    if (typeof parties !== 'number' || !Number.isInteger(parties)) throw new TypeError('parties must be an integer');
    if (parties < 1) throw new RangeError('parties must be > 0');
    if (parties > 0x7fffffff) throw new RangeError('parties is too large');
    if (timeout !== undefined && timeout !== null) waitTimeout(timeout);
    const spec = action === undefined || action === null ? undefined : toTaskSpec(action, 'Barrier action');
    const b = backend();
    const address = b.alloc(BLOCK_BYTES);
    const at = address >> 2;
    const storedAction = spec === undefined ? 0 : storeValue(spec, 'Barrier action');
    b.heap.i32[at + PARTIES / 4] = parties;
    b.heap.i32[at + ACTION / 4] = storedAction;
    b.heap.f64[(address + TIMEOUT) >> 3] = timeout ?? NaN;
    this.address = address;
    this.actionFn = spec === undefined ? null : typeof action === 'function' ? action : undefined;
    adopt(this, KIND, address);
    // A module action may run here too (in whichever thread arrives last): where modules cannot
    // be loaded synchronously (browsers), start importing it now.
    if (spec !== undefined && spec.kind === 'module') preloadTask(spec);
  }

  /** This thread's view of the Barrier at `address` (the codec's reviver). */
  static fromAddress(address: number): Barrier {
    const barrier = Object.create(Barrier.prototype) as { address: number; actionFn: Action | null | undefined };
    barrier.address = address;
    barrier.actionFn = undefined;
    const view = adopt(barrier as unknown as Barrier, KIND, address);
    // A module action must be importable by a sync wait() here: start importing it now (a
    // thread that receives the barrier as an argument waits for this before it runs).
    const spec = view.actionSpec();
    if (spec !== null) preloadTask(spec);
    return view;
  }

  /** The number of threads required to pass the barrier. */
  get parties(): number {
    return this.cell(PARTIES);
  }

  /** The number of threads currently waiting in the barrier (0 while it drains, resets or is broken). */
  get nWaiting(): number {
    return this.cell(STATE) === FILLING ? this.cell(COUNT) : 0;
  }

  /** True when the barrier is broken. */
  get broken(): boolean {
    return this.cell(STATE) === BROKEN;
  }

  /**
   * Waits until all parties have arrived and returns this thread's arrival index (0 …
   * parties - 1). `timeout` (ms) defaults to the barrier's; when it passes first, the barrier
   * breaks and BrokenBarrierError is thrown here and in every other waiter.
   */
  wait(timeout?: number): number {
    mustBlock('waitAsync()');
    const ms = this.waitMs(timeout);
    const b = backend();
    b.lockAcquire(this.address, Infinity);
    try {
      while (this.cell(STATE) === DRAINING || this.cell(STATE) === RESETTING) this.condWait(b, Infinity);
      if (this.cell(STATE) < 0) throw new BrokenBarrierError();
      const index = this.cell(COUNT);
      this.setCell(COUNT, index + 1);
      try {
        if (index + 1 === this.parties) {
          try {
            this.runAction(this.action());
          } catch (error) {
            this.breakBarrier(b);
            throw error;
          }
          this.setState(b, DRAINING);
        } else {
          const deadline = new Deadline(ms);
          for (let left = ms; this.cell(STATE) === FILLING && left > 0; left = deadline.remaining()) this.condWait(b, left);
          this.checkReleased(b);
        }
        return index;
      } finally {
        this.leave(b);
      }
    } finally {
      b.lockRelease(this.address);
    }
  }

  /** {@link wait} as a promise; never blocks the event loop. An async action is awaited. */
  async waitAsync(timeout?: number): Promise<number> {
    const ms = this.waitMs(timeout);
    const b = backend();
    await b.lockAcquireAsync(this.address, Infinity);
    try {
      while (this.cell(STATE) === DRAINING || this.cell(STATE) === RESETTING) await this.condWaitAsync(b, Infinity);
      if (this.cell(STATE) < 0) throw new BrokenBarrierError();
      const index = this.cell(COUNT);
      this.setCell(COUNT, index + 1);
      try {
        if (index + 1 === this.parties) {
          try {
            await this.runAction(await this.actionAsync());
          } catch (error) {
            this.breakBarrier(b);
            throw error;
          }
          this.setState(b, DRAINING);
        } else {
          const deadline = new Deadline(ms);
          for (let left = ms; this.cell(STATE) === FILLING && left > 0; left = deadline.remaining()) {
            await this.condWaitAsync(b, left);
          }
          this.checkReleased(b);
        }
        return index;
      } finally {
        this.leave(b);
      }
    } finally {
      b.lockRelease(this.address);
    }
  }

  /**
   * Returns the barrier to its initial, empty state. Threads waiting in it get
   * BrokenBarrierError; a broken barrier becomes usable again.
   */
  reset(): void {
    const b = backend();
    b.lockAcquire(this.address, Infinity);
    try {
      if (this.cell(COUNT) > 0) {
        if (this.cell(STATE) === FILLING || this.cell(STATE) === BROKEN) this.setCell(STATE, RESETTING);
      } else {
        this.setCell(STATE, FILLING);
      }
      this.notifyAll(b);
    } finally {
      b.lockRelease(this.address);
    }
  }

  /**
   * Breaks the barrier: current and future `wait` calls throw BrokenBarrierError until
   * `reset()`. Use it to let waiters out when a party cannot arrive.
   */
  abort(): void {
    const b = backend();
    b.lockAcquire(this.address, Infinity);
    try {
      this.breakBarrier(b);
    } finally {
      b.lockRelease(this.address);
    }
  }

  private waitMs(timeout: number | undefined): number {
    if (timeout !== undefined && timeout !== null) return waitTimeout(timeout);
    const fallback = backend().heap.f64[(this.address + TIMEOUT) >> 3];
    return waitTimeout(Number.isNaN(fallback) ? undefined : fallback);
  }

  /** After a non-last waiter's wait: broken or timed out → BrokenBarrierError (breaking it on timeout). */
  private checkReleased(b: Backend): void {
    const state = this.cell(STATE);
    if (state === FILLING) {
      this.breakBarrier(b);
      throw new BrokenBarrierError();
    }
    if (state < 0) throw new BrokenBarrierError();
  }

  /** A thread leaves `wait`: the last one out of a drain or reset refills the barrier. */
  private leave(b: Backend): void {
    const count = this.cell(COUNT) - 1;
    this.setCell(COUNT, count);
    const state = this.cell(STATE);
    if (count === 0 && (state === DRAINING || state === RESETTING)) this.setState(b, FILLING);
  }

  private breakBarrier(b: Backend): void {
    this.setState(b, BROKEN);
  }

  private setState(b: Backend, state: number): void {
    this.setCell(STATE, state);
    this.notifyAll(b);
  }

  private notifyAll(b: Backend): void {
    Atomics.add(b.heap.i32, (this.address + SEQ) >> 2, 1);
    b.unpark(this.address + SEQ, Infinity);
  }

  /** Releases the lock, parks until the sequence moves or `ms` pass, and takes the lock again. */
  private condWait(b: Backend, ms: number): void {
    const seq = Atomics.load(b.heap.i32, (this.address + SEQ) >> 2);
    b.lockRelease(this.address);
    parkSpinning(this.address + SEQ, seq, ms);
    b.lockAcquire(this.address, Infinity);
  }

  private async condWaitAsync(b: Backend, ms: number): Promise<void> {
    const seq = Atomics.load(b.heap.i32, (this.address + SEQ) >> 2);
    b.lockRelease(this.address);
    await b.parkAsync(this.address + SEQ, seq, ms);
    await b.lockAcquireAsync(this.address, Infinity);
  }

  private actionSpec(): TaskSpec | null {
    const stored = this.cell(ACTION);
    return stored === 0 ? null : (loadValue(stored) as TaskSpec);
  }

  /** The action, resolved in this thread (cached). */
  private action(): Action | null {
    if (this.actionFn === undefined) {
      const spec = this.actionSpec();
      this.actionFn = spec === null ? null : resolveTaskSync(spec);
    }
    return this.actionFn;
  }

  private async actionAsync(): Promise<Action | null> {
    if (this.actionFn === undefined) {
      const spec = this.actionSpec();
      this.actionFn = spec === null ? null : await resolveTask(spec);
    }
    return this.actionFn;
  }

  private runAction(action: Action | null): unknown {
    return action === null ? undefined : action();
  }

  private cell(offset: number): number {
    return backend().heap.i32[(this.address + offset) >> 2];
  }

  private setCell(offset: number, value: number): void {
    backend().heap.i32[(this.address + offset) >> 2] = value;
  }

  /** `<Barrier waiters=0/2>` / `<Barrier broken>` */
  toString(): string {
    return this.broken ? '<Barrier broken>' : `<Barrier waiters=${this.nWaiting}/${this.parties}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

registerKind(KIND, (address) => Barrier.fromAddress(address));
