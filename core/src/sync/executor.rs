//! The sans-IO executor: hands out a plan's requests one at a time and reads the answers, in
//! the style of h11. It opens no socket and reads no clock: the caller sends each request with
//! the HTTP client of its platform, passes `now` (seconds since the Unix epoch) with every call,
//! and seeds the backoff jitter.
//!
//! Each step is recorded as sent *before* its request is handed out, so a state saved after any
//! call and loaded after a crash never repeats a write blindly: an in-flight create is first
//! looked up (`userName eq` / `displayName eq`); an in-flight PATCH is reconciled by a GET of the
//! resource and a fresh diff (the PATCH applied to what is there: nothing changes, it was applied;
//! otherwise it is sent); an in-flight DELETE is sent again (a 404 after an unknown outcome
//! counts as applied).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::types::{PLAN_FORMAT, Plan, Step, StepKind, SyncError};
use crate::profile::Profile;
use crate::response::{ResponseKind, classify_response};
use crate::schema::ResourceKind;

/// The format version of a saved executor state (`"format"`).
pub const STATE_FORMAT: u32 = 1;

/// How the executor retries and paces. `{}` is a valid options document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecOptions {
    /// Sends of one request that end in 5xx or no answer before the step fails (default 5).
    pub max_attempts: u32,
    /// 429 answers one step may wait out before it fails (default 20).
    pub max_rate_limited: u32,
    /// First backoff after a 5xx or no answer, in seconds (default 1); doubles each time.
    pub backoff_base: f64,
    /// Longest backoff, in seconds (default 60).
    pub backoff_max: f64,
    /// Seed of the backoff jitter (each backoff is scaled by a factor in [0.5, 1)).
    pub jitter_seed: u64,
    /// Requests per second at most (rate budget); `null` sends as fast as answers come.
    pub rate_per_second: Option<f64>,
    /// Longest wait a `Retry-After` may ask for, in seconds (default one day).
    pub max_retry_after: f64,
}

impl Default for ExecOptions {
    fn default() -> ExecOptions {
        ExecOptions {
            max_attempts: 5,
            max_rate_limited: 20,
            backoff_base: 1.0,
            backoff_max: 60.0,
            jitter_seed: 0,
            rate_per_second: None,
            max_retry_after: 86_400.0,
        }
    }
}

/// What the caller does next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Send this request (the path is relative to the directory's base URL; add the
    /// `Authorization` header yourself — the executor never sees the token).
    Send { step: String, method: String, path: String, headers: BTreeMap<String, String>, body: Option<String> },
    /// Call `next` again after this many seconds.
    Wait { seconds: f64 },
    /// Nothing left to send (or the run stopped: see the state's `stopped`).
    Done,
}

/// An HTTP answer as the caller received it. `status` 0 means no answer (timeout, connection
/// reset): the write may or may not have been applied.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// A step's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not finished yet.
    Pending,
    /// Atlassian accepted it.
    Applied,
    /// A create answered 409 after an earlier attempt may have succeeded; the lookup found the
    /// resource with the same externalId (or userName, or group name), whose id is used.
    Adopted,
    /// A create answered 409 and what holds the name is not the desired resource.
    Conflict,
    /// Refused for good (400, 404, retries exhausted).
    Failed,
    /// A step it depends on did not succeed.
    Skipped,
    /// The run stopped (401/403) before it.
    NotRun,
}

impl Outcome {
    const ALL: [Outcome; 7] = [
        Outcome::Pending,
        Outcome::Applied,
        Outcome::Adopted,
        Outcome::Conflict,
        Outcome::Failed,
        Outcome::Skipped,
        Outcome::NotRun,
    ];

    /// The name in the state file and in [`Executor::outcome_counts`].
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Applied => "applied",
            Outcome::Adopted => "adopted",
            Outcome::Conflict => "conflict",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::NotRun => "not_run",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Why a lookup is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// Resuming a create that was in flight: not found means send it.
    Resume,
    /// A create answered 409 after a retry: not found means a conflict.
    Conflict,
}

/// One step's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepState {
    pub id: String,
    pub outcome: Outcome,
    /// Requests handed out for this step (lookups included).
    pub sent: u32,
    /// 5xx answers and lost answers so far.
    pub errors: u32,
    /// 429 answers so far.
    pub rate_limited: u32,
    /// A request is out and its answer not yet fed.
    pub in_flight: bool,
    /// An earlier send may have been applied without our knowing (no answer, 5xx, resume).
    pub maybe_applied: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<Lookup>,
    /// The id of the resource the step created or adopted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Everything the executor knows, serializable: save it after every call, load it to resume.
/// It holds no token and no response bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecState {
    /// [`STATE_FORMAT`].
    pub format: u32,
    /// FNV-1a of the plan's JSON text: a state resumes only the plan it was made for.
    pub plan_digest: String,
    pub steps: Vec<StepState>,
    /// Why the run stopped (a 401 or 403), when it did.
    pub stopped: Option<String>,
    /// No request before this time (a 429's wait, a backoff).
    pub not_before: f64,
    /// When the last request was handed out (for the rate budget).
    pub last_sent: Option<f64>,
    /// The jitter generator's state.
    pub rng: u64,
}

/// Runs a [`Plan`]: [`Executor::next`] and [`Executor::feed`] in turn until `Done`.
#[derive(Debug, Clone)]
pub struct Executor {
    plan: Plan,
    options: ExecOptions,
    state: ExecState,
    index: HashMap<String, usize>,
    /// Steps before this one all have an outcome (outcomes never go back to pending), so `next`
    /// does not scan the plan from the start each time: a run is linear in its steps.
    cursor: usize,
    /// The step whose request is out, if any.
    outstanding: Option<usize>,
    /// Steps by outcome ([`Outcome::index`]), kept as outcomes change.
    counts: [usize; 7],
}

fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// splitmix64: small, seedable, and the same in every binding's state file.
fn next_random(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Executor {
    /// An executor at the start of `plan`. Refuses a plan a guard rail refused, or of another
    /// format.
    pub fn new(plan: Plan, options: ExecOptions) -> Result<Executor, SyncError> {
        if plan.format != PLAN_FORMAT {
            return Err(SyncError::new("format", format!("plan format {}, expected {PLAN_FORMAT}", plan.format)));
        }
        if let Some(r) = &plan.refusal {
            return Err(SyncError::new("refused", format!("the plan was refused ({}): {}", r.guard, r.detail)));
        }
        let steps = plan
            .steps
            .iter()
            .map(|s| StepState {
                id: s.id.clone(),
                outcome: Outcome::Pending,
                sent: 0,
                errors: 0,
                rate_limited: 0,
                in_flight: false,
                maybe_applied: false,
                lookup: None,
                resource_id: None,
                status: None,
                detail: None,
            })
            .collect();
        let state = ExecState {
            format: STATE_FORMAT,
            plan_digest: digest(&plan.to_json_string()),
            steps,
            stopped: None,
            not_before: 0.0,
            last_sent: None,
            rng: options.jitter_seed,
        };
        let index = plan.steps.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        let mut counts = [0; 7];
        counts[Outcome::Pending.index()] = plan.steps.len();
        Ok(Executor { plan, options, state, index, cursor: 0, outstanding: None, counts })
    }

    /// An executor resuming `state` (as [`Executor::state`] saved it) for the same `plan`. A step
    /// that was in flight is treated as possibly applied.
    pub fn resume(plan: Plan, options: ExecOptions, mut state: ExecState) -> Result<Executor, SyncError> {
        if state.format != STATE_FORMAT {
            return Err(SyncError::new("format", format!("state format {}, expected {STATE_FORMAT}", state.format)));
        }
        let mut fresh = Executor::new(plan, options)?;
        if state.plan_digest != fresh.state.plan_digest || state.steps.len() != fresh.state.steps.len() {
            return Err(SyncError::new("state", "the state was saved for another plan"));
        }
        for s in &mut state.steps {
            if s.in_flight {
                s.in_flight = false;
                s.maybe_applied = true;
            }
        }
        fresh.counts = [0; 7];
        for s in &state.steps {
            fresh.counts[s.outcome.index()] += 1;
        }
        fresh.state = state;
        fresh.cursor =
            fresh.state.steps.iter().position(|s| s.outcome == Outcome::Pending).unwrap_or(fresh.state.steps.len());
        Ok(fresh)
    }

    pub fn state(&self) -> &ExecState {
        &self.state
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The state as JSON text.
    pub fn state_json(&self) -> String {
        serde_json::to_string(&self.state).unwrap_or_default()
    }

    /// Whether every step has an outcome (or the run stopped).
    pub fn is_done(&self) -> bool {
        self.state.stopped.is_some() || self.counts[Outcome::Pending.index()] == 0
    }

    /// Counts of outcomes, by name.
    /// Counts of outcomes, by name (only outcomes some step has). Kept as the run goes: O(1).
    pub fn outcome_counts(&self) -> BTreeMap<&'static str, usize> {
        Outcome::ALL
            .iter()
            .filter(|o| self.counts[o.index()] > 0)
            .map(|o| (o.as_str(), self.counts[o.index()]))
            .collect()
    }

    /// Records step `i`'s outcome (and keeps the counts).
    fn set_outcome(&mut self, i: usize, outcome: Outcome) {
        let s = &mut self.state.steps[i];
        self.counts[s.outcome.index()] -= 1;
        self.counts[outcome.index()] += 1;
        s.outcome = outcome;
    }

    /// The next thing to do at time `now`. Calling it again before feeding the answer hands out
    /// the same step again, as a resumed run would (an in-flight create is looked up first).
    pub fn next(&mut self, now: f64) -> Action {
        loop {
            if self.state.stopped.is_some() {
                for i in 0..self.state.steps.len() {
                    if self.state.steps[i].outcome == Outcome::Pending {
                        self.set_outcome(i, Outcome::NotRun);
                    }
                }
                return Action::Done;
            }
            while self.cursor < self.state.steps.len() && self.state.steps[self.cursor].outcome != Outcome::Pending {
                self.cursor += 1;
            }
            let i = self.cursor;
            if i == self.state.steps.len() {
                return Action::Done;
            }
            if let Some(dep) = self.failed_dependency(i) {
                self.set_outcome(i, Outcome::Skipped);
                self.state.steps[i].detail = Some(format!("depends on {dep}, which did not succeed"));
                continue;
            }
            if now < self.state.not_before {
                return Action::Wait { seconds: self.state.not_before - now };
            }
            if let (Some(rate), Some(last)) = (self.options.rate_per_second, self.state.last_sent)
                && rate > 0.0
                && now < last + 1.0 / rate
            {
                return Action::Wait { seconds: last + 1.0 / rate - now };
            }
            let step = &self.plan.steps[i];
            let s = &mut self.state.steps[i];
            if s.in_flight {
                // Handed out before and never answered: as after a crash.
                s.in_flight = false;
                s.maybe_applied = true;
            }
            // Never answered (in flight at a crash): a create is looked up, a PATCH fetched.
            if s.maybe_applied
                && s.lookup.is_none()
                && (step.kind.creates() || step.method == "PATCH")
                && s.sent > 0
                && s.status.is_none()
            {
                s.lookup = Some(Lookup::Resume);
            }
            s.in_flight = true;
            s.sent += 1;
            self.outstanding = Some(i);
            self.state.last_sent = Some(now);
            let action = match s.lookup {
                Some(_) if step.kind.creates() => lookup_request(step),
                Some(_) => self.fetch_request(i),
                None => self.request(i),
            };
            return action;
        }
    }

    /// The first dependency of step `i` that did not succeed, if any has an outcome already.
    fn failed_dependency(&self, i: usize) -> Option<String> {
        self.plan.steps[i].depends_on.iter().find_map(|d| {
            let j = *self.index.get(d)?;
            match self.state.steps[j].outcome {
                Outcome::Applied | Outcome::Adopted | Outcome::Pending => None,
                _ => Some(d.clone()),
            }
        })
    }

    /// Step `i`'s request with symbolic ids resolved.
    fn request(&self, i: usize) -> Action {
        let step = &self.plan.steps[i];
        let path = self.resolve_text(&step.path);
        let body = step.body.as_ref().map(|b| self.resolve_value(b).to_string());
        let mut headers = BTreeMap::new();
        headers.insert("Accept".to_string(), "application/scim+json".to_string());
        if body.is_some() {
            headers.insert("Content-Type".to_string(), "application/scim+json".to_string());
        }
        Action::Send { step: step.id.clone(), method: step.method.clone(), path, headers, body }
    }

    /// The GET of the resource step `i` (a PATCH) changes, to see whether it was applied.
    fn fetch_request(&self, i: usize) -> Action {
        let step = &self.plan.steps[i];
        let mut headers = BTreeMap::new();
        headers.insert("Accept".to_string(), "application/scim+json".to_string());
        Action::Send {
            step: step.id.clone(),
            method: "GET".into(),
            path: self.resolve_text(&step.path),
            headers,
            body: None,
        }
    }

    fn resolve_text(&self, text: &str) -> String {
        if !text.contains("${") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    let name = &after[..end];
                    match self.index.get(name).and_then(|&j| self.state.steps[j].resource_id.as_deref()) {
                        Some(id) => out.push_str(id),
                        None => out.push_str(&rest[start..start + 3 + end]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn resolve_value(&self, v: &Value) -> Value {
        match v {
            Value::String(s) if s.contains("${") => Value::String(self.resolve_text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.resolve_value(x)).collect()),
            Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), self.resolve_value(x))).collect()),
            other => other.clone(),
        }
    }

    /// Takes the answer to the request `next` handed out, at time `now`.
    pub fn feed(&mut self, response: &HttpResponse, now: f64) -> Result<(), SyncError> {
        let Some(i) = self.outstanding.take().filter(|&i| self.state.steps[i].in_flight) else {
            return Err(SyncError::new("feed", "no request is outstanding"));
        };
        self.state.steps[i].in_flight = false;
        let before = self.state.steps[i].outcome;
        let headers: Vec<(&str, &str)> = response.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let classified = (response.status != 0)
            .then(|| classify_response(response.status, response.body.as_bytes(), &headers, Some(now)));
        let kind = classified.as_ref().map(|c| c.kind);
        let step = &self.plan.steps[i];
        // A PATCH fetched on resume: its body as it would be sent, for the fresh diff.
        let patch = (self.state.steps[i].lookup.is_some() && !step.kind.creates())
            .then(|| step.body.as_ref().map(|b| self.resolve_value(b)))
            .flatten();
        let s = &mut self.state.steps[i];
        s.status = Some(response.status);
        match kind {
            None | Some(ResponseKind::ServerError) => {
                s.maybe_applied = true;
                s.errors += 1;
                if s.errors >= self.options.max_attempts {
                    s.outcome = Outcome::Failed;
                    s.detail =
                        Some(format!("gave up after {} failed attempts (last status {})", s.errors, response.status));
                } else {
                    let exp = self.options.backoff_base * 2f64.powi(s.errors.saturating_sub(1).min(60) as i32);
                    let jitter = 0.5 + 0.5 * next_random(&mut self.state.rng);
                    let mut wait = exp.min(self.options.backoff_max) * jitter;
                    if let Some(after) = classified.as_ref().and_then(|c| c.retry_after) {
                        wait = wait.max(after.min(self.options.max_retry_after));
                    }
                    self.state.not_before = now + wait;
                }
            }
            Some(ResponseKind::RateLimited) => {
                s.rate_limited += 1;
                if s.rate_limited > self.options.max_rate_limited {
                    s.outcome = Outcome::Failed;
                    s.detail = Some(format!("rate limited {} times", s.rate_limited));
                } else {
                    let after = classified.as_ref().and_then(|c| c.retry_after).unwrap_or(1.0);
                    self.state.not_before = now + after.min(self.options.max_retry_after);
                }
            }
            Some(ResponseKind::CredentialRejected) => {
                let detail = classified.as_ref().and_then(|c| c.detail.clone()).unwrap_or_default();
                s.outcome = Outcome::NotRun;
                s.detail = Some(format!("{}: the API key was refused; {detail}", response.status));
                self.state.stopped = Some(format!("stopped on {} (credential): {detail}", response.status));
            }
            Some(ResponseKind::Success) => succeeded(step, s, patch.as_ref(), &response.body),
            Some(ResponseKind::Conflict) if step.kind.creates() && s.lookup.is_none() && s.maybe_applied => {
                // The 409-after-retry trap: the earlier attempt may have created it.
                s.lookup = Some(Lookup::Conflict);
            }
            Some(ResponseKind::NotFound) if step.method == "DELETE" && s.maybe_applied => {
                s.outcome = Outcome::Applied;
                s.detail = Some("already gone (an earlier attempt was applied)".into());
            }
            Some(k) => {
                s.outcome = if k == ResponseKind::Conflict { Outcome::Conflict } else { Outcome::Failed };
                let c = classified.as_ref();
                let rule = c.and_then(|c| c.rule).map(|r| format!(" [{}]", r.id)).unwrap_or_default();
                let detail = c.and_then(|c| c.detail.clone()).unwrap_or_default();
                s.detail = Some(format!("{}{rule}: {detail}", response.status));
            }
        }
        let after = self.state.steps[i].outcome;
        if after != before {
            self.counts[before.index()] -= 1;
            self.counts[after.index()] += 1;
        }
        Ok(())
    }

    /// The outcome of step `id`.
    pub fn outcome(&self, id: &str) -> Option<&StepState> {
        self.index.get(id).map(|&i| &self.state.steps[i])
    }

    /// The step definitions with their records, in plan order.
    pub fn steps(&self) -> impl Iterator<Item = (&Step, &StepState)> {
        self.plan.steps.iter().zip(&self.state.steps)
    }
}

/// A 2xx answer to step `step` (its record `s`): a lookup's (a create's, or a PATCH fetched on
/// resume, `patch` its body as it would be sent) or the request's own.
fn succeeded(step: &Step, s: &mut StepState, patch: Option<&Value>, body: &str) {
    match s.lookup {
        Some(_) if !step.kind.creates() => {
            s.lookup = None;
            if already_applied(step, patch, body) {
                s.outcome = Outcome::Applied;
                s.detail = Some("found applied when resumed (the resource fetched and diffed)".into());
            } else {
                // Not (all) applied: send the PATCH itself next.
                s.maybe_applied = false;
                s.status = None;
            }
        }
        Some(why) => match found(step, body) {
            Found::Same(id) => {
                s.outcome = Outcome::Adopted;
                s.resource_id = Some(id);
                s.lookup = None;
            }
            Found::Other(detail) => {
                s.outcome = Outcome::Conflict;
                s.detail = Some(detail);
            }
            Found::None if why == Lookup::Resume => {
                // Never applied: send the create itself next.
                s.lookup = None;
                s.maybe_applied = false;
                s.status = None;
            }
            Found::None => {
                s.outcome = Outcome::Conflict;
                s.detail = Some("409, and no resource with that name was found".into());
            }
        },
        None => {
            if step.kind.creates() {
                let id = serde_json::from_str::<Value>(body)
                    .ok()
                    .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string));
                match id {
                    Some(id) => {
                        s.outcome = Outcome::Applied;
                        s.resource_id = Some(id);
                    }
                    None => {
                        s.outcome = Outcome::Failed;
                        s.detail = Some("the create answered without an id".into());
                    }
                }
            } else {
                s.outcome = Outcome::Applied;
            }
        }
    }
}

/// Whether the resource fetched (`body`) already is what the step's PATCH makes of it: the
/// PATCH applied to it and diffed against it gives nothing to send.
fn already_applied(step: &Step, patch: Option<&Value>, body: &str) -> bool {
    let (Some(patch), Ok(fetched)) = (patch, serde_json::from_str::<Value>(body)) else { return false };
    let kind = if step.path.starts_with("/Groups/") { ResourceKind::Group } else { ResourceKind::User };
    let profile = Profile::atlassian();
    profile
        .apply_patch(&fetched, patch, kind)
        .ok()
        .and_then(|patched| profile.diff(&fetched, &patched, kind).ok())
        .is_some_and(|messages| messages.is_empty())
}

enum Found {
    Same(String),
    Other(String),
    None,
}

/// The lookup that reconciles a create: users by `userName eq`, groups by `displayName eq`.
fn lookup_request(step: &Step) -> Action {
    let (collection, attr, value) = if step.kind == StepKind::CreateGroup {
        ("Groups", "displayName", step.subject.display_name.clone().unwrap_or_default())
    } else {
        ("Users", "userName", step.subject.user_name.clone().unwrap_or_default())
    };
    let filter = format!("{attr} eq \"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    let mut headers = BTreeMap::new();
    headers.insert("Accept".to_string(), "application/scim+json".to_string());
    Action::Send {
        step: step.id.clone(),
        method: "GET".into(),
        path: format!("/{collection}?filter={}", percent_encode(&filter)),
        headers,
        body: None,
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a lookup found: the desired resource (externalId equal when the plan has one, else the
/// name equal ignoring case), something else holding the name, or nothing.
fn found(step: &Step, body: &str) -> Found {
    let Ok(v) = serde_json::from_str::<Value>(body) else { return Found::None };
    let list = v.get("Resources").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let want_ext = step.subject.external_id.as_deref();
    let (attr, want_name) = if step.kind == StepKind::CreateGroup {
        ("displayName", step.subject.display_name.as_deref())
    } else {
        ("userName", step.subject.user_name.as_deref())
    };
    let mut other = None;
    for r in list {
        let Some(id) = r.get("id").and_then(Value::as_str) else { continue };
        let ext = r.get("externalId").and_then(Value::as_str);
        let name = r.get(attr).and_then(Value::as_str);
        let same = match want_ext {
            Some(x) => ext == Some(x),
            None => name.zip(want_name).is_some_and(|(a, b)| a.to_lowercase() == b.to_lowercase()),
        };
        if same {
            return Found::Same(id.to_string());
        }
        other = Some(format!(
            "409: {attr} {:?} is held by {id} (externalId {:?}), not the desired resource",
            name.unwrap_or_default(),
            ext.unwrap_or_default()
        ));
    }
    other.map_or(Found::None, Found::Other)
}
