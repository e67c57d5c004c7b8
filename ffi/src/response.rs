//! Atlassian's answers: what a connector should do with a response (retry, wait, give up).

use std::borrow::Cow;
use std::ffi::c_char;

use atlscim_core::{Profile, Response, classify_response};

use crate::boundary::{atlscim_error, atlscim_status, call, optional, out_ref};
use crate::bytes::{atlscim_bytes, bytes_out, write_json};
use crate::profile::atlscim_profile;

/// One response header: a name and a value, each a pointer and a length in bytes (no NUL
/// needed). A pointer may be NULL only when its length is 0.
///
/// Bytes that are not UTF-8 (HTTP allows them in values) are read as U+FFFD: the headers atlscim
/// reads (`Retry-After`, `X-RateLimit-Reset`) never hold any, and the others are not read.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct atlscim_header {
    pub name: *const c_char,
    pub name_len: usize,
    pub value: *const c_char,
    pub value_len: usize,
}

/// Reads an HTTP answer from Atlassian and says what it means to a connector, as JSON text in
/// `*out`: `{"status", "kind", "retryable", "retryAfter", "retryAfterClamped", "scimType",
/// "detail", "traceId", "rule"}`.
///
/// - `kind`: `success`, `rate_limited`, `server_error`, `credential_rejected`, `not_found`, `conflict`,
///   `scim_error` or `unexpected`; `retryable` is true for the first two failures.
/// - `retryAfter`: seconds to wait before retrying (from `Retry-After` or `X-RateLimit-Reset`,
///   the longer when both are sent), or null; never more than one day (the default
///   `limits.max_retry_after`; `atlscim_profile_classify_response` takes a profile's), and then
///   `retryAfterClamped` is true.
/// - `scimType`, `detail`, `traceId`: read from any of Atlassian's three body shapes, or null.
/// - `rule`: the id of the rule the answer corresponds to, or null.
///
/// The body may be anything (empty, HTML, truncated JSON): it is never an error. `now` is the
/// current time in seconds since the Unix epoch, used for absolute reset times; pass a negative
/// number (or NaN) to read the system clock.
///
/// Ownership: `body` and `headers` (and the text they point to) stay the caller's and are not
/// kept. On success the caller owns `*out` and frees it with `atlscim_bytes_free`; on failure
/// `*out` is `{NULL, 0}`. If `err` is not NULL, `*err` is set to NULL on success and to a new
/// error (free it with `atlscim_error_free`) on failure.
/// NULL: `out` must not be NULL; `body` may be NULL only with `body_len` 0; `headers` may be NULL
/// only with `header_count` 0; `err` may be NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_response_classify(
    status: u16,
    body: *const c_char,
    body_len: usize,
    headers: *const atlscim_header,
    header_count: usize,
    now: f64,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above), as to this function.
    unsafe { classify(None, status, body, body_len, headers, header_count, now, out, err) }
}

/// Classifies an answer as `atlscim_response_classify` does, with the profile's maximum wait
/// (config `limits.max_retry_after`).
///
/// Ownership, NULL and threads: as for `atlscim_response_classify`; `profile` must not be NULL
/// and stays the caller's. Safe to call with the same profile from many threads at once.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the C call's inputs, as atlscim_response_classify's
pub unsafe extern "C" fn atlscim_profile_classify_response(
    profile: *const atlscim_profile,
    status: u16,
    body: *const c_char,
    body_len: usize,
    headers: *const atlscim_header,
    header_count: usize,
    now: f64,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see atlscim_response_classify).
    unsafe { classify(Some(profile), status, body, body_len, headers, header_count, now, out, err) }
}

/// The body of both classify calls: `Some(profile)` (which must not be NULL) gives the maximum
/// wait, `None` the default one.
///
/// # Safety
///
/// As for `atlscim_response_classify`; a profile pointer is NULL or a live profile.
#[allow(clippy::too_many_arguments)]
unsafe fn classify(
    profile: Option<*const atlscim_profile>,
    status: u16,
    body: *const c_char,
    body_len: usize,
    headers: *const atlscim_header,
    header_count: usize,
    now: f64,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    let (out, err) = unsafe { (out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let profile: Option<&Profile> = match profile {
            None => None,
            // SAFETY: the caller passes NULL or a live profile.
            Some(p) => Some(&unsafe { p.as_ref() }.ok_or_else(|| atlscim_error::null("profile"))?.profile),
        };
        // SAFETY: the caller vouches for `body_len` bytes at `body`.
        let body = unsafe { optional(body, body_len, "body") }?.unwrap_or_default();
        // SAFETY: the caller vouches for `header_count` headers at `headers`.
        let headers = unsafe { header_array(headers, header_count) }?;
        let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(headers.len());
        for h in headers {
            // SAFETY: the caller vouches for each header's pointers and lengths.
            let (name, value) = unsafe {
                (
                    optional(h.name, h.name_len, "header name")?.unwrap_or_default(),
                    optional(h.value, h.value_len, "header value")?.unwrap_or_default(),
                )
            };
            pairs.push((String::from_utf8_lossy(name), String::from_utf8_lossy(value)));
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_ref(), v.as_ref())).collect();
        let now = (now >= 0.0).then_some(now);
        let response: Response = match profile {
            Some(p) => p.classify_response(status, body, &pairs, now),
            None => classify_response(status, body, &pairs, now),
        };
        write_json(out, &response.to_json());
        Ok(())
    })
}

/// Borrows the caller's array of headers; NULL is no headers only when `count` is 0.
///
/// # Safety
///
/// Unless NULL, `headers` points to `count` headers that nothing changes during the call.
pub(crate) unsafe fn header_array<'a>(
    headers: *const atlscim_header,
    count: usize,
) -> Result<&'a [atlscim_header], atlscim_error> {
    if headers.is_null() {
        return if count == 0 { Ok(&[]) } else { Err(atlscim_error::null("headers")) };
    }
    if count > isize::MAX as usize / size_of::<atlscim_header>() {
        return Err(atlscim_error::new(
            atlscim_status::InvalidLength,
            format!("header_count is {count}, more than any array can hold"),
        ));
    }
    // SAFETY: non-NULL, a size that fits an allocation, and the caller vouches for the headers.
    Ok(unsafe { std::slice::from_raw_parts(headers, count) })
}

/// Where a SCIM API key stands (`atlscim_key_expiry`). Numbers are fixed, like the statuses'.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum atlscim_key_state {
    /// More than the warning window left.
    Valid = 1,
    /// Within the warning window: regenerate the key and update the connector.
    ExpiresSoon = 2,
    /// Past its expiry: Atlassian answers 401 (`credential_rejected`).
    Expired = 3,
}

/// Whether a SCIM API key that expires at `expires_at` is still good at `now` (both Unix seconds;
/// Atlassian's keys expire one year after creation), warning `warn_days` days before. When
/// `days_left` is not NULL it receives the whole days left (0 on the last day, negative once
/// expired). The library reads no clock: the caller passes `now`.
///
/// Ownership: nothing is allocated. NULL: `days_left` may be NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_key_expiry(
    expires_at: i64,
    now: i64,
    warn_days: u32,
    days_left: *mut i64,
) -> atlscim_key_state {
    let k = atlscim_core::key_expiry(expires_at, now, warn_days);
    // SAFETY: the caller passes NULL or a pointer to an i64 it owns.
    if let Some(out) = unsafe { days_left.as_mut() } {
        *out = k.days_left;
    }
    match k.state {
        atlscim_core::KeyState::Valid => atlscim_key_state::Valid,
        atlscim_core::KeyState::ExpiresSoon => atlscim_key_state::ExpiresSoon,
        atlscim_core::KeyState::Expired => atlscim_key_state::Expired,
    }
}

/// Where the directory's SCIM API key stands at `now` (Unix seconds), from the profile's config:
/// `key_expires` and `key_expiry_warning_days` (as `atlscim_key_expiry` computes it). Returns
/// true and sets `*state` (and `*days_left` when not NULL); returns false, setting nothing, when
/// the config gives no `key_expires` or `profile` is NULL. `atlscim_profile_check` never warns
/// about the key: a check reads no clock, so the same request always gets the same report.
///
/// Ownership: nothing is allocated; `profile` stays the caller's.
/// NULL: `profile` and `state` may be NULL (false is returned); `days_left` may be NULL.
/// Threads: safe to call from any thread, also on the same profile at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_key_expiry(
    profile: *const atlscim_profile,
    now: i64,
    state: *mut atlscim_key_state,
    days_left: *mut i64,
) -> bool {
    // SAFETY: the caller passes NULL or a live profile, and NULL or pointers it owns.
    let (profile, state, days_left) = unsafe { (profile.as_ref(), state.as_mut(), days_left.as_mut()) };
    crate::boundary::guard(false, || {
        let (Some(profile), Some(state)) = (profile, state) else { return false };
        let Some(k) = profile.profile.key_expiry(now) else { return false };
        *state = match k.state {
            atlscim_core::KeyState::Valid => atlscim_key_state::Valid,
            atlscim_core::KeyState::ExpiresSoon => atlscim_key_state::ExpiresSoon,
            atlscim_core::KeyState::Expired => atlscim_key_state::Expired,
        };
        if let Some(out) = days_left {
            *out = k.days_left;
        }
        true
    })
}
