/**
 * Threads on warm workers, on any platform: the loops a backend's host runs and the protocol of a
 * worker's slot. Started threads wait in the backend's spawn queue in the heap; an idle worker
 * takes the next one and runs it ({@link runWorkerLoop}); a supervisor, a worker whose event loop
 * is always free, starts workers when the queue asks for them and finishes the thread of a worker
 * that dies ({@link superviseWorkers}, {@link workerLost}). No step needs another thread's event
 * loop: everything goes through the heap.
 *
 * Slot block, one per worker ({@link SLOT_BYTES}, allocated by the supervisor): [record being run
 * (0: none), state: 0 booting, 1 took work, 2 returning for more]. The queue writes a request's
 * record into the slot before it lets go of the request and sets the state on each take;
 * whoever finishes the thread takes the record out with one exchange (`finishThreadSlot`), so it
 * happens once.
 */
// Workers and the supervisor run user code and revive shared objects: the whole user API must be
// loaded in them (every shared kind registered, its names in scope for self-contained targets), as
// a backend package's entry loads it on the main thread.
import '../index';
import { backend as installedBackend, installBackend } from '../runtime';
import type { Backend, SpawnRequest } from '../spi';
import { finishThreadSlot, initMainThread, runThreadTask } from '../threading/runner';
import { eventLoopTurn } from './idle-turn';
import { handToDedicatedWorker, needsDedicatedWorker } from './dedicated-workers';

/** Bytes of a worker's slot block. */
export const SLOT_BYTES = 8;

/** The spawn queue as the host loops use it (the api's `SpawnQueue`, or a backend's own in its substrate). */
export interface WarmWorkerQueue {
  /** The cell counting workers ever asked for (only grows); the supervisor parks on it. */
  readonly requestedCell: number;
  /** Takes the next request for the worker with slot block `slot`, parking while there is none (see the file's comment). */
  take(slot: number): SpawnRequest;
  /** The worker with slot block `slot` is done with its thread and takes the next one at once: counted as about to be idle from now. */
  returning(slot: number): void;
  /** Asks the supervisor for `count` workers ahead of any request. */
  prewarm(count: number): void;
  /** The worker with slot block `slot` died: if it had not taken work yet, or was returning for more, asks for a replacement. */
  lost(slot: number): void;
}

/** A backend whose threads run on warm workers fed by its {@link WarmWorkerQueue}. */
export interface HostedBackend extends Backend {
  /** Where started threads wait for a warm worker. */
  readonly spawnQueue: WarmWorkerQueue;
}

/**
 * Makes `backend` this program's main thread's backend: installs it, registers the main thread
 * (its record, ident 1, `MainThread`) and asks for one warm worker ahead of the first
 * `start()`, so that start is fast. The host then starts its supervisor.
 */
export function startMainThread(backend: HostedBackend): void {
  installBackend(backend);
  initMainThread(backend.nativeId);
  backend.spawnQueue.prewarm(1);
}

/**
 * A warm worker's life, after its backend is installed: run threads one after another, forever
 * (a thread that asked for runtime limits goes on to a dedicated worker: dedicated-workers.ts).
 * Between threads the event loop gets a turn (`eventLoopTurn`: finalizers then run); while idle
 * the worker parks in the queue.
 */
export async function runWorkerLoop(slot: number): Promise<never> {
  const backend = installedBackend() as HostedBackend;
  for (;;) {
    await eventLoopTurn();
    const request = backend.spawnQueue.take(slot);
    if (needsDedicatedWorker(request.record)) {
      handToDedicatedWorker(slot, request);
      continue;
    }
    // Counted as coming back before the thread is seen to end: a joiner that starts the next
    // thread at once finds this worker on its way, not a reason for another.
    await runThreadTask(request.record, request.task, backend.nativeId, () => backend.spawnQueue.returning(slot));
    finishThreadSlot(slot, false);
  }
}

/**
 * The supervisor's life, after its backend is installed: whenever the queue's requested count
 * passes the workers started, give each new worker a slot block and `startWorker(slot)`; in
 * between, park asynchronously on the requested cell (without holding the process open).
 */
export async function superviseWorkers(startWorker: (slot: number) => void): Promise<never> {
  const backend = installedBackend() as HostedBackend;
  const requestedCell = backend.spawnQueue.requestedCell;
  let started = 0;
  for (;;) {
    const requested = Atomics.load(backend.heap.i32, requestedCell >> 2);
    for (; started < requested; started++) startWorker(backend.alloc(SLOT_BYTES));
    await backend.parkAsync(requestedCell, requested, Infinity, false);
  }
}

/**
 * A worker ended (it exited, crashed or failed): finishes the thread in its slot (as crashed),
 * so no joiner hangs, and, when it died before it took work or on its way back for more, asks
 * for a replacement so queued threads still get a worker. The slot block stays allocated (the
 * host frees it once nothing can touch it).
 */
export function workerLost(slot: number): void {
  const backend = installedBackend() as HostedBackend;
  finishThreadSlot(slot, true);
  backend.spawnQueue.lost(slot);
}
