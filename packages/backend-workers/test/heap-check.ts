/**
 * Test helpers: a fresh backend over its own heap, a seeded PRNG, and a walk of the heap that
 * checks every allocator invariant exactly (block sequence, tags, PREV_FREE bits, footers, no
 * two free blocks adjacent, no free block below `top`, the bins and bitmap, the used counter).
 */
import { BlockTag } from '../src/allocator';
import { WorkersBackend } from '../src/backend';
import { binOf } from '../src/free-bins';
import { BIN_COUNT, Cell, HEAP_START } from '../src/layout';

/** One MiB. */
export const MIB = 1024 * 1024;

/** A backend (as the main thread) over a fresh heap whose cap is `capBytes`. */
export function freshBackend(capBytes: number): WorkersBackend {
  return new WorkersBackend(WorkersBackend.createHeap(capBytes), true, 0);
}

/** mulberry32: a seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The allocator's `top` (end of the block sequence). */
export function topOf(b: WorkersBackend): number {
  return Atomics.load(b.heap.u32, Cell.allocTop >> 2);
}

/** What {@link checkHeap} found. */
export interface HeapWalk {
  allocated: number;
  free: number;
  freeBytes: number;
}

/** Walks [HEAP_START, top) and the bins; throws on the first broken invariant. */
export function checkHeap(b: WorkersBackend): HeapWalk {
  const u32 = b.heap.u32;
  const top = topOf(b);
  const fail = (what: string, at: number): never => {
    throw new Error(`heap invariant broken at ${at}: ${what}`);
  };
  const freeBlocks = new Set<number>();
  let allocatedBytes = 0;
  let allocated = 0;
  let freeBytes = 0;
  let prevFree = false;
  let block = HEAP_START;
  while (block < top) {
    const header = u32[block >> 2]!;
    const size = header & ~7;
    if (size < 24 || block + size > top) fail(`size ${size}`, block);
    if ((header & 1) !== (prevFree ? 1 : 0)) fail('PREV_FREE bit', block);
    const tag = u32[(block + 4) >> 2];
    if (tag === BlockTag.free) {
      if (prevFree) fail('two adjacent free blocks', block);
      if (u32[(block + size - 4) >> 2] !== size) fail('footer', block);
      freeBlocks.add(block);
      freeBytes += size;
      prevFree = true;
    } else if (tag === BlockTag.allocated) {
      allocatedBytes += size;
      allocated++;
      prevFree = false;
    } else {
      fail(`tag ${tag}`, block);
    }
    block += size;
  }
  if (block !== top) fail('blocks overrun top', block);
  if (prevFree) fail('free block just below top', top);
  if (allocatedBytes !== b.heapStats().usedBytes) fail(`used ${b.heapStats().usedBytes} != ${allocatedBytes}`, top);
  let inBins = 0;
  for (let bin = 0; bin < BIN_COUNT; bin++) {
    const head = u32[(Cell.bins >> 2) + bin]!;
    const bit = (u32[(Cell.binMap >> 2) + (bin >> 5)]! >>> (bin & 31)) & 1;
    if (bit !== (head === 0 ? 0 : 1)) fail(`bitmap bit of bin ${bin}`, head);
    let prev = 0;
    for (let at = head; at !== 0; at = u32[(at + 8) >> 2]!) {
      if (!freeBlocks.has(at)) fail(`bin ${bin} holds a block that is not free`, at);
      if (binOf(u32[at >> 2]! & ~7) !== bin) fail(`block in bin ${bin} of the wrong size`, at);
      if (u32[(at + 12) >> 2] !== prev) fail('back link', at);
      prev = at;
      inBins++;
    }
  }
  if (inBins !== freeBlocks.size) fail(`${freeBlocks.size} free blocks, ${inBins} in bins`, top);
  return { allocated, free: freeBlocks.size, freeBytes };
}

/** Size of the largest free block of the heap, 0 when there is none. */
export function largestFreeBlock(b: WorkersBackend): number {
  const u32 = b.heap.u32;
  const top = topOf(b);
  let largest = 0;
  for (let block = HEAP_START; block < top; block += u32[block >> 2]! & ~7) {
    if (u32[(block + 4) >> 2] === BlockTag.free) largest = Math.max(largest, u32[block >> 2]! & ~7);
  }
  return largest;
}
