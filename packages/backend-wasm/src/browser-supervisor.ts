/**
 * Browser: the supervisor, a module Web Worker whose event loop is always free (it never
 * blocks). It starts warm workers (nested Web Workers) when the spawn queue asks, parking
 * asynchronously on its requested cell (the api's `superviseWorkers`, as on Node), and finishes
 * the thread of a worker that fails with an uncaught error, so its joiners wake. It also runs the
 * executors' hard-stop watch (`killAfter`), as the Node host's supervisor does: it terminates the
 * worker running a task past its stop time and finishes that worker's thread as crashed (a
 * terminated Web Worker sends no event), so the pool replaces it.
 */
import { installBackend, superviseWorkers, watchHardStops, workerLost } from '@threadkit/api/spi';
import { WasmBackend } from './backend';
import { consoleStderr, onStart, type SupervisorInit, type WorkerInit } from './browser-messages';

onStart<SupervisorInit>(async ({ memory, module }) => {
  const backend = new WasmBackend(memory, { isMain: false, canBlock: true, nativeId: 0, writeStderr: consoleStderr, module });
  installBackend(backend);
  // Up: a main thread that may block (a Web Worker) waits for this before it goes on.
  (globalThis as unknown as { postMessage(message: unknown): void }).postMessage('up');
  // The workers by slot block, so that a hard stop can terminate the one running a given thread.
  const workers = new Map<number, Worker>();
  const lose = (slot: number, worker: Worker): void => {
    if (workers.get(slot) !== worker) return;
    workers.delete(slot);
    worker.terminate();
    // The slot block stays allocated: a terminated Web Worker may still run for an instant and sends no exit event.
    workerLost(slot);
  };
  void watchHardStops(workers, lose);
  await superviseWorkers((slot) => {
    const worker = new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module', name: 'threadkit-worker' });
    workers.set(slot, worker);
    worker.addEventListener('error', (event) => {
      backend.writeStderr(`threadkit: a worker failed: ${event.message}\n`);
      lose(slot, worker);
    });
    worker.postMessage({ memory, module, slot } satisfies WorkerInit);
  });
});
