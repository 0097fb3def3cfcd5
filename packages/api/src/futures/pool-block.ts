/**
 * A thread pool's block in the shared heap, which the owner and every pool thread see: the work
 * queue — a block queue (queue/block-queue.ts) of future blocks linked through their `next` cell,
 * so a submit allocates nothing but its future — CPython's idle semaphore, the flags, and what
 * the pool owns. The last reference frees the block and its interned task specs.
 */
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { allocCounted, countedAt } from '../sync/counted-cell';
import { ALL } from '../parking/lot';
import { BLOCK_QUEUE_BYTES, append, lockQueue, queued, shift, shiftAll, unlockQueue, waitNonEmptyAsync, wakeWaiters } from '../queue/block-queue';
import { F, cell } from './future-core';

/** Byte offsets inside a pool block. */
export const Pool = {
  /** The work queue (BLOCK_QUEUE_BYTES; at 0: the pool's address is its queue's); its lock guards `flags` too. */
  queue: 0,
  /** CPython's `_idle_semaphore`: released by a thread that finds no work, taken by `submit`. */
  idle: BLOCK_QUEUE_BYTES,
  /** SHUTDOWN, or'ed with a BROKEN flag. */
  flags: BLOCK_QUEUE_BYTES + 4,
  /** The owner's reference and each started pool thread's. */
  refs: BLOCK_QUEUE_BYTES + 8,
  /** The interned task specs: a list of {@link SpecNode}. */
  specs: BLOCK_QUEUE_BYTES + 12,
  /** 1 while an idle pool thread polls the queue (at most one does; pushes skip their wake-up). */
  spinning: BLOCK_QUEUE_BYTES + 16,
  /** One cell per pool thread: the future it is running, or 0. */
  slots: BLOCK_QUEUE_BYTES + 20,
} as const;

/** A node of the interned task specs list: the next node, and the spec's codec value. */
const SpecNode = { next: 0, value: 4 } as const;

/** `flags`: shutdown() was called. */
export const SHUTDOWN = 1;
/** `flags`: an initializer failed; the pool is unusable. */
export const BROKEN_INITIALIZER = 2;
/** `flags`: a pool thread died (its worker exited abruptly); the pool is unusable. */
export const BROKEN_THREAD_DIED = 4;
/** `flags`: any broken state. */
export const BROKEN = BROKEN_INITIALIZER | BROKEN_THREAD_DIED;

/** Polls of the queue before an idle pool thread sleeps. */
const SPIN = 2000;

function store(address: number, value: number): void {
  Atomics.store(backend().heap.i32, address >> 2, value);
}

/** Allocates a pool block for `maxWorkers` threads, holding the owner's reference. */
export function allocPool(maxWorkers: number): number {
  return allocCounted(Pool.slots + 4 * maxWorkers, Pool.refs);
}

/** Retain (a pool thread about to start) and release of a pool block; the last release frees it with its specs. */
export const poolRefs = countedAt(Pool.refs, (pool) => {
  for (let node = cell(pool, Pool.specs), next; node !== 0; node = next) {
    next = cell(node, SpecNode.next);
    freeValue(cell(node, SpecNode.value));
    backend().free(node);
  }
});

/** Records the stored task spec `value` so it is freed with the pool; returns `value`. Only the owner's thread calls it. */
export function internSpec(pool: number, value: number): number {
  const node = backend().alloc(8);
  store(node + SpecNode.value, value);
  store(node + SpecNode.next, cell(pool, Pool.specs));
  store(pool + Pool.specs, node);
  return value;
}

/** Address of pool thread `index`'s slot. */
export function slotOf(pool: number, index: number): number {
  return pool + Pool.slots + 4 * index;
}

/** Queues `future` unless the pool is shut down or broken; returns the flags that refused it, or 0. */
export function pushWork(pool: number, future: number): number {
  lockQueue(pool);
  const flags = cell(pool, Pool.flags);
  if (flags === 0) append(pool, future, F.next);
  unlockQueue(pool);
  if (flags === 0 && cell(pool, Pool.spinning) === 0) wakeWaiters(pool, 1);
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
  store(pool + Pool.flags, cell(pool, Pool.flags) | flag);
  const items = drain ? shiftAll(pool, F.next) : [];
  unlockQueue(pool);
  wakeWaiters(pool, ALL);
  return items;
}

/** Takes one idle-thread permit if there is one (CPython's `_idle_semaphore.acquire(timeout=0)`). */
export function takeIdle(pool: number): boolean {
  const i32 = backend().heap.i32;
  for (let idle = cell(pool, Pool.idle); idle > 0; idle = cell(pool, Pool.idle)) {
    if (Atomics.compareExchange(i32, (pool + Pool.idle) >> 2, idle, idle - 1) === idle) return true;
  }
  return false;
}

/**
 * For a pool thread that found the queue empty: releases an idle permit, then waits for work.
 * Returns the next future, or 0 once the pool is shut down (or broken) and the queue is empty.
 * One idle thread at a time polls the queue first, and pushes skip their wake-up meanwhile; the
 * others sleep at once, with an async wait, so the thread's event loop keeps running. A thread
 * that takes work and sees more queued wakes another (pushes during the poll woke nobody).
 */
export async function waitForWork(pool: number): Promise<number> {
  Atomics.add(backend().heap.i32, (pool + Pool.idle) >> 2, 1);
  const closed = (): boolean => cell(pool, Pool.flags) !== 0;
  let item = 0;
  if (Atomics.compareExchange(backend().heap.i32, (pool + Pool.spinning) >> 2, 0, 1) === 0) {
    // Polls until it has taken an item, so a pusher that checks right after its push finds it still polling.
    for (let spin = 0; spin < SPIN && item === 0 && !closed(); spin++) item = popWork(pool);
    // From here on pushes wake: the pops below come after this store.
    store(pool + Pool.spinning, 0);
  }
  while (item === 0) {
    item = popWork(pool);
    // Shut down: a push may have come between that pop and the flag, and none can come after it.
    if (item === 0 && closed()) return popWork(pool);
    if (item === 0) await waitNonEmptyAsync(pool, closed);
  }
  if (queued(pool) > 0) wakeWaiters(pool, 1);
  return item;
}
