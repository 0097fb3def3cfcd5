//! Linux: waiting on a heap cell is the kernel's futex on the cell's address
//! (`FUTEX_WAIT_PRIVATE` / `FUTEX_WAKE_PRIVATE`: every thread of the process maps the heap at
//! the same address). Declared by hand over libc's `syscall`, since the crate has no dependencies.

use crate::park::Outcome;
use std::os::raw::c_long;
use std::sync::atomic::AtomicI32;
use std::time::Instant;

extern "C" {
    fn syscall(num: c_long, ...) -> c_long;
}

#[cfg(target_arch = "x86_64")]
const SYS_FUTEX: c_long = 202;
#[cfg(target_arch = "x86_64")]
const SYS_GETTID: c_long = 186;
#[cfg(target_arch = "aarch64")]
const SYS_FUTEX: c_long = 98;
#[cfg(target_arch = "aarch64")]
const SYS_GETTID: c_long = 178;

const FUTEX_WAIT_PRIVATE: c_long = 128;
const FUTEX_WAKE_PRIVATE: c_long = 1 | 128;
const EINTR: i32 = 4;
const EAGAIN: i32 = 11;
const ETIMEDOUT: i32 = 110;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

/// Sleeps while `cell` holds `expected`, until woken or `deadline` passes (`None`: forever).
pub fn wait(cell: &AtomicI32, expected: i32, deadline: Option<Instant>) -> Outcome {
    loop {
        let timeout = match deadline {
            None => None,
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Outcome::TimedOut;
                }
                Some(Timespec {
                    tv_sec: left.as_secs() as i64,
                    tv_nsec: left.subsec_nanos() as i64,
                })
            }
        };
        let timeout_ptr = timeout
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const Timespec);
        // SAFETY: `cell` is a live, 4-aligned word; the timespec outlives the call.
        let rc = unsafe {
            syscall(
                SYS_FUTEX,
                cell.as_ptr(),
                FUTEX_WAIT_PRIVATE,
                expected as c_long,
                timeout_ptr,
            )
        };
        if rc == 0 {
            return Outcome::Woken;
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(EAGAIN) => return Outcome::NotEqual,
            Some(ETIMEDOUT) => return Outcome::TimedOut,
            Some(EINTR) => continue,
            _ => return Outcome::Woken,
        }
    }
}

/// Wakes up to `count` threads sleeping in [`wait`] on `cell`; returns how many woke.
pub fn wake(cell: &AtomicI32, count: u32) -> u32 {
    let count = count.min(i32::MAX as u32) as c_long;
    // SAFETY: FUTEX_WAKE only uses the address as a key.
    let rc = unsafe { syscall(SYS_FUTEX, cell.as_ptr(), FUTEX_WAKE_PRIVATE, count) };
    rc.max(0) as u32
}

/// The calling thread's kernel thread id (the process id on the main thread).
pub fn thread_id() -> u64 {
    // SAFETY: gettid has no arguments and cannot fail.
    unsafe { syscall(SYS_GETTID) as u64 }
}
