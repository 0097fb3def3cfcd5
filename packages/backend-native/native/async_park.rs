//! Async waits: a table of pending waits per cell. A registration checks the cell and enqueues
//! under the table's lock, which every [`wake`] takes too, so no wake-up is lost; a wake
//! removes waits and hands each outcome to its [`Notify`] sink (the waiting thread's event
//! loop). Deadlines are served by the timer thread ([`crate::timers`]). No thread sleeps per
//! wait: every wake of this backend goes through `unpark`, which finds the waits here.

use crate::park::Outcome;
use crate::timers;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// Where the outcome of an async wait is delivered (from any thread).
pub trait Notify: Send + Sync {
    /// Delivers the outcome of wait `id`.
    fn notify(&self, id: u64, outcome: Outcome);
}

struct Waiter {
    id: u64,
    timed: bool,
    sink: Arc<dyn Notify>,
}

type Table = Mutex<HashMap<usize, VecDeque<Waiter>>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Registers wait `id` on `cell` while it holds `expected`, until woken or `deadline`
/// (`None`: forever). Returns the outcome at once (`Err`) when the wait cannot start.
pub fn register(
    cell: &'static AtomicI32,
    expected: i32,
    deadline: Option<Instant>,
    id: u64,
    sink: Arc<dyn Notify>,
) -> Result<(), Outcome> {
    let key = cell.as_ptr() as usize;
    let mut waits = table().lock().unwrap_or_else(|e| e.into_inner());
    if cell.load(Ordering::SeqCst) != expected {
        return Err(Outcome::NotEqual);
    }
    if deadline.is_some_and(|at| at <= Instant::now()) {
        return Err(Outcome::TimedOut);
    }
    waits.entry(key).or_default().push_back(Waiter {
        id,
        timed: deadline.is_some(),
        sink,
    });
    if let Some(at) = deadline {
        timers::schedule(at, id, key);
    }
    Ok(())
}

/// Wakes up to `count` async waits on `cell` in registration order; returns how many woke.
pub fn wake(cell: &'static AtomicI32, count: u32) -> u32 {
    let key = cell.as_ptr() as usize;
    let woken: Vec<Waiter> = {
        let mut waits = table().lock().unwrap_or_else(|e| e.into_inner());
        let Some(queue) = waits.get_mut(&key) else {
            return 0;
        };
        let n = queue.len().min(count as usize);
        let woken = queue.drain(..n).collect();
        if queue.is_empty() {
            waits.remove(&key);
        }
        woken
    };
    for w in &woken {
        if w.timed {
            timers::cancel(w.id);
        }
        w.sink.notify(w.id, Outcome::Woken);
    }
    woken.len() as u32
}

/// Times out wait `id` on the cell at `key` if it is still pending (the timer thread's call).
pub fn expire(key: usize, id: u64) {
    let expired = {
        let mut waits = table().lock().unwrap_or_else(|e| e.into_inner());
        let Some(queue) = waits.get_mut(&key) else {
            return;
        };
        let Some(at) = queue.iter().position(|w| w.id == id) else {
            return;
        };
        let waiter = queue.remove(at);
        if queue.is_empty() {
            waits.remove(&key);
        }
        waiter
    };
    if let Some(w) = expired {
        w.sink.notify(w.id, Outcome::TimedOut);
    }
}

/// Drops every pending wait delivered to `sink` (its thread is going away).
pub fn forget(sink: &Arc<dyn Notify>) {
    let mut waits = table().lock().unwrap_or_else(|e| e.into_inner());
    waits.retain(|_, queue| {
        queue.retain(|w| !Arc::ptr_eq(&w.sink, sink));
        !queue.is_empty()
    });
}
