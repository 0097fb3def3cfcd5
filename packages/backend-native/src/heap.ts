/**
 * The heap's buffer: a growable SharedArrayBuffer that starts at the api's initial size and
 * grows on demand up to the cap (`THREADKIT_HEAP_MB`), its maximum length. V8 reserves the
 * maximum up front, so the data never moves (the addon keeps pointers into it); only the
 * committed part, the buffer's current length, may be touched.
 *
 * Only JS can grow it, so the addon's `alloc` answers "grow to N bytes" when nothing fits
 * (having changed nothing and released its lock); the caller grows the buffer with
 * {@link growHeap} and asks again, and the addon then publishes the new length to every thread
 * (see `native/heap.rs`).
 */
import { grownHeapBytes, heapCapBytes, initialHeapBytes, outOfSharedMemory } from '@threadkit/api';

/** A new, zeroed heap buffer for a cap of `capBytes` (from `THREADKIT_HEAP_MB`: throws its RangeError when invalid). */
export function newHeapBuffer(capBytes: number = heapCapBytes()): SharedArrayBuffer {
  return new SharedArrayBuffer(initialHeapBytes(capBytes), { maxByteLength: capBytes });
}

/**
 * Grows `buffer` to hold at least `neededBytes` (by the api's growth policy); throws
 * `outOfSharedMemory(cap)` when that is past the cap. Any thread may grow at any time: a grow
 * that loses to a concurrent larger one throws a RangeError (a buffer never shrinks), after
 * which the buffer is long enough anyway.
 */
export function growHeap(buffer: SharedArrayBuffer, neededBytes: number): void {
  const length = buffer.byteLength;
  if (length >= neededBytes) return;
  const grown = grownHeapBytes(length, neededBytes, buffer.maxByteLength);
  if (grown === 0) throw outOfSharedMemory(buffer.maxByteLength);
  try {
    buffer.grow(grown);
  } catch (error) {
    if (!(error instanceof RangeError) || buffer.byteLength < neededBytes) throw error;
  }
}
