/**
 * `maxQueue` backpressure for `ThreadPoolExecutor` (beyond Python): while the pool's queue holds
 * `maxQueue` futures, a submit waits for room — `submit` blocking its thread, `submitAsync`
 * without blocking the event loop. A waiting submitter counts itself in the pool's `roomWaiters`
 * before it looks, and a pop that makes room bumps the `room` cell and wakes it only when someone
 * waits (pool-block.ts), so an unbounded pool pays one load per pop. Shutting the pool down wakes
 * every waiter, which then gets the executor's error.
 */
import { addField, loadField } from '../fields';
import { mustBlock } from '../runtime';
import { waitWord, waitWordAsync } from '../parking/word';
import { Pool } from './pool-block';
import { FULL, pushWork } from './work-queue';

/** Checks the `maxQueue` option: undefined, 0 or Infinity mean no bound; returns the pool's field value. */
export function maxQueueOption(maxQueue: unknown): number {
  if (maxQueue === undefined || maxQueue === Infinity) return 0;
  if (typeof maxQueue !== 'number' || !Number.isInteger(maxQueue)) throw new TypeError('maxQueue must be an integer');
  if (maxQueue < 0) throw new RangeError('maxQueue must be greater than or equal to 0');
  if (maxQueue > 0x7fffffff) throw new RangeError('maxQueue is too large');
  return maxQueue;
}

/** {@link pushWork}, waiting (blocking this thread) while the queue is full; returns the flags that refused it, or 0. */
export function pushWaiting(pool: number, future: number, priority: number): number {
  let refused = pushWork(pool, future, priority);
  if (refused !== FULL) return refused;
  mustBlock('submitAsync()');
  addField(pool, Pool.roomWaiters, 1);
  try {
    for (;;) {
      const seen = loadField(pool, Pool.room);
      refused = pushWork(pool, future, priority);
      if (refused !== FULL) return refused;
      waitWord(pool + Pool.room, seen, Infinity);
    }
  } finally {
    addField(pool, Pool.roomWaiters, -1);
  }
}

/** {@link pushWaiting} that waits without blocking the event loop. */
export async function pushWaitingAsync(pool: number, future: number, priority: number): Promise<number> {
  let refused = pushWork(pool, future, priority);
  if (refused !== FULL) return refused;
  addField(pool, Pool.roomWaiters, 1);
  try {
    for (;;) {
      const seen = loadField(pool, Pool.room);
      refused = pushWork(pool, future, priority);
      if (refused !== FULL) return refused;
      await waitWordAsync(pool + Pool.room, seen, Infinity);
    }
  } finally {
    addField(pool, Pool.roomWaiters, -1);
  }
}

/**
 * Fulfils a promise with the Future itself. A Future is thenable, and a promise resolved with a
 * thenable adopts it (it would wait for the task's result); `resolve` reads `then` at once, so
 * with `then` hidden for that instant the promise keeps the Future as its value. Only the
 * promise that `resolve` belongs to may carry it: handing it on through another promise (an async
 * function's `return`, a `.then` callback's return) adopts it again.
 */
export function fulfilWithFuture<T extends object>(resolve: (value: T) => void, future: T): void {
  Object.defineProperty(future, 'then', { value: undefined, configurable: true, writable: true });
  try {
    resolve(future);
  } finally {
    delete (future as { then?: unknown }).then;
  }
}
