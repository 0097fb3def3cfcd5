/**
 * Thread hand-off through the shared Memory. `Thread.start()` in any thread queues a request;
 * an idle warm worker parked on WORK_SEQ takes it. When no worker is idle or booting, the
 * supervisor (parked on SPAWN_REQUESTED) is asked for a new one. No step needs any thread's
 * event loop, so a main thread blocked in `join()` never stalls a start.
 *
 * Request block: [next, record, task] (12 bytes).
 * Worker slot block (8 bytes, one per worker): [record being run, state: 0 booting (counted in
 * BOOTING), 1 took work, 2 returning for more (counted in RETURNING)].
 */
import {
  BOOTING, IDLE_COUNT, PENDING_COUNT, PENDING_HEAD, PENDING_TAIL, POOL_LOCK, RETURNING, SPAWN_REQUESTED, WORK_SEQ,
} from './layout';

/** Slot states. */
const STATE_BOOTING: u32 = 0;
const STATE_TOOK: u32 = 1;
const STATE_RETURNING: u32 = 2;
import { lockAcquireInternal, lockRelease } from './core-lock';
import { parkCell, unparkCell } from './park';
import { alloc, free } from './allocator';

/**
 * Queues thread `record` with task `task`. Returns 1 when queued (and a worker woken, or the
 * supervisor asked for one), 0 when the heap had no room for the request (it is at its cap).
 */
export function enqueueSpawn(record: u32, task: u32): i32 {
  const block = <u32>alloc(12);
  if (block == 0) return 0;
  atomic.store<u32>(block + 4, record);
  atomic.store<u32>(block + 8, task);
  lockAcquireInternal(POOL_LOCK);
  const tail = atomic.load<u32>(PENDING_TAIL);
  if (tail == 0) atomic.store<u32>(PENDING_HEAD, block);
  else atomic.store<u32>(tail, block);
  atomic.store<u32>(PENDING_TAIL, block);
  const pending = atomic.add<i32>(PENDING_COUNT, 1) + 1;
  const needWorker = pending > atomic.load<i32>(IDLE_COUNT) + atomic.load<i32>(BOOTING) + atomic.load<i32>(RETURNING);
  atomic.add<i32>(WORK_SEQ, 1);
  if (needWorker) {
    atomic.add<i32>(BOOTING, 1);
    atomic.add<i32>(SPAWN_REQUESTED, 1);
  }
  lockRelease(POOL_LOCK);
  unparkCell(WORK_SEQ, 1);
  if (needWorker) unparkCell(SPAWN_REQUESTED, 1);
  return 1;
}

/** Pops the first pending request under POOL_LOCK (held); 0 when none. */
function popPending(): u32 {
  const head = atomic.load<u32>(PENDING_HEAD);
  if (head == 0) return 0;
  const next = atomic.load<u32>(head);
  atomic.store<u32>(PENDING_HEAD, next);
  if (next == 0) atomic.store<u32>(PENDING_TAIL, 0);
  atomic.sub<i32>(PENDING_COUNT, 1);
  return head;
}

/** Ends the worker's booting or returning count (POOL_LOCK held): it takes work now, or waits for it. */
function leave(slot: u32): void {
  const state = atomic.load<u32>(slot + 4);
  if (state == STATE_BOOTING) atomic.sub<i32>(BOOTING, 1);
  else if (state == STATE_RETURNING) atomic.sub<i32>(RETURNING, 1);
  atomic.store<u32>(slot + 4, STATE_TOOK);
}

/**
 * Takes the next request for the worker whose slot is `slot`, parking as an idle worker until
 * one arrives. Stores the thread's record in the slot (so a crash can finish it) and returns
 * the task address. A worker's first call also ends its "booting" count, and a returning
 * worker's call its "returning" count, in the step that counts it idle.
 */
export function takeSpawn(slot: u32): u32 {
  lockAcquireInternal(POOL_LOCK);
  leave(slot);
  let request = popPending();
  while (request == 0) {
    const seq = atomic.load<i32>(WORK_SEQ);
    atomic.add<i32>(IDLE_COUNT, 1);
    lockRelease(POOL_LOCK);
    parkCell(WORK_SEQ, seq, Infinity);
    lockAcquireInternal(POOL_LOCK);
    atomic.sub<i32>(IDLE_COUNT, 1);
    request = popPending();
  }
  atomic.store<u32>(slot, atomic.load<u32>(request + 4));
  lockRelease(POOL_LOCK);
  const task = atomic.load<u32>(request + 8);
  free(request);
  return task;
}

/** Asks the supervisor for `count` warm workers ahead of any request. */
export function prewarm(count: i32): void {
  lockAcquireInternal(POOL_LOCK);
  atomic.add<i32>(BOOTING, count);
  atomic.add<i32>(SPAWN_REQUESTED, count);
  lockRelease(POOL_LOCK);
  unparkCell(SPAWN_REQUESTED, 1);
}

/**
 * The worker whose slot is `slot` is done with its thread and takes another next: counted as
 * about to be idle from now, so a start meanwhile asks the supervisor for no new worker.
 */
export function returningSpawn(slot: u32): void {
  lockAcquireInternal(POOL_LOCK);
  atomic.store<u32>(slot + 4, STATE_RETURNING);
  atomic.add<i32>(RETURNING, 1);
  lockRelease(POOL_LOCK);
}

/**
 * The worker whose slot is `slot` died. If it had not taken a request yet, or was returning for
 * another, the supervisor is asked for a replacement, counted as booting in its place.
 */
export function lostSpawn(slot: u32): void {
  lockAcquireInternal(POOL_LOCK);
  const state = atomic.load<u32>(slot + 4);
  // A booting worker's count passes to its replacement; a returning one's becomes its booting.
  if (state == STATE_RETURNING) {
    atomic.sub<i32>(RETURNING, 1);
    atomic.add<i32>(BOOTING, 1);
  }
  atomic.store<u32>(slot + 4, STATE_TOOK);
  lockRelease(POOL_LOCK);
  if (state == STATE_TOOK) return;
  atomic.add<i32>(SPAWN_REQUESTED, 1);
  unparkCell(SPAWN_REQUESTED, 1);
}
