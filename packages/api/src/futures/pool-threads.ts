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
import { Pool, poolRefs, recordCellOf } from './pool-block';

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
export function takeRecord(pool: number, index: number): number {
  lockQueue(pool);
  const record = loadField(recordCellOf(pool, index));
  if (record !== 0) recordRefs.retain(record);
  unlockQueue(pool);
  return record;
}

/** How many of the pool's threads are alive. */
export function poolThreadsAlive(pool: number): number {
  let count = 0;
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const record = takeRecord(pool, index);
    if (record === 0) continue;
    if (loadField(record, Field.state) !== State.FINISHED) count++;
    recordRefs.release(record);
  }
  return count;
}

/**
 * The waits that join the pool's threads, replacements included: each `[cell, value]` yielded
 * is a thread's state cell and the state it was seen in, to wait on until it changes.
 */
function* threadEnds(pool: number): Generator<[number, number], void, undefined> {
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    for (let record = takeRecord(pool, index), next; record !== 0; record = next) {
      for (let s = loadField(record, Field.state); s !== State.FINISHED; s = loadField(record, Field.state)) yield [record + Field.state, s];
      next = takeRecord(pool, index);
      recordRefs.release(record);
      if (next === record) {
        recordRefs.release(next);
        break;
      }
    }
  }
}

/** Waits (blocking) until every thread of the pool has ended, replacements included. */
export function joinPoolThreads(pool: number): void {
  for (const [cell, seen] of threadEnds(pool)) waitWord(cell, seen, Infinity);
}

/** {@link joinPoolThreads} without blocking the event loop. */
export async function joinPoolThreadsAsync(pool: number): Promise<void> {
  for (const [cell, seen] of threadEnds(pool)) await waitWordAsync(cell, seen, Infinity);
}
