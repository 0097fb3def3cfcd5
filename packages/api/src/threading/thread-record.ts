/**
 * A thread's record: the block in the shared heap that every thread sees for it. Joiners park
 * on its state cell; the table of live threads (for `enumerate`/`activeCount`) links records.
 *
 * Layout (byte offsets, 4-byte cells):
 *   0  state      NEW 0 → STARTED 1 → FINISHING 3 → FINISHED 2 (joiners park on this cell)
 *   4  ident      assigned at start(); main thread = 1
 *   8  daemon     0 / 1
 *  12  name       address of the codec-stored name string
 *  16  nativeId   the runtime's id for the OS thread that runs it
 *  20  next       next record in the live-thread table (0 = end)
 *  24  crashed    1 when the runtime running it died before it returned
 *  28  task       address of the encoded task, until the runner takes it
 *  32  onCrash    address of an encoded { spec, args } run by whoever finishes a crashed record
 *  36  nameLock   core lock held while the name field is swapped or its string decoded, so a
 *                 reader never decodes a block that a rename has freed
 *  40  refs       references: each view that still reads the record (its creator's `Thread`,
 *                 views revived in other threads, stored values naming it) and, from `start()`
 *                 until it is finished, the running thread. The last release frees the record
 *                 with its name and crash-hook blocks (see {@link destroyRecord}).
 *  44  waitSeq    odd while the thread is blocked in a wait, bumped as each wait begins and ends
 *  48  waitKind   what it waits in (diagnostics/wait-state.ts: WaitKind), written before waitSeq
 *  52  waitObject address of the object it waits on (a lock's block, a thread's record, …)
 *  56  waitStack  address of the codec-stored JS stack where it blocked (0 = none; swapped and
 *                 decoded under nameLock, like the name)
 *  60  waitFlags  1 = the wait has a timeout
 *  64  waitSince  f64: `Date.now()` when the wait began
 *  72  stopLock   core lock over the four stop fields (futures/hard-stop.ts: an executor task's
 *                 hard stop, `killAfter`): stopState, stopId (the guarded future's id), stopReason
 *  76  stopState  0 none, 1 a guarded task runs, 2 its thread is being killed
 *  80  stopId
 *  84  stopReason
 *  88  stopAt     f64: when the guarded task is killed (`sharedNow()` time; Infinity = not yet)
 *  96  limits     address of the codec-stored Node `resourceLimits` it must run under (0: none):
 *                 such a thread runs on a dedicated worker (host/dedicated-workers.ts)
 * The wait fields are written only by the thread itself, on its way into and out of a wait that
 * blocks (never on a fast path); others read them for `dumpThreads` and deadlock detection.
 */
import { backend } from '../runtime';
import { ROOT, Root } from '../roots';
import { loadValue, storeValue, freeValue } from '../codec';
import { resolveTaskSync, type TaskSpec } from './task';
import { countedAt } from '../sync/counted-cell';
import { wakeWord } from '../parking/word';
import { addField, casField, loadField, storeField, subField } from '../fields';

/** Size of a thread record in bytes. */
export const RECORD_BYTES = 104;

/** Record states. */
export const State = { NEW: 0, STARTED: 1, FINISHED: 2, FINISHING: 3 } as const;

/** Field offsets inside a record. */
export const Field = {
  state: 0,
  ident: 4,
  daemon: 8,
  name: 12,
  nativeId: 16,
  next: 20,
  crashed: 24,
  task: 28,
  onCrash: 32,
  nameLock: 36,
  refs: 40,
  waitSeq: 44,
  waitKind: 48,
  waitObject: 52,
  waitStack: 56,
  waitFlags: 60,
  waitSince: 64,
  stopLock: 72,
  stopState: 76,
  stopId: 80,
  stopReason: 84,
  stopAt: 88,
  limits: 96,
} as const;

/** Allocates a NEW record with the given name and daemon flag, holding one reference (its creator's view). */
export function createRecord(name: string, daemon: boolean): number {
  const nameBlock = storeValue(name);
  let record: number;
  try {
    record = backend().alloc(RECORD_BYTES);
  } catch (error) {
    freeValue(nameBlock);
    throw error;
  }
  storeField(record, Field.name, nameBlock);
  storeField(record, Field.daemon, daemon ? 1 : 0);
  storeField(record, Field.refs, 1);
  return record;
}

/** Frees what a record owns (its name and crash-hook blocks); the record itself is freed by the caller. */
function destroyRecord(record: number): void {
  freeValue(loadField(record, Field.name));
  const stack = loadField(record, Field.waitStack);
  if (stack !== 0) freeValue(stack);
  const onCrash = loadField(record, Field.onCrash);
  if (onCrash !== 0) freeValue(onCrash);
  const limits = loadField(record, Field.limits);
  if (limits !== 0) freeValue(limits);
}

/** Makes the NEW thread of `record` run under Node's `resourceLimits` (on a dedicated worker). */
export function setResourceLimits(record: number, limits: object): void {
  storeField(record, Field.limits, storeValue(limits, 'resourceLimits'));
}

/** Retain/release of thread records; the last release frees the record and what it owns. */
export const recordRefs = countedAt(Field.refs, destroyRecord);

/** The record's current name. */
export function recordName(record: number): string {
  const b = backend();
  b.lockAcquire(record + Field.nameLock, Infinity);
  try {
    return loadValue(loadField(record, Field.name)) as string;
  } finally {
    b.lockRelease(record + Field.nameLock);
  }
}

/** Replaces the record's name; the old string block is freed once no reader can be decoding it. */
export function setRecordName(record: number, name: string): void {
  const fresh = storeValue(name);
  const b = backend();
  b.lockAcquire(record + Field.nameLock, Infinity);
  const old = loadField(record, Field.name);
  storeField(record, Field.name, fresh);
  b.lockRelease(record + Field.nameLock);
  freeValue(old);
}

/**
 * Registers what must happen if the thread's runtime dies mid-run (its worker exits or
 * crashes): `spec(...args)` runs synchronously in whichever thread notices the death (the
 * dying worker's exit handler or the backend's supervisor), so it never waits on any other
 * thread's event loop. The executor uses it to break its pool.
 */
export function setCrashHook(record: number, spec: TaskSpec, args: readonly unknown[]): void {
  storeField(record, Field.onCrash, storeValue({ spec, args }, 'crash hook'));
}

/**
 * Removes the crash hook (the thread got past what it guarded, e.g. a pool thread about to drop
 * its reference on the pool). Called by the running thread itself.
 */
export function clearCrashHook(record: number): void {
  const address = loadField(record, Field.onCrash);
  if (address === 0) return;
  storeField(record, Field.onCrash, 0);
  freeValue(address);
}

function runCrashHook(record: number): void {
  const address = loadField(record, Field.onCrash);
  if (address === 0) return;
  try {
    const { spec, args } = loadValue(address) as { spec: TaskSpec; args: unknown[] };
    resolveTaskSync(spec)(...args);
  } catch (error) {
    backend().writeStderr(`threadkit: crash hook of a dead thread failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
}

/** Hands out the next process-wide thread ident. */
export function nextIdent(): number {
  return addField(ROOT, Root.identCounter, 1) + 1;
}

function withTable<T>(body: (cells: Int32Array) => T): T {
  const b = backend();
  b.lockAcquire(Root.threadTableLock, Infinity);
  try {
    return body(b.heap.i32);
  } finally {
    b.lockRelease(Root.threadTableLock);
  }
}

/** Marks a record STARTED with a fresh ident and links it into the live-thread table. */
export function registerStarted(record: number, nativeId: number): number {
  const ident = nextIdent();
  storeField(record, Field.ident, ident);
  storeField(record, Field.nativeId, nativeId);
  withTable((cells) => {
    storeField(record, Field.next, loadField(ROOT, Root.threadTableHead));
    storeField(ROOT, Root.threadTableHead, record);
    addField(ROOT, Root.liveThreadCount, 1);
  });
  if (loadField(record, Field.daemon) === 0 && loadField(ROOT, Root.mainThreadRecord) !== record) {
    addField(ROOT, Root.nonDaemonCount, 1);
  }
  storeField(record, Field.state, State.STARTED);
  return ident;
}

/**
 * The records of all live threads, newest first, each with a reference taken for the caller
 * (under the table's lock, so none can be freed in between), which it must release.
 */
export function liveRecords(): number[] {
  return withTable((cells) => {
    const out: number[] = [];
    for (let r = loadField(ROOT, Root.threadTableHead); r !== 0; r = loadField(r, Field.next)) {
      addField(r, Field.refs, 1);
      out.push(r);
    }
    return out;
  });
}

/**
 * Ends a thread: unlinks its record, updates the counts, sets FINISHED and wakes every joiner.
 * Idempotent — the normal end and a crash report may both call it; only the first acts. The
 * running thread's reference (taken by `start()`) is dropped by `finishThreadSlot`.
 */
export function finishRecord(record: number, crashed: boolean): void {
  if (casField(record, Field.state, State.STARTED, State.FINISHING) !== State.STARTED) {
    return;
  }
  if (crashed) storeField(record, Field.crashed, 1);
  withTable(() => {
    let prev = 0;
    let r = loadField(ROOT, Root.threadTableHead);
    while (r !== 0 && r !== record) {
      prev = r;
      r = loadField(r, Field.next);
    }
    if (r === record) {
      const next = loadField(record, Field.next);
      if (prev === 0) storeField(ROOT, Root.threadTableHead, next);
      else storeField(prev, Field.next, next);
      subField(ROOT, Root.liveThreadCount, 1);
    }
  });
  if (crashed) runCrashHook(record);
  // FINISHED before the non-daemon count drops: a process that ends when the count reaches 0
  // must already see the thread as not alive.
  storeField(record, Field.state, State.FINISHED);
  wakeWord(record + Field.state);
  if (loadField(record, Field.daemon) === 0) {
    if (subField(ROOT, Root.nonDaemonCount, 1) === 1) wakeWord(Root.nonDaemonCount);
  }
}
