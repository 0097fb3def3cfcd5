/**
 * Browser: a warm worker's entry (a module Web Worker, started by the supervisor). It receives
 * the shared Memory, the compiled module and its slot, installs the backend in this worker,
 * then runs threads (the api's `runWorkerLoop`, as on Node); Web Workers may block, so it parks
 * in wasm while idle.
 */
import { installBackend, runWorkerLoop } from '@threadkit/api/spi';
import { WasmBackend } from './backend';
// Browsers have no synchronous require: load the thread-target checker up front (Node loads it on first use).
import '@threadkit/api/source-check';
import { consoleStderr, onStart, type WorkerInit } from './browser-messages';

onStart<WorkerInit>(({ memory, module, slot }) => {
  installBackend(new WasmBackend(memory, { isMain: false, canBlock: true, nativeId: slot, writeStderr: consoleStderr, module }));
  void runWorkerLoop(slot);
});
