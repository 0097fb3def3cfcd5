//! The shared heap as native code sees it: the data of the process's one SharedArrayBuffer, a
//! growable one. V8 reserves a growable SharedArrayBuffer's whole maximum length up front, so
//! its data never moves and is shared by every thread that holds the buffer; the main thread
//! holds it until the process ends, so cells handed out here stay valid for the life of the
//! process (hence `'static`). Only the committed part — the buffer's current length — may be
//! touched: the pages past it are reserved but not accessible.
//!
//! Native code cannot grow the buffer (only JS can), and a thread's view of its length is just
//! what Node last reported to that thread. So the length every thread goes by is published in
//! a heap cell ([`LENGTH`]): whenever a thread learns the buffer's length from Node (at attach,
//! or after the JS side grew it), it raises the cell to it with an atomic max. The cell is
//! never more than the buffer's real length, and it only grows, as the buffer does.

use crate::layout::{HEAP_START, LENGTH};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// The heap's base address; its length is read from the heap itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Heap {
    base: usize,
}

impl Heap {
    /// Wraps the buffer whose data starts at `base` (8-aligned) and which Node reports as `len`
    /// bytes long now, and publishes that length.
    ///
    /// # Safety
    /// `base..base + len` must be the committed data of a SharedArrayBuffer that lives until the
    /// process ends and never shrinks.
    pub unsafe fn attach(base: *mut u8, len: usize) -> Result<Heap, String> {
        if len < HEAP_START {
            return Err(format!(
                "threadkit: a shared heap of {len} bytes is too small (at least {HEAP_START})"
            ));
        }
        if !(base as usize).is_multiple_of(8) {
            return Err("threadkit: the shared heap's data is not 8-aligned".into());
        }
        let heap = Heap {
            base: base as usize,
        };
        heap.publish(len);
        Ok(heap)
    }

    /// The committed length every thread goes by, in bytes (see the module doc).
    pub fn len(&self) -> usize {
        self.length_cell().load(Ordering::SeqCst) as usize
    }

    /// Records that Node reports the buffer as `len` bytes long now; returns the published
    /// length (the larger of `len` and what another thread published before).
    pub fn publish(&self, len: usize) -> usize {
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        self.length_cell().fetch_max(len, Ordering::SeqCst).max(len) as usize
    }

    fn length_cell(&self) -> &'static AtomicU32 {
        // SAFETY: LENGTH < HEAP_START <= the length checked in `attach`; aligned.
        unsafe { &*((self.base + LENGTH) as *const AtomicU32) }
    }

    /// True when this heap's data starts at `base`.
    pub fn starts_at(&self, base: *mut u8) -> bool {
        self.base == base as usize
    }

    /// The 4-byte cell at byte offset `address`; an error for a misaligned address or one
    /// outside the committed heap.
    pub fn cell(&self, address: f64) -> Result<&'static AtomicI32, String> {
        let offset = address as usize;
        if address.is_nan()
            || address < 0.0
            || offset as f64 != address
            || !offset.is_multiple_of(4)
            || offset + 4 > self.len()
        {
            return Err(format!(
                "threadkit: {address} is not a cell address of the shared heap"
            ));
        }
        // SAFETY: committed and aligned; the memory lives for the process (see the module doc)
        // and is only ever accessed atomically as 32-bit cells or as blocks owned by one thread.
        Ok(unsafe { &*((self.base + offset) as *const AtomicI32) })
    }

    /// The 32-bit word at byte offset `offset`, for the allocator's own cells and block headers.
    ///
    /// # Panics
    /// When `offset` is misaligned or outside the committed heap (a broken allocator invariant).
    pub fn word(&self, offset: usize) -> &'static AtomicU32 {
        assert!(
            offset.is_multiple_of(4) && offset + 4 <= self.len(),
            "threadkit: heap word {offset} is outside the committed heap"
        );
        // SAFETY: as in `cell`.
        unsafe { &*((self.base + offset) as *const AtomicU32) }
    }

    /// Zeroes `len` bytes at byte offset `offset` (a block owned by the caller).
    pub fn zero(&self, offset: usize, len: usize) {
        assert!(
            offset + len <= self.len(),
            "threadkit: zeroing past the end of the committed heap"
        );
        // SAFETY: committed; the block was just handed to the caller, so no other thread uses it.
        unsafe { std::ptr::write_bytes((self.base + offset) as *mut u8, 0, len) }
    }
}
