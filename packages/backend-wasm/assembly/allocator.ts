/**
 * The heap allocator (the spec every backend implements): boundary-tag blocks that coalesce
 * when freed, free blocks in size bins found through a bitmap, a bump pointer `top` over the
 * never-used tail, and the Memory grown on demand (`memory.grow`) up to the heap's cap. It all
 * runs under one core lock, ALLOC_LOCK. Every word is accessed atomically.
 *
 * A block at `b` is `size` bytes (a multiple of 8, at least MIN_BLOCK, header included):
 *   b+0   size | PREV_FREE (bit 0: the block before is free; its size is in the footer at b-4)
 *   b+4   tag: ALLOCATED or FREE
 *   b+8   payload, the address handed out (zeroed by alloc). A free block keeps its bin links
 *         there (b+8 next, b+12 previous, 0 = none) and a footer, b+size-4 = size.
 * Invariants: no two free blocks are adjacent; the block just below `top` is never free (freeing
 * it lowers `top`); [HEAP_START, top) is a sequence of blocks.
 */
import {
  ALLOC_LOCK, ALLOC_TOP, BIN_BITMAP, BIN_COUNT, BIN_HEADS, HEAP_CAP, HEAP_LENGTH, HEAP_START, HEAP_USED,
} from './layout';
import { lockAcquireInternal, lockRelease } from './core-lock';

const HEADER: u32 = 8;
const MIN_BLOCK: u32 = 24;
const PREV_FREE: u32 = 1;
const SIZE_MASK: u32 = ~7;
const ALLOCATED: u32 = 0x7eadc17;
const FREE: u32 = 0xf4eeb10c;
const MAX_REQUEST: u32 = 1 << 30;
const PAGE_SHIFT: u32 = 16;
const BITMAP_WORDS: u32 = BIN_COUNT >> 5;

/** The api's growth policy (host/heap-size.ts `grownHeapBytes`), imported so it lives in one place. */
@external("env", "grownHeapBytes")
declare function grownHeapBytes(currentBytes: f64, neededBytes: f64, capBytes: f64, granuleBytes: f64): f64;

/** Sets up an empty heap of cap `capBytes` (main thread, once, before any other thread exists). */
export function formatHeap(capBytes: u32): void {
  atomic.store<u32>(HEAP_CAP, capBytes);
  atomic.store<u32>(HEAP_LENGTH, <u32>memory.size() << PAGE_SHIFT);
  atomic.store<u32>(ALLOC_TOP, HEAP_START);
}

/**
 * Takes the allocator lock and returns the heap's length, with this instance's view of the
 * Memory brought up to it: V8 updates other threads' instances after a grow at their next
 * interrupt check, and `memory.grow(0)` does it at once (the allocator may be about to touch
 * blocks that another thread carved from the grown part).
 */
function lockHeap(): u32 {
  lockAcquireInternal(ALLOC_LOCK);
  const length = atomic.load<u32>(HEAP_LENGTH);
  if (<u32>memory.size() << PAGE_SHIFT < length) memory.grow(0);
  return length;
}

/** The bin of blocks of `size` bytes: exact bins of 8 bytes below 512, then four per power of two. */
function binOf(size: u32): u32 {
  if (size < 512) return size >> 3;
  const log = 31 - clz<u32>(size);
  return 64 + ((log - 9) << 2) + ((size >> (log - 2)) & 3);
}

function headCell(bin: u32): u32 {
  return BIN_HEADS + (bin << 2);
}

function bitmapCell(bin: u32): u32 {
  return BIN_BITMAP + ((bin >> 5) << 2);
}

/** The first non-empty bin at or after `from`, or BIN_COUNT when there is none. */
function firstBinFrom(from: u32): u32 {
  let word = from >> 5;
  if (word >= BITMAP_WORDS) return BIN_COUNT;
  let bits = atomic.load<u32>(BIN_BITMAP + (word << 2)) & (<u32>-1 << (from & 31));
  while (bits == 0) {
    if (++word >= BITMAP_WORDS) return BIN_COUNT;
    bits = atomic.load<u32>(BIN_BITMAP + (word << 2));
  }
  return (word << 5) + ctz<u32>(bits);
}

/** Makes [block, block + size) a free block (header without PREV_FREE, tag, footer), first in its bin. */
function addFree(block: u32, size: u32): void {
  atomic.store<u32>(block, size);
  atomic.store<u32>(block + 4, FREE);
  atomic.store<u32>(block + size - 4, size);
  const bin = binOf(size);
  const head = atomic.load<u32>(headCell(bin));
  atomic.store<u32>(block + 8, head);
  atomic.store<u32>(block + 12, 0);
  if (head != 0) atomic.store<u32>(head + 12, block);
  else atomic.or<u32>(bitmapCell(bin), 1 << (bin & 31));
  atomic.store<u32>(headCell(bin), block);
}

/** Takes the free block `block` of `size` bytes out of its bin. */
function unlinkFree(block: u32, size: u32): void {
  const next = atomic.load<u32>(block + 8);
  const prev = atomic.load<u32>(block + 12);
  if (next != 0) atomic.store<u32>(next + 12, prev);
  if (prev != 0) {
    atomic.store<u32>(prev + 8, next);
    return;
  }
  const bin = binOf(size);
  atomic.store<u32>(headCell(bin), next);
  if (next == 0) atomic.and<u32>(bitmapCell(bin), ~(1 << (bin & 31)));
}

/**
 * A free block of at least `size` bytes, taken out of its bin, its header written: the head of
 * `size`'s bin when it is big enough, else the head of the next non-empty bin (every block
 * there is). A rest of MIN_BLOCK or more becomes a free block of its own. 0 when none fits.
 */
function takeFree(size: u32): u32 {
  const bin = binOf(size);
  let block = atomic.load<u32>(headCell(bin));
  if (block == 0 || atomic.load<u32>(block) < size) {
    const larger = firstBinFrom(bin + 1);
    if (larger == BIN_COUNT) return 0;
    block = atomic.load<u32>(headCell(larger));
  }
  // A free block's header is its size alone: the block before a free block is never free.
  const blockSize = atomic.load<u32>(block);
  unlinkFree(block, blockSize);
  if (blockSize - size >= MIN_BLOCK) {
    addFree(block + size, blockSize - size);
    atomic.store<u32>(block, size);
  } else {
    const after = block + blockSize;
    atomic.and<u32>(after, ~PREV_FREE);
    atomic.store<u32>(block, blockSize);
  }
  return block;
}

/**
 * Grows the Memory so that the heap holds `needed` bytes, by the api's policy in whole pages;
 * false when that passes the cap (or the engine refuses the pages).
 */
function grow(length: u32, needed: u64): bool {
  const target = <u32>grownHeapBytes(<f64>length, <f64>needed, <f64>atomic.load<u32>(HEAP_CAP), 65536);
  if (target == 0 || memory.grow(<i32>((target - length) >> PAGE_SHIFT)) < 0) return false;
  atomic.store<u32>(HEAP_LENGTH, target);
  return true;
}

/** A new block of `size` bytes at `top` (growing a heap of `length` bytes when needed); 0 past the cap. */
function carve(size: u32, length: u32): u32 {
  const block = atomic.load<u32>(ALLOC_TOP);
  const end = <u64>block + size;
  if (end > <u64>length && !grow(length, end)) return 0;
  atomic.store<u32>(ALLOC_TOP, <u32>end);
  atomic.store<u32>(block, size);
  return block;
}

/**
 * Allocates `bytes` of zeroed memory, 8-aligned. Returns the address, 0 when the heap would
 * pass its cap (nothing changed), or -1 when no block can be that large.
 */
export function alloc(bytes: u32): i32 {
  if (bytes > MAX_REQUEST) return -1;
  const size = max<u32>(MIN_BLOCK, (bytes + HEADER + 7) & SIZE_MASK);
  const length = lockHeap();
  let block = takeFree(size);
  if (block == 0) block = carve(size, length);
  let blockSize: u32 = 0;
  if (block != 0) {
    blockSize = atomic.load<u32>(block);
    atomic.store<u32>(block + 4, ALLOCATED);
    atomic.add<u32>(HEAP_USED, blockSize);
  }
  lockRelease(ALLOC_LOCK);
  if (block == 0) return 0;
  memory.fill(block + HEADER, 0, blockSize - HEADER);
  return <i32>(block + HEADER);
}

/**
 * Returns the block at `address` to the heap, merged with its free neighbours (a merged block
 * that ends at `top` lowers `top` instead). 1, or 0 for an address that is not an allocated
 * block: the tag's compare-exchange under the lock decides, so of two racing frees one wins.
 */
export function free(address: u32): i32 {
  const block = address - HEADER;
  lockHeap();
  const top = atomic.load<u32>(ALLOC_TOP);
  if (!isBlock(address, top) || atomic.cmpxchg<u32>(block + 4, ALLOCATED, FREE) != ALLOCATED) {
    lockRelease(ALLOC_LOCK);
    return 0;
  }
  const header = atomic.load<u32>(block);
  const size = header & SIZE_MASK;
  atomic.sub<u32>(HEAP_USED, size);
  let start = block;
  let end = block + size;
  if (end < top && atomic.load<u32>(end + 4) == FREE) {
    const nextSize = atomic.load<u32>(end);
    unlinkFree(end, nextSize);
    end += nextSize;
  }
  if ((header & PREV_FREE) != 0) {
    const prevSize = atomic.load<u32>(block - 4);
    start = block - prevSize;
    unlinkFree(start, prevSize);
  }
  if (end == top) {
    atomic.store<u32>(ALLOC_TOP, start);
  } else {
    addFree(start, end - start);
    atomic.or<u32>(end, PREV_FREE);
  }
  lockRelease(ALLOC_LOCK);
  return 1;
}

/** True when `address` may be a block's payload below `top`: aligned, in the heap, its size sane. */
function isBlock(address: u32, top: u32): bool {
  if ((address & 7) != 0 || address < HEAP_START + HEADER || <u64>address - HEADER + MIN_BLOCK > <u64>top) return false;
  const size = atomic.load<u32>(address - HEADER) & SIZE_MASK;
  return size >= MIN_BLOCK && <u64>address - HEADER + size <= <u64>top;
}
