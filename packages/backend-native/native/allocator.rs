//! The heap allocator, natively: free blocks in size bins (see `bins.rs`), coalesced with their
//! free neighbours on free, and a bump pointer `top` for never-used memory, all behind one core
//! lock. Blocks come back zeroed and 8-aligned. The cells it keeps are in `layout.rs`.
//!
//! A block is `size` bytes (a multiple of 8, at least [`MIN_BLOCK`]) with an 8-byte header:
//! [size | PREV_FREE][tag]; the address handed out is block + 8. PREV_FREE says the block just
//! before is free; a free block also ends with a footer holding its size, so its successor can
//! find it. Invariants, under the lock: [HEAP_START, top) is a sequence of blocks; no two free
//! blocks are adjacent; the block just below `top` is never free (freeing it lowers `top`).
//!
//! The heap grows only in JS, so when no free block fits and `top` would pass the heap's
//! committed length, [`Allocator::alloc`] changes nothing and answers [`Alloc::Grow`] with the
//! length it needs; the caller grows the buffer, publishes its length and asks again.

use crate::bins::{Bins, FLAGS};
use crate::core_lock;
use crate::heap::Heap;
use crate::layout::{HEAP_START, LOCK, TOP, USED};
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;

const HEADER: usize = 8;
/// The smallest block: a header, two links and a footer.
pub const MIN_BLOCK: usize = 24;
/// Header flag: the block just before this one is free.
const PREV_FREE: u32 = 1;
/// The tag of an allocated block.
const ALLOCATED: u32 = 0x07ea_dc17;
/// The tag of a free block in a bin.
const FREE: u32 = 0x0f4e_eb10;
/// The tag of a block being freed (or merged away): never a live block again until reused.
const RELEASED: u32 = 0x0dea_d10c;
/// The largest request, in bytes.
const MAX_REQUEST: f64 = (1u64 << 30) as f64;

/// What an allocation gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Alloc {
    /// The address of a zeroed block of at least the bytes asked for.
    Block(usize),
    /// Nothing changed: the heap must first be at least this many bytes long.
    Grow(usize),
}

/// Allocation over one heap.
pub struct Allocator {
    heap: Heap,
    bins: Bins,
}

impl Allocator {
    /// The allocator of `heap`.
    pub fn new(heap: Heap) -> Allocator {
        Allocator {
            heap,
            bins: Bins::new(heap),
        }
    }

    /// Sets up an empty heap: nothing allocated (the main thread, once, on a zeroed buffer).
    pub fn format(&self) {
        self.word(TOP).store(HEAP_START as u32, Relaxed);
    }

    /// Bytes in allocated blocks, headers included.
    pub fn used(&self) -> usize {
        self.word(USED).load(Relaxed) as usize
    }

    /// Allocates `bytes` of zeroed memory; see [`Alloc`]. An error for a size that is not one.
    pub fn alloc(&self, bytes: f64) -> Result<Alloc, String> {
        if !(0.0..=MAX_REQUEST).contains(&bytes) {
            return Err(format!(
                "cannot allocate {} bytes of shared memory",
                js_number(bytes)
            ));
        }
        let size = MIN_BLOCK.max((bytes.ceil() as usize + HEADER + 7) & !7);
        let lock = self.lock();
        core_lock::acquire_internal(lock);
        let taken = match self.bins.find(size) {
            Some(block) => Some((block, self.take(block, size))),
            None => self.carve(size),
        };
        let Some((block, size)) = taken else {
            let needed = self.word(TOP).load(Relaxed) as usize + size;
            core_lock::release(lock);
            return Ok(Alloc::Grow(needed));
        };
        self.word(block + 4).store(ALLOCATED, Relaxed);
        self.word(USED).fetch_add(size as u32, Relaxed);
        core_lock::release(lock);
        self.heap.zero(block + HEADER, size - HEADER);
        Ok(Alloc::Block(block + HEADER))
    }

    /// Takes the free `block` for a block of `size` bytes, splitting off a free tail when it is
    /// big enough to be a block; returns the size taken.
    fn take(&self, block: usize, size: usize) -> usize {
        let whole = self.size_of(block);
        self.bins.unlink(block, whole);
        // A free block's predecessor is never free, and its successor lies below `top`.
        if whole - size >= MIN_BLOCK {
            self.word(block).store(size as u32, Relaxed);
            self.make_free(block + size, whole - size);
            size
        } else {
            self.word(block).store(whole as u32, Relaxed);
            self.word(block + whole).fetch_and(!PREV_FREE, Relaxed);
            whole
        }
    }

    /// A new block of `size` bytes from `top`; `None` when it would pass the committed heap.
    fn carve(&self, size: usize) -> Option<(usize, usize)> {
        let top = self.word(TOP).load(Relaxed) as usize;
        if top + size > self.heap.len() {
            return None;
        }
        self.word(TOP).store((top + size) as u32, Relaxed);
        // The block below `top` is never free.
        self.word(top).store(size as u32, Relaxed);
        Some((top, size))
    }

    /// Returns the block at `address` to the heap, merged with its free neighbours; an error
    /// (and nothing changed) for anything but a live block, decided atomically.
    pub fn free(&self, address: f64) -> Result<(), String> {
        let bad = || {
            format!(
                "threadkit: free of an address that is not an allocated block ({})",
                js_number(address)
            )
        };
        if !((HEAP_START + HEADER) as f64..=u32::MAX as f64).contains(&address)
            || address.fract() != 0.0
            || !(address as usize).is_multiple_of(8)
        {
            return Err(bad());
        }
        let block = address as usize - HEADER;
        let lock = self.lock();
        core_lock::acquire_internal(lock);
        let top = self.word(TOP).load(Relaxed) as usize;
        // Under the lock, so no neighbour is ever seen half-freed; the exchange makes a second
        // free of the block fail however the two calls interleave.
        if block + MIN_BLOCK > top
            || self
                .word(block + 4)
                .compare_exchange(ALLOCATED, RELEASED, Relaxed, Relaxed)
                .is_err()
        {
            core_lock::release(lock);
            return Err(bad());
        }
        let header = self.word(block).load(Relaxed);
        let size = (header & !FLAGS) as usize;
        self.word(USED).fetch_sub(size as u32, Relaxed);
        let (mut start, mut end) = (block, block + size);
        if end < top && self.word(end + 4).load(Relaxed) == FREE {
            let next = self.size_of(end);
            self.bins.unlink(end, next);
            end += next;
        }
        if header & PREV_FREE != 0 {
            let previous = self.word(block - 4).load(Relaxed) as usize;
            start = block - previous;
            self.bins.unlink(start, previous);
        }
        if end == top {
            self.word(TOP).store(start as u32, Relaxed);
        } else {
            self.make_free(start, end - start);
            self.word(end).fetch_or(PREV_FREE, Relaxed);
        }
        core_lock::release(lock);
        Ok(())
    }

    /// Makes `block` a free block of `size` bytes (its predecessor not free) in its bin.
    fn make_free(&self, block: usize, size: usize) {
        self.word(block).store(size as u32, Relaxed);
        self.word(block + 4).store(FREE, Relaxed);
        self.word(block + size - 4).store(size as u32, Relaxed);
        self.bins.insert(block, size);
    }

    fn size_of(&self, block: usize) -> usize {
        (self.word(block).load(Relaxed) & !FLAGS) as usize
    }

    fn lock(&self) -> &'static std::sync::atomic::AtomicI32 {
        self.heap
            .cell(LOCK as f64)
            .expect("the allocator's lock lies inside the heap")
    }

    fn word(&self, offset: usize) -> &'static AtomicU32 {
        self.heap.word(offset)
    }
}

/// `x` as JS's `String(x)` writes it, for the numbers error messages quote.
fn js_number(x: f64) -> String {
    match x {
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ => x.to_string(),
    }
}

#[cfg(test)]
#[path = "allocator_tests.rs"]
mod tests;
