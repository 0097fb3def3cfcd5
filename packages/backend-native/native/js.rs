//! The thin unsafe layer over Node-API: reading a call's arguments, making JS values,
//! promises, throwing. Everything else in the crate is safe Rust over these helpers.
//! All of it runs on the JS thread of the environment it is given.

use crate::napi_sys::*;
use std::os::raw::{c_char, c_void};
use std::ptr;

/// A Node-API environment (one per JS thread that loaded the addon).
#[derive(Clone, Copy)]
pub struct Env(pub napi_env);

/// A pending promise's resolver.
pub struct Deferred(napi_deferred);

/// A native function callable from JS: reads its call, returns a value or an error message
/// (thrown as a RangeError).
pub type Method = fn(&Call) -> Result<napi_value, String>;

/// One call from JS into the addon: its environment and arguments.
pub struct Call {
    env: Env,
    argc: usize,
    argv: [napi_value; 4],
}

fn check(status: napi_status, what: &str) -> Result<(), String> {
    if status == NAPI_OK {
        Ok(())
    } else {
        Err(format!(
            "threadkit: Node-API {what} failed (status {status})"
        ))
    }
}

impl Call {
    /// The environment of this call.
    pub fn env(&self) -> Env {
        self.env
    }

    fn arg(&self, index: usize) -> Result<napi_value, String> {
        if index < self.argc {
            Ok(self.argv[index])
        } else {
            Err(format!(
                "threadkit: native call is missing argument {index}"
            ))
        }
    }

    /// Argument `index` as a number.
    pub fn number(&self, index: usize) -> Result<f64, String> {
        let mut out = 0.0;
        // SAFETY: a live value of this call's environment.
        check(
            unsafe { napi_get_value_double(self.env.0, self.arg(index)?, &mut out) },
            "get_value_double",
        )?;
        Ok(out)
    }

    /// Argument `index` as a boolean.
    pub fn boolean(&self, index: usize) -> Result<bool, String> {
        let mut out = false;
        // SAFETY: as above.
        check(
            unsafe { napi_get_value_bool(self.env.0, self.arg(index)?, &mut out) },
            "get_value_bool",
        )?;
        Ok(out)
    }

    /// Argument `index` as an Int32Array: its data pointer and length in bytes.
    pub fn int32_array(&self, index: usize) -> Result<(*mut u8, usize), String> {
        let (mut kind, mut length, mut data, mut offset) =
            (0, 0usize, ptr::null_mut::<c_void>(), 0usize);
        // SAFETY: as above; Node reports the view's data pointer and element count.
        let status = unsafe {
            napi_get_typedarray_info(
                self.env.0,
                self.arg(index)?,
                &mut kind,
                &mut length,
                &mut data,
                ptr::null_mut(),
                &mut offset,
            )
        };
        check(status, "get_typedarray_info")?;
        if kind != NAPI_INT32_ARRAY || data.is_null() {
            return Err("threadkit: expected an Int32Array over the shared heap".into());
        }
        Ok((data as *mut u8, length * 4))
    }
}

impl Env {
    /// A JS number.
    pub fn number(self, value: f64) -> napi_value {
        let mut out = ptr::null_mut();
        // SAFETY: creating a primitive in a live environment.
        unsafe { napi_create_double(self.0, value, &mut out) };
        out
    }

    /// `undefined`.
    pub fn undefined(self) -> napi_value {
        let mut out = ptr::null_mut();
        // SAFETY: as above.
        unsafe { napi_get_undefined(self.0, &mut out) };
        out
    }

    /// A JS string.
    pub fn string(self, value: &str) -> napi_value {
        let mut out = ptr::null_mut();
        // SAFETY: the bytes are valid UTF-8 of the given length.
        unsafe {
            napi_create_string_utf8(
                self.0,
                value.as_ptr() as *const c_char,
                value.len(),
                &mut out,
            )
        };
        out
    }

    /// A new promise and its resolver.
    pub fn promise(self) -> Result<(Deferred, napi_value), String> {
        let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: as above.
        check(
            unsafe { napi_create_promise(self.0, &mut deferred, &mut promise) },
            "create_promise",
        )?;
        Ok((Deferred(deferred), promise))
    }

    /// Resolves a promise made by [`Env::promise`] in this environment.
    pub fn resolve(self, deferred: Deferred, value: napi_value) {
        // SAFETY: the deferred belongs to this environment and is resolved once (it is consumed).
        unsafe { napi_resolve_deferred(self.0, deferred.0, value) };
    }

    /// Throws a RangeError with `message`; returns the null value a native method then returns.
    pub fn throw_range(self, message: &str) -> napi_value {
        let text = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
        // SAFETY: NUL-terminated message; a null code is allowed.
        unsafe { napi_throw_range_error(self.0, ptr::null(), text.as_ptr()) };
        ptr::null_mut()
    }

    /// Sets `exports[name]` to a JS function that runs `method`.
    pub fn export(self, exports: napi_value, name: &str, method: Method) -> Result<(), String> {
        let mut function = ptr::null_mut();
        // SAFETY: the method pointer is passed as the function's data and read back by `trampoline`.
        let status = unsafe {
            napi_create_function(
                self.0,
                name.as_ptr() as *const c_char,
                name.len(),
                Some(trampoline),
                method as *mut c_void,
                &mut function,
            )
        };
        check(status, "create_function")?;
        let cname = std::ffi::CString::new(name).map_err(|e| e.to_string())?;
        // SAFETY: live values, NUL-terminated name.
        check(
            unsafe { napi_set_named_property(self.0, exports, cname.as_ptr(), function) },
            "set_named_property",
        )
    }
}

unsafe extern "C" fn trampoline(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut call = Call {
        env: Env(env),
        argc: 4,
        argv: [ptr::null_mut(); 4],
    };
    let mut data = ptr::null_mut();
    if napi_get_cb_info(
        env,
        info,
        &mut call.argc,
        call.argv.as_mut_ptr(),
        ptr::null_mut(),
        &mut data,
    ) != NAPI_OK
    {
        return Env(env).throw_range("threadkit: cannot read the arguments of a native call");
    }
    call.argc = call.argc.min(4);
    // SAFETY: `data` is the `Method` pointer given to napi_create_function in `Env::export`.
    let method: Method = std::mem::transmute::<*mut c_void, Method>(data);
    match method(&call) {
        Ok(value) => value,
        Err(message) => Env(env).throw_range(&message),
    }
}
