/**
 * This backend as the api's Node host kit runs it: every thread attaches a `NativeBackend` (and
 * the addon) to the process's heap buffer; the main thread's formats it.
 */
import { createHeapBuffer } from '@threadkit/api/spi';
import type { NodeHost } from '@threadkit/api/node';
import { addon } from './addon';
import { NativeBackend } from './backend';

/** The native backend's host descriptor (see the api's `node/host.ts`). */
export const host: NodeHost<SharedArrayBuffer, NativeBackend> = {
  supervisorEntry: new URL('./supervisor.js', import.meta.url),
  workerEntry: new URL('./worker.js', import.meta.url),
  createHeap: createHeapBuffer,
  attach(heap, thread) {
    const backend = new NativeBackend(heap, thread.isMain, thread.beforeSpawn);
    // Node joins every worker when the process ends; threads asleep in the kernel must be woken for that.
    if (thread.isMain) process.on('exit', () => addon.shutdown());
    return backend;
  },
};
