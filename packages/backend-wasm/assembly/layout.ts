/**
 * The wasm backend's own cells in the shared Memory, right after the api's roots
 * ([0, API_ROOT_BYTES) belongs to @threadkit/api). Byte offsets; every cell is 4 bytes. The
 * constants are exported as wasm globals, so the JS glue reads them from the instance instead
 * of repeating them.
 */

/** Bytes owned by the api at the start of the heap (spi.ts API_ROOT_BYTES). */
export const API_ROOT_BYTES: u32 = 256;
/** Core lock guarding the allocator. */
export const ALLOC_LOCK: u32 = API_ROOT_BYTES + 0;
/** Next never-used byte of the heap (bump pointer). */
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
/** Workers asked for that have not yet taken their first request. */
export const BOOTING: u32 = API_ROOT_BYTES + 40;
/** Free-list heads, one per power-of-two size class (CLASS_COUNT cells). */
export const FREE_LISTS: u32 = API_ROOT_BYTES + 64;
/** Size classes 2^MIN_SHIFT … 2^(MIN_SHIFT+CLASS_COUNT-1) bytes. */
export const CLASS_COUNT: u32 = 28;
/** log2 of the smallest block. */
export const MIN_SHIFT: u32 = 4;
/** First allocatable byte. */
export const HEAP_START: u32 = FREE_LISTS + CLASS_COUNT * 4 + 64;
