/**
 * Python's `queue.Queue`, `queue.LifoQueue` and `queue.PriorityQueue`: multi-producer,
 * multi-consumer queues usable from any thread. Items are copied with the codec when put and
 * rebuilt when got (shared objects inside them keep their identity). All state lives in the
 * shared heap (layout in `store.ts`, waiting in `engine.ts`), so a queue passed to another
 * thread is the same queue there.
 */
import { ShutDown } from '../errors';
import { adopt, type Handle, HANDLE, registerKind, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import * as engine from './engine';
import { allocQueue, Cell, cell, maxsizeOf, Order } from './store';
import { mustBlock } from '../runtime';

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
  /** Heap address of the queue block. */
  declare protected readonly address: number;

  /** Creates a queue holding at most `maxsize` items (<= 0: no limit). */
  constructor(maxsize = 0) {
    checkMaxsize(maxsize);
    const [kind, order] =
      this instanceof PriorityQueue
        ? [KIND.PRIORITY, Order.PRIORITY]
        : this instanceof LifoQueue
          ? [KIND.LIFO, Order.LIFO]
          : [KIND.FIFO, Order.FIFO];
    Object.defineProperty(this, 'address', { value: allocQueue(order, maxsize) });
    adopt(this, kind, this.address);
  }

  /** The limit given at creation (<= 0: unbounded). */
  get maxsize(): number {
    return maxsizeOf(this.address);
  }

  /** Number of items put and not yet marked done with {@link taskDone}. */
  get unfinishedTasks(): number {
    return cell(this.address, Cell.UNFINISHED);
  }

  /** True once {@link shutdown} was called. */
  get isShutdown(): boolean {
    return cell(this.address, Cell.SHUTDOWN) !== 0;
  }

  /** The approximate number of items (another thread may change it at once). */
  qsize(): number {
    return cell(this.address, Cell.SIZE);
  }

  /** True when the queue holds no items (approximate, like {@link qsize}). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True when the queue is bounded and holds `maxsize` items (approximate). */
  full(): boolean {
    const maxsize = this.maxsize;
    return maxsize > 0 && this.qsize() >= maxsize;
  }

  /**
   * Puts `item`. With `block` (the default) waits for a free slot, at most `timeout` ms when
   * given (then throws {@link Full}); `undefined` waits forever. With `block = false` throws
   * `Full` at once when full (`timeout` is ignored). Throws {@link ShutDown} after
   * {@link shutdown}, and RangeError for a negative timeout on a bounded queue.
   */
  put(item: T, block = true, timeout?: number): void {
    if (block) mustBlock('putAsync()');
    engine.put(this.address, item, block, timeout);
  }

  /** `put(item, false)`. */
  putNowait(item: T): void {
    engine.put(this.address, item, false, undefined);
  }

  /** {@link put} with `block = true` as a promise that never blocks the event loop. */
  putAsync(item: T, timeout?: number): Promise<void> {
    return engine.putAsync(this.address, item, timeout);
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
    return engine.get(this.address, block, timeout) as T;
  }

  /** `get(false)`. */
  getNowait(): T {
    return engine.get(this.address, false, undefined) as T;
  }

  /** {@link get} with `block = true` as a promise that never blocks the event loop. */
  async getAsync(timeout?: number): Promise<T> {
    return (await engine.getAsync(this.address, timeout)) as T;
  }

  /**
   * Marks one formerly got item as processed; when every put item is marked, {@link join}
   * returns. Throws RangeError('task_done() called too many times') when no task is unfinished.
   */
  taskDone(): void {
    engine.taskDone(this.address);
  }

  /** Blocks until every item put has been marked done with {@link taskDone}. */
  join(): void {
    mustBlock('joinAsync()');
    engine.join(this.address);
  }

  /** {@link join} as a promise that never blocks the event loop. */
  joinAsync(): Promise<void> {
    return engine.joinAsync(this.address);
  }

  /**
   * Shuts the queue down: every later `put` throws {@link ShutDown}, and `get` throws it once
   * the queue is empty. With `immediate`, the remaining items are discarded and counted as done
   * (which may release {@link join}). Wakes every blocked `put`, `get` and (if immediate) `join`.
   * Calling it again is allowed.
   */
  shutdown(immediate = false): void {
    engine.shutdown(this.address, immediate);
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

function reviver(cls: typeof Queue, kind: string): (address: number) => object {
  return (address) => {
    const queue: object = Object.create(cls.prototype);
    Object.defineProperty(queue, 'address', { value: address });
    return adopt(queue, kind, address);
  };
}

registerKind(KIND.FIFO, reviver(Queue, KIND.FIFO));
registerKind(KIND.LIFO, reviver(LifoQueue, KIND.LIFO));
registerKind(KIND.PRIORITY, reviver(PriorityQueue, KIND.PRIORITY));
