/**
 * The host kit for backends that run threads on Node's worker_threads: the main thread's start,
 * the supervisor's entry and a warm worker's entry, written once. A backend describes itself in a
 * {@link NodeHost} (how to create the process's heap, how a thread attaches a backend to it, where
 * its two thread entries are) and its package is that plus three calls:
 *
 * ```ts
 * // index.ts                                    // supervisor.ts                // worker.ts
 * export * from '@threadkit/api';                await runSupervisor(host);      await runWorker(host);
 * startMain(host);
 * ```
 *
 * The entries must be modules of the backend's own package (built with the chunk its index uses),
 * so a user module that imports the package inside a thread finds the backend installed there.
 */
import { threadId, Worker, workerData } from 'node:worker_threads';
import { backend as installedBackend, enableDedicatedWorkers, hasBackend, installBackend } from '../runtime';
import { superviseDedicatedWorkers, type DedicatedRequest } from '../host/dedicated-workers';
import { heapCapBytes } from '../host/heap-size';
import { SLOT_BYTES, runWorkerLoop, startMainThread, superviseWorkers, workerLost, type HostedBackend } from '../host/warm-workers';
import { finishThreadSlot, runThreadTask } from '../threading/runner';
import { workerExecArgv } from './exec-argv';
import { watchHardStops } from '../futures/hard-stop';
import { writeStdioDirectly } from './stdio';
import { watchDumpRequests, watchDumpSignal } from './dump-signal';
import { installDumpRequestHook } from '../diagnostics/dump-request';
import { dumpOnSignalFromEnv } from '../diagnostics/dump-signal';

/** What a thread knows of itself when it attaches a backend. */
export interface HostThread {
  /** True on the process's main thread. */
  readonly isMain: boolean;
  /** The runtime's id of this thread: the process id on the main thread, the worker's `threadId` elsewhere. */
  readonly nativeId: number;
  /** For the backend to call before each spawn: starts the supervisor on first use (main thread; a no-op elsewhere). */
  readonly beforeSpawn: () => void;
}

/** A Node backend, as the host kit needs it. `Shared` is what every thread attaches with (structured-cloned to workers). */
export interface NodeHost<Shared, B extends HostedBackend = HostedBackend> {
  /** The backend's supervisor entry, a module that calls {@link runSupervisor} (`new URL('./supervisor.js', import.meta.url)`). */
  readonly supervisorEntry: URL;
  /** The backend's worker entry, a module that calls {@link runWorker}. */
  readonly workerEntry: URL;
  /** Creates the process's heap, capped at `capBytes` (main thread, once), and returns what threads attach with. */
  createHeap(capBytes: number): Shared;
  /** This thread's backend over the process's heap (the main thread's first: it may format the heap). */
  attach(shared: Shared, thread: HostThread): B;
}

/** What the supervisor and each worker get in `workerData`. */
interface ThreadData<Shared> {
  readonly shared: Shared;
  /** A worker's slot block (see the api's host/warm-workers.ts); absent for the supervisor. */
  readonly slot: number;
  /** A dedicated worker's encoded task (host/dedicated-workers.ts): it runs that one thread, whose record its slot names. */
  readonly dedicated?: number;
}

const noop = (): void => {};

/**
 * The backend package's entry on the main thread: unless a backend is installed already (the
 * package imported again, or inside one of its own threads), creates the heap — its cap from
 * `THREADKIT_HEAP_MB`, whose RangeError for a bad value surfaces here, at import — attaches and
 * installs the main thread's backend, asks for one warm worker and starts the supervisor. The
 * supervisor is unref'd: it never keeps the process alive.
 */
export function startMain<Shared>(host: NodeHost<Shared>): void {
  if (hasBackend()) return;
  const shared = host.createHeap(heapCapBytes());
  let supervisor: Worker | undefined;
  const startSupervisor = (): void => {
    if (supervisor !== undefined) return;
    supervisor = new Worker(host.supervisorEntry, { workerData: { shared }, execArgv: workerExecArgv() });
    supervisor.unref();
  };
  startMainThread(host.attach(shared, { isMain: true, nativeId: process.pid, beforeSpawn: startSupervisor }));
  enableDedicatedWorkers();
  dumpOnSignalFromEnv(process.env.THREADKIT_DUMP_ON_SIGNAL);
  installDumpRequestHook();
  startSupervisor();
}

/**
 * The supervisor's entry: attaches and installs this worker's backend, then starts warm workers
 * as the spawn queue asks for them and watches them. A worker that exits or crashes has its
 * thread finished (as crashed) so no joiner hangs, even while the main thread is blocked. It also
 * runs the executors' hard-stop watch: it terminates the worker of a task past its `killAfter`.
 */
export async function runSupervisor<Shared>(host: NodeHost<Shared>): Promise<never> {
  const { shared } = workerData as ThreadData<Shared>;
  const backend = host.attach(shared, { isMain: false, nativeId: threadId, beforeSpawn: noop });
  installBackend(backend);
  // The supervisor's own loop must stay alive (its parent unrefs it, so this holds nothing else open).
  setInterval(noop, 2 ** 30);
  void watchDumpSignal(backend);
  void watchDumpRequests(backend);
  // The workers by slot block, so that a hard stop (futures/hard-stop.ts) can terminate the one running a thread.
  const workers = new Map<number, Worker>();
  void watchHardStops(workers, (_slot, worker) => void worker.terminate());
  const startWorker = (slot: number, dedicated?: DedicatedRequest): void => {
    const worker = new Worker(host.workerEntry, {
      workerData: { shared, slot, dedicated: dedicated?.task },
      execArgv: workerExecArgv(),
      ...(dedicated === undefined ? {} : { resourceLimits: dedicated.resourceLimits }),
    });
    workers.set(slot, worker);
    worker.unref();
    worker.on('error', (error: Error & { code?: string }) => {
      // A worker over its resourceLimits: its thread's crash hook tells its task (the pool's onWorkerDeath).
      if (dedicated !== undefined && error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return;
      backend.writeStderr(`threadkit: a worker failed: ${error?.stack ?? error}\n`);
    });
    worker.on('exit', () => {
      workers.delete(slot);
      workerLost(slot);
      backend.free(slot);
    });
  };
  // A thread with runtime limits gets a worker of its own: its slot names it from the start (booted, so its death asks for no warm worker).
  void superviseDedicatedWorkers((request) => {
    const slot = backend.alloc(SLOT_BYTES);
    Atomics.store(backend.heap.i32, slot >> 2, request.record);
    Atomics.store(backend.heap.i32, (slot + 4) >> 2, 1);
    startWorker(slot, request);
  });
  return superviseWorkers((slot) => startWorker(slot));
}

/**
 * A warm worker's entry: its standard streams write straight to the process's, it attaches and
 * installs its backend, then runs threads one after another. If it dies mid-thread
 * (`process.exit()` in the thread), its exit handler finishes that thread's record first.
 */
export async function runWorker<Shared>(host: NodeHost<Shared>): Promise<never> {
  const { shared, slot, dedicated } = workerData as ThreadData<Shared>;
  writeStdioDirectly();
  installBackend(host.attach(shared, { isMain: false, nativeId: threadId, beforeSpawn: noop }));
  enableDedicatedWorkers();
  process.on('exit', () => finishThreadSlot(slot, true));
  if (dedicated === undefined) return runWorkerLoop(slot);
  // A dedicated worker (host/dedicated-workers.ts): its one thread, then it ends.
  const b = installedBackend();
  await runThreadTask(Atomics.load(b.heap.i32, slot >> 2), dedicated, b.nativeId);
  finishThreadSlot(slot, false);
  process.exit(0);
}
