/**
 * The workers backend's own cells in the shared heap, right after the api's roots, and where
 * blocks begin. Byte offsets; every cell is 4 bytes. The heap's size is the api's business
 * (`heapCapBytes()`, `initialHeapBytes()`); see the allocator for the block format.
 */
import { API_ROOT_BYTES, SPAWN_QUEUE_BYTES } from '@threadkit/api/spi';

/** Free-block bins (see the allocator's `binOf`): a multiple of 32, so the bitmap is whole words. */
export const BIN_COUNT = 160;

/** Backend root cells. */
export const Cell = {
  /** Core lock guarding the allocator. */
  allocLock: API_ROOT_BYTES + 0,
  /** End of the block sequence: the bytes from here to the heap's end are never-used ("the wilderness"). */
  allocTop: API_ROOT_BYTES + 4,
  /** Bytes in allocated blocks, headers included. */
  allocUsed: API_ROOT_BYTES + 8,
  /** The heap's length in bytes, written after each growth (see the api's GrowableHeap). */
  heapLength: API_ROOT_BYTES + 12,
  /** The spawn queue's cells (SPAWN_QUEUE_BYTES of them; see the api's host/spawn-queue.ts). */
  spawnQueue: API_ROOT_BYTES + 16,
  /** Bitmap of non-empty bins, one bit per bin (BIN_COUNT / 32 cells). */
  binMap: API_ROOT_BYTES + 16 + SPAWN_QUEUE_BYTES,
  /** Bin heads: the first free block of each bin, 0 when empty (BIN_COUNT cells). */
  bins: API_ROOT_BYTES + 16 + SPAWN_QUEUE_BYTES + BIN_COUNT / 8,
} as const;

/** First block of the heap (8-aligned, so addresses handed out are 8-aligned too). */
export const HEAP_START = (Cell.bins + BIN_COUNT * 4 + 7) & ~7;
