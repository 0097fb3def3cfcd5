/**
 * Makes a worker's stdout/stderr write straight to the process's file descriptors. By default
 * Node relays a worker's output through the parent's event loop, so a main thread blocked in
 * `join()` would print its own lines before the lines its threads printed earlier.
 */
import { writeSync } from 'node:fs';

/** Redirects this worker's `process.stdout`/`process.stderr` to fd 1/2, synchronously. */
export function writeOutputDirectly(): void {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      if (typeof chunk === 'string') writeSync(fd, chunk);
      else writeSync(fd, chunk);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}
