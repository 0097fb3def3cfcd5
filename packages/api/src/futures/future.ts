/**
 * `concurrent.futures.Future`: the result of an asynchronous computation, shared by every
 * thread. Its state lives in the heap (future-core.ts); each thread holds one `Future` view
 * per future (the same object each time it receives it), so any thread may complete it and
 * any thread may wait on it.
 */
import { adopt, holdReference, registerKind } from '../handle';
import { INSPECT } from '../inspect';
import { backend, mustBlock } from '../runtime';
import { loadValue, storeValue, freeValue } from '../codec';
import { CancelledError, InvalidStateError, TimeoutError } from '../errors';
import { waitTimeout } from '../timeout';
import {
  CANCELLED,
  CANCELLED_AND_NOTIFIED,
  EXCEPTION,
  F,
  FINISHED,
  RESULT,
  RUNNING,
  STATE_DESCRIPTIONS,
  STATE_NAMES,
  allocFuture,
  cancelFuture,
  cell,
  completeFuture,
  isDone,
  nextFutureId,
  parkUntilDone,
  parkUntilDoneAsync,
  releaseFuture,
  retainFuture,
  startOrNotify,
} from './future-core';

const KIND = 'threadkit.Future';

/** A done callback: called with the future once it is done. */
export type DoneCallback<T> = (future: Future<T>) => unknown;

/** Python-like type name of a value, for repr (`number`, `string`, `null`, `Array`, `TypeError`). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value;
  if (value instanceof Error && typeof value.name === 'string') return value.name;
  return (value as { constructor?: { name?: string } }).constructor?.name || 'Object';
}

function deadlineOf(timeout: number | undefined): number {
  const ms = waitTimeout(timeout);
  return ms === Infinity ? Infinity : performance.now() + ms;
}

/**
 * Represents the result of an asynchronous computation (CPython's `Future`). Created by
 * `ThreadPoolExecutor.submit`, or directly by executors and tests.
 *
 * Threads: the state is shared; `result()` and friends work in any thread. The result (or
 * exception) is stored once with the codec and decoded at most once per thread: repeated
 * `result()` calls in one thread return the same object; other threads get their own copy
 * (shared objects inside it are the same handles everywhere).
 *
 * Deviation from CPython: a done callback runs in the thread that added it, on that thread's
 * event loop (immediately when the future is already done or completes in that same thread),
 * not in the completing thread — a function cannot run in another isolate.
 *
 * A `Future` is a `PromiseLike`: `await future` gives the result or throws its exception
 * (or CancelledError).
 */
export class Future<T = unknown> implements PromiseLike<T> {
  /** Heap address of the future block. */
  declare private address: number;
  /** This thread's decoded outcome (FINISHED is final, so it never goes stale). */
  declare private decoded: { value: unknown } | undefined;
  /** Callbacks added in this thread that have not run yet. */
  declare private callbacks: DoneCallback<T>[];
  /** True while this thread watches the future for its callbacks. */
  declare private watching: boolean;

  /** Creates a PENDING future. Normally only executors call this. */
  constructor() {
    Future.init(this, allocFuture(1, nextFutureId()));
  }

  private static init(view: Future<any>, address: number): void {
    view.address = address;
    view.decoded = undefined;
    view.callbacks = [];
    view.watching = false;
    adopt(view, KIND, address);
    holdReference(view, KIND, address);
  }

  /** @internal This thread's view of a block whose reference for this view is already counted. */
  static fromAddress<T>(address: number): Future<T> {
    const view = Object.create(Future.prototype) as Future<T>;
    Future.init(view, address);
    return view;
  }

  /** @internal Heap address of the block (for the executor and `wait`). */
  static addressOf(future: Future<any>): number {
    return future.address;
  }

  /**
   * Cancels the future if possible: returns true when it is (or already was) cancelled,
   * false when it is running or done. Cancelling runs this thread's pending callbacks.
   */
  cancel(): boolean {
    const cancelled = cancelFuture(this.address);
    if (cancelled) this.runCallbacks();
    return cancelled;
  }

  /** True when the future was cancelled. */
  cancelled(): boolean {
    const state = cell(this.address, F.state);
    return state === CANCELLED || state === CANCELLED_AND_NOTIFIED;
  }

  /** True while the call is executing. */
  running(): boolean {
    return cell(this.address, F.state) === RUNNING;
  }

  /** True when the future was cancelled or finished executing. */
  done(): boolean {
    return isDone(cell(this.address, F.state));
  }

  /**
   * The call's return value, waiting up to `timeout` ms (undefined = forever, negative =
   * poll). Throws the call's exception, CancelledError when cancelled, or TimeoutError.
   */
  result(timeout?: number): T {
    mustBlock('resultAsync() or await future');
    return this.settle(parkUntilDone(this.address, deadlineOf(timeout)), true) as T;
  }

  /** {@link result} as a promise; never blocks the event loop. */
  async resultAsync(timeout?: number): Promise<T> {
    const deadline = deadlineOf(timeout);
    return this.settle(await parkUntilDoneAsync(this.address, deadline), true) as T;
  }

  /**
   * The call's exception (undefined when it returned), waiting up to `timeout` ms. Throws
   * CancelledError when cancelled, TimeoutError when the wait runs out.
   */
  exception(timeout?: number): unknown {
    mustBlock('exceptionAsync()');
    return this.settle(parkUntilDone(this.address, deadlineOf(timeout)), false);
  }

  /** {@link exception} as a promise; never blocks the event loop. */
  async exceptionAsync(timeout?: number): Promise<unknown> {
    const deadline = deadlineOf(timeout);
    return this.settle(await parkUntilDoneAsync(this.address, deadline), false);
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
    if (this.done()) {
      this.runCallbacks();
      return;
    }
    if (this.watching) return;
    this.watching = true;
    void parkUntilDoneAsync(this.address, Infinity).then(() => {
      this.watching = false;
      this.runCallbacks();
    });
  }

  /**
   * For executors: marks the future RUNNING and returns true, or, when it was cancelled,
   * notifies `wait()`/`asCompleted()` waiters and returns false (the work must not run).
   * Throws RuntimeError('Future in unexpected state') in any other state.
   */
  setRunningOrNotifyCancel(): boolean {
    return startOrNotify(this.address);
  }

  /** For executors: completes the future with `result`. InvalidStateError when already done. */
  setResult(result: T): void {
    this.complete(RESULT, result);
  }

  /** For executors: completes the future with `exception`. InvalidStateError when already done. */
  setException(exception: unknown): void {
    this.complete(EXCEPTION, exception);
  }

  /** PromiseLike: resolves with the result, rejects with the exception or CancelledError. */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.resultAsync().then(onfulfilled, onrejected);
  }

  /** CPython's repr without the address: `<Future state=finished returned number>`. */
  toString(): string {
    const state = cell(this.address, F.state);
    if (state !== FINISHED) return `<Future state=${STATE_DESCRIPTIONS[state]}>`;
    const value = this.outcome();
    const verb = cell(this.address, F.outcome) === EXCEPTION ? 'raised' : 'returned';
    return `<Future state=finished ${verb} ${typeName(value)}>`;
  }

  /** Node's `util.inspect` shows the repr. */
  [INSPECT](): string {
    return this.toString();
  }

  private complete(outcome: number, value: unknown): void {
    const stored = storeValue(value);
    const state = completeFuture(this.address, outcome, stored);
    if (state !== -1) {
      freeValue(stored);
      throw new InvalidStateError(`${STATE_NAMES[state]}: ${this}`);
    }
    this.runCallbacks();
  }

  /** The decoded result or exception (FINISHED only), decoded once per thread. */
  private outcome(): unknown {
    this.decoded ??= { value: loadValue(cell(this.address, F.value)) };
    return this.decoded.value;
  }

  /** Turns the state after a wait into result()/exception()'s answer. */
  private settle(state: number, wantResult: boolean): unknown {
    if (state === CANCELLED || state === CANCELLED_AND_NOTIFIED) throw new CancelledError();
    if (state !== FINISHED) throw new TimeoutError();
    const raised = cell(this.address, F.outcome) === EXCEPTION;
    if (!wantResult) return raised ? this.outcome() : undefined;
    if (raised) throw this.outcome();
    return this.outcome();
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

registerKind(
  KIND,
  (address) => {
    retainFuture(address);
    return Future.fromAddress(address);
  },
  { retain: retainFuture, release: releaseFuture },
);
