/**
 * What a pool thread may run inline while it waits on a future of its own pool (fork-join.ts):
 * a queued future of that pool whose task is compiled in this thread, is not an `async`
 * function, and has no hard stop — taken in fork/join's order (the newest of its own forks, else
 * the oldest of another thread's, else the queue's first). A task not compiled here yet is
 * compiled first when that needs no wait (a self-contained function, or a module export already
 * imported here); one that needs an `import()` is left to the loop.
 */
import { loadValue } from '../codec';
import { loadField, storeField } from '../fields';
import { first, lockQueue, queued, unlockQueue } from '../queue/block-queue';
import { resolveTaskSync, type TaskSpec } from '../threading/task';
import { F, releaseFuture, startOrNotify } from './future-core';
import { Pool } from './pool-block';
import { popWork } from './work-queue';
import { dequeOf, takeForked, type PoolThreadContext } from './fork-join';
import { resumeTask, suspendTask, taskHasControl } from './task-control';
import { S, count } from './executor-stats';
import type { Worker } from './pool-worker';
import { readEnd } from './work-deque';

const AsyncFunction = (async () => {}).constructor;

/** The worker loop's call of a taken future (pool-worker.ts): runs it and finishes it, clearing `slot` when not 0. */
type RunTask = (item: number, w: Worker, slot: number) => Promise<void> | void;

/** Under a queue's lock: may `w`'s thread run the queued `future` inline now? */
function inlineable(w: Worker, future: number): boolean {
  const fn = w.tasks.get(loadField(future, F.task));
  return fn !== undefined && !(fn instanceof AsyncFunction) && (loadField(future, F.control) === 0 || w.killAfter === Infinity);
}

/**
 * What pool thread `index` (running `w`) offers to waits in it (fork-join.ts): whether the task
 * running now may help, what it may take, and how it runs it — with `call`, the worker loop's.
 */
export function inlineContext(w: Worker, index: number, call: RunTask): PoolThreadContext {
  return {
    pool: w.pool,
    index,
    mayHelp: () => !(taskHasControl() && w.killAfter !== Infinity),
    takeInline: () => takeInline(w, index),
    runInline: (item) => runInline(item, w, call),
  };
}

/**
 * Runs the future `item`, just taken from the pool, inline in a wait of the task running now:
 * that task is set aside — its future stays in the slot's chain (the new one's `next`), so a
 * crash hook still finds it — and resumed after.
 */
function runInline(item: number, w: Worker, call: RunTask): void {
  if (!startOrNotify(item)) {
    count(w.stats, S.cancelled);
    releaseFuture(item);
    return;
  }
  const outer = loadField(w.slot);
  storeField(item, F.next, outer);
  storeField(w.slot, 0, item);
  const task = suspendTask();
  try {
    // Inline tasks are compiled and not async: this returns when the task has ended (a plain
    // function that returns a promise ends later, on this thread's event loop).
    void call(item, w, 0);
  } finally {
    resumeTask(task);
    storeField(w.slot, 0, outer);
  }
}

/** Takes a queued future of `w`'s pool that pool thread `index` can run inline now, or 0. */
function takeInline(w: Worker, index: number): number {
  const accept = (future: number): boolean => inlineable(w, future);
  for (;;) {
    const item = takeForked(w.pool, index, accept) || popWork(w.pool, accept);
    if (item !== 0 || !compileNext(w, index)) return item;
  }
}

/** The interned task specs of the futures {@link takeInline} would look at (0s skipped). */
function nextSpecs(pool: number, index: number): number[] {
  const spec = (future: number): number => loadField(future, F.task);
  const specs = [readEnd(dequeOf(pool, index), true, spec)];
  const n = loadField(pool, Pool.maxWorkers);
  for (let i = 1; i < n; i++) specs.push(readEnd(dequeOf(pool, (index + i) % n), false, spec));
  if (queued(pool) !== 0) {
    lockQueue(pool);
    const head = first(pool);
    specs.push(head === 0 ? 0 : spec(head));
    unlockQueue(pool);
  }
  return specs.filter((s) => s !== 0);
}

/** Compiles the not yet compiled tasks {@link takeInline} would look at, where that needs no wait; true when one was. */
function compileNext(w: Worker, index: number): boolean {
  let compiled = false;
  for (const spec of nextSpecs(w.pool, index)) {
    if (w.tasks.has(spec) || w.notInline.has(spec)) continue;
    try {
      w.tasks.set(spec, resolveTaskSync(loadValue(spec) as TaskSpec));
      compiled = true;
    } catch {
      w.notInline.add(spec);
    }
  }
  return compiled;
}
