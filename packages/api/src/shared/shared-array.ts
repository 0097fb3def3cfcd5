/**
 * `SharedArray`: a fixed-length array of numbers in shared memory — the twin of Python's
 * `multiprocessing.Array`.
 *
 * Block layout (16 + length × element bytes):
 *   0   u32  typecode (`Code` of `typecode.ts`)
 *   4   u32  address of the codec-stored handle of the array's RLock
 *   8   u32  length
 *   12  i32  references (views, stored values); the last one frees the block and the lock's
 *   16  …    the elements
 *
 * Local first, as `Value`: a new array lays its block out in a private heap and takes a
 * shared block only when it is first sent to another thread.
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
  ELEMENT_BYTES,
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
import type { ValueOf } from './value';

const KIND = 'shared.SharedArray';

/** The typed array of a typecode's elements (see `SharedArray.typedArray()`). */
export type TypedArrayOf<C extends Typecode> = C extends 'd' | 'float64'
  ? Float64Array
  : C extends 'i' | 'int32'
    ? Int32Array
    : C extends 'I' | 'uint32'
      ? Uint32Array
      : C extends BigIntTypecode
        ? BigInt64Array
        : Float64Array | Int32Array | Uint32Array | BigInt64Array;

/** The typed array constructor of each {@link Code}. */
const TYPED_ARRAYS = [Int32Array, Uint32Array, Float64Array, BigInt64Array] as const;
/** The property of a typed array from `typedArray()` that keeps its SharedArray (and block) alive. */
const OWNER = Symbol('threadkit.SharedArray');
const HEADER_BYTES = 16;
const LOCK = 4;
const LENGTH = 8;
const REFS = 12;
/** Elements shown by `toString()` before `…`. */
const SHOWN = 10;

/**
 * A fixed-length array of shared numbers, the same array in every thread it is passed to.
 * `get`/`set` are plain (non-atomic) accesses: a read-modify-write such as
 * `a.set(i, a.get(i) + 1)` races between threads — hold {@link getLock} around it, or use the
 * atomic {@link add}/{@link compareExchange}. Negative indices count from the end (as in
 * Python); an index out of range is a RangeError (Python's IndexError).
 *
 * Typecodes as for `Value`: 'i'/'int32', 'I'/'uint32', 'd'/'float64' (numbers), 'q'/'bigint64' (bigints).
 * As with `Value`, a module-level `new SharedArray(…)` is a DIFFERENT array in every thread:
 * pass it to threads, or declare it with `shared(name, factory)`.
 */
export class SharedArray<C extends Typecode = NumberTypecode> implements SharedObject, Iterable<ValueOf<C>> {
  declare readonly [HANDLE]: Handle;
  /** Number of elements (fixed at creation). */
  declare readonly length: number;
  declare private address: number;
  declare private readonly code: Code;
  declare private heap: Heap;
  declare private lock: RLock | undefined;
  /** True while the array lives in its private heap. */
  declare private local: boolean;

  /**
   * Allocates an array of `typecode`: `lengthOrIterable` is a length (elements start at 0) or
   * the initial elements (`new SharedArray('d', [0.5, 1.5])`).
   */
  constructor(typecode: C, lengthOrIterable: number | Iterable<ValueOf<C> | number>) {
    const code = parseTypecode(typecode);
    let elements: (number | bigint)[] | undefined;
    let length: number;
    if (typeof lengthOrIterable === 'number') {
      if (!Number.isInteger(lengthOrIterable)) throw new TypeError('array length must be an integer');
      if (lengthOrIterable < 0) throw new RangeError(`Array length must be >= 0, not ${lengthOrIterable}`);
      length = lengthOrIterable;
    } else {
      elements = Array.from(lengthOrIterable, (element) => toElement(code, element));
      length = elements.length;
    }
    const bytes = HEADER_BYTES + length * ELEMENT_BYTES[code];
    if (bytes > 2 ** 30) throw new RangeError(`cannot allocate ${bytes} bytes of shared memory`);
    const heap = privateHeap(bytes);
    heap.u32[0] = code;
    heap.u32[LENGTH >> 2] = length;
    SharedArray.attach(this, 0, code, length, heap, undefined, true);
    if (elements !== undefined) {
      for (let i = 0; i < length; i++) writeElement(heap, code, this.at(i), elements[i]);
    }
  }

  /** Sets this thread's fields of a view of the block at `address` (adopting it unless local). */
  private static attach<A extends SharedArray<Typecode>>(
    array: A,
    address: number,
    code: Code,
    length: number,
    heap: Heap,
    lock: RLock | undefined,
    local: boolean,
  ): A {
    Object.defineProperties(array, {
      address: { value: address, writable: true },
      code: { value: code },
      length: { value: length },
      heap: { value: heap, writable: true },
      lock: { value: lock, writable: true },
      local: { value: local, writable: true },
    });
    return local ? array : adopt(array, KIND, address);
  }

  /** Moves a local array to a shared block (its lock too); nothing for a shared one. */
  [MATERIALIZE](): void {
    if (!this.local) return;
    const address = moveToSharedBlock(this.heap, this.getLock(), LOCK, REFS);
    this.heap = backend().heap;
    this.address = address;
    this.local = false;
    adopt(this, KIND, address);
    holdReference(this, KIND, address);
  }

  /** This thread's view of the SharedArray block at `address` (the codec's reviver). */
  static fromAddress(address: number): SharedArray<Typecode> {
    const heap = backend().heap;
    const array = Object.create(SharedArray.prototype) as SharedArray<Typecode>;
    const code = heap.u32[address >> 2] as Code;
    return SharedArray.attach(array, address, code, heap.u32[(address + LENGTH) >> 2], heap, undefined, false);
  }

  /** The canonical typecode letter: 'i', 'I', 'd' or 'q'. */
  get typecode(): string {
    return LETTERS[this.code];
  }

  /** Heap byte address of element `index` (negative counts from the end); RangeError when out of range. */
  private at(index: number): number {
    if (!Number.isInteger(index)) throw new TypeError('array indices must be integers');
    const i = index < 0 ? index + this.length : index;
    if (i < 0 || i >= this.length) throw new RangeError('invalid index');
    return this.address + HEADER_BYTES + i * ELEMENT_BYTES[this.code];
  }

  /** Plain read of element `index`. */
  get(index: number): ValueOf<C> {
    return readElement(this.heap, this.code, this.at(index)) as ValueOf<C>;
  }

  /** Plain write of element `index` (not atomic with a preceding `get`). */
  set(index: number, value: ValueOf<C> | number): void {
    writeElement(this.heap, this.code, this.at(index), toElement(this.code, value));
  }

  /**
   * The elements as a typed array over the shared memory itself (beyond Python, where
   * `memoryview(arr.get_obj())` does this): a Float64Array for 'd', Int32Array for 'i',
   * Uint32Array for 'I', BigInt64Array for 'q'. No copy: every thread sees what it writes, with
   * plain (non-atomic) accesses as `get`/`set` — so bulk work (`sort()`, `subarray()`, `fill()`,
   * `set()`) runs at typed-array speed, e.g. each thread sorting its own part. The typed array
   * keeps this SharedArray, and so its memory, alive. A local array moves to shared memory first.
   */
  typedArray(): TypedArrayOf<C> {
    this[MATERIALIZE]();
    const start = this.address + HEADER_BYTES;
    const Typed = TYPED_ARRAYS[this.code] as Float64ArrayConstructor;
    const view = new Typed(this.heap.u8.buffer as ArrayBuffer, start, this.length);
    Object.defineProperty(view, OWNER, { value: this });
    return view as TypedArrayOf<C>;
  }

  /** Atomic read of element `index`. */
  load(index: number): ValueOf<C> {
    return atomicLoad(this.heap, this.code, this.at(index)) as ValueOf<C>;
  }

  /** Atomic write of element `index`. */
  store(index: number, value: ValueOf<C> | number): void {
    atomicStore(this.heap, this.code, this.at(index), toElement(this.code, value));
  }

  /** Atomically adds `delta` to element `index`; returns the PREVIOUS value, like `Atomics.add`. */
  add(index: number, delta: ValueOf<C> | number): ValueOf<C> {
    return atomicAdd(this.heap, this.code, this.at(index), toElement(this.code, delta)) as ValueOf<C>;
  }

  /** Atomically subtracts `delta` from element `index`; returns the previous value. */
  sub(index: number, delta: ValueOf<C> | number): ValueOf<C> {
    return atomicAdd(this.heap, this.code, this.at(index), negate(toElement(this.code, delta))) as ValueOf<C>;
  }

  /**
   * Atomically sets element `index` to `replacement` if it equals `expected`; returns the
   * previous value either way. float64 compares bit patterns.
   */
  compareExchange(index: number, expected: ValueOf<C> | number, replacement: ValueOf<C> | number): ValueOf<C> {
    const code = this.code;
    return atomicCompareExchange(
      this.heap,
      code,
      this.at(index),
      toElement(code, expected),
      toElement(code, replacement),
    ) as ValueOf<C>;
  }

  /** The RLock created with this array (Python's `get_lock()`), the same lock in every thread. */
  getLock(): RLock {
    // A local value makes its lock on first use; a view of a shared one loads it from the block.
    if (this.lock === undefined) this.lock = this.local ? new RLock() : (loadValue(this.heap.u32[(this.address + LOCK) >> 2]) as RLock);
    return this.lock;
  }

  /** The elements, read one by one with plain reads. */
  *[Symbol.iterator](): Iterator<ValueOf<C>> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** A plain JS array copy of the elements (plain reads: not a snapshot if other threads write). */
  toArray(): ValueOf<C>[] {
    const out: ValueOf<C>[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.get(i));
    return out;
  }

  /** `<SharedArray typecode=d length=3 [1, 2.5, 0]>` (at most 10 elements shown). */
  toString(): string {
    const shown: string[] = [];
    for (let i = 0; i < Math.min(this.length, SHOWN); i++) shown.push(String(this.get(i)));
    return `<SharedArray typecode=${this.typecode} length=${this.length} [${shown.join(', ')}${this.length > SHOWN ? ', …' : ''}]>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

materializeOnDemand(SharedArray.prototype);
registerCounted(
  KIND,
  REFS,
  (address) => SharedArray.fromAddress(address),
  (address) => freeValue(backend().heap.u32[(address + LOCK) >> 2]!),
);
