//! Windows (MSVC): the addon's imports from `node.exe` are delay-loaded (build.rs), and this hook
//! answers the loader's "load node.exe" with the process's own executable, so the addon binds to
//! whichever program loaded it (node.exe under another name, an embedder) instead of loading a
//! second copy of Node. The hook is the variable the MSVC delay-load helper reads
//! (`__pfnDliNotifyHook2`, `delayimp.h`), as in node-gyp's `win_delay_load_hook.cc`.
//!
//! Not compiled for its target on threadkit's CI (Linux only); `--cfg threadkit_check_all`
//! type-checks it there.
#![cfg_attr(not(all(windows, target_env = "msvc")), allow(dead_code))]

use std::os::raw::{c_char, c_void};

/// `dliNotePreLoadLibrary`: the helper is about to load a DLL; a non-null answer is its handle.
const DLI_NOTE_PRE_LOAD_LIBRARY: u32 = 1;

/// `DelayLoadInfo` (`delayimp.h`), up to the field the hook reads.
#[repr(C)]
pub struct DelayLoadInfo {
    cb: u32,
    pidd: *const c_void,
    ppfn: *mut *const c_void,
    sz_dll: *const c_char,
}

extern "system" {
    fn GetModuleHandleW(module_name: *const u16) -> *mut c_void;
}

/// The hook: for `node.exe`, the executable this process runs; anything else, the default.
unsafe extern "system" fn hook(notify: u32, info: *const DelayLoadInfo) -> *mut c_void {
    if notify != DLI_NOTE_PRE_LOAD_LIBRARY || info.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: the helper passes a valid DelayLoadInfo whose szDll is a NUL-terminated name.
    let dll = std::ffi::CStr::from_ptr((*info).sz_dll);
    if dll.to_bytes().eq_ignore_ascii_case(b"node.exe") {
        // SAFETY: a null name asks for the process's executable module; it cannot fail.
        GetModuleHandleW(std::ptr::null())
    } else {
        std::ptr::null_mut()
    }
}

/// The delay-load helper's notification hook.
#[cfg(all(windows, target_env = "msvc"))]
#[no_mangle]
pub static __pfnDliNotifyHook2: unsafe extern "system" fn(u32, *const DelayLoadInfo) -> *mut c_void = hook;

/// Under `--cfg threadkit_check_all` elsewhere: the same item, unexported, so the hook's type is checked.
#[cfg(not(all(windows, target_env = "msvc")))]
pub static DELAY_LOAD_HOOK: unsafe extern "system" fn(u32, *const DelayLoadInfo) -> *mut c_void = hook;
