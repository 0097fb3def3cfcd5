/**
 * Python's `queue.SimpleQueue`: an unbounded FIFO queue usable from any thread, without task
 * tracking or shutdown. Local first like `Queue` (see `queue.ts`): its items stay in its creating
 * thread's memory (`local.ts`) until it is sent to another thread or a `get` has to wait; then
 * it uses the same shared block and engine (see `store.ts`), reference-counted the same way.
 */
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { mustBlock } from '../runtime';
import { registerCounted } from '../sync/counted-cell';
import * as engine from './engine';
import { LocalQueue, WAIT } from './local';
import { Cell, destroyQueue, Order } from './store';
import { loadField } from '../fields';
import { takesNoArguments } from '../arguments';

const KIND = 'queue.SimpleQueue';

/** An unbounded FIFO queue (`queue.SimpleQueue`): `put` never blocks; no `taskDone`/`join`/`shutdown`. */
export class SimpleQueue<T = unknown> implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The queue block's address once the queue is shared; 0 while it is local. */
  private address: number;
  /** While local: its items; undefined once shared. */
  private local: LocalQueue | undefined;

  /** Creates an empty queue. */
  constructor() {
    takesNoArguments(arguments.length, () => 'SimpleQueue() takes no positional arguments');
    this.address = 0;
    this.local = new LocalQueue(Order.FIFO, 0);
  }

  /** Moves a local queue's items to a shared block of its own; nothing for a shared one. */
  [MATERIALIZE](): void {
    const local = this.local;
    if (local === undefined) return;
    const address = local.materialize();
    this.address = address;
    this.local = undefined;
    adopt(this, KIND, address);
    holdReference(this, KIND, address);
  }

  /** The block's address, making it first if the queue is local. */
  private shared(): number {
    if (this.local !== undefined) this[MATERIALIZE]();
    return this.address;
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

  /** Puts `item`. Never blocks: `block` and `timeout` exist for compatibility with `Queue.put` and are ignored. */
  put(item: T, block = true, timeout?: number): void {
    const local = this.local;
    if (local === undefined) return engine.put(this.address, item, block, timeout);
    // Unbounded: a local put goes on in the shared queue only when encoding the item shared it.
    const held = local.put(item, block, timeout);
    if (held !== undefined) engine.putHeld(this.address, held, item, block, timeout);
  }

  /** `put(item, false)`. */
  putNowait(item: T): void {
    this.put(item, false);
  }

  /** {@link put} as a promise, for symmetry with `Queue.putAsync` (it never waits). */
  async putAsync(item: T): Promise<void> {
    const local = this.local;
    if (local === undefined) return await engine.putAsync(this.address, item, undefined);
    const held = local.put(item, true, undefined);
    if (held !== undefined) await engine.putHeldAsync(this.address, held, item, undefined);
  }

  /**
   * Removes and returns an item. With `block` (the default) waits for one, at most `timeout`
   * ms when given (then throws {@link Empty}); `undefined` waits forever. With `block = false`
   * throws `Empty` at once when empty (`timeout` is ignored). RangeError for a negative timeout.
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
    // The await keeps this view, and so the block, alive while the call is pending.
    const local = this.local;
    if (local !== undefined) {
      const item = local.get(true, timeout);
      if (item !== WAIT) return item as T;
    }
    return (await engine.getAsync(this.shared(), timeout)) as T;
  }

  /** `<SimpleQueue size=3>`. */
  toString(): string {
    return `<SimpleQueue size=${this.qsize()}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

materializeOnDemand(SimpleQueue.prototype);
registerCounted(
  KIND,
  Cell.REFS,
  (address) => {
    // The codec's reviver: this thread's view of the queue at `address`.
    const queue = Object.create(SimpleQueue.prototype) as { address: number; local: LocalQueue | undefined };
    queue.address = address;
    queue.local = undefined;
    return adopt(queue, KIND, address);
  },
  destroyQueue,
);
