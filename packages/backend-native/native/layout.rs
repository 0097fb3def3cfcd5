//! The shared heap's layout, as the addon sees it. Byte offsets; every cell is a 32-bit word.
//!
//! - [0, 256): the api's roots (`API_ROOT_BYTES` in the api's `spi.ts`).
//! - [256, 960): the allocator's cells, below.
//! - [960, 1024): the JS side's cells (`src/layout.ts`: the spawn queue).
//! - [1024, top): blocks (see `allocator.rs`); [top, length): never used yet.

/// The allocator's lock (a core lock only the addon takes).
pub const LOCK: usize = 256;
/// `top`: the end of the last block; memory from here on has never been handed out.
pub const TOP: usize = 260;
/// Bytes in allocated blocks, headers included.
pub const USED: usize = 264;
/// The heap's committed length as last published (see `heap.rs`); never more than the buffer's.
pub const LENGTH: usize = 268;
/// The bitmap of non-empty bins: one bit per bin, [`BIN_COUNT`] / 32 words.
pub const BITMAP: usize = 272;
/// The bins' heads: [`BIN_COUNT`] words, each the first free block of its bin (0: empty).
pub const BINS: usize = 320;
/// How many bins of free blocks there are (a multiple of 32: the bitmap is whole words).
pub const BIN_COUNT: usize = 160;
/// Where the JS side's cells start (`SPAWN_QUEUE_BASE` in `src/layout.ts`).
pub const JS_CELLS: usize = 960;
/// The first byte blocks are carved from.
pub const HEAP_START: usize = 1024;

const _: () = {
    assert!(BIN_COUNT.is_multiple_of(32));
    assert!(BITMAP + BIN_COUNT / 8 <= BINS);
    assert!(BINS + 4 * BIN_COUNT <= JS_CELLS);
    assert!(JS_CELLS < HEAP_START && HEAP_START.is_multiple_of(8));
};
