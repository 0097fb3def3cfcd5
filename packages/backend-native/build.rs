//! Link settings for the addon: the Node-API symbols are resolved against the executable that
//! loads it (`node`, or any host that embeds Node-API). Linux and other ELF systems allow a shared
//! library's undefined symbols by default; macOS's linker must be told to look them up
//! dynamically; Windows links only against an import library, which this script makes.
//!
//! Windows: the `napi_*` names the crate declares (`native/napi_sys.rs`) go into a module
//! definition file for `node.exe`, from which the toolchain's librarian makes the import library
//! (MSVC: `lib.exe /def`; GNU: `dlltool`). On MSVC the addon delay-loads `node.exe`, and its
//! delay-load hook (`native/win_delay_load.rs`) binds those imports to the process's own
//! executable, whatever its name — as node-gyp's `win_delay_load_hook.cc` does. Written from the
//! toolchains' documentation; threadkit's CI (Linux only) runs just the definition-file step.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=native/napi_sys.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Written on every platform, so a Linux build checks that the declarations parse.
    let def = write_node_def(&out);
    match std::env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("macos") => {
            println!("cargo:rustc-cdylib-link-arg=-undefined");
            println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
        }
        Ok("windows") => link_node_import_library(&out, &def),
        _ => {}
    }
}

/// The Node-API functions the crate declares: every `fn napi_…(` in the `extern "C"` block of
/// `native/napi_sys.rs`, sorted.
fn declared_napi_functions() -> Vec<String> {
    let source = fs::read_to_string("native/napi_sys.rs").expect("native/napi_sys.rs");
    let mut names: Vec<String> = source
        .split("fn ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .map(str::trim)
        .filter(|name| name.starts_with("napi_") && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(String::from)
        .collect();
    names.sort();
    names.dedup();
    assert!(!names.is_empty(), "no napi_* functions found in native/napi_sys.rs");
    names
}

/// Writes `node.def` (the module definition of the Node-API exports of `node.exe`) to `out`.
fn write_node_def(out: &Path) -> PathBuf {
    let mut def = String::from("LIBRARY node.exe\nEXPORTS\n");
    for name in declared_napi_functions() {
        def.push_str("    ");
        def.push_str(&name);
        def.push('\n');
    }
    let path = out.join("node.def");
    fs::write(&path, def).expect("write node.def");
    path
}

/// Makes the import library for `node.exe` from `def` and links the addon against it.
fn link_node_import_library(out: &Path, def: &Path) {
    let msvc = std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("msvc");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let status = if msvc {
        let machine = match arch.as_str() {
            "x86_64" => "X64",
            "aarch64" => "ARM64",
            "x86" => "X86",
            other => panic!("threadkit-native: no lib.exe machine for Windows on {other}"),
        };
        Command::new("lib.exe")
            .arg(format!("/DEF:{}", def.display()))
            .arg(format!("/OUT:{}", out.join("node.lib").display()))
            .arg(format!("/MACHINE:{machine}"))
            .arg("/NOLOGO")
            .status()
    } else {
        let machine = match arch.as_str() {
            "x86_64" => "i386:x86-64",
            "x86" => "i386",
            "aarch64" => "arm64",
            other => panic!("threadkit-native: no dlltool machine for Windows on {other}"),
        };
        Command::new("dlltool")
            .args(["-d", &def.display().to_string(), "-l", &out.join("libnode.a").display().to_string(), "-m", machine])
            .status()
    };
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("threadkit-native: making node.exe's import library failed ({s})"),
        Err(e) => panic!(
            "threadkit-native: cannot run {} to make node.exe's import library ({e}); build from a Visual Studio developer prompt (MSVC) or with MinGW's binutils on PATH",
            if msvc { "lib.exe" } else { "dlltool" }
        ),
    }
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=dylib=node");
    if msvc {
        println!("cargo:rustc-cdylib-link-arg=/DELAYLOAD:node.exe");
        println!("cargo:rustc-link-lib=delayimp");
    }
}
