//! Batches: many requests checked as one directory sync, with the rules only a batch can see.
//!
//! A [`Batch`] is fed one request at a time, so a caller can stream a 150,000-user export
//! through it; what it keeps is one lower-cased userName and email per user (`seen.rs`: about
//! 33 MB at the peak for Atlassian's 150,000-user directory limit, tables' growth included) and
//! the ids the batch deleted. The rules it adds:
//! - ATL-U-007: a userName or primary email that an earlier request of the batch already sent;
//! - ATL-L-001: users created beyond `limits.users_per_directory` (counting
//!   `directory_user_count`, the users the directory already holds);
//! - ATL-U-023: a request for a user the batch already deleted;
//! - ATL-G-007: a group whose members, as the batch sets and changes them, exceed
//!   `limits.users_per_group`.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde_json::Value;

use crate::check::{Facts, GroupSize};
use crate::profile::{self, Profile};
use crate::report::{Issue, Report, Severity};
use crate::request::{Endpoint, Method, Request};
use crate::rules::{self, Rule};
use crate::schema::ResourceKind;
use crate::walk::loc::Loc;

mod seen;
use seen::SeenKeys;

/// Totals over a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    pub requests: usize,
    pub valid: usize,
    pub invalid: usize,
    /// How many issues each rule raised, by rule id.
    pub by_rule: BTreeMap<&'static str, usize>,
}

impl BatchSummary {
    /// The summary as JSON, the same from every binding and the CLI:
    /// `{"requests": 3, "valid": 2, "invalid": 1, "byRule": {"ATL-U-007": 1}}`.
    pub fn to_json(&self) -> Value {
        let by_rule: serde_json::Map<String, Value> =
            self.by_rule.iter().map(|(rule, n)| ((*rule).to_string(), (*n).into())).collect();
        serde_json::json!({"requests": self.requests, "valid": self.valid, "invalid": self.invalid, "byRule": by_rule})
    }
}

/// A request checked for a batch and not yet counted in it ([`Batch::check_pending`]).
#[derive(Debug)]
pub struct Pending {
    report: Report,
    facts: Facts,
}

impl Pending {
    /// The request's own report, before the batch rules.
    pub fn report(&self) -> &Report {
        &self.report
    }
}

/// A batch of requests checked in order. It borrows its profile, or owns a copy
/// ([`Batch::owning`]) where a binding needs the batch to stand alone.
#[derive(Debug)]
pub struct Batch<'p> {
    profile: std::borrow::Cow<'p, Profile>,
    user_names: SeenKeys,
    emails: SeenKeys,
    deleted_users: HashSet<String>,
    group_sizes: HashMap<String, i64>,
    users_created: u64,
    summary: BatchSummary,
}

fn issue(severity: Severity, rule: &'static Rule, key: &str, detail: String) -> Issue {
    let root = Loc::ROOT;
    let loc = if key.is_empty() { root } else { root.key(key, key) };
    Issue::at(severity, rule, &loc, &detail)
}

impl<'p> Batch<'p> {
    pub fn new(profile: &'p Profile) -> Batch<'p> {
        Batch::with(std::borrow::Cow::Borrowed(profile))
    }

    /// A batch that owns its profile (a copy: profiles are small and immutable).
    pub fn owning(profile: Profile) -> Batch<'static> {
        Batch::with(std::borrow::Cow::Owned(profile))
    }

    /// The profile the batch checks with.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    fn with(profile: std::borrow::Cow<'p, Profile>) -> Batch<'p> {
        Batch {
            profile,
            user_names: SeenKeys::default(),
            emails: SeenKeys::default(),
            deleted_users: HashSet::default(),
            group_sizes: HashMap::default(),
            users_created: 0,
            summary: BatchSummary::default(),
        }
    }

    /// Checks the next request of the batch: its own report plus the batch rules.
    pub fn check(&mut self, request: &Request<'_>) -> Report {
        let mut facts = Facts::default();
        let report = self.profile.check_collecting(request, Some(&mut facts));
        self.count(request.method, request.path, request.current, &facts, report)
    }

    /// Like [`Batch::check`], for a request whose body comes from any serde deserializer (see
    /// [`Profile::check_deserializer`]).
    pub fn check_deserializer<'de, D: serde::Deserializer<'de>>(
        &mut self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
    ) -> Report {
        let pending = self.check_pending(method, path, body, current, None);
        self.count_pending(method, path, current, pending)
    }

    /// Checks a request as [`Batch::check_deserializer`] does, without counting it in the batch
    /// yet: for a reader that meets the body before it knows whether to keep this check (the
    /// CLI's envelope reader checks a body where it lies in its line, and drops the check when a
    /// member after the body, such as `current`, asks for another). Count the request with
    /// [`Batch::count_pending`], with the same method, path and current; a check never counted
    /// leaves the batch as it was.
    ///
    /// `text_at_most`: when the body is read from JSON text, a bound on that text's length (the
    /// CLI gives its line's). Within `limits.max_body_bytes`, the body is judged as a body given
    /// as text is, by its length (so it is within the limit), and its compact size is not
    /// counted while it is read; `None`, or a larger bound, counts it as
    /// [`Batch::check_deserializer`] does.
    pub fn check_pending<'de, D: serde::Deserializer<'de>>(
        &self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
        text_at_most: Option<usize>,
    ) -> Pending {
        let mut facts = Facts::default();
        let report =
            self.profile.check_deserializer_collecting(method, path, body, current, Some(&mut facts), text_at_most);
        Pending { report, facts }
    }

    /// Counts a request checked by [`Batch::check_pending`] as the next of the batch: its own
    /// report plus the batch rules, as [`Batch::check`] gives.
    pub fn count_pending(&mut self, method: &str, path: &str, current: Option<&Value>, pending: Pending) -> Report {
        self.count(method, path, current, &pending.facts, pending.report)
    }

    /// Adds the batch rules to a request's own report and counts it.
    fn count(&mut self, method: &str, path: &str, current: Option<&Value>, facts: &Facts, report: Report) -> Report {
        let index = self.summary.requests;
        let mut report = report.capped(self.profile.limits().max_issues);
        if self.profile.is_atlassian() {
            self.batch_rules(index, (method, path, current), facts, &mut report);
        }
        self.summary.requests += 1;
        if report.valid() {
            self.summary.valid += 1;
        } else {
            self.summary.invalid += 1;
        }
        // Issues left out of a report (limits.max_issues) count under their own rules too.
        for i in report.issues() {
            *self.summary.by_rule.entry(i.rule.id).or_default() += 1;
        }
        for (rule, n) in report.issues.omitted_by_rule() {
            *self.summary.by_rule.entry(rule).or_default() += n;
        }
        report
    }

    /// Totals so far.
    pub fn summary(&self) -> &BatchSummary {
        &self.summary
    }

    fn batch_rules(
        &mut self,
        index: usize,
        (method, path, current): (&str, &str, Option<&Value>),
        facts: &Facts,
        report: &mut Report,
    ) {
        let (Some(method), Some(endpoint)) = (Method::parse(method), Endpoint::parse(path)) else {
            return;
        };
        let profile: &Profile = &self.profile;
        let limits = profile.limits().clone();
        match (endpoint.kind, method, endpoint.id) {
            (ResourceKind::User, _, Some(id)) if method != Method::Post && self.deleted_users.contains(id) => {
                let detail = format!(
                    "request #{index} is for user {id}, which this batch deleted: Atlassian answers 404; create the user again with POST"
                );
                report.push(issue(Severity::Error, &rules::ATL_U_023, "", detail));
            }
            _ => {}
        }
        if endpoint.kind == ResourceKind::User && method == Method::Delete {
            if let Some(id) = endpoint.id {
                self.deleted_users.insert(id.to_string());
            }
            return;
        }
        if endpoint.kind == ResourceKind::User && matches!(method, Method::Post | Method::Put) {
            let name_key = facts.user_name.as_ref().map(|name| (name, name.to_lowercase()));
            let email_key = facts.primary_email.as_ref().map(|email| (email, profile::email_key(email)));
            if let Some((name, key)) = &name_key
                && let Some(first) = self.user_names.first(key)
                && method == Method::Post
            {
                let detail = format!(
                    "userName {name:?} was already sent by request #{first} of this batch (userNames compare ignoring case): Atlassian answers 409"
                );
                report.push(issue(Severity::Error, &rules::ATL_U_007, "userName", detail));
            }
            if let Some((email, key)) = &email_key
                && let Some(first) = self.emails.first(key)
                && method == Method::Post
            {
                let detail = format!(
                    "the primary email {email:?} was already sent by request #{first} of this batch: one email belongs to one Atlassian account, so Atlassian answers 409"
                );
                report.push(issue(Severity::Error, &rules::ATL_U_007, "emails", detail));
            }
            // A request Atlassian refuses creates nothing: its userName and email stay free for
            // the corrected retry.
            if report.valid() {
                for (map, key) in
                    [(&mut self.user_names, name_key.map(|k| k.1)), (&mut self.emails, email_key.map(|k| k.1))]
                {
                    if let Some(key) = key {
                        map.insert(&key, index);
                    }
                }
            }
            if method == Method::Post && report.valid() {
                self.users_created += 1;
                let total = profile.directory_user_count + self.users_created;
                if total > limits.users_per_directory {
                    let detail = format!(
                        "this is user {total} of the directory: above limits.users_per_directory ({}), Atlassian stops syncing new users",
                        limits.users_per_directory
                    );
                    report.push(issue(Severity::Warning, &rules::ATL_L_001, "", detail));
                }
            }
        }
        if endpoint.kind == ResourceKind::Group
            && let Some(id) = endpoint.id
        {
            let delta = match method {
                Method::Put => {
                    self.group_sizes.insert(id.to_string(), facts.member_count.unwrap_or(0) as i64);
                    0
                }
                Method::Patch => {
                    // The first PATCH of a group the batch has not seen starts from its members now.
                    if !self.group_sizes.contains_key(id)
                        && let Some(n) = current.and_then(members_of)
                    {
                        self.group_sizes.insert(id.to_string(), n as i64);
                    }
                    // From the check's own reading of the PatchOp message.
                    facts.member_delta
                }
                Method::Delete => {
                    self.group_sizes.remove(id);
                    return;
                }
                _ => 0,
            };
            let size = self.group_sizes.entry(id.to_string()).or_insert(0);
            *size = (*size + delta).max(0);
            // A PATCH judged against current already says so in its own report.
            let reported = report.issues().iter().any(|i| i.rule.id == GroupSize::RULE.id);
            let over = GroupSize::Batch { id, size: *size as u64 }.over(limits.users_per_group);
            if let Some(detail) = over.filter(|_| delta > 0 && !reported) {
                report.push(issue(Severity::Warning, GroupSize::RULE, "", detail));
            }
        }
    }
}

/// How many members a group resource lists.
fn members_of(group: &Value) -> Option<usize> {
    let (_, members) = group.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case("members"))?;
    members.as_array().map(Vec::len)
}

impl Profile {
    /// Checks requests as one batch (see [`Batch`]): a report per request, in order.
    pub fn check_batch<'a>(&self, requests: impl IntoIterator<Item = Request<'a>>) -> Vec<Report> {
        let mut batch = Batch::new(self);
        requests.into_iter().map(|r| batch.check(&r)).collect()
    }
}
