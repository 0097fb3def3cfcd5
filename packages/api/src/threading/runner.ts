/**
 * The api side of a backend's worker: runs one thread's task in this isolate. A backend's
 * worker loop calls {@link runThreadTask} for each thread it is handed; whatever the task does,
 * the record ends FINISHED and its joiners wake.
 */

import { reviveHandle } from '../handle';
import { ROOT, Root } from '../roots';
import { waitWordAsync } from '../parking/word';
import { freeValue, loadValue } from '../codec';
import { reportThreadException } from './excepthook';
import { appendOrigin } from './call-site';
import { setCurrentThread } from './current';
import { resolveTask, settlePreloads } from './task';
import { endRunningView, MainThread, THREAD, Thread, threadView, type ThreadTask } from './thread';
import { deadlockModeFromEnv } from '../diagnostics/deadlock-watch';
import { setDumpStacks } from '../diagnostics/wait-state';
import { flushTrace, traceFromEnv, traceNow, traceSpan, tracing } from '../diagnostics/trace';
import { createRecord, Field, finishRecord, recordRefs, registerStarted } from './thread-record';
import { exchangeField, loadField, storeField } from '../fields';
import { freeSpareBlocks } from '../spare-blocks';

/**
 * Runs the thread whose record is `record` with the encoded task at `taskAddress` (freed here),
 * on this isolate, and finishes the record (waking its joiners). `nativeId` is the runtime's id
 * for this OS thread; `beforeFinish` runs just before the record is finished (a warm worker says
 * it is coming back for more). The worker then hands the record back with {@link finishThreadSlot}.
 */
export async function runThreadTask(record: number, taskAddress: number, nativeId: number, beforeFinish?: () => void): Promise<void> {
  const ident = loadField(record, Field.ident);
  storeField(record, Field.nativeId, nativeId);
  // Current from the start, so module code imported to resolve the task sees its thread.
  const first: Thread = threadView(Thread.prototype, record);
  let thread = first;
  setCurrentThread(thread, ident);
  let task: ThreadTask | undefined;
  const traced = tracing() ? traceNow() : 0;
  try {
    task = loadValue(taskAddress) as ThreadTask;
    freeValue(taskAddress);
    if (task.subclass) {
      const cls = (await resolveTask(task.spec!)) as unknown as { prototype: object };
      thread = threadView(cls.prototype, record, task.fields);
      setCurrentThread(thread, ident);
    } else {
      const internal = thread[THREAD];
      internal.args = task.args;
      if (task.spec !== undefined) internal.target = await resolveTask(task.spec);
    }
    await settlePreloads();
    await thread.run();
  } catch (error) {
    appendOrigin(error, 'started at', task?.origin);
    await reportThreadException(error, thread);
  } finally {
    if (traced !== 0) {
      traceSpan(thread.name, 'thread', traced, { ident });
      flushTrace();
    }
    setCurrentThread(undefined, 0);
    endRunningView(thread);
    if (first !== thread) endRunningView(first);
    // The blocks this thread kept for reuse go back before the thread is seen to end.
    freeSpareBlocks();
    beforeFinish?.();
    finishRecord(record, false);
  }
}

/**
 * Ends a worker's turn with the thread in its slot (the cell at `slot`, where `SpawnQueue.take`
 * or the backend put the record): takes the record out of the slot, finishes it if it is not
 * finished yet — `crashed` when the worker died (its exit handler, or whoever watches it) — and
 * drops the running thread's reference. The exchange makes exactly one caller do it, so a worker
 * that dies at any point while it holds a record leaves no joiner waiting and frees nothing twice.
 */
export function finishThreadSlot(slot: number, crashed: boolean): void {
  const record = exchangeField(slot, 0, 0);
  if (record === 0) return;
  finishRecord(record, crashed);
  recordRefs.release(record);
}

/**
 * Registers the process's main thread (ident 1, name `MainThread`) and makes it current here.
 * Called once by a backend's entry on the main thread, before any other thread exists.
 */
export function initMainThread(nativeId: number): void {
  const record = createRecord('MainThread', false);
  storeField(ROOT, Root.mainThreadRecord, record);
  const ident = registerStarted(record, nativeId);
  setCurrentThread(threadView(MainThread.prototype, record), ident);
  diagnosticsFromEnv();
  holdProcessForThreads();
}

/** `THREADKIT_DEADLOCK` (warn|raise|off), `THREADKIT_STACKS` (1: record stacks at waits) and `THREADKIT_TRACE` (a path), read once at start. */
function diagnosticsFromEnv(): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env === undefined) return;
  deadlockModeFromEnv(env.THREADKIT_DEADLOCK);
  traceFromEnv(env.THREADKIT_TRACE);
  const stacks = env.THREADKIT_STACKS;
  if (stacks !== undefined && stacks !== '' && stacks !== '0') setDumpStacks(true);
}

/**
 * Python joins every non-daemon thread when the main thread ends. Node ends the process when
 * the main event loop is empty, so at that point (`beforeExit`) wait, without blocking, until
 * the count of live non-daemon threads changes; the loop then empties again and re-checks.
 */
function holdProcessForThreads(): void {
  const proc = (globalThis as { process?: { on?: (event: string, fn: () => void) => void } }).process;
  if (typeof proc?.on !== 'function') return;
  proc.on('beforeExit', () => {
    const alive = loadField(ROOT, Root.nonDaemonCount);
    if (alive > 0) void waitWordAsync(Root.nonDaemonCount, alive, Infinity, true);
  });
}

/** `threading.main_thread()`: the main thread's Thread object. */
export function mainThread(): Thread {
  const record = loadField(ROOT, Root.mainThreadRecord);
  return reviveHandle('Thread', record) as Thread;
}
