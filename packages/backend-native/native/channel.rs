//! The way back to a JS thread: a Node-API threadsafe function per JS thread that loaded the
//! addon. Any thread delivers an async wait's outcome through it; the JS thread's event loop
//! then runs the delivery callback. It is unref'd unless [`Channel::hold`] says otherwise, so it
//! keeps the process alive only while keep-alive waits are pending.

use crate::async_park::Notify;
use crate::js::Env;
use crate::napi_sys::*;
use crate::park::Outcome;
use std::os::raw::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

/// Runs on the JS thread for each delivered outcome.
pub type Deliver = fn(Env, u64, Outcome);

struct Tsfn(napi_threadsafe_function);
// SAFETY: a threadsafe function may be called from any thread; `Channel` guards its lifetime.
unsafe impl Send for Tsfn {}

/// A JS thread's threadsafe function, usable from any thread until its environment goes away.
pub struct Channel {
    tsfn: Mutex<Option<Tsfn>>,
}

impl Channel {
    /// Opens the channel of `env`; outcomes are handed to `deliver` on that JS thread.
    pub fn open(env: Env, deliver: Deliver) -> Result<Arc<Channel>, String> {
        let channel = Arc::new(Channel {
            tsfn: Mutex::new(None),
        });
        let name = env.string("threadkit.parkAsync");
        let mut tsfn = ptr::null_mut();
        let finalize_data = Arc::into_raw(channel.clone()) as *mut c_void;
        // SAFETY: no JS function (call_js does the work); `finalize_data` is released in `closed`.
        let status = unsafe {
            napi_create_threadsafe_function(
                env.0,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                finalize_data,
                Some(closed),
                deliver as *mut c_void,
                Some(call_js),
                &mut tsfn,
            )
        };
        if status != NAPI_OK {
            // SAFETY: the finalizer will never run; take back its reference.
            unsafe { drop(Arc::from_raw(finalize_data as *const Channel)) };
            return Err(format!(
                "threadkit: cannot create a threadsafe function (status {status})"
            ));
        }
        // SAFETY: a live threadsafe function of this environment, on its JS thread.
        unsafe { napi_unref_threadsafe_function(env.0, tsfn) };
        *channel.tsfn.lock().unwrap_or_else(|e| e.into_inner()) = Some(Tsfn(tsfn));
        Ok(channel)
    }

    /// Makes the channel keep the event loop alive (JS thread only).
    pub fn hold(&self, env: Env) {
        if let Some(t) = &*self.tsfn.lock().unwrap_or_else(|e| e.into_inner()) {
            // SAFETY: live, and called on its JS thread.
            unsafe { napi_ref_threadsafe_function(env.0, t.0) };
        }
    }

    /// Lets the event loop end despite the channel (JS thread only).
    pub fn release(&self, env: Env) {
        if let Some(t) = &*self.tsfn.lock().unwrap_or_else(|e| e.into_inner()) {
            // SAFETY: as above.
            unsafe { napi_unref_threadsafe_function(env.0, t.0) };
        }
    }
}

impl Notify for Channel {
    fn notify(&self, id: u64, outcome: Outcome) {
        let guard = self.tsfn.lock().unwrap_or_else(|e| e.into_inner());
        let Some(t) = &*guard else { return };
        let data = Box::into_raw(Box::new((id, outcome))) as *mut c_void;
        // SAFETY: the lock keeps the function alive (its finalizer clears it under the same lock).
        if unsafe { napi_call_threadsafe_function(t.0, data, NAPI_TSFN_NONBLOCKING) } != NAPI_OK {
            // SAFETY: not queued, so still ours.
            unsafe { drop(Box::from_raw(data as *mut (u64, Outcome))) };
        }
    }
}

unsafe extern "C" fn call_js(
    env: napi_env,
    _js_callback: napi_value,
    context: *mut c_void,
    data: *mut c_void,
) {
    let (id, outcome) = *Box::from_raw(data as *mut (u64, Outcome));
    if !env.is_null() {
        let deliver: Deliver = std::mem::transmute::<*mut c_void, Deliver>(context);
        deliver(Env(env), id, outcome);
    }
}

unsafe extern "C" fn closed(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    let channel = Arc::from_raw(data as *const Channel);
    *channel.tsfn.lock().unwrap_or_else(|e| e.into_inner()) = None;
}
