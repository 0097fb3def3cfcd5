/**
 * The shared heap: one growable shared `WebAssembly.Memory`, and the api's typed views over it.
 *
 * The Memory starts at the api's initial heap size and the wasm allocator grows it (under its
 * lock, `memory.grow`) up to the cap. After a grow, `memory.buffer` in every thread is a new,
 * longer SharedArrayBuffer, but typed arrays made earlier keep their old length (the bytes they
 * cover stay valid: a shared Memory never moves). So the backend's {@link Heap} is one object
 * whose views are getters: each compares the heap-length cell (written by the allocator after
 * it grows, read through a small view over the first page, which never goes stale) with the
 * length its views were made for, and rebuilds them from `memory.buffer` when it changed.
 */
import { heapViews, initialHeapBytes, type Heap } from '@threadkit/api/spi';

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
  /** The heap length the views below were made for. */
  private length = -1;
  private currentBuffer!: SharedArrayBuffer;
  private currentU8!: Uint8Array;
  private currentI32!: Int32Array;
  private currentU32!: Uint32Array;
  private currentF64!: Float64Array;
  private currentI64!: BigInt64Array;

  /** @param memory the shared Memory. @param lengthCell byte offset of the heap-length cell (in the first page). */
  constructor(
    private readonly memory: WebAssembly.Memory,
    lengthCell: number,
  ) {
    this.cells = new Uint32Array(memory.buffer, 0, PAGE / 4);
    this.lengthIndex = lengthCell >> 2;
    this.refresh();
  }

  // Each getter is on every hot path, so its check is one plain read of the length cell (an
  // Atomics.load is a builtin call, ~10 ns in V8 11, against ~1 ns). That is enough: an aligned
  // 32-bit read never tears, and a thread only learns an address through some synchronization
  // (a lock, an atomic, a queue) that the allocator's store of the grown length happens-before,
  // so the read sees that length or a later one.

  /** The Memory's current buffer. */
  get buffer(): SharedArrayBuffer {
    if (this.cells[this.lengthIndex] !== this.length) this.refresh();
    return this.currentBuffer;
  }

  /** Bytes of the whole heap. */
  get u8(): Uint8Array {
    if (this.cells[this.lengthIndex] !== this.length) this.refresh();
    return this.currentU8;
  }

  /** Signed 32-bit cells of the whole heap. */
  get i32(): Int32Array {
    if (this.cells[this.lengthIndex] !== this.length) this.refresh();
    return this.currentI32;
  }

  /** Unsigned 32-bit cells of the whole heap. */
  get u32(): Uint32Array {
    if (this.cells[this.lengthIndex] !== this.length) this.refresh();
    return this.currentU32;
  }

  /** 64-bit floats of the whole heap. */
  get f64(): Float64Array {
    if (this.cells[this.lengthIndex] !== this.length) this.refresh();
    return this.currentF64;
  }

  /** 64-bit integers of the whole heap. */
  get i64(): BigInt64Array {
    if (this.cells[this.lengthIndex] !== this.length) this.refresh();
    return this.currentI64;
  }

  /** Reads the u32 cell at byte `address` of the first page atomically (through the view that never goes stale). */
  firstPageCell(address: number): number {
    return Atomics.load(this.cells, address >> 2);
  }

  /**
   * Rebuilds the views over the Memory's current buffer. V8 replaces another thread's buffer
   * at that thread's next interrupt check; when this thread has not reached one yet since the
   * grow, `grow(0)` brings its Memory object up to date at once.
   */
  private refresh(): void {
    const length = Atomics.load(this.cells, this.lengthIndex);
    let buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    if (buffer.byteLength < length) {
      this.memory.grow(0);
      buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    }
    const views = heapViews(buffer);
    this.currentBuffer = buffer;
    this.currentU8 = views.u8;
    this.currentI32 = views.i32;
    this.currentU32 = views.u32;
    this.currentF64 = views.f64;
    this.currentI64 = views.i64;
    this.length = length;
  }
}
