//! Gives the shared library a versioned SONAME (`libcasebook.so.0` for
//! 0.x releases) so programs record the ABI generation they were linked
//! against, like any system library; `make install` creates the links.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        target_os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcasebook.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
