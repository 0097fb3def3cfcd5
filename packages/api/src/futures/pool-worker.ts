/**
 * The loop a `ThreadPoolExecutor` thread runs (CPython's `thread._worker`), registered as the
 * builtin task {@link POOL_WORKER_TASK} so every thread has it. Per task: one queue pop, one
 * decode of the arguments, the call, one store of the outcome and one state transition — no
 * message, no JS `Future` object.
 */
import { backend } from '../runtime';
import { freeValue, loadValue, storeValue } from '../codec';
import { BrokenThreadPool } from '../errors';
import { registerBuiltinTask, resolveTask, type TaskSpec } from '../threading/task';
import { currentThread } from '../threading/current';
import { clearCrashHook } from '../threading/thread-record';
import { HANDLE } from '../handle';
import { EXCEPTION, F, RESULT, cell, completeFuture, releaseFuture, startOrNotify } from './future-core';
import { BROKEN_INITIALIZER, flagAndDrain, popWork, releasePool, slotOf, waitForWork } from './pool-state';

/** Name of the builtin task that runs a pool thread. */
export const POOL_WORKER_TASK = 'threadkit.executor.worker';

/** Why a pool is broken, by flag: CPython's message for an initializer, ours for a dead thread. */
export const BROKEN_MESSAGES: Readonly<Record<number, string>> = {
  2: 'A thread initializer failed, the thread pool is not usable anymore',
  4: 'A thread in the thread pool was terminated abruptly while the future was running or pending.',
};

type Callable = (...args: unknown[]) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? String(error)) : String(error);
}

/** Stores a value with the codec; when it cannot be encoded, stores the codec's error instead. */
function store(outcome: number, value: unknown): [number, number] {
  try {
    return [outcome, storeValue(value)];
  } catch (error) {
    try {
      return [EXCEPTION, storeValue(error)];
    } catch {
      return [EXCEPTION, storeValue(new TypeError(String(error)))];
    }
  }
}

/**
 * Completes a RUNNING future and drops the work queue's reference to it; clears the running
 * thread's `slot` first (0 = no slot). Fails only if someone else completed it already.
 */
export function finish(item: number, slot: number, outcome: number, value: unknown): void {
  const [kind, stored] = store(outcome, value);
  if (completeFuture(item, kind, stored) !== -1) freeValue(stored);
  if (slot !== 0) Atomics.store(backend().heap.i32, slot >> 2, 0);
  releaseFuture(item);
}

/**
 * Marks the pool broken with `flag` and fails every queued future with BrokenThreadPool
 * (CPython's `_initializer_failed`); cancelled ones are only notified.
 */
export function breakPool(pool: number, flag: number): void {
  for (const item of flagAndDrain(pool, flag, true)) {
    if (startOrNotify(item)) finish(item, 0, EXCEPTION, new BrokenThreadPool(BROKEN_MESSAGES[flag]));
    else releaseFuture(item);
  }
}

/** Runs one work item; returns a promise only when the task is async or not yet compiled. */
function runItem(item: number, slot: number, tasks: Map<number, Callable>): Promise<void> | void {
  if (!startOrNotify(item)) {
    releaseFuture(item);
    return;
  }
  Atomics.store(backend().heap.i32, slot >> 2, item);
  try {
    const spec = cell(item, F.task);
    const fn = tasks.get(spec);
    if (fn === undefined) return compileAndRun(item, slot, spec, tasks);
    return call(item, slot, fn);
  } catch (error) {
    finish(item, slot, EXCEPTION, error);
  }
}

async function compileAndRun(item: number, slot: number, spec: number, tasks: Map<number, Callable>): Promise<void> {
  let fn: Callable;
  try {
    fn = (await resolveTask(loadValue(spec) as TaskSpec)) as Callable;
  } catch (error) {
    finish(item, slot, EXCEPTION, error);
    return;
  }
  tasks.set(spec, fn);
  await call(item, slot, fn);
}

function call(item: number, slot: number, fn: Callable): Promise<void> | void {
  let result: unknown;
  try {
    const args = cell(item, F.args);
    if (args === 0) {
      result = fn();
    } else {
      const values = loadValue(args) as unknown[];
      // The arguments are needed only here: free them now rather than with the future.
      Atomics.store(backend().heap.i32, (item + F.args) >> 2, 0);
      freeValue(args);
      result = fn(...values);
    }
  } catch (error) {
    finish(item, slot, EXCEPTION, error);
    return;
  }
  if (!isThenable(result)) {
    finish(item, slot, RESULT, result);
    return;
  }
  return Promise.resolve(result).then(
    (value) => finish(item, slot, RESULT, value),
    (error) => finish(item, slot, EXCEPTION, error),
  );
}

/**
 * The pool thread's loop: runs the initializer, then queued work until the pool is shut down
 * (or broken) and the queue is empty. While it runs a future, the future's address is in the
 * thread's slot, so the owner can fail it if the thread dies. The thread holds a reference on
 * the pool block (taken by the executor when it started the thread), dropped on the way out;
 * if the thread dies instead, its crash hook drops it.
 */
async function poolWorker(pool: number, index: number, initializer: TaskSpec | null, initargs: unknown[]): Promise<void> {
  const slot = slotOf(pool, index);
  try {
    if (initializer !== null) {
      try {
        const init = (await resolveTask(initializer)) as Callable;
        const done = init(...initargs);
        if (isThenable(done)) await done;
      } catch (error) {
        backend().writeStderr(`Exception in initializer:\n${describe(error)}\n`);
        breakPool(pool, BROKEN_INITIALIZER);
        return;
      }
    }
    const tasks = new Map<number, Callable>();
    for (;;) {
      let item = popWork(pool);
      if (item === 0) item = await waitForWork(pool);
      if (item === 0) return;
      const pending = runItem(item, slot, tasks);
      if (pending !== undefined) await pending;
    }
  } finally {
    // No crash hook may touch the pool once this thread's reference on it is gone.
    clearCrashHook(currentThread()[HANDLE].address);
    releasePool(pool);
  }
}

registerBuiltinTask(POOL_WORKER_TASK, poolWorker as (...args: unknown[]) => unknown);
