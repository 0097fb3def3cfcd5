/**
 * A thread pool's shared state: the work queue, the idle-thread count and the flags, in one
 * heap block that the owner and every pool thread (each in its own isolate) see.
 *
 * The work queue is intrusive: a work item is the future block itself (its `next`, `task` and
 * `args` cells, see future-core.ts), so a submit costs one allocation for the future, one for
 * the encoded arguments, and one short critical section.
 *
 * Pool block layout (44 bytes, i32 cells, byte offsets):
 *   +0  lock      core lock guarding the queue, `flags` transitions and draining
 *   +4  head      first queued future block (0 = empty)
 *   +8  tail      last queued future block
 *   +12 count     queued items (read without the lock as a hint)
 *   +16 seq       bumped on every push and flag change; idle pool threads wait on it
 *                 (parking/word.ts)
 *   +20 idle      CPython's `_idle_semaphore` value: released by a thread finding no work,
 *                 taken by `submit` instead of starting a thread
 *   +24 flags     SHUTDOWN | BROKEN_INITIALIZER | BROKEN_THREAD_DIED
 *   +28 refs      owner + each started pool thread (the owner drops its once shut down with its
 *                 threads gone; a pool thread drops its on the way out, or its crash hook does)
 *   +32 specs     first interned task-spec node (node: +0 next, +4 codec value address)
 *   +36 slots     address of the per-thread slots (slot i: the future thread i is running, or 0)
 *   +40 spinning  1 while an idle pool thread polls the queue before parking (at most one does)
 */
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { F, cell } from './future-core';
import { waitWordAsync, wakeWord } from '../parking/word';

/** Byte offsets inside a pool block. */
export const P = {
  lock: 0,
  head: 4,
  tail: 8,
  count: 12,
  seq: 16,
  idle: 20,
  flags: 24,
  refs: 28,
  specs: 32,
  slots: 36,
  spinning: 40,
} as const;

/** `flags`: shutdown() was called. */
export const SHUTDOWN = 1;
/** `flags`: an initializer failed; the pool is unusable. */
export const BROKEN_INITIALIZER = 2;
/** `flags`: a pool thread died (its worker exited abruptly); the pool is unusable. */
export const BROKEN_THREAD_DIED = 4;
/** `flags`: any broken state. */
export const BROKEN = BROKEN_INITIALIZER | BROKEN_THREAD_DIED;

const POOL_BYTES = 44;
const SLOT_BYTES = 4;
const NODE_BYTES = 8;
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
 * or 0 when queued. Wakes one waiting pool thread, unless one is spinning (it will take it).
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
  Atomics.add(i32(), (pool + P.seq) >> 2, 1);
  if (cell(pool, P.spinning) === 0) wakeWord(pool + P.seq, 1);
  return 0;
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

/** Wakes every waiting pool thread (after a flag change). */
export function wakeAll(pool: number): void {
  Atomics.add(i32(), (pool + P.seq) >> 2, 1);
  wakeWord(pool + P.seq);
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
 * wake-ups: `pushWork` skips the wake while a spinner is there); the others wait at once, with
 * an async wait so the thread's event loop keeps running while it is idle. A thread that takes
 * work and sees more queued wakes another (the pushes it took over may have skipped the wake).
 */
export async function waitForWork(pool: number): Promise<number> {
  const a = i32();
  const spinning = (pool + P.spinning) >> 2;
  Atomics.add(a, (pool + P.idle) >> 2, 1);
  if (Atomics.compareExchange(a, spinning, 0, 1) === 0) {
    let item = 0;
    for (let spin = 0; spin < SPIN && item === 0; spin++) {
      if (Atomics.load(a, (pool + P.count) >> 2) === 0 && Atomics.load(a, (pool + P.flags) >> 2) === 0) continue;
      item = popWork(pool);
      if (item === 0 && cell(pool, P.flags) !== 0) break;
    }
    // A producer that saw the spinner skipped its wake: leaving the post before the waits
    // below re-read the queue means its item is found there.
    Atomics.store(a, spinning, 0);
    if (item !== 0) return passOn(pool, item);
  }
  for (;;) {
    const seq = cell(pool, P.seq);
    const item = popWork(pool);
    if (item !== 0) return passOn(pool, item);
    if (cell(pool, P.flags) !== 0) return popWork(pool);
    await waitWordAsync(pool + P.seq, seq, Infinity, true);
  }
}

/** Returns `item`, first waking another idle thread when more work is queued. */
function passOn(pool: number, item: number): number {
  if (cell(pool, P.count) > 0) wakeWord(pool + P.seq, 1);
  return item;
}
