//! The C ABI of atlscim: `libatlscim.a` / `libatlscim.so` and the committed header
//! `include/atlscim.h`, which cbindgen generates from this crate.
//!
//! The model is the core's: build an immutable [`profile`](crate::profile) once from a config,
//! check requests with it from any number of threads, and read each [`report`](crate::report)
//! through accessors or as the report JSON every binding shares. The rest of the core is here too,
//! JSON text in and out: [`patch`] (apply a PatchOp, compute one), [`filter`] (parse, print,
//! match), [`batch`] (a directory sync checked in order), [`response`] (what Atlassian's answer
//! means), [`mapping`] (identity-provider records to SCIM, and the normalizers) and [`sync`] (a
//! plan of the whole directory change, and the sans-IO executor that carries it out). This crate
//! holds no SCIM logic; it converts at the edge and calls `atlscim-core`.
//!
//! API conventions (also at the top of the header, and in ffi/README.md):
//!
//! - Names are `atlscim_<type>_<verb>`; handles are opaque; `*_new` / `*_free` pair up, and every
//!   `*_free` accepts NULL. A `const` handle argument is not changed by the call.
//! - Inputs are a pointer and a length in bytes (UTF-8, no NUL needed). Owned text comes back as
//!   `atlscim_bytes`, freed with `atlscim_bytes_free`; borrowed views (`atlscim_str`, issues)
//!   are valid for the life of the handle they came from.
//! - Every fallible call returns an `atlscim_status` (0 is OK; numbers are fixed for ever) and,
//!   if asked through an optional `atlscim_error **`, a new error object. There is no
//!   thread-local "last error": Go moves goroutines between OS threads.
//! - No panic crosses the boundary: every entry point catches it ([`boundary`]) and returns
//!   `ATLSCIM_STATUS_PANIC`. This needs `panic = "unwind"` (the default) in the build profile.
//!   Running out of memory still aborts, as it does in Rust.
//! - Profiles, reports and filters are immutable: share them between threads freely, but free
//!   each one once, when no other thread is using it. So are plans. A batch and a sync executor
//!   are sequences: one thread at a time.
//! - Where a failure is a verdict with no report to carry it (a PATCH that cannot be applied, a
//!   filter that does not parse), the status says so and the error carries the rule, the HTTP
//!   status and the scimType a server would answer.

// The C names are the Rust names, so that the header and this source read the same.
#![allow(non_camel_case_types)]
// Every entry point's doc comment states its pointer rules under "Ownership", "NULL" and
// "Threads", which is what a `# Safety` section would hold; those docs are what C users read in
// the header, where a Rust heading would be out of place.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;

pub mod batch;
pub mod boundary;
pub mod bytes;
pub mod filter;
pub mod mapping;
pub mod patch;
pub mod profile;
pub mod report;
pub mod response;
pub mod sync;

use boundary::{atlscim_error, atlscim_status, call, out_ref};
use bytes::{atlscim_bytes, bytes_out, write_json};

/// The library version's major number. The version macros are the version the header was
/// generated for (`ATLSCIM_VERSION` is "MAJOR.MINOR.PATCH"); `atlscim_version()` is the version
/// of the library linked in. A test holds them to Cargo.toml.
pub const ATLSCIM_VERSION_MAJOR: u32 = 0;
/// The library version's minor number.
pub const ATLSCIM_VERSION_MINOR: u32 = 2;
/// The library version's patch number.
pub const ATLSCIM_VERSION_PATCH: u32 = 0;

/// The version of the library linked in, e.g. "0.2.0" (the crate version in Cargo.toml).
/// Compare it with the `ATLSCIM_VERSION` macro to catch a header and library that do not belong together.
///
/// Ownership: returns a static NUL-terminated string; never free it.
/// NULL: never returns NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn atlscim_version() -> *const c_char {
    let version = concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast();
    boundary::guard(version, || version)
}

/// Every rule atlscim enforces, as a JSON array of `{"id", "severity", "status", "scimType",
/// "statusInferred", "summary", "source", "example", "advice"}` in id order: what `atlscim rules`
/// prints (`statusInferred`: Atlassian does not document the status; RFC 7644's is given).
///
/// Ownership: on success the caller owns `*out` and frees it with `atlscim_bytes_free`; on failure
/// `*out` is `{NULL, 0}`. If `err` is not NULL, `*err` is set to NULL on success and to a new
/// error (free it with `atlscim_error_free`) on failure.
/// NULL: `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_rules_json(out: *mut atlscim_bytes, err: *mut *mut atlscim_error) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (out, err) = unsafe { (out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        write_json(out, atlscim_core::RULES);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn version_macros_match_cargo_toml() {
        let number = |s: &str| s.parse::<u32>().expect("a version number");
        assert_eq!(ATLSCIM_VERSION_MAJOR, number(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(ATLSCIM_VERSION_MINOR, number(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(ATLSCIM_VERSION_PATCH, number(env!("CARGO_PKG_VERSION_PATCH")));
        // The header spells ATLSCIM_VERSION from the three numbers (cbindgen cannot export a string
        // constant), so a pre-release part would need adding there first.
        assert_eq!(env!("CARGO_PKG_VERSION_PRE"), "", "ATLSCIM_VERSION has no pre-release part");
        let text = format!("{ATLSCIM_VERSION_MAJOR}.{ATLSCIM_VERSION_MINOR}.{ATLSCIM_VERSION_PATCH}");
        assert_eq!(text, env!("CARGO_PKG_VERSION"));
        assert_eq!(text, atlscim_core::VERSION);
        // SAFETY: atlscim_version returns a static C string.
        let linked = unsafe { CStr::from_ptr(atlscim_version()) };
        assert_eq!(linked.to_str(), Ok(text.as_str()));
    }
}
