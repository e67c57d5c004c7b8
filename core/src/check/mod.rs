//! `check`: a request in, a [`Report`] out.
//!
//! The request's method and path pick what is checked; a resource body (POST and PUT on /Users
//! and /Groups) is walked once against the profile's schemas ([`crate::walk`]); then the rules that need
//! the whole resource run on what the walk gathered (the schemas listed against the extensions
//! used, department and organization placement, what a PUT would clear). Lenient fixes are
//! applied to a copy of the body only when there are any.

mod atlassian;
mod base_url;
mod compact_size;
mod nesting;
pub(crate) mod request_kinds;
mod state;

pub(crate) use state::GroupSize;
mod unmanaged;

use serde::Deserializer;
use serde_json::Value;

use crate::profile::Profile;
use crate::report::{Issue, Issues, Report, Severity};
use crate::request::{Body, Endpoint, Method, Request};
use crate::rules::{self, Rule};
use crate::schema::ResourceKind;
use crate::walk::fix::Fixes;
use crate::walk::loc::Loc;
use crate::walk::walker::Walker;
use compact_size::{Budget, Measured};

/// What a resource request does to the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Create,
    Replace,
}

pub(crate) fn issue(severity: Severity, rule: &'static Rule, loc: &Loc<'_>, detail: impl AsRef<str>) -> Issue {
    Issue::at(severity, rule, loc, detail.as_ref())
}

impl Profile {
    /// An empty issue list with this profile's cap (`limits.max_issues`).
    pub(crate) fn no_issues(&self) -> Issues {
        Issues::new(self.limits.max_issues)
    }
}

/// A report of one issue already built (a located depth error found before the walk).
pub(crate) fn single_issue(issue: Issue) -> Report {
    let mut issues = Issues::new(usize::MAX);
    issues.push(issue);
    Report::new(issues, Fixes::default(), false)
}

/// A report of one issue: the body cannot be read or the request cannot be sent. (A batch that
/// adds issues to it sets its cap: [`Report::capped`].)
pub(crate) fn single(rule: &'static Rule, detail: String) -> Report {
    let mut issues = Issues::new(usize::MAX);
    issues.push(issue(rule.severity, rule, &Loc::ROOT, detail));
    Report::new(issues, Fixes::default(), false)
}

/// Decides what kind of check a request gets, or reports why it cannot be sent at all.
fn route<'a>(profile: &Profile, method: &str, path: &'a str) -> Result<(Method, Endpoint<'a>), Report> {
    let Some(m) = Method::parse(method) else {
        if let Some(meant) = Method::parse_ignoring_case(method) {
            return Err(single(
                &rules::RFC_R_003,
                format!("{method:?} is not a method: methods are case-sensitive; did you mean {}?", meant.as_str()),
            ));
        }
        return Err(single(
            &rules::RFC_R_002,
            format!("{method:?} is not a method SCIM uses (GET, POST, PUT, PATCH, DELETE)"),
        ));
    };
    let path = atlassian::server_rules(profile).relative_path(profile, path)?;
    let Some(endpoint) = Endpoint::parse(path) else {
        return Err(atlassian::no_such_endpoint(path));
    };
    let allowed = match m {
        Method::Post => endpoint.id.is_none(),
        Method::Put | Method::Patch | Method::Delete => endpoint.id.is_some(),
        Method::Get => true,
    };
    if !allowed {
        let target = if endpoint.id.is_some() { "one resource" } else { "a collection" };
        return Err(single(
            &rules::RFC_R_002,
            format!(
                "{} is not allowed on {target} ({path}); POST goes to /{}s, PUT, PATCH and DELETE to /{}s/{{id}}",
                m.as_str(),
                endpoint.kind.as_str(),
                endpoint.kind.as_str()
            ),
        ));
    }
    Ok((m, endpoint))
}

/// What a batch needs to know about a checked request, taken from the check's own reading of
/// its body (a batch never reads a body again).
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub user_name: Option<String>,
    pub primary_email: Option<String>,
    pub member_count: Option<usize>,
    /// For a PatchOp message: the members its operations add minus those they remove.
    pub member_delta: i64,
}

impl Profile {
    /// Checks one request and says what Atlassian would answer.
    pub fn check(&self, request: &Request<'_>) -> Report {
        self.check_collecting(request, None)
    }

    /// Like [`Profile::check`], also filling `facts` from a resource body (for batches).
    pub(crate) fn check_collecting(&self, request: &Request<'_>, facts: Option<&mut Facts>) -> Report {
        let (method, endpoint) = match route(self, request.method, request.path) {
            Ok(r) => r,
            Err(report) => return report,
        };
        let operation = match method {
            Method::Post => Operation::Create,
            Method::Put => Operation::Replace,
            Method::Patch => return self.check_patch(&endpoint, request.body.as_ref(), request.current, facts),
            Method::Get => return self.check_query(&endpoint),
            Method::Delete => return self.check_delete(&endpoint),
        };
        match request.body {
            None => single(
                &rules::RFC_J_002,
                format!("a {} needs a {} in the body", method.as_str(), endpoint.kind.as_str()),
            ),
            Some(Body::Json(bytes)) => {
                if let Some(too_large) = text_too_large(bytes, self.limits.max_body_bytes) {
                    return too_large;
                }
                // Validating UTF-8 once for the whole body (word-at-a-time for ASCII) lets the JSON
                // reader borrow every string without validating each one again.
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => return not_utf8(bytes, e),
                };
                let mut de = serde_json::Deserializer::from_str(text);
                self.check_resource(endpoint.kind, operation, request.current, facts, |w| {
                    w.walk(&mut de).and_then(|()| de.end()).map_err(|e| syntax_error_detail(&e, bytes))
                })
            }
            Some(Body::Value(value)) => {
                let budget = Budget::new(self.limits.max_body_bytes);
                let report = self.check_resource(endpoint.kind, operation, request.current, facts, |w| {
                    w.walk(Measured::new(value, &budget)).map_err(|e| json_error_detail(&e.to_string()))
                });
                if budget.exceeded() { self.too_large() } else { report }
            }
        }
    }

    /// Checks a request whose body comes from any serde deserializer (a binding's own objects,
    /// such as Python dicts, walked without converting them first). To get the normalized body,
    /// convert the body to a `Value` and call [`Report::apply_fixes`], only when
    /// [`Report::changes_body`] says so. `limits.max_body_bytes` applies to the body's compact
    /// JSON size, counted as it is read.
    pub fn check_deserializer<'de, D: Deserializer<'de>>(
        &self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
    ) -> Report {
        self.check_deserializer_collecting(method, path, body, current, None, None)
    }

    /// Like [`Profile::check_deserializer`], also filling `facts` (for batches). With
    /// `text_at_most`, the body is read from JSON text at most that long (see
    /// [`crate::Batch::check_pending`]).
    pub(crate) fn check_deserializer_collecting<'de, D: Deserializer<'de>>(
        &self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
        facts: Option<&mut Facts>,
        text_at_most: Option<usize>,
    ) -> Report {
        let (method, endpoint) = match route(self, method, path) {
            Ok(r) => r,
            Err(report) => return report,
        };
        // Text within the limit is judged by its length, as a body given as text is: nothing to
        // count while reading.
        if text_at_most.is_some_and(|n| n <= self.limits.max_body_bytes) {
            return self.check_read(method, &endpoint, body, current, facts);
        }
        let budget = Budget::new(self.limits.max_body_bytes);
        let report = self.check_read(method, &endpoint, Measured::new(body, &budget), current, facts);
        // A body found too large stopped the read: its report says only that.
        if budget.exceeded() { self.too_large() } else { report }
    }

    /// Checks a routed request whose body comes from a deserializer.
    fn check_read<'de, D: Deserializer<'de>>(
        &self,
        method: Method,
        endpoint: &Endpoint<'_>,
        body: D,
        current: Option<&Value>,
        facts: Option<&mut Facts>,
    ) -> Report {
        let operation = match method {
            Method::Post => Operation::Create,
            Method::Put => Operation::Replace,
            Method::Patch => {
                // A PatchOp message is small and read as a whole: take it as a value.
                return match nesting::read_value(body, self.limits.max_depth) {
                    Ok(value) => self.check_patch_message(endpoint, &value, current, facts),
                    Err((_, Some(too_deep))) => single_issue(too_deep),
                    Err((e, None)) => single(&rules::RFC_J_001, json_error_detail(&e.to_string())),
                };
            }
            Method::Get => return self.check_query(endpoint),
            Method::Delete => return self.check_delete(endpoint),
        };
        self.check_resource(endpoint.kind, operation, current, facts, |w| {
            w.walk(body).map_err(|e| json_error_detail(&e.to_string()))
        })
    }

    /// RFC-J-004 for a body given as a value (not text) whose compact JSON is over the limit.
    pub(crate) fn too_large(&self) -> Report {
        let max = self.limits.max_body_bytes;
        single(
            &rules::RFC_J_004,
            format!(
                "the body is more than {max} bytes as compact JSON; at most {max} are allowed (limits.max_body_bytes)"
            ),
        )
    }

    /// Walks a resource body with `walk`, whose error is the detail of the RFC-J-001 issue when
    /// the walk did not stop itself (at a limit) first.
    fn check_resource<'de>(
        &self,
        kind: ResourceKind,
        operation: Operation,
        current: Option<&Value>,
        facts: Option<&mut Facts>,
        walk: impl FnOnce(&mut Walker<'_, 'de>) -> Result<(), String>,
    ) -> Report {
        let mut w = Walker::new(self, kind);
        w.collect_present = operation == Operation::Replace && current.is_some();
        if let Err(detail) = walk(&mut w) {
            let abort = w.abort.take().unwrap_or_else(|| issue(Severity::Error, &rules::RFC_J_001, &Loc::ROOT, detail));
            // Broken JSON is all there is to say: what the walk found before the break is about
            // a body no server would read.
            let mut issues = if abort.rule == &rules::RFC_J_001 { self.no_issues() } else { w.issues };
            issues.push(abort);
            return Report::new(issues, Fixes::default(), false);
        }
        w.schemas_rules();
        let current = current.filter(|_| operation == Operation::Replace);
        let server = atlassian::server_rules(w.profile);
        match kind {
            ResourceKind::User => server.user_body(&mut w, operation, current),
            ResourceKind::Group => server.group_body(&mut w, operation, current),
        }
        if let Some(f) = facts {
            f.user_name = w.top.user_name.as_deref().map(str::to_string);
            f.primary_email = w.top.primary_email.as_deref().map(str::to_string);
            f.member_count = w.top.member_count;
        }
        Report::new(w.issues, w.fixes, true)
    }
}

/// Says what is wrong with a body's JSON text, in the text's terms and located.
pub(crate) fn syntax_error_detail(e: &serde_json::Error, text: &[u8]) -> String {
    format!("the body is not valid JSON: {}", crate::syntax::JsonSyntaxError::new(e, text))
}

/// RFC-J-001 for a JSON text that is not valid UTF-8.
pub(crate) fn not_utf8(text: &[u8], e: std::str::Utf8Error) -> Report {
    single(&rules::RFC_J_001, utf8_error_detail(text, e.valid_up_to()))
}

/// RFC-J-001 for a JSON text serde_json cannot read.
pub(crate) fn not_json(e: &serde_json::Error, text: &[u8]) -> Report {
    single(&rules::RFC_J_001, syntax_error_detail(e, text))
}

/// RFC-J-004 for a JSON text over `max` bytes (limits.max_body_bytes), `None` when within.
pub(crate) fn text_too_large(text: &[u8], max: usize) -> Option<Report> {
    (text.len() > max).then(|| {
        single(
            &rules::RFC_J_004,
            format!("the body is {} bytes; at most {max} are allowed (limits.max_body_bytes)", text.len()),
        )
    })
}

fn utf8_error_detail(text: &[u8], valid_up_to: usize) -> String {
    format!("the body is not valid UTF-8: {}", crate::syntax::JsonSyntaxError::utf8(text, valid_up_to))
}

/// Says what is wrong with a body read from something other than JSON text (a binding's objects,
/// whose reader words its errors as serde_json does).
pub(crate) fn json_error_detail(message: &str) -> String {
    if message.contains("recursion limit") {
        return format!("the body is nested too deeply to read ({message})");
    }
    format!("the body is not valid JSON: {message}")
}

pub(crate) fn primary_email_of(resource: &Value) -> Option<&str> {
    let emails = resource.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case("emails"))?.1.as_array()?;
    let primary = emails.iter().find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))?;
    primary.get("value").and_then(Value::as_str)
}

pub(crate) fn string_of<'v>(resource: &'v Value, key: &str) -> Option<&'v str> {
    resource.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))?.1.as_str()
}
