/**
 * A thread's `process.stdout`/`stderr` write synchronously to fd 1/2. Node's default relays a
 * worker's output through the parent thread's event loop, which a main thread blocked in
 * `join()` does not run: its own later lines would come out before the threads' earlier ones.
 */
import { writeSync } from 'node:fs';

/** Makes this worker's standard streams write straight to the process's file descriptors. */
export function writeStdioDirectly(): void {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]] as const) {
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      writeSync(fd, chunk as string);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(done as () => void);
      return true;
    }) as typeof stream.write;
  }
}

/** Writes text to the process's standard error at once, even while other threads block. */
export function writeStderr(text: string): void {
  writeSync(2, text);
}
