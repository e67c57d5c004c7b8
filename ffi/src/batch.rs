//! Batches: the requests of one directory sync, checked in order, one call at a time, with the
//! rules only a batch can see.

use std::sync::{Mutex, PoisonError};

use atlscim_core::Batch;

use crate::boundary::{atlscim_error, atlscim_status, call, free_box, out_param, out_ref};
use crate::bytes::{atlscim_bytes, bytes_out, write_json};
use crate::profile::{RequestParts, atlscim_profile, atlscim_request};
use crate::report::atlscim_report;

/// A batch of requests checked in order (a directory sync), adding to each request's own report
/// the rules a single request cannot show: a userName or primary email sent twice (ATL-U-007),
/// users beyond the directory limit (ATL-L-001), requests for a user the batch deleted
/// (ATL-U-023), groups growing past their member limit (ATL-G-007).
///
/// Made by `atlscim_batch_new`, freed with `atlscim_batch_free`. It keeps its own copy of the
/// profile, so the profile may be freed while the batch lives. What it remembers is one
/// userName and email per user and the ids it deleted: a few megabytes for 150,000 users.
///
/// A batch is a sequence, so it is not shared the way a profile is: call `atlscim_batch_check`
/// from one thread at a time. (Calls at the same time do not corrupt memory, they take turns;
/// but the order of the requests, which the batch rules depend on, is then whichever call came
/// first.)
#[derive(Debug)]
pub struct atlscim_batch {
    batch: Mutex<Batch<'static>>,
}

impl atlscim_batch {
    /// The batch, even after a panic inside a check (which can only have left a count behind).
    fn lock(&self) -> std::sync::MutexGuard<'_, Batch<'static>> {
        self.batch.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts a batch that checks with (a copy of) `profile`.
///
/// Ownership: `profile` stays the caller's and is not kept: the batch holds its own copy. On
/// success the caller owns `*out` and frees it with `atlscim_batch_free`; on failure `*out` is
/// NULL. If `err` is not NULL, `*err` is set to NULL on success and to a new error (free it with
/// `atlscim_error_free`) on failure.
/// NULL: `profile` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_batch_new(
    profile: *const atlscim_profile,
    out: *mut *mut atlscim_batch,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (profile, out, err) = unsafe { (profile.as_ref(), out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        let profile = &profile.ok_or_else(|| atlscim_error::null("profile"))?.profile;
        let batch = Batch::owning(profile.clone());
        *out = Box::into_raw(Box::new(atlscim_batch { batch: Mutex::new(batch) }));
        Ok(())
    })
}

/// Checks the next request of the batch: its own report plus the batch rules, in a new report
/// (read it as one from `atlscim_profile_check`).
///
/// Returns `ATLSCIM_STATUS_OK` whenever a report was made, valid or not, and fails as
/// `atlscim_profile_check` does. A failed call does not count as a request of the batch.
///
/// Ownership: `request` (and the text it points to) stays the caller's and is not kept: the batch
/// keeps what its rules need. On success the caller owns `*out` and frees it with
/// `atlscim_report_free`; on failure `*out` is NULL. `err` as for `atlscim_batch_new`.
/// NULL: `batch`, `request` and `out` must not be NULL; inside `request`, see `atlscim_request`;
/// `err` may be NULL.
/// Threads: call it on one batch from one thread at a time (see `atlscim_batch`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_batch_check(
    batch: *mut atlscim_batch,
    request: *const atlscim_request,
    out: *mut *mut atlscim_report,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above). Shared access is enough: the
    // batch is behind its lock.
    let (batch, request, out, err) = unsafe { (batch.as_ref(), request.as_ref(), out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        let batch = batch.ok_or_else(|| atlscim_error::null("batch"))?;
        let r = request.ok_or_else(|| atlscim_error::null("request"))?;
        // SAFETY: the caller vouches for each pointer and length in the request.
        let parts = unsafe { RequestParts::read(r) }?;
        let report = batch.lock().check(&parts.request());
        *out = atlscim_report::into_raw(report, parts.body);
        Ok(())
    })
}

/// The totals so far, as JSON text:
/// `{"requests": 3, "valid": 2, "invalid": 1, "byRule": {"ATL-U-007": 1}}`, where `byRule` counts
/// the issues each rule raised (errors, warnings and infos), by rule id.
///
/// Ownership: `batch` stays the caller's. On success the caller owns `*out` and frees it with
/// `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for `atlscim_batch_new`.
/// NULL: `batch` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: as for `atlscim_batch_check`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_batch_summary_json(
    batch: *const atlscim_batch,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (batch, out, err) = unsafe { (batch.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let batch = batch.ok_or_else(|| atlscim_error::null("batch"))?.lock();
        write_json(out, &batch.summary().to_json());
        Ok(())
    })
}

/// Frees a batch. Reports it made stay valid (they do not refer to it).
///
/// Ownership: takes `batch` back; it must not be used afterwards, nor freed twice.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `batch`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_batch_free(batch: *mut atlscim_batch) {
    // SAFETY: a non-NULL batch came from Box::into_raw in atlscim_batch_new, and is freed once.
    unsafe { free_box(batch) }
}
