//! The deadlines of async waits, served by one native timer thread (started on first use): it
//! sleeps until the earliest deadline and then times out the waits that are still pending.
//! Never a thread per wait, never libuv's thread pool.

use crate::async_park;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Instant;

struct Timers {
    queue: BinaryHeap<Reverse<(Instant, u64, usize)>>,
    live: HashSet<u64>,
    started: bool,
}

struct Service {
    timers: Mutex<Timers>,
    changed: Condvar,
}

fn service() -> &'static Service {
    static SERVICE: OnceLock<Service> = OnceLock::new();
    SERVICE.get_or_init(|| Service {
        timers: Mutex::new(Timers {
            queue: BinaryHeap::new(),
            live: HashSet::new(),
            started: false,
        }),
        changed: Condvar::new(),
    })
}

/// Times out async wait `id` on the cell at `cell_key` at `deadline` unless [`cancel`]led first.
pub fn schedule(deadline: Instant, id: u64, cell_key: usize) {
    let svc = service();
    let mut t = svc.timers.lock().unwrap_or_else(|e| e.into_inner());
    let earliest = t
        .queue
        .peek()
        .is_none_or(|Reverse((at, _, _))| deadline < *at);
    t.queue.push(Reverse((deadline, id, cell_key)));
    t.live.insert(id);
    if !t.started {
        t.started = true;
        std::thread::Builder::new()
            .name("threadkit-timer".into())
            .spawn(run)
            .expect("threadkit: cannot start the native timer thread");
    } else if earliest {
        svc.changed.notify_one();
    }
}

/// Forgets the deadline of wait `id` (it was woken); drops stale entries once they dominate.
pub fn cancel(id: u64) {
    let mut t = service().timers.lock().unwrap_or_else(|e| e.into_inner());
    if t.live.remove(&id) && t.queue.len() > 64 && t.queue.len() > 2 * t.live.len() {
        let Timers { queue, live, .. } = &mut *t;
        queue.retain(|Reverse((_, id, _))| live.contains(id));
    }
}

fn run() {
    let svc = service();
    let mut t = svc.timers.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        while let Some(&Reverse((at, id, key))) = t.queue.peek() {
            if at > now {
                break;
            }
            t.queue.pop();
            if t.live.remove(&id) {
                due.push((id, key));
            }
        }
        if !due.is_empty() {
            drop(t);
            for (id, key) in due {
                async_park::expire(key, id);
            }
            t = svc.timers.lock().unwrap_or_else(|e| e.into_inner());
            continue;
        }
        t = match t.queue.peek() {
            None => svc.changed.wait(t).unwrap_or_else(|e| e.into_inner()),
            Some(&Reverse((at, _, _))) => {
                svc.changed
                    .wait_timeout(t, at - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
        };
    }
}
