//! threadkit's native backend addon: parking on the shared heap's cells in native code (the
//! futex on Linux, the ulock on macOS, std's thread parking elsewhere), async waits served off the JS thread, the
//! core lock's contended path and the heap allocator. Plain Node-API, no dependencies.

mod allocator;
mod async_park;
mod bins;
mod channel;
mod core_lock;
mod exports;
mod heap;
mod js;
mod layout;
mod napi_sys;
mod park;
#[cfg(unix)]
mod signals;
#[cfg(target_os = "linux")]
mod sys_futex;
#[cfg(any(test, threadkit_check_all, not(any(target_os = "linux", target_os = "macos"))))]
mod sys_portable;
#[cfg(any(target_os = "macos", threadkit_check_all))]
mod sys_ulock;
mod thread_state;
mod timers;
#[cfg(any(all(windows, target_env = "msvc"), threadkit_check_all))]
mod win_delay_load;

use napi_sys::{napi_env, napi_value};

/// The module's entry, called by Node in each JS thread that loads the addon.
///
/// # Safety
/// Called by Node with a live environment and exports object.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    let env = js::Env(env);
    match exports::register(env, exports) {
        Ok(()) => exports,
        Err(message) => env.throw_range(&message),
    }
}

/// The Node-API version the addon is built against (8: Node 12.22+, every supported Node).
#[no_mangle]
pub extern "C" fn node_api_module_get_api_version_v1() -> i32 {
    8
}
