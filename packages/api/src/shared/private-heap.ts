/**
 * A private heap: the same typed views as the shared heap's, over a small ArrayBuffer of one
 * object's own. `Value` and `SharedArray` start local with their block laid out at offset 0 of
 * one, so every method (plain and atomic accesses alike: `Atomics` works on unshared buffers)
 * runs unchanged; when the object is first sent to another thread, the bytes move to the shared
 * heap and the object switches views.
 */
import { freeValue, storeValue } from '../codec';
import { backend } from '../runtime';
import type { Heap } from '../spi';
import type { RLock } from '../sync/rlock';

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

/**
 * Copies a block laid out in `local` (all of it) to a new shared block and returns its address:
 * the word at `lockOffset` becomes the stored handle of `lock` (which holds a reference on it),
 * the count at `refsOffset` the one reference of the view that moves there. On a full heap
 * nothing is left allocated and the error is thrown.
 */
export function moveToSharedBlock(local: Heap, lock: RLock, lockOffset: number, refsOffset: number): number {
  const lockBlock = storeValue(lock);
  const b = backend();
  let address: number;
  try {
    address = b.alloc(local.u8.length);
  } catch (error) {
    freeValue(lockBlock);
    throw error;
  }
  const heap = b.heap;
  heap.u8.set(local.u8, address);
  heap.u32[(address + lockOffset) >> 2] = lockBlock;
  Atomics.store(heap.i32, (address + refsOffset) >> 2, 1);
  return address;
}
