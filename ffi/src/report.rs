//! Reports and their issues: read through accessors, or as the report JSON every binding shares.

use atlscim_core::{Body, Issue, Report, Severity};

use std::ffi::c_char;

use crate::boundary::{atlscim_error, atlscim_status, call, free_box, guard, optional, out_ref};
use crate::bytes::{atlscim_bytes, atlscim_str, bytes_out};

/// The verdict on one request: valid or not, the HTTP status Atlassian would answer, every issue,
/// and the body as it should be sent (`normalized`).
///
/// Made by `atlscim_profile_check`, freed with `atlscim_report_free`. It holds a copy of the
/// checked body, so it does not depend on the request's memory or on the profile. Immutable:
/// any number of threads may read one report at once.
///
/// A report made by `atlscim_profile_check_verdict` holds no copy of the body: the caller keeps
/// it, and passes it to `atlscim_report_normalize` for the body to send.
#[derive(Debug)]
pub struct atlscim_report {
    report: Report,
    body: Kept,
}

/// The checked body as the report holds it: `normalized` is built from it on demand.
#[derive(Debug)]
enum Kept {
    Copy(Option<Box<[u8]>>),
    /// Made without a copy: the caller holds the body.
    CallersCopy,
}

impl atlscim_report {
    pub(crate) fn into_raw(report: Report, body: Option<&[u8]>) -> *mut atlscim_report {
        Box::into_raw(Box::new(atlscim_report { report, body: Kept::Copy(body.map(Box::from)) }))
    }

    /// A report that keeps no copy of the body (`atlscim_profile_check_verdict`).
    pub(crate) fn verdict_into_raw(report: Report) -> *mut atlscim_report {
        Box::into_raw(Box::new(atlscim_report { report, body: Kept::CallersCopy }))
    }

    /// The checked body, or the error for a report made without a copy of it (`asked`: the
    /// function the caller called).
    fn body(&self, asked: &str) -> Result<Option<Body<'_>>, atlscim_error> {
        match &self.body {
            Kept::Copy(body) => Ok(body.as_deref().map(Body::Json)),
            Kept::CallersCopy => Err(atlscim_error::new(
                atlscim_status::InvalidArgument,
                format!(
                    "{asked}: the report was made by atlscim_profile_check_verdict and holds no copy of the body; pass the body to atlscim_report_normalize, or check with atlscim_profile_check"
                ),
            )),
        }
    }
}

/// One issue in a report: an opaque view, valid as long as its report.
///
/// Read it with the `atlscim_issue_*` accessors; never free it.
#[derive(Debug)]
pub struct atlscim_issue {
    // Never constructed: an `atlscim_issue *` is an `Issue` inside its report.
    _private: [u8; 0],
}

fn issue_ptr(issue: Option<&Issue>) -> *const atlscim_issue {
    issue.map_or(std::ptr::null(), |i| std::ptr::from_ref(i).cast())
}

/// Reads an issue pointer handed out by [`issue_ptr`].
///
/// # Safety
///
/// `issue` is NULL or came from `issue_ptr`, and its report is still alive.
unsafe fn issue_ref<'a>(issue: *const atlscim_issue) -> Option<&'a Issue> {
    // SAFETY: such a pointer is an `&Issue` cast to the opaque type.
    unsafe { issue.cast::<Issue>().as_ref() }
}

/// How serious an issue is. Numbers are fixed, like the statuses'.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum atlscim_severity {
    /// Returned only for a NULL issue.
    Unknown = 0,
    /// A lenient fix atlscim applied to `normalized`.
    Info = 1,
    /// Accepted, but something is ignored, lost or harmful.
    Warning = 2,
    /// Atlassian (or any RFC 7644 server) would reject the request.
    Error = 3,
}

impl From<Severity> for atlscim_severity {
    fn from(s: Severity) -> atlscim_severity {
        match s {
            Severity::Info => atlscim_severity::Info,
            Severity::Warning => atlscim_severity::Warning,
            Severity::Error => atlscim_severity::Error,
        }
    }
}

/// Whether Atlassian would accept the request: true when no issue is an error.
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns false for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_valid(report: *const atlscim_report) -> bool {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(false, || report.is_some_and(|r| r.report.valid()))
}

/// Whether there is nothing left to send: the request is valid and lenient mode dropped every
/// operation of its PatchOp (a no-op, or an attribute Atlassian does not store), so `normalized`
/// is null, never a PatchOp with an empty `Operations` (which Atlassian refuses). A connector
/// sends nothing then; the info issues say why each operation was dropped.
///
/// Ownership: `report` stays the caller's; nothing is kept.
/// NULL: returns false for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_nothing_to_send(report: *const atlscim_report) -> bool {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(false, || report.is_some_and(|r| r.report.nothing_to_send()))
}

/// The HTTP status Atlassian would answer (that of the first error), or 0 when the request is
/// valid.
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns 0 for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_status(report: *const atlscim_report) -> u16 {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(0, || report.and_then(|r| r.report.status()).unwrap_or(0))
}

/// The HTTP status Atlassian would answer to the body as it was sent, not to `normalized`, or 0
/// when it would accept it: that of the first error, else that of the first lenient fix of
/// something Atlassian refuses (a missing `schemas` is 400). In strict mode it equals
/// `atlscim_report_status`.
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns 0 for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_sent_status(report: *const atlscim_report) -> u16 {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(0, || report.and_then(|r| r.report.sent_status()).unwrap_or(0))
}

/// Whether the body could be read at all (JSON, an object, within the limits). When false,
/// `normalized` is null: there is nothing to send.
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns false for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_readable(report: *const atlscim_report) -> bool {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(false, || report.is_some_and(|r| r.report.readable()))
}

/// Whether lenient fixes change the body. When false, send the body as checked; when true, send
/// `atlscim_report_normalized_json`.
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns false for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_changes_body(report: *const atlscim_report) -> bool {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(false, || report.is_some_and(|r| r.report.changes_body()))
}

/// How many issues were found but left out of the report: a report keeps at most
/// `limits.max_issues` (errors first) and then one more issue, rule RFC-J-006, saying how many
/// were left out. 0 when none were.
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns 0 for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_omitted(report: *const atlscim_report) -> usize {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(0, || report.map_or(0, |r| r.report.omitted()))
}

/// How many issues the report has (errors, warnings and infos; see `atlscim_report_omitted`).
///
/// Ownership: `report` stays the caller's; nothing is allocated.
/// NULL: returns 0 for a NULL `report`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_issue_count(report: *const atlscim_report) -> usize {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(0, || report.map_or(0, |r| r.report.issues().len()))
}

/// The issue at `index` (0-based, in document order).
///
/// Ownership: the issue belongs to `report` and is valid until `atlscim_report_free(report)`.
/// NULL: returns NULL for a NULL `report` or an `index` not below `atlscim_report_issue_count`.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_issue(report: *const atlscim_report, index: usize) -> *const atlscim_issue {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(std::ptr::null(), || issue_ptr(report.and_then(|r| r.report.issues().get(index))))
}

/// The first error: the issue a server would most likely answer with.
///
/// Ownership: the issue belongs to `report` and is valid until `atlscim_report_free(report)`.
/// NULL: returns NULL for a NULL `report` or a report without errors (a valid request).
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_first_error(report: *const atlscim_report) -> *const atlscim_issue {
    // SAFETY: the caller passes NULL or a live report.
    let report = unsafe { report.as_ref() };
    guard(std::ptr::null(), || issue_ptr(report.and_then(|r| r.report.first_error())))
}

/// Runs the body of a function that writes text to an `atlscim_bytes` out-parameter.
///
/// # Safety
///
/// `report`, `out` and `err` are each NULL or valid for the call.
unsafe fn report_text(
    report: *const atlscim_report,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
    text: impl FnOnce(&atlscim_report) -> Result<String, atlscim_error>,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    let (report, out, err) = unsafe { (report.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let report = report.ok_or_else(|| atlscim_error::null("report"))?;
        *out = atlscim_bytes::new(text(report)?);
        Ok(())
    })
}

/// The report as JSON text, the shape every binding and the CLI share:
/// `{"valid", "status", "issues": [{"severity", "rule", "path", "pointer", "status", "scimType",
/// "detail"}], "omitted", "sentStatus", "normalized"}`, where `omitted` counts the issues left out
/// (`atlscim_report_omitted`), `sentStatus` is `atlscim_report_sent_status` (null for 0) and `normalized` is the body as it should be sent (null when the
/// body could not be read). A report made by `atlscim_profile_check_verdict` has no body to write
/// it from: the call fails with `ATLSCIM_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: `report` stays the caller's. On success the caller owns `*out` and frees it with
/// `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. If `err` is not NULL, `*err` is set to
/// NULL on success and to a new error (free it with `atlscim_error_free`) on failure.
/// NULL: `report` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_to_json(
    report: *const atlscim_report,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { report_text(report, out, err, |r| Ok(r.report.to_json(r.body("atlscim_report_to_json")?.as_ref()))) }
}

/// The body as it should be sent, as JSON text: the checked body's text with the lenient fixes
/// written in place (what they do not touch is copied as it was), or `null` when the body could
/// not be read (or there was none). A report made by `atlscim_profile_check_verdict` holds no
/// body: the call fails with `ATLSCIM_STATUS_INVALID_ARGUMENT` (use `atlscim_report_normalize`).
///
/// Ownership, NULL and threads: as for `atlscim_report_to_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_normalized_json(
    report: *const atlscim_report,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe {
        report_text(report, out, err, |r| {
            let body = r.body("atlscim_report_normalized_json")?;
            Ok(r.report.normalized_json(body.as_ref()).unwrap_or_else(|| "null".into()))
        })
    }
}

/// The body as it should be sent, from the caller's own copy of the checked body (`body_len`
/// bytes at `body`, the same bytes the request had; NULL with 0 for none): as
/// `atlscim_report_normalized_json`, for a report of either kind. When
/// `atlscim_report_changes_body` is false it is the body as given (trimmed), so a caller that
/// sends its own bytes then needs no call at all.
///
/// Ownership: `report` and `body` stay the caller's; `out` and `err` as for
/// `atlscim_report_to_json`.
/// NULL: `report` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `body` may be
/// NULL only with `body_len` 0; `err` may be NULL.
/// Threads: safe to call from any thread, also on the same report at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_normalize(
    report: *const atlscim_report,
    body: *const c_char,
    body_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (report, out, err) = unsafe { (report.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let report = report.ok_or_else(|| atlscim_error::null("report"))?;
        // SAFETY: the caller vouches for `body` and `body_len`.
        let body = unsafe { optional(body, body_len, "body") }?;
        let text = report.report.normalized_json(body.map(Body::Json).as_ref());
        *out = atlscim_bytes::new(text.unwrap_or_else(|| "null".into()));
        Ok(())
    })
}

/// The lenient fixes as data, a JSON array: what `normalized` changes in the body as checked, for
/// a caller that applies them to its own JSON tree (`{"op": "replace", "path", "value"}`,
/// `{"op": "remove", "path"}`, `{"op": "rename", "from", "to"}`, `{"op": "addSchema", "value"}`,
/// `{"op": "moveIntoExtension", "from", "to", "name"}`; paths are JSON pointers into the body
/// as checked; the C README says what each does). `[]` when nothing was fixed.
///
/// Ownership, NULL and threads: as for `atlscim_report_to_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_fixes_json(
    report: *const atlscim_report,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { report_text(report, out, err, |r| Ok(r.report.fixes_json().to_string())) }
}

/// The SCIM Error message (RFC 7644 §3.12) a server would answer for the first error, as JSON
/// text, or `null` when the request is valid.
///
/// Ownership, NULL and threads: as for `atlscim_report_to_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_scim_error_json(
    report: *const atlscim_report,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { report_text(report, out, err, |r| Ok(r.report.to_scim_error().unwrap_or_default().to_string())) }
}

/// A one-line human summary for logs: the verdict and the first `max_issues` issues.
///
/// Ownership, NULL and threads: as for `atlscim_report_to_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_summary(
    report: *const atlscim_report,
    max_issues: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: passed on from the caller.
    unsafe { report_text(report, out, err, |r| Ok(r.report.summary(max_issues))) }
}

/// Frees a report, and with it every issue and text view it handed out.
///
/// Ownership: takes `report` back; it must not be used afterwards, nor freed twice.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `report` or its issues.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_report_free(report: *mut atlscim_report) {
    // SAFETY: a non-NULL report came from Box::into_raw above, and is freed once.
    unsafe { free_box(report) }
}

/// How serious the issue is.
///
/// Ownership: `issue` belongs to its report; nothing is allocated.
/// NULL: returns `ATLSCIM_SEVERITY_UNKNOWN` for a NULL `issue`.
/// Threads: safe to call from any thread, also on the same issue at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_severity(issue: *const atlscim_issue) -> atlscim_severity {
    // SAFETY: the caller passes NULL or an issue of a live report.
    let issue = unsafe { issue_ref(issue) };
    guard(atlscim_severity::Unknown, || issue.map_or(atlscim_severity::Unknown, |i| i.severity().into()))
}

/// Reads a text field of an issue: the body shared by the `atlscim_issue_*` text accessors.
///
/// # Safety
///
/// `issue` is NULL or an issue of a live report.
unsafe fn issue_text(issue: *const atlscim_issue, field: impl FnOnce(&Issue) -> Option<&str>) -> atlscim_str {
    // SAFETY: passed on from the caller.
    let issue = unsafe { issue_ref(issue) };
    guard(atlscim_str::ABSENT, || issue.and_then(field).map_or(atlscim_str::ABSENT, atlscim_str::new))
}

/// The id of the rule the issue breaks, e.g. `ATL-U-003` (see `atlscim_rules_json`).
///
/// Ownership: the text belongs to the issue's report and is valid until that report is freed.
/// NULL: returns `{NULL, 0}` for a NULL `issue`.
/// Threads: safe to call from any thread, also on the same issue at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_rule(issue: *const atlscim_issue) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { issue_text(issue, |i| Some(i.rule().id())) }
}

/// The SCIM attribute path the issue is about, e.g. `emails[1].value`; empty for the request as
/// a whole.
///
/// Ownership, NULL and threads: as for `atlscim_issue_rule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_path(issue: *const atlscim_issue) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { issue_text(issue, |i| Some(i.path())) }
}

/// The RFC 6901 JSON pointer into the body, e.g. `/emails/1/value`; empty for the whole body.
///
/// Ownership, NULL and threads: as for `atlscim_issue_rule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_pointer(issue: *const atlscim_issue) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { issue_text(issue, |i| Some(i.pointer())) }
}

/// What is wrong and, where it helps, what to do, in a sentence.
///
/// Ownership, NULL and threads: as for `atlscim_issue_rule`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_detail(issue: *const atlscim_issue) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { issue_text(issue, |i| Some(i.detail())) }
}

/// The `scimType` a server would answer for this issue (as `atlscim_issue_status`, where it sends
/// one), e.g. `invalidValue`.
///
/// Ownership: as for `atlscim_issue_rule`.
/// NULL: returns `{NULL, 0}` for a NULL `issue`, and when there is no scimType.
/// Threads: safe to call from any thread, also on the same issue at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_scim_type(issue: *const atlscim_issue) -> atlscim_str {
    // SAFETY: passed on from the caller.
    unsafe { issue_text(issue, |i| i.scim_type()) }
}

/// The HTTP status a server would answer for this issue (an error's; for an issue that reports a
/// lenient fix, the status Atlassian would answer to the body as sent), or 0.
///
/// Ownership: `issue` belongs to its report; nothing is allocated.
/// NULL: returns 0 for a NULL `issue`.
/// Threads: safe to call from any thread, also on the same issue at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_issue_status(issue: *const atlscim_issue) -> u16 {
    // SAFETY: the caller passes NULL or an issue of a live report.
    let issue = unsafe { issue_ref(issue) };
    guard(0, || issue.and_then(Issue::status).unwrap_or(0))
}

/// The name of a severity as the report JSON writes it: "error", "warning" or "info".
///
/// Takes the number rather than the enum so that any value is safe to pass.
///
/// Ownership: returns a static NUL-terminated string; never free it.
/// NULL: never returns NULL; any other number gives "unknown".
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn atlscim_severity_name(severity: u32) -> *const std::ffi::c_char {
    // Static C strings, so nothing is allocated; a test holds them to the core's names.
    const INFO: u32 = atlscim_severity::Info as u32;
    const WARNING: u32 = atlscim_severity::Warning as u32;
    const ERROR: u32 = atlscim_severity::Error as u32;
    let name = match severity {
        INFO => c"info",
        WARNING => c"warning",
        ERROR => c"error",
        _ => c"unknown",
    };
    guard(c"unknown".as_ptr(), || name.as_ptr())
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn severity_names_are_the_cores() {
        for s in [Severity::Info, Severity::Warning, Severity::Error] {
            // SAFETY: atlscim_severity_name returns static C strings.
            let name = unsafe { CStr::from_ptr(atlscim_severity_name(atlscim_severity::from(s) as u32)) };
            assert_eq!(name.to_str(), Ok(s.as_str()));
        }
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(atlscim_severity_name(0)) }, c"unknown");
    }
}
