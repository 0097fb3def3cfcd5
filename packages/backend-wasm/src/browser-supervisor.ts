/**
 * Browser: the supervisor, a module Web Worker whose event loop is always free (it never
 * blocks). It starts warm workers (nested Web Workers) when the spawn queue asks, parking
 * asynchronously on its requested cell (the api's `superviseWorkers`, as on Node), and finishes
 * the thread of a worker that fails with an uncaught error, so its joiners wake.
 */
import { installBackend, superviseWorkers, workerLost } from '@threadkit/api/spi';
import { WasmBackend } from './backend';
import { consoleStderr, onStart, type SupervisorInit, type WorkerInit } from './browser-messages';

onStart<SupervisorInit>(async ({ memory, module }) => {
  const backend = new WasmBackend(memory, { isMain: false, canBlock: true, nativeId: 0, writeStderr: consoleStderr, module });
  installBackend(backend);
  // Up: a main thread that may block (a Web Worker) waits for this before it goes on.
  (globalThis as unknown as { postMessage(message: unknown): void }).postMessage('up');
  await superviseWorkers((slot) => {
    const worker = new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module', name: 'threadkit-worker' });
    worker.addEventListener('error', (event) => {
      backend.writeStderr(`threadkit: a worker failed: ${event.message}\n`);
      workerLost(slot);
      worker.terminate();
    });
    worker.postMessage({ memory, module, slot } satisfies WorkerInit);
  });
});
