/**
 * Values that travel in the address word itself, with no heap block: small integers,
 * booleans, `null` and `undefined`. A block's address is a multiple of 8 (the SPI's `alloc`),
 * so a word with either of its two low bits set cannot be one:
 *
 *   odd                 an integer v in [-2^30, 2^30), stored as (v << 1) | 1
 *   2, 6, 10, 14        false, true, null, undefined
 *
 * `storeValue` returns such a word for these values and `loadValue`/`freeValue` read and drop it
 * without touching the heap, so a queue of small ints or a task returning a count allocates
 * nothing under the heap's lock.
 */

/** The word of each special value. */
const FALSE = 2;
const TRUE = 6;
const NULL = 10;
const UNDEFINED = 14;

/** The integers an immediate holds: [-2^30, 2^30). */
const SMALL = 0x40000000;

/**
 * The immediate word for `value`, or 0 when it needs a block (any other value, -0 included:
 * it would come back as 0).
 */
export function immediateOf(value: unknown): number {
  switch (typeof value) {
    case 'number':
      // An integer in range; -0 is not (it decodes as 0).
      if ((value | 0) === value && value >= -SMALL && value < SMALL && (value !== 0 || 1 / value > 0)) return (value << 1) | 1;
      return 0;
    case 'boolean':
      return value ? TRUE : FALSE;
    case 'undefined':
      return UNDEFINED;
    case 'object':
      return value === null ? NULL : 0;
    default:
      return 0;
  }
}

/** True when `address` is an immediate word, not a block's address (any nonzero word of a stored value). */
export function isImmediate(address: number): boolean {
  return (address & 3) !== 0;
}

/** The value of an immediate word (read from an Int32Array or a Uint32Array alike). */
export function immediateValue(word: number): unknown {
  if ((word & 1) !== 0) return (word | 0) >> 1;
  switch (word) {
    case FALSE:
      return false;
    case TRUE:
      return true;
    case NULL:
      return null;
    default:
      return undefined;
  }
}
