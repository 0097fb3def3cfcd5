//! The heap allocator, natively: segregated free lists by power-of-two size class behind one
//! core lock, and a bump pointer for never-used memory. Blocks come back zeroed and 8-aligned.
//!
//! Its cells follow the api's roots (bytes [0, 256)): [256] the allocator's lock, [260] the
//! bump pointer, [264, 376) the free-list heads of the 28 classes. The JS side of the backend
//! keeps its own cells in [384, 512) (`src/layout.ts`); blocks start at 512.
//! Block: [class u32][magic u32][payload…]; the address handed out is the payload's.

use crate::core_lock;
use crate::heap::Heap;
use std::sync::atomic::Ordering;

const LOCK: usize = 256;
const TOP: usize = 260;
const FREE_LISTS: usize = 264;
const CLASSES: u32 = 28;
/// The first byte blocks are carved from.
pub const HEAP_START: usize = 512;
const HEADER: usize = 8;
const MIN_SHIFT: u32 = 4;
const MAGIC: i32 = 0x07ea_dc1a;

/// Allocation over one heap.
pub struct Allocator {
    heap: Heap,
}

impl Allocator {
    /// The allocator of `heap`.
    pub fn new(heap: Heap) -> Allocator {
        Allocator { heap }
    }

    /// Sets up an empty heap: nothing allocated (the main thread, once, on a zeroed buffer).
    pub fn format(&self) {
        self.word(TOP).store(HEAP_START as i32, Ordering::SeqCst);
    }

    /// Allocates `bytes` of zeroed memory; returns its address or why it cannot.
    pub fn alloc(&self, bytes: f64) -> Result<usize, String> {
        let too_big = || format!("cannot allocate {bytes} bytes of shared memory");
        if bytes.is_nan() || bytes < 0.0 || bytes > (1u64 << 30) as f64 {
            return Err(too_big());
        }
        let need = bytes.ceil() as usize + HEADER;
        let class = (usize::BITS - (need - 1).leading_zeros()).saturating_sub(MIN_SHIFT);
        if class >= CLASSES {
            return Err(too_big());
        }
        let size = 1usize << (class + MIN_SHIFT);
        let head = self.word(FREE_LISTS + 4 * class as usize);
        let lock = self.word(LOCK);
        core_lock::acquire_internal(lock);
        let block = match head.load(Ordering::SeqCst) as usize {
            0 => {
                let top = self.word(TOP).load(Ordering::SeqCst) as usize;
                if top + size > self.heap.len() {
                    core_lock::release(lock);
                    return Err(format!(
                        "out of shared memory: the {} MiB heap is full (set THREADKIT_HEAP_MB)",
                        self.heap.len() >> 20
                    ));
                }
                self.word(TOP).store((top + size) as i32, Ordering::SeqCst);
                top
            }
            block => {
                head.store(
                    self.word(block + HEADER).load(Ordering::SeqCst),
                    Ordering::SeqCst,
                );
                block
            }
        };
        core_lock::release(lock);
        self.word(block).store(class as i32, Ordering::SeqCst);
        self.word(block + 4).store(MAGIC, Ordering::SeqCst);
        self.heap.zero(block + HEADER, size - HEADER);
        Ok(block + HEADER)
    }

    /// Returns the block at `address` to its free list; an error for anything but a live block.
    pub fn free(&self, address: f64) -> Result<(), String> {
        let block = (address as usize).wrapping_sub(HEADER);
        let bad =
            || format!("threadkit: free of an address that is not an allocated block ({address})");
        if address as usize as f64 != address
            || block < HEAP_START
            || !block.is_multiple_of(8)
            || block + HEADER > self.heap.len()
        {
            return Err(bad());
        }
        if self
            .word(block + 4)
            .compare_exchange(MAGIC, 0, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return Err(bad());
        }
        let class = self.word(block).load(Ordering::SeqCst) as usize;
        let head = self.word(FREE_LISTS + 4 * class);
        let lock = self.word(LOCK);
        core_lock::acquire_internal(lock);
        self.word(block + HEADER)
            .store(head.load(Ordering::SeqCst), Ordering::SeqCst);
        head.store(block as i32, Ordering::SeqCst);
        core_lock::release(lock);
        Ok(())
    }

    fn word(&self, offset: usize) -> &'static std::sync::atomic::AtomicI32 {
        self.heap
            .cell(offset as f64)
            .expect("allocator cells lie inside the heap")
    }
}
