/**
 * The shared heap: one growable shared `WebAssembly.Memory`, and the api's typed views over it.
 *
 * The Memory starts at the api's initial heap size and the wasm allocator grows it (under its
 * lock, `memory.grow`) up to the cap. After a grow, `memory.buffer` in every thread is a new,
 * longer SharedArrayBuffer, but typed arrays made earlier keep their old length (the bytes they
 * cover stay valid: a shared Memory never moves). So the backend's {@link Heap} is one object
 * whose views are getters: each compares the heap-length cell (written by the allocator after
 * it grows, read through a small view over the first page, which every buffer covers) with the
 * length its views were made for, and rebuilds them from `memory.buffer` when it changed.
 */
import { heapViews, initialHeapBytes, type Heap } from '@threadkit/api';

const PAGE = 65536;

/**
 * Creates the process's shared Memory (main thread, once): `initialHeapBytes(cap)` now, room to
 * grow to `capBytes` (the api's `heapCapBytes()`, from THREADKIT_HEAP_MB).
 */
export function createMemory(capBytes: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialHeapBytes(capBytes) / PAGE, maximum: capBytes / PAGE, shared: true });
}

/** Views of a growing Memory that are always current (see the file's comment). */
export class MemoryHeap implements Heap {
  /** The first page, where the heap-length cell is: it never moves, so this view never goes stale. */
  private readonly cells: Uint32Array;
  private readonly lengthIndex: number;
  private length = -1;
  private views: Heap;

  /** @param memory the shared Memory. @param lengthCell byte offset of the heap-length cell (in the first page). */
  constructor(
    private readonly memory: WebAssembly.Memory,
    lengthCell: number,
  ) {
    this.cells = new Uint32Array(memory.buffer, 0, PAGE / 4);
    this.lengthIndex = lengthCell >> 2;
    this.views = this.refresh();
  }

  /** The Memory's current buffer. */
  get buffer(): SharedArrayBuffer {
    return this.current().buffer;
  }

  /** Bytes of the whole heap. */
  get u8(): Uint8Array {
    return this.current().u8;
  }

  /** Signed 32-bit cells of the whole heap. */
  get i32(): Int32Array {
    return this.current().i32;
  }

  /** Unsigned 32-bit cells of the whole heap. */
  get u32(): Uint32Array {
    return this.current().u32;
  }

  /** 64-bit floats of the whole heap. */
  get f64(): Float64Array {
    return this.current().f64;
  }

  /** 64-bit integers of the whole heap. */
  get i64(): BigInt64Array {
    return this.current().i64;
  }

  /** Reads the u32 cell at byte `address` of the first page atomically (through the view that never goes stale). */
  firstPageCell(address: number): number {
    return Atomics.load(this.cells, address >> 2);
  }

  /** The views, rebuilt first when the heap grew since they were made. */
  private current(): Heap {
    return Atomics.load(this.cells, this.lengthIndex) === this.length ? this.views : this.refresh();
  }

  /**
   * Rebuilds the views over the Memory's current buffer. V8 replaces another thread's buffer
   * at that thread's next interrupt check; when this thread has not reached one yet since the
   * grow, `grow(0)` brings its Memory object up to date at once.
   */
  private refresh(): Heap {
    const length = Atomics.load(this.cells, this.lengthIndex);
    let buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    if (buffer.byteLength < length) {
      this.memory.grow(0);
      buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    }
    this.length = length;
    this.views = heapViews(buffer);
    return this.views;
  }
}
