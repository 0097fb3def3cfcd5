/**
 * A thread pool's block in the shared heap, which the owner and every pool thread see: the work
 * queue — a block queue (queue/block-queue.ts) of future blocks linked through their `next` cell,
 * so a submit allocates nothing but its future — CPython's idle semaphore, the flags, and what
 * the pool owns. The last reference frees the block and its interned task specs.
 */
import { beginWait, endWait, WaitKind } from '../diagnostics/wait-state';
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { addField, casField, loadField, storeField } from '../fields';
import { allocCounted, countedAt } from '../sync/counted-cell';
import { ALL } from '../parking/lot';
import { BLOCK_QUEUE_BYTES, append, insert, last, lockQueue, queued, shift, shiftAll, unlockQueue, waitNonEmptyAsync, wakeWaiters } from '../queue/block-queue';
import { priorityOf } from './task-control';
import { F } from './future-core';

/** Byte offsets inside a pool block. */
export const Pool = {
  /** The work queue (at 0: the pool's address is its queue's); its lock guards `flags` too. */
  queue: 0,
  /** CPython's `_idle_semaphore`: released by a thread that finds no work, taken by `submit`. */
  idle: BLOCK_QUEUE_BYTES,
  /** SHUTDOWN, or'ed with a BROKEN flag. */
  flags: BLOCK_QUEUE_BYTES + 4,
  /** The owner's reference and each started pool thread's. */
  refs: BLOCK_QUEUE_BYTES + 8,
  /** The interned task specs: a list of {@link SpecNode}. */
  specs: BLOCK_QUEUE_BYTES + 12,
  /** One cell per pool thread: the future it is running, or 0. */
  slots: BLOCK_QUEUE_BYTES + 16,
} as const;

/** A node of the interned task specs list: the next node, and the spec's codec value. */
const SpecNode = { next: 0, value: 4 } as const;

/** `flags`: no new work is accepted (CPython's `_shutdown`). */
export const SHUTDOWN = 1;
/** `flags`: an initializer failed (CPython's `_broken`). */
export const BROKEN_INITIALIZER = 2;
/** `flags`: a pool thread's runtime died while it ran or waited for work. */
export const BROKEN_THREAD_DIED = 4;
/** `flags`: any broken state. */
export const BROKEN = BROKEN_INITIALIZER | BROKEN_THREAD_DIED;

/** Allocates a pool block for `maxWorkers` threads, holding the owner's reference. */
export function allocPool(maxWorkers: number): number {
  return allocCounted(Pool.slots + 4 * maxWorkers, Pool.refs);
}

/** Retain (a pool thread about to start) and release of a pool block; the last release frees it with its specs. */
export const poolRefs = countedAt(Pool.refs, (pool) => {
  for (let node = loadField(pool, Pool.specs), next; node !== 0; node = next) {
    next = loadField(node, SpecNode.next);
    freeValue(loadField(node, SpecNode.value));
    backend().free(node);
  }
});

/** Records the stored task spec `value` so it is freed with the pool; returns `value`. Only the owner's thread calls it. */
export function internSpec(pool: number, value: number): number {
  const node = backend().alloc(8);
  storeField(node, SpecNode.value, value);
  storeField(node, SpecNode.next, loadField(pool, Pool.specs));
  storeField(pool, Pool.specs, node);
  return value;
}

/** Address of pool thread `index`'s slot. */
export function slotOf(pool: number, index: number): number {
  return pool + Pool.slots + 4 * index;
}

/**
 * Queues `future` unless the pool is shut down or broken, behind every queued future of its
 * priority or lower (task-control.ts); returns the flags that refused it, or 0.
 */
export function pushWork(pool: number, future: number, priority: number): number {
  lockQueue(pool);
  const flags = loadField(pool, Pool.flags);
  if (flags === 0) {
    const tail = last(pool);
    if (tail === 0 || priorityOf(tail) <= priority) append(pool, future, F.next);
    else insert(pool, future, F.next, (queued) => priorityOf(queued) > priority);
  }
  unlockQueue(pool);
  if (flags === 0) wakeWaiters(pool, 1);
  return flags;
}

/** Takes the first queued future, or 0 when the queue is empty. */
export function popWork(pool: number): number {
  if (queued(pool) === 0) return 0;
  lockQueue(pool);
  const item = shift(pool, F.next);
  unlockQueue(pool);
  return item;
}

/** Sets `flag`, wakes every idle thread, and with `drain` takes every queued future. */
export function flagAndDrain(pool: number, flag: number, drain: boolean): number[] {
  lockQueue(pool);
  storeField(pool, Pool.flags, loadField(pool, Pool.flags) | flag);
  const items = drain ? shiftAll(pool, F.next) : [];
  unlockQueue(pool);
  wakeWaiters(pool, ALL);
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
export async function waitForWork(pool: number): Promise<number> {
  addField(pool, Pool.idle, 1);
  const closed = (): boolean => loadField(pool, Pool.flags) !== 0;
  let item = popWork(pool);
  if (item !== 0) return item;
  // An idle pool thread shows as waiting in the dump (and in a trace), though its wait is async.
  const token = beginWait(WaitKind.executorIdle, pool, false);
  try {
    for (; item === 0; item = popWork(pool)) {
      // Shut down: a push may have come between that pop and the flag, and none can come after it.
      if (closed()) return popWork(pool);
      await waitNonEmptyAsync(pool, closed);
    }
  } finally {
    endWait(token);
  }
  return item;
}
