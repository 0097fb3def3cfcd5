/**
 * Values in the shared heap. A stored value is one heap block:
 *
 *   0  u32  byte length n of the encoding
 *   4  n    the encoded value (see `tags.ts`)
 *
 * Its address can be published to other threads (through an Atomics store or a shared
 * object's block); any thread decodes it with {@link loadValue}. The block belongs to whoever
 * frees it with {@link freeValue}.
 */
import { backend } from '../runtime';
import { acquireReader } from './reader';
import { acquireWriter } from './writer';

/**
 * Copies `value` into a new heap block and returns its address. Throws the codec's TypeError
 * for what cannot cross threads (`what` names the value in it, as in `encode`), and
 * RangeError('out of shared memory') when the heap is full.
 */
export function storeValue(value: unknown, what = 'value'): number {
  const writer = acquireWriter();
  try {
    writer.write(value, what);
    const length = writer.pos;
    const b = backend();
    const address = b.alloc(4 + length);
    b.heap.u32[address >> 2] = length;
    b.heap.u8.set(writer.bytes.subarray(0, length), address + 4);
    return address;
  } finally {
    writer.release();
  }
}

/** Decodes the value stored at `address` into a fresh copy (shared objects revived). Does not free the block. */
export function loadValue(address: number): unknown {
  const heap = backend().heap;
  const start = address + 4;
  return acquireReader().read(heap.u8, start, start + heap.u32[address >> 2]);
}

/** Frees a block made by {@link storeValue}. */
export function freeValue(address: number): void {
  backend().free(address);
}
