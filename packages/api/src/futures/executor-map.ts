/**
 * The result side of `Executor.map` (CPython's `result_iterator`): yields the futures'
 * results in order, each waited for with what is left of the map's timeout; on the first
 * failure (or a timeout, or leaving the loop early) the remaining futures are cancelled.
 */
import { waitTimeout } from '../timeout';
import type { Future } from './future';
import { mustBlock } from '../runtime';

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

/**
 * Splits `map`'s rest arguments into the zipped call arguments (stopping at the shortest
 * iterable, as `zip`) and the deadline (`performance.now()` time, Infinity = none).
 */
export function zipArgs(rest: unknown[]): { calls: unknown[][]; timeout: number } {
  let options: MapOptions = {};
  const last = rest[rest.length - 1];
  if (rest.length > 0 && typeof last === 'object' && last !== null && !isIterable(last)) {
    options = last as MapOptions;
    rest = rest.slice(0, -1);
  }
  const ms = waitTimeout(options.timeout);
  const deadline = ms === Infinity ? Infinity : performance.now() + ms;
  const iterators = rest.map((iterable) => {
    if (!isIterable(iterable)) throw new TypeError(`'${typeof iterable}' object is not iterable`);
    return iterable[Symbol.iterator]();
  });
  const calls: unknown[][] = [];
  if (iterators.length === 0) return { calls, timeout: deadline };
  for (;;) {
    const args: unknown[] = [];
    for (const iterator of iterators) {
      const step = iterator.next();
      if (step.done) return { calls, timeout: deadline };
      args.push(step.value);
    }
    calls.push(args);
  }
}

function remaining(deadline: number): number | undefined {
  return deadline === Infinity ? undefined : deadline - performance.now();
}

/** Cancels every future from `start` on (done ones are unaffected). */
function cancelFrom<R>(futures: (Future<R> | undefined)[], start: number): void {
  for (let i = start; i < futures.length; i++) futures[i]?.cancel();
}

/**
 * Yields the results of `futures` in order (blocking), as CPython's `map` iterator. It forgets
 * each future once yielded (CPython pops it), so consumed results are not kept alive.
 */
export function* mapIterator<R>(futures: (Future<R> | undefined)[], deadline: number): Generator<R, void, undefined> {
  mustBlock('mapAsync()');
  let next = 0;
  try {
    while (next < futures.length) {
      const result = futures[next]!.result(remaining(deadline));
      futures[next] = undefined;
      next += 1;
      yield result;
    }
  } finally {
    cancelFrom(futures, next);
  }
}

/**
 * The async form: `for await (const r of pool.mapAsync(...))`. A failure, a timeout or
 * `return()` (leaving the loop) cancels the futures not yet yielded.
 */
export function mapAsyncIterator<R>(futures: (Future<R> | undefined)[], deadline: number): AsyncIterableIterator<R> {
  let next = 0;
  const close = (): IteratorResult<R> => {
    cancelFrom(futures, next);
    next = futures.length;
    return { value: undefined, done: true };
  };
  return {
    async next(): Promise<IteratorResult<R>> {
      if (next >= futures.length) return { value: undefined, done: true };
      try {
        const value = await futures[next]!.resultAsync(remaining(deadline));
        futures[next] = undefined;
        next += 1;
        return { value, done: false };
      } catch (error) {
        close();
        throw error;
      }
    },
    async return(): Promise<IteratorResult<R>> {
      return close();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
