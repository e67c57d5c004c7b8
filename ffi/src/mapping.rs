//! Mapping identity-provider records to the SCIM Users and Groups to send, and the normalizers
//! the mappings use, on their own.

use std::borrow::Cow;
use std::ffi::c_char;

use atlscim_core::mapping::{self, LocaleError, Mapping, TimezoneError};
use atlscim_core::{Profile, Report};
use serde::Serialize;
use serde_json::Value;

use crate::boundary::{atlscim_error, atlscim_status, call, json_input, optional_json, out_param, out_ref, text};
use crate::bytes::{atlscim_bytes, bytes_out};
use crate::profile::atlscim_profile;
use crate::report::atlscim_report;

/// The mapping a `mapping` argument gives: JSON text when it starts with `{`, else a preset name.
fn mapping_of(spec: &str) -> Result<Cow<'static, Mapping>, atlscim_error> {
    Mapping::load(spec).map_err(atlscim_error::mapping)
}

/// Hands a mapped resource and its report to the caller: the resource as JSON text, and a report
/// holding that text as its body, so that its normalized body is the resource.
fn mapped((resource, report): (Value, Report), out_resource: &mut atlscim_bytes, out_report: &mut *mut atlscim_report) {
    let text = serde_json::to_string(&resource).expect("a Value serializes as JSON");
    *out_report = atlscim_report::into_raw(report, Some(text.as_bytes()));
    *out_resource = atlscim_bytes::new(text);
}

/// Runs the body shared by `atlscim_profile_map_user` and `atlscim_profile_map_group`.
///
/// # Safety
///
/// Each pointer is NULL or valid for the call.
unsafe fn map_call(
    profile: *const atlscim_profile,
    out_resource: *mut atlscim_bytes,
    out_report: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
    map: impl FnOnce(&Profile) -> Result<(Value, Report), atlscim_error>,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    let (profile, out_resource, out_report, err) =
        unsafe { (profile.as_ref(), out_resource.as_mut(), out_ref(out_report), out_ref(err)) };
    call(err, || {
        let out_resource = bytes_out(out_resource)?;
        let out_report = out_param(out_report)?;
        let profile = &profile.ok_or_else(|| atlscim_error::null("profile"))?.profile;
        mapped(map(profile)?, out_resource, out_report);
        Ok(())
    })
}

/// Maps an identity-provider record (JSON text: a Microsoft Graph user, an Okta user, a row of an
/// export) to the SCIM User to send, and checks that user as a `POST /Users`.
///
/// `mapping` is a preset name (`entra`, `okta`, `generic`; case is ignored) or, when it starts with
/// `{`, a mapping as JSON text (the format every binding shares; see the core's mapping spec).
///
/// Writes the user, as compact JSON text, to `*out_user`, and a report on it to `*out_report`:
/// the mapping's own findings (a time zone it could not read, a display name it rebuilt), then
/// the check of the user as Atlassian would receive it. The report's normalized body is the user.
/// A user Atlassian would refuse is not a failed call: the report says it is invalid.
///
/// Fails with `ATLSCIM_STATUS_INVALID_MAPPING` (an unknown preset or a mapping entry that is wrong;
/// the error's key names the entry), `ATLSCIM_STATUS_INVALID_JSON` (the record is not JSON text),
/// `ATLSCIM_STATUS_INVALID_UTF8` (the mapping is not UTF-8), `ATLSCIM_STATUS_NULL_PARAMETER`,
/// `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `profile`, `mapping` and `record` stay the caller's and are not kept. On success the
/// caller owns `*out_user` (free it with `atlscim_bytes_free`) and `*out_report` (free it with
/// `atlscim_report_free`); on failure they are `{NULL, 0}` and NULL. If `err` is not NULL, `*err`
/// is set to NULL on success and to a new error (free it with `atlscim_error_free`) on failure.
/// NULL: `profile`, `out_user` and `out_report` must not be NULL; `mapping` and `record` may be
/// NULL only with length 0 (empty text: neither a preset nor JSON); `err` may be NULL.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_map_user(
    profile: *const atlscim_profile,
    mapping: *const c_char,
    mapping_len: usize,
    record: *const c_char,
    record_len: usize,
    out_user: *mut atlscim_bytes,
    out_report: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller, who vouches for each pointer and length.
    unsafe {
        map_call(profile, out_user, out_report, err, |profile| {
            let mapping = mapping_of(text(mapping, mapping_len, "mapping")?)?;
            let record = json_input(record, record_len, "record")?;
            Ok(profile.map_user(&record, &mapping))
        })
    }
}

/// Maps an identity-provider group (JSON text: a Microsoft Graph or Okta group) to the SCIM Group
/// to send, its membership flattened to users (Atlassian has no nested groups), and checks that
/// group as a `POST /Groups`.
///
/// `members` is the group's membership as JSON text (an array of user objects, user ids as
/// strings, or nested groups with their own `members`), or NULL to use the record's own.
///
/// Writes the group to `*out_group` and its report to `*out_report`, as
/// `atlscim_profile_map_user` does; fails as it does (without the mapping errors), also with
/// `ATLSCIM_STATUS_INVALID_JSON` when `members` is not JSON text.
///
/// Ownership: as for `atlscim_profile_map_user`.
/// NULL: `profile`, `out_group` and `out_report` must not be NULL; `record` may be NULL only with
/// length 0 (empty text, which is not JSON); `members` NULL (with length 0) is no membership
/// given; `err` may be NULL.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_map_group(
    profile: *const atlscim_profile,
    record: *const c_char,
    record_len: usize,
    members: *const c_char,
    members_len: usize,
    out_group: *mut atlscim_bytes,
    out_report: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller, who vouches for each pointer and length.
    unsafe {
        map_call(profile, out_group, out_report, err, |profile| {
            let record = json_input(record, record_len, "record")?;
            let members = optional_json(members, members_len, "members")?;
            Ok(profile.map_group(&record, members.as_ref()))
        })
    }
}

/// Which normalizer `atlscim_normalize` runs. A plain number, so that any value is safe to pass:
/// an unknown one fails the call with `ATLSCIM_STATUS_INVALID_ARGUMENT`.
pub type atlscim_normalizer = u32;

/// A time zone to its canonical IANA name: IANA names in any case, legacy links (`US/Pacific`) and
/// Windows ids (`Pacific Standard Time`). Gives `{"name", "canonical", "kind"}` with `kind`
/// `iana`, `iana_alias` or `windows`; send `canonical`. Abbreviations (`PST`) and offsets
/// (`UTC-8`) are refused, with a suggestion where one can be told.
pub const ATLSCIM_NORMALIZER_TIMEZONE: atlscim_normalizer = 1;
/// A language tag in canonical BCP 47 form (`en_us` → `en-US`, `iw` → `he`). Gives
/// `{"tag", "language", "script", "region"}` (script and region null when absent).
pub const ATLSCIM_NORMALIZER_LOCALE: atlscim_normalizer = 2;
/// An email address as it should be sent: the domain in lower-case ASCII (IDN as punycode), the
/// local part untouched. Gives `{"address", "local", "domain"}`.
pub const ATLSCIM_NORMALIZER_EMAIL: atlscim_normalizer = 3;
/// A display name split as Atlassian's display-name rule needs it. Gives
/// `{"given", "family", "prefix", "suffix"}` (prefix and suffix null when absent). Never refuses
/// a value.
pub const ATLSCIM_NORMALIZER_DISPLAY_NAME: atlscim_normalizer = 4;
/// An Accept-Language list (`da, en-GB;q=0.8`). Gives `{"best", "ranges", "errors"}`: `best` the
/// preferred tag (as `ATLSCIM_NORMALIZER_LOCALE` gives it) or null; `ranges` the usable items
/// (`{"index", "tag", "quality"}`, quality in thousandths, tag null for `*`); `errors` the
/// malformed ones (`{"index", "item", "detail"}`). Never refuses a value.
pub const ATLSCIM_NORMALIZER_ACCEPT_LANGUAGE: atlscim_normalizer = 5;
/// The Atlassian product language closest to a language tag (`fr-CA` → `fr-FR`, `nb` →
/// `no-NO`), as a JSON string, or `null` when none shares its language. The tag is normalized as
/// `ATLSCIM_NORMALIZER_LOCALE` does first, and refused as it is.
pub const ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE: atlscim_normalizer = 6;

/// A normalizer's result as the core serializes it.
fn to_json(result: &impl Serialize) -> Value {
    // The results are plain strings and options: serializing them cannot fail. If it ever did,
    // the boundary would report a panic.
    serde_json::to_value(result).expect("a normalizer's result serializes")
}

/// The refusal of a time zone.
fn timezone_refused(e: &TimezoneError) -> atlscim_error {
    atlscim_error::not_normalizable(e.kind(), e.suggestion(), e.to_string())
}

/// The refusal of a language tag. Not inlined: inlined into `normalized`, the optimizer reads the
/// suggestion of a `Malformed` error before it knows the error is one, which is harmless (the
/// value read is then discarded) but which valgrind, reading the machine code, reports as a jump
/// on uninitialized memory for an `Empty` error (as in rust-lang/rust#73344).
#[inline(never)]
fn locale_refused(e: &LocaleError) -> atlscim_error {
    atlscim_error::not_normalizable(e.kind(), e.suggestion(), e.to_string())
}

/// Runs a normalizer: its result as JSON, or why it refused the input.
fn normalized(normalizer: atlscim_normalizer, input: &str) -> Result<Value, atlscim_error> {
    match normalizer {
        ATLSCIM_NORMALIZER_TIMEZONE => match mapping::normalize_timezone(input) {
            Ok(tz) => Ok(to_json(&tz)),
            Err(e) => Err(timezone_refused(&e)),
        },
        ATLSCIM_NORMALIZER_LOCALE => match mapping::normalize_locale(input) {
            Ok(tag) => Ok(to_json(&tag)),
            Err(e) => Err(locale_refused(&e)),
        },
        ATLSCIM_NORMALIZER_EMAIL => match mapping::normalize_email(input) {
            Ok(email) => Ok(to_json(&email)),
            Err(e) => {
                Err(atlscim_error::not_normalizable(e.kind(), None, format!("{input:?} is not an email address: {e}")))
            }
        },
        ATLSCIM_NORMALIZER_DISPLAY_NAME => Ok(to_json(&mapping::split_display_name(input))),
        ATLSCIM_NORMALIZER_ACCEPT_LANGUAGE => Ok(to_json(&mapping::parse_accept_language(input))),
        ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE => match mapping::normalize_locale(input) {
            Ok(tag) => Ok(mapping::nearest_atlassian_language(&tag).into()),
            Err(e) => Err(locale_refused(&e)),
        },
        other => Err(atlscim_error::new(
            atlscim_status::InvalidArgument,
            format!("normalizer is {other}: expected one of the ATLSCIM_NORMALIZER_* numbers (1 to 6)"),
        )),
    }
}

/// Runs one of the normalizers the mappings use on a value (`input_len` bytes of UTF-8 text), and
/// writes its result as compact JSON text to `*out`; each `ATLSCIM_NORMALIZER_*` says what it
/// gives.
///
/// A value the normalizer cannot use fails the call with `ATLSCIM_STATUS_NOT_NORMALIZABLE`: the
/// error's reason (`atlscim_error_reason`, e.g. `abbreviation`) says why, its suggestion
/// (`atlscim_error_suggestion`) what to send instead where one can be told, and its message
/// explains. Other failures: `ATLSCIM_STATUS_INVALID_ARGUMENT` (an unknown normalizer),
/// `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `input` stays the caller's and is not kept. On success the caller owns `*out` and
/// frees it with `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. If `err` is not NULL,
/// `*err` is set to NULL on success and to a new error (free it with `atlscim_error_free`) on
/// failure.
/// NULL: `out` must not be NULL; `input` may be NULL only with `input_len` 0 (the empty text);
/// `err` may be NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_normalize(
    normalizer: atlscim_normalizer,
    input: *const c_char,
    input_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (out, err) = unsafe { (out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        // SAFETY: the caller vouches for `input_len` bytes at `input`.
        let input = unsafe { text(input, input_len, "input") }?;
        *out = atlscim_bytes::new(normalized(normalizer, input)?.to_string());
        Ok(())
    })
}

/// The display name Atlassian builds from a given and a family name (`given family`, whitespace
/// collapsed; `familygiven` for names in Han, Kana or Hangul), as plain UTF-8 text (not JSON) in
/// `*out`.
///
/// Ownership: `given` and `family` stay the caller's and are not kept. On success the caller owns
/// `*out` and frees it with `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for
/// `atlscim_normalize`.
/// NULL: `out` must not be NULL; `given` and `family` may be NULL only with length 0 (the empty
/// text); `err` may be NULL.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_display_name_join(
    given: *const c_char,
    given_len: usize,
    family: *const c_char,
    family_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (out, err) = unsafe { (out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        // SAFETY: the caller vouches for each pointer and length.
        let (given, family) = unsafe { (text(given, given_len, "given")?, text(family, family_len, "family")?) };
        *out = atlscim_bytes::new(mapping::join_display_name(given, family));
        Ok(())
    })
}
