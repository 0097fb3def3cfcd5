/**
 * `concurrent.futures.wait`: block until some or all of a set of futures are done.
 */
import { waitTimeout } from '../timeout';
import { Future } from './future';
import { isSettled } from './future-core';
import { Waiter, deadlineAfter } from './waiter';
import { mustBlock } from '../runtime';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';
import { helpWhile } from './fork-join';

/** `wait()` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait()` returns when any future finishes by raising; if none raises, as ALL_COMPLETED. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** `wait()` returns when all futures finish or are cancelled. */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** When `wait()` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of {@link wait}: `timeout` in ms (undefined = forever), `returnWhen` (default ALL_COMPLETED). */
export interface WaitOptions {
  timeout?: number;
  returnWhen?: ReturnWhen;
}

/** CPython's `DoneAndNotDoneFutures`: the futures done when the wait returned, and the rest. */
export interface DoneAndNotDoneFutures<T> {
  done: Set<Future<T>>;
  notDone: Set<Future<T>>;
}

/**
 * One `wait()` call: its futures, condition and deadline, shared by the sync and async forms.
 * While its waiter is installed, the futures it watches are pinned (their views keep their
 * blocks even if they see them final meanwhile); futures already final are not watched.
 */
class WaitCall<T> {
  readonly futures: Future<T>[];
  readonly deadline: number;
  readonly returnWhen: ReturnWhen;
  private readonly pinned: Future<T>[] = [];
  /** The pinned futures' blocks. */
  readonly addresses: number[] = [];

  constructor(fs: Iterable<Future<T>>, timeoutOrOptions: number | WaitOptions | undefined, returnWhen: ReturnWhen | undefined) {
    let timeout: number | undefined;
    if (typeof timeoutOrOptions === 'object' && timeoutOrOptions !== null) {
      timeout = timeoutOrOptions.timeout;
      returnWhen = timeoutOrOptions.returnWhen;
    } else {
      timeout = timeoutOrOptions;
    }
    this.returnWhen = returnWhen ?? ALL_COMPLETED;
    this.futures = [...new Set(fs)];
    for (const f of this.futures) {
      if (!(f instanceof Future)) throw new TypeError('wait() expects an iterable of Future objects');
    }
    this.deadline = deadlineAfter(waitTimeout(timeout));
  }

  /** True when the call may return, judging by the futures' states now. */
  satisfied(): boolean {
    let done = 0;
    for (const f of this.futures) {
      if (!isSettled(Future.stateOf(f))) continue;
      done += 1;
      if (this.returnWhen === FIRST_COMPLETED) return true;
      if (this.returnWhen === FIRST_EXCEPTION && Future.raised(f)) return true;
    }
    return done === this.futures.length;
  }

  /**
   * Throws RangeError('Invalid return condition') for a `returnWhen` that is none of the three —
   * as CPython, only once the call would have to wait (every future done returns the result).
   */
  checkReturnWhen(): void {
    if (this.returnWhen !== FIRST_COMPLETED && this.returnWhen !== FIRST_EXCEPTION && this.returnWhen !== ALL_COMPLETED) {
      throw new RangeError(`Invalid return condition: '${String(this.returnWhen)}'`);
    }
  }

  expired(): boolean {
    return this.deadline !== Infinity && performance.now() >= this.deadline;
  }

  result(): DoneAndNotDoneFutures<T> {
    const done = new Set<Future<T>>();
    const notDone = new Set<Future<T>>();
    for (const f of this.futures) {
      (isSettled(Future.stateOf(f)) ? done : notDone).add(f);
    }
    return { done, notDone };
  }

  install(): Waiter {
    const waiter = new Waiter();
    for (const f of this.futures) {
      if (isSettled(Future.stateOf(f))) continue;
      const address = Future.pin(f);
      waiter.watch(address);
      this.pinned.push(f);
      this.addresses.push(address);
    }
    return waiter;
  }

  uninstall(waiter: Waiter): void {
    waiter.uninstall();
    for (const f of this.pinned) Future.unpin(f);
    this.pinned.length = 0;
    this.addresses.length = 0;
  }
}

/**
 * Waits for the futures in `fs` (possibly from different executors) to complete, up to
 * `timeout` ms (undefined = forever), and returns `{ done, notDone }`; duplicates appear once.
 * `returnWhen`: FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED (default). Takes Python's
 * positional `(fs, timeout, returnWhen)` or `(fs, { timeout, returnWhen })`. A future counts
 * as done once finished, or cancelled and noticed by its executor (as in CPython).
 */
export function wait<T>(fs: Iterable<Future<T>>, timeout?: number | WaitOptions, returnWhen?: ReturnWhen): DoneAndNotDoneFutures<T> {
  mustBlock('waitAsync()');
  const call = new WaitCall(fs, timeout, returnWhen);
  if (call.satisfied()) return call.result();
  call.checkReturnWhen();
  if (call.expired()) return call.result();
  const waiter = call.install();
  const token = beginWait(WaitKind.futuresWait, 0, call.deadline !== Infinity);
  try {
    // In a pool thread waiting on its own pool's futures: run that pool's queued tasks meanwhile (fork/join).
    if (helpWhile(call.addresses, () => !call.satisfied() && !call.expired(), call.deadline)) return call.result();
    for (;;) {
      const seq = waiter.seq();
      if (call.satisfied() || call.expired()) return call.result();
      waiter.park(seq, call.deadline);
    }
  } finally {
    endWait(token);
    call.uninstall(waiter);
  }
}

/** {@link wait} as a promise; never blocks the event loop. */
export async function waitAsync<T>(
  fs: Iterable<Future<T>>,
  timeout?: number | WaitOptions,
  returnWhen?: ReturnWhen,
): Promise<DoneAndNotDoneFutures<T>> {
  const call = new WaitCall(fs, timeout, returnWhen);
  if (call.satisfied()) return call.result();
  call.checkReturnWhen();
  if (call.expired()) return call.result();
  const waiter = call.install();
  const token = beginAsyncWait(WaitKind.futuresWait, 0);
  try {
    for (;;) {
      const seq = waiter.seq();
      if (call.satisfied() || call.expired()) return call.result();
      await waiter.parkAsync(seq, call.deadline);
    }
  } finally {
    endAsyncWait(token);
    call.uninstall(waiter);
  }
}
