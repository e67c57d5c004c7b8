//! Gives the shared library a SONAME on Linux, `libatlscim.so.MAJOR` (`libatlscim.so.0` while the
//! version is 0.x), so that programs linked against it ask for the ABI they were built with. The
//! C tarball (`make dist`) ships the real file as `libatlscim.so.MAJOR.MINOR.PATCH` with the
//! `.so.MAJOR` and `.so` symlinks. Only the cdylib gets the flag: the static library and the rlib
//! have no SONAME.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libatlscim.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
