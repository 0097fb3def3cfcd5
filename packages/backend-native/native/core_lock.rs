//! The contended path of the core lock, natively: a futex mutex on one cell (0 unlocked,
//! 1 locked, 2 locked with waiters; after Drepper's "Futexes Are Tricky", mutex 2). The
//! uncontended acquire, the release and the spin stay in JS (the api's one spin policy,
//! `parking/spin.ts`, runs before JS calls in here); this marks the lock contended and sleeps
//! in the kernel until the holder's release wakes it. Only the addon's own lock (the
//! allocator's, which JS never takes) spins here first: see [`acquire_internal`].

use crate::park;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Instant;

const UNLOCKED: i32 = 0;
const LOCKED: i32 = 1;
const CONTENDED: i32 = 2;
/// Reads of the allocator's lock before [`acquire_internal`] parks (JS's locks spin in JS).
const INTERNAL_SPINS: u32 = 100;

/// How a contended acquire ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Acquire {
    /// The caller holds the lock.
    Acquired,
    /// The deadline passed first.
    TimedOut,
    /// The process is exiting (see [`park::shutdown`]): the caller should return to JS, where
    /// Node's termination of its thread takes effect, and retry if it is still running.
    Interrupted,
}

/// Acquires the lock at `cell`, waiting until `deadline` (`None`: forever).
pub fn acquire(cell: &'static AtomicI32, deadline: Option<Instant>) -> Acquire {
    if cell
        .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
    {
        return Acquire::Acquired;
    }
    loop {
        // Marking it contended takes it if it was free (a spurious wake-up on release is harmless).
        if cell.swap(CONTENDED, Ordering::Acquire) == UNLOCKED {
            return Acquire::Acquired;
        }
        if deadline.is_some_and(|at| at <= Instant::now()) {
            return Acquire::TimedOut;
        }
        park::park(cell, CONTENDED, deadline);
        if park::exiting() {
            return Acquire::Interrupted;
        }
    }
}

/// Acquires a lock that only native code holds, for short critical sections (so its holder is
/// never stopped inside one): waits until it is free, even while the process exits.
pub fn acquire_internal(cell: &'static AtomicI32) {
    for _ in 0..INTERNAL_SPINS {
        match cell.load(Ordering::Relaxed) {
            LOCKED => std::hint::spin_loop(),
            UNLOCKED
                if cell
                    .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok() =>
            {
                return
            }
            _ => break,
        }
    }
    while acquire(cell, None) != Acquire::Acquired {
        std::thread::yield_now();
    }
}

/// Releases the lock at `cell` (held by the caller).
pub fn release(cell: &'static AtomicI32) {
    if cell.swap(UNLOCKED, Ordering::Release) == CONTENDED {
        park::unpark(cell, 1);
    }
}
