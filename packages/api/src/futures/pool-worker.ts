/**
 * What runs in a `ThreadPoolExecutor`'s threads, as builtin tasks every thread has: the worker
 * loop (CPython's `_worker`), and the crash hook that breaks the pool when a pool thread's
 * runtime dies mid-run. Per task: one pop, one decode of the arguments, the call, one store of
 * the outcome — no message, no JS `Future`.
 */
import { backend } from '../runtime';
import { loadValue } from '../codec';
import { BrokenThreadPool } from '../errors';
import { loadField, storeField } from '../fields';
import { registerBuiltinTask, resolveTask, type TaskSpec } from '../threading/task';
import { currentThread } from '../threading/current';
import { clearCrashHook } from '../threading/thread-record';
import { HANDLE } from '../handle';
import { EXCEPTION, F, RESULT, RUNNING, completeWith, releaseFuture, startOrNotify, takeArgs } from './future-core';
import { beginTask, endTask } from './task-control';
import { flushTrace, traceEvent, traceNow, traceSpan, tracing } from '../diagnostics/trace';
import { BROKEN_INITIALIZER, BROKEN_THREAD_DIED, flagAndDrain, poolRefs, popWork, slotOf, waitForWork } from './pool-block';

/** The builtin task a pool thread runs: `(pool, index, initializer, initargs)`. */
export const POOL_WORKER_TASK = 'threadkit.executor.worker';
/** The builtin task a pool thread's crash hook runs: `(pool, index)`. */
export const POOL_THREAD_DIED_TASK = 'threadkit.executor.threadDied';

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
  for (const item of flagAndDrain(pool, flag, true)) {
    if (startOrNotify(item)) finish(item, 0, EXCEPTION, new BrokenThreadPool(BROKEN_MESSAGES[flag]));
    else releaseFuture(item);
  }
}

/** Pool thread `index`'s crash hook, run by whichever thread notices it died: its running future fails too. */
function poolThreadDied(pool: number, index: number): void {
  const slot = slotOf(pool, index);
  const running = loadField(slot);
  if (running !== 0 && loadField(running, F.state) === RUNNING) {
    finish(running, slot, EXCEPTION, new BrokenThreadPool(BROKEN_MESSAGES[BROKEN_THREAD_DIED]));
  }
  breakPool(pool, BROKEN_THREAD_DIED);
  // The dead thread's reference (a thread that ends normally clears this hook before dropping it).
  poolRefs.release(pool);
}

/** Calls the RUNNING item's task and finishes it; a promise only when the task is async or not compiled here yet. */
function call(item: number, slot: number, tasks: Map<number, Callable>): Promise<void> | void {
  const spec = loadField(item, F.task);
  const fn = tasks.get(spec);
  if (fn === undefined) {
    // Async, so that a spec that fails to decode fails the call, not the thread.
    return (async () => resolveTask(loadValue(spec) as TaskSpec))().then(
      (compiled) => {
        tasks.set(spec, compiled);
        return call(item, slot, tasks);
      },
      (error) => finish(item, slot, EXCEPTION, error),
    );
  }
  let result: unknown;
  const traced = tracing() ? taskStarts(item) : 0;
  try {
    // The task starts now (its timeout counts from here; compiling it came before).
    beginTask(item);
    result = fn(...takeArgs(item));
  } catch (error) {
    return ended(item, slot, EXCEPTION, error, traced, fn);
  }
  if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') return ended(item, slot, RESULT, result, traced, fn);
  return Promise.resolve(result).then(
    (value) => ended(item, slot, RESULT, value, traced, fn),
    (error) => ended(item, slot, EXCEPTION, error, traced, fn),
  );
}

/** Trace: the flow arrow from the `submit` of future `item` ends here, where its task starts; returns the start (µs). */
function taskStarts(item: number): number {
  const ts = traceNow();
  traceEvent({ name: 'submit', ph: 'f', bp: 'e', cat: 'flow', id: loadField(item, F.id), ts });
  return ts;
}

/**
 * The task that {@link call} began has ended: done with its control block (which goes with the
 * future), then finished. When traced (`traced` is its start), its span is named after `fn`.
 */
function ended(item: number, slot: number, outcome: number, value: unknown, traced: number, fn: Callable): void {
  if (traced !== 0) traceSpan(fn.name || 'task', 'task', traced, { future: loadField(item, F.id), raised: outcome === EXCEPTION });
  endTask();
  finish(item, slot, outcome, value);
}

/** A pool thread with no work hands its trace events over, then waits for work. */
function idle(pool: number): Promise<number> {
  flushTrace();
  return waitForWork(pool);
}

/**
 * A pool thread: runs the initializer, then queued work until the pool is shut down (or broken)
 * and the queue is empty. The future it runs is in its slot, where the crash hook finds it. Its
 * reference on the pool (taken by the executor when it started the thread) goes on the way out,
 * or with the crash hook if the thread dies.
 */
async function poolWorker(pool: number, index: number, initializer: TaskSpec | null, initargs: unknown[]): Promise<void> {
  const slot = slotOf(pool, index);
  try {
    if (initializer !== null) {
      try {
        await (await resolveTask(initializer))(...initargs);
      } catch (error) {
        backend().writeStderr(`Exception in initializer:\n${String(error instanceof Error ? (error.stack ?? error) : error)}\n`);
        return breakPool(pool, BROKEN_INITIALIZER);
      }
    }
    const tasks = new Map<number, Callable>();
    for (let item = popWork(pool) || (await idle(pool)); item !== 0; item = popWork(pool) || (await idle(pool))) {
      if (!startOrNotify(item)) {
        releaseFuture(item);
        continue;
      }
      storeField(slot, 0, item);
      const pending = call(item, slot, tasks);
      if (pending !== undefined) await pending;
    }
  } finally {
    // No crash hook may touch the pool once this thread's reference on it is gone.
    clearCrashHook(currentThread()[HANDLE].address);
    poolRefs.release(pool);
  }
}

registerBuiltinTask(POOL_WORKER_TASK, poolWorker as Callable);
registerBuiltinTask(POOL_THREAD_DIED_TASK, poolThreadDied as Callable);
