/**
 * The JS side's cells in the shared heap. Bytes [0, 256) are the api's roots; [256, 960) are
 * the addon's allocator cells; [960, 1024) are this side's; blocks start at 1024 (the addon's
 * layout, with the same split, is `native/layout.rs`). Byte offsets; every cell is 4 bytes.
 */

/**
 * The heap's committed length as the addon last published it (`native/layout.rs` LENGTH): the
 * cell the JS views compare to know the heap has grown (see the api's `GrowableHeap`).
 */
export const HEAP_LENGTH_CELL = 268;

/** Where the spawn queue's cells start (SPAWN_QUEUE_BYTES of them; see the api's host/spawn-queue.ts). */
export const SPAWN_QUEUE_BASE = 960;
