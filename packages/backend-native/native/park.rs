//! Parking on heap cells, in safe Rust over the OS layer: a sync park sleeps in the calling
//! thread (futex on Linux); an unpark wakes sleeping threads and the async waiters of the cell.
//!
//! Process exit: Node joins its worker threads when the process ends, and a thread asleep in a
//! futex cannot be interrupted by V8's termination the way `Atomics.wait` can. So the main
//! thread calls [`shutdown`] on its `exit` event: from then on a park returns at once (as if
//! woken) and every thread already asleep is woken, so each reaches JS, where the termination
//! Node then requests takes effect.

#[cfg(target_os = "linux")]
use crate::sys_futex as sys;
#[cfg(target_os = "macos")]
use crate::sys_ulock as sys;
// Windows and the rest: std's thread parking, which on Windows 8+ sleeps in `WaitOnAddress`.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
use crate::sys_portable as sys;

use crate::async_park;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use sys::thread_id;

/// How a park ended (the SPI's `ParkResult`).
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    Woken,
    NotEqual,
    TimedOut,
}

impl Outcome {
    /// The SPI's string for this outcome.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Woken => "ok",
            Outcome::NotEqual => "not-equal",
            Outcome::TimedOut => "timed-out",
        }
    }
}

/// Threads asleep in [`park`], by ticket, with the cell each sleeps on (for [`shutdown`]).
struct Sleepers {
    next: u64,
    asleep: HashMap<u64, &'static AtomicI32>,
}

fn sleepers() -> &'static Mutex<Sleepers> {
    static SLEEPERS: OnceLock<Mutex<Sleepers>> = OnceLock::new();
    SLEEPERS.get_or_init(|| {
        Mutex::new(Sleepers {
            next: 0,
            asleep: HashMap::new(),
        })
    })
}

static EXITING: AtomicBool = AtomicBool::new(false);

/// Alternates which kind of waiter (sync or async) a bounded unpark serves first.
static ASYNC_FIRST: AtomicBool = AtomicBool::new(false);

/// Sleeps while `cell` holds `expected`, until woken or `deadline` (`None`: forever).
pub fn park(cell: &'static AtomicI32, expected: i32, deadline: Option<Instant>) -> Outcome {
    let ticket = {
        let mut s = sleepers().lock().unwrap_or_else(|e| e.into_inner());
        if EXITING.load(Ordering::SeqCst) {
            return Outcome::Woken;
        }
        s.next += 1;
        let ticket = s.next;
        s.asleep.insert(ticket, cell);
        ticket
    };
    let outcome = sys::wait(cell, expected, deadline);
    sleepers()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .asleep
        .remove(&ticket);
    outcome
}

/// True once the process has begun exiting (see [`shutdown`]).
pub fn exiting() -> bool {
    EXITING.load(Ordering::SeqCst)
}

/// Wakes up to `count` waiters of `cell`, sleeping threads and async waits alike; returns how many woke.
pub fn unpark(cell: &'static AtomicI32, count: u32) -> u32 {
    if count == u32::MAX {
        return sys::wake(cell, count) + async_park::wake(cell, count);
    }
    if ASYNC_FIRST.fetch_xor(true, Ordering::Relaxed) {
        let woken = async_park::wake(cell, count);
        woken
            + if woken < count {
                sys::wake(cell, count - woken)
            } else {
                0
            }
    } else {
        let woken = sys::wake(cell, count);
        woken
            + if woken < count {
                async_park::wake(cell, count - woken)
            } else {
                0
            }
    }
}

/// Enters exit mode (see the module doc) and wakes every thread asleep in [`park`], retrying
/// until each of them has left it (bounded: one second).
pub fn shutdown() {
    let last = {
        let s = sleepers().lock().unwrap_or_else(|e| e.into_inner());
        EXITING.store(true, Ordering::SeqCst);
        s.next
    };
    let give_up = Instant::now() + Duration::from_secs(1);
    loop {
        let cells: Vec<&'static AtomicI32> = {
            let s = sleepers().lock().unwrap_or_else(|e| e.into_inner());
            s.asleep
                .iter()
                .filter(|(ticket, _)| **ticket <= last)
                .map(|(_, cell)| *cell)
                .collect()
        };
        if cells.is_empty() || Instant::now() >= give_up {
            return;
        }
        for cell in cells {
            sys::wake(cell, u32::MAX);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
