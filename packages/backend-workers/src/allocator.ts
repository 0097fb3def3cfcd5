/**
 * The heap allocator: boundary-tagged blocks, free blocks in size bins (free-bins.ts) merged with
 * their free neighbours, and a bump pointer `top` over never-used memory that grows the heap
 * (a growable SharedArrayBuffer) on demand up to its cap. One core lock guards it all: its
 * words are only touched with the lock held, which orders those accesses, so they are plain
 * reads and writes, except the tag's compare-exchange (the double-free check) and the `used`
 * counter (read by heapStats without the lock).
 *
 * A block is `size` bytes (a multiple of 8, at least 24) with an 8-byte header; the address
 * handed out is block + 8. Words, 32-bit:
 *  - @block+0: `size | PREV_FREE`, PREV_FREE (bit 0) meaning the block just before is free
 *    (its size is then in the footer word at block-4);
 *  - @block+4: the tag, ALLOCATED or FREE;
 *  - a free block also has its bin links at +8/+12 and a footer `size` at block+size-4.
 * Invariants: [HEAP_START, top) is a sequence of blocks; no two free blocks are adjacent; the
 * block just below `top` is never free (freeing it lowers `top`: the memory goes back to the
 * wilderness). Payloads come back zeroed.
 */
import { GrowableHeap, growHeapBuffer, type Heap, type HeapStats } from '@threadkit/api/spi';
import type { CoreLock } from './core-lock';
import { binHead, binInsert, binOf, binRemove, firstNonEmptyBin } from './free-bins';
import { Cell, HEAP_START } from './layout';

const HEADER = 8;
const MIN_BLOCK = 24;
const PREV_FREE = 1;
const SIZE_MASK = ~7;
/** A block's tag (the word at block+4). */
export const BlockTag = {
  /** A block handed out by alloc. */
  allocated: 0x7eadc17,
  /** A free block (in a bin), or what is left of a freed one inside a merged block. */
  free: 0x7eaf4ee,
} as const;
const { allocated: ALLOCATED, free: FREE } = BlockTag;
const MAX_REQUEST = 2 ** 30;
const TOP = Cell.allocTop >>> 2;
const USED = Cell.allocUsed >>> 2;

/** The shared-heap allocator of one heap. */
export class Allocator {
  private readonly buffer: SharedArrayBuffer;
  /** The heap's word view for the current locked section (views change when the heap grows). */
  private u32: Uint32Array;

  constructor(
    private readonly heap: Heap,
    private readonly lock: CoreLock,
  ) {
    this.buffer = heap.buffer;
    this.u32 = heap.u32;
  }

  /** Sets up an empty heap over a zeroed buffer (main thread, once). */
  static format(u32: Uint32Array): void {
    Atomics.store(u32, TOP, HEAP_START);
  }

  /**
   * Allocates `bytes` of zeroed memory (8-aligned): a free block that fits, else fresh memory at
   * `top`, growing the heap. Throws `outOfSharedMemory(cap)` when the heap would pass its cap
   * (nothing changed), a RangeError for a request that is negative, NaN or over 2^30 bytes.
   */
  alloc(bytes: number): number {
    if (!(bytes >= 0) || bytes > MAX_REQUEST) throw new RangeError(`cannot allocate ${bytes} bytes of shared memory`);
    const size = Math.max(MIN_BLOCK, (Math.ceil(bytes) + HEADER + 7) & ~7);
    let block: number;
    let blockSize: number;
    this.lock.acquire(Cell.allocLock, Infinity);
    try {
      this.u32 = this.heap.u32;
      block = this.takeFree(size);
      if (block === 0) block = this.carve(size);
      blockSize = this.sizeOf(block);
      Atomics.add(this.u32, USED, blockSize);
    } finally {
      this.lock.release(Cell.allocLock);
    }
    this.heap.u8.fill(0, block + HEADER, block + blockSize);
    return block + HEADER;
  }

  /**
   * Returns a block to the heap, merged with its free neighbours. Anything but a live block's
   * address throws a RangeError; the check is a compare-exchange of the tag made under the lock,
   * so of two racing frees of one block exactly one succeeds.
   */
  free(address: number): void {
    let freed = false;
    this.lock.acquire(Cell.allocLock, Infinity);
    try {
      this.u32 = this.heap.u32;
      const block = address - HEADER;
      if (this.mayBeBlock(block)) freed = Atomics.compareExchange(this.u32, (block + 4) >>> 2, ALLOCATED, FREE) === ALLOCATED;
      if (freed) this.release(block);
    } finally {
      this.lock.release(Cell.allocLock);
    }
    if (!freed) throw new RangeError(`threadkit: free of an address that is not an allocated block (${address})`);
  }

  /** What the heap holds now. */
  stats(): HeapStats {
    return { usedBytes: Atomics.load(this.heap.u32, USED), sizeBytes: this.buffer.byteLength, capBytes: this.buffer.maxByteLength };
  }

  /** True when `block` (which may be any number) could start a block: aligned, its header and size within [HEAP_START, top). */
  private mayBeBlock(block: number): boolean {
    if (!Number.isInteger(block) || block % 8 !== 0 || block < HEAP_START) return false;
    const top = this.u32[TOP]!;
    if (block + MIN_BLOCK > top) return false;
    const size = this.sizeOf(block);
    return size >= MIN_BLOCK && block + size <= top;
  }

  /** Takes a free block of at least `size` bytes, split when the rest makes a block; 0 when none fits. */
  private takeFree(size: number): number {
    const u32 = this.u32;
    let bin = binOf(size);
    let block = binHead(u32, bin);
    if (block === 0 || this.sizeOf(block) < size) {
      bin = firstNonEmptyBin(u32, bin + 1);
      if (bin < 0) return 0;
      block = binHead(u32, bin);
    }
    binRemove(u32, block, bin);
    const blockSize = this.sizeOf(block);
    if (blockSize - size >= MIN_BLOCK) {
      // The rest stays free; the block after it keeps its PREV_FREE.
      this.setHeader(block, size, ALLOCATED);
      this.makeFree(block + size, blockSize - size);
    } else {
      this.setHeader(block, blockSize, ALLOCATED);
      this.setPrevFree(block + blockSize, false);
    }
    return block;
  }

  /**
   * Takes `size` bytes at `top`, growing the heap when needed (the api's growth policy); throws
   * `outOfSharedMemory(cap)` when that would pass the cap, having changed nothing.
   */
  private carve(size: number): number {
    const block = this.u32[TOP]!;
    const end = block + size;
    if (end > this.buffer.byteLength) {
      growHeapBuffer(this.buffer, end);
      GrowableHeap.publishLength(this.buffer, this.u32, Cell.heapLength);
      this.u32 = this.heap.u32;
    }
    this.u32[TOP] = end;
    this.setHeader(block, size, ALLOCATED);
    return block;
  }

  /** Frees the block at `block` (its tag already FREE): merges it with free neighbours, or gives it back to the wilderness. */
  private release(block: number): void {
    const u32 = this.u32;
    const header = u32[block >>> 2]!;
    const size = header & SIZE_MASK;
    Atomics.sub(u32, USED, size);
    let start = block;
    let end = block + size;
    const top = u32[TOP]!;
    if (end < top && u32[(end + 4) >>> 2] === FREE) {
      const nextSize = this.sizeOf(end);
      binRemove(u32, end, binOf(nextSize));
      end += nextSize;
    }
    if ((header & PREV_FREE) !== 0) {
      const prevSize = u32[(block - 4) >>> 2]!;
      start = block - prevSize;
      binRemove(u32, start, binOf(prevSize));
    }
    if (end === top) {
      u32[TOP] = start;
    } else {
      this.makeFree(start, end - start);
      this.setPrevFree(end, true);
    }
  }

  /** Writes a free block of `size` bytes at `block` (its previous block is in use) and puts it in its bin. */
  private makeFree(block: number, size: number): void {
    this.setHeader(block, size, FREE);
    this.u32[(block + size - 4) >>> 2] = size;
    binInsert(this.u32, block, binOf(size));
  }

  /** Writes a header whose previous block is in use. */
  private setHeader(block: number, size: number, tag: number): void {
    this.u32[block >>> 2] = size;
    this.u32[(block + 4) >>> 2] = tag;
  }

  /** Sets or clears PREV_FREE of the block at `block`, if there is one (below `top`). */
  private setPrevFree(block: number, prevFree: boolean): void {
    if (block >= this.u32[TOP]!) return;
    if (prevFree) this.u32[block >>> 2]! |= PREV_FREE;
    else this.u32[block >>> 2]! &= ~PREV_FREE;
  }

  private sizeOf(block: number): number {
    return this.u32[block >>> 2]! & SIZE_MASK;
  }
}
