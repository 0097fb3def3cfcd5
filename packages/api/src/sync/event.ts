/**
 * `threading.Event`: a flag that threads wait for.
 *
 * Block layout (8 bytes, see counted-cell.ts):
 *   0  i32  state: bit 0 = the flag, bits 1..31 = how many times `set` raised it (wrapping)
 *   4  i32  references (the block is freed when no view or stored value names it)
 *
 * Waiters park on the state word. Because every raise changes the word, a waiter that was
 * waiting when `set()` ran returns true even if `clear()` follows at once — as in Python,
 * where `set` notifies all current waiters.
 *
 * Local first (as Lock): a new Event keeps its state word in its creating thread's memory and
 * takes a block only when it is sent to another thread or a caller has to wait for it.
 */
import {
  adopt,
  type Handle,
  HANDLE,
  holdReference,
  MATERIALIZE,
  materializeOnDemand,
  RELOCALIZE,
  type SharedObject,
  takeSoleReference,
  unadopt,
} from '../handle';
import { INSPECT } from '../inspect';
import { waitWord, waitWordAsync, wakeWord } from '../parking/word';
import { backend, mustBlock } from '../runtime';
import { Deadline, waitTimeout } from '../timeout';
import { allocCounted, registerCounted } from './counted-cell';
import { loadField, storeField } from '../fields';
import { takesNoArguments } from '../arguments';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';

const KIND = 'sync.Event';
const FLAG = 1;

/**
 * An event flag, initially false. `set()` makes it true and wakes every waiter; `clear()`
 * makes it false; `wait()` blocks until it is true. The same object in every thread.
 */
export class Event implements SharedObject {
  declare readonly [HANDLE]: Handle;
  /** The block's address once the event is shared; 0 while it is local. */
  private cell: number;
  /** While local: the state word. */
  private state: number;

  /** A new event, not set. */
  constructor() {
    takesNoArguments(arguments.length, (n) => `Event.__init__() takes 1 positional argument but ${n + 1} were given`);
    this.cell = 0;
    this.state = 0;
  }

  /** This thread's view of the Event at `address` (the codec's reviver). */
  static fromAddress(address: number): Event {
    const event = Object.create(Event.prototype) as { cell: number; state: number };
    event.cell = address;
    event.state = 0;
    return adopt(event as unknown as Event, KIND, address);
  }

  /** Moves a local event to a block of its own; nothing for a shared one. */
  [MATERIALIZE](): void {
    if (this.cell !== 0) return;
    const cell = allocCounted(8, 4);
    storeField(cell, 0, this.state);
    this.cell = cell;
    adopt(this, KIND, cell);
    holdReference(this, KIND, cell);
  }

  /** Back to local when this view holds the block's only reference (a Timer's event once its thread is done). */
  [RELOCALIZE](): void {
    if (this.cell === 0 || !takeSoleReference(this, this.cell + 4)) return;
    const b = backend();
    this.state = loadField(this.cell);
    b.free(this.cell);
    this.cell = 0;
    unadopt(this);
  }

  /** True when the flag is set. */
  isSet(): boolean {
    const word = this.cell === 0 ? this.state : loadField(this.cell);
    return (word & FLAG) !== 0;
  }

  /** Sets the flag and wakes every thread waiting for it. Later `wait` calls return at once until `clear()`. */
  set(): void {
    if (this.cell === 0) {
      if ((this.state & FLAG) === 0) this.state = (this.state + 2) | FLAG;
      return;
    }
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    for (let v = Atomics.load(i32, at); (v & FLAG) === 0; ) {
      const seen = Atomics.compareExchange(i32, at, v, (v + 2) | FLAG);
      if (seen === v) {
        wakeWord(this.cell);
        return;
      }
      v = seen;
    }
  }

  /** Resets the flag to false; later `wait` calls block until `set()`. */
  clear(): void {
    if (this.cell === 0) this.state &= ~FLAG;
    else Atomics.and(backend().heap.i32, this.cell >> 2, ~FLAG);
  }

  /**
   * Blocks until the flag is set or `timeout` ms pass (`undefined` = forever, negative =
   * poll). Returns true when it was set (at entry, or by a `set()` during the wait — even if
   * cleared again since), false on timeout.
   */
  wait(timeout?: number): boolean {
    mustBlock('waitAsync()');
    const ms = waitTimeout(timeout);
    if (this.isSet()) return true;
    if (ms <= 0) return false;
    if (this.cell === 0) this[MATERIALIZE]();
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    const entry = Atomics.load(i32, at);
    if ((entry & FLAG) !== 0) return true;
    const deadline = new Deadline(ms);
    const token = beginWait(WaitKind.event, this.cell, ms !== Infinity);
    try {
      for (let left = ms; left > 0; left = deadline.remaining()) {
        waitWord(this.cell, entry, left);
        if (Atomics.load(backend().heap.i32, at) !== entry) return true;
      }
    } finally {
      endWait(token);
    }
    return false;
  }

  /** {@link wait} as a promise; never blocks the event loop. */
  async waitAsync(timeout?: number): Promise<boolean> {
    const ms = waitTimeout(timeout);
    if (this.isSet()) return true;
    if (ms <= 0) return false;
    if (this.cell === 0) this[MATERIALIZE]();
    const b = backend();
    const i32 = b.heap.i32;
    const at = this.cell >> 2;
    const entry = Atomics.load(i32, at);
    if ((entry & FLAG) !== 0) return true;
    const deadline = new Deadline(ms);
    const token = beginAsyncWait(WaitKind.event, this.cell);
    try {
      for (let left = ms; left > 0; left = deadline.remaining()) {
        await waitWordAsync(this.cell, entry, left);
        if (Atomics.load(i32, at) !== entry) return true;
      }
      return false;
    } finally {
      endAsyncWait(token);
    }
  }

  /** `<Event set>` / `<Event unset>` */
  toString(): string {
    return this.isSet() ? '<Event set>' : '<Event unset>';
  }

  [INSPECT](): string {
    return this.toString();
  }
}

materializeOnDemand(Event.prototype);
registerCounted(KIND, 4, (address) => Event.fromAddress(address));
