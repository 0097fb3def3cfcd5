/**
 * The shared block behind every queue, and the item storage inside it. Everything here runs
 * with the queue's core lock held (except {@link allocQueue} and {@link fillQueue}, which run
 * before the queue is shared, and {@link destroyQueue}, which runs once nothing names it); the
 * callers in `engine.ts` take and release it.
 *
 * Queue block (60 bytes, byte offsets; 4-byte cells unless noted). The three wait cells are
 * sequence counters that getters, putters and joiners wait on (parking/word.ts); async callers
 * waiting for LOCK to be released wait in the parking lot under LOCK's address.
 *
 *     0  LOCK          core lock (backend().lockAcquire/Release)
 *     4  SHUTDOWN      1 once shutdown() ran
 *     8  SIZE          items held
 *    12  UNFINISHED    unfinished tasks (puts minus taskDone calls)
 *    16  NOT_EMPTY     wait cell, bumped when an item is added or the queue is shut down
 *    20  NOT_FULL      wait cell, bumped when an item is removed or the queue is shut down
 *    24  ALL_DONE      wait cell, bumped when UNFINISHED drops to 0 or on shutdown(immediate)
 *    28  SLOTS         address of the slot array
 *    32  CAPACITY      slots in that array (a power of two)
 *    36  HEAD          FIFO: slot index of the oldest item
 *    40  ORDER         {@link Order}
 *    44  REFS          references: one per view in any thread, one per stored value naming
 *                      the queue (see sync/counted-cell.ts); the last one frees the queue
 *    48  MAXSIZE       f64, as the user set it; <= 0 (or NaN) is unbounded. Written under the
 *                      lock (`maxsize` may change), read exactly under it
 *    56  LIMIT         the items MAXSIZE allows, as an integer (0 = unbounded): what puts
 *                      compare SIZE with, readable at any time
 *
 * Slot arrays: FIFO and LIFO keep one u32 per slot, the address of an encoded item
 * (`storeValue`); FIFO as a ring starting at HEAD, LIFO as a stack from slot 0. Priority
 * queues keep a binary min-heap of 16-byte entries (see `priority.ts`). A full array doubles
 * and one left a quarter full halves (above 64 slots): allocate, copy, free the old one, all
 * under the lock. Every item in the array is owned by the queue: {@link destroyQueue} frees
 * them (dropping the references they hold) with the array.
 */
import { backend } from '../runtime';
import { freeValue } from '../codec';
import { ENTRY_BYTES, type Entry, heapPop, heapPush, priorityEntry, SharedSlots } from './priority';
import { loadField, storeField } from '../fields';

/** Byte offsets of the queue block's cells. */
export const Cell = {
  LOCK: 0,
  SHUTDOWN: 4,
  SIZE: 8,
  UNFINISHED: 12,
  NOT_EMPTY: 16,
  NOT_FULL: 20,
  ALL_DONE: 24,
  SLOTS: 28,
  CAPACITY: 32,
  HEAD: 36,
  ORDER: 40,
  REFS: 44,
  MAXSIZE: 48,
  LIMIT: 56,
} as const;

const BLOCK_BYTES = 60;
const INITIAL_CAPACITY = 8;
/** A slot array larger than this halves when a pop leaves it a quarter full. */
const SHRINK_ABOVE = 64;

/** How a queue orders its items. */
export const Order = { FIFO: 0, LIFO: 1, PRIORITY: 2 } as const;
/** One of {@link Order}'s values. */
export type Order = (typeof Order)[keyof typeof Order];

function slotBytes(order: number): number {
  return order === Order.PRIORITY ? ENTRY_BYTES : 4;
}

/**
 * Allocates and initialises an empty queue block with room for `items` items, holding one
 * reference (its creating view's); returns its address.
 */
export function allocQueue(order: Order, maxsize: number, items = 0): number {
  const b = backend();
  let capacity = INITIAL_CAPACITY;
  while (capacity < items) capacity *= 2;
  const q = b.alloc(BLOCK_BYTES);
  let slots: number;
  try {
    slots = b.alloc(capacity * slotBytes(order));
  } catch (error) {
    b.free(q);
    throw error;
  }
  const u32 = b.heap.u32;
  u32[(q + Cell.SLOTS) >> 2] = slots;
  u32[(q + Cell.CAPACITY) >> 2] = capacity;
  u32[(q + Cell.ORDER) >> 2] = order;
  u32[(q + Cell.REFS) >> 2] = 1;
  setMaxsize(q, maxsize);
  // Publish the plain stores before the address can reach another thread.
  storeField(q, Cell.SIZE, 0);
  return q;
}

/**
 * Fills a new queue (from {@link allocQueue} with room for them) with `entries` in storage
 * order — FIFO oldest first, LIFO bottom of the stack first, a priority queue's heap array as
 * is — and sets its counters. Runs before the queue is shared.
 */
export function fillQueue(q: number, entries: readonly Entry[], unfinished: number, shutdown: boolean): void {
  const b = backend();
  const u32 = b.heap.u32;
  const slots = u32[(q + Cell.SLOTS) >> 2]!;
  if (u32[(q + Cell.ORDER) >> 2] === Order.PRIORITY) {
    const heap = new SharedSlots(slots);
    for (let i = 0; i < entries.length; i++) heap.write(i, entries[i]!);
  } else {
    for (let i = 0; i < entries.length; i++) u32[(slots >> 2) + i] = entries[i]!.item;
  }
  u32[(q + Cell.UNFINISHED) >> 2] = unfinished;
  u32[(q + Cell.SHUTDOWN) >> 2] = shutdown ? 1 : 0;
  storeField(q, Cell.SIZE, entries.length);
}

/**
 * Frees what a queue block owns — every item still queued (dropping the references they hold),
 * then the slot array — once nothing names the queue. Allocates nothing.
 */
export function destroyQueue(q: number): void {
  const b = backend();
  const u32 = b.heap.u32;
  const size = u32[(q + Cell.SIZE) >> 2]!;
  const slots = u32[(q + Cell.SLOTS) >> 2]!;
  const order = u32[(q + Cell.ORDER) >> 2]!;
  const mask = u32[(q + Cell.CAPACITY) >> 2]! - 1;
  const head = order === Order.FIFO ? u32[(q + Cell.HEAD) >> 2]! : 0;
  const items: number[] = [];
  for (let i = 0; i < size; i++) {
    items.push(order === Order.PRIORITY ? u32[(slots + i * ENTRY_BYTES) >> 2]! : u32[(slots >> 2) + ((head + i) & mask)]!);
  }
  for (const item of items) freeValue(item);
  b.free(slots);
}

/** Frees an empty queue block that was never published (from {@link allocQueue}). */
export function freeQueue(q: number): void {
  destroyQueue(q);
  backend().free(q);
}

/** The queue's maxsize as set (exact when read with the lock held). */
export function maxsizeOf(q: number): number {
  return backend().heap.f64[(q + Cell.MAXSIZE) >> 3]!;
}

/** The number of items `maxsize` allows (`SIZE >= limit` is Python's `qsize() >= maxsize`); 0 = unbounded. */
export function limitFor(maxsize: number): number {
  return maxsize > 0 ? Math.min(Math.ceil(maxsize), 0x7fffffff) : 0;
}

/** True when the queue is bounded and holds as many items as its maxsize allows (a hint without the lock). */
export function isFull(q: number): boolean {
  const limit = loadField(q, Cell.LIMIT);
  return limit > 0 && loadField(q, Cell.SIZE) >= limit;
}

/** Sets the queue's maxsize (lock held, or before the queue is shared). */
export function setMaxsize(q: number, maxsize: number): void {
  backend().heap.f64[(q + Cell.MAXSIZE) >> 3] = maxsize;
  storeField(q, Cell.LIMIT, limitFor(maxsize));
}

/** Moves the items to a new slot array of `capacity` slots (a FIFO ring is unwrapped to HEAD = 0). */
function resize(q: number, capacity: number): void {
  const b = backend();
  let u32 = b.heap.u32;
  const order = u32[(q + Cell.ORDER) >> 2]!;
  const oldSlots = u32[(q + Cell.SLOTS) >> 2]!;
  const oldCapacity = u32[(q + Cell.CAPACITY) >> 2]!;
  const size = u32[(q + Cell.SIZE) >> 2]!;
  const slots = b.alloc(capacity * slotBytes(order));
  u32 = b.heap.u32;
  if (order === Order.FIFO) {
    const head = u32[(q + Cell.HEAD) >> 2]!;
    const first = Math.min(size, oldCapacity - head);
    b.heap.u8.copyWithin(slots, oldSlots + head * 4, oldSlots + (head + first) * 4);
    b.heap.u8.copyWithin(slots + first * 4, oldSlots, oldSlots + (size - first) * 4);
    u32[(q + Cell.HEAD) >> 2] = 0;
  } else {
    b.heap.u8.copyWithin(slots, oldSlots, oldSlots + size * slotBytes(order));
  }
  u32[(q + Cell.SLOTS) >> 2] = slots;
  u32[(q + Cell.CAPACITY) >> 2] = capacity;
  b.free(oldSlots);
}

/**
 * Adds the encoded item at `item` (whose decoded value is `value`). A priority queue may
 * throw TypeError when items cannot be compared; the queue is then unchanged.
 */
export function pushItem(q: number, item: number, value: unknown): void {
  const b = backend();
  let u32 = b.heap.u32;
  const size = u32[(q + Cell.SIZE) >> 2]!;
  if (size === u32[(q + Cell.CAPACITY) >> 2]) {
    resize(q, size * 2);
    // resize allocated: the heap may have grown past the old view, and the new slots with it.
    u32 = b.heap.u32;
  }
  const slots = u32[(q + Cell.SLOTS) >> 2]!;
  const order = u32[(q + Cell.ORDER) >> 2]!;
  if (order === Order.PRIORITY) {
    heapPush(new SharedSlots(slots), size, priorityEntry(item, value));
  } else if (order === Order.LIFO) {
    u32[(slots >> 2) + size] = item;
  } else {
    const mask = u32[(q + Cell.CAPACITY) >> 2]! - 1;
    u32[(slots >> 2) + ((u32[(q + Cell.HEAD) >> 2]! + size) & mask)] = item;
  }
  storeField(q, Cell.SIZE, size + 1);
}

/** Removes the next item (the queue must not be empty) and returns its address. */
export function popItem(q: number): number {
  const b = backend();
  const u32 = b.heap.u32;
  const size = u32[(q + Cell.SIZE) >> 2]!;
  const slots = u32[(q + Cell.SLOTS) >> 2]!;
  const order = u32[(q + Cell.ORDER) >> 2]!;
  let item: number;
  if (order === Order.PRIORITY) {
    item = heapPop(new SharedSlots(slots), size);
  } else if (order === Order.LIFO) {
    item = u32[(slots >> 2) + size - 1]!;
  } else {
    const head = u32[(q + Cell.HEAD) >> 2]!;
    item = u32[(slots >> 2) + head]!;
    u32[(q + Cell.HEAD) >> 2] = (head + 1) & (u32[(q + Cell.CAPACITY) >> 2]! - 1);
  }
  storeField(q, Cell.SIZE, size - 1);
  const capacity = u32[(q + Cell.CAPACITY) >> 2]!;
  if (capacity > SHRINK_ABOVE && (size - 1) * 4 <= capacity) resize(q, capacity / 2);
  return item;
}

/** Removes every item; returns their addresses (for the caller to free after unlocking). */
export function drainItems(q: number): number[] {
  const drained: number[] = [];
  while (loadField(q, Cell.SIZE) > 0) drained.push(popItemUnordered(q));
  return drained;
}

/** Removes the last-stored item without keeping any order (draining needs none). */
function popItemUnordered(q: number): number {
  const b = backend();
  const u32 = b.heap.u32;
  if (u32[(q + Cell.ORDER) >> 2] !== Order.PRIORITY) return popItem(q);
  const size = u32[(q + Cell.SIZE) >> 2]!;
  const item = u32[(u32[(q + Cell.SLOTS) >> 2]! + (size - 1) * ENTRY_BYTES) >> 2]!;
  storeField(q, Cell.SIZE, size - 1);
  return item;
}
