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

// Syscall numbers per architecture (the kernel's `arch/*/include/uapi/asm/unistd*.h` and the
// generic table `include/uapi/asm-generic/unistd.h`, which aarch64, riscv64 and loongarch64
// use). On 32-bit ARM and x86, `futex` (240) is the call whose timeout is the old timespec of
// two C longs, which `Timespec` below is there; `futex_time64` is not needed for relative waits.
#[cfg(target_arch = "x86_64")]
const SYS_FUTEX: c_long = 202;
#[cfg(target_arch = "x86_64")]
const SYS_GETTID: c_long = 186;
#[cfg(any(target_arch = "aarch64", target_arch = "riscv64", target_arch = "loongarch64"))]
const SYS_FUTEX: c_long = 98;
#[cfg(any(target_arch = "aarch64", target_arch = "riscv64", target_arch = "loongarch64"))]
const SYS_GETTID: c_long = 178;
#[cfg(any(target_arch = "arm", target_arch = "x86"))]
const SYS_FUTEX: c_long = 240;
#[cfg(any(target_arch = "arm", target_arch = "x86"))]
const SYS_GETTID: c_long = 224;
#[cfg(target_arch = "powerpc64")]
const SYS_FUTEX: c_long = 221;
#[cfg(target_arch = "powerpc64")]
const SYS_GETTID: c_long = 207;
#[cfg(target_arch = "s390x")]
const SYS_FUTEX: c_long = 238;
#[cfg(target_arch = "s390x")]
const SYS_GETTID: c_long = 236;
#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64",
    target_arch = "loongarch64",
    target_arch = "arm",
    target_arch = "x86",
    target_arch = "powerpc64",
    target_arch = "s390x"
)))]
compile_error!("threadkit-native: no futex syscall numbers for this Linux architecture (add them in sys_futex.rs)");

const FUTEX_WAIT_PRIVATE: c_long = 128;
const FUTEX_WAKE_PRIVATE: c_long = 1 | 128;
const EINTR: i32 = 4;
const EAGAIN: i32 = 11;
const ETIMEDOUT: i32 = 110;

/// The kernel's timespec for `futex`: two C longs (64-bit on 64-bit targets, the old 32-bit
/// layout on 32-bit ARM and x86, which is what syscall 240 reads there).
#[repr(C)]
struct Timespec {
    tv_sec: c_long,
    tv_nsec: c_long,
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
                    // A wait longer than a 32-bit long's seconds (68 years) waits that long, then
                    // the loop goes round again.
                    tv_sec: left.as_secs().min(c_long::MAX as u64) as c_long,
                    tv_nsec: left.subsec_nanos() as c_long,
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
