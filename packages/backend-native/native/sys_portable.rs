//! Windows and other operating systems: the same wait/wake contract as the Linux futex, built
//! on std's thread parking (which on Windows 8+ sleeps in `WaitOnAddress`: the counted wake-ups
//! [`wake`] must return — the sync/async split of an unpark depends on them — are this table's,
//! since `WakeByAddressSingle` does not say whether it woke anyone). Sleepers are kept in a table keyed by the cell's address; the value check
//! and the enqueue happen under the table's lock, which every waker takes, so no wake-up is lost.

// Linux and macOS build this module only for tests and `--cfg threadkit_check_all`.
#![cfg_attr(any(target_os = "linux", target_os = "macos"), allow(dead_code))]

use crate::park::Outcome;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, Thread};
use std::time::Instant;

struct Sleeper {
    thread: Thread,
    woken: AtomicBool,
}

type Table = Mutex<HashMap<usize, VecDeque<Arc<Sleeper>>>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Sleeps while `cell` holds `expected`, until woken or `deadline` passes (`None`: forever).
pub fn wait(cell: &AtomicI32, expected: i32, deadline: Option<Instant>) -> Outcome {
    let key = cell.as_ptr() as usize;
    let me = Arc::new(Sleeper {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    {
        let mut sleepers = table().lock().unwrap_or_else(|e| e.into_inner());
        if cell.load(Ordering::SeqCst) != expected {
            return Outcome::NotEqual;
        }
        sleepers.entry(key).or_default().push_back(me.clone());
    }
    loop {
        if me.woken.load(Ordering::Acquire) {
            return Outcome::Woken;
        }
        match deadline {
            None => thread::park(),
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                thread::park_timeout(left);
            }
        }
    }
    let mut sleepers = table().lock().unwrap_or_else(|e| e.into_inner());
    if me.woken.load(Ordering::Acquire) {
        return Outcome::Woken;
    }
    if let Some(queue) = sleepers.get_mut(&key) {
        queue.retain(|s| !Arc::ptr_eq(s, &me));
        if queue.is_empty() {
            sleepers.remove(&key);
        }
    }
    Outcome::TimedOut
}

/// Wakes up to `count` threads sleeping in [`wait`] on `cell`; returns how many woke.
pub fn wake(cell: &AtomicI32, count: u32) -> u32 {
    let key = cell.as_ptr() as usize;
    let mut sleepers = table().lock().unwrap_or_else(|e| e.into_inner());
    let Some(queue) = sleepers.get_mut(&key) else {
        return 0;
    };
    let mut woken = 0;
    while woken < count {
        let Some(sleeper) = queue.pop_front() else {
            break;
        };
        sleeper.woken.store(true, Ordering::Release);
        sleeper.thread.unpark();
        woken += 1;
    }
    if queue.is_empty() {
        sleepers.remove(&key);
    }
    woken
}

/// The calling thread's Windows thread id (what Task Manager and debuggers show).
#[cfg(windows)]
pub fn thread_id() -> u64 {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetCurrentThreadId() -> u32;
    }
    // SAFETY: no arguments, cannot fail.
    u64::from(unsafe { GetCurrentThreadId() })
}

/// A process-unique id for the calling thread (numbered from 1 in order of first use).
#[cfg(not(windows))]
pub fn thread_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local!(static ID: u64 = NEXT.fetch_add(1, Ordering::Relaxed));
    ID.with(|id| *id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn wakes_a_sleeper_and_times_out_without_one() {
        let cell: &'static AtomicI32 = Box::leak(Box::new(AtomicI32::new(0)));
        assert!(matches!(wait(cell, 1, None), Outcome::NotEqual));
        let at = Instant::now() + Duration::from_millis(20);
        assert!(matches!(wait(cell, 0, Some(at)), Outcome::TimedOut));
        let sleeper = thread::spawn(move || wait(cell, 0, None));
        while wake(cell, 1) == 0 {
            thread::yield_now();
        }
        assert!(matches!(sleeper.join().unwrap(), Outcome::Woken));
    }
}
