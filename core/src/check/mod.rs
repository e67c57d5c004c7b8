//! `check`: a request in, a [`Report`] out.
//!
//! The request's method and path pick what is checked; a resource body (POST and PUT on /Users
//! and /Groups) is walked once against the profile's schemas ([`walk`]); then the rules that need
//! the whole resource run on what the walk gathered (the schemas listed against the extensions
//! used, department and organization placement, what a PUT would clear). Lenient fixes are
//! applied to a copy of the body only when there are any.

pub(crate) mod fix;
pub(crate) mod loc;
mod request_kinds;
pub(crate) mod walk;

use serde::Deserializer;
use serde_json::Value;

use crate::profile::Profile;
use crate::report::{Issue, Report, Severity};
use crate::request::{Body, Endpoint, Method, Request};
use crate::rules::{self, Rule};
use crate::schema::{self, Mutability, ResourceKind};
use fix::Fix;
use loc::Loc;
use walk::Walker;

pub use walk::is_xsd_datetime;

/// What a resource request does to the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Create,
    Replace,
}

pub(crate) fn issue(severity: Severity, rule: &'static Rule, loc: &Loc<'_>, detail: impl Into<String>) -> Issue {
    Issue { severity, rule, path: loc.path(), pointer: loc.pointer(), detail: detail.into() }
}

pub(crate) fn single(rule: &'static Rule, detail: String) -> Report {
    Report::new(vec![issue(rule.severity, rule, &Loc::ROOT, detail)], Vec::new(), false)
}

/// Decides what kind of check a request gets, or reports why it cannot be sent at all.
fn route<'a>(method: &str, path: &'a str) -> Result<(Method, Endpoint<'a>), Report> {
    let Some(m) = Method::parse(method) else {
        return Err(single(
            &rules::RFC_R_002,
            format!("{method:?} is not a method SCIM uses (GET, POST, PUT, PATCH, DELETE)"),
        ));
    };
    let Some(endpoint) = Endpoint::parse(path) else {
        return Err(single(
            &rules::RFC_R_001,
            format!("{path:?} is not /Users, /Users/{{id}}, /Groups or /Groups/{{id}}"),
        ));
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

impl Profile {
    /// Checks one request and says what Atlassian would answer.
    pub fn check(&self, request: &Request<'_>) -> Report {
        let (method, endpoint) = match route(request.method, request.path) {
            Ok(r) => r,
            Err(report) => return report,
        };
        let operation = match method {
            Method::Post => Operation::Create,
            Method::Put => Operation::Replace,
            Method::Patch => return self.check_patch(&endpoint, request.body.as_ref(), request.current),
            Method::Get => return self.check_query(&endpoint),
            Method::Delete => return self.not_checked(method, request.body.as_ref()),
        };
        match request.body {
            None => single(
                &rules::RFC_J_002,
                format!("a {} needs a {} in the body", method.as_str(), endpoint.kind.as_str()),
            ),
            Some(Body::Json(bytes)) => {
                let max = self.limits.max_body_bytes;
                if bytes.len() > max {
                    return single(
                        &rules::RFC_J_004,
                        format!("the body is {} bytes; at most {max} are allowed (limits.max_body_bytes)", bytes.len()),
                    );
                }
                // Validating UTF-8 once for the whole body (word-at-a-time for ASCII) lets the JSON
                // reader borrow every string without validating each one again.
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => {
                        let detail =
                            format!("the body is not valid UTF-8: invalid byte sequence at byte {}", e.valid_up_to());
                        return single(&rules::RFC_J_001, detail);
                    }
                };
                let mut de = serde_json::Deserializer::from_str(text);
                self.check_resource(endpoint.kind, operation, request.current, |w| {
                    w.walk(&mut de).and_then(|()| de.end())
                })
            }
            Some(Body::Value(value)) => {
                self.check_resource(endpoint.kind, operation, request.current, |w| w.walk(value))
            }
        }
    }

    /// Checks a request whose body comes from any serde deserializer (a binding's own objects,
    /// such as Python dicts, walked without converting them first). To get the normalized body,
    /// convert the body to a `Value` and call [`Report::apply_fixes`], only when
    /// [`Report::changes_body`] says so.
    pub fn check_deserializer<'de, D: Deserializer<'de>>(
        &self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
    ) -> Report {
        let (method, endpoint) = match route(method, path) {
            Ok(r) => r,
            Err(report) => return report,
        };
        let operation = match method {
            Method::Post => Operation::Create,
            Method::Put => Operation::Replace,
            _ => return self.not_checked(method, None),
        };
        self.check_resource(endpoint.kind, operation, current, |w| w.walk(body))
    }

    fn not_checked(&self, method: Method, body: Option<&Body<'_>>) -> Report {
        // GET, PATCH and DELETE have no resource body to walk yet; a PATCH body must at least be
        // JSON. Saying so is better than a silent "valid".
        if let Some(Body::Json(bytes)) = body
            && let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        {
            return single(&rules::RFC_J_001, json_error_detail(&e.to_string()));
        }
        let detail = format!(
            "atlscim does not check the body of {} requests yet; only the method, path and JSON syntax were checked",
            method.as_str()
        );
        Report::new(vec![issue(Severity::Info, &rules::RFC_R_003, &Loc::ROOT, detail)], Vec::new(), true)
    }

    fn check_resource<'de, E: std::fmt::Display>(
        &self,
        kind: ResourceKind,
        operation: Operation,
        current: Option<&Value>,
        walk: impl FnOnce(&mut Walker<'_, 'de>) -> Result<(), E>,
    ) -> Report {
        let mut w = Walker::new(self, kind);
        w.collect_present = operation == Operation::Replace && current.is_some();
        if let Err(e) = walk(&mut w) {
            let abort = w.abort.take().unwrap_or_else(|| {
                let detail = json_error_detail(&e.to_string());
                issue(Severity::Error, &rules::RFC_J_001, &Loc::ROOT, detail)
            });
            let mut issues = w.issues;
            issues.push(abort);
            return Report::new(issues, Vec::new(), false);
        }
        schemas_rules(&mut w);
        if w.profile.is_atlassian() && kind == ResourceKind::User {
            enterprise_placement(&mut w);
            if let Some(current) = current.filter(|_| operation == Operation::Replace) {
                replace_clears(&mut w, current);
            }
        }
        Report::new(w.issues, w.fixes, true)
    }
}

/// Says what is wrong with a body the JSON reader refused.
pub(crate) fn json_error_detail(message: &str) -> String {
    if message.contains("recursion limit") {
        return format!("the body is nested too deeply to read ({message})");
    }
    format!("the body is not valid JSON: {message}")
}

/// RFC 7643 §3 and ATL-U-016: the core URN is listed, and every extension used is listed.
fn schemas_rules(w: &mut Walker<'_, '_>) {
    let rt = w.rt;
    let atlassian_user = w.profile.is_atlassian() && rt.kind == ResourceKind::User;
    let pick = |rfc: &'static Rule| {
        if atlassian_user { &rules::ATL_U_016 } else { rfc }
    };
    let core = rt.core.id.as_str();
    let (key, listed) = match w.top.schemas.take() {
        Some((key, Some(listed))) => (Some(key), listed),
        // Not an array: already reported; the core URN cannot be said to be listed or not.
        Some((_, None)) => return,
        None => (None, Vec::new()),
    };
    let key_str = key.as_deref().unwrap_or("schemas");
    let loc_root = Loc::ROOT;
    let loc = loc_root.key(key_str, "schemas");
    if key.is_none() {
        // Missing entirely: lenient mode writes it from what the body uses.
        let detail = format!("schemas is missing; a {} body must list {core}", rt.kind.as_str());
        if w.profile.lenient() {
            w.issues.push(issue(
                Severity::Info,
                pick(&rules::RFC_S_001),
                &loc,
                format!("{detail} (added in normalized)"),
            ));
            w.fixes.push(Fix::AddSchema { urn: core.to_string() });
            for ext in w.top.extensions_used.clone() {
                w.fixes.push(Fix::AddSchema { urn: ext.to_string() });
            }
        } else {
            w.issues.push(issue(Severity::Error, pick(&rules::RFC_S_001), &loc, detail));
        }
        return;
    }
    if !listed.contains(&core) {
        let detail = format!("schemas must contain {core}");
        w.issues.push(issue(Severity::Error, pick(&rules::RFC_S_001), &loc, detail));
    }
    for ext in w.top.extensions_used.clone() {
        if !listed.contains(&ext) {
            let ext_loc = loc_root.urn(ext, ext);
            let detail = format!("the body uses the extension {ext} but schemas does not list it");
            let rule = pick(&rules::RFC_S_002);
            if w.profile.lenient() {
                w.issues.push(issue(Severity::Info, rule, &ext_loc, format!("{detail} (added in normalized)")));
                w.fixes.push(Fix::AddSchema { urn: ext.to_string() });
            } else {
                w.issues.push(issue(Severity::Error, rule, &ext_loc, detail));
            }
        }
    }
}

/// ATL-U-015: department and organization belong in the enterprise extension.
fn enterprise_placement(w: &mut Walker<'_, '_>) {
    const NAMES: [&str; 2] = ["department", "organization"];
    let lenient = w.profile.lenient();
    for (i, name) in NAMES.into_iter().enumerate() {
        let Some((key, top)) = w.top.enterprise_top[i].take() else {
            continue;
        };
        let root = Loc::ROOT;
        let loc = root.key(&key, name);
        let ext = w.top.enterprise_ext[i].as_deref();
        let (severity, detail, fix) = match ext {
            Some(e) if e == top => (
                Severity::Info,
                format!(
                    "{name} is sent both at the top level and in the enterprise extension; only the extension is needed"
                ),
                Some(Fix::Remove { pointer: loc.pointer() }),
            ),
            Some(e) => (
                Severity::Warning,
                format!(
                    "top-level {name} {top:?} disagrees with the enterprise extension's {e:?}; Atlassian documents the extension, so that value is the one to trust"
                ),
                None,
            ),
            None if lenient => (
                Severity::Info,
                format!(
                    "{name} belongs in the enterprise extension {}; moved there in normalized",
                    schema::ENTERPRISE_URN
                ),
                Some(Fix::MoveIntoExtension { from: key.clone(), urn: schema::ENTERPRISE_URN, name }),
            ),
            None => (
                Severity::Warning,
                format!("{name} belongs in the enterprise extension {}", schema::ENTERPRISE_URN),
                None,
            ),
        };
        w.issues.push(issue(severity, &rules::ATL_U_015, &loc, detail));
        if let Some(fix) = fix {
            if matches!(fix, Fix::MoveIntoExtension { .. }) && !w.top.extensions_used.contains(&schema::ENTERPRISE_URN)
            {
                w.top.extensions_used.push(schema::ENTERPRISE_URN);
                w.fixes.push(Fix::AddSchema { urn: schema::ENTERPRISE_URN.to_string() });
            }
            w.fixes.push(fix);
        }
    }
}

/// ATL-U-021: a PUT replaces the whole user; list what the current user has that the PUT leaves out.
fn replace_clears(w: &mut Walker<'_, '_>, current: &Value) {
    let Value::Object(current) = current else {
        return;
    };
    let rt = w.rt;
    let mut cleared = Vec::new();
    let assigned = |v: &Value| {
        !matches!(v, Value::Null) && v != &Value::Array(vec![]) && v.as_str().is_none_or(|s| !s.trim().is_empty())
    };
    for (key, value) in current {
        if !assigned(value) {
            continue;
        }
        if let Some(attr) = rt.attribute(key) {
            if attr.mutability != Mutability::ReadOnly && !w.top.present.iter().any(|p| p == &attr.name) {
                cleared.push(attr.name.clone());
            }
        } else if let Some(ext) = rt.extension(key) {
            let Value::Object(members) = value else {
                continue;
            };
            for (sub, v) in members {
                let Some(attr) = ext.attribute(sub) else {
                    continue;
                };
                let path = format!("{}:{}", ext.id, attr.name);
                if assigned(v) && attr.mutability != Mutability::ReadOnly && !w.top.present.contains(&path) {
                    cleared.push(path);
                }
            }
        }
    }
    if !cleared.is_empty() {
        let detail = format!(
            "this PUT replaces the whole user and Atlassian clears what it leaves out: {} (send them again, or use PATCH)",
            cleared.join(", ")
        );
        w.issues.push(issue(Severity::Warning, &rules::ATL_U_021, &Loc::ROOT, detail));
    }
}
