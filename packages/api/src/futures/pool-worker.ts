/**
 * What runs in a `ThreadPoolExecutor`'s threads, as builtin tasks every thread has: the worker
 * loop (CPython's `_worker`), and the crash hook that breaks the pool when a pool thread's
 * runtime dies mid-run (or replaces it, when a hard stop killed it). Per task: one pop, one decode of the arguments, the call, one store of
 * the outcome — no message, no JS `Future`.
 */
import { backend } from '../runtime';
import { loadValue } from '../codec';
import { BrokenThreadPool, CancelledError, RuntimeError, TimeoutError } from '../errors';
import { queued } from '../queue/block-queue';
import { loadField, storeField } from '../fields';
import { registerBuiltinTask, resolveTask, type TaskSpec } from '../threading/task';
import { currentThread } from '../threading/current';
import { clearCrashHook } from '../threading/thread-record';
import { HANDLE } from '../handle';
import { EXCEPTION, F, RESULT, RUNNING, completeWith, releaseFuture, startOrNotify, takeArgs } from './future-core';
import { beginTask, endTask, timeoutOf } from './task-control';
import { BROKEN_INITIALIZER, BROKEN_THREAD_DIED, ON_DEATH_REPLACE, Pool, flagAndDrain, killAfterOf, poolRefs, popWork, recordCellOf, slotOf, statsOf, waitForWork } from './pool-block';
import { S, count, sharedNow, taskEnded, taskKilled, taskStarted } from './executor-stats';
import { STOP_SIGNAL, STOP_TIMEOUT, guardTask, killReason, unguardTask } from './hard-stop';
import { POOL_THREAD_DIED_TASK, POOL_WORKER_TASK, startPoolThread } from './pool-threads';
import type { ResourceLimits } from './recycling';


/** BrokenThreadPool's message by broken flag: CPython's for an initializer, ours for a dead thread. */
export const BROKEN_MESSAGES: Readonly<Record<number, string>> = {
  [BROKEN_INITIALIZER]: 'A thread initializer failed, the thread pool is not usable anymore',
  [BROKEN_THREAD_DIED]: 'A thread in the thread pool was terminated abruptly while the future was running or pending.',
};

type Callable = (...args: unknown[]) => unknown;

/** Completes the RUNNING future `item`, clears the running thread's `slot` (0: none) and drops the queue's reference. */
function finish(item: number, slot: number, outcome: number, value: unknown): void {
  completeWith(item, outcome, value);
  if (slot !== 0) storeField(slot, 0, 0);
  releaseFuture(item);
}

/** Marks the pool broken and fails every queued future with BrokenThreadPool (CPython's `_initializer_failed`); cancelled ones are only notified. */
function breakPool(pool: number, flag: number): void {
  const stats = statsOf(pool);
  for (const item of flagAndDrain(pool, flag, true)) {
    if (startOrNotify(item)) {
      count(stats, S.failed);
      finish(item, 0, EXCEPTION, new BrokenThreadPool(BROKEN_MESSAGES[flag]));
    } else {
      count(stats, S.cancelled);
      releaseFuture(item);
    }
  }
}

/** The error of a task whose thread died while it ran, when the pool replaces the thread. */
const DIED_REPLACED = 'the thread running this task died (its runtime exited, or ran out of memory under resourceLimits); the pool replaced it';

/**
 * Pool thread `index`'s crash hook, run by whichever thread notices it died. Killed by a hard
 * stop (hard-stop.ts), its task's future fails with TimeoutError or CancelledError and a new
 * thread takes its index — the pool goes on; so it does for any death with `onWorkerDeath:
 * 'replace'` (the task fails with a RuntimeError). Otherwise (`'break'`, Python's) its running
 * future fails with BrokenThreadPool and the pool breaks.
 */
function poolThreadDied(pool: number, index: number, name: string, initializer: TaskSpec | null, initargs: unknown[], limits: ResourceLimits | null): void {
  const slot = slotOf(pool, index);
  const running = loadField(slot);
  const stats = statsOf(pool);
  const reason = killReason(loadField(recordCellOf(pool, index)));
  const replace = reason !== 0 || loadField(pool, Pool.onDeath) === ON_DEATH_REPLACE;
  // Broken before the running future fails: whoever sees it fail sees the pool broken too.
  if (!replace) breakPool(pool, BROKEN_THREAD_DIED);
  if (running !== 0 && loadField(running, F.state) === RUNNING) {
    taskKilled(stats, reason === STOP_TIMEOUT ? S.timedOut : reason === STOP_SIGNAL ? S.cancelled : S.failed);
    const error =
      reason === STOP_TIMEOUT ? new TimeoutError('the task ran past its timeout and was stopped (killAfter): its thread was terminated and replaced')
      : reason === STOP_SIGNAL ? new CancelledError('the task was signalled and stopped (killAfter): its thread was terminated and replaced')
      : replace ? new RuntimeError(DIED_REPLACED)
      : new BrokenThreadPool(BROKEN_MESSAGES[BROKEN_THREAD_DIED]);
    finish(running, slot, EXCEPTION, error);
  }
  if (replace) {
    try {
      startPoolThread(pool, index, name, initializer, initargs, limits);
    } catch (error) {
      backend().writeStderr(`threadkit: could not replace a dead pool thread: ${error instanceof Error ? error.stack : String(error)}\n`);
      breakPool(pool, BROKEN_THREAD_DIED);
    }
  }
  // The dead thread's reference (a thread that ends normally clears this hook before dropping it).
  poolRefs.release(pool);
}

/**
 * `maxTasksPerChild`: the pool thread serving `index` ran its share; a new thread takes the index
 * (unless the pool is closing with nothing queued). False when none could start (this one goes on).
 */
function handOver(pool: number, index: number, initializer: TaskSpec | null, initargs: unknown[], limits: ResourceLimits | null): boolean {
  if (loadField(pool, Pool.flags) !== 0 && queued(pool) === 0) return true;
  try {
    startPoolThread(pool, index, currentThread().name, initializer, initargs, limits);
    return true;
  } catch (error) {
    backend().writeStderr(`threadkit: could not start a pool thread to replace one that reached maxTasksPerChild: ${error instanceof Error ? error.stack : String(error)}\n`);
    return false;
  }
}

/** What a pool thread's calls share. */
interface Worker {
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
}

/** Calls the RUNNING item's task and finishes it; a promise only when the task is async or not compiled here yet (or its thread is being killed). */
function call(item: number, w: Worker): Promise<void> | void {
  const spec = loadField(item, F.task);
  const fn = w.tasks.get(spec);
  if (fn === undefined) {
    // Async, so that a spec that fails to decode fails the call, not the thread.
    return (async () => resolveTask(loadValue(spec) as TaskSpec))().then(
      (compiled) => {
        w.tasks.set(spec, compiled);
        return call(item, w);
      },
      (error) => {
        taskStarted(w.stats, sharedNow() - backend().heap.f64[(item + F.queuedAt) >> 3]!);
        taskEnded(w.stats, S.failed, 0);
        finish(item, w.slot, EXCEPTION, error);
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
  try {
    beginTask(item);
    result = fn(...takeArgs(item));
  } catch (error) {
    return ended(item, w, start, guarded, EXCEPTION, error);
  }
  if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') return ended(item, w, start, guarded, RESULT, result);
  return Promise.resolve(result).then(
    (value) => ended(item, w, start, guarded, RESULT, value),
    (error) => ended(item, w, start, guarded, EXCEPTION, error),
  );
}

/**
 * The task that {@link call} began at `start` has ended: done with its control block (which goes
 * with the future), counted, then finished — counted first, so that stats are exact once the
 * future is done. A guarded task whose thread is being killed leaves its future to the crash
 * hook and never settles (the thread takes no more work).
 */
function ended(item: number, w: Worker, start: number, guarded: boolean, outcome: number, value: unknown): Promise<void> | void {
  if (guarded && !unguardTask(w.record)) return new Promise<void>(() => {});
  const late = endTask();
  taskEnded(w.stats, outcome === RESULT ? S.completed : late ? S.timedOut : S.failed, sharedNow() - start);
  finish(item, w.slot, outcome, value);
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
    const w: Worker = { pool, slot: slotOf(pool, index), stats: statsOf(pool), record, killAfter: killAfterOf(pool), tasks: new Map() };
    const maxTasks = loadField(pool, Pool.maxTasks);
    let ran = 0;
    for (let item = popWork(pool) || (await waitForWork(pool)); item !== 0; item = popWork(pool) || (await waitForWork(pool))) {
      if (!startOrNotify(item)) {
        count(w.stats, S.cancelled);
        releaseFuture(item);
        continue;
      }
      storeField(w.slot, 0, item);
      const pending = call(item, w);
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
registerBuiltinTask(POOL_THREAD_DIED_TASK, poolThreadDied as Callable);
