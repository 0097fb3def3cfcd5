/**
 * A FIFO of heap blocks that any thread may push to and take from — CPython's `SimpleQueue`
 * for addresses: a core lock, the first and last block, and a count, at a base the owner
 * chooses; each block links to the next through a cell of its own (at `link`), so queueing
 * allocates nothing. The executor's work queue (futures/pool-block.ts: future blocks) and the
 * spawn queue (host/spawn-queue.ts: thread requests) are made of it.
 *
 * Threads wait for a block in the parking lot, keyed by the count cell: a push changes the count
 * before it wakes, and a waiter re-reads the count once queued in the lot, so a wake-up is
 * never lost (see parking/lot.ts). A sync waiter re-reads the count a while before it queues
 * (parking/word.ts), so a push that comes soon after costs neither side a system call. The count
 * may be read without the lock as a hint.
 */
import { backend } from '../runtime';
import { parkAsync } from '../parking/lot';
import { AdaptiveSpin, WAIT_SPIN_READS, spinWhile } from '../parking/spin';
import { waitWord, wakeWord } from '../parking/word';
import { addField, loadField, storeField, subField } from '../fields';

/**
 * Byte offsets of a block queue's cells from its base. `spinners`: threads re-reading `count`
 * before they park ({@link waitNonEmpty}); a push lets them take its block without a wake-up
 * ({@link wakeForPush}).
 */
export const BlockQueue = { lock: 0, head: 4, tail: 8, count: 12, spinners: 16 } as const;

/** Bytes a block queue's cells take. */
export const BLOCK_QUEUE_BYTES = 20;

/** Takes the queue's lock (held only while addresses move). */
export function lockQueue(q: number): void {
  backend().lockAcquire(q + BlockQueue.lock, Infinity);
}

/** Releases the queue's lock. */
export function unlockQueue(q: number): void {
  backend().lockRelease(q + BlockQueue.lock);
}

/** The number of queued blocks (without the lock, a hint another thread may change at once). */
export function queued(q: number): number {
  return loadField(q, BlockQueue.count);
}

/** Appends `block`, whose link cell is at `link` (lock held). Wake a waiter after unlocking. */
export function append(q: number, block: number, link: number): void {
  storeField(block, link, 0);
  const tail = loadField(q, BlockQueue.tail);
  if (tail === 0) storeField(q, BlockQueue.head, block);
  else storeField(tail, link, block);
  storeField(q, BlockQueue.tail, block);
  addField(q, BlockQueue.count, 1);
}

/**
 * Inserts `block` before the first queued block for which `before(queued)` is true, or last
 * (lock held). Wake a waiter after unlocking.
 */
export function insert(q: number, block: number, link: number, before: (queued: number) => boolean): void {
  let prev = 0;
  for (let at = loadField(q, BlockQueue.head); at !== 0; prev = at, at = loadField(at, link)) {
    if (!before(at)) continue;
    storeField(block, link, at);
    if (prev === 0) storeField(q, BlockQueue.head, block);
    else storeField(prev, link, block);
    addField(q, BlockQueue.count, 1);
    return;
  }
  append(q, block, link);
}

/** The first queued block, or 0 (lock held). */
export function first(q: number): number {
  return loadField(q, BlockQueue.head);
}

/** The last queued block, or 0 (lock held). */
export function last(q: number): number {
  return loadField(q, BlockQueue.tail);
}

/** Takes the first block, or 0 when the queue is empty (lock held). */
export function shift(q: number, link: number): number {
  const head = loadField(q, BlockQueue.head);
  if (head === 0) return 0;
  const next = loadField(head, link);
  storeField(q, BlockQueue.head, next);
  if (next === 0) storeField(q, BlockQueue.tail, 0);
  subField(q, BlockQueue.count, 1);
  return head;
}

/** Takes every block, oldest first (lock held). */
export function shiftAll(q: number, link: number): number[] {
  const blocks: number[] = [];
  for (let block = shift(q, link); block !== 0; block = shift(q, link)) blocks.push(block);
  return blocks;
}

/**
 * Runs `spin` (a bounded re-read of the count while it is 0) counted in the queue's `spinners`;
 * its result. A spinner that ends with nothing parks next, and its park re-reads the count once
 * queued in the lot — after its count went down — so a push that skipped its wake-up because
 * it saw the spinner is never left behind ({@link wakeForPush}).
 */
function spinCounted(q: number, spin: () => boolean): boolean {
  addField(q, BlockQueue.spinners, 1);
  const came = spin();
  subField(q, BlockQueue.spinners, 1);
  return came;
}

/**
 * Sleeps (lock not held) while the queue is empty, until a {@link wakeWaiters} — which may come
 * before a block does: callers look again. A futex wait on the count (parking/word.ts): it
 * re-reads the count `spinReads` times (counted as a spinner) before it parks.
 */
export function waitNonEmpty(q: number, spinReads = WAIT_SPIN_READS): void {
  const count = q + BlockQueue.count;
  if (spinCounted(q, () => spinWhile(backend().heap.i32, count, 0, spinReads))) return;
  waitWord(count, 0, Infinity, 0);
}

/** This isolate's spin before an async wait for a block (an idle pool thread's). */
const idleSpin = new AdaptiveSpin(WAIT_SPIN_READS);

/**
 * {@link waitNonEmpty} without blocking the event loop (keeping it alive meanwhile), also ending
 * once `done()` is true: whoever makes it true calls {@link wakeWaiters} after. It first re-reads
 * the count a while (at most one spinning thread per core, parking/spin.ts), so a push that comes
 * soon after costs no wake-up; then it parks. How long it spins follows how its recent waits
 * ended ({@link AdaptiveSpin}): not at all once work comes far apart.
 */
export async function waitNonEmptyAsync(q: number, done: () => boolean): Promise<void> {
  if (done() || spinCounted(q, () => idleSpin.spin(backend().heap.i32, q + BlockQueue.count, 0))) return;
  const since = idleSpin.parking();
  await parkAsync(q + BlockQueue.count, () => queued(q) === 0 && !done(), undefined, Infinity);
  idleSpin.woke(since);
}

/** Wakes up to `count` waiters, oldest first (after a push, or a change `done()` reads; lock released). */
export function wakeWaiters(q: number, count: number): void {
  wakeWord(q + BlockQueue.count, count);
}

/**
 * After a push of one block (lock released): wakes the oldest parked waiter — unless at least as
 * many threads are spinning on the queue as it holds blocks, for each of them takes one without
 * a system call on either side (a parked waiter woken then would find the queue empty again).
 */
export function wakeForPush(q: number): void {
  if (queued(q) > loadField(q, BlockQueue.spinners)) wakeWord(q + BlockQueue.count, 1);
}
