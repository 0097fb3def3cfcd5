/**
 * Node: a warm worker's entry. Attach to the shared Memory, instantiate the module, install the
 * backend in this isolate, then run threads (thread-loop.ts). If the worker dies mid-thread
 * (`process.exit()` in the thread), the exit handler finishes that thread's record first.
 */
import { writeStderr, writeStdioDirectly } from '@threadkit/api/node';
import { threadId, workerData } from 'node:worker_threads';
import { finishThreadSlot, installBackend } from '@threadkit/api';
import { WasmBackend } from './backend';
import { runThreads } from './thread-loop';

const { memory, module, slot } = workerData as { memory: WebAssembly.Memory; module: WebAssembly.Module; slot: number };
writeStdioDirectly();
const backend = new WasmBackend(memory, { isMain: false, canBlock: true, nativeId: threadId, writeStderr: writeStderr, module });
installBackend(backend);

process.on('exit', () => {
  finishThreadSlot(slot, true);
});

await runThreads(backend, slot, threadId);
