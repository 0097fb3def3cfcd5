/**
 * `threading.Barrier`: a fixed number of threads wait for each other, then all go on.
 *
 * Local first (as Lock): a new Barrier keeps its cells (lock, state, count) in its creating
 * thread's memory and takes no shared heap, so `Barrier(1).wait()` (its action runs), `abort`,
 * `reset` and polling waits never touch it. It moves to a block of its own (`[MATERIALIZE]`,
 * with its cells as they are) the first time it is sent to another thread or a `wait` has to
 * wait for other parties.
 *
 * Block layout (36 bytes; offsets in `Field`):
 *   0   i32  core lock guarding the cells below
 *   4   i32  state: 0 filling, 1 draining, -1 resetting, -2 broken (CPython's states)
 *   8   i32  count: threads inside `wait`
 *   12  i32  parties
 *   16  i32  sequence: bumped (under the lock) each time the state changes; waiters park on it
 *   20  i32  address of the codec-stored TaskSpec of the action (0 = none; owned by the block)
 *   24  f64  default timeout in ms (NaN = none)
 *   32  i32  references (counted-cell.ts: freed, with the action's TaskSpec, when no view or
 *            stored value names it)
 *
 * The state machine is CPython's, with its condition variable replaced by the sequence cell: a
 * waiter reads the sequence while holding the lock, releases the lock, and parks while the
 * sequence is unchanged, so a state change between its release and its park is never missed.
 * While local nobody can be parked on it (a wait that would park makes it shared first), so
 * state changes wake no one.
 */
import { freeValue, loadValue, storeValue } from '../codec';
import { BrokenBarrierError } from '../errors';
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { preloadTask, resolveTask, resolveTaskSync, toTaskSpec, type TaskRef, type TaskSpec } from '../threading/task';
import { Deadline, waitTimeout } from '../timeout';
import { waitWord, waitWordAsync, wakeWord } from '../parking/word';
import { allocCounted, registerCounted } from './counted-cell';
import { addField, loadField } from '../fields';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';

const KIND = 'sync.Barrier';
const BLOCK_BYTES = 36;
/** Byte offsets of the block's fields (the core lock is at 0). */
const Field = { state: 4, count: 8, parties: 12, seq: 16, action: 20, timeout: 24, refs: 32 } as const;
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
  /** The block's address once the barrier is shared; 0 while it is local. */
  private address: number;
  private readonly partyCount: number;
  /** The default timeout of `wait` in ms (NaN = none). */
  private readonly defaultTimeout: number;
  /** The action: while local, its spec (null = none); in a view, undefined until read from the block. */
  private spec: TaskSpec | null | undefined;
  private actionFn: Action | null | undefined;
  /** While local: the lock, state and count cells. */
  private held: boolean;
  private state: number;
  private count: number;

  /**
   * A barrier for `parties` threads (RangeError('parties must be > 0') below 1), with an
   * optional `action` and a default `timeout` in ms for `wait` (`undefined` = forever).
   */
  constructor(parties: number, action?: (() => unknown) | TaskRef, timeout?: number) {
    if (typeof parties !== 'number' || !Number.isInteger(parties)) throw new TypeError('parties must be an integer');
    if (parties < 1) throw new RangeError('parties must be > 0');
    if (parties > 0x7fffffff) throw new RangeError('parties is too large');
    if (timeout !== undefined && timeout !== null) waitTimeout(timeout);
    const spec = action === undefined || action === null ? null : toTaskSpec(action, 'Barrier action');
    this.address = 0;
    this.partyCount = parties;
    this.defaultTimeout = timeout ?? NaN;
    this.spec = spec;
    this.actionFn = spec === null ? null : typeof action === 'function' ? action : undefined;
    this.held = false;
    this.state = FILLING;
    this.count = 0;
    // A module action may run here too (in whichever thread arrives last): where modules cannot
    // be loaded synchronously (browsers), start importing it now.
    if (spec !== null && spec.kind === 'module') preloadTask(spec);
  }

  /** This thread's view of the Barrier at `address` (the codec's reviver). */
  static fromAddress(address: number): Barrier {
    const heap = backend().heap;
    const view = adopt(Object.create(Barrier.prototype) as Barrier, KIND, address);
    Object.assign(view, {
      address,
      partyCount: heap.i32[(address + Field.parties) >> 2],
      defaultTimeout: heap.f64[(address + Field.timeout) >> 3],
      spec: undefined,
      actionFn: undefined,
      held: false,
      state: FILLING,
      count: 0,
    });
    // A module action must be importable by a sync wait() here: start importing it now (a
    // thread that receives the barrier as an argument waits for this before it runs).
    const spec = view.actionSpec();
    if (spec !== null) preloadTask(spec);
    return view;
  }

  /**
   * Moves a local barrier to a block of its own, with its cells as they are (its lock held if
   * a call in this thread holds it) and its action's spec; nothing for a shared one.
   */
  [MATERIALIZE](): void {
    if (this.address !== 0) return;
    const b = backend();
    const action = this.spec ? storeValue(this.spec, 'Barrier action') : 0;
    let address: number;
    try {
      address = allocCounted(BLOCK_BYTES, Field.refs);
    } catch (error) {
      if (action !== 0) freeValue(action);
      throw error;
    }
    const i32 = b.heap.i32;
    i32[(address + Field.state) >> 2] = this.state;
    i32[(address + Field.count) >> 2] = this.count;
    i32[(address + Field.parties) >> 2] = this.partyCount;
    i32[(address + Field.action) >> 2] = action;
    b.heap.f64[(address + Field.timeout) >> 3] = this.defaultTimeout;
    if (this.held) b.lockAcquire(address, 0);
    this.address = address;
    adopt(this, KIND, address);
    holdReference(this, KIND, address);
  }

  /** The number of threads required to pass the barrier. */
  get parties(): number {
    return this.partyCount;
  }

  /** The number of threads currently waiting in the barrier (0 while it drains, resets or is broken). */
  get nWaiting(): number {
    return this.cell(Field.state) === FILLING ? this.cell(Field.count) : 0;
  }

  /** True when the barrier is broken. */
  get broken(): boolean {
    return this.cell(Field.state) === BROKEN;
  }

  /**
   * Waits until all parties have arrived and returns this thread's arrival index (0 …
   * parties - 1). `timeout` (ms) defaults to the barrier's; when it passes first, the barrier
   * breaks and BrokenBarrierError is thrown here and in every other waiter.
   */
  wait(timeout?: number): number {
    mustBlock('waitAsync()');
    const ms = this.waitMs(timeout);
    this.lock();
    try {
      while (this.cell(Field.state) === DRAINING || this.cell(Field.state) === RESETTING) this.condWait(Infinity);
      if (this.cell(Field.state) < 0) throw new BrokenBarrierError();
      const index = this.cell(Field.count);
      this.setCell(Field.count, index + 1);
      try {
        if (index + 1 === this.partyCount) {
          try {
            this.action()?.();
          } catch (error) {
            this.setState(BROKEN);
            throw error;
          }
          this.setState(DRAINING);
        } else {
          const deadline = new Deadline(ms);
          for (let left = ms; this.cell(Field.state) === FILLING && left > 0; left = deadline.remaining()) this.condWait(left);
          this.checkReleased();
        }
        return index;
      } finally {
        this.leave();
      }
    } finally {
      this.unlock();
    }
  }

  /** {@link wait} as a promise; never blocks the event loop. An async action is awaited. */
  async waitAsync(timeout?: number): Promise<number> {
    const ms = this.waitMs(timeout);
    await this.lockAsync();
    try {
      while (this.cell(Field.state) === DRAINING || this.cell(Field.state) === RESETTING) await this.condWaitAsync(Infinity);
      if (this.cell(Field.state) < 0) throw new BrokenBarrierError();
      const index = this.cell(Field.count);
      this.setCell(Field.count, index + 1);
      try {
        if (index + 1 === this.partyCount) {
          try {
            await (await this.actionAsync())?.();
          } catch (error) {
            this.setState(BROKEN);
            throw error;
          }
          this.setState(DRAINING);
        } else {
          const deadline = new Deadline(ms);
          for (let left = ms; this.cell(Field.state) === FILLING && left > 0; left = deadline.remaining()) {
            await this.condWaitAsync(left);
          }
          this.checkReleased();
        }
        return index;
      } finally {
        this.leave();
      }
    } finally {
      this.unlock();
    }
  }

  /**
   * Returns the barrier to its initial, empty state. Threads waiting in it get
   * BrokenBarrierError; a broken barrier becomes usable again.
   */
  reset(): void {
    this.withLock(() => {
      const state = this.cell(Field.state);
      if (this.cell(Field.count) === 0) this.setCell(Field.state, FILLING);
      else if (state === FILLING || state === BROKEN) this.setCell(Field.state, RESETTING);
      this.notifyAll();
    });
  }

  /**
   * Breaks the barrier: current and future `wait` calls throw BrokenBarrierError until
   * `reset()`. Use it to let waiters out when a party cannot arrive.
   */
  abort(): void {
    this.withLock(() => this.setState(BROKEN));
  }

  private withLock(body: () => void): void {
    this.lock();
    try {
      body();
    } finally {
      this.unlock();
    }
  }

  private waitMs(timeout: number | undefined): number {
    if (timeout !== undefined && timeout !== null) return waitTimeout(timeout);
    return waitTimeout(Number.isNaN(this.defaultTimeout) ? undefined : this.defaultTimeout);
  }

  /** After a non-last waiter's wait: broken or timed out → BrokenBarrierError (breaking it on timeout). */
  private checkReleased(): void {
    const state = this.cell(Field.state);
    if (state === FILLING) {
      this.setState(BROKEN);
      throw new BrokenBarrierError();
    }
    if (state < 0) throw new BrokenBarrierError();
  }

  /** A thread leaves `wait`: the last one out of a drain or reset refills the barrier. */
  private leave(): void {
    const count = this.cell(Field.count) - 1;
    this.setCell(Field.count, count);
    const state = this.cell(Field.state);
    if (count === 0 && (state === DRAINING || state === RESETTING)) this.setState(FILLING);
  }

  private setState(state: number): void {
    this.setCell(Field.state, state);
    this.notifyAll();
  }

  /**
   * While local: takes the local lock if it is free (true), else makes the barrier shared — a
   * call in this thread holds it — so the caller takes the block's lock (false).
   */
  private lockLocal(): boolean {
    if (this.address !== 0) return false;
    if (!this.held) return (this.held = true);
    this[MATERIALIZE]();
    return false;
  }

  /** Takes the barrier's lock, waiting forever. */
  private lock(): void {
    if (!this.lockLocal()) backend().lockAcquire(this.address, Infinity);
  }

  /** {@link lock} without blocking the event loop. */
  private async lockAsync(): Promise<void> {
    if (!this.lockLocal()) await backend().lockAcquireAsync(this.address, Infinity);
  }

  private unlock(): void {
    if (this.address === 0) this.held = false;
    else backend().lockRelease(this.address);
  }

  /** Wakes every parked waiter (there are none while local). */
  private notifyAll(): void {
    if (this.address === 0) return;
    addField(this.address, Field.seq, 1);
    wakeWord(this.address + Field.seq);
  }

  /** Releases the lock, parks until the sequence moves or `ms` pass, and takes the lock again. */
  private condWait(ms: number): void {
    if (this.address === 0) this[MATERIALIZE]();
    const b = backend();
    const seq = loadField(this.address, Field.seq);
    b.lockRelease(this.address);
    const token = beginWait(WaitKind.barrier, this.address, ms !== Infinity);
    try { waitWord(this.address + Field.seq, seq, ms); } finally { endWait(token); } // prettier-ignore
    b.lockAcquire(this.address, Infinity);
  }

  private async condWaitAsync(ms: number): Promise<void> {
    if (this.address === 0) this[MATERIALIZE]();
    const b = backend();
    const seq = loadField(this.address, Field.seq);
    b.lockRelease(this.address);
    const token = beginAsyncWait(WaitKind.barrier, this.address);
    try {
      await waitWordAsync(this.address + Field.seq, seq, ms);
    } finally {
      endAsyncWait(token);
    }
    await b.lockAcquireAsync(this.address, Infinity);
  }

  private actionSpec(): TaskSpec | null {
    if (this.spec === undefined) {
      const stored = backend().heap.i32[(this.address + Field.action) >> 2];
      this.spec = stored === 0 ? null : (loadValue(stored) as TaskSpec);
    }
    return this.spec;
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

  /** The state or count cell, from the block or (while local) this object. */
  private cell(offset: typeof Field.state | typeof Field.count): number {
    if (this.address !== 0) return backend().heap.i32[(this.address + offset) >> 2];
    return offset === Field.state ? this.state : this.count;
  }

  private setCell(offset: typeof Field.state | typeof Field.count, value: number): void {
    if (this.address !== 0) backend().heap.i32[(this.address + offset) >> 2] = value;
    else if (offset === Field.state) this.state = value;
    else this.count = value;
  }

  /** `<Barrier waiters=0/2>` / `<Barrier broken>` */
  toString(): string {
    return this.broken ? '<Barrier broken>' : `<Barrier waiters=${this.nWaiting}/${this.parties}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** Frees what the block owns: the stored TaskSpec of its action. */
function destroy(address: number): void {
  const action = backend().heap.i32[(address + Field.action) >> 2];
  if (action !== 0) freeValue(action);
}

materializeOnDemand(Barrier.prototype);
registerCounted(KIND, Field.refs, (address) => Barrier.fromAddress(address), destroy);
