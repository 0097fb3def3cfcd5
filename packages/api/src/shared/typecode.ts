/**
 * Typecodes of shared numbers (`Value`, `SharedArray`) and the element operations on a heap
 * address: plain (non-atomic) read/write, and atomic load/store/add/compareExchange.
 *
 *   'i' / 'int32'     32-bit signed int,   JS number, wraps on overflow (like C's int)
 *   'I' / 'uint32'    32-bit unsigned int, JS number, wraps on overflow
 *   'd' / 'float64'   64-bit float,        JS number
 *   'q' / 'bigint64'  64-bit signed int,   JS bigint (numbers that are integers are accepted), wraps
 *
 * float64 has no Atomics of its own: its atomic operations work on the 64-bit pattern through
 * the heap's BigInt64 view — `add` is a compare-and-swap loop (lock-free), `compareExchange`
 * compares bit patterns (so -0 and 0 differ, and NaN matches only the same NaN pattern).
 */
import type { Heap } from '../spi';

/** A typecode letter or name. */
export type Typecode = 'i' | 'I' | 'd' | 'q' | 'int32' | 'uint32' | 'float64' | 'bigint64';

/** Typecodes whose elements are JS numbers. */
export type NumberTypecode = 'i' | 'I' | 'd' | 'int32' | 'uint32' | 'float64';

/** Typecodes whose elements are JS bigints. */
export type BigIntTypecode = 'q' | 'bigint64';

/** Element kinds, as stored in a block's typecode cell. */
export const enum Code {
  Int32 = 0,
  Uint32 = 1,
  Float64 = 2,
  BigInt64 = 3,
}

/** The canonical letter of each {@link Code}. */
export const LETTERS = ['i', 'I', 'd', 'q'] as const;

/** Bytes per element of each {@link Code}. */
export const ELEMENT_BYTES = [4, 4, 8, 8] as const;

const CODES: Record<string, Code> = {
  i: Code.Int32,
  I: Code.Uint32,
  d: Code.Float64,
  q: Code.BigInt64,
  int32: Code.Int32,
  uint32: Code.Uint32,
  float64: Code.Float64,
  bigint64: Code.BigInt64,
};

/** The {@link Code} of a typecode; TypeError for a non-string, RangeError (Python's ValueError) for an unknown one. */
export function parseTypecode(typecode: unknown): Code {
  if (typeof typecode !== 'string') {
    throw new TypeError(`typecode must be a string, not ${typecode === null ? 'null' : typeof typecode}`);
  }
  const code = Object.hasOwn(CODES, typecode) ? CODES[typecode] : undefined;
  if (code === undefined) throw new RangeError('bad typecode (must be i, I, d, q, int32, uint32, float64 or bigint64)');
  return code;
}

/**
 * Checks and converts a value for an element of kind `code` (Python's ctypes rules and
 * messages: integers for integer kinds, numbers for float64).
 */
export function toElement(code: Code, value: unknown): number | bigint {
  if (code === Code.BigInt64) {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    throw new TypeError(`'${describe(value)}' object cannot be interpreted as an integer`);
  }
  if (typeof value !== 'number') {
    if (code === Code.Float64) throw new TypeError(`must be real number, not ${describe(value)}`);
    throw new TypeError(`'${describe(value)}' object cannot be interpreted as an integer`);
  }
  if (code !== Code.Float64 && !Number.isInteger(value)) throw new TypeError("'float' object cannot be interpreted as an integer");
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return 'float';
  return typeof value;
}

const floatScratch = new Float64Array(1);
const bitsScratch = new BigInt64Array(floatScratch.buffer);

function bitsOf(value: number): bigint {
  floatScratch[0] = value;
  return bitsScratch[0];
}

function floatOf(bits: bigint): number {
  bitsScratch[0] = bits;
  return floatScratch[0];
}

/** Plain read of the element at byte `address` (not atomic; may tear for 64-bit kinds while another thread writes). */
export function readElement(heap: Heap, code: Code, address: number): number | bigint {
  switch (code) {
    case Code.Int32:
      return heap.i32[address >> 2];
    case Code.Uint32:
      return heap.u32[address >> 2];
    case Code.Float64:
      return heap.f64[address >> 3];
    default:
      return heap.i64[address >> 3];
  }
}

/** Plain write (not atomic) of a value already checked by {@link toElement}. */
export function writeElement(heap: Heap, code: Code, address: number, value: number | bigint): void {
  switch (code) {
    case Code.Int32:
      heap.i32[address >> 2] = value as number;
      break;
    case Code.Uint32:
      heap.u32[address >> 2] = value as number;
      break;
    case Code.Float64:
      heap.f64[address >> 3] = value as number;
      break;
    default:
      heap.i64[address >> 3] = value as bigint;
  }
}

/** Atomic read. */
export function atomicLoad(heap: Heap, code: Code, address: number): number | bigint {
  switch (code) {
    case Code.Int32:
      return Atomics.load(heap.i32, address >> 2);
    case Code.Uint32:
      return Atomics.load(heap.u32, address >> 2);
    case Code.Float64:
      return floatOf(Atomics.load(heap.i64, address >> 3));
    default:
      return Atomics.load(heap.i64, address >> 3);
  }
}

/** Atomic write of a checked value. */
export function atomicStore(heap: Heap, code: Code, address: number, value: number | bigint): void {
  switch (code) {
    case Code.Int32:
      Atomics.store(heap.i32, address >> 2, value as number);
      break;
    case Code.Uint32:
      Atomics.store(heap.u32, address >> 2, value as number);
      break;
    case Code.Float64:
      Atomics.store(heap.i64, address >> 3, bitsOf(value as number));
      break;
    default:
      Atomics.store(heap.i64, address >> 3, value as bigint);
  }
}

/** Atomically adds a checked value; returns the previous value (as `Atomics.add` does). */
export function atomicAdd(heap: Heap, code: Code, address: number, value: number | bigint): number | bigint {
  switch (code) {
    case Code.Int32:
      return Atomics.add(heap.i32, address >> 2, value as number);
    case Code.Uint32:
      return Atomics.add(heap.u32, address >> 2, value as number);
    case Code.Float64: {
      const index = address >> 3;
      for (;;) {
        const old = Atomics.load(heap.i64, index);
        const previous = floatOf(old);
        if (Atomics.compareExchange(heap.i64, index, old, bitsOf(previous + (value as number))) === old) return previous;
      }
    }
    default:
      return Atomics.add(heap.i64, address >> 3, value as bigint);
  }
}

/** Atomically replaces the element with `replacement` if it equals `expected`; returns the previous value either way. */
export function atomicCompareExchange(
  heap: Heap,
  code: Code,
  address: number,
  expected: number | bigint,
  replacement: number | bigint,
): number | bigint {
  switch (code) {
    case Code.Int32:
      return Atomics.compareExchange(heap.i32, address >> 2, expected as number, replacement as number);
    case Code.Uint32:
      return Atomics.compareExchange(heap.u32, address >> 2, expected as number, replacement as number);
    case Code.Float64:
      return floatOf(
        Atomics.compareExchange(heap.i64, address >> 3, bitsOf(expected as number), bitsOf(replacement as number)),
      );
    default:
      return Atomics.compareExchange(heap.i64, address >> 3, expected as bigint, replacement as bigint);
  }
}

/** The negation of a checked value (for `sub` as an `add`). */
export function negate(value: number | bigint): number | bigint {
  return -value;
}
