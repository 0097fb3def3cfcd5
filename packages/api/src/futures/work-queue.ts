/**
 * A thread pool's work queue and idle accounting (CPython's `_work_queue` and `_idle_semaphore`),
 * in its pool block (pool-block.ts): a block queue (queue/block-queue.ts) of future blocks linked
 * through their `next` cell, so a submit allocates nothing but its future. A pool thread takes
 * the next future, or counts itself idle and waits for one; `submit` takes an idle permit before
 * it starts a thread; shutdown sets the flag that ends the wait.
 */
import { beginWait, endWait, WaitKind, type WaitToken } from '../diagnostics/wait-state';
import { addField, casField, loadField, storeField } from '../fields';
import { ALL } from '../parking/lot';
import { wakeWord } from '../parking/word';
import { append, first, insert, last, lockQueue, queued, shift, shiftAll, unlockQueue, waitNonEmptyAsync, wakeForPush, wakeWaiters } from '../queue/block-queue';
import { F } from './future-core';
import { S } from './executor-stats';
import { priorityOf } from './task-control';
import { drainForks, ringHelpers, takeForked } from './fork-join';
import { Pool, statsOf } from './pool-block';

/** What {@link pushWork} returns when the queue holds `maxQueue` futures. */
export const FULL = -1;

/** A future left the queue: if submitters wait for room, bumps `room` and wakes them. */
function madeRoom(pool: number): void {
  if (loadField(pool, Pool.roomWaiters) === 0) return;
  addField(pool, Pool.room, 1);
  wakeWord(pool + Pool.room);
}

/**
 * Queues `future` unless the pool is shut down or broken, behind every queued future of its
 * priority or lower (task-control.ts); returns the flags that refused it, {@link FULL} when the
 * queue holds `maxQueue` futures, or 0.
 */
export function pushWork(pool: number, future: number, priority: number): number {
  lockQueue(pool);
  const flags = loadField(pool, Pool.flags);
  const max = loadField(pool, Pool.maxQueue);
  if (flags === 0 && max !== 0 && queued(pool) >= max) {
    unlockQueue(pool);
    return FULL;
  }
  if (flags === 0) {
    const tail = last(pool);
    if (tail === 0 || priorityOf(tail) <= priority) append(pool, future, F.next);
    else insert(pool, future, F.next, (queued) => priorityOf(queued) > priority);
  }
  unlockQueue(pool);
  if (flags === 0) {
    wakeForPush(pool);
    ringHelpers(pool);
  }
  return flags;
}

/** Takes the first queued future if `accept(future)` (under the queue's lock), or 0 when the queue is empty or it refused; the taken future's link is cleared. */
export function popWork(pool: number, accept?: (future: number) => boolean): number {
  if (queued(pool) === 0) return 0;
  lockQueue(pool);
  const head = first(pool);
  const item = head !== 0 && (accept === undefined || accept(head)) ? shift(pool, F.next) : 0;
  unlockQueue(pool);
  if (item === 0) return 0;
  storeField(item, F.next, 0);
  madeRoom(pool);
  return item;
}

/**
 * The next future for pool thread `index` (CPython's work queue, plus fork/join): the newest
 * in its own deque, else the oldest stolen from another thread's, else the first queued.
 */
export function takeWork(pool: number, index: number): number {
  return takeForked(pool, index) || popWork(pool);
}

/** Sets `flag`, wakes every idle thread, and with `drain` takes every queued future. */
export function flagAndDrain(pool: number, flag: number, drain: boolean): number[] {
  lockQueue(pool);
  storeField(pool, Pool.flags, loadField(pool, Pool.flags) | flag);
  const items = drain ? shiftAll(pool, F.next) : [];
  unlockQueue(pool);
  if (drain) items.push(...drainForks(pool));
  wakeWaiters(pool, ALL);
  // Submitters waiting for room see the flag.
  addField(pool, Pool.room, 1);
  wakeWord(pool + Pool.room);
  return items;
}

/** Takes one idle-thread permit if there is one (CPython's `_idle_semaphore.acquire(timeout=0)`). */
export function takeIdle(pool: number): boolean {
  for (let idle = loadField(pool, Pool.idle); idle > 0; idle = loadField(pool, Pool.idle)) {
    if (casField(pool, Pool.idle, idle, idle - 1) === idle) return true;
  }
  return false;
}

/**
 * For a pool thread that found the queue empty: releases an idle permit (as CPython's worker
 * does), then waits for work without blocking its event loop. Returns the next future, or 0 once
 * the pool is shut down (or broken) and the queue is empty.
 */
export async function waitForWork(pool: number, index: number): Promise<number> {
  addField(pool, Pool.idle, 1);
  const stats = statsOf(pool);
  addField(stats, S.idle, 1);
  let token: WaitToken | undefined;
  try {
    const closed = (): boolean => loadField(pool, Pool.flags) !== 0;
    // Woken by a push to the queue, a fork pushed to a deque, or the shutdown flag.
    const ready = (): boolean => closed() || loadField(pool, Pool.forked) !== 0;
    let item: number;
    for (item = takeWork(pool, index); item === 0; item = takeWork(pool, index)) {
      // Shut down: a push may have come between that pop and the flag, and none can come after it
      // (a fork pushed by a task still running stays in its own thread's deque, which takes it).
      if (closed()) return takeWork(pool, index);
      // An idle pool thread shows as waiting in the dump (and in a trace), though its wait is async.
      token ??= beginWait(WaitKind.executorIdle, pool, false);
      await waitNonEmptyAsync(pool, ready);
    }
    return item;
  } finally {
    if (token !== undefined) endWait(token);
    addField(stats, S.idle, -1);
  }
}
