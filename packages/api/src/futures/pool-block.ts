/**
 * A thread pool's block in the shared heap, which the owner and every pool thread see: the work
 * queue — a block queue (queue/block-queue.ts) of future blocks linked through their `next` cell,
 * so a submit allocates nothing but its future — CPython's idle semaphore, the flags, and what
 * the pool owns. The last reference frees the block and its interned task specs.
 */
import { beginWait, endWait, WaitKind, type WaitToken } from '../diagnostics/wait-state';
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { addField, casField, loadField, storeField, subField } from '../fields';
import { allocCounted, countedAt } from '../sync/counted-cell';
import { ALL } from '../parking/lot';
import { BLOCK_QUEUE_BYTES, append, first, insert, last, lockQueue, queued, shift, shiftAll, unlockQueue, waitNonEmptyAsync, wakeWaiters } from '../queue/block-queue';
import { WORK_DEQUE_BYTES, takeAllFromDeque, takeEnd } from './work-deque';
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
  /** Futures in the pool threads' own deques (fork-join.ts), all together: 0 lets a pop skip them. */
  forked: BLOCK_QUEUE_BYTES + 48,
  /** Pool threads waiting on a future while they help (fork-join.ts): pushes ring their doorbells. */
  helpers: BLOCK_QUEUE_BYTES + 52,
  /** Thread indexes handed out so far (any thread holding the executor may start one, up to `maxWorkers`). */
  started: BLOCK_QUEUE_BYTES + 56,
  /** Codec value of what starts a pool thread (name prefix, initializer, initargs, limits): an executor received by another thread reads it. */
  config: BLOCK_QUEUE_BYTES + 60,
  /** One {@link Entry} per pool thread index. */
  slots: BLOCK_QUEUE_BYTES + 64,
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

/** Byte offsets inside a pool thread index's entry. */
export const Entry = {
  /** The future its thread runs (0: none): the innermost, when it runs one while it waits (fork-join.ts). */
  running: 0,
  /** The record of the thread now serving the index (0 before it starts; a reference held; replaced under the queue's lock when a killed thread is replaced: pool-threads.ts). */
  record: 4,
  /** Its thread's own work deque (work-deque.ts). */
  deque: 8,
  /** Its doorbell while it waits and helps (fork-join.ts): watched futures and pushes bump and wake it. */
  wake: 8 + WORK_DEQUE_BYTES,
  /** How many waits its thread is helping in (nested), 0 when none. */
  helping: 12 + WORK_DEQUE_BYTES,
} as const;

/** Bytes of a thread entry. */
const ENTRY_BYTES = 16 + WORK_DEQUE_BYTES;

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
  return slotOf(pool, index) + Entry.record;
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
  freeValue(loadField(pool, Pool.config));
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const record = loadField(recordCellOf(pool, index));
    if (record !== 0) recordRefs.release(record);
  }
});

/** Records the stored task spec `value` so it is freed with the pool; returns `value`. Any thread holding the executor may. */
export function internSpec(pool: number, value: number): number {
  const node = backend().alloc(8);
  storeField(node, SpecNode.value, value);
  lockQueue(pool);
  storeField(node, SpecNode.next, loadField(pool, Pool.specs));
  storeField(pool, Pool.specs, node);
  unlockQueue(pool);
  return value;
}

/** Address of pool thread `index`'s entry (its first cell: the future it runs). */
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
  if (flags === 0) {
    wakeWaiters(pool, 1);
    ringHelpers(pool);
  }
  return flags;
}

/** After a push: the pool threads waiting while they help (fork-join.ts) look again. */
export function ringHelpers(pool: number): void {
  if (loadField(pool, Pool.helpers) === 0) return;
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const entry = slotOf(pool, index);
    if (loadField(entry, Entry.helping) === 0) continue;
    addField(entry, Entry.wake, 1);
    wakeWord(entry + Entry.wake, 1);
  }
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

/** Pool thread `index`'s own deque (work-deque.ts). */
export function dequeOf(pool: number, index: number): number {
  return slotOf(pool, index) + Entry.deque;
}

/** The newest future in pool thread `index`'s deque, else the oldest of another's (each if `accept`s), or 0. */
export function takeForked(pool: number, index: number, accept?: (future: number) => boolean): number {
  if (loadField(pool, Pool.forked) === 0) return 0;
  const n = loadField(pool, Pool.maxWorkers);
  let item = takeEnd(dequeOf(pool, index), true, accept);
  for (let i = 1; item === 0 && i < n; i++) item = takeEnd(dequeOf(pool, (index + i) % n), false, accept);
  if (item !== 0) subField(pool, Pool.forked, 1);
  return item;
}

/** Sets `flag`, wakes every idle thread, and with `drain` takes every queued future. */
export function flagAndDrain(pool: number, flag: number, drain: boolean): number[] {
  lockQueue(pool);
  storeField(pool, Pool.flags, loadField(pool, Pool.flags) | flag);
  const items = drain ? shiftAll(pool, F.next) : [];
  unlockQueue(pool);
  for (let index = 0; drain && index < loadField(pool, Pool.maxWorkers); index++) {
    const taken = takeAllFromDeque(dequeOf(pool, index));
    subField(pool, Pool.forked, taken.length);
    items.push(...taken);
  }
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
