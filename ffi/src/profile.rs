//! Profiles: built once from a config, then shared by any number of threads to check requests.

use std::ffi::c_char;

use atlscim_core::{Body, Profile, Report, Request};
use serde_json::Value;

use crate::boundary::{
    atlscim_error, atlscim_status, call, free_box, guard, optional, optional_json, out_param, out_ref, text,
};
use crate::bytes::{atlscim_bytes, bytes_out};
use crate::report::atlscim_report;

/// An immutable, compiled rule set (`atlassian` or `rfc`, with its config).
///
/// Made by `atlscim_profile_new`, `atlscim_profile_atlassian` or `atlscim_profile_rfc`; freed
/// with `atlscim_profile_free`. Nothing changes a profile once built, so one profile may be used
/// by any number of threads at once.
#[derive(Debug)]
pub struct atlscim_profile {
    pub(crate) profile: Profile,
}

impl atlscim_profile {
    fn into_raw(profile: Profile) -> *mut atlscim_profile {
        Box::into_raw(Box::new(atlscim_profile { profile }))
    }
}

/// One SCIM request as a connector is about to send it. Each input is a pointer and a length in
/// bytes: no NUL terminator is needed, and none is read.
///
/// - `method` (e.g. "POST") and `path` (with any query string, e.g. "/Users" or
///   "/Groups/9f1c?excludedAttributes=members") are UTF-8 text; NULL with length 0 is the empty
///   text (which the report then calls invalid).
/// - `body` is the JSON text to send. NULL means no body (GET, DELETE). A body that is not JSON,
///   or not UTF-8, is not a failed call: the report says why the request is invalid.
/// - `current` is the resource as Atlassian holds it now, as JSON text, or NULL when unknown.
///   Some rules need it (a PUT that would clear attributes, a group rename).
///
/// A zero-initialized struct is a request with every field empty or absent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct atlscim_request {
    pub method: *const c_char,
    pub method_len: usize,
    pub path: *const c_char,
    pub path_len: usize,
    pub body: *const c_char,
    pub body_len: usize,
    pub current: *const c_char,
    pub current_len: usize,
}

/// Builds a profile from config JSON text (`config_len` bytes, UTF-8), the same config every
/// binding takes, e.g. `{"profile": "atlassian", "verified_domains": ["example.com"]}`;
/// `{}` is the `atlassian` profile with its defaults. Unknown keys are an error.
///
/// Returns `ATLSCIM_STATUS_OK` and sets `*out`, or `ATLSCIM_STATUS_INVALID_CONFIG` (the error's key
/// names the config key at fault), `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`.
///
/// Ownership: `config` stays the caller's and is not kept. On success the caller owns `*out` and
/// frees it with `atlscim_profile_free`; on failure `*out` is NULL. If `err` is not NULL, `*err` is
/// set to NULL on success and to a new error (free it with `atlscim_error_free`) on failure.
/// NULL: `out` must not be NULL; `config` may be NULL only with `config_len` 0 (empty text,
/// which is not a valid config); `err` may be NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_new(
    config: *const c_char,
    config_len: usize,
    out: *mut *mut atlscim_profile,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or writable pointers (see above).
    let (out, err) = unsafe { (out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        // SAFETY: the caller vouches for `config_len` bytes at `config`.
        let config = unsafe { text(config, config_len, "config") }?;
        let profile = Profile::from_config_json(config).map_err(atlscim_error::config)?;
        *out = atlscim_profile::into_raw(profile);
        Ok(())
    })
}

/// The `atlassian` profile with its defaults (RFC 7643/7644 plus Atlassian's rules; lenient;
/// no verified domains): the same as `atlscim_profile_new` with `{}`.
///
/// Ownership: the caller owns the result and frees it with `atlscim_profile_free`.
/// NULL: returns NULL only if atlscim panicked (a bug).
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn atlscim_profile_atlassian() -> *mut atlscim_profile {
    guard(std::ptr::null_mut(), || atlscim_profile::into_raw(Profile::atlassian()))
}

/// The `rfc` profile with its defaults (RFC 7643/7644 alone; lenient): the same as
/// `atlscim_profile_new` with `{"profile": "rfc"}`.
///
/// Ownership: the caller owns the result and frees it with `atlscim_profile_free`.
/// NULL: returns NULL only if atlscim panicked (a bug).
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn atlscim_profile_rfc() -> *mut atlscim_profile {
    guard(std::ptr::null_mut(), || atlscim_profile::into_raw(Profile::rfc()))
}

/// The config a profile was built from, in canonical form (every key, defaults filled in), as
/// JSON text: what to log to say which rules a check used.
///
/// Ownership: `profile` stays the caller's. On success the caller owns `*out` and frees it with
/// `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for `atlscim_profile_new`.
/// NULL: `profile` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: safe to call from any thread, also on the same profile at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_config_json(
    profile: *const atlscim_profile,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (profile, out, err) = unsafe { (profile.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let profile = profile.ok_or_else(|| atlscim_error::null("profile"))?;
        *out = atlscim_bytes::new(profile.profile.to_config().to_string());
        Ok(())
    })
}

/// Checks one request and says what Atlassian would answer, in a new report.
///
/// Returns `ATLSCIM_STATUS_OK` whenever a report was made, whether the request is valid or not:
/// ask the report (`atlscim_report_valid`). Fails only on a NULL pointer
/// (`ATLSCIM_STATUS_NULL_PARAMETER`), a method or path that is not UTF-8
/// (`ATLSCIM_STATUS_INVALID_UTF8`), a length over `PTRDIFF_MAX` (`ATLSCIM_STATUS_INVALID_LENGTH`)
/// or a `current` that is not JSON (`ATLSCIM_STATUS_INVALID_JSON`).
///
/// Ownership: `profile` and `request` (and the text it points to) stay the caller's and are not
/// kept; the report holds its own copy of the body. On success the caller owns `*out` and frees it
/// with `atlscim_report_free`; on failure `*out` is NULL. `err` as for `atlscim_profile_new`.
/// NULL: `profile`, `request` and `out` must not be NULL; inside `request`, see
/// `atlscim_request`; `err` may be NULL.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_check(
    profile: *const atlscim_profile,
    request: *const atlscim_request,
    out: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { check_into(profile, request, out, err, atlscim_report::into_raw) }
}

/// Checks a request and makes its report with `make` (given the report and the body).
///
/// # Safety
///
/// As `atlscim_profile_check`'s caller vouches.
unsafe fn check_into(
    profile: *const atlscim_profile,
    request: *const atlscim_request,
    out: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
    make: impl FnOnce(Report, Option<&[u8]>) -> *mut atlscim_report,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (profile, request, out, err) = unsafe { (profile.as_ref(), request.as_ref(), out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        let profile = &profile.ok_or_else(|| atlscim_error::null("profile"))?.profile;
        let r = request.ok_or_else(|| atlscim_error::null("request"))?;
        // SAFETY: the caller vouches for each pointer and length in the request.
        let parts = unsafe { RequestParts::read(r) }?;
        *out = make(profile.check(&parts.request()), parts.body);
        Ok(())
    })
}

/// Checks one request as `atlscim_profile_check` does, in a report that keeps no copy of the
/// body: for a caller that holds the body anyway (and sends it, or `atlscim_report_normalize`
/// of it when `atlscim_report_changes_body`). Every report function works on it except the two
/// that write the normalized body from the report's copy, `atlscim_report_normalized_json` and
/// `atlscim_report_to_json`, which fail with `ATLSCIM_STATUS_INVALID_ARGUMENT`.
///
/// Returns, ownership, NULL and threads: as for `atlscim_profile_check`, except that nothing of
/// the request is copied into the report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_check_verdict(
    profile: *const atlscim_profile,
    request: *const atlscim_request,
    out: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { check_into(profile, request, out, err, |report, _| atlscim_report::verdict_into_raw(report)) }
}

/// The inputs of an `atlscim_request`, read and checked.
pub(crate) struct RequestParts<'a> {
    method: &'a str,
    path: &'a str,
    pub(crate) body: Option<&'a [u8]>,
    current: Option<Value>,
}

impl<'a> RequestParts<'a> {
    /// # Safety
    ///
    /// Each pointer and length in `r` is as `atlscim_request` says.
    pub(crate) unsafe fn read(r: &atlscim_request) -> Result<RequestParts<'a>, atlscim_error> {
        // SAFETY: passed on from the caller.
        unsafe {
            Ok(RequestParts {
                method: text(r.method, r.method_len, "method")?,
                path: text(r.path, r.path_len, "path")?,
                body: optional(r.body, r.body_len, "body")?,
                current: optional_json(r.current, r.current_len, "current")?,
            })
        }
    }

    pub(crate) fn request(&self) -> Request<'_> {
        Request {
            method: self.method,
            path: self.path,
            body: self.body.map(Body::Json),
            current: self.current.as_ref(),
        }
    }
}

/// Frees a profile.
///
/// Ownership: takes `profile` back; it must not be used afterwards, nor freed twice. Reports
/// made with it stay valid (they do not refer to it).
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `profile`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_free(profile: *mut atlscim_profile) {
    // SAFETY: a non-NULL profile came from Box::into_raw above, and is freed once.
    unsafe { free_box(profile) }
}
