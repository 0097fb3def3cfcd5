//! Link settings for the addon: the Node-API symbols are resolved against the `node`
//! executable at load time. Linux and other ELF systems allow a shared library's undefined
//! symbols by default; macOS's linker must be told to look them up dynamically.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }
}
