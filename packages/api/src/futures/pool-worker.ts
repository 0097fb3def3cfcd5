/**
 * What runs in a `ThreadPoolExecutor`'s threads, as a builtin task every thread has: the worker
 * loop (CPython's `_worker`; its crash hook is in pool-death.ts). Per task: one pop, one decode
 * of the arguments, the call, one store of the outcome — no message, no JS `Future`.
 */
import { backend } from '../runtime';
import { loadValue } from '../codec';
import { loadField, storeField } from '../fields';
import { registerBuiltinTask, resolveTask, type TaskSpec } from '../threading/task';
import { currentThread } from '../threading/current';
import { clearCrashHook } from '../threading/thread-record';
import { HANDLE } from '../handle';
import { EXCEPTION, F, RESULT, releaseFuture, startOrNotify, takeArgs } from './future-core';
import { beginTask, endTask, timeoutOf } from './task-control';
import { flushTrace, tracing } from '../diagnostics/trace';
import { traceTaskEnd, traceTaskStart } from './executor-trace';
import { BROKEN_INITIALIZER, Pool, killAfterOf, poolRefs, slotOf, statsOf } from './pool-block';
import { takeWork, waitForWork } from './work-queue';
import { enterPoolThread } from './fork-join';
import { inlineContext } from './inline-work';
import { S, count, sharedNow, taskEnded, taskStarted } from './executor-stats';
import { guardTask, unguardTask } from './hard-stop';
import { POOL_WORKER_TASK } from './pool-threads';
import { breakPool, finish, handOver } from './pool-death';
import type { ResourceLimits } from './recycling';

type Callable = (...args: unknown[]) => unknown;

/** What a pool thread's calls share. */
export interface Worker {
  readonly pool: number;
  /** The cell of the future it runs. */
  readonly slot: number;
  readonly stats: number;
  /** This thread's record (where a hard stop is guarded). */
  readonly record: number;
  /** The pool's `killAfter` (Infinity: no hard stop). */
  readonly killAfter: number;
  /** Compiled tasks by interned spec. */
  readonly tasks: Map<number, Callable>;
  /** Interned specs that could not be compiled without waiting (run only by the loop, never inline). */
  readonly notInline: Set<number>;
}

/**
 * Calls the RUNNING item's task and finishes it (clearing `slot` when not 0); a promise only when
 * the task is async or not compiled here yet (or its thread is being killed).
 */
function call(item: number, w: Worker, slot: number): Promise<void> | void {
  const spec = loadField(item, F.task);
  const fn = w.tasks.get(spec);
  if (fn === undefined) {
    // Async, so that a spec that fails to decode fails the call, not the thread.
    return (async () => resolveTask(loadValue(spec) as TaskSpec))().then(
      (compiled) => {
        w.tasks.set(spec, compiled);
        return call(item, w, slot);
      },
      (error) => {
        taskStarted(w.stats, sharedNow() - backend().heap.f64[(item + F.queuedAt) >> 3]!);
        taskEnded(w.stats, S.failed, 0);
        finish(item, slot, EXCEPTION, error);
      },
    );
  }
  let result: unknown;
  // The task starts now (its timeout counts from here; compiling it came before).
  const start = sharedNow();
  taskStarted(w.stats, start - backend().heap.f64[(item + F.queuedAt) >> 3]!);
  const control = loadField(item, F.control);
  const guarded = control !== 0 && w.killAfter !== Infinity;
  if (guarded) guardTask(w.record, loadField(item, F.id), start + timeoutOf(control), w.killAfter);
  const traced = tracing() ? traceTaskStart(item) : 0;
  try {
    beginTask(item);
    result = fn(...takeArgs(item));
  } catch (error) {
    return ended(item, w, slot, start, guarded, EXCEPTION, error, traced, fn);
  }
  if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') return ended(item, w, slot, start, guarded, RESULT, result, traced, fn);
  return Promise.resolve(result).then(
    (value) => ended(item, w, slot, start, guarded, RESULT, value, traced, fn),
    (error) => ended(item, w, slot, start, guarded, EXCEPTION, error, traced, fn),
  );
}

/**
 * The task that {@link call} began at `start` has ended: done with its control block (which goes
 * with the future), counted, then finished — counted first, so that stats are exact once the
 * future is done. A guarded task whose thread is being killed leaves its future to the crash
 * hook and never settles (the thread takes no more work). When traced (`traced` is its start,
 * µs), its span is named after `fn`.
 */
function ended(item: number, w: Worker, slot: number, start: number, guarded: boolean, outcome: number, value: unknown, traced: number, fn: Callable): Promise<void> | void {
  if (guarded && !unguardTask(w.record)) return new Promise<void>(() => {});
  if (traced !== 0) traceTaskEnd(fn, item, traced, outcome === EXCEPTION);
  const late = endTask();
  taskEnded(w.stats, outcome === RESULT ? S.completed : late ? S.timedOut : S.failed, sharedNow() - start);
  finish(item, slot, outcome, value);
}

/** A pool thread with no work hands its trace events over, then waits for work. */
function idle(pool: number, index: number): Promise<number> {
  flushTrace();
  return waitForWork(pool, index);
}

/**
 * A pool thread: runs the initializer, then queued work until the pool is shut down (or broken)
 * and the queue is empty. The future it runs is in its slot, where the crash hook finds it. Its
 * reference on the pool (taken by the executor when it started the thread) goes on the way out,
 * or with the crash hook if the thread dies.
 */
async function poolWorker(pool: number, index: number, initializer: TaskSpec | null, initargs: unknown[], limits: ResourceLimits | null): Promise<void> {
  const record = currentThread()[HANDLE].address;
  try {
    if (initializer !== null) {
      try {
        await (await resolveTask(initializer))(...initargs);
      } catch (error) {
        backend().writeStderr(`Exception in initializer:\n${String(error instanceof Error ? (error.stack ?? error) : error)}\n`);
        return breakPool(pool, BROKEN_INITIALIZER);
      }
    }
    const w: Worker = { pool, slot: slotOf(pool, index), stats: statsOf(pool), record, killAfter: killAfterOf(pool), tasks: new Map(), notInline: new Set() };
    enterPoolThread(inlineContext(w, index, call));
    const maxTasks = loadField(pool, Pool.maxTasks);
    let ran = 0;
    for (let item = takeWork(pool, index) || (await idle(pool, index)); item !== 0; item = takeWork(pool, index) || (await idle(pool, index))) {
      if (!startOrNotify(item)) {
        count(w.stats, S.cancelled);
        releaseFuture(item);
        continue;
      }
      storeField(w.slot, 0, item);
      const pending = call(item, w, w.slot);
      if (pending !== undefined) await pending;
      if (maxTasks !== 0 && ++ran >= maxTasks) {
        if (handOver(pool, index, initializer, initargs, limits)) break;
        ran = 0;
      }
    }
  } finally {
    // No crash hook may touch the pool once this thread's reference on it is gone.
    clearCrashHook(record);
    poolRefs.release(pool);
  }
}

registerBuiltinTask(POOL_WORKER_TASK, poolWorker as Callable);
