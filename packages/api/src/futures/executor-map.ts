/**
 * `Executor.map` (CPython's `_base.Executor.map`): submits every call at once, then yields the
 * results in order, each waited for with what is left of the map's timeout; the first failure (or
 * a timeout, or leaving the loop early) cancels the calls not yet yielded. A result is forgotten
 * once yielded (CPython pops it), so consumed results are not kept alive.
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
export function submitAll<R>(submit: (args: unknown[]) => Future<R>, rest: unknown[]): [(Future<R> | undefined)[], number] {
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
export function* mapResults<R>(futures: (Future<R> | undefined)[], deadline: number): Generator<R, void, undefined> {
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
export async function* mapResultsAsync<R>(futures: (Future<R> | undefined)[], deadline: number): AsyncGenerator<R, void, undefined> {
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
