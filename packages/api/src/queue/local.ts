/**
 * A queue's state while it is local (see `queue.ts`): its items and counters in its creating
 * thread's memory, no shared block. Each item is encoded when it is put, exactly as the shared
 * queue stores it (a {@link HeldValue}: same copy, same TypeError, a reference held on every
 * counted shared object it names), and decoded when it is got.
 *
 * The operations follow `engine.ts`'s steps in the same order, so results and errors are the
 * same as a shared queue's. Where a shared queue would have to wait for another thread (`put`
 * on a full queue, `get` on an empty one, with a timeout > 0), they say so instead ({@link WAIT},
 * or the encoded item handed back): the caller then moves everything to a shared block with
 * {@link LocalQueue.materialize} and goes on in `engine.ts`.
 *
 * Storage: FIFO and LIFO keep an array of held items (FIFO oldest first from `head`, LIFO a
 * stack); a priority queue keeps `heapq`'s heap array of entries (see `priority.ts`), which
 * moves to the shared slot array index by index.
 */
import { dropHeld, type HeldValue, holdValue, readHeld, storeHeld } from '../codec';
import { Empty, Full, ShutDown } from '../errors';
import { backend } from '../runtime';
import { queueTimeout } from '../timeout';
import { type Entry, heapPop, heapPush, type HeapSlots, priorityEntry } from './priority';
import { allocQueue, fillQueue, freeQueue, Order } from './store';

/** What {@link LocalQueue.get} returns when the caller must wait for another thread. */
export const WAIT: unique symbol = Symbol('threadkit.queue.wait');

/** A FIFO array is compacted once this many taken slots lead it (and they are half of it). */
const COMPACT_AT = 1024;

/** A local priority queue's heap array. Entries are stored without their decoded values. */
class LocalSlots implements HeapSlots<HeldValue> {
  readonly entries: Entry<HeldValue>[] = [];

  read(index: number): Entry<HeldValue> {
    const entry = this.entries[index]!;
    return { item: entry.item, tag: entry.tag, key: entry.key, decoded: false };
  }

  write(index: number, entry: Entry<HeldValue>): void {
    this.entries[index] = { item: entry.item, tag: entry.tag, key: entry.key, decoded: false };
  }

  decode(item: HeldValue): unknown {
    return readHeld(item);
  }
}

/** A local queue's items and counters (see the file comment). */
export class LocalQueue {
  /** Items put and not yet marked done. */
  unfinished = 0;
  /** True once `shutdown` ran. */
  isShutdown = false;
  /** True once {@link materialize} moved everything to a shared block. */
  private moved = false;
  /** FIFO / LIFO items (FIFO: live from {@link head} on). */
  private items: (HeldValue | undefined)[] = [];
  private head = 0;
  /** A priority queue's heap (undefined for the other orders). */
  private readonly heap: LocalSlots | undefined;

  /** An empty local queue ordered by `order`, holding at most `maxsize` items (<= 0: no limit). */
  constructor(
    readonly order: Order,
    public maxsize: number,
  ) {
    this.heap = order === Order.PRIORITY ? new LocalSlots() : undefined;
  }

  /** Items held. */
  get size(): number {
    return this.heap !== undefined ? this.heap.entries.length : this.items.length - this.head;
  }

  private isFull(): boolean {
    return this.maxsize > 0 && this.size >= this.maxsize;
  }

  /**
   * `put`'s steps (`engine.put`). Returns undefined once the item is in; returns the encoded
   * item instead when the put has to go on in the shared queue — it must wait for room, or
   * encoding the item (which names this queue) shared the queue — and the caller materializes
   * the queue if needed and hands the item to `engine.putHeld`, which owns it from then on.
   */
  put(value: unknown, block: boolean, timeout: number | undefined): HeldValue | undefined {
    if (!block && this.isFull()) throw this.isShutdown ? new ShutDown() : new Full();
    const held = holdValue(value);
    if (this.moved) return held;
    try {
      if (this.isShutdown) throw new ShutDown();
      if (block && this.maxsize > 0) {
        const ms = queueTimeout(timeout);
        if (this.isFull()) {
          if (ms === 0) throw new Full();
          return held;
        }
      }
      this.push(held, value);
    } catch (error) {
      dropHeld(held);
      throw error;
    }
    this.unfinished++;
    return undefined;
  }

  /** `get`'s steps (`engine.get`): the item, or {@link WAIT} when the get must wait for one. */
  get(block: boolean, timeout: number | undefined): unknown {
    if (this.isShutdown && this.size === 0) throw new ShutDown();
    if (!block) {
      if (this.size === 0) throw new Empty();
    } else {
      const ms = queueTimeout(timeout);
      if (this.size === 0) {
        if (ms === 0) throw new Empty();
        return WAIT;
      }
    }
    const held = this.pop();
    try {
      return readHeld(held);
    } finally {
      dropHeld(held);
    }
  }

  /** Python's `task_done`. */
  taskDone(): void {
    if (this.unfinished === 0) throw new RangeError('task_done() called too many times');
    this.unfinished--;
  }

  /** Python 3.13's `shutdown`: with `immediate`, drops every item and counts it as done. */
  shutdown(immediate: boolean): void {
    this.isShutdown = true;
    if (!immediate) return;
    const items = this.storageOrder();
    this.clear();
    for (const entry of items) dropHeld(entry.item);
    this.unfinished = Math.max(0, this.unfinished - items.length);
  }

  /**
   * Moves the items (in storage order, see `store.fillQueue`) and the counters to a new shared
   * queue block holding one reference (the caller's view takes it) and returns its address. The
   * items' references move with them; this local state is left empty. When the heap is full
   * (RangeError) nothing has changed.
   */
  materialize(): number {
    const entries = this.storageOrder();
    const q = allocQueue(this.order, this.maxsize, entries.length);
    const stored: Entry[] = [];
    try {
      for (const { item, tag, key } of entries) stored.push({ item: storeHeld(item), tag, key, decoded: false });
    } catch (error) {
      // Not published: plain frees leave the references with the held items.
      for (const entry of stored) backend().free(entry.item);
      freeQueue(q);
      throw error;
    }
    fillQueue(q, stored, this.unfinished, this.isShutdown);
    this.clear();
    this.moved = true;
    return q;
  }

  /** Adds a new item (a priority queue may throw TypeError; it is then unchanged). */
  private push(held: HeldValue, value: unknown): void {
    if (this.heap !== undefined) heapPush(this.heap, this.heap.entries.length, priorityEntry(held, value));
    else this.items.push(held);
  }

  /** Removes the next item (the queue is not empty). */
  private pop(): HeldValue {
    const heap = this.heap;
    if (heap !== undefined) {
      const held = heapPop(heap, heap.entries.length);
      heap.entries.pop();
      return held;
    }
    const items = this.items;
    if (this.order === Order.LIFO) return items.pop()!;
    const held = items[this.head]!;
    items[this.head++] = undefined;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
    return held;
  }

  /** The items as entries, in the order the shared slot array keeps them. */
  private storageOrder(): Entry<HeldValue>[] {
    if (this.heap !== undefined) return this.heap.entries.slice();
    const entries: Entry<HeldValue>[] = [];
    for (let i = this.head; i < this.items.length; i++) entries.push({ item: this.items[i]!, tag: 0, key: 0, decoded: false });
    return entries;
  }

  private clear(): void {
    if (this.heap !== undefined) this.heap.entries.length = 0;
    this.items = [];
    this.head = 0;
  }
}
