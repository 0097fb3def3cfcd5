/**
 * This backend on Node, as the api's Node host kit runs it: every thread instantiates the
 * compiled module over the process's shared Memory (both handed to workers) and attaches a
 * `WasmBackend`; the main thread's formats the heap.
 */
import { writeStderr, type NodeHost } from '@threadkit/api/node';
import { WasmBackend } from './backend';
import { createMemory } from './heap';
import { wasmModule } from './instance';

/** What every thread attaches with. */
interface SharedMemory {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  /** The heap's cap in bytes, which the main thread writes into the heap when it formats it. */
  readonly capBytes: number;
}

/** The wasm backend's host descriptor on Node (see the api's `node/host.ts`). */
export const host: NodeHost<SharedMemory, WasmBackend> = {
  supervisorEntry: new URL('./supervisor.js', import.meta.url),
  workerEntry: new URL('./worker.js', import.meta.url),
  createHeap: (capBytes) => ({ memory: createMemory(capBytes), module: wasmModule(), capBytes }),
  attach({ memory, module, capBytes }, { isMain, nativeId, beforeSpawn }) {
    const backend = new WasmBackend(memory, { isMain, canBlock: true, nativeId, writeStderr, onSpawn: beforeSpawn, module });
    if (isMain) backend.wasm.formatHeap(capBytes);
    return backend;
  },
};
