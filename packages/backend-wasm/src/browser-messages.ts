/**
 * Browser: what a page hands its supervisor, and the supervisor its workers, in the one
 * message each receives (Web Workers have no workerData). The Memory and the compiled module
 * cross by structured clone; the Memory stays shared.
 */

/** The supervisor's start message. */
export interface SupervisorInit {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
}

/** A warm worker's start message: the supervisor's plus the worker's slot block. */
export interface WorkerInit extends SupervisorInit {
  readonly slot: number;
}

/** Writes to the console's error stream (a browser's standard error). */
export function consoleStderr(text: string): void {
  console.error(text.endsWith('\n') ? text.slice(0, -1) : text);
}

/** Receives the one start message of a Web Worker. */
export function onStart<T>(run: (init: T) => void): void {
  const scope = globalThis as unknown as { onmessage: ((event: MessageEvent<T>) => void) | null };
  scope.onmessage = (event) => {
    scope.onmessage = null;
    run(event.data);
  };
}
