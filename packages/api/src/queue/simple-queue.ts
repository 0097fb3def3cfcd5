/**
 * Python's `queue.SimpleQueue`: an unbounded FIFO queue usable from any thread, without task
 * tracking or shutdown. Same shared block and engine as `Queue` (see `store.ts`).
 */
import { adopt, type Handle, HANDLE, registerKind, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import * as engine from './engine';
import { allocQueue, Cell, cell, Order } from './store';
import { mustBlock } from '../runtime';

const KIND = 'queue.SimpleQueue';

/** An unbounded FIFO queue (`queue.SimpleQueue`): `put` never blocks; no `taskDone`/`join`/`shutdown`. */
export class SimpleQueue<T = unknown> implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** Heap address of the queue block. */
  declare protected readonly address: number;

  /** Creates an empty queue. */
  constructor() {
    Object.defineProperty(this, 'address', { value: allocQueue(Order.FIFO, 0) });
    adopt(this, KIND, this.address);
  }

  /** The approximate number of items (another thread may change it at once). */
  qsize(): number {
    return cell(this.address, Cell.SIZE);
  }

  /** True when the queue holds no items (approximate, like {@link qsize}). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** Puts `item`. Never blocks: `block` and `timeout` exist for compatibility with `Queue.put` and are ignored. */
  put(item: T, block = true, timeout?: number): void {
    engine.put(this.address, item, block, timeout);
  }

  /** `put(item, false)`. */
  putNowait(item: T): void {
    engine.put(this.address, item, false, undefined);
  }

  /** {@link put} as a promise, for symmetry with `Queue.putAsync` (it never waits). */
  putAsync(item: T): Promise<void> {
    return engine.putAsync(this.address, item, undefined);
  }

  /**
   * Removes and returns an item. With `block` (the default) waits for one, at most `timeout`
   * ms when given (then throws {@link Empty}); `undefined` waits forever. With `block = false`
   * throws `Empty` at once when empty (`timeout` is ignored). RangeError for a negative timeout.
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

  /** `<SimpleQueue size=3>`. */
  toString(): string {
    return `<SimpleQueue size=${this.qsize()}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

registerKind(KIND, (address) => {
  const queue: object = Object.create(SimpleQueue.prototype);
  Object.defineProperty(queue, 'address', { value: address });
  return adopt(queue, KIND, address);
});
