import type { Heap } from '../spi';

/** The typed views of a heap buffer, for backend authors: every view over the whole buffer. */
export function heapViews(buffer: SharedArrayBuffer): Heap {
  return {
    buffer,
    u8: new Uint8Array(buffer),
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    f64: new Float64Array(buffer),
    i64: new BigInt64Array(buffer),
  };
}
