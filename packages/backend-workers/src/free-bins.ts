/**
 * The allocator's free blocks, sorted by size into BIN_COUNT bins: each bin a doubly-linked list
 * whose head is a cell of the heap, plus a bitmap of the non-empty bins, so the first non-empty
 * bin at or after a given one is found with a few count-trailing-zeros, not a scan of every head.
 * Only the allocator calls these, with its lock held (which orders every access), passing the
 * heap's current word view.
 *
 * A free block's links: @block+8 next block in its bin, @block+12 previous (0 = none).
 */
import { BIN_COUNT, Cell } from './layout';

const NEXT = 8;
const PREV = 12;
const BINS = Cell.bins >>> 2;
const MAP = Cell.binMap >>> 2;

/**
 * The bin of a block of `size` bytes (a multiple of 8, at least 24, below 2^31): below 512 one
 * bin per size (3…63); from there four bins per power of two (64…151). Bins are ordered by size:
 * every block in a bin after `binOf(size)` is larger than `size`.
 */
export function binOf(size: number): number {
  if (size < 512) return size >>> 3;
  const e = 31 - Math.clz32(size);
  return 64 + (e - 9) * 4 + ((size >>> (e - 2)) & 3);
}

/** Count of trailing zero bits of a non-zero 32-bit value. */
function ctz(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

/** The first block of bin `bin`, or 0. */
export function binHead(u32: Uint32Array, bin: number): number {
  return u32[BINS + bin]!;
}

/** The first non-empty bin at or after `bin`, or -1 when there is none. */
export function firstNonEmptyBin(u32: Uint32Array, bin: number): number {
  for (let word = bin >>> 5; word < BIN_COUNT / 32; word++) {
    let bits = u32[MAP + word]!;
    if (word === bin >>> 5) bits &= -1 << (bin & 31);
    if (bits !== 0) return word * 32 + ctz(bits);
  }
  return -1;
}

/** Puts free block `block` at the head of bin `bin`. */
export function binInsert(u32: Uint32Array, block: number, bin: number): void {
  const head = u32[BINS + bin]!;
  u32[(block + NEXT) >>> 2] = head;
  u32[(block + PREV) >>> 2] = 0;
  if (head !== 0) u32[(head + PREV) >>> 2] = block;
  else u32[MAP + (bin >>> 5)]! |= 1 << (bin & 31);
  u32[BINS + bin] = block;
}

/** Takes free block `block` out of bin `bin`. */
export function binRemove(u32: Uint32Array, block: number, bin: number): void {
  const next = u32[(block + NEXT) >>> 2]!;
  const prev = u32[(block + PREV) >>> 2]!;
  if (next !== 0) u32[(next + PREV) >>> 2] = prev;
  if (prev !== 0) {
    u32[(prev + NEXT) >>> 2] = next;
  } else {
    u32[BINS + bin] = next;
    if (next === 0) u32[MAP + (bin >>> 5)]! &= ~(1 << (bin & 31));
  }
}
