/**
 * A thread pool's block in the shared heap, which the owner and every pool thread see: its layout
 * (the work queue at its start, CPython's idle semaphore, the flags, the settings, one entry per
 * thread index), its allocation, and its references — the owner's and each started pool thread's;
 * the last release frees the block with what it owns. What moves through it is in work-queue.ts.
 */
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { loadField, storeField } from '../fields';
import { allocCounted, countedAt } from '../sync/counted-cell';
import { BLOCK_QUEUE_BYTES } from '../queue/block-queue';
import { WORK_DEQUE_BYTES } from './work-deque';
import { allocStats } from './executor-stats';
import { freeSpecs } from './task-specs';
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
  /** The interned task specs: a list of stored specs (task-specs.ts). */
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

/** The pool's stats block. */
export function statsOf(pool: number): number {
  return loadField(pool, Pool.stats);
}

/** Retain (a pool thread about to start) and release of a pool block; the last release frees it with its specs. */
export const poolRefs = countedAt(Pool.refs, (pool) => {
  freeSpecs(pool + Pool.specs);
  backend().free(loadField(pool, Pool.stats));
  freeValue(loadField(pool, Pool.config));
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const record = loadField(recordCellOf(pool, index));
    if (record !== 0) recordRefs.release(record);
  }
});

/** Address of pool thread `index`'s entry (its first cell: the future it runs). */
export function slotOf(pool: number, index: number): number {
  return pool + Pool.slots + ENTRY_BYTES * index;
}
