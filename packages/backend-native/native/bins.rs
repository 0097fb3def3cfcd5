//! The allocator's bins: [`BIN_COUNT`] doubly-linked lists of free blocks by size, and a bitmap
//! of the non-empty ones, so the first non-empty bin at or past a size is found with a few
//! bit scans. Sizes under 512 have a bin each (size / 8: bins 3..63); larger sizes share a bin
//! per quarter of a power of two (bins 64 up). Only called with the allocator's lock held.
//!
//! A free block: [size | flags][tag][next in bin][previous in bin] … [footer: size]; the bins
//! touch the size and the two links.

use crate::heap::Heap;
use crate::layout::{BINS, BIN_COUNT, BITMAP};
use std::sync::atomic::Ordering::Relaxed;

/// Where a free block keeps the next block of its bin (0: none).
const NEXT: usize = 8;
/// Where a free block keeps the previous block of its bin (0: none).
const PREV: usize = 12;
/// The low header bits that are flags, not size.
pub const FLAGS: u32 = 7;

/// The bin of free blocks of `size` bytes (a multiple of 8, at least 24).
pub fn bin_of(size: usize) -> usize {
    if size < 512 {
        return size >> 3;
    }
    let e = (usize::BITS - 1 - size.leading_zeros()) as usize;
    64 + (e - 9) * 4 + ((size >> (e - 2)) & 3)
}

/// The bins of one heap.
pub struct Bins {
    heap: Heap,
}

impl Bins {
    /// The bins of `heap`.
    pub fn new(heap: Heap) -> Bins {
        Bins { heap }
    }

    /// A free block of at least `size` bytes, still in its bin; `None` when there is none.
    pub fn find(&self, size: usize) -> Option<usize> {
        let bin = bin_of(size);
        let head = self.head(bin);
        if head != 0 && self.size_of(head) >= size {
            return Some(head);
        }
        // Every block of a later bin is larger than any size that maps to `bin`.
        self.non_empty_from(bin + 1).map(|later| self.head(later))
    }

    /// Puts the free block at `block`, of `size` bytes, first in its bin.
    pub fn insert(&self, block: usize, size: usize) {
        let bin = bin_of(size);
        let head = self.head(bin);
        self.link(block + NEXT, head);
        self.link(block + PREV, 0);
        if head != 0 {
            self.link(head + PREV, block);
        }
        self.set_head(bin, block);
        self.heap
            .word(BITMAP + 4 * (bin / 32))
            .fetch_or(1 << (bin % 32), Relaxed);
    }

    /// Takes the free block at `block`, of `size` bytes, out of its bin.
    pub fn unlink(&self, block: usize, size: usize) {
        let next = self.heap.word(block + NEXT).load(Relaxed) as usize;
        let prev = self.heap.word(block + PREV).load(Relaxed) as usize;
        let bin = bin_of(size);
        if prev != 0 {
            self.link(prev + NEXT, next);
        } else {
            self.set_head(bin, next);
            if next == 0 {
                self.heap
                    .word(BITMAP + 4 * (bin / 32))
                    .fetch_and(!(1 << (bin % 32)), Relaxed);
            }
        }
        if next != 0 {
            self.link(next + PREV, prev);
        }
    }

    /// The first non-empty bin at or past `from`.
    fn non_empty_from(&self, from: usize) -> Option<usize> {
        let mut word = from / 32;
        if word >= BIN_COUNT / 32 {
            return None;
        }
        let mut bits = self.heap.word(BITMAP + 4 * word).load(Relaxed) & (!0u32 << (from % 32));
        while bits == 0 {
            word += 1;
            if word == BIN_COUNT / 32 {
                return None;
            }
            bits = self.heap.word(BITMAP + 4 * word).load(Relaxed);
        }
        Some(word * 32 + bits.trailing_zeros() as usize)
    }

    fn size_of(&self, block: usize) -> usize {
        (self.heap.word(block).load(Relaxed) & !FLAGS) as usize
    }

    fn head(&self, bin: usize) -> usize {
        self.heap.word(BINS + 4 * bin).load(Relaxed) as usize
    }

    fn set_head(&self, bin: usize, block: usize) {
        self.link(BINS + 4 * bin, block);
    }

    fn link(&self, at: usize, block: usize) {
        self.heap.word(at).store(block as u32, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_the_spec_and_grow_with_size() {
        assert_eq!(bin_of(24), 3);
        assert_eq!(bin_of(504), 63);
        assert_eq!(bin_of(512), 64);
        assert_eq!(bin_of(640), 65);
        assert_eq!(bin_of(1023), 67);
        assert_eq!(bin_of(1024), 68);
        assert_eq!(bin_of((1 << 31) - 8), 64 + 21 * 4 + 3);
        assert!(bin_of((1 << 31) - 8) < BIN_COUNT);
        let mut last = 0;
        for size in (24..1 << 20).step_by(8) {
            assert!(bin_of(size) >= last);
            last = bin_of(size);
        }
    }
}
