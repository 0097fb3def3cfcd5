//! macOS: waiting on a heap cell is the kernel's `ulock` on the cell's address
//! (`__ulock_wait` / `__ulock_wake` with `UL_COMPARE_AND_WAIT`, macOS 10.12+) — the primitive
//! under libc++'s `std::atomic::wait` and Rust std's futex emulation on macOS; macOS 14.4 wraps
//! the same calls as the public `os_sync_wait_on_address`. Declared by hand (the crate has no
//! dependencies); with `ULF_NO_ERRNO` a call returns a negative errno instead of setting errno.
//!
//! Not compiled on threadkit's CI (a Linux machine without Apple's SDK); `cargo check` type-checks
//! it there with `--cfg threadkit_check_all` (see README "Platforms").

// Under `--cfg threadkit_check_all` on another OS the module is checked but not used.
#![cfg_attr(not(target_os = "macos"), allow(dead_code))]

use crate::park::Outcome;
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Instant;

extern "C" {
    fn __ulock_wait(operation: u32, addr: *mut c_void, value: u64, timeout_us: u32) -> c_int;
    fn __ulock_wake(operation: u32, addr: *mut c_void, wake_value: u64) -> c_int;
    fn pthread_threadid_np(thread: *mut c_void, thread_id: *mut u64) -> c_int;
}

const UL_COMPARE_AND_WAIT: u32 = 1;
const ULF_WAKE_ALL: u32 = 0x0000_0100;
const ULF_NO_ERRNO: u32 = 0x0100_0000;
/// Darwin's errno values (`<sys/errno.h>`): not Linux's.
const EINTR: c_int = 4;
const ETIMEDOUT: c_int = 60;

/// Sleeps while `cell` holds `expected`, until woken or `deadline` passes (`None`: forever).
pub fn wait(cell: &AtomicI32, expected: i32, deadline: Option<Instant>) -> Outcome {
    loop {
        if cell.load(Ordering::SeqCst) != expected {
            return Outcome::NotEqual;
        }
        // 0 µs means "forever" to __ulock_wait: a finite wait is at least 1 µs, and one longer
        // than u32::MAX µs (71 minutes) waits that long, then the loop goes round again.
        let timeout_us = match deadline {
            None => 0,
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Outcome::TimedOut;
                }
                left.as_micros().clamp(1, u32::MAX as u128) as u32
            }
        };
        // SAFETY: `cell` is a live, 4-aligned word; the kernel compares it with `expected` and
        // uses its address as the key.
        let rc = unsafe {
            __ulock_wait(
                UL_COMPARE_AND_WAIT | ULF_NO_ERRNO,
                cell.as_ptr().cast(),
                expected as u32 as u64,
                timeout_us,
            )
        };
        match rc {
            // Woken, or the value had already changed: callers re-check either way.
            0.. => return Outcome::Woken,
            _ if rc == -EINTR => continue,
            _ if rc == -ETIMEDOUT => {
                if deadline.is_some_and(|at| at <= Instant::now()) {
                    return Outcome::TimedOut;
                }
            }
            _ => return Outcome::Woken,
        }
    }
}

/// Wakes up to `count` threads sleeping in [`wait`] on `cell`; returns how many woke (for
/// `u32::MAX`, every sleeper: 1 when there was any, else 0 — the kernel does not count them).
pub fn wake(cell: &AtomicI32, count: u32) -> u32 {
    let addr = cell.as_ptr().cast::<c_void>();
    if count == u32::MAX {
        // SAFETY: a wake only uses the address as a key.
        let rc = unsafe { __ulock_wake(UL_COMPARE_AND_WAIT | ULF_WAKE_ALL | ULF_NO_ERRNO, addr, 0) };
        return u32::from(rc == 0);
    }
    let mut woken = 0;
    while woken < count {
        // SAFETY: as above. One sleeper per call: 0 when one woke, -ENOENT when none was left.
        let rc = unsafe { __ulock_wake(UL_COMPARE_AND_WAIT | ULF_NO_ERRNO, addr, 0) };
        if rc == -EINTR {
            continue;
        }
        if rc != 0 {
            break;
        }
        woken += 1;
    }
    woken
}

/// The calling thread's system-wide thread id (what Activity Monitor and `lldb` show).
pub fn thread_id() -> u64 {
    let mut id = 0u64;
    // SAFETY: a null thread means the calling thread; `id` is a valid out-pointer.
    unsafe { pthread_threadid_np(std::ptr::null_mut(), &mut id) };
    id
}
