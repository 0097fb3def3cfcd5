//! Signals heard off the JS threads: the thread dump on a signal (`THREADKIT_DUMP_ON_SIGNAL`)
//! must come while every JS thread is blocked, and Node gives worker threads no signal handle
//! (Node 26). [`watch`] installs a C handler for the signal; the handler only writes the signal's
//! number into a pipe (`write` is async-signal-safe); a relay thread reads the pipe, adds one to
//! the heap cell the signal was given and wakes its waiters, so the supervisor's async wait on
//! that cell (its event loop is always free) prints the dump. A handler that was there before
//! (libuv's, for a `process.on(signal)` listener) is called after ours, so it still hears it.

use crate::park;
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::Mutex;

extern "C" {
    fn signal(signum: c_int, handler: usize) -> usize;
    fn pipe(fds: *mut c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
}

/// Signal numbers handled: 1..=64 (Linux's and macOS's real-time range included).
const SIGNALS: usize = 65;
const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;
const SIG_ERR: usize = usize::MAX;

/// The pipe's write end (-1 until the relay thread runs).
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);
/// Per signal: the address of the cell it bumps (0: not watched).
static CELLS: [AtomicUsize; SIGNALS] = [const { AtomicUsize::new(0) }; SIGNALS];
/// Per signal: the handler that was installed before ours (called after ours).
static PREVIOUS: [AtomicUsize; SIGNALS] = [const { AtomicUsize::new(SIG_DFL) }; SIGNALS];
/// Serialises watch/unwatch and the relay thread's start.
static SETUP: Mutex<()> = Mutex::new(());

extern "C" fn on_signal(signum: c_int) {
    let fd = WRITE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = signum as u8;
        // SAFETY: `write` of one byte from a live local; async-signal-safe.
        unsafe { write(fd, &byte as *const u8 as *const c_void, 1) };
    }
    let previous = PREVIOUS
        .get(signum as usize)
        .map_or(SIG_DFL, |p| p.load(Ordering::Relaxed));
    if previous != SIG_DFL && previous != SIG_IGN && previous != SIG_ERR {
        // SAFETY: a handler `signal` returned for this signal (a plain one-argument handler, as
        // libuv and Node install).
        let handler: extern "C" fn(c_int) = unsafe { std::mem::transmute(previous) };
        handler(signum);
    }
}

/// Starts the relay thread once: it reads signal numbers from the pipe and wakes their cells.
fn start_relay() -> Result<(), String> {
    if WRITE_FD.load(Ordering::SeqCst) >= 0 {
        return Ok(());
    }
    let mut fds: [c_int; 2] = [-1, -1];
    // SAFETY: `pipe` writes two descriptors into the array.
    if unsafe { pipe(fds.as_mut_ptr()) } != 0 {
        return Err("threadkit: could not create the signal relay's pipe".into());
    }
    let read_fd = fds[0];
    std::thread::Builder::new()
        .name("threadkit-signals".into())
        .spawn(move || loop {
            let mut byte = 0u8;
            // SAFETY: reads one byte into a live local.
            let n = unsafe { read(read_fd, &mut byte as *mut u8 as *mut c_void, 1) };
            if n != 1 {
                continue; // EINTR; the write end is never closed
            }
            let address = CELLS[byte as usize].load(Ordering::SeqCst);
            if address != 0 {
                // SAFETY: `watch` was given a live cell of the shared heap, which is never unmapped.
                let cell: &'static AtomicI32 = unsafe { &*(address as *const AtomicI32) };
                cell.fetch_add(1, Ordering::SeqCst);
                park::unpark(cell, u32::MAX);
            }
        })
        .map_err(|e| format!("threadkit: could not start the signal relay thread: {e}"))?;
    WRITE_FD.store(fds[1], Ordering::SeqCst);
    Ok(())
}

/// Makes `signum` add one to `cell` and wake its waiters (sync and async), from the relay thread.
pub fn watch(signum: i32, cell: &'static AtomicI32) -> Result<(), String> {
    if signum <= 0 || signum as usize >= SIGNALS {
        return Err(format!("threadkit: {signum} is not a signal number"));
    }
    let _setup = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    start_relay()?;
    CELLS[signum as usize].store(cell as *const AtomicI32 as usize, Ordering::SeqCst);
    let handler: extern "C" fn(c_int) = on_signal;
    // SAFETY: installs a handler that only writes to a pipe and calls the previous handler.
    let previous = unsafe { signal(signum, handler as usize) };
    if previous == SIG_ERR {
        CELLS[signum as usize].store(0, Ordering::SeqCst);
        return Err(format!("threadkit: signal {signum} cannot be caught"));
    }
    if previous != handler as usize {
        PREVIOUS[signum as usize].store(previous, Ordering::SeqCst);
    }
    Ok(())
}

/// Stops watching `signum`: the handler that was there before comes back.
pub fn unwatch(signum: i32) {
    if signum <= 0 || signum as usize >= SIGNALS {
        return;
    }
    let _setup = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    if CELLS[signum as usize].swap(0, Ordering::SeqCst) == 0 {
        return;
    }
    let previous = PREVIOUS[signum as usize].swap(SIG_DFL, Ordering::SeqCst);
    // SAFETY: puts back the handler `signal` returned when the watch began.
    unsafe { signal(signum, previous) };
}
