/**
 * Named fields of the shared heap's blocks. Every block layout in the api is a `const` object of
 * byte offsets (`F.state`, `Field.ident`, `Bucket.head`, …), and these functions are how a field
 * is read and written: a 4-byte cell at the block's address plus the field's offset, accessed
 * atomically (sequentially consistent, so a field may be read without the block's lock as a
 * hint, and a store is seen by every thread in order). A block of one cell is its own field 0.
 */
import { backend } from './runtime';

/** Reads field `offset` of the block at `block`. */
export function loadField(block: number, offset = 0): number {
  return Atomics.load(backend().heap.i32, (block + offset) >> 2);
}

/** Writes `value` to field `offset` of the block at `block`. */
export function storeField(block: number, offset: number, value: number): void {
  Atomics.store(backend().heap.i32, (block + offset) >> 2, value);
}

/** Adds `delta` to field `offset` of `block`; returns the field's previous value. */
export function addField(block: number, offset: number, delta: number): number {
  return Atomics.add(backend().heap.i32, (block + offset) >> 2, delta);
}

/** Subtracts `delta` from field `offset` of `block`; returns the field's previous value. */
export function subField(block: number, offset: number, delta: number): number {
  return Atomics.sub(backend().heap.i32, (block + offset) >> 2, delta);
}

/** Writes `value` to field `offset` of `block`; returns the field's previous value. */
export function exchangeField(block: number, offset: number, value: number): number {
  return Atomics.exchange(backend().heap.i32, (block + offset) >> 2, value);
}

/** Writes `replacement` to field `offset` of `block` if it holds `expected`; returns the value it held. */
export function casField(block: number, offset: number, expected: number, replacement: number): number {
  return Atomics.compareExchange(backend().heap.i32, (block + offset) >> 2, expected, replacement);
}
