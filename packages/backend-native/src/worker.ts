/**
 * A warm worker: attaches to the heap, installs the backend in its isolate, then runs threads
 * one after another, asleep in the addon while idle. If the worker dies mid-thread
 * (`process.exit()` in the thread), its exit handler finishes the thread's record first.
 *
 * Slot block (from the supervisor): [record being run (0: none), booted flag].
 */
import { workerData } from 'node:worker_threads';
import { eventLoopTurn, finishThreadSlot, installBackend, runThreadTask } from '@threadkit/api';
import { NativeBackend } from './backend';
import { writeStdioDirectly } from '@threadkit/api/node';

const { heap, slot } = workerData as { heap: SharedArrayBuffer; slot: number };
writeStdioDirectly();
const backend = new NativeBackend(heap, false);
installBackend(backend);

process.on('exit', () => {
  finishThreadSlot(slot, true);
});

for (;;) {
  await eventLoopTurn(); // finalizers run between threads (see the api's host/idle-turn.ts)
  const request = backend.spawnQueue.take(slot);
  await runThreadTask(request.record, request.task, backend.nativeId);
  finishThreadSlot(slot, false);
}
