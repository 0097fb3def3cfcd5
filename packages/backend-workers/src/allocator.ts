/**
 * The heap allocator: segregated free lists by power-of-two size class, behind one core lock,
 * with a bump pointer for never-used memory. Each block has an 8-byte header (its class), so a
 * 4-byte Lock costs 16 bytes of heap. Blocks come back zeroed.
 *
 * Block layout: [class u32][magic u32][payload…]; the address handed out is the payload's.
 */
import type { CoreLock } from './core-lock';
import { CLASS_COUNT, Cell, HEAP_START } from './layout';

const HEADER = 8;
const MIN_SHIFT = 4;
const MAGIC = 0x7eadc17;

/** The shared-heap allocator. */
export class Allocator {
  constructor(
    private readonly i32: Int32Array,
    private readonly u8: Uint8Array,
    private readonly lock: CoreLock,
  ) {}

  /** Sets up an empty heap (main thread, once). */
  static format(i32: Int32Array): void {
    Atomics.store(i32, Cell.allocTop >> 2, HEAP_START);
  }

  /** Allocates `bytes` of zeroed memory (8-aligned); throws RangeError when the heap is full. */
  alloc(bytes: number): number {
    if (!(bytes >= 0) || bytes > 2 ** 30) throw new RangeError(`cannot allocate ${bytes} bytes of shared memory`);
    const sizeClass = Math.max(0, 32 - Math.clz32(bytes + HEADER - 1) - MIN_SHIFT);
    if (sizeClass >= CLASS_COUNT) throw new RangeError(`cannot allocate ${bytes} bytes of shared memory`);
    const blockSize = 1 << (sizeClass + MIN_SHIFT);
    const listCell = (Cell.freeLists >> 2) + sizeClass;
    let block: number;
    this.lock.acquire(Cell.allocLock, Infinity);
    try {
      block = Atomics.load(this.i32, listCell);
      if (block !== 0) {
        Atomics.store(this.i32, listCell, Atomics.load(this.i32, (block + HEADER) >> 2));
      } else {
        block = Atomics.load(this.i32, Cell.allocTop >> 2);
        if (block + blockSize > this.u8.length) {
          throw new RangeError(`out of shared memory: the ${this.u8.length >> 20} MiB heap is full (set THREADKIT_HEAP_MB)`);
        }
        Atomics.store(this.i32, Cell.allocTop >> 2, block + blockSize);
      }
    } finally {
      this.lock.release(Cell.allocLock);
    }
    Atomics.store(this.i32, block >> 2, sizeClass);
    Atomics.store(this.i32, (block + 4) >> 2, MAGIC);
    this.u8.fill(0, block + HEADER, block + blockSize);
    return block + HEADER;
  }

  /** Returns a block to its free list; a double or foreign free is an error. */
  free(address: number): void {
    const block = address - HEADER;
    if (block < HEAP_START || Atomics.load(this.i32, (block + 4) >> 2) !== MAGIC) {
      throw new RangeError(`threadkit: free of an address that is not an allocated block (${address})`);
    }
    const sizeClass = Atomics.load(this.i32, block >> 2);
    Atomics.store(this.i32, (block + 4) >> 2, 0);
    const listCell = (Cell.freeLists >> 2) + sizeClass;
    this.lock.acquire(Cell.allocLock, Infinity);
    try {
      Atomics.store(this.i32, (block + HEADER) >> 2, Atomics.load(this.i32, listCell));
      Atomics.store(this.i32, listCell, block);
    } finally {
      this.lock.release(Cell.allocLock);
    }
  }
}
