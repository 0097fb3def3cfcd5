/**
 * `Value`: one shared number — the twin of Python's `multiprocessing.Value`, for the shared
 * counters and balances of threaded programs.
 *
 * Block layout (24 bytes):
 *   0   u32  typecode (`Code` of `typecode.ts`)
 *   4   u32  address of the codec-stored handle of the value's RLock (the stored value holds a
 *            reference on the lock)
 *   8   8    the number (int32/uint32 in the first 4 bytes; float64/bigint64 in all 8)
 *   16  i32  references (views, stored values); the last one frees the block and the lock's
 *
 * Local first: a new Value lays its block out at offset 0 of a private heap (`private-heap.ts`)
 * and takes a shared block only when it is first sent to another thread.
 */
import { freeValue, loadValue } from '../codec';
import { adopt, type Handle, HANDLE, holdReference, MATERIALIZE, materializeOnDemand, type SharedObject } from '../handle';
import { INSPECT } from '../inspect';
import { backend } from '../runtime';
import type { Heap } from '../spi';
import { RLock } from '../sync/rlock';
import { registerCounted } from '../sync/counted-cell';
import { moveToSharedBlock, privateHeap } from './private-heap';
import {
  atomicAdd,
  atomicCompareExchange,
  atomicLoad,
  atomicStore,
  Code,
  LETTERS,
  negate,
  parseTypecode,
  readElement,
  toElement,
  type BigIntTypecode,
  type NumberTypecode,
  type Typecode,
  writeElement,
} from './typecode';

const KIND = 'shared.Value';
const BLOCK_BYTES = 24;
const LOCK = 4;
const NUMBER = 8;
const REFS = 16;

/** The element type of a typecode: bigint for 'q'/'bigint64', number otherwise. */
export type ValueOf<C extends Typecode> = C extends BigIntTypecode ? bigint : C extends NumberTypecode ? number : never;

/**
 * A number in shared memory, the same object in every thread it is passed to (as an argument,
 * in a queue item, or through `shared()`).
 *
 * `.value` is a PLAIN read or write, not an atomic read-modify-write: `counter.value += 1`
 * from several threads loses updates, exactly like the unsynchronised counter of a Python
 * threading tutorial. Fix it with the built-in lock (`using _ = counter.getLock().hold();`
 * around the update, like Python's `with counter.get_lock():`) or with the atomic helpers
 * (`counter.add(1)`), which need no lock.
 *
 * Typecodes: 'i'/'int32', 'I'/'uint32', 'd'/'float64' hold JS numbers; 'q'/'bigint64' holds
 * bigints (the type parameter is the typecode: `Value<'q'>` holds a bigint). Integer kinds wrap on overflow like C integers; storing a non-integer in one is a
 * TypeError (`'float' object cannot be interpreted as an integer`), as in Python.
 *
 * Create it once and hand it to threads (as an argument, in a queue item) or declare it with
 * `shared(name, () => new Value('i'))`: a module-level `new Value('i')` runs again in every
 * thread and makes a DIFFERENT value in each (see `shared`).
 */
export class Value<C extends Typecode = NumberTypecode> implements SharedObject {
  declare readonly [HANDLE]: Handle;
  declare private address: number;
  declare private readonly code: Code;
  declare private heap: Heap;
  declare private lock: RLock | undefined;
  /** True while the value lives in its private heap. */
  declare private local: boolean;

  /** A number of `typecode` holding `initial` (default 0), with its own RLock. */
  constructor(typecode: C, initial: ValueOf<C> | number = 0) {
    const code = parseTypecode(typecode);
    const start = toElement(code, initial);
    const heap = privateHeap(BLOCK_BYTES);
    heap.u32[0] = code;
    atomicStore(heap, code, NUMBER, start);
    Value.attach(this, 0, code, heap, undefined, true);
  }

  /** Sets this thread's fields of a view of the block at `address` (adopting it unless local). */
  private static attach<V extends Value<Typecode>>(
    value: V,
    address: number,
    code: Code,
    heap: Heap,
    lock: RLock | undefined,
    local: boolean,
  ): V {
    Object.defineProperties(value, {
      address: { value: address, writable: true },
      code: { value: code },
      heap: { value: heap, writable: true },
      lock: { value: lock, writable: true },
      local: { value: local, writable: true },
    });
    return local ? value : adopt(value, KIND, address);
  }

  /** This thread's view of the Value block at `address` (the codec's reviver). */
  static fromAddress(address: number): Value<Typecode> {
    const heap = backend().heap;
    const value = Object.create(Value.prototype) as Value<Typecode>;
    return Value.attach(value, address, heap.u32[address >> 2] as Code, heap, undefined, false);
  }

  /** Moves a local value to a shared block (its lock too); nothing for a shared one. */
  [MATERIALIZE](): void {
    if (!this.local) return;
    const address = moveToSharedBlock(this.heap, this.getLock(), LOCK, REFS);
    this.heap = backend().heap;
    this.address = address;
    this.local = false;
    adopt(this, KIND, address);
    holdReference(this, KIND, address);
  }

  /** The canonical typecode letter: 'i', 'I', 'd' or 'q'. */
  get typecode(): string {
    return LETTERS[this.code];
  }

  /**
   * The number. Reading and writing are plain memory accesses — NOT atomic as a pair, so
   * `v.value += 1` races with other threads (use {@link getLock} or {@link add}).
   */
  get value(): ValueOf<C> {
    return readElement(this.heap, this.code, this.address + NUMBER) as ValueOf<C>;
  }

  set value(value: ValueOf<C>) {
    writeElement(this.heap, this.code, this.address + NUMBER, toElement(this.code, value));
  }

  /** Atomic read (sequentially consistent; never torn). */
  load(): ValueOf<C> {
    return atomicLoad(this.heap, this.code, this.address + NUMBER) as ValueOf<C>;
  }

  /** Atomic write. */
  store(value: ValueOf<C> | number): void {
    atomicStore(this.heap, this.code, this.address + NUMBER, toElement(this.code, value));
  }

  /**
   * Atomically adds `delta` and returns the PREVIOUS value, like `Atomics.add` (so
   * `v.add(1) + 1` is the new value). Integer kinds wrap; float64 uses a lock-free CAS loop.
   */
  add(delta: ValueOf<C> | number): ValueOf<C> {
    return atomicAdd(this.heap, this.code, this.address + NUMBER, toElement(this.code, delta)) as ValueOf<C>;
  }

  /** Atomically subtracts `delta`; returns the previous value (see {@link add}). */
  sub(delta: ValueOf<C> | number): ValueOf<C> {
    return atomicAdd(this.heap, this.code, this.address + NUMBER, negate(toElement(this.code, delta))) as ValueOf<C>;
  }

  /**
   * Atomically sets the value to `replacement` if it equals `expected`; returns the previous
   * value either way (it equals `expected` exactly when the exchange happened). float64
   * compares bit patterns.
   */
  compareExchange(expected: ValueOf<C> | number, replacement: ValueOf<C> | number): ValueOf<C> {
    const code = this.code;
    return atomicCompareExchange(
      this.heap,
      code,
      this.address + NUMBER,
      toElement(code, expected),
      toElement(code, replacement),
    ) as ValueOf<C>;
  }

  /**
   * The RLock created with this value (Python's `get_lock()`), the same lock in every thread.
   * Hold it around read-modify-write sequences: `using _ = v.getLock().hold(); v.value += 1;`.
   */
  getLock(): RLock {
    // A local value makes its lock on first use; a view of a shared one loads it from the block.
    if (this.lock === undefined) this.lock = this.local ? new RLock() : (loadValue(this.heap.u32[(this.address + LOCK) >> 2]) as RLock);
    return this.lock;
  }

  /** `<Value typecode=i value=42>` */
  toString(): string {
    return `<Value typecode=${this.typecode} value=${String(this.value)}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

materializeOnDemand(Value.prototype);
registerCounted(
  KIND,
  REFS,
  (address) => Value.fromAddress(address),
  (address) => freeValue(backend().heap.u32[(address + LOCK) >> 2]!),
);
