/**
 * What a pool thread may run inline while it waits on a future of its own pool (fork-join.ts):
 * a queued future of that pool whose task is compiled in this thread, is not an `async`
 * function, and has no hard stop — taken in fork/join's order (the newest of its own forks, else
 * the oldest of another thread's, else the queue's first). A task not compiled here yet is
 * compiled first when that needs no wait (a self-contained function, or a module export already
 * imported here); one that needs an `import()` is left to the loop.
 */
import { loadValue } from '../codec';
import { loadField } from '../fields';
import { first, lockQueue, queued, unlockQueue } from '../queue/block-queue';
import { resolveTaskSync, type TaskSpec } from '../threading/task';
import { F } from './future-core';
import { Pool, dequeOf, popWork, takeForked } from './pool-block';
import type { Worker } from './pool-worker';
import { readEnd } from './work-deque';

const AsyncFunction = (async () => {}).constructor;

/** Under a queue's lock: may `w`'s thread run the queued `future` inline now? */
function inlineable(w: Worker, future: number): boolean {
  const fn = w.tasks.get(loadField(future, F.task));
  return fn !== undefined && !(fn instanceof AsyncFunction) && (loadField(future, F.control) === 0 || w.killAfter === Infinity);
}

/** Takes a queued future of `w`'s pool that pool thread `index` can run inline now, or 0. */
export function takeInline(w: Worker, index: number): number {
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
