/**
 * Values in the shared heap. A stored value is one heap block:
 *
 *   0      u32  byte length n of the encoding
 *   4      u32  number k of reference-counted shared objects it names
 *   8      n    the encoded value (see `tags.ts`)
 *   8+n'   k × (u32 kind id, u32 address), n' = n rounded up to 4
 *
 * Its address can be published to other threads (through an Atomics store or a shared
 * object's block); any thread decodes it with {@link loadValue}. The block belongs to whoever
 * frees it with {@link freeValue}. While it exists it holds a reference on every
 * reference-counted object (a Future) it names, so the object outlives its sender's view
 * until the receiver has revived its own.
 */
import { releaseCounted, retainCounted } from '../handle';
import { backend } from '../runtime';
import { acquireReader } from './reader';
import { acquireWriter } from './writer';

const HEADER = 8;

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
    const counted = writer.counted;
    const refsAt = HEADER + ((length + 3) & ~3);
    const b = backend();
    const address = b.alloc(counted.length === 0 ? HEADER + length : refsAt + counted.length * 4);
    const u32 = b.heap.u32;
    u32[address >> 2] = length;
    u32[(address >> 2) + 1] = counted.length >> 1;
    b.heap.u8.set(writer.bytes.subarray(0, length), address + HEADER);
    for (let i = 0; i < counted.length; i += 2) {
      retainCounted(counted[i]!, counted[i + 1]!);
      u32[((address + refsAt) >> 2) + i] = counted[i]!;
      u32[((address + refsAt) >> 2) + i + 1] = counted[i + 1]!;
    }
    return address;
  } finally {
    writer.release();
  }
}

/** Decodes the value stored at `address` into a fresh copy (shared objects revived). Does not free the block. */
export function loadValue(address: number): unknown {
  const heap = backend().heap;
  const start = address + HEADER;
  return acquireReader().read(heap.u8, start, start + heap.u32[address >> 2]!);
}

/** Frees a block made by {@link storeValue}, dropping its references. */
export function freeValue(address: number): void {
  const b = backend();
  const u32 = b.heap.u32;
  const count = u32[(address >> 2) + 1]!;
  if (count !== 0) {
    const refs = (address + HEADER + ((u32[address >> 2]! + 3) & ~3)) >> 2;
    for (let i = 0; i < count * 2; i += 2) releaseCounted(u32[refs + i]!, u32[refs + i + 1]!);
  }
  b.free(address);
}
