//! Checks of requests that carry no resource body: PATCH (a PatchOp message) and GET queries.

use serde_json::Value;

use super::nesting;
use super::{issue, single, single_issue};
use crate::filter::{self, CompValue, CompareOp, Filter};
use crate::profile::Profile;
use crate::report::{Report, Severity};
use crate::request::{Body, Endpoint, query_pairs};
use crate::rules;
use crate::schema::ResourceKind;
use crate::walk::fix::{Fix, Fixes};
use crate::walk::loc::Loc;

/// Atlassian's page size (its KB: 100 results per page).
const MAX_COUNT: u64 = 100;

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
                Ok(after) if self.is_atlassian() => {
                    // The rules judge the names as the message leaves them, before Atlassian's
                    // display-name rule overwrites them (which ATL-U-020 warns about).
                    let plain = crate::patch::ApplyOptions { display_name_overwrites_names: false, ..options };
                    let after = match options.display_name_overwrites_names {
                        true => crate::patch::apply(current, &operations, Some(rt), plain).unwrap_or(after),
                        false => after,
                    };
                    super::state::patch_rules(self, endpoint.kind, value, current, &after, &mut issues);
                }
                Ok(_) => {}
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

    /// DELETE: what Atlassian does with it (reference §6), and the reversible alternative.
    pub(super) fn check_delete(&self, endpoint: &Endpoint<'_>) -> Report {
        let root = Loc::ROOT;
        let i = match (endpoint.kind, self.delete_semantics()) {
            (_, _) if !self.is_atlassian() => return Report::new(self.no_issues(), Fixes::default(), true),
            (ResourceKind::User, crate::DeleteSemantics::Unlink) => issue(
                Severity::Warning,
                &rules::ATL_D_001,
                &root,
                "Atlassian unlinks the user from the identity provider, deactivates the managed account and deletes the SCIM record for good; later requests for this id answer 404. To suspend the user reversibly, PATCH active to false",
            ),
            (ResourceKind::User, crate::DeleteSemantics::Deactivate) => issue(
                Severity::Info,
                &rules::ATL_D_001,
                &root,
                "under the older documented behaviour (delete_semantics deactivate) DELETE deactivates the account like active: false; the id then answers 404 until reactivated",
            ),
            (ResourceKind::Group, _) => issue(
                Severity::Warning,
                &rules::ATL_D_002,
                &root,
                "Atlassian removes the group from the organization's directory and its sites; members lose the product access and permissions it granted",
            ),
        };
        let mut issues = self.no_issues();
        issues.push(i);
        Report::new(issues, Fixes::default(), true)
    }

    pub(super) fn check_query(&self, endpoint: &Endpoint<'_>) -> Report {
        let mut issues = self.no_issues();
        let root = Loc::ROOT;
        let pairs = endpoint.query.map(query_pairs).unwrap_or_default();
        let has = |n: &str| pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
        if self.is_atlassian() && has("attributes") && has("excludedAttributes") {
            let loc = root.key("excludedAttributes", "excludedAttributes");
            issues.push(issue(
                Severity::Warning,
                &rules::ATL_Q_004,
                &loc,
                "attributes and excludedAttributes are mutually exclusive: send one",
            ));
        }
        for (name, raw) in pairs {
            let loc = root.key(&name, &name);
            match name.to_ascii_lowercase().as_str() {
                "filter" => {
                    let f = match filter::parse_with(&raw, &self.filter_limits()) {
                        Ok(f) => f,
                        Err(e) => {
                            issues.push(issue(Severity::Error, e.rule(), &loc, e.to_string()));
                            continue;
                        }
                    };
                    if self.is_atlassian() && endpoint.id.is_none() && !atlassian_filter(&f, endpoint.kind) {
                        let allowed = match endpoint.kind {
                            ResourceKind::User => "userName eq \"…\" or externalId eq \"…\"",
                            ResourceKind::Group => "displayName eq \"…\"",
                        };
                        // The filter as it was sent, not as atlscim would print it.
                        let detail = format!("Atlassian answers 400 \"Caller has provided an invalid filter\" to the filter `{raw}`: it filters {}s only by {allowed}", endpoint.kind.as_str());
                        issues.push(issue(Severity::Error, &rules::ATL_Q_001, &loc, detail));
                    }
                }
                "attributes" | "excludedattributes" if self.is_atlassian() => {
                    let rt = self.schemas().resource(endpoint.kind);
                    for attr in raw.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                        let known = crate::path::PatchPath::parse_with(attr, &self.filter_limits())
                            .is_ok_and(|p| p.filter.is_none() && p.resolve(rt).is_ok());
                        if !known {
                            let detail = format!("{attr:?} is not an attribute of the {} resource type", endpoint.kind.as_str());
                            issues.push(issue(Severity::Warning, &rules::ATL_Q_005, &loc, detail));
                        }
                    }
                }
                "startindex" => match raw.trim().parse::<i64>() {
                    Ok(n) if n >= 1 => {}
                    _ if !self.is_atlassian() => {}
                    _ => issues.push(issue(Severity::Error, &rules::ATL_Q_002, &loc, format!("startIndex must be a whole number of at least 1, got {raw:?}"))),
                },
                "sortby" | "sortorder" if self.is_atlassian() => {
                    issues.push(issue(Severity::Error, &rules::ATL_Q_003, &loc, format!("Atlassian does not sort ({name}); sort the results yourself")));
                }
                "count" if self.is_atlassian() => match raw.trim().parse::<i64>() {
                    Ok(n) if n >= 0 && n as u64 <= MAX_COUNT => {}
                    Ok(n) if n > 0 => issues.push(issue(
                        Severity::Warning,
                        &rules::ATL_Q_002,
                        &loc,
                        format!("count {n} is more than Atlassian's page of {MAX_COUNT}: expect at most {MAX_COUNT} results per page and page with startIndex"),
                    )),
                    _ => issues.push(issue(Severity::Error, &rules::ATL_Q_002, &loc, format!("count must be a whole number, got {raw:?}"))),
                },
                _ => {}
            }
        }
        Report::new(issues, Fixes::default(), true)
    }
}

/// The report on a path that is no endpoint: /Bulk and /Me, which Atlassian does not have
/// (ATL-Q-003, beside its other unsupported features), or anything else (RFC-R-001).
pub(super) fn no_such_endpoint(path: &str) -> Report {
    let last = path.split('?').next().unwrap_or("").trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if ["Bulk", "Me"].iter().any(|e| e.eq_ignore_ascii_case(last)) {
        return single(&rules::ATL_Q_003, format!("Atlassian has no /{last} endpoint: send one request per resource"));
    }
    single(&rules::RFC_R_001, format!("{path:?} is not /Users, /Users/{{id}}, /Groups or /Groups/{{id}}"))
}

/// Whether a filter is one Atlassian answers: a single `eq` on userName or externalId (Users),
/// or on displayName (Groups), with a string value.
fn atlassian_filter(f: &Filter, kind: ResourceKind) -> bool {
    let Filter::Compare { path, op: CompareOp::Eq, value: CompValue::String(_) } = f else { return false };
    let core_urn = match kind {
        ResourceKind::User => crate::schema::USER_URN,
        ResourceKind::Group => crate::schema::GROUP_URN,
    };
    if path.sub.is_some() || path.urn.as_deref().is_some_and(|u| !u.eq_ignore_ascii_case(core_urn)) {
        return false;
    }
    let allowed: &[&str] = match kind {
        ResourceKind::User => &["userName", "externalId"],
        ResourceKind::Group => &["displayName"],
    };
    allowed.iter().any(|a| a.eq_ignore_ascii_case(&path.attr))
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
