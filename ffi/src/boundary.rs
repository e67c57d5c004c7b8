//! The boundary every entry point crosses: the status numbers, the error object, panics caught,
//! and pointer + length inputs read.
//!
//! An entry point hands its body to [`call`] (or, for an accessor that cannot fail, to [`guard`]);
//! the body returns `Result<(), atlscim_error>` and reads as the happy path, with `?` on each
//! input. Panics never unwind into C: `call` turns one into `ATLSCIM_STATUS_PANIC`.

use std::any::Any;
use std::borrow::Cow;
use std::ffi::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use atlscim_core::filter::FilterError;
use atlscim_core::patch::PatchError;
use atlscim_core::{ConfigError, Issue, MappingError, Rule};
use serde_json::Value;

use crate::bytes::atlscim_str;

/// What a call did: `ATLSCIM_STATUS_OK` (0) or why it failed.
///
/// The numbers are part of the ABI: a status keeps its number for ever, and a number is never
/// given to another meaning, even if its status is retired. New statuses take new numbers.
///
/// An invalid SCIM request is not a failed call: `atlscim_profile_check` returns
/// `ATLSCIM_STATUS_OK` and the report says the request is invalid.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum atlscim_status {
    /// The call did what it says.
    Ok = 0,
    /// atlscim panicked: a bug in atlscim, caught at the boundary instead of aborting the
    /// process. The call had no effect; handles passed in are still valid. Please report it.
    Panic = 1,
    /// A required pointer was NULL, or an input pointer was NULL with a non-zero length.
    NullParameter = 2,
    /// A text input (method, path, config) is not valid UTF-8. Request bodies are not checked
    /// here: a body that is not UTF-8 is an invalid request, reported as such.
    InvalidUtf8 = 3,
    /// An input length is larger than any object can be (over `PTRDIFF_MAX`).
    InvalidLength = 4,
    /// The profile config was rejected; the error's key names the offending config key.
    InvalidConfig = 5,
    /// An input that must be JSON text is not (a request's `current`, a resource, a PATCH
    /// message, a record).
    InvalidJson = 6,
    /// The PATCH cannot be applied: a server would refuse it. The error names the rule, the HTTP
    /// status and scimType a server would answer, and where in the PatchOp message the problem is.
    PatchRefused = 7,
    /// The filter text does not parse (rule RFC-F-001: a server answers 400 `invalidFilter`); the
    /// error gives the character offset where it went wrong.
    InvalidFilter = 8,
    /// The mapping was refused (an unknown preset, or a mapping entry that is wrong); the
    /// error's key names the entry at fault.
    InvalidMapping = 9,
    /// The value cannot be normalized (not a time zone, language tag or email address); the
    /// error's reason says why and, where one can be told, its suggestion what to send instead.
    NotNormalizable = 10,
    /// A number argument is not one of its documented values (a resource type, a normalizer).
    InvalidArgument = 11,
    /// A sync input cannot be used: `desired` or `current` is not SCIM Users and Groups, a plan or
    /// executor state is not of the documented shape or format version, a state belongs to another
    /// plan, or plan or executor options are wrong (docs/sync.md). The error's reason says which:
    /// `input`, `json`, `format`, `state` or `options`.
    InvalidSyncInput = 12,
    /// A guard rail refused the plan (too many deactivations and deletes), so it cannot be carried
    /// out; plan again with the limits raised or `allow_removals`. The error's reason names the
    /// guard (`too_many_removals`, `removal_share`).
    PlanRefused = 13,
    /// `atlscim_sync_feed` was called with no request outstanding: feed answers only to requests
    /// `atlscim_sync_next` handed out, once each.
    NothingOutstanding = 14,
}

impl atlscim_status {
    /// Every status, so the numbers can be listed and tested.
    pub(crate) const ALL: [atlscim_status; 15] = [
        atlscim_status::Ok,
        atlscim_status::Panic,
        atlscim_status::NullParameter,
        atlscim_status::InvalidUtf8,
        atlscim_status::InvalidLength,
        atlscim_status::InvalidConfig,
        atlscim_status::InvalidJson,
        atlscim_status::PatchRefused,
        atlscim_status::InvalidFilter,
        atlscim_status::InvalidMapping,
        atlscim_status::NotNormalizable,
        atlscim_status::InvalidArgument,
        atlscim_status::InvalidSyncInput,
        atlscim_status::PlanRefused,
        atlscim_status::NothingOutstanding,
    ];

    fn describe(self) -> &'static str {
        match self {
            atlscim_status::Ok => "ok\0",
            atlscim_status::Panic => "atlscim panicked (a bug in atlscim)\0",
            atlscim_status::NullParameter => "NULL parameter\0",
            atlscim_status::InvalidUtf8 => "invalid UTF-8\0",
            atlscim_status::InvalidLength => "invalid length\0",
            atlscim_status::InvalidConfig => "invalid config\0",
            atlscim_status::InvalidJson => "invalid JSON\0",
            atlscim_status::PatchRefused => "PATCH refused\0",
            atlscim_status::InvalidFilter => "invalid filter\0",
            atlscim_status::InvalidMapping => "invalid mapping\0",
            atlscim_status::NotNormalizable => "value cannot be normalized\0",
            atlscim_status::InvalidArgument => "invalid argument\0",
            atlscim_status::InvalidSyncInput => "invalid sync input\0",
            atlscim_status::PlanRefused => "plan refused by a guard rail\0",
            atlscim_status::NothingOutstanding => "no request outstanding\0",
        }
    }
}

/// A failed call's error: its status, a message naming the input at fault and, depending on the
/// status, the config key or mapping entry at fault, the SCIM verdict a server would give (rule,
/// HTTP status, scimType, location), a filter's offset, or a normalizer's reason and suggestion.
///
/// Created by a failing call when the caller passed a non-NULL `atlscim_error **`; owned by the
/// caller and freed with `atlscim_error_free`. Immutable: safe to read from any thread.
#[derive(Debug)]
pub struct atlscim_error {
    status: atlscim_status,
    message: String,
    /// The config key (`InvalidConfig`) or mapping entry (`InvalidMapping`) at fault.
    key: String,
    /// What only some statuses have; boxed, so that a `Result` carrying an error stays small.
    details: Option<Box<Details>>,
}

/// The parts of an error that only some statuses have.
#[derive(Debug, Default)]
struct Details {
    /// The rule a server's answer corresponds to (`PatchRefused`, `InvalidFilter`).
    rule: Option<&'static Rule>,
    http_status: u16,
    scim_type: Option<&'static str>,
    /// A refused PATCH's issue, as a report gives it: where in the PatchOp message (its SCIM
    /// path and JSON pointer).
    issue: Option<Issue>,
    /// A filter's character offset.
    offset: usize,
    /// Why a normalizer refused a value (and what to send instead), or which sync input was at
    /// fault.
    reason: Cow<'static, str>,
    suggestion: Option<String>,
}

impl atlscim_error {
    pub(crate) fn new(status: atlscim_status, message: impl Into<String>) -> atlscim_error {
        atlscim_error { status, message: message.into(), key: String::new(), details: None }
    }

    fn with(status: atlscim_status, message: String, details: Details) -> atlscim_error {
        atlscim_error { details: Some(Box::new(details)), ..atlscim_error::new(status, message) }
    }

    pub(crate) fn null(name: &str) -> atlscim_error {
        atlscim_error::new(atlscim_status::NullParameter, format!("{name} is NULL"))
    }

    pub(crate) fn config(e: ConfigError) -> atlscim_error {
        let message = e.to_string();
        atlscim_error { key: e.key().to_string(), ..atlscim_error::new(atlscim_status::InvalidConfig, message) }
    }

    /// A JSON input that does not parse.
    /// `text` (the input called `name`) is not JSON: says why in the text's terms, located.
    pub(crate) fn json(name: &str, e: &serde_json::Error, text: &[u8]) -> atlscim_error {
        let why = atlscim_core::JsonSyntaxError::new(e, text);
        atlscim_error::new(atlscim_status::InvalidJson, format!("{name} is not valid JSON: {why}"))
    }

    pub(crate) fn patch(e: PatchError) -> atlscim_error {
        let message = e.to_string();
        let details = Details {
            rule: Some(e.issue().rule()),
            http_status: e.status(),
            scim_type: e.scim_type(),
            issue: Some(e.into_issue()),
            ..Details::default()
        };
        atlscim_error::with(atlscim_status::PatchRefused, message, details)
    }

    pub(crate) fn filter(e: &FilterError) -> atlscim_error {
        let rule = e.rule();
        let details = Details {
            rule: Some(rule),
            http_status: rule.status().unwrap_or(400),
            scim_type: rule.scim_type(),
            offset: e.offset(),
            ..Details::default()
        };
        atlscim_error::with(atlscim_status::InvalidFilter, e.to_string(), details)
    }

    pub(crate) fn mapping(e: MappingError) -> atlscim_error {
        let message = e.to_string();
        atlscim_error { key: e.entry().to_string(), ..atlscim_error::new(atlscim_status::InvalidMapping, message) }
    }

    pub(crate) fn not_normalizable(
        reason: &'static str,
        suggestion: Option<&str>,
        message: impl Into<String>,
    ) -> atlscim_error {
        let details =
            Details { reason: Cow::Borrowed(reason), suggestion: suggestion.map(str::to_string), ..Details::default() };
        atlscim_error::with(atlscim_status::NotNormalizable, message.into(), details)
    }

    /// A sync input or step that cannot go on: `reason` names the kind (docs/sync.md).
    pub(crate) fn sync(status: atlscim_status, reason: impl Into<Cow<'static, str>>, message: String) -> atlscim_error {
        let details = Details { reason: reason.into(), ..Details::default() };
        atlscim_error::with(status, message, details)
    }

    fn details(&self) -> Option<&Details> {
        self.details.as_deref()
    }

    fn panic(payload: &(dyn Any + Send)) -> atlscim_error {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("no message");
        atlscim_error::new(
            atlscim_status::Panic,
            format!("atlscim panicked (a bug in atlscim; please report it): {what}"),
        )
    }
}

/// Runs an entry point's body: catches a panic, and reports a failure through the status and,
/// when the caller asked for one, a new `atlscim_error` in `*err` (NULL on success).
pub(crate) fn call(
    err: Option<&mut *mut atlscim_error>,
    body: impl FnOnce() -> Result<(), atlscim_error>,
) -> atlscim_status {
    let failure = match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e),
        Err(payload) => Some(atlscim_error::panic(payload.as_ref())),
    };
    let status = failure.as_ref().map_or(atlscim_status::Ok, |e| e.status);
    if let Some(err) = err {
        *err = failure.map_or(ptr::null_mut(), |e| Box::into_raw(Box::new(e)));
    }
    status
}

/// Runs an accessor that cannot fail; a panic (a bug) yields `fallback` instead of unwinding.
pub(crate) fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Frees a handle that `Box::into_raw` made (every `atlscim_*_free` but the bytes'): NULL does
/// nothing, and a panic in a destructor (a bug) is caught rather than unwinding into C.
///
/// # Safety
///
/// `handle` is NULL or came from `Box::into_raw` of a `Box<T>`, and is freed once.
pub(crate) unsafe fn free_box<T>(handle: *mut T) {
    if handle.is_null() {
        return;
    }
    // SAFETY: the caller's promise: a live Box<T>, freed only here.
    let owned = unsafe { Box::from_raw(handle) };
    guard((), move || drop(owned));
}

/// Takes an out-parameter, NULL-ing it first so that a failed call leaves NULL behind.
pub(crate) fn out_param<T>(out: Option<&mut *mut T>) -> Result<&mut *mut T, atlscim_error> {
    let out = out.ok_or_else(|| atlscim_error::null("out"))?;
    *out = ptr::null_mut();
    Ok(out)
}

/// Borrows an input of `len` bytes at `ptr`; NULL is no input only when `len` is 0.
///
/// # Safety
///
/// Unless NULL, `ptr` points to `len` readable bytes that nothing changes during the call.
pub(crate) unsafe fn optional<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<Option<&'a [u8]>, atlscim_error> {
    if ptr.is_null() {
        return if len == 0 { Ok(None) } else { Err(atlscim_error::null(name)) };
    }
    if isize::try_from(len).is_err() {
        return Err(atlscim_error::new(
            atlscim_status::InvalidLength,
            format!("{name}_len is {len}, more than any object can hold"),
        ));
    }
    // SAFETY: non-NULL, the length fits an allocation, and the caller vouches for the bytes.
    Ok(Some(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }))
}

/// Borrows a text input: NULL with length 0 is the empty text.
///
/// # Safety
///
/// As for [`optional`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize, name: &str) -> Result<&'a str, atlscim_error> {
    // SAFETY: passed on from the caller.
    let bytes = unsafe { optional(ptr, len, name) }?.unwrap_or_default();
    std::str::from_utf8(bytes).map_err(|e| {
        atlscim_error::new(
            atlscim_status::InvalidUtf8,
            format!("{name} is not valid UTF-8: invalid byte sequence at byte {}", e.valid_up_to()),
        )
    })
}

/// Reads an input that must be JSON text (`name` says which, in the error): NULL with length 0 is
/// the empty text, which is not JSON.
///
/// # Safety
///
/// As for [`optional`].
pub(crate) unsafe fn json_input(ptr: *const c_char, len: usize, name: &str) -> Result<Value, atlscim_error> {
    // SAFETY: passed on from the caller.
    let bytes = unsafe { optional(ptr, len, name) }?.unwrap_or_default();
    serde_json::from_slice(bytes).map_err(|e| atlscim_error::json(name, &e, bytes))
}

/// Reads an optional JSON input: NULL is none.
///
/// # Safety
///
/// As for [`optional`].
pub(crate) unsafe fn optional_json(ptr: *const c_char, len: usize, name: &str) -> Result<Option<Value>, atlscim_error> {
    // SAFETY: passed on from the caller.
    let bytes = unsafe { optional(ptr, len, name) }?;
    bytes.map(|b| serde_json::from_slice(b).map_err(|e| atlscim_error::json(name, &e, b))).transpose()
}

/// The status of an error.
///
/// Ownership: `error` stays the caller's.
/// NULL: returns `ATLSCIM_STATUS_NULL_PARAMETER` for a NULL `error`.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_status(error: *const atlscim_error) -> atlscim_status {
    // SAFETY: the caller passes NULL or a live error from atlscim.
    let error = unsafe { error.as_ref() };
    guard(atlscim_status::Panic, || error.map_or(atlscim_status::NullParameter, |e| e.status))
}

/// What went wrong, in one sentence naming the input at fault (UTF-8, not NUL-terminated).
///
/// Ownership: the text belongs to `error` and is valid until `atlscim_error_free(error)`.
/// NULL: returns `{NULL, 0}` for a NULL `error`.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_message(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| Some(&e.message)) }
}

/// The input entry at fault: for `ATLSCIM_STATUS_INVALID_CONFIG` the dotted config key (e.g.
/// `limits.max_depth`, `verified_domains[1]`), for `ATLSCIM_STATUS_INVALID_MAPPING` the mapping
/// entry (e.g. `attributes[1] (timezone)`, `extends`). Empty when the config or mapping as a whole
/// is at fault, and for other statuses.
///
/// Ownership: the text belongs to `error` and is valid until `atlscim_error_free(error)`.
/// NULL: returns `{NULL, 0}` for a NULL `error`.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_key(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| Some(&e.key)) }
}

/// Reads a text field of an error: the body shared by the `atlscim_error_*` text accessors.
///
/// # Safety
///
/// `error` is NULL or a live error from atlscim.
unsafe fn error_text(error: *const atlscim_error, field: impl FnOnce(&atlscim_error) -> Option<&str>) -> atlscim_str {
    // SAFETY: passed on from the caller.
    let error = unsafe { error.as_ref() };
    guard(atlscim_str::ABSENT, || error.and_then(field).map_or(atlscim_str::ABSENT, atlscim_str::new))
}

/// For `ATLSCIM_STATUS_PATCH_REFUSED` and `ATLSCIM_STATUS_INVALID_FILTER`, the id of the rule a
/// server's answer corresponds to (e.g. `RFC-P-004`, `RFC-F-001`; see `atlscim_rules_json`).
/// Empty for other statuses.
///
/// Ownership: the text belongs to `error` and is valid until `atlscim_error_free(error)`.
/// NULL: returns `{NULL, 0}` for a NULL `error`.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_rule(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| Some(e.details().and_then(|d| d.rule).map_or("", |r| r.id()))) }
}

/// For `ATLSCIM_STATUS_PATCH_REFUSED` and `ATLSCIM_STATUS_INVALID_FILTER`, the HTTP status a
/// server would answer (e.g. 400); 0 for other statuses.
///
/// Ownership: `error` stays the caller's; nothing is allocated.
/// NULL: returns 0 for a NULL `error`.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_http_status(error: *const atlscim_error) -> u16 {
    // SAFETY: the caller passes NULL or a live error from atlscim.
    let error = unsafe { error.as_ref() };
    guard(0, || error.and_then(atlscim_error::details).map_or(0, |d| d.http_status))
}

/// For `ATLSCIM_STATUS_PATCH_REFUSED` and `ATLSCIM_STATUS_INVALID_FILTER`, the `scimType` a
/// server would answer (e.g. `noTarget`, `invalidFilter`).
///
/// Ownership: the text belongs to `error` and is valid until `atlscim_error_free(error)`.
/// NULL: returns `{NULL, 0}` for a NULL `error`, when the rule has no scimType, and for other
/// statuses.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_scim_type(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| e.details().and_then(|d| d.scim_type)) }
}

/// For `ATLSCIM_STATUS_PATCH_REFUSED`, the SCIM path of the problem in the PatchOp message (e.g.
/// `Operations[1]`); empty when the message as a whole is at fault, and for other statuses.
///
/// Ownership, NULL and threads: as for `atlscim_error_rule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_path(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| Some(e.details().and_then(|d| d.issue.as_ref()).map_or("", Issue::path))) }
}

/// For `ATLSCIM_STATUS_PATCH_REFUSED`, the RFC 6901 JSON pointer of the problem in the PatchOp
/// message (e.g. `/Operations/1/path`); empty when the message as a whole is at fault, and for
/// other statuses.
///
/// Ownership, NULL and threads: as for `atlscim_error_rule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_pointer(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| Some(e.details().and_then(|d| d.issue.as_ref()).map_or("", Issue::pointer))) }
}

/// For `ATLSCIM_STATUS_INVALID_FILTER`, where the filter went wrong, in characters (not bytes)
/// from the start of the filter text; 0 for other statuses.
///
/// Ownership: `error` stays the caller's; nothing is allocated.
/// NULL: returns 0 for a NULL `error`.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_offset(error: *const atlscim_error) -> usize {
    // SAFETY: the caller passes NULL or a live error from atlscim.
    let error = unsafe { error.as_ref() };
    guard(0, || error.and_then(atlscim_error::details).map_or(0, |d| d.offset))
}

/// For `ATLSCIM_STATUS_NOT_NORMALIZABLE`, why the value was refused, as a short stable name: for a
/// time zone `empty`, `abbreviation`, `offset`, `windows_display_name` or `unknown`; for a
/// language tag `empty`, `malformed` or `no_language`; for an email address `invalid`. For
/// `ATLSCIM_STATUS_INVALID_SYNC_INPUT`, which input was at fault: `input` (desired or current),
/// `json` (a plan or state not of the documented shape), `format` (another format version),
/// `state` (a state saved for another plan) or `options`; for `ATLSCIM_STATUS_PLAN_REFUSED`, the
/// guard rail (`too_many_removals`, `removal_share`). Empty for other statuses.
///
/// Ownership, NULL and threads: as for `atlscim_error_rule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_reason(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| Some(e.details().map_or("", |d| &d.reason))) }
}

/// For `ATLSCIM_STATUS_NOT_NORMALIZABLE`, the value to send instead where one can be told (e.g.
/// `America/Los_Angeles` for `PST`).
///
/// Ownership: the text belongs to `error` and is valid until `atlscim_error_free(error)`.
/// NULL: returns `{NULL, 0}` for a NULL `error`, when there is no suggestion, and for other
/// statuses.
/// Threads: safe to call from any thread, also on the same error at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_suggestion(error: *const atlscim_error) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { error_text(error, |e| e.details().and_then(|d| d.suggestion.as_deref())) }
}

/// Frees an error.
///
/// Ownership: takes `error` back; it must not be used afterwards, nor freed twice.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_error_free(error: *mut atlscim_error) {
    // SAFETY: a non-NULL error came from Box::into_raw in `call`, and is freed once.
    unsafe { free_box(error) }
}

/// A short description of a status number ("ok", "NULL parameter", …), for log lines.
///
/// Takes the number rather than the enum so that any value (say, from a newer library) is safe
/// to pass.
///
/// Ownership: returns a static NUL-terminated string; never free it.
/// NULL: never returns NULL; an unknown number gives "unknown status".
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn atlscim_status_str(status: u32) -> *const c_char {
    let text = atlscim_status::ALL.iter().find(|s| **s as u32 == status).map_or("unknown status\0", |s| s.describe());
    text.as_ptr().cast()
}

/// Turns a `*mut T` out-parameter into a reference that can be given to [`call`] and [`out`].
///
/// # Safety
///
/// `p` is NULL or points to writable, aligned storage for a `*mut T`.
pub(crate) unsafe fn out_ref<'a, T>(p: *mut *mut T) -> Option<&'a mut *mut T> {
    // SAFETY: passed on from the caller.
    unsafe { p.as_mut() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status_and_an_error() {
        let mut err: *mut atlscim_error = ptr::null_mut();
        let status = call(Some(&mut err), || panic!("boom"));
        assert_eq!(status, atlscim_status::Panic);
        assert!(!err.is_null());
        // SAFETY: `call` just made this error.
        let e = unsafe { Box::from_raw(err) };
        assert_eq!(e.status, atlscim_status::Panic);
        assert!(e.message.contains("boom"), "{}", e.message);
        // Without an error out-parameter the status alone says so.
        assert_eq!(call(None, || panic!("{}", String::from("formatted"))), atlscim_status::Panic);
        assert_eq!(guard(7, || panic!("accessor")), 7);
    }

    #[test]
    fn success_clears_the_error_out_parameter() {
        let mut err: *mut atlscim_error = ptr::NonNull::dangling().as_ptr();
        assert_eq!(call(Some(&mut err), || Ok(())), atlscim_status::Ok);
        assert!(err.is_null());
    }

    #[test]
    fn status_numbers_are_fixed() {
        // These numbers are the ABI: this test changes only when a status is added.
        let numbers: Vec<(u32, &str)> = atlscim_status::ALL.iter().map(|s| (*s as u32, s.describe())).collect();
        assert_eq!(
            numbers,
            [
                (0, "ok\0"),
                (1, "atlscim panicked (a bug in atlscim)\0"),
                (2, "NULL parameter\0"),
                (3, "invalid UTF-8\0"),
                (4, "invalid length\0"),
                (5, "invalid config\0"),
                (6, "invalid JSON\0"),
                (7, "PATCH refused\0"),
                (8, "invalid filter\0"),
                (9, "invalid mapping\0"),
                (10, "value cannot be normalized\0"),
                (11, "invalid argument\0"),
                (12, "invalid sync input\0"),
                (13, "plan refused by a guard rail\0"),
                (14, "no request outstanding\0"),
            ]
        );
    }

    #[test]
    fn inputs() {
        // SAFETY: the pointers below are NULL or point to the given number of bytes.
        unsafe {
            assert_eq!(optional(ptr::null(), 0, "body").map_err(|e| e.status).map(|b| b.is_none()), Ok(true));
            assert_eq!(
                optional(ptr::null(), 3, "body").map_err(|e| e.status).err(),
                Some(atlscim_status::NullParameter)
            );
            assert_eq!(text(ptr::null(), 0, "path").map_err(|e| e.status), Ok(""));
            let bad = [0xffu8, 0xfe];
            let e = text(bad.as_ptr().cast(), 2, "method").expect_err("not UTF-8");
            assert_eq!(e.status, atlscim_status::InvalidUtf8);
            assert!(e.message.starts_with("method is not valid UTF-8"), "{}", e.message);
            let e = optional(bad.as_ptr().cast(), usize::MAX, "body").expect_err("too long");
            assert_eq!(e.status, atlscim_status::InvalidLength);
        }
    }
}
