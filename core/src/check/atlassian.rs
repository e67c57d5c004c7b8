//! Atlassian's rules on a request as a whole, beyond RFC 7643/7644: reached from the routing
//! (`mod.rs`, `request_kinds.rs`) through the hooks of [`ServerRules`] — after a User or Group
//! body was walked, after a PATCH was tried on `current`, on a DELETE, on a query and each of
//! its parameters — and the paths Atlassian does not serve (`no_such_endpoint`, which names
//! /Bulk and /Me as ATL-Q-003 under every profile). The profile picks the hooks once
//! ([`server_rules`]); the rfc profile's do nothing (RFC 7644 has no such rules), so the routing
//! has no profile branches. Rules at an attribute are not here: they are tags on Atlassian's
//! schema, run by the walk ([`crate::schema::AtlassianCheck`]); rules on Atlassian's state (the
//! known lists, `current`) are in `state.rs`, which these hooks call.

use serde_json::Value;

use super::state::{self, GroupSize};
use super::{Operation, issue, single, string_of};
use crate::filter::{CompValue, CompareOp, Filter};
use crate::patch::ApplyOptions;
use crate::profile::{self, Profile};
use crate::report::{Issue, Issues, Report, Severity};
use crate::request::Endpoint;
use crate::rules;
use crate::schema::{self, Mutability, ResourceKind};
use crate::walk::fix::Fix;
use crate::walk::groups::{self, Rename};
use crate::walk::loc::Loc;
use crate::walk::walker::Walker;

/// Atlassian's page size (its KB: 100 results per page).
const MAX_COUNT: u64 = 100;

/// A PATCH the check could try on `current`, and the resource it left.
pub(super) struct PatchTried<'a> {
    pub(super) message: &'a Value,
    pub(super) operations: &'a [crate::patch::Operation],
    pub(super) current: &'a Value,
    pub(super) after: Value,
    pub(super) options: ApplyOptions,
}

/// One parameter of a GET query, its filter parsed when it is `filter`.
pub(super) struct QueryParam<'a> {
    pub(super) name: &'a str,
    pub(super) raw: &'a str,
    pub(super) filter: Option<&'a Filter>,
    pub(super) loc: &'a Loc<'a>,
}

/// The rules of the server a profile models, at each point of a check where they apply. Each
/// hook does nothing unless the server has rules there.
pub(super) trait ServerRules: Sync {
    /// The path to route: a full URL is judged against the directory's base URL where the server
    /// has one.
    fn relative_path<'a>(&self, _profile: &Profile, path: &'a str) -> Result<&'a str, Report> {
        Ok(path)
    }
    /// After a User body (POST or PUT) was walked; `current` only for a PUT.
    fn user_body(&self, _w: &mut Walker<'_, '_>, _operation: Operation, _current: Option<&Value>) {}
    /// After a Group body (POST or PUT) was walked; `current` only for a PUT.
    fn group_body(&self, _w: &mut Walker<'_, '_>, _operation: Operation, _current: Option<&Value>) {}
    /// After a PATCH applied to `current` without an error.
    fn patch_result(&self, _profile: &Profile, _kind: ResourceKind, _tried: PatchTried<'_>, _issues: &mut Issues) {}
    /// What a DELETE does, when the server says more than RFC 7644 §3.6.
    fn delete(&self, _profile: &Profile, _kind: ResourceKind) -> Option<Issue> {
        None
    }
    /// The query as a whole (name and raw value of each parameter), before its parameters.
    fn query(&self, _pairs: &[(String, String)], _issues: &mut Issues) {}
    /// One parameter of the query, in the order sent.
    fn query_param(&self, _profile: &Profile, _endpoint: &Endpoint<'_>, _param: &QueryParam<'_>, _issues: &mut Issues) {
    }
}

/// RFC 7643/7644 alone: no rules beyond the walk's.
struct Rfc;
impl ServerRules for Rfc {}

/// Atlassian Cloud's user provisioning API (reference/atlassian-scim.md).
struct Atlassian;

/// The hooks of the server `profile` models.
pub(super) fn server_rules(profile: &Profile) -> &'static dyn ServerRules {
    if profile.is_atlassian() { &Atlassian } else { &Rfc }
}

impl ServerRules for Atlassian {
    fn relative_path<'a>(&self, profile: &Profile, path: &'a str) -> Result<&'a str, Report> {
        super::base_url::relative(profile, path)
    }

    fn user_body(&self, w: &mut Walker<'_, '_>, operation: Operation, current: Option<&Value>) {
        enterprise_placement(w);
        if let Some(current) = current {
            replace_clears(w, current);
        }
        state::body_user_rules(w, operation, current);
    }

    fn group_body(&self, w: &mut Walker<'_, '_>, operation: Operation, current: Option<&Value>) {
        group_rules(w, operation, current);
    }

    fn patch_result(&self, profile: &Profile, kind: ResourceKind, tried: PatchTried<'_>, issues: &mut Issues) {
        let PatchTried { message, operations, current, after, options } = tried;
        // The rules judge the names as the message leaves them, before Atlassian's display-name
        // rule overwrites them (which ATL-U-020 warns about).
        let after = match options.display_name_overwrites_names {
            true => {
                let plain = ApplyOptions { display_name_overwrites_names: false, ..options };
                let rt = profile.schemas().resource(kind);
                crate::patch::apply(current, operations, Some(rt), plain).unwrap_or(after)
            }
            false => after,
        };
        state::patch_rules(profile, kind, message, current, &after, issues);
    }

    /// What Atlassian does with a DELETE (reference §6), and the reversible alternative.
    fn delete(&self, profile: &Profile, kind: ResourceKind) -> Option<Issue> {
        let root = Loc::ROOT;
        Some(match (kind, profile.delete_semantics()) {
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
        })
    }

    fn query(&self, pairs: &[(String, String)], issues: &mut Issues) {
        let has = |n: &str| pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
        if has("attributes") && has("excludedAttributes") {
            let root = Loc::ROOT;
            let loc = root.key("excludedAttributes", "excludedAttributes");
            issues.push(issue(
                Severity::Warning,
                &rules::ATL_Q_004,
                &loc,
                "attributes and excludedAttributes are mutually exclusive: send one",
            ));
        }
    }

    fn query_param(&self, profile: &Profile, endpoint: &Endpoint<'_>, param: &QueryParam<'_>, issues: &mut Issues) {
        let QueryParam { name, raw, filter, loc } = *param;
        match name.to_ascii_lowercase().as_str() {
            "filter" => {
                if let Some(f) = filter
                    && endpoint.id.is_none()
                    && !atlassian_filter(f, endpoint.kind)
                {
                    let allowed = match endpoint.kind {
                        ResourceKind::User => "userName eq \"…\" or externalId eq \"…\"",
                        ResourceKind::Group => "displayName eq \"…\"",
                    };
                    // The filter as it was sent, not as atlscim would print it.
                    let detail = format!("Atlassian answers 400 \"Caller has provided an invalid filter\" to the filter `{raw}`: it filters {}s only by {allowed}", endpoint.kind.as_str());
                    issues.push(issue(Severity::Error, &rules::ATL_Q_001, loc, detail));
                }
            }
            "attributes" | "excludedattributes" => {
                let rt = profile.schemas().resource(endpoint.kind);
                for attr in raw.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                    let known = crate::path::PatchPath::parse_with(attr, &profile.filter_limits())
                        .is_ok_and(|p| p.filter.is_none() && p.resolve(rt).is_ok());
                    if !known {
                        let detail = format!("{attr:?} is not an attribute of the {} resource type", endpoint.kind.as_str());
                        issues.push(issue(Severity::Warning, &rules::ATL_Q_005, loc, detail));
                    }
                }
            }
            "startindex" => match raw.trim().parse::<i64>() {
                Ok(n) if n >= 1 => {}
                _ => issues.push(issue(Severity::Error, &rules::ATL_Q_002, loc, format!("startIndex must be a whole number of at least 1, got {raw:?}"))),
            },
            "sortby" | "sortorder" => {
                issues.push(issue(Severity::Error, &rules::ATL_Q_003, loc, format!("Atlassian does not sort ({name}); sort the results yourself")));
            }
            "count" => match raw.trim().parse::<i64>() {
                Ok(n) if n >= 0 && n as u64 <= MAX_COUNT => {}
                Ok(n) if n > 0 => issues.push(issue(
                    Severity::Warning,
                    &rules::ATL_Q_002,
                    loc,
                    format!("count {n} is more than Atlassian's page of {MAX_COUNT}: expect at most {MAX_COUNT} results per page and page with startIndex"),
                )),
                _ => issues.push(issue(Severity::Error, &rules::ATL_Q_002, loc, format!("count must be a whole number, got {raw:?}"))),
            },
            _ => {}
        }
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

/// The group rules that need the whole group: ATL-G-002 (PUT), ATL-G-003, ATL-G-004, ATL-G-007.
fn group_rules(w: &mut Walker<'_, '_>, operation: Operation, current: Option<&Value>) {
    let profile = w.profile;
    let root = Loc::ROOT;
    let name_loc = root.key("displayName", "displayName");
    if let Some(name) = w.top.display_name.as_deref().map(str::to_string) {
        if let Some(now) = current.and_then(|c| string_of(c, "displayName"))
            && let rename = (Rename { now, new: &name })
            && rename.renames()
        {
            w.issues.push(issue(Severity::Error, Rename::RULE, &name_loc, rename.refused()));
        }
        if operation == Operation::Create && profile.known_groups.find(&profile::group_key(&name)).is_some() {
            let detail = "Resource [GROUP]: with displayName already exists. (the name is in known_groups)".to_string();
            w.issues.push(issue(Severity::Error, &rules::ATL_G_003, &name_loc, detail));
        }
        if let Some(why) = groups::reserved_name(&name, &profile.reserved_groups) {
            let detail = format!("{why}: Atlassian creates the group but does not sync it to the site");
            w.issues.push(issue(Severity::Warning, &rules::ATL_G_004, &name_loc, detail));
        }
    }
    if let Some(detail) = w.top.member_count.and_then(|n| GroupSize::Body(n).over(profile.limits.users_per_group)) {
        w.issues.push(issue(Severity::Warning, GroupSize::RULE, &root.key("members", "members"), detail));
    }
}

/// ATL-U-015: department and organization belong in the enterprise extension.
fn enterprise_placement(w: &mut Walker<'_, '_>) {
    for (i, name) in schema::ENTERPRISE_ALSO_AT_TOP.into_iter().enumerate() {
        let Some((key, top)) = w.top.enterprise_top[i].take() else {
            continue;
        };
        let root = Loc::ROOT;
        let loc = root.key(&key, name);
        let ext = w.top.enterprise_ext[i].as_deref();
        match ext {
            Some(e) if e == top => {
                // Always dropped, in every mode: the extension already says the same.
                let detail = format!(
                    "{name} is sent both at the top level and in the enterprise extension; only the extension is needed"
                );
                w.issues.push(issue(Severity::Info, &rules::ATL_U_015, &loc, detail));
                w.fixes.push(Fix::Remove { pointer: loc.pointer() });
            }
            Some(e) => {
                let detail = format!(
                    "top-level {name} {top:?} disagrees with the enterprise extension's {e:?}; Atlassian documents the extension, so that value is the one to trust"
                );
                w.issues.push(issue(Severity::Warning, &rules::ATL_U_015, &loc, detail));
            }
            None => {
                let detail = format!("{name} belongs in the enterprise extension {}", schema::ENTERPRISE_URN);
                let add = !w.top.extensions_used.contains(&schema::ENTERPRISE_URN);
                let fixes = add
                    .then(|| Fix::AddSchema { urn: schema::ENTERPRISE_URN.to_string() })
                    .into_iter()
                    .chain([Fix::MoveIntoExtension { from: key.clone(), urn: schema::ENTERPRISE_URN, name }]);
                if w.found(&rules::ATL_U_015, Severity::Warning, &loc, detail, fixes) && add {
                    w.top.extensions_used.push(schema::ENTERPRISE_URN);
                }
            }
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
