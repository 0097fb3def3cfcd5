/**
 * Threads that must run under their own runtime limits (Node's `resourceLimits`, asked for by an
 * executor's `resourceLimits` option): a warm worker cannot take on limits once started, so the
 * warm worker that takes such a thread's request hands it on through a queue in the heap (the
 * root's `dedicatedQueue`, a block queue) to the supervisor, which starts a worker of its own for
 * it with those limits; that worker runs the one thread and ends. No step needs another thread's
 * event loop but the supervisor's, which is always free.
 *
 * While a request is in the queue no worker holds it: a supervisor that dies with requests queued
 * (the process is ending) leaves their threads unfinished.
 */
import { backend } from '../runtime';
import { ROOT, Root } from '../roots';
import { exchangeField, loadField, storeField } from '../fields';
import { loadValue } from '../codec';
import { append, lockQueue, shift, unlockQueue, wakeWaiters, waitNonEmptyAsync } from '../queue/block-queue';
import { Field } from '../threading/thread-record';
import type { SpawnRequest } from '../spi';

/** A queued request: the queue's link, the thread's record and its encoded task. */
const Request = { next: 0, record: 4, task: 8 } as const;
const REQUEST_BYTES = 12;

/** True when the thread of `record` asked for runtime limits (it must not run on a warm worker). */
export function needsDedicatedWorker(record: number): boolean {
  return loadField(record, Field.limits) !== 0;
}

/**
 * In the warm worker whose slot block is `slot`, which took `request`: lets go of it (the slot
 * no longer names it, so this worker's death cannot finish it) and queues it for the supervisor.
 */
export function handToDedicatedWorker(slot: number, request: SpawnRequest): void {
  const b = backend();
  const block = b.alloc(REQUEST_BYTES);
  storeField(block, Request.record, request.record);
  storeField(block, Request.task, request.task);
  exchangeField(slot, 0, 0);
  const q = ROOT + Root.dedicatedQueue;
  lockQueue(q);
  append(q, block, Request.next);
  unlockQueue(q);
  wakeWaiters(q, 1);
}

/** What the supervisor starts a dedicated worker with: the thread, its encoded task, and its limits. */
export interface DedicatedRequest extends SpawnRequest {
  readonly resourceLimits: Record<string, number>;
}

/** The supervisor's loop: forever, takes each queued request and starts its worker with `start`. */
export async function superviseDedicatedWorkers(start: (request: DedicatedRequest) => void): Promise<never> {
  const b = backend();
  const q = ROOT + Root.dedicatedQueue;
  for (;;) {
    lockQueue(q);
    const block = shift(q, Request.next);
    unlockQueue(q);
    if (block === 0) {
      await waitNonEmptyAsync(q, () => false);
      continue;
    }
    const record = loadField(block, Request.record);
    const task = loadField(block, Request.task);
    b.free(block);
    start({ record, task, resourceLimits: loadValue(loadField(record, Field.limits)) as Record<string, number> });
  }
}
