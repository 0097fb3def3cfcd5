/**
 * A warm worker's entry: attach to the heap, install the backend in this isolate, then run
 * threads one after another, parking as idle in between. If the worker dies mid-thread
 * (`process.exit()` in the thread), the exit handler finishes the thread's record first.
 *
 * Slot block (from the supervisor): [record being run, booted flag].
 */
import { threadId, workerData } from 'node:worker_threads';
import { eventLoopTurn, finishThreadSlot, installBackend, runThreadTask } from '@threadkit/api';
import { WorkersBackend } from './backend';
import { writeStdioDirectly } from '@threadkit/api/node';

const { heap, slot } = workerData as { heap: SharedArrayBuffer; slot: number };
writeStdioDirectly();
const backend = new WorkersBackend(heap, false, threadId);
installBackend(backend);

process.on('exit', () => {
  finishThreadSlot(slot, true);
});

for (;;) {
  await eventLoopTurn(); // finalizers run between threads (see the api's host/idle-turn.ts)
  const request = backend.spawnQueue.take(slot);
  await runThreadTask(request.record, request.task, threadId);
  finishThreadSlot(slot, false);
}
