/**
 * This backend as the api's Node host kit runs it: every thread attaches a `WorkersBackend` to
 * the process's heap buffer, which the main thread creates and formats.
 */
import type { NodeHost } from '@threadkit/api/node';
import { WorkersBackend } from './backend';

/** The workers backend's host descriptor (see the api's `node/host.ts`). */
export const host: NodeHost<SharedArrayBuffer, WorkersBackend> = {
  supervisorEntry: new URL('./supervisor.js', import.meta.url),
  workerEntry: new URL('./worker.js', import.meta.url),
  createHeap: (capBytes) => WorkersBackend.createHeap(capBytes),
  attach: (heap, thread) => new WorkersBackend(heap, thread.isMain, thread.nativeId, thread.beforeSpawn),
};
