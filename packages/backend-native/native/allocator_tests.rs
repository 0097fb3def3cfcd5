//! The allocator over a plain buffer, with every invariant of the heap checked after each step.

use super::*;
use crate::bins::bin_of;
use crate::layout::{BINS, BIN_COUNT, BITMAP};
use std::collections::HashMap;

/// A zeroed, formatted heap of `len` bytes (leaked: heaps live for the process).
fn heap(len: usize) -> Heap {
    let memory: &'static mut [u64] = Box::leak(vec![0u64; len / 8].into_boxed_slice());
    // SAFETY: leaked, so it lives for the process; 8-aligned.
    let heap = unsafe { Heap::attach(memory.as_mut_ptr() as *mut u8, len) }.unwrap();
    Allocator::new(heap).format();
    heap
}

fn block(allocator: &Allocator, bytes: usize) -> usize {
    match allocator.alloc(bytes as f64).unwrap() {
        Alloc::Block(address) => address,
        Alloc::Grow(needed) => panic!("needs {needed} bytes"),
    }
}

fn word(heap: &Heap, at: usize) -> usize {
    heap.word(at).load(Relaxed) as usize
}

/// Walks [HEAP_START, top) and the bins; checks every invariant; returns the free blocks.
fn check(heap: &Heap) -> HashMap<usize, usize> {
    let top = word(heap, TOP);
    let (mut at, mut used, mut previous_free) = (HEAP_START, 0, false);
    let mut free = HashMap::new();
    while at < top {
        let header = word(heap, at) as u32;
        let size = (header & !FLAGS) as usize;
        assert!(
            size >= MIN_BLOCK && size.is_multiple_of(8) && at + size <= top,
            "block {at}"
        );
        assert_eq!(header & PREV_FREE != 0, previous_free, "PREV_FREE of {at}");
        match word(heap, at + 4) as u32 {
            ALLOCATED => used += size,
            FREE => {
                assert!(!previous_free, "two free blocks meet at {at}");
                assert_eq!(word(heap, at + size - 4), size, "footer of {at}");
                free.insert(at, size);
            }
            tag => panic!("block {at} has tag {tag:#x}"),
        }
        previous_free = word(heap, at + 4) as u32 == FREE;
        at += size;
    }
    assert_eq!(at, top);
    assert!(!previous_free, "the block below top is free");
    assert_eq!(word(heap, USED), used);
    let mut listed = 0;
    for bin in 0..BIN_COUNT {
        let (mut at, mut previous) = (word(heap, BINS + 4 * bin), 0);
        let bit = word(heap, BITMAP + 4 * (bin / 32)) >> (bin % 32) & 1;
        assert_eq!(bit == 1, at != 0, "bitmap bit of bin {bin}");
        while at != 0 {
            assert_eq!(bin_of(free[&at]), bin, "block {at} in bin {bin}");
            assert_eq!(word(heap, at + 12), previous);
            listed += 1;
            (previous, at) = (at, word(heap, at + 8));
        }
    }
    assert_eq!(listed, free.len(), "every free block is in a bin");
    free
}

#[test]
fn hands_out_zeroed_aligned_blocks_and_counts_them() {
    let heap = heap(1 << 16);
    let allocator = Allocator::new(heap);
    let a = block(&allocator, 0);
    assert_eq!(a, HEAP_START + HEADER);
    assert_eq!(allocator.used(), 24);
    let b = block(&allocator, 17);
    assert_eq!(b, a + 24);
    assert_eq!(allocator.used(), 24 + 32);
    heap.word(b).store(u32::MAX, Relaxed);
    allocator.free(b as f64).unwrap();
    assert_eq!(
        word(&heap, TOP),
        a + 24 - HEADER,
        "freeing the last block lowers top"
    );
    assert_eq!(block(&allocator, 17), b);
    assert_eq!(word(&heap, b), 0, "zeroed again");
    check(&heap);
}

#[test]
fn coalesces_both_ways_and_splits() {
    let heap = heap(1 << 16);
    let allocator = Allocator::new(heap);
    let [a, b, c, d] = [100, 100, 100, 8].map(|n| block(&allocator, n));
    allocator.free(a as f64).unwrap();
    allocator.free(c as f64).unwrap();
    assert_eq!(check(&heap).len(), 2);
    allocator.free(b as f64).unwrap();
    let free = check(&heap);
    assert_eq!(free, HashMap::from([(a - HEADER, 3 * 112)]));
    // A smaller request splits the merged block; the rest stays free.
    assert_eq!(block(&allocator, 40), a);
    assert_eq!(
        check(&heap),
        HashMap::from([(a - HEADER + 48, 3 * 112 - 48)])
    );
    allocator.free(d as f64).unwrap();
    allocator.free(a as f64).unwrap();
    assert!(check(&heap).is_empty());
    assert_eq!(word(&heap, TOP), HEAP_START);
    assert_eq!(allocator.used(), 0);
}

#[test]
fn refuses_double_and_foreign_frees_and_impossible_sizes() {
    let heap = heap(1 << 16);
    let allocator = Allocator::new(heap);
    let a = block(&allocator, 8);
    let _b = block(&allocator, 8);
    allocator.free(a as f64).unwrap();
    for bad in [
        a as f64,
        (a + 4) as f64,
        a as f64 + 0.5,
        12.0,
        -8.0,
        f64::NAN,
        1e12,
    ] {
        assert!(allocator.free(bad).is_err(), "free({bad})");
    }
    assert_eq!(
        allocator.free(f64::INFINITY).unwrap_err(),
        "threadkit: free of an address that is not an allocated block (Infinity)"
    );
    for bad in [-1.0, f64::NAN, MAX_REQUEST + 1.0] {
        assert!(allocator.alloc(bad).is_err(), "alloc({bad})");
    }
    assert_eq!(
        allocator.alloc(-1.0).unwrap_err(),
        "cannot allocate -1 bytes of shared memory"
    );
    check(&heap);
}

#[test]
fn asks_to_grow_and_changes_nothing_until_it_has() {
    let heap = heap(1 << 16);
    let allocator = Allocator::new(heap);
    let a = block(&allocator, 1000);
    assert_eq!(
        allocator.alloc(70_000.0).unwrap(),
        Alloc::Grow(a - HEADER + 1008 + 70_008)
    );
    assert_eq!(word(&heap, TOP), a - HEADER + 1008);
    assert_eq!(allocator.used(), 1008);
}

#[test]
fn mixed_churn_keeps_every_invariant_and_returns_everything() {
    const LEN: usize = 1 << 22;
    let heap = heap(LEN);
    let allocator = Allocator::new(heap);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut live: Vec<usize> = Vec::new();
    let mut total = 0usize;
    for step in 0..20_000 {
        if live.len() < 64 && next() % 3 != 0 {
            let bytes = (8usize << (next() % 14)) + (next() % 512) as usize;
            match allocator.alloc(bytes as f64).unwrap() {
                Alloc::Block(address) => {
                    live.push(address);
                    total += bytes;
                }
                Alloc::Grow(_) => assert!(!live.is_empty()),
            }
        } else if !live.is_empty() {
            let address = live.swap_remove((next() % live.len() as u64) as usize);
            allocator.free(address as f64).unwrap();
        }
        if step % 97 == 0 {
            check(&heap);
        }
    }
    assert!(total > 10 * LEN);
    for address in live {
        allocator.free(address as f64).unwrap();
    }
    assert!(check(&heap).is_empty());
    assert_eq!(allocator.used(), 0);
    assert_eq!(
        block(&allocator, LEN - HEAP_START - HEADER),
        HEAP_START + HEADER
    );
}

#[test]
fn threads_churning_together_leave_a_sound_heap() {
    let heap = heap(1 << 22);
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                let allocator = Allocator::new(heap);
                let mut live = Vec::new();
                for i in 0..5_000u64 {
                    let bytes = ((i * 7 + t * 13) % 600) as f64;
                    if let Alloc::Block(address) = allocator.alloc(bytes).unwrap() {
                        heap.word(address).store(t as u32 + 1, Relaxed);
                        live.push(address);
                    }
                    if i % 3 == 2 {
                        let address = live.swap_remove((i as usize * 31) % live.len());
                        assert_eq!(
                            word(&heap, address),
                            t as usize + 1,
                            "another thread's block"
                        );
                        allocator.free(address as f64).unwrap();
                    }
                }
                for address in live {
                    allocator.free(address as f64).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(check(&heap).is_empty());
    assert_eq!(word(&heap, TOP), HEAP_START);
}
