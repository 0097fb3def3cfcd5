/**
 * The hard stop of an executor task (beyond Python; the executor's `killAfter` option): a task
 * whose `timeout` passed or whose `signal` was aborted, and which has not ended `killAfter` ms
 * later, has its thread terminated; the pool replaces the thread (pool-worker.ts) and fails the
 * task's future with TimeoutError (deadline) or CancelledError (signal). The pool is not broken.
 *
 * The state lives in the running thread's record (thread-record.ts: the stop fields, under their
 * own core lock), so the three parties never read a block another may free:
 * - the pool thread guards a task with a control block when it starts ({@link guardTask}: stop
 *   time = deadline + killAfter) and unguards it when it ends ({@link unguardTask});
 * - the submitter, when its signal aborts a running task, brings the stop time forward to
 *   now + killAfter ({@link signalGuarded});
 * - a watch that runs where threads can be terminated (the Node host's supervisor, whose event
 *   loop is always free: {@link watchHardStops}) finds guarded tasks past their stop time, marks
 *   them KILLING and terminates their threads.
 * Under the lock, a task that ends while its thread is being killed sees KILLING and never
 * completes its future or takes another task, so a kill never hits the wrong task. The pool
 * thread takes that lock by spinning, never by parking, so a kill that lands while it waits for
 * it leaves no internal lock held.
 *
 * What a kill leaves behind: a user Lock (or RLock, Semaphore permit) the task held stays held,
 * as a lock held by a process that died — code a hard stop may hit should not hold locks across
 * its long-running part. The kill lands where the thread is: a task killed in the middle of a
 * threadkit call that holds an internal lock (while it allocates shared memory or moves a queue
 * item) leaves that lock held too, which stalls every thread that needs it. Hard stop is meant
 * for computation that ignores its signal; prefer cooperative checks of `taskSignal()`.
 */
import { backend } from '../runtime';
import { ROOT, Root } from '../roots';
import { addField, loadField, storeField } from '../fields';
import { waitWordAsync, wakeWord } from '../parking/word';
import { Field, liveRecords, recordRefs } from '../threading/thread-record';
import { sharedNow } from './executor-stats';
import { F } from './future-core';
import { Pool, killAfterOf, slotOf } from './pool-block';
import { takeRecord } from './pool-threads';

/** Checks the executor's `killAfter` option (ms, default 5000, Infinity: never); returns the pool's field value (-1: never). */
export function killAfterOption(killAfter: unknown = 5000): number {
  if (typeof killAfter !== 'number' || Number.isNaN(killAfter)) throw new TypeError('killAfter must be a number of milliseconds');
  if (killAfter < 0) throw new RangeError("'killAfter' must be a non-negative number");
  return killAfter > 0x7fffffff ? -1 : Math.ceil(killAfter);
}

/** `stopState` values. */
const NONE = 0;
const GUARDED = 1;
const KILLING = 2;

/** `stopReason` values: which stop time came first. */
export const STOP_TIMEOUT = 1;
export const STOP_SIGNAL = 2;

function stopAt(record: number): number {
  return backend().heap.f64[(record + Field.stopAt) >> 3]!;
}

function setStopAt(record: number, at: number): void {
  backend().heap.f64[(record + Field.stopAt) >> 3] = at;
}

function lockStop(record: number, timeoutMs: number): boolean {
  return backend().lockAcquire(record + Field.stopLock, timeoutMs);
}

/**
 * The stop lock for the pool thread itself, by spinning on try-acquires: a contended core lock
 * parks through the parking lot (which allocates and takes a bucket lock), and a kill landing
 * there would leave those held. The watch and a signaller hold it for a few instructions only.
 */
function spinLockStop(record: number): void {
  while (!lockStop(record, 0)) {
    /* the holder is about to let go */
  }
}

function unlockStop(record: number): void {
  backend().lockRelease(record + Field.stopLock);
}

function watchNext(): number {
  return backend().heap.f64[(ROOT + Root.hardStopNext) >> 3]!;
}

function setWatchNext(at: number): void {
  backend().heap.f64[(ROOT + Root.hardStopNext) >> 3] = at;
}

/** A stop time `at` was set: the watch looks again, if it would not wake by then anyway (or it is scanning). */
function ringBell(at: number): void {
  const next = watchNext();
  if (next !== 0 && at >= next) return;
  addField(ROOT, Root.hardStopBell, 1);
  wakeWord(Root.hardStopBell);
}

/**
 * In a pool thread (record `record`), as the task of future `id` starts: guards it, with a stop
 * time of `deadline + killAfter` (`sharedNow()` times; Infinity = only a signal can set one).
 */
export function guardTask(record: number, id: number, deadline: number, killAfter: number): void {
  const at = deadline + killAfter;
  spinLockStop(record);
  storeField(record, Field.stopId, id);
  storeField(record, Field.stopReason, STOP_TIMEOUT);
  setStopAt(record, at);
  storeField(record, Field.stopState, GUARDED);
  unlockStop(record);
  if (at !== Infinity) ringBell(at);
}

/** In the pool thread, as the guarded task ends: false when its thread is being killed (then it must not complete the future or go on). */
export function unguardTask(record: number): boolean {
  spinLockStop(record);
  const killing = loadField(record, Field.stopState) === KILLING;
  if (!killing) storeField(record, Field.stopState, NONE);
  unlockStop(record);
  return !killing;
}

/** In the submitter: the signal of the running future `id` on thread `record` aborted; its stop time becomes at most now + killAfter. */
export function signalGuarded(record: number, id: number, killAfter: number): void {
  // A record whose thread died holding the stop lock (killed at its start or end) needs no signal.
  if (!lockStop(record, 100)) return;
  let rang = Infinity;
  if (loadField(record, Field.stopState) === GUARDED && loadField(record, Field.stopId) === id) {
    const at = sharedNow() + killAfter;
    if (at < stopAt(record)) {
      setStopAt(record, at);
      storeField(record, Field.stopReason, STOP_SIGNAL);
      rang = at;
    }
  }
  unlockStop(record);
  if (rang !== Infinity) ringBell(rang);
}

/** In the submitter: the signal of the running future at `future` aborted; its hard stop, if `pool` has one, is set. */
export function signalRunning(pool: number, future: number): void {
  const killAfter = killAfterOf(pool);
  if (killAfter === Infinity) return;
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    if (loadField(slotOf(pool, index)) !== future) continue;
    const record = takeRecord(pool, index);
    if (record === 0) return;
    signalGuarded(record, loadField(future, F.id), killAfter);
    recordRefs.release(record);
    return;
  }
}

/** For the crash hook of a pool thread: the reason its task was killed (STOP_TIMEOUT, STOP_SIGNAL), or 0 when it was not killed. */
export function killReason(record: number): number {
  return loadField(record, Field.stopState) === KILLING ? loadField(record, Field.stopReason) : 0;
}

/** Marks the guarded task of `record` KILLING if its stop time has passed; else returns its stop time (Infinity: none). */
function claimKill(record: number, now: number): number {
  if (loadField(record, Field.stopState) !== GUARDED || stopAt(record) > now) return loadField(record, Field.stopState) === GUARDED ? stopAt(record) : Infinity;
  if (!lockStop(record, 0)) return now;
  const due = loadField(record, Field.stopState) === GUARDED && stopAt(record) <= now;
  if (due) storeField(record, Field.stopState, KILLING);
  unlockStop(record);
  return due ? -1 : Infinity;
}

/**
 * The watch, for a thread that can terminate others and whose event loop stays free (the host's
 * supervisor): forever, kills every guarded task past its stop time, then sleeps until the next
 * stop time or a new one is set. Never keeps the process alive. `workers` are the host's live
 * workers by slot block: the task's thread runs on the one whose slot holds its record, and
 * `terminate(slot, worker)` ends that worker.
 */
export async function watchHardStops<W>(workers: ReadonlyMap<number, W>, terminate: (slot: number, worker: W) => void): Promise<never> {
  const i32 = (): Int32Array => backend().heap.i32;
  const kill = (record: number): void => {
    for (const [slot, worker] of workers) if (Atomics.load(i32(), slot >> 2) === record) terminate(slot, worker);
  };
  for (;;) {
    const seen = loadField(ROOT, Root.hardStopBell);
    // Scanning: a stop time set meanwhile rings (the scan may have passed its record).
    setWatchNext(0);
    const now = sharedNow();
    let next = Infinity;
    for (const record of liveRecords()) {
      const at = claimKill(record, now);
      if (at === -1) kill(record);
      else next = Math.min(next, at);
      recordRefs.release(record);
    }
    // A lock held for the instant of a start or an end: look again soon.
    const wait = next === now ? 1 : next - sharedNow();
    setWatchNext(next === now ? now + 1 : next);
    await waitWordAsync(Root.hardStopBell, seen, Math.max(0, wait), false);
  }
}
