/**
 * Fork/join without deadlock (beyond Python, whose pool deadlocks here): a task may submit to
 * its own pool (the executor travels to it as a handle) and wait on those futures with
 * `result()`, `wait` or `asCompleted`, even with `maxWorkers: 1`.
 *
 * - A pool thread's plain `submit` to its own pool goes to that thread's own deque
 *   (work-deque.ts), not to the shared queue: the thread takes its newest fork first, idle
 *   threads steal the oldest (work-queue.ts `takeWork`).
 * - A pool thread that would block on a future of its own pool helps instead: it runs queued
 *   tasks of that pool inline — the newest of its own forks, else the oldest stolen from
 *   another thread's deque, else the queue's first — and parks only when there is nothing it
 *   can run. Its doorbell is its pool entry's `wake` cell: the awaited futures bump it when
 *   they complete (as a `wait()` waiter's cell), and pushes ring it while it helps.
 *
 * What a thread runs inline: a compiled, non-`async` task without a hard stop. A task with a
 * hard stop (`timeout`/`signal` with `killAfter`) waits without helping, so a kill never takes
 * a task set aside under it; an async task's `await` on a future does not help (its thread's
 * loop waits for it, as for any async task).
 */
import { addField, loadField, subField } from '../fields';
import { waitWord, wakeWord } from '../parking/word';
import { wakeWaiters } from '../queue/block-queue';
import { F, addWaiter, removeWaiter } from './future-core';
import { Entry, Pool, slotOf } from './pool-block';
import { pushNewest, takeAllFromDeque, takeEnd } from './work-deque';

/** What a pool thread offers to waits in it (set by its worker loop, pool-worker.ts). */
export interface PoolThreadContext {
  readonly pool: number;
  readonly index: number;
  /** True when the task running now may help (it has no hard stop). */
  readonly mayHelp: () => boolean;
  /** Takes a queued future of the pool this thread can run inline now, or 0. */
  readonly takeInline: () => number;
  /** Runs the taken future `item` to its end (or its first `await`), then resumes the task set aside. */
  readonly runInline: (item: number) => void;
}

let here: PoolThreadContext | undefined;

/** Called once by a pool thread's worker loop: waits in this thread help `context.pool`. */
export function enterPoolThread(context: PoolThreadContext): void {
  here = context;
}

/** This thread's index in `pool` when it is one of its threads, else -1. */
export function poolIndexIn(pool: number): number {
  return here !== undefined && here.pool === pool ? here.index : -1;
}

/**
 * Queues `future` in pool thread `index`'s own deque (the caller is that thread); returns the
 * flags that refused it (shut down or broken), or 0. Forks are not bounded by `maxQueue`: a task
 * never blocks on room in its own pool.
 */
export function pushForked(pool: number, index: number, future: number): number {
  const flags = loadField(pool, Pool.flags);
  if (flags !== 0) return flags;
  pushNewest(dequeOf(pool, index), future);
  addField(pool, Pool.forked, 1);
  wakeWaiters(pool, 1);
  ringHelpers(pool);
  return 0;
}

/** After a push: the pool threads waiting while they help look again. */
export function ringHelpers(pool: number): void {
  if (loadField(pool, Pool.helpers) === 0) return;
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) {
    const entry = slotOf(pool, index);
    if (loadField(entry, Entry.helping) === 0) continue;
    addField(entry, Entry.wake, 1);
    wakeWord(entry + Entry.wake, 1);
  }
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

/** Takes every future from every pool thread's deque (the pool shuts down cancelling queued work, or breaks). */
export function drainForks(pool: number): number[] {
  const items: number[] = [];
  for (let index = 0; index < loadField(pool, Pool.maxWorkers); index++) items.push(...takeAllFromDeque(dequeOf(pool, index)));
  subField(pool, Pool.forked, items.length);
  return items;
}

/**
 * For a thread about to block until `waiting()` is false or `deadline` (`performance.now()`
 * time) on the future blocks at `addresses` (pinned by the caller): when it is a pool thread
 * and one of them belongs to its pool, it helps (runs that pool's queued tasks) until then and
 * returns true; otherwise false at once, and the caller parks as usual.
 */
export function helpWhile(addresses: readonly number[], waiting: () => boolean, deadline: number): boolean {
  const context = here;
  if (context === undefined || !addresses.some((address) => loadField(address, F.pool) === context.pool) || !context.mayHelp()) return false;
  const entry = slotOf(context.pool, context.index);
  const doorbell = entry + Entry.wake;
  for (const address of addresses) addWaiter(address, doorbell);
  addField(entry, Entry.helping, 1);
  addField(context.pool, Pool.helpers, 1);
  try {
    for (;;) {
      // Read before looking, so a completion or a push after the look ends the park at once.
      const seq = loadField(doorbell);
      if (!waiting()) return true;
      const remaining = deadline === Infinity ? Infinity : deadline - performance.now();
      if (remaining <= 0) return true;
      const item = context.takeInline();
      if (item !== 0) context.runInline(item);
      else waitWord(doorbell, seq, remaining);
    }
  } finally {
    subField(context.pool, Pool.helpers, 1);
    subField(entry, Entry.helping, 1);
    for (const address of addresses) removeWaiter(address, doorbell);
  }
}
