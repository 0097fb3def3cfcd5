/**
 * Python's `queue.Queue`, `queue.LifoQueue` and `queue.PriorityQueue`: multi-producer,
 * multi-consumer queues usable from any thread. Items are copied with the codec when put and
 * rebuilt when got (shared objects inside them keep their identity).
 *
 * Local first: a new queue keeps its items and counters in its creating thread's memory
 * (`local.ts`) and takes no shared heap. It moves to a shared block (layout in `store.ts`,
 * waiting in `engine.ts`) the first time it is sent to another thread or a call has to wait
 * for one (`get` on an empty queue, `put` on a full one, `join` with unfinished tasks, with a
 * timeout > 0); the move takes the items in order and the counters along. Once shared, a queue
 * passed to another thread is the same queue there, and its block is reference-counted: freed,
 * with every item still in it, when no view and no stored value names it.
 */
import { dropHeld, type HeldValue } from '../codec';
import { ShutDown } from '../errors';
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { mustBlock } from '../runtime';
import { registerCounted } from '../sync/counted-cell';
import * as engine from './engine';
import { LocalQueue, WAIT } from './local';
import { Cell, destroyQueue, isFull, limitFor, Order } from './store';
import { loadField } from '../fields';

const KIND = { FIFO: 'queue.Queue', LIFO: 'queue.LifoQueue', PRIORITY: 'queue.PriorityQueue' } as const;

function checkMaxsize(maxsize: number): void {
  if (typeof maxsize !== 'number') throw new TypeError(`maxsize must be a number, not ${typeof maxsize}`);
}

/**
 * A FIFO queue (`queue.Queue`). `maxsize` <= 0 means unbounded; otherwise `put` blocks while
 * the queue holds `maxsize` items. Tracks unfinished tasks for {@link Queue.join}, and can be
 * {@link Queue.shutdown shut down} (Python 3.13).
 */
export class Queue<T = unknown> implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The queue block's address once the queue is shared; 0 while it is local. */
  private address: number;
  /** While local: its items and counters; undefined once shared. */
  private local: LocalQueue | undefined;

  /** Creates a queue holding at most `maxsize` items (<= 0: no limit). */
  constructor(maxsize = 0) {
    checkMaxsize(maxsize);
    this.address = 0;
    this.local = new LocalQueue(kindOf(this)[1], maxsize);
  }

  /** Moves a local queue (items, counters) to a shared block of its own; nothing for a shared one. */
  [MATERIALIZE](): void {
    const local = this.local;
    if (local === undefined) return;
    const address = local.materialize();
    this.address = address;
    this.local = undefined;
    const [kind] = kindOf(this);
    adopt(this, kind, address);
    holdReference(this, kind, address);
  }

  /** The block's address, making it first if the queue is local. */
  private shared(): number {
    if (this.local !== undefined) this[MATERIALIZE]();
    return this.address;
  }

  /** {@link shared} for a put that goes on in the shared queue with its item encoded: drops the item if that fails. */
  private sharedFor(held: HeldValue): number {
    try {
      return this.shared();
    } catch (error) {
      dropHeld(held);
      throw error;
    }
  }

  /**
   * The most items the queue holds (<= 0: unbounded). Settable from any thread, as Python's
   * attribute: a queue shrunk below its size keeps its items (puts wait, or raise Full, until it
   * has room); growing it lets blocked puts go on at once.
   */
  get maxsize(): number {
    const local = this.local;
    return local !== undefined ? local.maxsize : engine.currentMaxsize(this.address);
  }

  set maxsize(value: number) {
    checkMaxsize(value);
    const local = this.local;
    if (local !== undefined) local.maxsize = value;
    else engine.changeMaxsize(this.address, value);
  }

  /** Number of items put and not yet marked done with {@link taskDone}. */
  get unfinishedTasks(): number {
    const local = this.local;
    return local !== undefined ? local.unfinished : loadField(this.address, Cell.UNFINISHED);
  }

  /** True once {@link shutdown} was called. */
  get isShutdown(): boolean {
    const local = this.local;
    return local !== undefined ? local.isShutdown : loadField(this.address, Cell.SHUTDOWN) !== 0;
  }

  /** The approximate number of items (another thread may change it at once). */
  qsize(): number {
    const local = this.local;
    return local !== undefined ? local.size : loadField(this.address, Cell.SIZE);
  }

  /** True when the queue holds no items (approximate, like {@link qsize}). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True when the queue is bounded and holds `maxsize` items (approximate). */
  full(): boolean {
    const local = this.local;
    if (local === undefined) return isFull(this.address);
    return limitFor(local.maxsize) > 0 && local.size >= limitFor(local.maxsize);
  }

  /**
   * Puts `item`. With `block` (the default) waits for a free slot, at most `timeout` ms when
   * given (then throws {@link Full}); `undefined` waits forever. With `block = false` throws
   * `Full` at once when full (`timeout` is ignored). Throws {@link ShutDown} after
   * {@link shutdown}, and RangeError for a negative timeout on a bounded queue.
   */
  put(item: T, block = true, timeout?: number): void {
    if (block) mustBlock('putAsync()');
    const local = this.local;
    if (local === undefined) return engine.put(this.address, item, block, timeout);
    const held = local.put(item, block, timeout);
    if (held !== undefined) engine.putHeld(this.sharedFor(held), held, item, block, timeout);
  }

  /** `put(item, false)`. */
  putNowait(item: T): void {
    const local = this.local;
    if (local === undefined) return engine.put(this.address, item, false, undefined);
    const held = local.put(item, false, undefined);
    if (held !== undefined) engine.putHeld(this.sharedFor(held), held, item, false, undefined);
  }

  /** {@link put} with `block = true` as a promise that never blocks the event loop. */
  async putAsync(item: T, timeout?: number): Promise<void> {
    // Each await keeps this view, and so the block, alive while the call is pending.
    const local = this.local;
    if (local === undefined) return await engine.putAsync(this.address, item, timeout);
    const held = local.put(item, true, timeout);
    if (held !== undefined) await engine.putHeldAsync(this.sharedFor(held), held, item, timeout);
  }

  /**
   * Removes and returns an item. With `block` (the default) waits for one, at most `timeout`
   * ms when given (then throws {@link Empty}); `undefined` waits forever. With `block = false`
   * throws `Empty` at once when empty (`timeout` is ignored). Throws {@link ShutDown} when the
   * queue is shut down and empty (at once after `shutdown(true)`), RangeError for a negative
   * timeout.
   */
  get(block = true, timeout?: number): T {
    if (block) mustBlock('getAsync()');
    const local = this.local;
    if (local !== undefined) {
      const item = local.get(block, timeout);
      if (item !== WAIT) return item as T;
    }
    return engine.get(this.shared(), block, timeout) as T;
  }

  /** `get(false)`. */
  getNowait(): T {
    const local = this.local;
    return (local !== undefined ? local.get(false, undefined) : engine.get(this.address, false, undefined)) as T;
  }

  /** {@link get} with `block = true` as a promise that never blocks the event loop. */
  async getAsync(timeout?: number): Promise<T> {
    const local = this.local;
    if (local !== undefined) {
      const item = local.get(true, timeout);
      if (item !== WAIT) return item as T;
    }
    return (await engine.getAsync(this.shared(), timeout)) as T;
  }

  /**
   * Marks one formerly got item as processed; when every put item is marked, {@link join}
   * returns. Throws RangeError('task_done() called too many times') when no task is unfinished.
   */
  taskDone(): void {
    const local = this.local;
    if (local !== undefined) local.taskDone();
    else engine.taskDone(this.address);
  }

  /** Blocks until every item put has been marked done with {@link taskDone}. */
  join(): void {
    mustBlock('joinAsync()');
    if (this.local === undefined || this.local.unfinished > 0) engine.join(this.shared());
  }

  /** {@link join} as a promise that never blocks the event loop. */
  async joinAsync(): Promise<void> {
    if (this.local === undefined || this.local.unfinished > 0) await engine.joinAsync(this.shared());
  }

  /**
   * Shuts the queue down: every later `put` throws {@link ShutDown}, and `get` throws it once
   * the queue is empty. With `immediate`, the remaining items are discarded and counted as done
   * (which may release {@link join}). Wakes every blocked `put`, `get` and (if immediate) `join`.
   * Calling it again is allowed.
   */
  shutdown(immediate = false): void {
    const local = this.local;
    if (local !== undefined) local.shutdown(immediate);
    else engine.shutdown(this.address, immediate);
  }

  /**
   * Iterates with blocking {@link get}s until the queue is shut down and empty (the
   * {@link ShutDown} ends the iteration). Does not call {@link taskDone}.
   */
  *[Symbol.iterator](): Generator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = this.get();
      } catch (error) {
        if (error instanceof ShutDown) return;
        throw error;
      }
      yield item;
    }
  }

  /** `for await`: {@link getAsync} until the queue is shut down and empty. Does not call {@link taskDone}. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.getAsync();
      } catch (error) {
        if (error instanceof ShutDown) return;
        throw error;
      }
      yield item;
    }
  }

  /** `<Queue size=3 maxsize=100>` (maxsize only when bounded, ` shutdown` once shut down). */
  toString(): string {
    const maxsize = this.maxsize;
    const bound = maxsize > 0 ? ` maxsize=${maxsize}` : '';
    return `<${this.constructor.name} size=${this.qsize()}${bound}${this.isShutdown ? ' shutdown' : ''}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** A LIFO queue (`queue.LifoQueue`): `get` returns the most recently put item. */
export class LifoQueue<T = unknown> extends Queue<T> {}

/**
 * A priority queue (`queue.PriorityQueue`): `get` returns the smallest item, as CPython's
 * `heapq` orders them — items are typically `[priority, data]` pairs. Items compare like
 * Python values: numbers, bigints and booleans with each other, strings by code point, arrays
 * element by element like tuples; any other pair that must be ordered makes `put` (or `get`)
 * throw TypeError(`'<' not supported between instances of …`) and leaves the queue unchanged.
 * Elements compared for equality on the way (ties in an array prefix) follow Python's `==`:
 * plain objects and arrays by content, shared objects by identity.
 */
export class PriorityQueue<T = unknown> extends Queue<T> {}

/** The kind and order of a queue of this class (a subclass of one of them is that one). */
function kindOf(queue: Queue<unknown>): readonly [string, Order] {
  if (queue instanceof PriorityQueue) return [KIND.PRIORITY, Order.PRIORITY];
  if (queue instanceof LifoQueue) return [KIND.LIFO, Order.LIFO];
  return [KIND.FIFO, Order.FIFO];
}

/** The codec's reviver of a kind: this thread's view of the queue at an address. */
function reviver(cls: typeof Queue, kind: string): (address: number) => object {
  return (address) => {
    const queue = Object.create(cls.prototype) as { address: number; local: LocalQueue | undefined };
    queue.address = address;
    queue.local = undefined;
    return adopt(queue, kind, address);
  };
}

materializeOnDemand(Queue.prototype);
registerCounted(KIND.FIFO, Cell.REFS, reviver(Queue, KIND.FIFO), destroyQueue);
registerCounted(KIND.LIFO, Cell.REFS, reviver(LifoQueue, KIND.LIFO), destroyQueue);
registerCounted(KIND.PRIORITY, Cell.REFS, reviver(PriorityQueue, KIND.PRIORITY), destroyQueue);
