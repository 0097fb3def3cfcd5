/**
 * The supervisor: one long-lived worker whose event loop is always free. It starts warm
 * workers when the spawn queue asks for them (from any thread, through the heap) and watches
 * them: when a worker exits or crashes mid-thread, it finishes that thread's record (marked
 * crashed) so no joiner hangs, even while the main thread is blocked.
 */
import { threadId, Worker, workerData } from 'node:worker_threads';
import { finishThreadSlot, installBackend } from '@threadkit/api';
import { WorkersBackend } from './backend';
import { Cell } from './layout';
import { workerExecArgv } from '@threadkit/api/node';

const { heap } = workerData as { heap: SharedArrayBuffer };
const backend = new WorkersBackend(heap, false, threadId);
installBackend(backend);
const workerUrl = new URL('./worker.js', import.meta.url);

// The supervisor's own loop must stay alive (its parent unrefs it, so this holds nothing else open).
setInterval(() => {}, 1 << 30);

function startWorker(): void {
  const slot = backend.alloc(8);
  const worker = new Worker(workerUrl, { workerData: { heap, slot }, execArgv: workerExecArgv() });
  worker.unref();
  Atomics.add(backend.heap.i32, Cell.workerCount >> 2, 1);
  worker.on('error', (error) => backend.writeStderr(`threadkit: a worker failed: ${error?.stack ?? error}\n`));
  worker.on('exit', () => {
    Atomics.sub(backend.heap.i32, Cell.workerCount >> 2, 1);
    finishThreadSlot(slot, true);
    if (Atomics.load(backend.heap.i32, (slot + 4) >> 2) === 0) {
      // It died before taking work: ask for a replacement so queued threads still get a worker.
      backend.spawnQueue.requestReplacement();
    }
    backend.free(slot);
  });
}

let started = 0;
for (;;) {
  const requested = Atomics.load(backend.heap.i32, backend.spawnQueue.requestedCell >> 2);
  while (started < requested) {
    startWorker();
    started++;
  }
  await backend.parkAsync(backend.spawnQueue.requestedCell, requested, Infinity, false);
}
