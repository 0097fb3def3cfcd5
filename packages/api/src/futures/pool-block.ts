/**
 * A thread pool's block in the shared heap, which the owner and every pool thread see: the work
 * queue — a block queue (queue/block-queue.ts) of future blocks linked through their `next` cell,
 * so a submit allocates nothing but its future — CPython's idle semaphore, the flags, and what
 * the pool owns. The last reference frees the block and its interned task specs.
 */
import { beginWait, endWait, WaitKind, type WaitToken } from '../diagnostics/wait-state';
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { addField, casField, loadField, storeField } from '../fields';
import { allocCounted, countedAt } from '../sync/counted-cell';
import { ALL } from '../parking/lot';
import { BLOCK_QUEUE_BYTES, append, insert, last, lockQueue, queued, shift, shiftAll, unlockQueue, waitNonEmptyAsync, wakeWaiters } from '../queue/block-queue';
import { priorityOf } from './task-control';
import { wakeWord } from '../parking/word';
import { F } from './future-core';
import { S, allocStats } from './executor-stats';
import { recordRefs } from '../threading/thread-record';

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
  /** The pool's stats block (executor-stats.ts), freed with the pool. */
  stats: BLOCK_QUEUE_BYTES + 16,
  /** `maxQueue` (backpressure.ts): the most futures the queue holds; 0 = no bound. */
  maxQueue: BLOCK_QUEUE_BYTES + 20,
  /** Bumped (and woken) when a pop makes room while submitters wait for it. */
  room: BLOCK_QUEUE_BYTES + 24,
  /** Submitters waiting for room. */
  roomWaiters: BLOCK_QUEUE_BYTES + 28,
  /** How many thread entries follow. */
  maxWorkers: BLOCK_QUEUE_BYTES + 32,
  /** `killAfter` in ms (hard-stop.ts); -1 = never. */
  killAfter: BLOCK_QUEUE_BYTES + 36,
  /** `maxTasksPerChild`: tasks a pool thread runs before it hands its index to a new thread; 0 = no limit. */
  maxTasks: BLOCK_QUEUE_BYTES + 40,
  /** `onWorkerDeath`: {@link ON_DEATH_BREAK} or {@link ON_DEATH_REPLACE}. */
  onDeath: BLOCK_QUEUE_BYTES + 44,
  /**
   * One entry per pool thread index ({@link ENTRY_BYTES}): the future it is running (0: none),
   * and the record of the thread now serving that index (0 before it starts; a reference held;
   * replaced under the queue's lock when a killed thread is replaced: pool-threads.ts).
   */
  slots: BLOCK_QUEUE_BYTES + 48,
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

/** Bytes of a thread entry: the running future, the thread's record. */
const ENTRY_BYTES = 8;

/** `onWorkerDeath: 'break'`: a pool thread whose runtime dies breaks the pool (Python's). */
export const ON_DEATH_BREAK = 0;
/** `onWorkerDeath: 'replace'`: its task fails alone and a new thread takes its place. */
export const ON_DEATH_REPLACE = 1;

/** A pool's settings, as its block keeps them. */
export interface PoolSettings {
  readonly maxWorkers: number;
  /** 0: no bound. */
  readonly maxQueue: number;
  /** ms; -1: never. */
  readonly killAfter: number;
  /** 0: no limit. */
  readonly maxTasks: number;
  readonly onDeath: number;
}

/** Allocates a pool block with `settings`, holding the owner's reference. */
export function allocPool(settings: PoolSettings): number {
  const stats = allocStats();
  const pool = allocCounted(Pool.slots + ENTRY_BYTES * settings.maxWorkers, Pool.refs);
  storeField(pool, Pool.stats, stats);
  storeField(pool, Pool.maxQueue, settings.maxQueue);
  storeField(pool, Pool.maxWorkers, settings.maxWorkers);
  storeField(pool, Pool.killAfter, settings.killAfter);
  storeField(pool, Pool.maxTasks, settings.maxTasks);
  storeField(pool, Pool.onDeath, settings.onDeath);
  return pool;
}

/** The pool's `killAfter` in ms (Infinity: never). */
export function killAfterOf(pool: number): number {
  const ms = loadField(pool, Pool.killAfter);
  return ms < 0 ? Infinity : ms;
}

/** Address of the cell holding the record of the thread serving pool index `index`. */
export function recordCellOf(pool: number, index: number): number {
  return slotOf(pool, index) + 4;
}

/** What {@link pushWork} returns when the queue holds `maxQueue` futures. */
export const FULL = -1;

/** A future left the queue: if submitters wait for room, bumps `room` and wakes them. */
function madeRoom(pool: number): void {
  if (loadField(pool, Pool.roomWaiters) === 0) return;
  addField(pool, Pool.room, 1);
  wakeWord(pool + Pool.room);
}

/** The pool's stats block. */
export function statsOf(pool: number): number {
  return loadField(pool, Pool.stats);
}

/** Retain (a pool thread about to start) and release of a pool block; the last release frees it with its specs. */
export const poolRefs = countedAt(Pool.refs, (pool) => {
  for (let node = loadField(pool, Pool.specs), next; node !== 0; node = next) {
    next = loadField(node, SpecNode.next);
    freeValue(loadField(node, SpecNode.value));
    backend().free(node);
  }
  backend().free(loadField(pool, Pool.stats));
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const record = loadField(recordCellOf(pool, index));
    if (record !== 0) recordRefs.release(record);
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

/** Address of pool thread `index`'s slot: the cell of the future it runs. */
export function slotOf(pool: number, index: number): number {
  return pool + Pool.slots + ENTRY_BYTES * index;
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
  if (flags === 0) wakeWaiters(pool, 1);
  return flags;
}

/** Takes the first queued future, or 0 when the queue is empty. */
export function popWork(pool: number): number {
  if (queued(pool) === 0) return 0;
  lockQueue(pool);
  const item = shift(pool, F.next);
  unlockQueue(pool);
  if (item !== 0) madeRoom(pool);
  return item;
}

/** Sets `flag`, wakes every idle thread, and with `drain` takes every queued future. */
export function flagAndDrain(pool: number, flag: number, drain: boolean): number[] {
  lockQueue(pool);
  storeField(pool, Pool.flags, loadField(pool, Pool.flags) | flag);
  const items = drain ? shiftAll(pool, F.next) : [];
  unlockQueue(pool);
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
export async function waitForWork(pool: number): Promise<number> {
  addField(pool, Pool.idle, 1);
  const stats = statsOf(pool);
  addField(stats, S.idle, 1);
  let token: WaitToken | undefined;
  try {
    const closed = (): boolean => loadField(pool, Pool.flags) !== 0;
    let item: number;
    for (item = popWork(pool); item === 0; item = popWork(pool)) {
      // Shut down: a push may have come between that pop and the flag, and none can come after it.
      if (closed()) return popWork(pool);
      // An idle pool thread shows as waiting in the dump (and in a trace), though its wait is async.
      token ??= beginWait(WaitKind.executorIdle, pool, false);
      await waitNonEmptyAsync(pool, closed);
    }
    return item;
  } finally {
    if (token !== undefined) endWait(token);
    addField(stats, S.idle, -1);
  }
}
