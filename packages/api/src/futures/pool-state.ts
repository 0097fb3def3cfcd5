/**
 * A thread pool's shared state: the work queue, the idle-thread count and the flags, in one
 * heap block that the owner and every pool thread (each in its own isolate) see.
 *
 * The work queue is intrusive: a work item is the future block itself (its `next`, `task` and
 * `args` cells, see future-core.ts), so a submit costs one allocation for the future, one for
 * the encoded arguments, and one short critical section.
 *
 * Pool block layout (48 bytes, i32 cells, byte offsets):
 *   +0  lock      core lock guarding the queue, `flags` transitions and draining
 *   +4  head      first queued future block (0 = empty)
 *   +8  tail      last queued future block
 *   +12 count     queued items (read without the lock as a hint)
 *   +16 seq       park cell of idle pool threads; odd while a wake-up is pending (signalSleeper)
 *   +20 sleepers  pool threads parked on `seq`
 *   +24 idle      CPython's `_idle_semaphore` value: released by a thread finding no work,
 *                 taken by `submit` instead of starting a thread
 *   +28 flags     SHUTDOWN | BROKEN_INITIALIZER | BROKEN_THREAD_DIED
 *   +32 refs      owner + each started pool thread (the owner drops its once shut down with its
 *                 threads gone; a pool thread drops its on the way out, or its crash hook does)
 *   +36 specs     first interned task-spec node (node: +0 next, +4 codec value address)
 *   +40 slots     address of the per-thread slots (slot i: the future thread i is running, or 0)
 *   +44 spinning  1 while an idle pool thread polls the queue before parking (at most one does)
 */
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { F, cell } from './future-core';

/** Byte offsets inside a pool block. */
export const P = {
  lock: 0,
  head: 4,
  tail: 8,
  count: 12,
  seq: 16,
  sleepers: 20,
  idle: 24,
  flags: 28,
  refs: 32,
  specs: 36,
  slots: 40,
  spinning: 44,
} as const;

/** `flags`: shutdown() was called. */
export const SHUTDOWN = 1;
/** `flags`: an initializer failed; the pool is unusable. */
export const BROKEN_INITIALIZER = 2;
/** `flags`: a pool thread died (its worker exited abruptly); the pool is unusable. */
export const BROKEN_THREAD_DIED = 4;
/** `flags`: any broken state. */
export const BROKEN = BROKEN_INITIALIZER | BROKEN_THREAD_DIED;

const POOL_BYTES = 48;
const SLOT_BYTES = 4;
const NODE_BYTES = 8;
const ALL = 0x7fffffff;
/** Polls of the queue before an idle pool thread parks (keeps bursts off the park path). */
const SPIN = 2000;

function i32(): Int32Array {
  return backend().heap.i32;
}

function set(address: number, offset: number, value: number): void {
  Atomics.store(i32(), (address + offset) >> 2, value);
}

/** Allocates a pool block with room for `maxWorkers` thread slots; the owner holds one ref. */
export function allocPool(maxWorkers: number): number {
  const b = backend();
  const pool = b.alloc(POOL_BYTES);
  set(pool, P.slots, b.alloc(maxWorkers * SLOT_BYTES));
  set(pool, P.refs, 1);
  return pool;
}

/** Adds a reference (a pool thread about to start). */
export function retainPool(pool: number): void {
  Atomics.add(i32(), (pool + P.refs) >> 2, 1);
}

/** Drops a reference; the last frees the block, its slots and interned specs. */
export function releasePool(pool: number): void {
  const b = backend();
  if (Atomics.sub(i32(), (pool + P.refs) >> 2, 1) !== 1) return;
  let node = cell(pool, P.specs);
  while (node !== 0) {
    const next = cell(node, 0);
    freeValue(cell(node, 4));
    b.free(node);
    node = next;
  }
  b.free(cell(pool, P.slots));
  b.free(pool);
}

/** Records the stored task spec `value` so it is freed with the pool; returns `value`. */
export function internSpec(pool: number, value: number): number {
  const node = backend().alloc(NODE_BYTES);
  set(node, 4, value);
  backend().lockAcquire(pool + P.lock, Infinity);
  set(node, 0, cell(pool, P.specs));
  set(pool, P.specs, node);
  backend().lockRelease(pool + P.lock);
  return value;
}

/** Address of pool thread `index`'s slot. */
export function slotOf(pool: number, index: number): number {
  return cell(pool, P.slots) + index * SLOT_BYTES;
}

/**
 * Queues `future` unless the pool is shut down or broken; returns the flags that refused it,
 * or 0 when queued. Wakes one parked pool thread if any sleeps and none is spinning.
 */
export function pushWork(pool: number, future: number): number {
  const b = backend();
  b.lockAcquire(pool + P.lock, Infinity);
  const flags = cell(pool, P.flags);
  if (flags !== 0) {
    b.lockRelease(pool + P.lock);
    return flags;
  }
  const tail = cell(pool, P.tail);
  set(future, F.next, 0);
  if (tail === 0) set(pool, P.head, future);
  else set(tail, F.next, future);
  set(pool, P.tail, future);
  Atomics.add(i32(), (pool + P.count) >> 2, 1);
  b.lockRelease(pool + P.lock);
  if (cell(pool, P.spinning) === 0) signalSleeper(pool);
  return 0;
}

/**
 * Wakes one parked pool thread, unless none sleeps or a wake-up is already pending: `seq` is
 * odd while a wake-up is pending, and the first sleeper to see it odd takes it (makes it even)
 * before checking the queue. Sleepers park only on an even `seq`, so a pending wake-up never
 * waits with nobody to take it, and a burst of submits costs one wake-up, not one each.
 */
function signalSleeper(pool: number): void {
  const a = i32();
  if (Atomics.load(a, (pool + P.sleepers) >> 2) === 0) return;
  const index = (pool + P.seq) >> 2;
  const seq = Atomics.load(a, index);
  if ((seq & 1) !== 0 || Atomics.compareExchange(a, index, seq, seq + 1) !== seq) return;
  backend().unpark(pool + P.seq, 1);
}

/** A sleeper's view of `seq`: takes a pending wake-up if there is one; returns the even value. */
function takeSignal(pool: number): number {
  const a = i32();
  const index = (pool + P.seq) >> 2;
  for (;;) {
    const seq = Atomics.load(a, index);
    if ((seq & 1) === 0) return seq;
    if (Atomics.compareExchange(a, index, seq, seq + 1) === seq) return seq + 1;
  }
}

/** Takes the first queued future, or 0 when the queue is empty. */
export function popWork(pool: number): number {
  if (cell(pool, P.count) === 0) return 0;
  const b = backend();
  b.lockAcquire(pool + P.lock, Infinity);
  const head = cell(pool, P.head);
  if (head !== 0) {
    const next = cell(head, F.next);
    set(pool, P.head, next);
    if (next === 0) set(pool, P.tail, 0);
    Atomics.sub(i32(), (pool + P.count) >> 2, 1);
  }
  b.lockRelease(pool + P.lock);
  return head;
}

/** Sets `flag` and takes every queued future (for shutdown's cancel and a broken pool). */
export function flagAndDrain(pool: number, flag: number, drain: boolean): number[] {
  const b = backend();
  b.lockAcquire(pool + P.lock, Infinity);
  set(pool, P.flags, cell(pool, P.flags) | flag);
  const items: number[] = [];
  if (drain) {
    for (let item = cell(pool, P.head); item !== 0; item = cell(item, F.next)) items.push(item);
    set(pool, P.head, 0);
    set(pool, P.tail, 0);
    set(pool, P.count, 0);
  }
  b.lockRelease(pool + P.lock);
  wakeAll(pool);
  return items;
}

/** Wakes every parked pool thread (after a flag change); keeps `seq`'s parity. */
export function wakeAll(pool: number): void {
  Atomics.add(i32(), (pool + P.seq) >> 2, 2);
  backend().unpark(pool + P.seq, ALL);
}

/** Takes one idle-thread permit if there is one (CPython's `_idle_semaphore.acquire(timeout=0)`). */
export function takeIdle(pool: number): boolean {
  const a = i32();
  const index = (pool + P.idle) >> 2;
  for (let idle = Atomics.load(a, index); idle > 0; idle = Atomics.load(a, index)) {
    if (Atomics.compareExchange(a, index, idle, idle - 1) === idle) return true;
  }
  return false;
}

/**
 * For a pool thread that found the queue empty: releases an idle permit, then waits for work.
 * Returns the next future, or 0 once the pool is shut down (or broken) and the queue is empty.
 * At most one idle thread spins (polls the queue briefly, so a burst of submits costs no
 * wake-ups: `pushWork` skips the unpark while a spinner is there); the others park at once,
 * with `parkAsync` so the thread's event loop keeps running while it is idle.
 */
export async function waitForWork(pool: number): Promise<number> {
  const a = i32();
  const spinning = (pool + P.spinning) >> 2;
  const sleepers = (pool + P.sleepers) >> 2;
  Atomics.add(a, (pool + P.idle) >> 2, 1);
  if (Atomics.compareExchange(a, spinning, 0, 1) === 0) {
    for (let spin = 0; spin < SPIN; spin++) {
      if (Atomics.load(a, (pool + P.count) >> 2) === 0 && Atomics.load(a, (pool + P.flags) >> 2) === 0) continue;
      const item = popWork(pool);
      if (item !== 0 || cell(pool, P.flags) !== 0) {
        Atomics.store(a, spinning, 0);
        return item !== 0 ? item : popWork(pool);
      }
    }
    // Register as a sleeper before leaving the spinner's post, so a producer that saw the
    // spinner is still seen by the check below.
    Atomics.add(a, sleepers, 1);
    Atomics.store(a, spinning, 0);
  } else {
    Atomics.add(a, sleepers, 1);
  }
  const b = backend();
  for (;;) {
    const seq = takeSignal(pool);
    const item = popWork(pool);
    if (item !== 0 || cell(pool, P.flags) !== 0) {
      Atomics.sub(a, sleepers, 1);
      if (item === 0) return popWork(pool);
      // More work than this thread: pass the wake-up on.
      if (cell(pool, P.count) > 0) signalSleeper(pool);
      return item;
    }
    await b.parkAsync(pool + P.seq, seq, Infinity, true);
  }
}
