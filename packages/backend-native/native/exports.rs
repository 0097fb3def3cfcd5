//! The addon's JS surface: each function reads its arguments, calls the safe park/lock/
//! allocator logic and converts the result. Timeouts are milliseconds (`Infinity`: forever).

use crate::allocator::{Alloc, Allocator};
use crate::async_park;
use crate::core_lock::{self, Acquire};
use crate::heap::Heap;
use crate::js::{Call, Env, Method};
use crate::napi_sys::napi_value;
use crate::park;
use crate::thread_state::ThreadState;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Registers the functions on `exports` and this thread's state.
pub fn register(env: Env, exports: napi_value) -> Result<(), String> {
    ThreadState::install(env)?;
    let methods: [(&str, Method); 13] = [
        ("attach", attach),
        ("format", format),
        ("alloc", alloc),
        ("free", free),
        ("heapUsed", heap_used),
        ("park", park_sync),
        ("parkAsync", park_async),
        ("unpark", unpark),
        ("lockAcquire", lock_acquire),
        ("threadId", thread_id),
        ("shutdown", shutdown),
        ("watchSignal", watch_signal),
        ("unwatchSignal", unwatch_signal),
    ];
    for (name, method) in methods {
        env.export(exports, name, method)?;
    }
    Ok(())
}

/// The deadline `ms` milliseconds from now; `None` for forever (or past any representable instant).
fn deadline(ms: f64) -> Option<Instant> {
    if !ms.is_finite() || ms > 1e15 {
        return None;
    }
    Instant::now().checked_add(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
}

/// JS's ToInt32, as `Atomics.wait` applies it to the expected value.
fn to_int32(value: f64) -> i32 {
    if value.is_finite() {
        (value.trunc() % 4_294_967_296.0) as i64 as i32
    } else {
        0
    }
}

fn heap(call: &Call) -> Result<Heap, String> {
    ThreadState::of(call.env()).heap()
}

/// `attach(i32: Int32Array)`: this thread's view of the shared heap (a length-tracking view
/// over the process's growable SharedArrayBuffer); publishes its current length.
fn attach(call: &Call) -> Result<napi_value, String> {
    let (base, len) = call.int32_array(0)?;
    // SAFETY: the view's buffer is the process's heap, a SharedArrayBuffer the main thread
    // keeps, which never shrinks; Node reports its committed length.
    let heap = unsafe { Heap::attach(base, len) }?;
    ThreadState::of(call.env()).attach(heap);
    Ok(call.env().undefined())
}

/// `format()`: prepares a fresh heap for allocation (main thread, once).
fn format(call: &Call) -> Result<napi_value, String> {
    Allocator::new(heap(call)?).format();
    Ok(call.env().undefined())
}

/// `alloc(bytes, i32) → address` of zeroed memory, or `-needed` when the heap must first grow
/// to `needed` bytes: the caller grows the buffer and calls again. `i32` is this thread's view
/// of the heap, from which the length the heap grew to is published.
fn alloc(call: &Call) -> Result<napi_value, String> {
    let heap = heap(call)?;
    let allocator = Allocator::new(heap);
    let bytes = call.number(0)?;
    loop {
        match allocator.alloc(bytes)? {
            Alloc::Block(address) => return Ok(call.env().number(address as f64)),
            Alloc::Grow(needed) => {
                // Another thread may have grown the buffer since its length was published.
                let (base, len) = call.int32_array(1)?;
                if !heap.starts_at(base) {
                    return Err("threadkit: alloc was given a view of another heap".into());
                }
                if heap.publish(len) < needed {
                    return Ok(call.env().number(-(needed as f64)));
                }
            }
        }
    }
}

/// `free(address)`.
fn free(call: &Call) -> Result<napi_value, String> {
    Allocator::new(heap(call)?).free(call.number(0)?)?;
    Ok(call.env().undefined())
}

/// `heapUsed() → bytes` in allocated blocks, headers included.
fn heap_used(call: &Call) -> Result<napi_value, String> {
    let used = Allocator::new(heap(call)?).used();
    Ok(call.env().number(used as f64))
}

/// `park(address, expected, timeoutMs) → 'ok' | 'not-equal' | 'timed-out'`, sleeping in this thread.
fn park_sync(call: &Call) -> Result<napi_value, String> {
    let cell = heap(call)?.cell(call.number(0)?)?;
    let outcome = park::park(cell, to_int32(call.number(1)?), deadline(call.number(2)?));
    Ok(call.env().string(outcome.as_str()))
}

/// `parkAsync(address, expected, timeoutMs, keepAlive) → Promise<ParkResult>`; never blocks.
fn park_async(call: &Call) -> Result<napi_value, String> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let env = call.env();
    let cell = heap(call)?.cell(call.number(0)?)?;
    let (expected, until, keep_alive) = (
        to_int32(call.number(1)?),
        deadline(call.number(2)?),
        call.boolean(3)?,
    );
    let (deferred, promise) = env.promise()?;
    let state = ThreadState::of(env);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    match async_park::register(cell, expected, until, id, state.sink()) {
        Ok(()) => state.add_pending(env, id, deferred, keep_alive),
        Err(outcome) => env.resolve(deferred, env.string(outcome.as_str())),
    }
    Ok(promise)
}

/// `unpark(address, count) → woken`: wakes sleeping threads and async waits of the cell.
fn unpark(call: &Call) -> Result<napi_value, String> {
    let cell = heap(call)?.cell(call.number(0)?)?;
    let count = call.number(1)?;
    let count = if count >= u32::MAX as f64 {
        u32::MAX
    } else {
        count.max(0.0) as u32
    };
    Ok(call.env().number(park::unpark(cell, count) as f64))
}

/// `lockAcquire(address, timeoutMs) → 1 acquired | 0 timed out | -1 interrupted (retry)`:
/// the core lock's contended path.
fn lock_acquire(call: &Call) -> Result<napi_value, String> {
    let cell = heap(call)?.cell(call.number(0)?)?;
    let code = match core_lock::acquire(cell, deadline(call.number(1)?)) {
        Acquire::Acquired => 1.0,
        Acquire::TimedOut => 0.0,
        Acquire::Interrupted => -1.0,
    };
    Ok(call.env().number(code))
}

/// `threadId() → id` of the calling OS thread.
fn thread_id(call: &Call) -> Result<napi_value, String> {
    Ok(call.env().number(park::thread_id() as f64))
}

/// `shutdown()`: the process is exiting; see `park::shutdown`.
fn shutdown(call: &Call) -> Result<napi_value, String> {
    park::shutdown();
    Ok(call.env().undefined())
}

/// `watchSignal(signum, address) → 1`: from now on the signal adds one to the cell and wakes
/// its waiters, from a native thread (see `signals`); 0 where the platform has no signals.
fn watch_signal(call: &Call) -> Result<napi_value, String> {
    let signum = call.number(0)?;
    let cell = heap(call)?.cell(call.number(1)?)?;
    #[cfg(unix)]
    {
        crate::signals::watch(signum as i32, cell)?;
        Ok(call.env().number(1.0))
    }
    #[cfg(not(unix))]
    {
        let _ = (signum, cell);
        Ok(call.env().number(0.0))
    }
}

/// `unwatchSignal(signum)`: the handler from before `watchSignal` comes back.
fn unwatch_signal(call: &Call) -> Result<napi_value, String> {
    let signum = call.number(0)?;
    #[cfg(unix)]
    crate::signals::unwatch(signum as i32);
    #[cfg(not(unix))]
    let _ = signum;
    Ok(call.env().undefined())
}
