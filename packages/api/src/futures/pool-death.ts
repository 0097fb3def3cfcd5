/**
 * When a `ThreadPoolExecutor`'s thread ends abnormally or on purpose: the crash hook of a pool
 * thread whose runtime died (killed by a hard stop, `process.exit()`, heap exhaustion) — which
 * breaks the pool (Python's) or replaces the thread — and the hand-over of `maxTasksPerChild`.
 */
import { backend } from '../runtime';
import { BrokenThreadPool, CancelledError, RuntimeError, TimeoutError } from '../errors';
import { loadField, storeField } from '../fields';
import { queued } from '../queue/block-queue';
import { registerBuiltinTask, type TaskSpec } from '../threading/task';
import { currentThread } from '../threading/current';
import { EXCEPTION, F, RUNNING, completeWith, releaseFuture, startOrNotify } from './future-core';
import { BROKEN_INITIALIZER, BROKEN_THREAD_DIED, ON_DEATH_REPLACE, Pool, poolRefs, recordCellOf, slotOf, statsOf } from './pool-block';
import { flagAndDrain } from './work-queue';
import { S, count, taskKilled } from './executor-stats';
import { STOP_SIGNAL, STOP_TIMEOUT, killReason } from './hard-stop';
import { POOL_THREAD_DIED_TASK, startPoolThread } from './pool-threads';
import type { ResourceLimits } from './recycling';

/** BrokenThreadPool's message by broken flag: CPython's for an initializer, ours for a dead thread. */
export const BROKEN_MESSAGES: Readonly<Record<number, string>> = {
  [BROKEN_INITIALIZER]: 'A thread initializer failed, the thread pool is not usable anymore',
  [BROKEN_THREAD_DIED]: 'A thread in the thread pool was terminated abruptly while the future was running or pending.',
};

/** Completes the RUNNING future `item`, clears the running thread's `slot` (0: none) and drops the queue's reference. */
export function finish(item: number, slot: number, outcome: number, value: unknown): void {
  completeWith(item, outcome, value);
  if (slot !== 0) storeField(slot, 0, 0);
  releaseFuture(item);
}

/** Marks the pool broken and fails every queued future with BrokenThreadPool (CPython's `_initializer_failed`); cancelled ones are only notified. */
export function breakPool(pool: number, flag: number): void {
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
  // The future it ran, and those it had set aside to run it while it waited (fork-join.ts).
  for (let item = running, outer; item !== 0; item = outer) {
    outer = loadField(item, F.next);
    if (loadField(item, F.state) !== RUNNING) continue;
    taskKilled(stats, reason === STOP_TIMEOUT ? S.timedOut : reason === STOP_SIGNAL ? S.cancelled : S.failed);
    const error =
      reason === STOP_TIMEOUT ? new TimeoutError('the task ran past its timeout and was stopped (killAfter): its thread was terminated and replaced')
      : reason === STOP_SIGNAL ? new CancelledError('the task was signalled and stopped (killAfter): its thread was terminated and replaced')
      : replace ? new RuntimeError(DIED_REPLACED)
      : new BrokenThreadPool(BROKEN_MESSAGES[BROKEN_THREAD_DIED]);
    finish(item, item === running ? slot : 0, EXCEPTION, error);
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
export function handOver(pool: number, index: number, initializer: TaskSpec | null, initargs: unknown[], limits: ResourceLimits | null): boolean {
  if (loadField(pool, Pool.flags) !== 0 && queued(pool) === 0 && loadField(pool, Pool.forked) === 0) return true;
  try {
    startPoolThread(pool, index, currentThread().name, initializer, initargs, limits);
    return true;
  } catch (error) {
    backend().writeStderr(`threadkit: could not start a pool thread to replace one that reached maxTasksPerChild: ${error instanceof Error ? error.stack : String(error)}\n`);
    return false;
  }
}


registerBuiltinTask(POOL_THREAD_DIED_TASK, poolThreadDied as (...args: unknown[]) => unknown);
