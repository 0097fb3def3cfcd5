/**
 * What each thread is blocked in, where every other thread can read it: the wait fields of the
 * thread's record (threading/thread-record.ts). A blocking call that is about to wait — after
 * its fast path failed — calls {@link beginWait} with the kind of wait and the object's address,
 * and {@link endWait} when the wait is over. Nothing here runs on a fast path: an uncontended
 * acquire, a get from a non-empty queue or a set event never get here.
 *
 * The fields follow a sequence protocol (as a seqlock): the waiter writes kind, object, flags
 * and start time while `waitSeq` is even, then bumps it to odd; at the end it bumps it back to
 * even. A reader that sees the same odd `waitSeq` before and after reading the fields read one
 * wait, consistently, and knows the thread was in that wait all along — which is what
 * `dumpThreads` and the deadlock detector need, with no help from the waiting thread.
 *
 * Sync waits are recorded (a thread blocked in one cannot be in another); an `…Async` wait
 * leaves its thread's event loop free, and the thread shows as running — except a pool thread's
 * wait for work, the one thing that thread does (a sync wait its loop runs meanwhile nests).
 * A trace shows `…Async` waits too, as async spans of the thread that awaits
 * ({@link beginAsyncWait}, {@link endAsyncWait}).
 */
import { freeValue, storeValue } from '../codec';
import { Root } from '../roots';
import { backend } from '../runtime';
import { currentThreadOrUndefined } from '../threading/current';
import { THREAD } from '../threading/thread';
import { Field } from '../threading/thread-record';
import { loadField, storeField } from '../fields';
import { watchForDeadlock } from './deadlock-watch';
import { describeWait } from './describe';
import { flushTraceIfStale, traceAsyncSpan, traceNow, traceSpan, tracing } from './trace';

/** What a thread waits in. The numbers are stored in the record's `waitKind` cell. */
export const WaitKind = {
  none: 0,
  lock: 1,
  rlock: 2,
  condition: 3,
  event: 4,
  semaphore: 5,
  barrier: 6,
  join: 7,
  queueGet: 8,
  queuePut: 9,
  queueJoin: 10,
  futureResult: 11,
  futuresWait: 12,
  sleep: 13,
  asCompleted: 14,
  /** A pool thread with no work, awaiting some (an async wait: the pool thread's only activity). */
  executorIdle: 15,
} as const;

/** A {@link WaitKind} value. */
export type WaitKindValue = (typeof WaitKind)[keyof typeof WaitKind];

/** Flag bit of `waitFlags`: the wait has a timeout. */
export const TIMED = 1;
/** Flag bit of `waitFlags`: the deadlock watch has reported this wait in a cycle (set by the reporter). */
export const REPORTED = 2;
/** Flag bit of `waitFlags`: this wait must not raise DeadlockError (a Condition's lock re-acquire). */
export const NO_RAISE = 4;
/** Flag bit of `waitFlags`: 'raise' mode chose this wait to break a cycle that a {@link NO_RAISE} wait closed. */
export const VICTIM = 8;

/** > 0 while this thread re-acquires a Condition's lock ({@link withoutDeadlockRaise}). */
let noRaise = 0;

/**
 * Runs `body` (a Condition's lock re-acquire) with its waits exempt from raising DeadlockError:
 * `Condition.wait` must return with the lock held, or the caller's `using` breaks. A cycle such
 * a wait closes is broken in another thread of it instead (see deadlock-watch.ts).
 */
export function withoutDeadlockRaise<T>(body: () => T): T {
  noRaise += 1;
  try {
    return body();
  } finally {
    noRaise -= 1;
  }
}

/** True when the wait of `token` was chosen to break a cycle ('raise' mode; its poll reads this). */
export function isDeadlockVictim(token: WaitToken): boolean {
  return token.record !== 0 && (loadField(token.record, Field.waitFlags) & VICTIM) !== 0;
}

/** A previous wait, restored by {@link endWait} when waits nest (a Condition's lock re-acquire). */
interface Saved {
  readonly kind: number;
  readonly object: number;
  readonly flags: number;
  readonly since: number;
}

/** The calling thread's record, or 0 where no threadkit thread runs (a supervisor). */
function ownRecord(): number {
  const thread = currentThreadOrUndefined();
  return thread === undefined ? 0 : thread[THREAD].record;
}

/** A token for {@link endWait}: the record written, and the wait it interrupted, if any. */
export interface WaitToken {
  readonly record: number;
  readonly saved: Saved | undefined;
  /** When a trace is on: when the wait began (µs), else 0. */
  readonly traced: number;
  /** When a trace is on: what the wait is in (`Lock.acquire <Lock locked> 0x…`). */
  readonly what: string;
}

const NOTHING: WaitToken = { record: 0, saved: undefined, traced: 0, what: '' };

/** The trace span's name of a wait: the dump's description and the object's address. */
function traceName(kind: number, object: number): string {
  const what = describeWait({ seq: 1, kind, object, timed: false, since: 0 });
  return object === 0 ? what : `${what} 0x${(object >>> 0).toString(16)}`;
}

/**
 * Records that the calling thread now blocks in a wait of `kind` on the object at `address`
 * (`timed`: it has a timeout). When the deadlock watch is on and this wait closes a cycle, it
 * warns, or throws `DeadlockError` (the wait is then already ended). Returns the token for
 * {@link endWait}.
 */
export function beginWait(kind: WaitKindValue, address: number, timed: boolean): WaitToken {
  const record = ownRecord();
  if (record === 0) return NOTHING;
  let traced = 0;
  let what = '';
  if (tracing()) {
    // Before this wait is written: handing events over may itself wait on the tracer's queue.
    what = traceName(kind, address);
    flushTraceIfStale();
    traced = traceNow();
  }
  const b = backend();
  const i32 = b.heap.i32;
  const at = record >> 2;
  let seq = Atomics.load(i32, at + Field.waitSeq / 4);
  let saved: Saved | undefined;
  if ((seq & 1) !== 0) {
    // Nested (a wait inside a wait's bookkeeping): end the outer one for now, restore it after.
    saved = {
      kind: i32[at + Field.waitKind / 4],
      object: i32[at + Field.waitObject / 4],
      flags: i32[at + Field.waitFlags / 4],
      since: b.heap.f64[(record + Field.waitSince) >> 3],
    };
    Atomics.store(i32, at + Field.waitSeq / 4, ++seq);
  }
  write(record, kind, address, (timed ? TIMED : 0) | (noRaise > 0 ? NO_RAISE : 0), Date.now());
  if (Atomics.load(i32, Root.waitStacks >> 2) !== 0) saveStack(record);
  Atomics.store(i32, at + Field.waitSeq / 4, seq + 1);
  const token = { record, saved, traced, what };
  if (Atomics.load(i32, Root.deadlockMode >> 2) !== 0 && isOwnershipWait(kind)) {
    // Throws DeadlockError in 'raise' mode, after ending this wait (while no other thread can look).
    watchForDeadlock(record, () => endWait(token), noRaise === 0);
  }
  return token;
}

/** Records that the wait begun with `token` is over. */
export function endWait(token: WaitToken): void {
  const record = token.record;
  if (record === 0) return;
  if (token.traced !== 0) traceSpan(token.what, 'wait', token.traced);
  const i32 = backend().heap.i32;
  const at = record >> 2;
  const seq = Atomics.add(i32, at + Field.waitSeq / 4, 1) + 1;
  if (loadField(record, Field.waitStack) !== 0) dropStack(record);
  const saved = token.saved;
  if (saved !== undefined) {
    write(record, saved.kind, saved.object, saved.flags, saved.since);
    Atomics.store(i32, at + Field.waitSeq / 4, seq + 1);
  }
}

/** A traced `…Async` wait: when it began, and what it waits in (named when it began, as a sync wait's span is). */
export interface AsyncWaitToken {
  readonly started: number;
  readonly what: string;
}

/**
 * An `…Async` wait of `kind` on the object at `address`, whose fast path failed, is about to
 * park: when a trace is on, returns the token for {@link endAsyncWait}, else undefined (the off
 * cost: one read of a shared cell).
 */
export function beginAsyncWait(kind: WaitKindValue, address: number): AsyncWaitToken | undefined {
  return tracing() ? { started: traceNow(), what: traceName(kind, address) } : undefined;
}

/**
 * The `…Async` wait of `token` is over: the trace gets an async span on this thread's track,
 * in category `await` (the thread's event loop was free meanwhile). Nothing when untraced.
 */
export function endAsyncWait(token: AsyncWaitToken | undefined): void {
  if (token !== undefined) traceAsyncSpan(token.what, 'await', token.started);
}

/** True for the waits whose object has an owner: a Lock, an RLock, a thread being joined. */
export function isOwnershipWait(kind: number): boolean {
  return kind === WaitKind.lock || kind === WaitKind.rlock || kind === WaitKind.join;
}

function write(record: number, kind: number, object: number, flags: number, since: number): void {
  const b = backend();
  storeField(record, Field.waitKind, kind);
  storeField(record, Field.waitObject, object);
  storeField(record, Field.waitFlags, flags);
  b.heap.f64[(record + Field.waitSince) >> 3] = since;
}

/** Stores the caller's JS stack (without the library's frames) in the record's stack field. */
function saveStack(record: number): void {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  // The library's own frames go; a self-contained target's frames (evaluated code) stay.
  const user = lines.filter((line) => line.includes('<anonymous>') || !/[\\/](api|backend-\w+)[\\/](dist|src)[\\/]/.test(line));
  const text = (user.length > 0 ? user : lines).map((line) => line.trim()).join('\n');
  let block: number;
  try {
    block = storeValue(text);
  } catch {
    return; // a full heap: the dump goes without this stack
  }
  const b = backend();
  b.lockAcquire(record + Field.nameLock, Infinity);
  const old = loadField(record, Field.waitStack);
  storeField(record, Field.waitStack, block);
  b.lockRelease(record + Field.nameLock);
  if (old !== 0) freeValue(old);
}

function dropStack(record: number): void {
  const b = backend();
  b.lockAcquire(record + Field.nameLock, Infinity);
  const old = loadField(record, Field.waitStack);
  storeField(record, Field.waitStack, 0);
  b.lockRelease(record + Field.nameLock);
  if (old !== 0) freeValue(old);
}

/**
 * Makes blocking waits record the JS stack where they blocked, for `dumpThreads()` (off by
 * default; `THREADKIT_STACKS=1` turns it on at start). It costs a stack capture and a small
 * allocation per wait that blocks — never on a fast path. Process-wide: every thread sees it.
 * While on, an executor's task error also ends with the stack of its own `submit` call (off,
 * with the stack of the first `submit` of that function on that executor).
 */
export function setDumpStacks(enabled: boolean): void {
  Atomics.store(backend().heap.i32, Root.waitStacks >> 2, enabled ? 1 : 0);
}

/** True while stacks are recorded ({@link setDumpStacks}, `THREADKIT_STACKS=1`). */
export function stacksOn(): boolean {
  return Atomics.load(backend().heap.i32, Root.waitStacks >> 2) !== 0;
}

