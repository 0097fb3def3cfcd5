/**
 * Node: the supervisor, one long-lived worker whose event loop is always free. It starts warm
 * workers when the spawn queue asks (parking asynchronously on the SPAWN_REQUESTED cell, which
 * any thread bumps through wasm), and watches them: a worker that exits mid-thread has its
 * thread finished (crashed), so no joiner hangs even while the main thread is blocked.
 */
import { workerExecArgv, writeStderr } from '@threadkit/api/node';
import { threadId, Worker, workerData } from 'node:worker_threads';
import { finishThreadSlot, installBackend } from '@threadkit/api';
import { WasmBackend } from './backend';
import { hasBooted } from './thread-loop';

const { memory, module } = workerData as { memory: WebAssembly.Memory; module: WebAssembly.Module };
const backend = new WasmBackend(memory, { isMain: false, canBlock: true, nativeId: threadId, writeStderr: writeStderr, module });
installBackend(backend);
const workerUrl = new URL('./worker.js', import.meta.url);
const spawnRequested = backend.wasm.SPAWN_REQUESTED.value as number;

// The supervisor's own loop must stay alive (its parent unrefs it, so this holds nothing else open).
setInterval(() => {}, 1 << 30);

function startWorker(): void {
  const slot = backend.alloc(8);
  const worker = new Worker(workerUrl, { workerData: { memory, module, slot }, execArgv: workerExecArgv() });
  worker.unref();
  worker.on('error', (error) => backend.writeStderr(`threadkit: a worker failed: ${error?.stack ?? error}\n`));
  worker.on('exit', () => {
    finishThreadSlot(slot, true);
    if (!hasBooted(backend, slot)) backend.wasm.requestReplacement();
    backend.free(slot);
  });
}

let started = 0;
for (;;) {
  const requested = Atomics.load(backend.heap.i32, spawnRequested >> 2);
  for (; started < requested; started++) startWorker();
  await backend.parkAsync(spawnRequested, requested, Infinity, false);
}
