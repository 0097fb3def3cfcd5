/**
 * A thread's views of a heap that is a growable SharedArrayBuffer, for backend authors. Views
 * over a growable buffer built without a length track its length, but on Node 20 (V8 11) every
 * access through such a view is several times slower than through a fixed-length one. So each
 * thread keeps fixed-length views and replaces them when the heap has grown: whoever grows the
 * heap then writes the new length to a heap-length cell of the backend's choosing
 * ({@link GrowableHeap.publishLength}), and each view getter compares that cell with the length
 * its views were made for.
 *
 * Why that is enough: a thread can only learn an address in the grown part through a chain of
 * synchronizing atomics that starts after the grower wrote the cell, so the getter it calls
 * after learning the address sees the new length. The api's rule (spi.ts `Heap`) does the rest:
 * read the views from the heap where they are used, never keep one across an allocation.
 */
import type { Heap } from '../spi';

/** The heap's views for one thread, refreshed when the heap has grown. */
export class GrowableHeap implements Heap {
  /** Index of the heap-length cell in 32-bit words. */
  private readonly lengthIndex: number;
  private lengthSeen = 0;
  private u8View!: Uint8Array;
  private i32View!: Int32Array;
  private u32View!: Uint32Array;
  private f64View!: Float64Array;
  private i64View!: BigInt64Array;

  /**
   * @param buffer the process's heap, its length published by {@link GrowableHeap.publishLength}
   * in the cell at byte offset `lengthCell` (4-aligned, in the heap's first, never-moving bytes).
   */
  constructor(
    readonly buffer: SharedArrayBuffer,
    lengthCell: number,
  ) {
    this.lengthIndex = lengthCell >>> 2;
    this.refresh();
  }

  /** Writes the heap's current length into the cell at `lengthCell` (on creation, and after each growth). */
  static publishLength(buffer: SharedArrayBuffer, u32: Uint32Array, lengthCell: number): void {
    Atomics.store(u32, lengthCell >>> 2, buffer.byteLength);
  }

  /** Bytes. */
  get u8(): Uint8Array {
    this.check();
    return this.u8View;
  }

  /** Signed 32-bit words (the cells). */
  get i32(): Int32Array {
    this.check();
    return this.i32View;
  }

  /** Unsigned 32-bit words. */
  get u32(): Uint32Array {
    this.check();
    return this.u32View;
  }

  /** 64-bit floats. */
  get f64(): Float64Array {
    this.check();
    return this.f64View;
  }

  /** Signed 64-bit integers. */
  get i64(): BigInt64Array {
    this.check();
    return this.i64View;
  }

  /**
   * A plain read (an atomic load through a view of a growable buffer is markedly slower on V8 11):
   * the write it must see happens-before it, and reads are coherent, so it cannot see an older length.
   */
  private check(): void {
    if (this.u32View[this.lengthIndex] !== this.lengthSeen) this.refresh();
  }

  /** Makes views over the whole buffer as it is now (at least the length the cell says). */
  private refresh(): void {
    const { buffer } = this;
    this.lengthSeen = Atomics.load(new Uint32Array(buffer, 0, this.lengthIndex + 1), this.lengthIndex);
    const bytes = buffer.byteLength;
    this.u8View = new Uint8Array(buffer, 0, bytes);
    this.i32View = new Int32Array(buffer, 0, bytes >>> 2);
    this.u32View = new Uint32Array(buffer, 0, bytes >>> 2);
    this.f64View = new Float64Array(buffer, 0, bytes >>> 3);
    this.i64View = new BigInt64Array(buffer, 0, bytes >>> 3);
  }
}
