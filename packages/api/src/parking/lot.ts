/**
 * The parking lot: the one place that knows how a thread waits on an address — in the spirit
 * of WebKit's ParkingLot and Rust's `parking_lot`. Every wait of the api (Condition, Event,
 * Semaphore, Barrier, the queues, futures, joins, the executor's idle threads, the spawn queue's
 * idle workers) parks here, keyed by the address of the thing it waits on; every wake-up goes
 * through {@link unpark}. So there is one queueing discipline (FIFO per key), one spin policy,
 * one timeout loop, one async form — and one table that says who waits on what.
 *
 * The table lives in the shared heap (allocated on first use, named by `Root.parkingLot`): a
 * fixed array of buckets, each a core lock and a FIFO of waiter nodes. A key hashes to a bucket;
 * keys that share a bucket share its list (an unpark scans for its key). A waiter's node is its
 * own block, and the waiting thread sleeps on the node's `wake` cell — so an unpark hands the
 * wake-up to exactly the threads it dequeued, oldest first, and a timed-out waiter can tell,
 * under the bucket lock, whether it was dequeued (woken) or must take itself off (timed out).
 *
 * Lost wake-ups cannot happen: a waiter links its node into the bucket *before* it validates
 * (re-reads the condition it waits for), under the bucket lock, and a waker changes the
 * condition *before* it looks at the bucket; all these accesses are sequentially consistent
 * atomics, so a waker that finds the bucket empty changed the condition before any waiter's
 * validation read it. A waker that finds nobody waiting makes no system call and takes no lock.
 *
 * Bucket (BUCKET_BYTES): lock, head node, tail node. Waiter node (NODE_BYTES): next node, key,
 * wake (0 while queued, 1 once dequeued by an unpark), thread (the waiter's native id). Each
 * isolate keeps the nodes its waits used for the next ones (up to 4, in a {@link SpareBlocks} list), so a thread
 * that waits again allocates nothing — and a wait does not fail for want of memory when the heap
 * is full.
 */
import { backend } from '../runtime';
import { ROOT, Root } from '../roots';
import type { Backend } from '../spi';
import { Deadline } from '../timeout';
import { spinWhile, WAIT_SPIN_READS } from './spin';
import { casField, loadField, storeField } from '../fields';
import { SpareBlocks } from '../spare-blocks';

/** How a {@link park} ended. */
export type ParkOutcome = 'unparked' | 'invalid' | 'timed-out';

/** Unpark count meaning every waiter of the key. */
export const ALL = 0x7fffffff;

const BUCKETS = 256;
const Bucket = { lock: 0, head: 4, tail: 8 } as const;
const BUCKET_BYTES = 16;
const Node = { next: 0, key: 4, wake: 8, thread: 12 } as const;
const NODE_BYTES = 16;
/** Nodes an isolate keeps for reuse: one per wait it has pending at once, up to this many. */
const spareNodes = new SpareBlocks(4);

/** A node for a new wait: a spare one, or a new block. */
function takeNode(b: Backend): number {
  const node = spareNodes.take(b);
  if (node === 0) return b.alloc(NODE_BYTES);
  storeField(node, Node.next, 0);
  storeField(node, Node.wake, 0);
  return node;
}

/**
 * Keeps a node whose wait is over for the next wait (or frees it). An unpark that dequeued it
 * may still call the backend's `unpark` on its wake cell: a stray wake of a later wait on the
 * same node, which re-checks its cell and sleeps again.
 */
function giveBack(b: Backend, node: number): void {
  spareNodes.keep(b, node);
}

/** The backend whose table {@link tableAddress} caches (a test may install another). */
let cachedFor: Backend | undefined;
let cachedTable = 0;

/** The table's address, or 0 before any thread has parked. */
function tableAddress(b: Backend): number {
  if (cachedFor === b && cachedTable !== 0) return cachedTable;
  cachedFor = b;
  cachedTable = loadField(ROOT, Root.parkingLot);
  return cachedTable;
}

/** The table's address, allocating it when no thread has parked yet (exactly one allocation wins). */
function table(b: Backend): number {
  const existing = tableAddress(b);
  if (existing !== 0) return existing;
  const fresh = b.alloc(BUCKETS * BUCKET_BYTES);
  const seen = casField(ROOT, Root.parkingLot, 0, fresh);
  if (seen !== 0) b.free(fresh);
  cachedTable = seen !== 0 ? seen : fresh;
  return cachedTable;
}

/** The bucket of `key` in the table at `t` (Fibonacci hashing of the address). */
function bucketOf(t: number, key: number): number {
  return t + (Math.imul(key, 0x9e3779b1) >>> 24) * BUCKET_BYTES;
}

/** Links `node` at the tail of `bucket`'s list (bucket lock held). */
function append(bucket: number, node: number): void {
  const tail = loadField(bucket, Bucket.tail);
  if (tail === 0) storeField(bucket, Bucket.head, node);
  else storeField(tail, Node.next, node);
  storeField(bucket, Bucket.tail, node);
}

/** Unlinks `node`, whose predecessor is `prev` (0 = head), from `bucket`'s list (bucket lock held). */
function unlink(bucket: number, prev: number, node: number): void {
  const next = loadField(node, Node.next);
  if (prev === 0) storeField(bucket, Bucket.head, next);
  else storeField(prev, Node.next, next);
  if (next === 0) storeField(bucket, Bucket.tail, prev);
  storeField(node, Node.next, 0);
}

/** Unlinks `node` if it is in `bucket`'s list; true when it was (bucket lock held). */
function remove(bucket: number, node: number): boolean {
  let prev = 0;
  for (let cur = loadField(bucket, Bucket.head); cur !== 0; prev = cur, cur = loadField(cur, Node.next)) {
    if (cur === node) {
      unlink(bucket, prev, node);
      return true;
    }
  }
  return false;
}

/**
 * Queues a node for the calling thread on `key` and validates under the bucket lock. Returns
 * the node, or 0 when `validate` said the wait is not needed (nothing stays queued).
 */
function enqueue(b: Backend, key: number, validate: () => boolean): number {
  const t = table(b);
  const node = takeNode(b);
  storeField(node, Node.key, key);
  storeField(node, Node.thread, b.nativeId);
  const bucket = bucketOf(t, key);
  b.lockAcquire(bucket + Bucket.lock, Infinity);
  append(bucket, node);
  let valid = false;
  try {
    valid = validate();
  } finally {
    if (!valid) remove(bucket, node);
    b.lockRelease(bucket + Bucket.lock);
    if (!valid) giveBack(b, node);
  }
  return valid ? node : 0;
}

/**
 * After the wait's time ran out: takes `node` off its bucket unless an unpark dequeued it
 * first. True when it timed out, false when it was woken after all.
 */
function cancel(b: Backend, node: number): boolean {
  const bucket = bucketOf(tableAddress(b), loadField(node, Node.key));
  b.lockAcquire(bucket + Bucket.lock, Infinity);
  const queued = loadField(node, Node.wake) === 0 && remove(bucket, node);
  b.lockRelease(bucket + Bucket.lock);
  return queued;
}

/** Runs `beforeSleep`; if it throws, takes the node back off the queue and frees it. */
function prepareSleep(b: Backend, node: number, beforeSleep: (() => void) | undefined): void {
  if (beforeSleep === undefined) return;
  try {
    beforeSleep();
  } catch (error) {
    cancel(b, node);
    giveBack(b, node);
    throw error;
  }
}

/**
 * Parks the calling thread on `key`: queues it, runs `validate()` under the bucket lock (return
 * false to give up the wait: 'invalid'), then runs `beforeSleep()` (e.g. releasing the caller's
 * lock — a waker that takes that lock next is sure to find this waiter queued), then sleeps until
 * an {@link unpark} of `key` dequeues it ('unparked') or `timeoutMs` passes ('timed-out';
 * `Infinity` = never). It reads its wake cell up to `spin` times before it sleeps in the backend (the spin policy:
 * ./spin.ts).
 */
export function park(
  key: number,
  validate: () => boolean,
  beforeSleep: (() => void) | undefined,
  timeoutMs: number,
  spin = WAIT_SPIN_READS,
): ParkOutcome {
  const b = backend();
  const node = enqueue(b, key, validate);
  if (node === 0) return 'invalid';
  prepareSleep(b, node, beforeSleep);
  const wake = node + Node.wake;
  let woken = spinWhile(b.heap.i32, wake, 0, spin);
  if (!woken) {
    const deadline = new Deadline(timeoutMs);
    for (let left = timeoutMs; !woken && left > 0; left = deadline.remaining()) {
      b.park(wake, 0, left);
      woken = loadField(wake) !== 0;
    }
  }
  const outcome = woken || !cancel(b, node) ? 'unparked' : 'timed-out';
  giveBack(b, node);
  return outcome;
}

/**
 * {@link park} without blocking the event loop: the same queueing and validation (both run
 * synchronously), then an async sleep. While pending it keeps the process alive unless
 * `keepAlive` is false.
 */
export async function parkAsync(
  key: number,
  validate: () => boolean,
  beforeSleep: (() => void) | undefined,
  timeoutMs: number,
  keepAlive = true,
): Promise<ParkOutcome> {
  const b = backend();
  const node = enqueue(b, key, validate);
  if (node === 0) return 'invalid';
  prepareSleep(b, node, beforeSleep);
  const wake = node + Node.wake;
  let woken = loadField(wake) !== 0;
  const deadline = new Deadline(timeoutMs);
  for (let left = timeoutMs; !woken && left > 0; left = deadline.remaining()) {
    await b.parkAsync(wake, 0, left, keepAlive);
    woken = loadField(wake) !== 0;
  }
  const outcome = woken || !cancel(b, node) ? 'unparked' : 'timed-out';
  giveBack(b, node);
  return outcome;
}

/**
 * Wakes up to `count` threads parked on `key`, oldest first; returns how many it woke. When
 * nobody waits in the key's bucket it costs one atomic read.
 */
export function unpark(key: number, count: number): number {
  const b = backend();
  const t = tableAddress(b);
  if (t === 0 || count <= 0) return 0;
  const bucket = bucketOf(t, key);
  if (loadField(bucket, Bucket.head) === 0) return 0;
  let first = 0;
  let more: number[] | undefined;
  let woken = 0;
  b.lockAcquire(bucket + Bucket.lock, Infinity);
  let prev = 0;
  for (let node = loadField(bucket, Bucket.head); node !== 0 && woken < count; ) {
    const next = loadField(node, Node.next);
    if (loadField(node, Node.key) === key) {
      unlink(bucket, prev, node);
      storeField(node, Node.wake, 1);
      if (woken++ === 0) first = node;
      else (more ??= []).push(node);
    } else {
      prev = node;
    }
    node = next;
  }
  b.lockRelease(bucket + Bucket.lock);
  // After the bucket lock is released, so a woken thread does not run into it. A node's waiter
  // may have seen wake = 1 and moved on (reused or freed the node) before this call: a stray wake
  // is harmless, since every park re-checks its cell.
  if (first !== 0) b.unpark(first + Node.wake, 1);
  if (more !== undefined) for (const node of more) b.unpark(node + Node.wake, 1);
  return woken;
}

/** How many threads are parked on `key` now (takes the bucket lock). */
export function countParked(key: number): number {
  const b = backend();
  const t = tableAddress(b);
  if (t === 0) return 0;
  const bucket = bucketOf(t, key);
  if (loadField(bucket, Bucket.head) === 0) return 0;
  let count = 0;
  b.lockAcquire(bucket + Bucket.lock, Infinity);
  for (let node = loadField(bucket, Bucket.head); node !== 0; node = loadField(node, Node.next)) {
    if (loadField(node, Node.key) === key) count++;
  }
  b.lockRelease(bucket + Bucket.lock);
  return count;
}

/** A thread parked in the lot: what it waits on, for diagnostics. */
export interface ParkedThread {
  /** The address it waits on. */
  readonly key: number;
  /** The waiting thread's native id. */
  readonly nativeId: number;
}

/** Every thread parked now, bucket by bucket (each bucket read under its lock). */
export function parkedThreads(): ParkedThread[] {
  const b = backend();
  const t = tableAddress(b);
  const found: ParkedThread[] = [];
  if (t === 0) return found;
  for (let i = 0; i < BUCKETS; i++) {
    const bucket = t + i * BUCKET_BYTES;
    if (loadField(bucket, Bucket.head) === 0) continue;
    b.lockAcquire(bucket + Bucket.lock, Infinity);
    for (let node = loadField(bucket, Bucket.head); node !== 0; node = loadField(node, Node.next)) {
      found.push({ key: loadField(node, Node.key), nativeId: loadField(node, Node.thread) });
    }
    b.lockRelease(bucket + Bucket.lock);
  }
  return found;
}
