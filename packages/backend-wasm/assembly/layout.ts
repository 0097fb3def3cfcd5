/**
 * The wasm backend's own cells in the shared Memory, right after the api's roots
 * ([0, API_ROOT_BYTES) belongs to @threadkit/api). Byte offsets; every cell is 4 bytes. All of
 * them lie in the Memory's first page, which every thread's views cover from the start. The
 * constants are exported as wasm globals, so the JS glue reads them from the instance instead
 * of repeating them.
 */

/** Bytes owned by the api at the start of the heap (spi.ts API_ROOT_BYTES). */
export const API_ROOT_BYTES: u32 = 256;
/** Core lock guarding the allocator (and the Memory's growth). */
export const ALLOC_LOCK: u32 = API_ROOT_BYTES + 0;
/** Start of the never-used tail of the heap (the bump pointer, "top"). */
export const ALLOC_TOP: u32 = API_ROOT_BYTES + 4;
/** Core lock guarding the spawn queue and its counters. */
export const POOL_LOCK: u32 = API_ROOT_BYTES + 8;
/** First pending spawn request (0 = none). */
export const PENDING_HEAD: u32 = API_ROOT_BYTES + 12;
/** Last pending spawn request. */
export const PENDING_TAIL: u32 = API_ROOT_BYTES + 16;
/** Pending spawn requests. */
export const PENDING_COUNT: u32 = API_ROOT_BYTES + 20;
/** Idle workers parked on WORK_SEQ. */
export const IDLE_COUNT: u32 = API_ROOT_BYTES + 24;
/** Bumped whenever a request is queued; idle workers park on it. */
export const WORK_SEQ: u32 = API_ROOT_BYTES + 28;
/** Workers ever asked of the supervisor (only grows); the supervisor parks on it. */
export const SPAWN_REQUESTED: u32 = API_ROOT_BYTES + 32;
/** Workers done with a thread and on their way back to take another (see `returningSpawn`). */
export const RETURNING: u32 = API_ROOT_BYTES + 36;
/** Workers asked for that have not yet taken their first request. */
export const BOOTING: u32 = API_ROOT_BYTES + 40;
/** The heap's length in bytes (the Memory's size): written by the allocator after it grows the Memory. */
export const HEAP_LENGTH: u32 = API_ROOT_BYTES + 44;
/** The most the heap may grow to, in bytes (THREADKIT_HEAP_MB), written when the heap is formatted. */
export const HEAP_CAP: u32 = API_ROOT_BYTES + 48;
/** Bytes in allocated blocks, headers included. */
export const HEAP_USED: u32 = API_ROOT_BYTES + 52;
/** Number of free-block bins (a multiple of 32: one bitmap word per 32 bins). */
export const BIN_COUNT: u32 = 160;
/** Bitmap of non-empty bins: bit b of word b >> 5 is set while bin b holds a block. */
export const BIN_BITMAP: u32 = API_ROOT_BYTES + 64;
/** Heads of the bins' doubly-linked free lists (BIN_COUNT cells, 0 = empty). */
export const BIN_HEADS: u32 = BIN_BITMAP + (BIN_COUNT >> 5) * 4;
/** First block of the heap (8-aligned; its payload, the first address handed out, is 8 bytes on). */
export const HEAP_START: u32 = (BIN_HEADS + BIN_COUNT * 4 + 7) & ~7;
