/**
 * `concurrent.futures.Executor` (CPython's `_base.Executor`): the base of every executor. A
 * subclass defines `submit` (and `shutdown`); `map`, `using`/`await using` come from here.
 * `map` submits every call at once, then yields the results in order, each waited for with what
 * is left of the map's timeout; the first failure (or a timeout, or leaving the loop early)
 * cancels the calls not yet yielded. A result is forgotten once yielded (CPython pops it), so
 * consumed results are not kept alive.
 */
import { waitTimeout } from '../timeout';
import type { Future } from './future';
import type { TaskRef } from '../threading/task';
import { mustBlock } from '../runtime';
import { NotImplementedError } from '../errors';

/** Trailing options of `map`/`mapAsync`. */
export interface MapOptions {
  /** Ms for the whole map, counted from the call (undefined = forever). */
  timeout?: number;
  /** Accepted for CPython compatibility; a thread pool ignores it. */
  chunksize?: number;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value != null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** CPython's `zip`: a tuple per step, up to the shortest iterable (the rest are not advanced past it). */
function* zip(iterables: unknown[]): Generator<unknown[], void, undefined> {
  const iterators = iterables.map((iterable) => {
    if (!isIterable(iterable)) throw new TypeError(`'${typeof iterable}' object is not iterable`);
    return iterable[Symbol.iterator]();
  });
  while (iterators.length > 0) {
    const args: unknown[] = [];
    for (const iterator of iterators) {
      const step = iterator.next();
      if (step.done) return;
      args.push(step.value);
    }
    yield args;
  }
}

/**
 * Splits `map`'s rest arguments into the iterables and the options, and submits a call per
 * zipped tuple with `submit`; returns the futures and the deadline (`performance.now()` time,
 * Infinity = none).
 */
function submitAll<R>(submit: (args: unknown[]) => Future<R>, rest: unknown[]): [(Future<R> | undefined)[], number] {
  const last = rest.at(-1);
  const options = rest.length > 0 && typeof last === 'object' && last !== null && !isIterable(last) ? (rest.pop() as MapOptions) : {};
  const ms = waitTimeout(options.timeout);
  const deadline = ms === Infinity ? Infinity : performance.now() + ms;
  return [Array.from(zip(rest), submit), deadline];
}

function remaining(deadline: number): number | undefined {
  return deadline === Infinity ? undefined : deadline - performance.now();
}

/** Yields the results of `futures` in order, blocking; cancels the rest when it stops early. */
function* mapResults<R>(futures: (Future<R> | undefined)[], deadline: number): Generator<R, void, undefined> {
  mustBlock('mapAsync()');
  let next = 0;
  try {
    for (; next < futures.length; next++) {
      const result = futures[next]!.result(remaining(deadline));
      futures[next] = undefined;
      yield result;
    }
  } finally {
    for (const future of futures.slice(next)) future?.cancel();
  }
}

/** {@link mapResults} for `for await`: never blocks the event loop. */
async function* mapResultsAsync<R>(futures: (Future<R> | undefined)[], deadline: number): AsyncGenerator<R, void, undefined> {
  let next = 0;
  try {
    for (; next < futures.length; next++) {
      const result = await futures[next]!.resultAsync(remaining(deadline));
      futures[next] = undefined;
      yield result;
    }
  } finally {
    for (const future of futures.slice(next)) future?.cancel();
  }
}

/** What an executor can run: a self-contained function (sync or async) or a module export reference. */
export type Callable<A extends unknown[] = any[], R = unknown> = ((...args: A) => R) | TaskRef<(...args: A) => R>;

/** Options of `shutdown` (the positional form is `shutdown(wait, { cancelFutures })`). */
export interface ShutdownOptions {
  wait?: boolean;
  cancelFutures?: boolean;
}

/**
 * `concurrent.futures.Executor`: subclass it and define {@link submit} (and {@link shutdown});
 * `map`, `mapAsync` and `using`/`await using` work on any subclass. On the base class itself,
 * `submit` throws NotImplementedError and `shutdown` does nothing, as in Python.
 */
export class Executor {
  /** Schedules `fn(...args)` and returns its Future. The base class throws NotImplementedError. */
  submit(fn: Callable, ...args: unknown[]): Future<unknown>;
  submit(_fn: Callable, ..._args: unknown[]): Future<unknown> {
    throw new NotImplementedError();
  }

  /**
   * Like `Array.from(zip(...iterables), (args) => fn(...args))` but concurrent: submits every
   * call first, then yields the results in order. `timeout` (ms) counts from this call; the first
   * failure (or TimeoutError) is thrown from the iterator and the remaining calls are cancelled.
   * `chunksize` is accepted and ignored, as in CPython's thread pool. Options go last:
   * `map(fn, xs, ys, { timeout })`.
   */
  map<R>(fn: Callable<any[], R>, ...iterables: [...Iterable<unknown>[], MapOptions] | Iterable<unknown>[]): IterableIterator<Awaited<R>> {
    return mapResults(...submitAll((args) => this.submit(fn as TaskRef, ...args) as Future<Awaited<R>>, iterables));
  }

  /** {@link map} whose results are awaited (`for await`); never blocks the event loop. */
  mapAsync<R>(fn: Callable<any[], R>, ...iterables: [...Iterable<unknown>[], MapOptions] | Iterable<unknown>[]): AsyncIterableIterator<Awaited<R>> {
    return mapResultsAsync(...submitAll((args) => this.submit(fn as TaskRef, ...args) as Future<Awaited<R>>, iterables));
  }

  /** Frees the executor's resources once pending futures are done (with `wait`). The base class does nothing. */
  shutdown(_wait: boolean | ShutdownOptions = true, _options: ShutdownOptions = {}): void {}

  /** {@link shutdown} that waits without blocking the event loop; the base class calls `shutdown`. */
  async shutdownAsync(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): Promise<void> {
    this.shutdown(wait, options);
  }

  /** `using executor = …`: `shutdown(true)` at the end of the scope (Python's `with`). */
  [Symbol.dispose](): void {
    this.shutdown(true);
  }

  /** `await using`: `shutdownAsync(true)` at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdownAsync(true);
  }
}
