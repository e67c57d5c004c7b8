//! Checks of requests that carry no resource body: PATCH (a PatchOp message), DELETE and GET
//! queries. The server's own rules on them are its [`super::atlassian::ServerRules`].

use serde_json::Value;

use super::atlassian::{PatchTried, QueryParam, server_rules};
use super::nesting;
use super::{issue, single, single_issue};
use crate::filter;
use crate::profile::Profile;
use crate::report::{Report, Severity};
use crate::request::{Body, Endpoint, query_pairs};
use crate::rules;
use crate::walk::fix::{Fix, Fixes};
use crate::walk::loc::Loc;

impl Profile {
    pub(super) fn check_patch(
        &self,
        endpoint: &Endpoint<'_>,
        body: Option<&Body<'_>>,
        current: Option<&Value>,
        facts: Option<&mut super::Facts>,
    ) -> Report {
        let parsed;
        let value = match body {
            None => return single(&rules::RFC_J_002, "a PATCH needs a PatchOp message in the body".to_string()),
            Some(Body::Value(v)) if super::compact_size::exceeds(v, self.limits().max_body_bytes) => {
                return self.too_large();
            }
            Some(Body::Value(v)) => {
                // The same depth limit as for a body read from text, so a binding's object or a
                // Rust caller's value gets the same answer as its JSON text.
                if let Some(too_deep) = nesting::too_deep(v, self.limits().max_depth) {
                    return single_issue(too_deep);
                }
                *v
            }
            Some(Body::Json(bytes)) => {
                if let Some(too_large) = super::text_too_large(bytes, self.limits().max_body_bytes) {
                    return too_large;
                }
                // UTF-8 first, as for a resource body: serde_json would call a bad byte inside a
                // string an invalid code point.
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => return super::not_utf8(bytes, e),
                };
                let mut de = serde_json::Deserializer::from_str(text);
                parsed = match nesting::read_value(&mut de, self.limits().max_depth).and_then(|v| {
                    de.end().map_err(|e| (e, None))?;
                    Ok(v)
                }) {
                    Ok(v) => v,
                    Err((_, Some(too_deep))) => return single_issue(too_deep),
                    Err((e, None)) => return super::not_json(&e, bytes),
                };
                &parsed
            }
        };
        self.check_patch_message(endpoint, value, current, facts)
    }

    /// Checks a PatchOp message already within `limits.max_body_bytes` and `limits.max_depth`.
    pub(super) fn check_patch_message(
        &self,
        endpoint: &Endpoint<'_>,
        value: &Value,
        current: Option<&Value>,
        facts: Option<&mut super::Facts>,
    ) -> Report {
        if let Some(facts) = facts {
            facts.member_delta = member_delta(value);
        }
        let mut reading = self.read_patch(value, endpoint.kind, current);
        let normalized = reading.changed.then(|| reading.normalized());
        let valid = reading.valid();
        let readable = reading.readable;
        let changed = reading.changed;
        let operations = std::mem::take(&mut reading.operations);
        let mut issues = reading.into_issues();
        if let Some(current) = current.filter(|_| valid) {
            // With the resource at hand, the operations can be tried: a value filter that matches
            // nothing shows up here rather than at Atlassian.
            let rt = self.schemas().resource(endpoint.kind);
            let options = self.apply_options(endpoint.kind);
            match crate::patch::apply(current, &operations, Some(rt), options) {
                Err(e) => {
                    let mut i = e.issue().clone();
                    i.severity = Severity::Error;
                    issues.push(i);
                }
                Ok(after) => {
                    let tried = PatchTried { message: value, operations: &operations, current, after, options };
                    server_rules(self).patch_result(self, endpoint.kind, tried, &mut issues);
                }
            }
        }
        let mut fixes = Fixes::default();
        if changed {
            fixes.push(Fix::Replace { pointer: String::new(), value: normalized.unwrap_or(Value::Null) });
        }
        let report = Report::new(issues, fixes, readable);
        // Every operation dropped: an empty Operations is no message to send.
        if changed && operations.is_empty() { report.leaving_nothing_to_send() } else { report }
    }

    /// DELETE: what the server does with it, said by its rules ([`super::atlassian::ServerRules::delete`]).
    pub(super) fn check_delete(&self, endpoint: &Endpoint<'_>) -> Report {
        let mut issues = self.no_issues();
        if let Some(issue) = server_rules(self).delete(self, endpoint.kind) {
            issues.push(issue);
        }
        Report::new(issues, Fixes::default(), true)
    }

    /// A GET query: every filter parses (RFC 7644 §3.4.2.2); the server's rules on the query and
    /// each parameter, in the order sent (`ServerRules::query` and `query_param` in `super::atlassian`).
    pub(super) fn check_query(&self, endpoint: &Endpoint<'_>) -> Report {
        let mut issues = self.no_issues();
        let root = Loc::ROOT;
        let server = server_rules(self);
        let pairs = endpoint.query.map(query_pairs).unwrap_or_default();
        server.query(&pairs, &mut issues);
        for (name, raw) in &pairs {
            let loc = root.key(name, name);
            let filter = if name.eq_ignore_ascii_case("filter") {
                match filter::parse_with(raw, &self.filter_limits()) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        issues.push(issue(Severity::Error, e.rule(), &loc, e.to_string()));
                        continue;
                    }
                }
            } else {
                None
            };
            let param = QueryParam { name, raw, filter: filter.as_ref(), loc: &loc };
            server.query_param(self, endpoint, &param, &mut issues);
        }
        Report::new(issues, Fixes::default(), true)
    }
}

/// Members a PatchOp message adds minus those it removes (by value filter or value list), for
/// [`super::Facts::member_delta`]: a batch counts a group's members from the message the check
/// read.
fn member_delta(body: &Value) -> i64 {
    let ops = body
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("operations")))
        .and_then(|(_, v)| v.as_array());
    let mut delta = 0i64;
    for op in ops.into_iter().flatten() {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
        if !path.starts_with("members") {
            continue;
        }
        let listed = op.get("value").and_then(Value::as_array).map_or(0, |a| a.len() as i64);
        match kind.as_str() {
            "add" => delta += listed,
            "remove" => delta -= if path.contains('[') { 1 } else { listed },
            _ => {}
        }
    }
    delta
}
