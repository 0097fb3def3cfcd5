/**
 * `@threadkit/backend-wasm` on Node: the complete threadkit API with its primitives running as
 * WebAssembly over one shared `WebAssembly.Memory`, threads on worker_threads. Importing it
 * installs the backend (once per process) and re-exports everything from `@threadkit/api`.
 */
import { workerExecArgv, writeStderr } from '@threadkit/api/node';
import { Worker } from 'node:worker_threads';
import { hasBackend, heapCapBytes, initMainThread, installBackend } from '@threadkit/api';
import { WasmBackend } from './backend';
import { createMemory } from './heap';
import { wasmModule } from './instance';

export * from '@threadkit/api';
export { WasmBackend, type ThreadTraits } from './backend';

function startMain(): void {
  const cap = heapCapBytes();
  const memory = createMemory(cap);
  const module = wasmModule();
  let supervisor: Worker | undefined;
  const startSupervisor = (): void => {
    if (supervisor !== undefined) return;
    supervisor = new Worker(new URL('./supervisor.js', import.meta.url), { workerData: { memory, module }, execArgv: workerExecArgv() });
    supervisor.unref();
  };
  const backend = new WasmBackend(memory, { isMain: true, canBlock: true, nativeId: process.pid, writeStderr: writeStderr, onSpawn: startSupervisor, module });
  backend.wasm.formatHeap(cap);
  installBackend(backend);
  initMainThread(process.pid);
  // Boot the supervisor and one warm worker in the background, so the first start() is fast.
  backend.wasm.prewarm(1);
  startSupervisor();
}

if (!hasBackend()) startMain();
