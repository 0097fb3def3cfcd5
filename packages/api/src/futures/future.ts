/**
 * `concurrent.futures.Future`: the result of an asynchronous computation, shared by every
 * thread. Each thread holds one `Future` view per future (the same object each time it receives
 * it), so any thread may complete it and any thread may wait on it. How a view holds the
 * future's state (local, shared, let go once final) is in future-view.ts; the block's layout
 * and operations in future-core.ts.
 */
import { MATERIALIZE, materializeOnDemand, registerKind } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { storeResult, freeValue } from '../codec';
import { acquireWriter } from '../codec/writer';
import { CancelledError, InvalidStateError, TimeoutError } from '../errors';
import { takesNoArguments } from '../arguments';
import { waitTimeout } from '../timeout';
import { CANCELLED, CANCELLED_AND_NOTIFIED, EXCEPTION, F, FINISHED, PENDING, RESULT, RUNNING, STATE_DESCRIPTIONS, STATE_NAMES } from './future-core';
import { cancelFuture, completeFuture, isDone, nextFutureId, parkUntilDone, parkUntilDoneAsync } from './future-core';
import { releaseFuture, retainFuture, startOrNotify, unexpectedState } from './future-core';
import { deadlineAfter } from './waiter';
import { dropHandedOff, viewWithId } from './known-views';
import { FUTURE_KIND, FutureView, type Kept } from './future-view';
import { loadField } from '../fields';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';
import { helpWhile } from './fork-join';

/** A done callback: called with the future once it is done. */
export type DoneCallback<T> = (future: Future<T>) => unknown;

/** Python-like type name of a value, for repr (`number`, `string`, `null`, `Array`, `TypeError`). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value;
  if (value instanceof Error && typeof value.name === 'string') return value.name;
  return (value as { constructor?: { name?: string } }).constructor?.name || 'Object';
}

/** Throws the codec's TypeError when `value` cannot be copied to another thread. */
function checkCopyable(value: unknown): void {
  const writer = acquireWriter();
  try {
    writer.write(value, 'value');
  } finally {
    writer.release();
  }
}

/**
 * Represents the result of an asynchronous computation (CPython's `Future`). Created by
 * `ThreadPoolExecutor.submit`, or directly by executors and tests.
 *
 * Threads: the state is shared; `result()` and friends work in any thread. The result (or
 * exception) is stored once with the codec and decoded at most once per thread: repeated
 * `result()` calls in one thread return the same object (in the thread that set it, the very
 * object it set); other threads get their own copy (shared objects inside it are the same
 * handles everywhere).
 *
 * Deviation from CPython: a done callback runs in the thread that added it, on that thread's
 * event loop (immediately when the future is already done or completes in that same thread),
 * not in the completing thread — a function cannot run in another isolate.
 *
 * A `Future` is a `PromiseLike`: `await future` gives the result or throws its exception
 * (or CancelledError).
 */
export class Future<T = unknown> extends FutureView implements PromiseLike<T> {
  /** Callbacks added in this thread that have not run yet. */
  declare private callbacks: DoneCallback<any>[];
  /** True while this thread watches the block for its callbacks. */
  declare private watching: boolean;

  /** Creates a PENDING future (local until shared). Normally only executors call this. */
  constructor() {
    super();
    takesNoArguments(arguments.length, (n) => `Future.__init__() takes 1 positional argument but ${n + 1} were given`);
    Future.init(this, 0, nextFutureId(), { state: PENDING, raised: false, value: undefined });
    dropHandedOff();
  }

  private static init(view: Future<any>, address: number, id: number, kept: Kept | undefined, register = true): void {
    view.callbacks = [];
    view.watching = false;
    FutureView.initView(view, address, id, kept, register);
  }

  /**
   * @internal This thread's view of a block whose reference for this view is already counted.
   * `register = false` for an executor's own views (see future-view.ts).
   */
  static fromAddress<T>(address: number, register = true): Future<T> {
    const view = Object.create(Future.prototype) as Future<T>;
    Future.init(view, address, loadField(address, F.id), undefined, register);
    return view;
  }

  /**
   * Cancels the future if possible: returns true when it is (or already was) cancelled,
   * false when it is running or done. Cancelling runs this thread's pending callbacks.
   */
  cancel(): boolean {
    const kept = this.kept;
    if (kept === undefined) {
      if (!cancelFuture(this.address)) return false;
    } else {
      if (kept.state === RUNNING || kept.state === FINISHED) return false;
      if (kept.state === PENDING) kept.state = CANCELLED;
    }
    this.runCallbacks();
    return true;
  }

  /** True when the future was cancelled. */
  cancelled(): boolean {
    const state = this.state();
    return state === CANCELLED || state === CANCELLED_AND_NOTIFIED;
  }

  /** True while the call is executing. */
  running(): boolean {
    return this.state() === RUNNING;
  }

  /** True when the future was cancelled or finished executing. */
  done(): boolean {
    return isDone(this.state());
  }

  /**
   * The call's return value, waiting up to `timeout` ms (undefined = forever, negative =
   * poll). Throws the call's exception, CancelledError when cancelled, or TimeoutError.
   */
  result(timeout?: number): T {
    mustBlock('resultAsync() or await future');
    return this.answer(this.waitDone(waitTimeout(timeout)), true) as T;
  }

  /** {@link result} as a promise; never blocks the event loop. */
  async resultAsync(timeout?: number): Promise<T> {
    return this.answer(await this.waitDoneAsync(waitTimeout(timeout)), true) as T;
  }

  /**
   * The call's exception (undefined when it returned), waiting up to `timeout` ms. Throws
   * CancelledError when cancelled, TimeoutError when the wait runs out.
   */
  exception(timeout?: number): unknown {
    mustBlock('exceptionAsync()');
    return this.answer(this.waitDone(waitTimeout(timeout)), false);
  }

  /** {@link exception} as a promise; never blocks the event loop. */
  async exceptionAsync(timeout?: number): Promise<unknown> {
    return this.answer(await this.waitDoneAsync(waitTimeout(timeout)), false);
  }

  /**
   * Attaches `fn`, called with this future when it completes or is cancelled; at once when it
   * already is. Callbacks run in the calling thread, in the order added, on its event loop
   * (a pending callback keeps the process alive); an exception from one is logged to stderr
   * (`exception calling callback for <Future …>`) and does not stop the others.
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    if (typeof fn !== 'function') throw new TypeError('addDoneCallback() argument must be callable');
    this.callbacks.push(fn);
    if (this.done()) this.runCallbacks();
    else if (this.kept === undefined) this.watch();
  }

  /**
   * For executors: marks the future RUNNING and returns true, or, when it was cancelled,
   * notifies `wait()`/`asCompleted()` waiters and returns false (the work must not run).
   * Throws RuntimeError('Future in unexpected state') in any other state.
   */
  setRunningOrNotifyCancel(): boolean {
    const kept = this.kept;
    if (kept === undefined) {
      const running = startOrNotify(this.address);
      this.state();
      return running;
    }
    if (kept.state === PENDING) kept.state = RUNNING;
    else if (kept.state === CANCELLED) kept.state = CANCELLED_AND_NOTIFIED;
    else throw unexpectedState(this.id, kept.state);
    return kept.state === RUNNING;
  }

  /** For executors: completes the future with `result`. InvalidStateError when already done. */
  setResult(result: T): void {
    this.complete(false, result);
  }

  /** For executors: completes the future with `exception`. InvalidStateError when already done. */
  setException(exception: unknown): void {
    this.complete(true, exception);
  }

  /** PromiseLike: resolves with the result, rejects with the exception or CancelledError. */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.resultAsync().then(onfulfilled, onrejected);
  }

  /** CPython's repr without the address: `<Future state=finished returned number>`. */
  override toString(): string {
    const state = this.state();
    if (state !== FINISHED) return `<Future state=${STATE_DESCRIPTIONS[state]}>`;
    const { raised, value } = this.kept!;
    return `<Future state=finished ${raised ? 'raised' : 'returned'} ${typeName(value)}>`;
  }

  /** Node's `util.inspect` shows the repr. */
  [INSPECT](): string {
    return this.toString();
  }

  /** Waits (blocking) until done or `ms` pass; returns the state seen last. */
  private waitDone(ms: number): number {
    const state = this.state();
    if (isDone(state) || ms === 0) return state;
    if (!this.held) this[MATERIALIZE]();
    const token = beginWait(WaitKind.futureResult, this.address, ms !== Infinity);
    // Pinned: a thread that helps (below) runs tasks whose submits may sweep this executor's views.
    const address = this.pin();
    try {
      const deadline = deadlineAfter(ms);
      // In a thread of the pool that runs it: run that pool's queued tasks meanwhile (fork/join).
      if (!helpWhile([address], () => !isDone(loadField(address, F.state)), deadline)) parkUntilDone(address, deadline);
    } finally {
      this.unpin();
      endWait(token);
    }
    return this.state();
  }

  /** {@link waitDone} without blocking the event loop; the block stays pinned while it waits. */
  private async waitDoneAsync(ms: number): Promise<number> {
    const state = this.state();
    if (isDone(state) || ms === 0) return state;
    const address = this.pin();
    const token = beginAsyncWait(WaitKind.futureResult, address);
    try {
      await parkUntilDoneAsync(address, deadlineAfter(ms));
    } finally {
      this.unpin();
      endAsyncWait(token);
    }
    return this.state();
  }

  /** Turns the state after a wait into result()/exception()'s answer. */
  private answer(state: number, wantResult: boolean): unknown {
    if (state === CANCELLED || state === CANCELLED_AND_NOTIFIED) throw new CancelledError();
    if (state !== FINISHED) throw new TimeoutError();
    const { raised, value } = this.kept!;
    if (!wantResult) return raised ? value : undefined;
    if (raised) throw value;
    return value;
  }

  /** setResult/setException: the completing view keeps the very value it set, and lets go. */
  private complete(raised: boolean, value: unknown): void {
    const kept = this.kept;
    if (kept !== undefined) {
      if (isDone(kept.state)) throw new InvalidStateError(`${STATE_NAMES[kept.state]}: ${this}`);
      checkCopyable(value);
    } else {
      const stored = storeResult(value);
      const state = completeFuture(this.address, raised ? EXCEPTION : RESULT, stored);
      if (state !== -1) {
        freeValue(stored);
        throw new InvalidStateError(`${STATE_NAMES[state]}: ${this}`);
      }
    }
    this.kept = { state: FINISHED, raised, value };
    this.dropIfFinal();
    this.runCallbacks();
  }

  /** A local future moved to a block: watch it for pending callbacks. */
  protected shared(): void {
    if (this.callbacks.length > 0) this.watch();
  }

  /** Watches the block for this thread's callbacks (another thread may complete the future). */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const address = this.pin();
    void parkUntilDoneAsync(address, Infinity).then(() => {
      this.watching = false;
      // Sees the state (letting go of the block once unpinned, when final).
      FutureView.settle(this);
      this.unpin();
      this.runCallbacks();
    });
  }

  /** Runs this thread's pending callbacks in order (the future is done). */
  private runCallbacks(): void {
    while (this.callbacks.length > 0) {
      const fn = this.callbacks.shift()!;
      try {
        fn(this);
      } catch (error) {
        const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
        backend().writeStderr(`exception calling callback for ${this}\n${detail}\n`);
      }
    }
  }
}

materializeOnDemand(Future.prototype);
registerKind(
  FUTURE_KIND,
  (address) => {
    dropHandedOff();
    // A view this thread already has for the future keeps its own reference (or needs none).
    const known = viewWithId(loadField(address, F.id));
    if (known !== undefined) return known;
    retainFuture(address);
    const view = Future.fromAddress(address);
    Future.remember(view);
    return view;
  },
  { retain: retainFuture, release: releaseFuture },
);
