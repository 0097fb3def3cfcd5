/**
 * `concurrent.futures.as_completed`: iterate over futures as they complete, with a sync
 * iterator (`for (const f of asCompleted(fs))`, blocks the thread) and an async one
 * (`for await (const f of asCompleted(fs))`, never blocks the event loop).
 */
import { TimeoutError } from '../errors';
import { waitTimeout } from '../timeout';
import { Future } from './future';
import { isSettled } from './future-core';
import { Waiter, deadlineAfter } from './waiter';
import { helpWhile } from './fork-join';
import { mustBlock } from '../runtime';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind, type AsyncWaitToken } from '../diagnostics/wait-state';

/**
 * The iterator returned by {@link asCompleted}: both iterable and async-iterable. Use one
 * form per call. Leaving a loop early (`break`, an exception) removes its waiter at once.
 * Pending futures are pinned and watched until they complete; each stops being watched (and
 * pinned) before it is yielded, so the caller's view may let go of its block.
 */
export class AsCompletedIterator<T> implements IterableIterator<Future<T>>, AsyncIterable<Future<T>> {
  private readonly input: Iterable<Future<T>>;
  private readonly timeoutMs: number;
  private started = false;
  private finished = false;
  private total = 0;
  private deadline = Infinity;
  private pending: Future<T>[] = [];
  private ready: Future<T>[] = [];
  private waiter: Waiter | undefined;

  /** @internal Use {@link asCompleted}. */
  constructor(fs: Iterable<Future<T>>, timeout: number | undefined) {
    this.input = fs;
    this.timeoutMs = waitTimeout(timeout);
  }

  /** Yields the next future to complete, blocking the thread while none has. */
  next(): IteratorResult<Future<T>> {
    mustBlock('for await (… of asCompleted(…))');
    this.start();
    for (;;) {
      const seq = this.look();
      if (typeof seq !== 'number') return seq;
      const token = beginWait(WaitKind.asCompleted, 0, this.deadline !== Infinity);
      try {
        // In a pool thread waiting on its own pool's futures: run that pool's queued tasks until one completes (fork/join).
        const addresses = this.pending.map((f) => Future.addressOf(f));
        if (!helpWhile(addresses, () => !this.pending.some((f) => isSettled(Future.stateOf(f))), this.deadline)) this.waiter!.park(seq, this.deadline);
      } finally {
        endWait(token);
      }
    }
  }

  /** Stops iterating and removes the waiter. */
  return(): IteratorResult<Future<T>> {
    this.finish();
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>> {
    return {
      next: () => this.nextAsync(),
      return: async () => this.return(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** The async form of {@link next}: waits without blocking the event loop. */
  private async nextAsync(): Promise<IteratorResult<Future<T>>> {
    this.start();
    let token: AsyncWaitToken | undefined;
    try {
      for (;;) {
        const seq = this.look();
        if (typeof seq !== 'number') return seq;
        token ??= beginAsyncWait(WaitKind.asCompleted, 0);
        await this.waiter!.parkAsync(seq, this.deadline);
      }
    } finally {
      endAsyncWait(token);
    }
  }

  /**
   * One look, before a wait: the next step when there is one, else the waiter's sequence count to
   * park on (read before the last scan, so a completion after it ends the park at once). Throws
   * TimeoutError once the deadline has passed.
   */
  private look(): IteratorResult<Future<T>> | number {
    for (;;) {
      const step = this.step();
      if (step !== undefined) return step;
      const seq = this.waiter!.seq();
      if (this.collect()) continue;
      this.checkDeadline();
      return seq;
    }
  }

  /** First call: the clock starts (as CPython's generator body), done futures come first. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.deadline = deadlineAfter(this.timeoutMs);
    const fs = [...new Set(this.input)];
    this.total = fs.length;
    for (const f of fs) {
      if (!(f instanceof Future)) throw new TypeError('asCompleted() expects an iterable of Future objects');
    }
    for (const f of fs) (isSettled(Future.stateOf(f)) ? this.ready : this.pending).push(f);
    if (this.pending.length === 0) return;
    this.waiter = new Waiter();
    for (const f of this.pending) this.waiter.watch(Future.pin(f));
  }

  /** A result when one is due without waiting: a ready future, or the end. */
  private step(): IteratorResult<Future<T>> | undefined {
    if (this.finished) return { value: undefined, done: true };
    const next = this.ready.shift();
    if (next !== undefined) return { value: next, done: false };
    if (this.pending.length === 0) {
      this.finish();
      return { value: undefined, done: true };
    }
    return undefined;
  }

  /** Moves newly completed futures from pending to ready, unwatched and unpinned; true when any moved. */
  private collect(): boolean {
    const stillPending: Future<T>[] = [];
    for (const f of this.pending) {
      if (!isSettled(Future.stateOf(f))) {
        stillPending.push(f);
        continue;
      }
      this.waiter!.unwatch(Future.addressOf(f));
      Future.unpin(f);
      this.ready.push(f);
    }
    const moved = stillPending.length !== this.pending.length;
    this.pending = stillPending;
    return moved;
  }

  private checkDeadline(): void {
    if (this.deadline !== Infinity && performance.now() >= this.deadline) {
      const unfinished = this.pending.length;
      this.finish();
      throw new TimeoutError(`${unfinished} (of ${this.total}) futures unfinished`);
    }
  }

  private finish(): void {
    this.finished = true;
    this.waiter?.uninstall();
    this.waiter = undefined;
    for (const f of this.pending) Future.unpin(f);
    this.pending = [];
    this.ready = [];
  }
}

/**
 * An iterator over `fs` (possibly from different executors) that yields each future as it
 * completes (finishes, or is cancelled and noticed by its executor): already-done ones first,
 * duplicates once. With `timeout` (ms, from the first `next()`), throws
 * TimeoutError('N (of M) futures unfinished') when the rest are not done in time.
 * Iterate it with `for…of` (blocks the thread) or `for await…of` (does not block the event loop).
 */
export function asCompleted<T>(fs: Iterable<Future<T>>, timeout?: number): AsCompletedIterator<T> {
  return new AsCompletedIterator(fs, timeout);
}
