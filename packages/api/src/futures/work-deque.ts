/**
 * A pool thread's own work deque (fork/join, fork-join.ts): the futures a task running on that
 * thread submitted to its own pool. The owner takes the newest (the subtask it is about to wait
 * on, still warm), other pool threads steal the oldest (the biggest piece left, in a divide and
 * conquer), as in Java's ForkJoinPool and rayon. It has a block queue's cells (lock, head = the
 * oldest, tail = the newest, count) and links its future blocks both ways, through `F.next`
 * (towards newer) and `F.prev` (towards older), so either end is taken in O(1). A taken future's
 * links are cleared: `F.next` then names what its runner set aside (fork-join.ts).
 */
import { addField, loadField, storeField, subField } from '../fields';
import { BlockQueue, lockQueue, unlockQueue } from '../queue/block-queue';
import { F } from './future-core';

/** Bytes of a deque (a block queue's cells). */
export const WORK_DEQUE_BYTES = 16;

/** How many futures the deque at `dq` holds (a hint without the lock). */
export function dequeLength(dq: number): number {
  return loadField(dq, BlockQueue.count);
}

/** Pushes `future` as the newest. */
export function pushNewest(dq: number, future: number): void {
  lockQueue(dq);
  const tail = loadField(dq, BlockQueue.tail);
  storeField(future, F.next, 0);
  storeField(future, F.prev, tail);
  if (tail === 0) storeField(dq, BlockQueue.head, future);
  else storeField(tail, F.next, future);
  storeField(dq, BlockQueue.tail, future);
  addField(dq, BlockQueue.count, 1);
  unlockQueue(dq);
}

/** Unlinks `future` from the deque (lock held) and clears its links. */
function unlink(dq: number, future: number): number {
  const prev = loadField(future, F.prev);
  const next = loadField(future, F.next);
  if (prev === 0) storeField(dq, BlockQueue.head, next);
  else storeField(prev, F.next, next);
  if (next === 0) storeField(dq, BlockQueue.tail, prev);
  else storeField(next, F.prev, prev);
  storeField(future, F.next, 0);
  storeField(future, F.prev, 0);
  subField(dq, BlockQueue.count, 1);
  return future;
}

/**
 * Takes the newest future (`newest`) or the oldest, or 0 when the deque is empty or `accept`
 * refuses that end's future (it stays; `accept` runs under the deque's lock: keep it short).
 */
export function takeEnd(dq: number, newest: boolean, accept?: (future: number) => boolean): number {
  if (dequeLength(dq) === 0) return 0;
  lockQueue(dq);
  const future = loadField(dq, newest ? BlockQueue.tail : BlockQueue.head);
  const taken = future !== 0 && (accept === undefined || accept(future)) ? unlink(dq, future) : 0;
  unlockQueue(dq);
  return taken;
}

/** `read(future)` of the future at the newest or oldest end, under the deque's lock (the future may be taken once it is released); 0 when empty. */
export function readEnd(dq: number, newest: boolean, read: (future: number) => number): number {
  if (dequeLength(dq) === 0) return 0;
  lockQueue(dq);
  const future = loadField(dq, newest ? BlockQueue.tail : BlockQueue.head);
  const value = future === 0 ? 0 : read(future);
  unlockQueue(dq);
  return value;
}

/** Takes every future, oldest first. */
export function takeAllFromDeque(dq: number): number[] {
  const futures: number[] = [];
  for (let future = takeEnd(dq, false); future !== 0; future = takeEnd(dq, false)) futures.push(future);
  return futures;
}
