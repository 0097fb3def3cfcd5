//! The shared heap as native code sees it: the data of the process's one SharedArrayBuffer.
//! A SharedArrayBuffer's backing store never moves and is shared by every thread that holds
//! the buffer; the main thread holds it until the process ends, so cells handed out here stay
//! valid for the life of the process (hence `'static`).

use std::sync::atomic::AtomicI32;

/// The heap's base address and length, as reported by Node for one of its views.
#[derive(Clone, Copy)]
pub struct Heap {
    base: usize,
    len: usize,
}

impl Heap {
    /// Wraps the memory at `base` (4-aligned) of `len` bytes.
    ///
    /// # Safety
    /// `base..base + len` must be the data of a SharedArrayBuffer that lives until the process ends.
    pub unsafe fn new(base: *mut u8, len: usize) -> Heap {
        Heap {
            base: base as usize,
            len,
        }
    }

    /// Heap size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The 4-byte cell at byte offset `address`; an error for a misaligned or out-of-range address.
    pub fn cell(&self, address: f64) -> Result<&'static AtomicI32, String> {
        let offset = address as usize;
        if address.is_nan()
            || address < 0.0
            || offset as f64 != address
            || !offset.is_multiple_of(4)
            || offset + 4 > self.len
        {
            return Err(format!(
                "threadkit: {address} is not a cell address of the shared heap"
            ));
        }
        // SAFETY: in range and aligned; the memory lives for the process (see the module doc)
        // and is only ever accessed atomically as 32-bit cells or as blocks owned by one thread.
        Ok(unsafe { &*((self.base + offset) as *const AtomicI32) })
    }

    /// Zeroes `len` bytes at byte offset `offset` (a block owned by the caller).
    pub fn zero(&self, offset: usize, len: usize) {
        assert!(
            offset + len <= self.len,
            "threadkit: zeroing past the end of the heap"
        );
        // SAFETY: in range; the block was just taken off a free list, so no other thread uses it.
        unsafe { std::ptr::write_bytes((self.base + offset) as *mut u8, 0, len) }
    }
}
