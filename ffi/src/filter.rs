//! SCIM filters (RFC 7644 §3.4.2.2): parsed once into a handle, then printed in canonical form,
//! shown as a JSON tree, or matched against resources.

use std::ffi::c_char;

use atlscim_core::filter::{self, EvalOptions, Filter, FilterLimits};

use crate::boundary::{
    atlscim_error, atlscim_status, call, free_box, json_input, out_param, out_ref, text as text_input,
};
use crate::bytes::{atlscim_bytes, bytes_out};

/// A parsed SCIM filter, e.g. `userName eq "bjensen"` or `emails[type eq "work"]`.
///
/// Made by `atlscim_filter_parse`, freed with `atlscim_filter_free`. Immutable: any number of
/// threads may use one filter at once.
#[derive(Debug)]
pub struct atlscim_filter {
    filter: Filter,
    lenient: bool,
}

/// Parses a filter (`text_len` bytes of UTF-8 text) with the default limits (4096 characters,
/// nesting depth 32, 256 attribute expressions).
///
/// `strict` false (lenient) also reads what identity providers send outside the grammar: Entra
/// ID's `emails[type eq "work"].value eq "x"`, extra whitespace, a missing space before a quoted
/// value; a lenient filter also matches the strings "true" and "false" as booleans. `strict` true
/// reads RFC 7644 alone.
///
/// A filter that does not parse fails the call with `ATLSCIM_STATUS_INVALID_FILTER`: the error
/// gives the character offset (`atlscim_error_offset`), the rule (RFC-F-001), HTTP status (400)
/// and scimType (`invalidFilter`) a server would answer. Other failures:
/// `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `text` stays the caller's and is not kept. On success the caller owns `*out` and
/// frees it with `atlscim_filter_free`; on failure `*out` is NULL. If `err` is not NULL, `*err` is
/// set to NULL on success and to a new error (free it with `atlscim_error_free`) on failure.
/// NULL: `out` must not be NULL; `text` may be NULL only with `text_len` 0 (empty text, which is
/// not a filter); `err` may be NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_filter_parse(
    text: *const c_char,
    text_len: usize,
    strict: bool,
    out: *mut *mut atlscim_filter,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or writable pointers (see above).
    let (out, err) = unsafe { (out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        // SAFETY: the caller vouches for `text_len` bytes at `text`.
        let source = unsafe { text_input(text, text_len, "text") }?;
        let limits = FilterLimits { lenient: !strict, ..FilterLimits::default() };
        let filter = filter::parse_with(source, &limits).map_err(|e| atlscim_error::filter(&e))?;
        *out = Box::into_raw(Box::new(atlscim_filter { filter, lenient: !strict }));
        Ok(())
    })
}

/// Runs the body of a function that writes a filter's text to an `atlscim_bytes`.
///
/// # Safety
///
/// `filter`, `out` and `err` are each NULL or valid for the call.
unsafe fn filter_text(
    filter: *const atlscim_filter,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
    text: impl FnOnce(&Filter) -> String,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    let (filter, out, err) = unsafe { (filter.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let filter = filter.ok_or_else(|| atlscim_error::null("filter"))?;
        *out = atlscim_bytes::new(text(&filter.filter));
        Ok(())
    })
}

/// The filter in canonical form: operators in lower case, one space between tokens, parentheses
/// only where precedence needs them (`userName eq "bjensen" and not (active eq false)`). Parsing
/// it again gives the same filter.
///
/// Ownership: `filter` stays the caller's. On success the caller owns `*out` and frees it with
/// `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for `atlscim_filter_parse`.
/// NULL: `filter` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: safe to call from any thread, also on the same filter at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_filter_to_string(
    filter: *const atlscim_filter,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { filter_text(filter, out, err, ToString::to_string) }
}

/// The filter as a JSON tree: `{"op": "and", "filters": [a, b, …]}` (an `and` or `or` chain is
/// one node with all its operands),
/// `{"op": "eq", "attr": "userName", "value": "bjensen"}`, `{"op": "pr", "attr": …}`,
/// `{"op": "not", "filter": …}`, `{"op": "valuePath", "attr": …, "filter": …}`.
///
/// Ownership, NULL and threads: as for `atlscim_filter_to_string`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_filter_to_json(
    filter: *const atlscim_filter,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { filter_text(filter, out, err, |f| f.to_json().to_string()) }
}

/// Whether a resource (JSON text) matches the filter, with SCIM semantics and no schema:
/// attribute names and strings compare ignoring case, dateTimes as instants, a multi-valued
/// attribute matches when any of its values does. Sets `*out`.
///
/// Fails with `ATLSCIM_STATUS_INVALID_JSON` when the resource is not JSON text.
///
/// Ownership: `filter` and `resource` stay the caller's and are not kept. `err` as for
/// `atlscim_filter_parse`.
/// NULL: `filter` and `out` must not be NULL; `resource` may be NULL only with `resource_len` 0
/// (empty text, which is not JSON); `err` may be NULL. `*out` is false after a failed call.
/// Threads: safe to call from any thread, also on the same filter at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_filter_matches(
    filter: *const atlscim_filter,
    resource: *const c_char,
    resource_len: usize,
    out: *mut bool,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (filter, out, err) = unsafe { (filter.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = out.ok_or_else(|| atlscim_error::null("out"))?;
        *out = false;
        let filter = filter.ok_or_else(|| atlscim_error::null("filter"))?;
        // SAFETY: the caller vouches for `resource_len` bytes at `resource`.
        let resource = unsafe { json_input(resource, resource_len, "resource") }?;
        let options = EvalOptions { resource_type: None, lenient: filter.lenient };
        *out = filter::matches_with(&filter.filter, &resource, &options);
        Ok(())
    })
}

/// Frees a filter.
///
/// Ownership: takes `filter` back; it must not be used afterwards, nor freed twice.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `filter`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_filter_free(filter: *mut atlscim_filter) {
    // SAFETY: a non-NULL filter came from Box::into_raw in atlscim_filter_parse, and is freed once.
    unsafe { free_box(filter) }
}
