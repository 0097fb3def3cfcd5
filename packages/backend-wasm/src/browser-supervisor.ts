/**
 * Browser: the supervisor, a module Web Worker whose event loop is always free (it never
 * blocks). It starts warm workers (nested Web Workers) when the spawn queue asks, parking
 * asynchronously on the SPAWN_REQUESTED cell, and finishes the thread of a worker that fails
 * with an uncaught error, so its joiners wake.
 */
import { finishThreadSlot, installBackend } from '@threadkit/api';
import { WasmBackend } from './backend';
import { consoleStderr, onStart, type SupervisorInit, type WorkerInit } from './browser-messages';
import { hasBooted } from './thread-loop';

onStart<SupervisorInit>(async ({ memory, module }) => {
  const backend = new WasmBackend(memory, { isMain: false, canBlock: true, nativeId: 0, writeStderr: consoleStderr, module });
  installBackend(backend);
  // Up: a main thread that may block (a Web Worker) waits for this before it goes on.
  (globalThis as unknown as { postMessage(message: unknown): void }).postMessage('up');
  const spawnRequested = backend.wasm.SPAWN_REQUESTED.value as number;

  const startWorker = (): void => {
    const slot = backend.alloc(8);
    const worker = new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module', name: 'threadkit-worker' });
    worker.addEventListener('error', (event) => {
      backend.writeStderr(`threadkit: a worker failed: ${event.message}\n`);
      finishThreadSlot(slot, true);
      if (!hasBooted(backend, slot)) backend.wasm.requestReplacement();
      worker.terminate();
    });
    worker.postMessage({ memory, module, slot } satisfies WorkerInit);
  };

  let started = 0;
  for (;;) {
    const requested = Atomics.load(backend.heap.i32, spawnRequested >> 2);
    for (; started < requested; started++) startWorker();
    await backend.parkAsync(spawnRequested, requested, Infinity, false);
  }
});
