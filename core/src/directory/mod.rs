//! `Directory`: Atlassian's side of the provisioning API, as state.
//!
//! A [`Directory`] holds what one Atlassian SCIM directory holds — users, groups and their
//! memberships — and answers requests as Atlassian does: [`Directory::handle`] takes the method,
//! the request target, the headers and the body, and returns an [`Answer`] (status, headers, a
//! body in Atlassian's shapes). It is sans-IO: no sockets, no clock, no randomness. The caller
//! passes `now` with each request and an [`IdSource`] once, so a test replays exactly and a
//! server (`atlscim serve`) gives it real time and random ids.
//!
//! Each request is first checked by the directory's [`Profile`] — the same [`Profile::check`] a
//! connector calls to predict Atlassian's answer — with `current` taken from the state; when the
//! check refuses it, the directory answers that refusal. When the check accepts it, the directory
//! applies it (PATCH with [`Profile::apply_patch`]) and then enforces what only state can show:
//! uniqueness of userName and primary email (ignoring case) and of group names (409), ids that
//! do not exist (404; after DELETE too), group members that are not users of the directory (PUT
//! 400 with Atlassian's BadRequestException body, PATCH 404), nested groups (400). So the
//! library's predictions and the directory's answers agree by construction.
//!
//! Accepted requests have Atlassian's documented effects, not only its statuses
//! (reference/atlassian-scim.md §2.4, §2.5, §4, §6, §13): attributes Atlassian does not support
//! are not stored; a display name overwrites the first and last name; an email moved from a
//! verified to an unverified domain unlinks the account (no more `atlassianAccountId`) and drops
//! its SCIM group memberships; updates to a user outside the verified domains are not applied
//! (its `active` aside) and drop its SCIM groups; users beyond `limits.users_per_directory` are
//! stored but not synced to an account; members beyond `limits.users_per_group` are not synced.
//! Where Atlassian's answer is undocumented, docs/atlassian-deviations.md says which answer
//! the directory gives and marks it inferred.
//!
//! The state can be exported as NDJSON (each line what `GET /Users/{id}` or `GET /Groups/{id}`
//! answers) and loaded back ([`Directory::export_ndjson`], [`Directory::load_ndjson`]); with
//! [`Directory::record_changes`] on, every answer lists the records it changed, so a store can
//! persist each request in one transaction.

mod answer;
mod discovery;
mod groups;
mod ids;
mod ndjson;
mod query;
mod state;
mod users;

use serde_json::{Map, Value};

use crate::Report;
use crate::profile::Profile;
use crate::request::{Body, Endpoint, Method, Request};
use crate::schema::ResourceKind;

pub use answer::{Answer, CONTENT_TYPE, Change, LIST_RESPONSE_URN, list_response, timestamp};
pub use ids::{IdSource, SeededIds, uuid_v4};
pub use ndjson::LoadError;

use state::State;
// The sync planner matches users by the keys the directory enforces uniqueness on.
pub(crate) use state::{email_key, external_id, name_key, primary_email, user_name};

/// Atlassian's host; a directory's base URL is `{ATLASSIAN_BASE}/scim/directory/{id}`.
pub const ATLASSIAN_BASE: &str = "https://api.atlassian.com";

/// One Atlassian SCIM directory, in memory.
#[derive(Debug)]
pub struct Directory {
    profile: Profile,
    directory_id: String,
    base_url: String,
    ids: Box<dyn IdSource>,
    state: State,
    record_changes: bool,
}

/// The resources a write touched, for [`Answer::changes`].
type Touched = Vec<(ResourceKind, String)>;

impl Directory {
    /// An empty directory with Atlassian's base URL for `directory_id`.
    pub fn new(profile: Profile, directory_id: &str, ids: Box<dyn IdSource>) -> Directory {
        Directory {
            profile,
            base_url: format!("{ATLASSIAN_BASE}/scim/directory/{directory_id}"),
            directory_id: directory_id.to_string(),
            ids,
            state: State::default(),
            record_changes: false,
        }
    }

    /// The same directory answering under another base URL (a local server's address); `meta.location`
    /// and members' `$ref` use it.
    pub fn with_base_url(mut self, base_url: &str) -> Directory {
        self.base_url = base_url.trim_end_matches('/').to_string();
        self
    }

    /// Whether answers list the records each request changed ([`Answer::changes`]), for a store.
    pub fn record_changes(&mut self, on: bool) {
        self.record_changes = on;
    }

    pub fn directory_id(&self) -> &str {
        &self.directory_id
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Live users and groups.
    pub fn user_count(&self) -> usize {
        self.state.users.len() - self.state.hidden
    }

    pub fn group_count(&self) -> usize {
        self.state.groups.len()
    }

    /// Empties the directory (ids keep coming from the same source).
    pub fn reset(&mut self) {
        self.state = State::default();
    }

    /// Recomputes every index from the records and says where they disagree (an error names the
    /// first disagreement). Tests call it after every request.
    pub fn consistency(&self) -> Result<(), String> {
        self.state.consistency()
    }

    /// Every user, as `GET /Users/{id}` answers it, in creation order.
    pub fn users(&self) -> Vec<Value> {
        self.state.user_order.values().filter_map(|id| self.render_user(id)).collect()
    }

    /// Every group, as `GET /Groups/{id}` answers it, in creation order.
    pub fn groups(&self) -> Vec<Value> {
        self.state.group_order.values().filter_map(|id| self.render_group(id)).collect()
    }

    /// Answers one request. `target` is the request target: `/scim/directory/{id}/Users?…` (an
    /// unknown directory id answers 404) or the part after the directory, `/Users?…`. `now` is the
    /// time in seconds since the Unix epoch.
    pub fn handle(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8], now: f64) -> Answer {
        if Method::parse(method) == Some(Method::Get) {
            return self.handle_read(target);
        }
        let rel = match self.relative(target) {
            Ok(rel) => rel,
            Err(answer) => return answer,
        };
        if let Some(answer) = discovery::route(self, method, rel) {
            return answer;
        }
        let Some((m, endpoint)) = Method::parse(method).zip(endpoint(rel)) else {
            return self.refused_route(method, rel);
        };
        if let Some(answer) = unsupported_media_type(m, headers) {
            return answer;
        }
        let (answer, touched) = match (m, endpoint.id) {
            (Method::Post, None) => self.create(endpoint.kind, rel, body, now),
            (Method::Put | Method::Patch | Method::Delete, Some(id)) => {
                let id = id.to_string();
                self.update(m, endpoint.kind, &id, rel, body, now)
            }
            _ => return self.refused_route(method, rel),
        };
        self.with_changes(answer, touched)
    }

    /// Answers a GET (any other method answers as `handle` would refuse a write on a read-only
    /// view: 405). Takes `&self`, so a server can serve reads in parallel.
    pub fn handle_read(&self, target: &str) -> Answer {
        let rel = match self.relative(target) {
            Ok(rel) => rel,
            Err(answer) => return answer,
        };
        if let Some(answer) = discovery::route(self, "GET", rel) {
            return answer;
        }
        let Some(endpoint) = endpoint(rel) else {
            return self.refused_route("GET", rel);
        };
        let report = self.profile.check(&Request { method: "GET", path: rel, body: None, current: None });
        if !report.valid() {
            return Answer::refused(&report);
        }
        let pairs = endpoint.query_pairs();
        match endpoint.id {
            Some(id) => match endpoint.kind {
                ResourceKind::User => match self.visible_user(id) {
                    Some(_) => Answer::json(200, query::project(self.render_user(id).unwrap_or_default(), &pairs)),
                    None => not_found(ResourceKind::User, id),
                },
                ResourceKind::Group => match self.render_group(id) {
                    Some(g) => Answer::json(200, g),
                    None => not_found(ResourceKind::Group, id),
                },
            },
            None => query::list(self, endpoint.kind, &pairs),
        }
    }

    /// The request target after the directory base, or the 404 for another directory.
    fn relative<'t>(&self, target: &'t str) -> Result<&'t str, Answer> {
        let Some(rest) = target.strip_prefix("/scim/directory/") else {
            return Ok(target);
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        if rest[..end] != self.directory_id {
            return Err(Answer::scim_error(404, None, "The directory does not exist."));
        }
        Ok(&rest[end..])
    }

    /// The check's answer to a method or path the directory does not serve (404, 405, or 400 for
    /// /Bulk and /Me).
    fn refused_route(&self, method: &str, rel: &str) -> Answer {
        let report = self.profile.check(&Request { method, path: rel, body: None, current: None });
        if report.valid() {
            return Answer::scim_error(404, None, format!("{rel} is not an endpoint of this directory"));
        }
        Answer::refused(&report)
    }

    /// The check of a write, with `current` from the state.
    fn check(&self, method: Method, rel: &str, body: &[u8], current: Option<&Value>) -> Report {
        let body = (method != Method::Delete).then_some(Body::Json(body));
        self.profile.check(&Request { method: method.as_str(), path: rel, body, current })
    }

    fn create(&mut self, kind: ResourceKind, rel: &str, body: &[u8], now: f64) -> (Answer, Touched) {
        let report = self.check(Method::Post, rel, body, None);
        if !report.valid() {
            return (Answer::refused(&report), Vec::new());
        }
        let Some(Value::Object(resource)) = report.normalized_value(Some(&Body::Json(body))) else {
            return (Answer::refused(&report), Vec::new());
        };
        match kind {
            ResourceKind::User => self.create_user(resource, rel, now),
            ResourceKind::Group => self.create_group(resource, now),
        }
    }

    fn update(
        &mut self,
        method: Method,
        kind: ResourceKind,
        id: &str,
        rel: &str,
        body: &[u8],
        now: f64,
    ) -> (Answer, Touched) {
        let current = match kind {
            ResourceKind::User => self.visible_user(id).and_then(|_| self.render_user(id)),
            ResourceKind::Group => self.render_group(id),
        };
        let Some(current) = current else {
            return (not_found(kind, id), Vec::new());
        };
        let report = self.check(method, rel, body, Some(&current));
        if !report.valid() {
            return (Answer::refused(&report), Vec::new());
        }
        if method == Method::Delete {
            return match kind {
                ResourceKind::User => self.delete_user(id, now),
                ResourceKind::Group => self.delete_group(id),
            };
        }
        if report.nothing_to_send() {
            // Every operation was one the check dropped (Okta's group-name refresh): Atlassian
            // accepts the request and nothing changes.
            let body = match kind {
                ResourceKind::User => query::project(current, &users::query_of(rel)),
                ResourceKind::Group => current,
            };
            return (Answer::json(200, body), Vec::new());
        }
        let Some(Value::Object(resource)) = report.normalized_value(Some(&Body::Json(body))) else {
            return (Answer::refused(&report), Vec::new());
        };
        let resource = if method == Method::Patch {
            match self.profile.apply_patch(&current, &Value::Object(resource), kind) {
                Ok(Value::Object(patched)) => patched,
                Ok(_) => {
                    return (
                        Answer::scim_error(400, Some("invalidSyntax"), "the patched resource is not an object"),
                        Vec::new(),
                    );
                }
                Err(e) => {
                    return (Answer::scim_error(e.status(), e.scim_type(), e.issue().detail().to_string()), Vec::new());
                }
            }
        } else {
            resource
        };
        match kind {
            ResourceKind::User => self.replace_user(id, resource, method, rel, now),
            ResourceKind::Group => self.replace_group(id, resource, method, now),
        }
    }

    fn with_changes(&self, mut answer: Answer, touched: Touched) -> Answer {
        if self.record_changes && (200..300).contains(&answer.status) {
            let mut seen = std::collections::HashSet::new();
            for (kind, id) in touched {
                if !seen.insert((kind.as_str(), id.clone())) {
                    continue;
                }
                let record = match kind {
                    ResourceKind::User => self.render_user(&id),
                    ResourceKind::Group => self.render_group(&id),
                };
                answer.changes.push(Change { kind, id, record });
            }
        }
        answer
    }

    /// `{resourceType, created, lastModified, location}`.
    fn meta(&self, kind: ResourceKind, id: &str, created: &str, last_modified: &str) -> Value {
        let mut m = Map::new();
        m.insert("resourceType".into(), kind.as_str().into());
        m.insert("location".into(), format!("{}/{}s/{id}", self.base_url, kind.as_str()).into());
        m.insert("lastModified".into(), last_modified.into());
        m.insert("created".into(), created.into());
        Value::Object(m)
    }
}

/// `/Users`, `/Users/{id}`, `/Groups` or `/Groups/{id}` and nothing else: `Endpoint::parse` also
/// reads full URLs, which a path under the directory must not be (`/x/../Users`).
fn endpoint(rel: &str) -> Option<Endpoint<'_>> {
    let path = rel.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let plain = segments.len() >= 2
        && segments.len() <= 3
        && segments[0].is_empty()
        && segments[1..].iter().all(|s| !s.is_empty() && *s != "." && *s != "..");
    plain.then(|| Endpoint::parse(rel)).flatten()
}

/// 404 for an id the directory does not hold (never did, or deleted).
fn not_found(kind: ResourceKind, id: &str) -> Answer {
    let what = match kind {
        ResourceKind::User => "USER",
        ResourceKind::Group => "GROUP",
    };
    Answer::scim_error(404, None, format!("Resource [{what}]: with id[{id}] does not exist."))
}

/// 415 for a body sent as something other than JSON. A missing Content-Type is read as JSON.
fn unsupported_media_type(method: Method, headers: &[(&str, &str)]) -> Option<Answer> {
    if !matches!(method, Method::Post | Method::Put | Method::Patch) {
        return None;
    }
    let ct = headers.iter().find(|(k, _)| k.trim().eq_ignore_ascii_case("content-type"))?.1;
    let media = ct.split(';').next().unwrap_or("").trim();
    let json = media.eq_ignore_ascii_case("application/json") || media.eq_ignore_ascii_case("application/scim+json");
    (!json).then(|| {
        Answer::scim_error(
            415,
            None,
            format!("Content type '{media}' is not supported: send application/scim+json or application/json"),
        )
    })
}
