/**
 * The queue operations, written once for every queue kind and for both calling styles.
 *
 * Each operation is a generator that runs with the queue's core lock held. When it has to wait
 * it yields a {@link Wait}: the cell it waits on and the value it read there under the lock.
 * The driver ({@link runSync} or {@link runAsync}) releases the lock, waits while the cell still
 * holds that value (parking/word.ts: a bump between unlock and park is never lost), takes the
 * lock again and resumes the generator, which re-checks its condition — CPython's
 * `Condition.wait` loop on a sequence counter. Changes bump the cells under the lock; the
 * wake-ups happen after the lock is released, and cost one read when nobody waits.
 *
 * Items are encoded before the lock is taken and decoded after it is released: the lock is
 * held only while addresses move. These run on shared queues only; a local queue (`local.ts`)
 * does the same steps in its own memory and comes here once it is shared.
 */
import { traceCounter, tracing } from '../diagnostics/trace';
import { dropHeld, freeValue, type HeldValue, loadValue, storeHeld, storeValue } from '../codec';
import { Empty, Full, ShutDown } from '../errors';
import { backend } from '../runtime';
import { Deadline, queueTimeout } from '../timeout';
import { Cell, drainItems, isFull, maxsizeOf, popItem, pushItem, setMaxsize } from './store';
import { parkAsync, unpark } from '../parking/lot';
import { waitWord, waitWordAsync, wakeWord } from '../parking/word';
import { addField, loadField, storeField } from '../fields';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';

/** A request to wait: wait on `q + cell` while it holds `seen`, for at most `remaining` ms. */
interface Wait {
  readonly cell: number;
  readonly seen: number;
  readonly remaining: number;
}

type Steps<T> = Generator<Wait, T, void>;

/** Unpark count meaning every waiter. */
const ALL = 0x7fffffff;

function wait(q: number, park: number, remaining: number): Wait {
  return { cell: park, seen: loadField(q, park), remaining };
}

function bump(q: number, park: number): void {
  addField(q, park, 1);
}

/** Wakes `count` waiters of a wait cell (one read when nobody waits). */
function wake(q: number, park: number, count: number): void {
  wakeWord(q + park, count);
}

/** Releases the queue's lock, waking an async caller waiting for it (see {@link lockFreed}). */
function unlock(q: number): void {
  backend().lockRelease(q + Cell.LOCK);
  unpark(q + Cell.LOCK, 1);
}

/**
 * Waits, without blocking the event loop, until the queue's lock was released (the caller
 * then tries again). Async callers never hold the lock across an `await` — a lock taken by
 * `lockAcquireAsync` would stay held until the continuation runs, and synchronous code of the
 * same thread that ran in between would deadlock on it — so they try it synchronously and,
 * when it is busy, wait in the parking lot under the lock's address (queued while the lock is
 * still held); every {@link unlock} wakes one of them.
 */
async function lockFreed(q: number): Promise<void> {
  const b = backend();
  await parkAsync(q + Cell.LOCK, () => b.lockLocked(q + Cell.LOCK), undefined, Infinity);
}

/** Runs `steps` with the lock held, blocking the calling thread while it waits. */
function runSync<T>(q: number, steps: Steps<T>): T {
  const b = backend();
  b.lockAcquire(q + Cell.LOCK, Infinity);
  try {
    let step = steps.next();
    while (!step.done) {
      // Views read after each step: a step may allocate, and the heap grow.
      const { cell: park, seen, remaining } = step.value;
      unlock(q);
      const token = beginWait(waitKindOf(park), q, remaining !== Infinity);
      try {
        waitWord(q + park, seen, remaining);
      } finally {
        endWait(token);
      }
      b.lockAcquire(q + Cell.LOCK, Infinity);
      step = steps.next();
    }
    return step.value;
  } finally {
    unlock(q);
  }
}

/** {@link runSync} without blocking the event loop; the lock is only held between awaits. */
async function runAsync<T>(q: number, steps: Steps<T>): Promise<T> {
  const b = backend();
  for (;;) {
    while (!b.lockAcquire(q + Cell.LOCK, 0)) await lockFreed(q);
    let step: IteratorResult<Wait, T>;
    try {
      step = steps.next();
    } catch (error) {
      unlock(q);
      throw error;
    }
    if (step.done) {
      unlock(q);
      return step.value;
    }
    const { cell: park, seen, remaining } = step.value;
    unlock(q);
    const token = beginAsyncWait(waitKindOf(park), q);
    try {
      await waitWordAsync(q + park, seen, remaining);
    } finally {
      endAsyncWait(token);
    }
  }
}

/** Trace: the queue's size now, as a counter track named after the queue. */
function traceSize(q: number): void {
  traceCounter(`Queue 0x${(q >>> 0).toString(16)}`, 'size', loadField(q, Cell.SIZE));
}

function isShutDown(q: number): boolean {
  return loadField(q, Cell.SHUTDOWN) !== 0;
}

/** `Queue.put`'s body (CPython order of checks), ending with the item stored. */
function* putSteps(q: number, item: number, value: unknown, block: boolean, timeout: number | undefined): Steps<void> {
  if (isShutDown(q)) throw new ShutDown();
  // CPython reads `maxsize` again each time round: another thread may change it meanwhile.
  if (loadField(q, Cell.LIMIT) > 0) {
    if (!block) {
      if (isFull(q)) throw new Full();
    } else {
      const deadline = new Deadline(queueTimeout(timeout));
      while (isFull(q)) {
        const remaining = deadline.remaining();
        if (remaining === 0) throw new Full();
        yield wait(q, Cell.NOT_FULL, remaining);
        if (isShutDown(q)) throw new ShutDown();
      }
    }
  }
  pushItem(q, item, value);
  if (tracing()) traceSize(q);
  addField(q, Cell.UNFINISHED, 1);
  bump(q, Cell.NOT_EMPTY);
}

/** `Queue.get`'s body (CPython order of checks); returns the removed item's address. */
function* getSteps(q: number, block: boolean, timeout: number | undefined): Steps<number> {
  if (isShutDown(q) && loadField(q, Cell.SIZE) === 0) throw new ShutDown();
  if (!block) {
    if (loadField(q, Cell.SIZE) === 0) throw new Empty();
  } else {
    const deadline = new Deadline(queueTimeout(timeout));
    while (loadField(q, Cell.SIZE) === 0) {
      const remaining = deadline.remaining();
      if (remaining === 0) throw new Empty();
      yield wait(q, Cell.NOT_EMPTY, remaining);
      if (isShutDown(q) && loadField(q, Cell.SIZE) === 0) throw new ShutDown();
    }
  }
  const item = popItem(q);
  if (tracing()) traceSize(q);
  bump(q, Cell.NOT_FULL);
  return item;
}

function* joinSteps(q: number): Steps<void> {
  while (loadField(q, Cell.UNFINISHED) > 0) yield wait(q, Cell.ALL_DONE, Infinity);
}

/**
 * A non-blocking put that cannot succeed fails without encoding the item: one atomic read of
 * SIZE (then of the monotonic SHUTDOWN flag) is a valid moment to observe "full".
 */
function failFastNowait(q: number): void {
  if (isFull(q)) {
    if (isShutDown(q)) throw new ShutDown();
    throw new Full();
  }
}

/** Puts `value` (encoded with the codec) into queue `q`. */
export function put(q: number, value: unknown, block: boolean, timeout: number | undefined): void {
  if (!block) failFastNowait(q);
  putStored(q, storeValue(value), value, block, timeout);
}

/** {@link put} for an item a local queue already encoded (`held`, whose value is `value`). */
export function putHeld(q: number, held: HeldValue, value: unknown, block: boolean, timeout: number | undefined): void {
  putStored(q, store(held), value, block, timeout);
}

/** {@link put} as a promise (always blocking, never blocking the event loop). */
export async function putAsync(q: number, value: unknown, timeout: number | undefined): Promise<void> {
  await putStoredAsync(q, storeValue(value), value, timeout);
}

/** {@link putAsync} for an item a local queue already encoded. */
export async function putHeldAsync(q: number, held: HeldValue, value: unknown, timeout: number | undefined): Promise<void> {
  await putStoredAsync(q, store(held), value, timeout);
}

/** Moves a held item into the heap; drops it if that fails. */
function store(held: HeldValue): number {
  try {
    return storeHeld(held);
  } catch (error) {
    dropHeld(held);
    throw error;
  }
}

/** Puts the stored item at `item`: the queue takes it, or it is freed when the put fails. */
function putStored(q: number, item: number, value: unknown, block: boolean, timeout: number | undefined): void {
  try {
    runSync(q, putSteps(q, item, value, block, timeout));
  } catch (error) {
    freeValue(item);
    throw error;
  }
  wake(q, Cell.NOT_EMPTY, 1);
}

async function putStoredAsync(q: number, item: number, value: unknown, timeout: number | undefined): Promise<void> {
  try {
    await runAsync(q, putSteps(q, item, value, true, timeout));
  } catch (error) {
    freeValue(item);
    throw error;
  }
  wake(q, Cell.NOT_EMPTY, 1);
}

function take(q: number, item: number): unknown {
  wake(q, Cell.NOT_FULL, 1);
  try {
    return loadValue(item);
  } finally {
    freeValue(item);
  }
}

/** Removes and returns an item of queue `q`. */
export function get(q: number, block: boolean, timeout: number | undefined): unknown {
  return take(q, runSync(q, getSteps(q, block, timeout)));
}

/** {@link get} as a promise (always blocking, never blocking the event loop). */
export async function getAsync(q: number, timeout: number | undefined): Promise<unknown> {
  return take(q, await runAsync(q, getSteps(q, true, timeout)));
}

/** Runs `body` with the queue's lock held. */
function withLock<T>(q: number, body: () => T): T {
  backend().lockAcquire(q + Cell.LOCK, Infinity);
  try {
    return body();
  } finally {
    unlock(q);
  }
}

/** Python's `task_done`: RangeError('task_done() called too many times') below zero. */
export function taskDone(q: number): void {
  const allDone = withLock(q, () => {
    const unfinished = loadField(q, Cell.UNFINISHED) - 1;
    if (unfinished < 0) throw new RangeError('task_done() called too many times');
    storeField(q, Cell.UNFINISHED, unfinished);
    if (unfinished === 0) bump(q, Cell.ALL_DONE);
    return unfinished === 0;
  });
  if (allDone) wake(q, Cell.ALL_DONE, ALL);
}

/** Blocks until every item put has been marked done. */
export function join(q: number): void {
  runSync(q, joinSteps(q));
}

/** {@link join} as a promise. */
export function joinAsync(q: number): Promise<void> {
  return runAsync(q, joinSteps(q));
}

/** Sets `maxsize` (Python's plain attribute): a queue shrunk below its size keeps its items; blocked puts look again. */
export function changeMaxsize(q: number, maxsize: number): void {
  withLock(q, () => {
    setMaxsize(q, maxsize);
    bump(q, Cell.NOT_FULL);
  });
  wake(q, Cell.NOT_FULL, ALL);
}

/** The queue's maxsize as last set, read under its lock. */
export function currentMaxsize(q: number): number {
  return withLock(q, () => maxsizeOf(q));
}

/** Python 3.13's `shutdown`: later puts raise ShutDown, gets raise it once empty; wakes every waiter. */
export function shutdown(q: number, immediate: boolean): void {
  const drained = withLock(q, () => {
    storeField(q, Cell.SHUTDOWN, 1);
    bump(q, Cell.NOT_EMPTY);
    bump(q, Cell.NOT_FULL);
    if (!immediate) return [];
    // Draining may shrink the slot array (an allocation): read the view after it.
    const items = drainItems(q);
    storeField(q, Cell.UNFINISHED, Math.max(0, loadField(q, Cell.UNFINISHED) - items.length));
    bump(q, Cell.ALL_DONE);
    return items;
  });
  for (const item of drained) freeValue(item);
  if (immediate) wake(q, Cell.ALL_DONE, ALL);
  wake(q, Cell.NOT_EMPTY, ALL);
  wake(q, Cell.NOT_FULL, ALL);
}

/** The diagnostic wait kind of a wait on the queue's cell at `park`. */
function waitKindOf(park: number): (typeof WaitKind)['queueGet' | 'queuePut' | 'queueJoin'] {
  return park === Cell.NOT_FULL ? WaitKind.queuePut : park === Cell.ALL_DONE ? WaitKind.queueJoin : WaitKind.queueGet;
}
