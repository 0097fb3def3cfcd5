//! What the addon keeps per JS thread (Node-API instance data): the heap it attached, its
//! channel, and its pending async waits with their promises. Touched only on that JS thread.

use crate::async_park::{self, Notify};
use crate::channel::Channel;
use crate::heap::Heap;
use crate::js::{Deferred, Env};
use crate::napi_sys::*;
use crate::park::Outcome;
use std::collections::HashMap;
use std::os::raw::c_void;
use std::ptr;
use std::sync::Arc;

/// One JS thread's state.
pub struct ThreadState {
    heap: Option<Heap>,
    channel: Arc<Channel>,
    pending: HashMap<u64, (Deferred, bool)>,
    keep_alive: usize,
}

impl ThreadState {
    /// Creates the state of `env` (once, when the addon is loaded there).
    pub fn install(env: Env) -> Result<(), String> {
        let channel = Channel::open(env, settle)?;
        let state = Box::new(ThreadState {
            heap: None,
            channel: channel.clone(),
            pending: HashMap::new(),
            keep_alive: 0,
        });
        let sink: Box<Arc<dyn Notify>> = Box::new(channel);
        // SAFETY: ownership of both boxes passes to Node, which hands them back to the callbacks below.
        unsafe {
            if napi_set_instance_data(
                env.0,
                Box::into_raw(state) as *mut c_void,
                Some(drop_state),
                ptr::null_mut(),
            ) != NAPI_OK
            {
                return Err("threadkit: cannot set the addon's instance data".into());
            }
            napi_add_env_cleanup_hook(
                env.0,
                Some(forget_waits),
                Box::into_raw(sink) as *mut c_void,
            );
        }
        Ok(())
    }

    /// The state of `env` (on its JS thread).
    pub fn of(env: Env) -> &'static mut ThreadState {
        let mut data = ptr::null_mut();
        // SAFETY: set by `install` before any method can run; only this JS thread uses it.
        unsafe {
            napi_get_instance_data(env.0, &mut data);
            &mut *(data as *mut ThreadState)
        }
    }

    /// The heap this thread attached; an error before `attach`.
    pub fn heap(&self) -> Result<Heap, String> {
        self.heap
            .ok_or_else(|| "threadkit: the native backend is not attached to a heap".to_string())
    }

    /// Attaches the heap.
    pub fn attach(&mut self, heap: Heap) {
        self.heap = Some(heap);
    }

    /// Where this thread's async outcomes are delivered.
    pub fn sink(&self) -> Arc<dyn Notify> {
        self.channel.clone()
    }

    /// Records a pending wait's promise; a keep-alive wait holds the event loop open.
    pub fn add_pending(&mut self, env: Env, id: u64, deferred: Deferred, keep_alive: bool) {
        self.pending.insert(id, (deferred, keep_alive));
        if keep_alive {
            self.keep_alive += 1;
            if self.keep_alive == 1 {
                self.channel.hold(env);
            }
        }
    }
}

fn settle(env: Env, id: u64, outcome: Outcome) {
    let state = ThreadState::of(env);
    let Some((deferred, keep_alive)) = state.pending.remove(&id) else {
        return;
    };
    env.resolve(deferred, env.string(outcome.as_str()));
    if keep_alive {
        state.keep_alive -= 1;
        if state.keep_alive == 0 {
            state.channel.release(env);
        }
    }
}

unsafe extern "C" fn drop_state(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    drop(Box::from_raw(data as *mut ThreadState));
}

unsafe extern "C" fn forget_waits(arg: *mut c_void) {
    let sink = Box::from_raw(arg as *mut Arc<dyn Notify>);
    async_park::forget(&sink);
}
