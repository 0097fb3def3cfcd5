/**
 * Helpers that source-to-source compilers inject into function bodies, defined here so that a
 * self-contained function compiled by them stays self-contained when it is shipped to a thread
 * (they are in scope wherever a target is compiled):
 *  - `__name(fn, "name")`: esbuild's `keepNames` (tsx, vitest) wraps named inner functions and classes;
 *  - `__using(stack, value, async)` / `__callDispose(stack, error, hasError)`: esbuild's lowering of
 *    `using` / `await using` for runtimes without explicit resource management (Node 20).
 * Each follows the semantics of the proposal it lowers, written from the spec.
 */

type DisposeEntry = [isAsync: boolean, dispose?: () => unknown, value?: unknown];

function name(target: object, value: string): object {
  return Object.defineProperty(target, 'name', { value, configurable: true });
}

function using(stack: DisposeEntry[], value: unknown, isAsync: boolean): unknown {
  if (value === null || value === undefined) {
    if (isAsync) stack.push([true]);
    return value;
  }
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError('Object expected');
  const holder = value as Record<symbol, unknown>;
  let dispose = isAsync ? holder[Symbol.asyncDispose] : undefined;
  if (dispose === undefined) dispose = holder[Symbol.dispose];
  if (typeof dispose !== 'function') throw new TypeError('Object not disposable');
  stack.push([isAsync, dispose as () => unknown, value]);
  return value;
}

function suppressed(error: unknown, previous: unknown): Error {
  const Ctor = (globalThis as { SuppressedError?: new (e: unknown, s: unknown, m: string) => Error }).SuppressedError;
  if (Ctor !== undefined) return new Ctor(error, previous, 'An error was suppressed during disposal');
  return Object.assign(new Error('An error was suppressed during disposal'), { name: 'SuppressedError', error, suppressed: previous });
}

function callDispose(stack: DisposeEntry[], error: unknown, hasError: boolean): unknown {
  const fail = (e: unknown): void => {
    error = hasError ? suppressed(e, error) : e;
    hasError = true;
  };
  const next = (): unknown => {
    for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
      try {
        const result = entry[1]?.call(entry[2]);
        if (entry[0]) {
          return Promise.resolve(result).then(next, (e: unknown) => {
            fail(e);
            return next();
          });
        }
      } catch (e) {
        fail(e);
      }
    }
    if (hasError) throw error;
    return undefined;
  };
  return next();
}

/** The helpers by the names compilers give them. */
export const COMPILER_HELPERS: Readonly<Record<string, unknown>> = {
  __name: name,
  __using: using,
  __callDispose: callDispose,
};
