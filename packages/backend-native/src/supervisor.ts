/**
 * The supervisor: a worker whose event loop is always free. It waits (natively, without
 * blocking its loop) for requests for workers from any thread, starts them, and watches them:
 * a worker that exits or crashes mid-thread gets that thread's record finished (as crashed),
 * so no joiner hangs, even while the main thread is blocked.
 *
 * Slot block per worker: [record being run (0: none), booted flag].
 */
import { Worker, workerData } from 'node:worker_threads';
import { finishThreadSlot, installBackend } from '@threadkit/api';
import { NativeBackend } from './backend';
import { workerExecArgv } from '@threadkit/api/node';

const { heap } = workerData as { heap: SharedArrayBuffer };
const backend = new NativeBackend(heap, false);
installBackend(backend);
const entry = new URL('./worker.js', import.meta.url);

// Keeps this loop running; the main thread unrefs the supervisor, so this holds nothing else open.
setInterval(() => {}, 2 ** 30);

function startWorker(): void {
  const slot = backend.alloc(8);
  const worker = new Worker(entry, { workerData: { heap, slot }, execArgv: workerExecArgv() });
  worker.unref();
  worker.on('error', (error) => backend.writeStderr(`threadkit: a worker failed: ${error?.stack ?? error}\n`));
  worker.on('exit', () => {
    finishThreadSlot(slot, true);
    if (Atomics.load(backend.heap.i32, (slot + 4) >> 2) === 0) {
      // It died before it took work: ask for a replacement so queued threads still get a worker.
      backend.spawnQueue.requestReplacement();
    }
    backend.free(slot);
  });
}

let started = 0;
for (;;) {
  const wanted = Atomics.load(backend.heap.i32, backend.spawnQueue.requestedCell >> 2);
  for (; started < wanted; started++) startWorker();
  await backend.parkAsync(backend.spawnQueue.requestedCell, wanted, Infinity, false);
}
