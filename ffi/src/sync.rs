//! Sync: a plan of the whole directory change (`atlscim_plan`), and the sans-IO executor that
//! carries it out (`atlscim_sync`) while the caller does the HTTP with the client of its choice.
//!
//! Plans, options and states cross the boundary as the JSON documented in docs/sync.md. The
//! executor's next action comes back as a struct of borrowed views, so that a C caller can hand
//! the method, path, headers and body straight to its HTTP client without a JSON parser.

use std::borrow::Cow;
use std::ffi::c_char;
use std::ptr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use atlscim_core::sync::{
    self, Action, ExecOptions, ExecState, Executor, HttpResponse, Plan, PlanOptions, Resources, SyncError,
};
use serde::de::DeserializeOwned;

use crate::boundary::{atlscim_error, atlscim_status, call, free_box, guard, optional, out_param, out_ref, text};
use crate::bytes::{atlscim_bytes, atlscim_str, bytes_out, write_json};
use crate::profile::atlscim_profile;
use crate::response::{atlscim_header, header_array};

/// A plan: the ordered steps of a directory change, its risk report and the guard rails'
/// verdict (docs/sync.md, "Plan JSON").
///
/// Made by `atlscim_plan_new` or `atlscim_plan_from_json`, freed with `atlscim_plan_free`.
/// Immutable: any number of threads may read it and start executors from it at once.
#[derive(Debug)]
pub struct atlscim_plan {
    plan: Plan,
    /// The plan as JSON text, written once: deterministic, and what `atlscim_plan_json` gives.
    json: String,
}

impl atlscim_plan {
    fn new(plan: Plan) -> *mut atlscim_plan {
        let json = plan.to_json_string();
        Box::into_raw(Box::new(atlscim_plan { plan, json }))
    }
}

/// The error for a sync input the core refused; `what` names the input in the message.
fn sync_error(what: &str, e: SyncError) -> atlscim_error {
    let status = match e.kind() {
        "refused" => atlscim_status::PlanRefused,
        "feed" => atlscim_status::NothingOutstanding,
        _ => atlscim_status::InvalidSyncInput,
    };
    atlscim_error::sync(status, e.kind(), format!("{what}: {}", e.detail()))
}

/// Reads a UTF-8 JSON document of type `T` (options, a state): `None` for NULL with length 0.
///
/// # Safety
///
/// As for [`optional`].
unsafe fn document<T: DeserializeOwned>(
    ptr: *const c_char,
    len: usize,
    name: &str,
    reason: &'static str,
) -> Result<Option<T>, atlscim_error> {
    // SAFETY: passed on from the caller.
    let Some(bytes) = unsafe { optional(ptr, len, name) }? else {
        return Ok(None);
    };
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|e| atlscim_error::sync(atlscim_status::InvalidSyncInput, reason, format!("{name}: {e}")))
}

/// Reads `desired` or `current`: JSON text or NDJSON (docs/sync.md, `Resources::from_text`).
///
/// # Safety
///
/// As for [`optional`].
unsafe fn resources(ptr: *const c_char, len: usize, name: &str) -> Result<Resources, atlscim_error> {
    // SAFETY: passed on from the caller.
    let text = unsafe { text(ptr, len, name) }?;
    Resources::from_text(text).map_err(|e| sync_error(name, e))
}

/// Plans the change from `current` (what Atlassian holds) to `desired` (what the identity
/// provider holds), checking each step with `profile` (its limits, verified domains and
/// reserved groups).
///
/// `desired` and `current` are SCIM Users and Groups as UTF-8 text: `{"Users": [...], "Groups":
/// [...]}`, a ListResponse page, an array of resources and pages, or NDJSON (one per line, as
/// `atlscim serve` exports). `options` is the plan options JSON (docs/sync.md), or NULL with
/// length 0 for the defaults (deactivate gone users, at most 500 and 10 % removals).
///
/// Planning never fails on what it finds: ambiguous matches, duplicates and conflicts are in the
/// plan's risk report, and a plan that trips a guard rail is made with its `refusal` set (see
/// `atlscim_plan_refused`), so that its risk report can be read; `atlscim_sync_new` refuses it.
/// The call fails with `ATLSCIM_STATUS_INVALID_SYNC_INPUT` when `desired` or `current` is not
/// Users and Groups (reason `input`) or the options are wrong (reason `options`),
/// `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `profile`, `desired`, `current` and `options` stay the caller's and are not kept.
/// On success the caller owns `*out` and frees it with `atlscim_plan_free`; on failure `*out` is
/// NULL. If `err` is not NULL, `*err` is set to NULL on success and to a new error (free it with
/// `atlscim_error_free`) on failure.
/// NULL: `profile` and `out` must not be NULL; `desired` and `current` may be NULL only with
/// length 0 (empty text: no resources); `options` NULL (with length 0) is the defaults; `err`
/// may be NULL.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the C call's inputs: three texts, each a pointer and a length
pub unsafe extern "C" fn atlscim_plan_new(
    profile: *const atlscim_profile,
    desired: *const c_char,
    desired_len: usize,
    current: *const c_char,
    current_len: usize,
    options: *const c_char,
    options_len: usize,
    out: *mut *mut atlscim_plan,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (profile, out, err) = unsafe { (profile.as_ref(), out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        let profile = &profile.ok_or_else(|| atlscim_error::null("profile"))?.profile;
        // SAFETY: the caller vouches for each pointer and length.
        let (desired, current, options) = unsafe {
            (
                resources(desired, desired_len, "desired")?,
                resources(current, current_len, "current")?,
                document::<PlanOptions>(options, options_len, "options", "options")?.unwrap_or_default(),
            )
        };
        *out = atlscim_plan::new(sync::plan(profile, &desired, &current, &options));
        Ok(())
    })
}

/// Reads a plan saved as JSON (`atlscim_plan_json`, `atlscim plan --format json`), to carry it
/// out later.
///
/// Fails with `ATLSCIM_STATUS_INVALID_SYNC_INPUT` when the text is not a plan (reason `json`) or
/// is of another format version (reason `format`), and `ATLSCIM_STATUS_INVALID_UTF8`,
/// `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `json` stays the caller's. On success the caller owns `*out` (free it with
/// `atlscim_plan_free`); on failure `*out` is NULL. `err` as for `atlscim_plan_new`.
/// NULL: `out` must not be NULL; `json` may be NULL only with length 0 (not a plan); `err` may be.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_plan_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut atlscim_plan,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (out, err) = unsafe { (out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        // SAFETY: the caller vouches for `json_len` bytes at `json`.
        let text = unsafe { text(json, json_len, "plan") }?;
        let plan = Plan::from_json_str(text).map_err(|e| sync_error("plan", e))?;
        *out = atlscim_plan::new(plan);
        Ok(())
    })
}

/// The plan as JSON text (docs/sync.md, "Plan JSON"): summary, refusal, risks and steps. The
/// same inputs give the same text, byte for byte.
///
/// Ownership: the text belongs to `plan` and is valid until `atlscim_plan_free(plan)`.
/// NULL: returns `{NULL, 0}` for a NULL `plan`.
/// Threads: safe to call from any thread, also on the same plan at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_plan_json(plan: *const atlscim_plan) -> atlscim_str {
    // SAFETY: the caller passes NULL or a live plan.
    let plan = unsafe { plan.as_ref() };
    guard(atlscim_str::ABSENT, || plan.map_or(atlscim_str::ABSENT, |p| atlscim_str::new(&p.json)))
}

/// The number of steps (requests) the plan holds; 0 for a plan with nothing to change, and for
/// a NULL `plan`.
///
/// Threads: safe to call from any thread, also on the same plan at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_plan_step_count(plan: *const atlscim_plan) -> usize {
    // SAFETY: the caller passes NULL or a live plan.
    let plan = unsafe { plan.as_ref() };
    guard(0, || plan.map_or(0, |p| p.plan.steps.len()))
}

/// Why a guard rail refused the plan (e.g. "too_many_removals: 812 deactivations and deletes,
/// more than max_removals (500)"), or `{NULL, 0}` when it was not refused (and for a NULL `plan`).
/// A refused plan cannot be carried out: `atlscim_sync_new` fails with
/// `ATLSCIM_STATUS_PLAN_REFUSED`.
///
/// Ownership: the text belongs to `plan` and is valid until `atlscim_plan_free(plan)`.
/// Threads: safe to call from any thread, also on the same plan at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_plan_refusal(plan: *const atlscim_plan) -> atlscim_str {
    // SAFETY: the caller passes NULL or a live plan.
    let plan = unsafe { plan.as_ref() };
    guard(atlscim_str::ABSENT, || {
        plan.and_then(|p| p.plan.refusal.as_ref()).map_or(atlscim_str::ABSENT, |r| atlscim_str::new(&r.detail))
    })
}

/// Checks a saved plan against the directory as it is now (`current`, read as for
/// `atlscim_plan_new`) before it runs: a step on a user or group that is gone, or a create whose
/// userName or group name is taken now. Writes a JSON array of lines, one per step that no longer
/// fits (`["s3: user 2819c223… is gone"]`), `[]` when the plan still applies.
///
/// Fails with `ATLSCIM_STATUS_INVALID_SYNC_INPUT` when `current` is not Users and Groups (reason
/// `input`), `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`,
/// `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `plan` and `current` stay the caller's. On success the caller owns `*out` and frees
/// it with `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for `atlscim_plan_new`.
/// NULL: `plan` and `out` must not be NULL; `current` may be NULL only with length 0 (an empty
/// directory); `err` may be NULL.
/// Threads: safe to call from any thread, also on the same plan at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_plan_drift(
    plan: *const atlscim_plan,
    current: *const c_char,
    current_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (plan, out, err) = unsafe { (plan.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let plan = &plan.ok_or_else(|| atlscim_error::null("plan"))?.plan;
        // SAFETY: the caller vouches for `current_len` bytes at `current`.
        let current = unsafe { resources(current, current_len, "current") }?;
        let lines = sync::drift(plan, &current);
        write_json(out, &lines);
        Ok(())
    })
}

/// Frees a plan. Executors started from it stay valid (they hold their own copy).
///
/// Ownership: takes `plan` back; it must not be used afterwards, nor freed twice.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `plan`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_plan_free(plan: *mut atlscim_plan) {
    // SAFETY: a non-NULL plan came from Box::into_raw in atlscim_plan::new, and is freed once.
    unsafe { free_box(plan) }
}

/// What the caller does next (`atlscim_sync_action.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum atlscim_sync_action_kind {
    /// Send the request the action describes, then pass its answer to `atlscim_sync_feed`.
    Send = 0,
    /// Call `atlscim_sync_next` again after `wait_seconds` (a 429's wait, a backoff, the rate
    /// budget).
    Wait = 1,
    /// Nothing left to send: every step has an outcome, or the run stopped on a refused
    /// credential (`atlscim_sync_state_json` says which).
    Done = 2,
}

/// The executor's next action, as `atlscim_sync_next` fills it in.
///
/// For `ATLSCIM_SYNC_ACTION_KIND_SEND`: the step id (`s3`), the HTTP method, the path relative to
/// the directory's SCIM base URL (append it to `https://api.atlassian.com/scim/directory/{id}`;
/// it may carry a query), the headers to send (add `Authorization: Bearer <token>` yourself: the
/// executor never sees the token) and the exact body text (`{NULL, 0}`: no body). The views
/// borrow from the executor and are valid until the next call on it (`atlscim_sync_next`,
/// `atlscim_sync_feed`, `atlscim_sync_free`).
///
/// For `ATLSCIM_SYNC_ACTION_KIND_WAIT`: `wait_seconds` (more than 0); the texts are `{NULL, 0}`
/// and there are no headers. For `ATLSCIM_SYNC_ACTION_KIND_DONE`: nothing else is set.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct atlscim_sync_action {
    pub kind: atlscim_sync_action_kind,
    pub step: atlscim_str,
    pub method: atlscim_str,
    pub path: atlscim_str,
    pub body: atlscim_str,
    pub headers: *const atlscim_header,
    pub header_count: usize,
    pub wait_seconds: f64,
}

impl atlscim_sync_action {
    const DONE: atlscim_sync_action = atlscim_sync_action {
        kind: atlscim_sync_action_kind::Done,
        step: atlscim_str::ABSENT,
        method: atlscim_str::ABSENT,
        path: atlscim_str::ABSENT,
        body: atlscim_str::ABSENT,
        headers: ptr::null(),
        header_count: 0,
        wait_seconds: 0.0,
    };
}

/// The executor and the text of the action it last handed out, which the caller's views borrow.
#[derive(Debug)]
struct Run {
    executor: Executor,
    /// The last `Send` action's texts: step, method, path, body, then each header's name and value.
    texts: Vec<String>,
    body: Option<String>,
    headers: Vec<atlscim_header>,
}

/// An executor: carries out a plan one request at a time without doing I/O (docs/sync.md). Ask
/// `atlscim_sync_next` what to do, send the request with your HTTP client, pass the answer to
/// `atlscim_sync_feed`, and save `atlscim_sync_state_json` after each call to resume after a
/// crash (`atlscim_sync_resume`). The state holds no token and no response bodies.
///
/// Made by `atlscim_sync_new` or `atlscim_sync_resume`, freed with `atlscim_sync_free`. It keeps
/// its own copy of the plan. An executor is a sequence: call it from one thread at a time (calls
/// at once take turns and corrupt nothing, but a second `atlscim_sync_next` replaces the action
/// the first one's views point into).
#[derive(Debug)]
pub struct atlscim_sync {
    run: Mutex<Run>,
}

impl atlscim_sync {
    /// The run, even after a panic inside a call (which the executor survives: its state is plain
    /// data changed step by step).
    fn lock(&self) -> MutexGuard<'_, Run> {
        self.run.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn into_raw(executor: Executor) -> *mut atlscim_sync {
        let run = Run { executor, texts: Vec::new(), body: None, headers: Vec::new() };
        Box::into_raw(Box::new(atlscim_sync { run: Mutex::new(run) }))
    }
}

/// Reads an executor's options (NULL: the defaults).
///
/// # Safety
///
/// As for [`optional`].
unsafe fn exec_options(ptr: *const c_char, len: usize) -> Result<ExecOptions, atlscim_error> {
    // SAFETY: passed on from the caller.
    Ok(unsafe { document::<ExecOptions>(ptr, len, "options", "options") }?.unwrap_or_default())
}

/// Starts an executor at the beginning of `plan`.
///
/// `options` is the executor options JSON (docs/sync.md: attempts, backoff, jitter seed, rate
/// budget, longest `Retry-After`), or NULL with length 0 for the defaults.
///
/// Fails with `ATLSCIM_STATUS_PLAN_REFUSED` when a guard rail refused the plan (the error's
/// reason names the guard), `ATLSCIM_STATUS_INVALID_SYNC_INPUT` (reason `options`, or `format`
/// for a plan of another version), `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `plan` and `options` stay the caller's and are not kept: the executor copies the
/// plan. On success the caller owns `*out` and frees it with `atlscim_sync_free`; on failure
/// `*out` is NULL. `err` as for `atlscim_plan_new`.
/// NULL: `plan` and `out` must not be NULL; `options` NULL (with length 0) is the defaults; `err`
/// may be NULL.
/// Threads: safe to call from any thread, also with the same plan from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_sync_new(
    plan: *const atlscim_plan,
    options: *const c_char,
    options_len: usize,
    out: *mut *mut atlscim_sync,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (plan, out, err) = unsafe { (plan.as_ref(), out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        let plan = &plan.ok_or_else(|| atlscim_error::null("plan"))?.plan;
        // SAFETY: the caller vouches for `options_len` bytes at `options`.
        let options = unsafe { exec_options(options, options_len) }?;
        *out = atlscim_sync::into_raw(start(plan, options, None)?);
        Ok(())
    })
}

/// The executor for `plan`, fresh or resuming `state`; a refusal names its guard rail.
fn start(plan: &Plan, options: ExecOptions, state: Option<ExecState>) -> Result<Executor, atlscim_error> {
    let started = match state {
        None => Executor::new(plan.clone(), options),
        Some(state) => Executor::resume(plan.clone(), options, state),
    };
    started.map_err(|e| match (&plan.refusal, e.kind()) {
        (Some(refusal), "refused") => {
            let guard = Cow::Owned(refusal.guard.clone());
            atlscim_error::sync(atlscim_status::PlanRefused, guard, format!("plan: {}", e.detail()))
        }
        _ => sync_error("plan", e),
    })
}

/// Starts an executor that resumes a run of `plan` from `state`, the text `atlscim_sync_state_json`
/// gave (saved before a crash or a stop). Steps with an outcome are not sent again; a step that
/// was in flight is treated as possibly applied: a create is first looked up (`userName eq`,
/// `displayName eq`) and sent only if absent, a PATCH or DELETE is sent again.
///
/// Fails as `atlscim_sync_new` does, and with `ATLSCIM_STATUS_INVALID_SYNC_INPUT` when `state`
/// is not a state (reason `json`), of another format version (`format`) or was saved for another
/// plan (`state`).
///
/// Ownership, NULL and threads: as for `atlscim_sync_new`; `state` must not be NULL unless its
/// length is 0 (empty text, which is not a state).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_sync_resume(
    plan: *const atlscim_plan,
    options: *const c_char,
    options_len: usize,
    state: *const c_char,
    state_len: usize,
    out: *mut *mut atlscim_sync,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (plan, out, err) = unsafe { (plan.as_ref(), out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        let plan = &plan.ok_or_else(|| atlscim_error::null("plan"))?.plan;
        // SAFETY: the caller vouches for each pointer and length.
        let (options, state) = unsafe {
            let state_text = optional(state, state_len, "state")?.unwrap_or_default();
            let state = serde_json::from_slice::<ExecState>(state_text)
                .map_err(|e| atlscim_error::sync(atlscim_status::InvalidSyncInput, "json", format!("state: {e}")))?;
            (exec_options(options, options_len)?, state)
        };
        *out = atlscim_sync::into_raw(start(plan, options, Some(state))?);
        Ok(())
    })
}

/// What to do next, at time `now` (seconds since the Unix epoch; the executor reads no clock):
/// send a request, wait, or stop. Fills in `*out` (see `atlscim_sync_action`).
///
/// A `SEND` is recorded in the state as sent before it is handed out, so save the state
/// (`atlscim_sync_state_json`) before sending. Calling this again without feeding an answer hands
/// the step out again as a request whose outcome is unknown (a create is looked up first).
///
/// Ownership: `sync` stays the caller's; the views in `*out` borrow from it (see
/// `atlscim_sync_action`). On failure `*out` is a `DONE` action with no texts. `err` as for
/// `atlscim_plan_new`.
/// NULL: `sync` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: one thread at a time per executor (see `atlscim_sync`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_sync_next(
    sync: *mut atlscim_sync,
    now: f64,
    out: *mut atlscim_sync_action,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above). Shared access is enough: the
    // run is behind its lock.
    let (sync, out, err) = unsafe { (sync.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = out.ok_or_else(|| atlscim_error::null("out"))?;
        *out = atlscim_sync_action::DONE;
        let mut run = sync.ok_or_else(|| atlscim_error::null("sync"))?.lock();
        *out = match run.executor.next(now) {
            Action::Done => atlscim_sync_action::DONE,
            Action::Wait { seconds } => atlscim_sync_action {
                kind: atlscim_sync_action_kind::Wait,
                wait_seconds: seconds,
                ..atlscim_sync_action::DONE
            },
            Action::Send { step, method, path, headers, body } => {
                let run = &mut *run;
                run.texts.clear();
                run.texts.extend([step, method, path]);
                for (name, value) in headers {
                    run.texts.extend([name, value]);
                }
                run.body = body;
                // The strings are in place now and do not move until the next call: point at them.
                run.headers = run.texts[3..]
                    .chunks_exact(2)
                    .map(|pair| {
                        let (name, value) = (atlscim_str::new(&pair[0]), atlscim_str::new(&pair[1]));
                        atlscim_header { name: name.data, name_len: name.len, value: value.data, value_len: value.len }
                    })
                    .collect();
                atlscim_sync_action {
                    kind: atlscim_sync_action_kind::Send,
                    step: atlscim_str::new(&run.texts[0]),
                    method: atlscim_str::new(&run.texts[1]),
                    path: atlscim_str::new(&run.texts[2]),
                    body: run.body.as_deref().map_or(atlscim_str::ABSENT, atlscim_str::new),
                    headers: if run.headers.is_empty() { ptr::null() } else { run.headers.as_ptr() },
                    header_count: run.headers.len(),
                    wait_seconds: 0.0,
                }
            }
        };
        Ok(())
    })
}

/// Takes the answer to the request `atlscim_sync_next` handed out, received at time `now`:
/// `status` is the HTTP status, or 0 when no answer came (a timeout, a connection lost: the
/// write may have been applied), with the response's headers and body. The executor decides
/// with `atlscim_response_classify`: go on, wait and resend (429), back off and retry (5xx, no
/// answer), look up a create that answered 409 after a retry, stop (401, 403) or record a
/// failure and skip the steps that depend on it.
///
/// Fails with `ATLSCIM_STATUS_NOTHING_OUTSTANDING` when no request is outstanding (the call has
/// no effect), `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`. Header values
/// and a body that are not UTF-8 are read with U+FFFD in place of the bad bytes.
///
/// Ownership: `body` and `headers` stay the caller's and are not kept. The views of the last
/// action are no longer valid after this call. `err` as for `atlscim_plan_new`.
/// NULL: `sync` must not be NULL; `body` may be NULL only with `body_len` 0, `headers` only with
/// `header_count` 0; `err` may be NULL.
/// Threads: one thread at a time per executor (see `atlscim_sync`).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // an HTTP answer, as atlscim_response_classify takes it
pub unsafe extern "C" fn atlscim_sync_feed(
    sync: *mut atlscim_sync,
    status: u16,
    body: *const c_char,
    body_len: usize,
    headers: *const atlscim_header,
    header_count: usize,
    now: f64,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (sync, err) = unsafe { (sync.as_ref(), out_ref(err)) };
    call(err, || {
        let sync = sync.ok_or_else(|| atlscim_error::null("sync"))?;
        // SAFETY: the caller vouches for each pointer and length.
        let response = unsafe { http_response(status, body, body_len, headers, header_count) }?;
        let mut run = sync.lock();
        run.headers.clear();
        run.executor.feed(&response, now).map_err(|e| sync_error("feed", e))
    })
}

/// The caller's answer as the executor takes it. A header sent twice keeps its last value (the
/// headers the executor reads, `Retry-After` and `X-RateLimit-Reset`, come once).
///
/// # Safety
///
/// As for `atlscim_sync_feed`.
unsafe fn http_response(
    status: u16,
    body: *const c_char,
    body_len: usize,
    headers: *const atlscim_header,
    header_count: usize,
) -> Result<HttpResponse, atlscim_error> {
    // SAFETY: passed on from the caller.
    let body = unsafe { optional(body, body_len, "body") }?.unwrap_or_default();
    // SAFETY: passed on from the caller.
    let headers = unsafe { header_array(headers, header_count) }?;
    let mut response =
        HttpResponse { status, body: String::from_utf8_lossy(body).into_owned(), ..HttpResponse::default() };
    for h in headers {
        // SAFETY: the caller vouches for each header's pointers and lengths.
        let (name, value) = unsafe {
            (
                optional(h.name, h.name_len, "header name")?.unwrap_or_default(),
                optional(h.value, h.value_len, "header value")?.unwrap_or_default(),
            )
        };
        response
            .headers
            .insert(String::from_utf8_lossy(name).into_owned(), String::from_utf8_lossy(value).into_owned());
    }
    Ok(response)
}

/// The executor's state as JSON text (docs/sync.md, "State JSON"): every step's outcome
/// (`pending`, `applied`, `adopted`, `conflict`, `failed`, `skipped`, `not_run`), the id each
/// create got, attempts, and why the run stopped. Save it after every call; pass it to
/// `atlscim_sync_resume` to go on after a crash. It holds no token and no response bodies.
///
/// Ownership: `sync` stays the caller's. On success the caller owns `*out` and frees it with
/// `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for `atlscim_plan_new`.
/// NULL: `sync` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: one thread at a time per executor (see `atlscim_sync`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_sync_state_json(
    sync: *const atlscim_sync,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (sync, out, err) = unsafe { (sync.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let run = sync.ok_or_else(|| atlscim_error::null("sync"))?.lock();
        *out = atlscim_bytes::new(run.executor.state_json());
        Ok(())
    })
}

/// The number of steps with each outcome so far, as JSON text: `{"applied": 3, "failed": 1,
/// "pending": 2}` (outcomes with no step are left out).
///
/// Ownership, NULL and threads: as for `atlscim_sync_state_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_sync_outcomes_json(
    sync: *const atlscim_sync,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (sync, out, err) = unsafe { (sync.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let run = sync.ok_or_else(|| atlscim_error::null("sync"))?.lock();
        write_json(out, &run.executor.outcome_counts());
        Ok(())
    })
}

/// Frees an executor. Save its state first to resume the run later.
///
/// Ownership: takes `sync` back; it must not be used afterwards, nor freed twice; the views of
/// its last action go with it.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `sync`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_sync_free(sync: *mut atlscim_sync) {
    // SAFETY: a non-NULL executor came from Box::into_raw in atlscim_sync::into_raw, freed once.
    unsafe { free_box(sync) }
}

/// The paged read of a list endpoint (`GET /Users`, `GET /Groups`) without I/O: ask
/// `atlscim_pager_next_path` what to GET, send it with your HTTP client (waiting out 429s and
/// retrying 5xx as for any request), pass each 200 answer's body to `atlscim_pager_feed`, which
/// gives the page's resources, until the next path is `{NULL, 0}`. `startIndex`, `totalResults`
/// and the end of the listing are the library's business.
///
/// Made by `atlscim_pager_new`, freed with `atlscim_pager_free`. Call it from one thread at a
/// time (calls at once take turns).
#[derive(Debug)]
pub struct atlscim_pager {
    pager: Mutex<sync::Pager>,
}

/// A pager for `collection` (`Users` or `Groups`, UTF-8), `count` resources a page (0 is the
/// default, 100).
///
/// Fails with `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`,
/// `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `collection` stays the caller's. On success the caller owns `*out` and frees it
/// with `atlscim_pager_free`; on failure `*out` is NULL. `err` as for `atlscim_plan_new`.
/// NULL: `collection` and `out` must not be NULL; `err` may be.
/// Threads: safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_pager_new(
    collection: *const c_char,
    collection_len: usize,
    count: usize,
    out: *mut *mut atlscim_pager,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (out, err) = unsafe { (out_ref(out), out_ref(err)) };
    call(err, || {
        let out = out_param(out)?;
        if collection.is_null() {
            return Err(atlscim_error::null("collection"));
        }
        // SAFETY: the caller vouches for `collection_len` bytes at `collection`.
        let collection = unsafe { text(collection, collection_len, "collection") }?;
        let count = if count == 0 { sync::PAGE_SIZE } else { count };
        *out = Box::into_raw(Box::new(atlscim_pager { pager: Mutex::new(sync::Pager::new(collection, count)) }));
        Ok(())
    })
}

/// The path of the next page to GET (relative to the directory's base URL, e.g.
/// `/Users?startIndex=101&count=100`), or `{NULL, 0}` when every page has been read.
///
/// Ownership: `pager` stays the caller's. The caller owns `*out` and frees it with
/// `atlscim_bytes_free`. `err` as for `atlscim_plan_new`.
/// NULL: `pager` and `out` must not be NULL (`ATLSCIM_STATUS_NULL_PARAMETER`); `err` may be.
/// Threads: one thread at a time per pager.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_pager_next_path(
    pager: *const atlscim_pager,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (pager, out, err) = unsafe { (pager.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let pager = pager.ok_or_else(|| atlscim_error::null("pager"))?;
        let next = pager.pager.lock().unwrap_or_else(PoisonError::into_inner).next_path();
        if let Some(path) = next {
            *out = atlscim_bytes::new(path);
        }
        Ok(())
    })
}

/// Takes the body of the 200 answer to the path `atlscim_pager_next_path` gave, and writes the
/// page's resources as a JSON array.
///
/// Fails with `ATLSCIM_STATUS_INVALID_SYNC_INPUT` (reason `input`) for a body that is no
/// ListResponse, a feed after the last page, or a listing that does not end; and
/// `ATLSCIM_STATUS_INVALID_UTF8`, `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `pager` and `body` stay the caller's. On success the caller owns `*out` and frees
/// it with `atlscim_bytes_free`; on failure `*out` is `{NULL, 0}`. `err` as for
/// `atlscim_plan_new`.
/// NULL: `pager` and `out` must not be NULL; `body` may be NULL only with length 0; `err` may be.
/// Threads: one thread at a time per pager.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_pager_feed(
    pager: *const atlscim_pager,
    body: *const c_char,
    body_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (pager, out, err) = unsafe { (pager.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let pager = pager.ok_or_else(|| atlscim_error::null("pager"))?;
        // SAFETY: the caller vouches for `body_len` bytes at `body`.
        let body = unsafe { optional(body, body_len, "body") }?.unwrap_or_default();
        let resources =
            pager.pager.lock().unwrap_or_else(PoisonError::into_inner).feed(body).map_err(|e| sync_error("page", e))?;
        write_json(out, &resources);
        Ok(())
    })
}

/// Frees a pager.
///
/// Ownership: takes `pager` back; it must not be used afterwards, nor freed twice.
/// NULL: does nothing.
/// Threads: must not run while another thread still uses `pager`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_pager_free(pager: *mut atlscim_pager) {
    // SAFETY: a non-NULL pager came from Box::into_raw in atlscim_pager_new, freed once.
    unsafe { free_box(pager) }
}
