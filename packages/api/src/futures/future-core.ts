/**
 * The future block: a `Future`'s whole state in the shared heap, and the address-level
 * operations on it. Any thread may complete a future and any thread may wait on it; the
 * `Future` class (future.ts) is a per-thread view over these functions, and the executor's
 * pool threads call them directly on the address (no JS object per task).
 *
 * Block layout (64 bytes, i32 cells, byte offsets):
 *   +0  lock      core lock guarding state/outcome/value/waiters
 *   +4  state     PENDING | RUNNING | CANCELLED | CANCELLED_AND_NOTIFIED | FINISHED
 *   +8  seq       bumped on every transition a waiter cares about (not PENDING→RUNNING);
 *                 `result()` waiters wait on it (parking/word.ts)
 *   +12 outcome   0 none, 1 result, 2 exception
 *   +16 value     codec value address of the result or exception (0 none)
 *   +20 waiters   first link of the `wait()`/`asCompleted()` waiter list (link: +0 next, +4 waiter)
 *   +24 refs      references: one per thread view holding it, one per stored value naming it,
 *                 one while queued/running in an executor
 *   +28 next      executor work queue link; while running, the future this pool thread set
 *                 aside to run it (fork-join.ts), 0 for a task the thread took from its loop
 *   +32 task      executor: address of the interned task spec value
 *   +36 args      executor: codec value address of the call's arguments (0 none; freed when the
 *                 call starts or the future is cancelled)
 *   +40 id        the future's process-wide id: a view that let go of the block (its state was
 *                 final) recognises a later receipt of it, or of a new block made for the same
 *                 future, by this id (see `Future[SAME_AT]`)
 *   +44 control   executor: address of the task's control block (`submitWith`'s options, see
 *                 task-control.ts): the bytes right after this block, in its allocation; 0 for a
 *                 plain `submit`
 *   +48 queuedAt  executor: f64, when it was queued (executor-stats.ts `sharedNow()`)
 *   +56 prev      executor: the previous (older) future in a pool thread's own work deque
 *                 (work-deque.ts)
 *   +60 pool      executor: the pool block it was submitted to (0: not an executor's), so a
 *                 pool thread waiting on it knows it may help its own pool (fork-join.ts)
 *
 * A waiter block (see waiter.ts) is one cell that every watched future bumps and wakes when
 * it reaches CANCELLED_AND_NOTIFIED or FINISHED, so `wait()` parks once for many futures.
 */
import { backend } from '../runtime';
import type { Backend } from '../spi';
import { SpareBlocks } from '../spare-blocks';
import { freeValue, loadValue, storeResult, storeValue } from '../codec';
import { ROOT, Root } from '../roots';
import { RuntimeError } from '../errors';
import { waitWord, waitWordAsync, wakeWord } from '../parking/word';
import { addField, exchangeField, loadField, storeField, subField } from '../fields';

/** Future states, as CPython's `_base` names them. */
export const PENDING = 0;
export const RUNNING = 1;
export const CANCELLED = 2;
export const CANCELLED_AND_NOTIFIED = 3;
export const FINISHED = 4;

/** CPython's state names, for InvalidStateError messages. */
export const STATE_NAMES = ['PENDING', 'RUNNING', 'CANCELLED', 'CANCELLED_AND_NOTIFIED', 'FINISHED'] as const;
/** CPython's `_STATE_TO_DESCRIPTION_MAP`, for repr. */
export const STATE_DESCRIPTIONS = ['pending', 'running', 'cancelled', 'cancelled', 'finished'] as const;

/** Outcome kinds. */
export const RESULT = 1;
export const EXCEPTION = 2;

/** Byte offsets inside a future block. */
export const F = {
  lock: 0,
  state: 4,
  seq: 8,
  outcome: 12,
  value: 16,
  waiters: 20,
  refs: 24,
  next: 28,
  task: 32,
  args: 36,
  id: 40,
  control: 44,
  queuedAt: 48,
  prev: 56,
  pool: 60,
} as const;

/** Bytes of a future block (an executor's task with `submitWith` options has its control block right after, in the same allocation). */
export const FUTURE_BYTES = 64;
/** Bytes of an executor task's control block (task-control.ts), right after its future block in the same allocation. */
export const CONTROL_BYTES = 16;
const LINK_BYTES = 8;

/** A new process-wide future id (never 0; wraps after 2^32 futures). */
export function nextFutureId(): number {
  return (addField(ROOT, Root.futureIdCounter, 1) + 1) | 0 || nextFutureId();
}

/**
 * Allocates a future block holding `refs` references, for the future `id`, in `state` (PENDING
 * by default) with `outcome` and the stored `value` (which the block then owns), and, `withControl`,
 * a control block of {@link CONTROL_BYTES} after it in the same allocation (an executor task's).
 */
export function allocFuture(refs: number, id: number, state = PENDING, outcome = 0, value = 0, withControl = false): number {
  const b = backend();
  const bytes = withControl ? FUTURE_BYTES + CONTROL_BYTES : FUTURE_BYTES;
  const address = takeSpareBlock(b, withControl ? controlSpares : plainSpares, bytes) || b.alloc(bytes);
  // Plain writes: no other thread knows the block yet, and the atomic write that publishes its
  // address (a queue's link, a field) makes them visible to whoever reads it.
  const i32 = b.heap.i32;
  const at = address >> 2;
  i32[at + (F.refs >> 2)] = refs;
  i32[at + (F.id >> 2)] = id;
  i32[at + (F.outcome >> 2)] = outcome;
  i32[at + (F.value >> 2)] = value;
  i32[at + (F.state >> 2)] = state;
  return address;
}

/** Adds a reference to the block. */
export function retainFuture(address: number): void {
  addField(address, F.refs, 1);
}

/** Drops a reference; the last one frees the block, its stored values and waiter links. */
export function releaseFuture(address: number): void {
  const b = backend();
  if (subField(address, F.refs, 1) !== 1) return;
  const value = loadField(address, F.value);
  if (value !== 0) freeValue(value);
  const args = loadField(address, F.args);
  if (args !== 0) freeValue(args);
  let link = loadField(address, F.waiters);
  while (link !== 0) {
    const next = loadField(link, 0);
    b.free(link);
    link = next;
  }
  // A task's control block is made with its future, and its address is never cleared.
  (loadField(address, F.control) !== 0 ? controlSpares : plainSpares).keep(b, address);
}

/**
 * Future blocks the main thread let go of, kept for its next futures — a loop that submits and
 * reads results then takes the heap's lock for neither: plain ones, and ones with a control block.
 * On the main thread only: a pool thread may be killed (a hard stop) with its spares.
 */
const plainSpares = new SpareBlocks(64, true);
const controlSpares = new SpareBlocks(64, true);

/** A spare block of `bytes` from `spares`, zeroed as `alloc` would give it, or 0. */
function takeSpareBlock(b: Backend, spares: SpareBlocks, bytes: number): number {
  const address = spares.take(b);
  if (address !== 0) b.heap.u8.fill(0, address, address + bytes);
  return address;
}

/** True in CANCELLED, CANCELLED_AND_NOTIFIED and FINISHED: what `done()` reports. */
export function isDone(state: number): boolean {
  return state >= CANCELLED;
}

/**
 * True in CANCELLED_AND_NOTIFIED and FINISHED: what `wait()`/`asCompleted()` count as done, and
 * the final states (nothing changes a future in them).
 */
export function isSettled(state: number): boolean {
  return state === CANCELLED_AND_NOTIFIED || state === FINISHED;
}

function lock(address: number): void {
  backend().lockAcquire(address + F.lock, Infinity);
}

function unlock(address: number): void {
  backend().lockRelease(address + F.lock);
}

/** Bumps `seq` (lock held). With `settle`, also signals every installed waiter. */
function publish(address: number, settle: boolean): void {
  addField(address, F.seq, 1);
  if (!settle) return;
  for (let link = loadField(address, F.waiters); link !== 0; link = loadField(link, 0)) {
    const waiter = loadField(link, 4);
    addField(waiter, 0, 1);
    wakeWord(waiter);
  }
}

/** Wakes the threads waiting on `seq` (after unlocking; `seq` is already bumped). */
function wakeSleepers(address: number): void {
  wakeWord(address + F.seq);
}

/**
 * `Future.cancel()`: PENDING → CANCELLED (true); already cancelled → true; RUNNING or
 * FINISHED → false. Wakes `result()` waiters; `wait()` waiters hear of it only once the
 * executor calls {@link startOrNotify}, as in CPython. A cancelled executor call's arguments
 * are freed at once (the call never starts; only a RUNNING future's are read).
 */
export function cancelFuture(address: number): boolean {
  lock(address);
  const state = loadField(address, F.state);
  if (state === RUNNING || state === FINISHED) {
    unlock(address);
    return false;
  }
  let args = 0;
  if (state === PENDING) {
    storeField(address, F.state, CANCELLED);
    args = exchangeField(address, F.args, 0);
    publish(address, false);
  }
  unlock(address);
  wakeSleepers(address);
  if (args !== 0) freeValue(args);
  return true;
}

/**
 * `set_running_or_notify_cancel()`: CANCELLED → CANCELLED_AND_NOTIFIED, signalling waiters,
 * returns false; PENDING → RUNNING, returns true; in any other state logs CPython's critical
 * line and throws RuntimeError('Future in unexpected state').
 */
export function startOrNotify(address: number): boolean {
  lock(address);
  const state = loadField(address, F.state);
  if (state === PENDING) {
    storeField(address, F.state, RUNNING);
    unlock(address);
    return true;
  }
  if (state === CANCELLED) {
    storeField(address, F.state, CANCELLED_AND_NOTIFIED);
    publish(address, true);
    unlock(address);
    wakeSleepers(address);
    return false;
  }
  unlock(address);
  throw unexpectedState(loadField(address, F.id), state);
}

/** Logs CPython's critical line for `set_running_or_notify_cancel` and returns its error. */
export function unexpectedState(id: number, state: number): RuntimeError {
  backend().writeStderr(`Future ${id >>> 0} in unexpected state: ${STATE_NAMES[state]}\n`);
  return new RuntimeError('Future in unexpected state');
}

/**
 * Moves the future to FINISHED with `outcome` and the stored `value` (the block takes
 * ownership of it). Returns -1 on success, or the current state when the future is already
 * done (the caller keeps ownership of `value` and raises InvalidStateError).
 */
export function completeFuture(address: number, outcome: number, value: number): number {
  lock(address);
  const state = loadField(address, F.state);
  if (isDone(state)) {
    unlock(address);
    return state;
  }
  storeField(address, F.value, value);
  storeField(address, F.outcome, outcome);
  storeField(address, F.state, FINISHED);
  publish(address, true);
  unlock(address);
  wakeSleepers(address);
  return -1;
}

/**
 * {@link completeFuture} with a JS value: stores `value` (when it cannot be copied, the future
 * fails with the codec's error instead); a future already done keeps its outcome.
 */
export function completeWith(address: number, outcome: number, value: unknown): void {
  let stored: number;
  try {
    stored = storeResult(value);
  } catch (error) {
    outcome = EXCEPTION;
    try {
      stored = storeValue(error);
    } catch {
      stored = storeValue(new TypeError(String(error)));
    }
  }
  if (completeFuture(address, outcome, stored) !== -1) freeValue(stored);
}

const NO_ARGS: unknown[] = [];

/** An executor call's decoded arguments; the stored copy is freed at once (only the call reads it). */
export function takeArgs(address: number): unknown[] {
  const args = exchangeField(address, F.args, 0);
  if (args === 0) return NO_ARGS;
  const values = loadValue(args) as unknown[];
  freeValue(args);
  return values;
}

/** Installs the waiter cell `waiter` on the future. */
export function addWaiter(address: number, waiter: number): void {
  const b = backend();
  const link = b.alloc(LINK_BYTES);
  storeField(link, 4, waiter);
  lock(address);
  storeField(link, 0, loadField(address, F.waiters));
  storeField(address, F.waiters, link);
  unlock(address);
}

/** Removes the waiter cell `waiter` from the future (no-op when absent). */
export function removeWaiter(address: number, waiter: number): void {
  const b = backend();
  lock(address);
  let prev = address + F.waiters;
  for (let link = loadField(address, F.waiters); link !== 0; link = loadField(link, 0)) {
    if (loadField(link, 4) === waiter) {
      storeField(prev, 0, loadField(link, 0));
      unlock(address);
      b.free(link);
      return;
    }
    prev = link;
  }
  unlock(address);
}

/**
 * Waits until the future is done or `deadline` (a `performance.now()` time, Infinity = never)
 * passes; returns the state seen last. Reads `seq` before the state, so a completion after the
 * state check changes `seq` and the wait returns at once.
 */
export function parkUntilDone(address: number, deadline: number): number {
  for (;;) {
    const seq = loadField(address, F.seq);
    const state = loadField(address, F.state);
    if (isDone(state)) return state;
    const remaining = deadline === Infinity ? Infinity : deadline - performance.now();
    if (remaining <= 0) return state;
    waitWord(address + F.seq, seq, remaining);
  }
}

/** {@link parkUntilDone} without blocking the event loop; keeps the process alive while pending. */
export async function parkUntilDoneAsync(address: number, deadline: number): Promise<number> {
  for (;;) {
    const seq = loadField(address, F.seq);
    const state = loadField(address, F.state);
    if (isDone(state)) return state;
    const remaining = deadline === Infinity ? Infinity : deadline - performance.now();
    if (remaining <= 0) return state;
    await waitWordAsync(address + F.seq, seq, remaining);
  }
}
