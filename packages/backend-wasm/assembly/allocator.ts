/**
 * The heap allocator: segregated free lists by power-of-two size class, behind one core lock,
 * with a bump pointer for never-used memory. The heap is the whole Memory (fixed size).
 * Each block has an 8-byte header, so a 4-byte Lock costs 16 bytes. Blocks come back zeroed.
 *
 * Block layout: [class u32][magic u32][payload…]; the address handed out is the payload's.
 */
import { ALLOC_LOCK, ALLOC_TOP, CLASS_COUNT, FREE_LISTS, HEAP_START, MIN_SHIFT } from './layout';
import { lockAcquire, lockRelease } from './core-lock';

const HEADER: u32 = 8;
const MAGIC: u32 = 0x7eadc17;
const MAX_REQUEST: u32 = 1 << 30;

/** Sets up an empty heap (main thread, once, before any other thread exists). */
export function formatHeap(): void {
  atomic.store<u32>(ALLOC_TOP, HEAP_START);
}

/** The heap's size in bytes: the whole Memory. */
export function heapSize(): u32 {
  return <u32>memory.size() << 16;
}

/** Size class of a request, or CLASS_COUNT when no class fits. */
function classOf(bytes: u32): u32 {
  if (bytes > MAX_REQUEST) return CLASS_COUNT;
  const shift: u32 = 32 - clz<u32>(bytes + HEADER - 1);
  return shift > MIN_SHIFT ? shift - MIN_SHIFT : 0;
}

/** Takes a block of class `sizeClass` (free list first, then the bump pointer); 0 when the heap is full. */
function takeBlock(sizeClass: u32): u32 {
  const listCell = FREE_LISTS + (sizeClass << 2);
  lockAcquire(ALLOC_LOCK, Infinity);
  let block = atomic.load<u32>(listCell);
  if (block != 0) {
    atomic.store<u32>(listCell, atomic.load<u32>(block + HEADER));
  } else {
    block = atomic.load<u32>(ALLOC_TOP);
    const end = <u64>block + (<u64>1 << (sizeClass + MIN_SHIFT));
    if (end > <u64>heapSize()) block = 0;
    else atomic.store<u32>(ALLOC_TOP, <u32>end);
  }
  lockRelease(ALLOC_LOCK);
  return block;
}

/**
 * Allocates `bytes` of zeroed memory, 8-aligned. Returns the address, 0 when the heap is
 * full, or -1 when no block can be that large.
 */
export function alloc(bytes: u32): i32 {
  const sizeClass = classOf(bytes);
  if (sizeClass >= CLASS_COUNT) return -1;
  const block = takeBlock(sizeClass);
  if (block == 0) return 0;
  atomic.store<u32>(block, sizeClass);
  atomic.store<u32>(block + 4, MAGIC);
  memory.fill(block + HEADER, 0, (<u32>1 << (sizeClass + MIN_SHIFT)) - HEADER);
  return <i32>(block + HEADER);
}

/** Returns a block to its free list: 1, or 0 for an address that is not an allocated block. */
export function free(address: u32): i32 {
  const block = address - HEADER;
  if (address < HEAP_START + HEADER || address >= heapSize() || (address & 7) != 0) return 0;
  if (atomic.cmpxchg<u32>(block + 4, MAGIC, 0) != MAGIC) return 0;
  const listCell = FREE_LISTS + (atomic.load<u32>(block) << 2);
  lockAcquire(ALLOC_LOCK, Infinity);
  atomic.store<u32>(block + HEADER, atomic.load<u32>(listCell));
  atomic.store<u32>(listCell, block);
  lockRelease(ALLOC_LOCK);
  return 1;
}
