/**
 * A private heap: the same typed views as the shared heap's, over a small ArrayBuffer of one
 * object's own. `Value` and `SharedArray` start local with their block laid out at offset 0 of
 * one, so every method (plain and atomic accesses alike: `Atomics` works on unshared buffers)
 * runs unchanged; when the object is first sent to another thread, the bytes move to the shared
 * heap and the object switches views.
 */
import type { Heap } from '../spi';

/** Views over a new, zeroed private buffer of `bytes` (rounded up to 8). */
export function privateHeap(bytes: number): Heap {
  const buffer = new ArrayBuffer((bytes + 7) & ~7);
  return {
    buffer: buffer as unknown as SharedArrayBuffer,
    u8: new Uint8Array(buffer),
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    f64: new Float64Array(buffer),
    i64: new BigInt64Array(buffer),
  };
}
