/**
 * The threads of a `ThreadPoolExecutor`, by index: starting one (by the owner, or by the crash
 * hook that replaces a thread killed by a hard stop, in whichever thread noticed the death), and
 * what the owner asks of them all — are they alive, wait for them to end. The pool block's entry
 * for each index names the record of the thread serving it now; the entry is read with a
 * reference taken under the queue's lock, so a replacement never frees a record under a joiner.
 */
import { HANDLE } from '../handle';
import { loadField, storeField } from '../fields';
import { waitWord, waitWordAsync } from '../parking/word';
import { builtinTask, type TaskSpec } from '../threading/task';
import { Thread } from '../threading/thread';
import { Field, State, recordRefs, setCrashHook, setResourceLimits } from '../threading/thread-record';
import type { ResourceLimits } from './recycling';
import { lockQueue, unlockQueue } from '../queue/block-queue';
import { F } from './future-core';
import { Pool, killAfterOf, poolRefs, recordCellOf, slotOf } from './pool-block';
import { signalGuarded } from './hard-stop';

/** The builtin task a pool thread runs: `(pool, index, initializer, initargs, limits)`. */
export const POOL_WORKER_TASK = 'threadkit.executor.worker';
/** The builtin task a pool thread's crash hook runs: `(pool, index, name, initializer, initargs, limits)`. */
export const POOL_THREAD_DIED_TASK = 'threadkit.executor.threadDied';

/**
 * Starts the pool thread for `index` (a daemon thread named `name`; under Node's `resourceLimits`
 * `limits` when not null), with its crash hook and its reference on the pool; the pool's entry for
 * `index` names it from now on.
 */
export function startPoolThread(pool: number, index: number, name: string, initializer: TaskSpec | null, initargs: unknown[], limits: ResourceLimits | null): Thread {
  const thread = new Thread({ target: builtinTask(POOL_WORKER_TASK), args: [pool, index, initializer, initargs, limits], name, daemon: true });
  const record = thread[HANDLE].address;
  if (limits !== null) setResourceLimits(record, limits);
  setCrashHook(record, builtinTask(POOL_THREAD_DIED_TASK), [pool, index, name, initializer, initargs, limits]);
  poolRefs.retain(pool);
  try {
    thread.start();
  } catch (error) {
    poolRefs.release(pool);
    throw error;
  }
  recordRefs.retain(record);
  const cell = recordCellOf(pool, index);
  lockQueue(pool);
  const old = loadField(cell);
  storeField(cell, 0, record);
  unlockQueue(pool);
  if (old !== 0) recordRefs.release(old);
  return thread;
}

/** The record serving `index`, with a reference for the caller (0: none). */
function takeRecord(pool: number, index: number): number {
  lockQueue(pool);
  const record = loadField(recordCellOf(pool, index));
  if (record !== 0) recordRefs.retain(record);
  unlockQueue(pool);
  return record;
}

function alive(record: number): boolean {
  const state = loadField(record, Field.state);
  return state !== State.FINISHED;
}

/** How many of the pool's threads are alive. */
export function poolThreadsAlive(pool: number): number {
  let count = 0;
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const record = takeRecord(pool, index);
    if (record === 0) continue;
    if (alive(record)) count++;
    recordRefs.release(record);
  }
  return count;
}

/** Waits (blocking) until every thread of the pool has ended, replacements included. */
export function joinPoolThreads(pool: number): void {
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    for (let record = takeRecord(pool, index), next; record !== 0; record = next) {
      for (let s = loadField(record, Field.state); s !== State.FINISHED; s = loadField(record, Field.state)) waitWord(record + Field.state, s, Infinity);
      next = takeRecord(pool, index);
      recordRefs.release(record);
      if (next === record) {
        recordRefs.release(next);
        break;
      }
    }
  }
}

/** {@link joinPoolThreads} without blocking the event loop. */
export async function joinPoolThreadsAsync(pool: number): Promise<void> {
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    for (let record = takeRecord(pool, index), next; record !== 0; record = next) {
      for (let s = loadField(record, Field.state); s !== State.FINISHED; s = loadField(record, Field.state)) await waitWordAsync(record + Field.state, s, Infinity);
      next = takeRecord(pool, index);
      recordRefs.release(record);
      if (next === record) {
        recordRefs.release(next);
        break;
      }
    }
  }
}

/** In the submitter: the signal of the running future at `future` aborted; its hard stop, if the pool has one, is set. */
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
