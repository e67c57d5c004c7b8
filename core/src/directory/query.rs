//! GET on a collection: the one filter Atlassian answers per resource type, paging as Atlassian
//! pages, and the `attributes` / `excludedAttributes` projection its Users endpoints take.

use serde_json::{Map, Value};

use super::Directory;
use super::answer::{Answer, list_response};
use super::state::name_key;
use crate::filter::{self, CompValue, CompareOp, Filter};
use crate::schema::ResourceKind;

/// Atlassian's page: 100 results at most, and by default (reference §1.5, ATL-Q-002).
pub const PAGE_SIZE: usize = 100;

fn param<'p>(pairs: &'p [(String, String)], name: &str) -> Option<&'p str> {
    pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A page of users or groups. The check has already refused filters and parameters Atlassian
/// refuses, so what reaches here is one `eq` on userName, externalId or displayName (the rfc
/// profile's wider filters are evaluated on every resource).
pub(super) fn list(d: &Directory, kind: ResourceKind, pairs: &[(String, String)]) -> Answer {
    let ids: Vec<&String> = match param(pairs, "filter") {
        None => match kind {
            ResourceKind::User => d.state.user_order.values().filter(|id| d.visible_user(id).is_some()).collect(),
            ResourceKind::Group => d.state.group_order.values().collect(),
        },
        Some(text) => match filter::parse_with(text, &d.profile.filter_limits()) {
            Ok(f) => matching(d, kind, &f),
            Err(e) => return Answer::scim_error(400, Some("invalidFilter"), e.to_string()),
        },
    };
    let start = param(pairs, "startIndex").and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(1).max(1);
    let count = param(pairs, "count")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map_or(PAGE_SIZE, |c| usize::try_from(c).unwrap_or(0).min(PAGE_SIZE));
    let page: Vec<Value> = ids
        .iter()
        .skip(start - 1)
        .take(count)
        .filter_map(|id| match kind {
            ResourceKind::User => d.render_user(id).map(|u| project(u, pairs)),
            ResourceKind::Group => d.render_group(id),
        })
        .collect();
    Answer::json(200, list_response(ids.len(), start, page))
}

/// The ids a filter selects, in creation order.
fn matching<'d>(d: &'d Directory, kind: ResourceKind, f: &Filter) -> Vec<&'d String> {
    if let Filter::Compare { path, op: CompareOp::Eq, value: CompValue::String(v) } = f
        && path.sub.is_none()
    {
        let attr = path.attr.as_str();
        let indexed = match kind {
            ResourceKind::User if attr.eq_ignore_ascii_case("userName") => {
                Some(d.state.by_user_name.get(&name_key(v)).into_iter().collect::<Vec<_>>())
            }
            ResourceKind::User if attr.eq_ignore_ascii_case("externalId") => {
                let mut ids: Vec<&String> = d.state.by_external_id.get(v.as_str()).into_iter().flatten().collect();
                ids.sort_by_key(|id| d.state.users.get(*id).map(|u| u.seq));
                Some(ids)
            }
            ResourceKind::Group if attr.eq_ignore_ascii_case("displayName") => {
                Some(d.state.by_group_name.get(&name_key(v)).into_iter().collect())
            }
            _ => None,
        };
        if let Some(ids) = indexed {
            return ids.into_iter().filter(|id| kind == ResourceKind::Group || d.visible_user(id).is_some()).collect();
        }
    }
    // Any other filter (the rfc profile allows them all): evaluate it on every resource.
    let order = match kind {
        ResourceKind::User => &d.state.user_order,
        ResourceKind::Group => &d.state.group_order,
    };
    order
        .values()
        .filter(|id| {
            let r = match kind {
                ResourceKind::User => d.render_user(id),
                ResourceKind::Group => d.render_group(id),
            };
            r.is_some_and(|r| filter::matches(f, &r))
        })
        .collect()
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) on a user: `id` and `schemas` are
/// always returned. Names may be `attr`, `attr.sub` or URN-qualified.
pub(super) fn project(resource: Value, pairs: &[(String, String)]) -> Value {
    let Value::Object(mut m) = resource else { return resource };
    if let Some(list) = param(pairs, "attributes").filter(|l| !l.trim().is_empty()) {
        let wanted: Vec<(String, Option<String>)> = list.split(',').map(split_name).collect();
        let mut kept = Map::new();
        for (key, value) in m {
            if key == "id" || key == "schemas" {
                kept.insert(key, value);
                continue;
            }
            let subs: Vec<&Option<String>> =
                wanted.iter().filter(|(a, _)| a.eq_ignore_ascii_case(&key)).map(|(_, s)| s).collect();
            if subs.is_empty() {
                continue;
            }
            if subs.iter().any(|s| s.is_none()) {
                kept.insert(key, value);
            } else {
                let keep = |k: &String| subs.iter().any(|s| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(k)));
                kept.insert(key, filter_subs(value, &keep));
            }
        }
        return Value::Object(kept);
    }
    if let Some(list) = param(pairs, "excludedAttributes") {
        for (attr, sub) in list.split(',').map(split_name) {
            let Some(key) = m.keys().find(|k| k.eq_ignore_ascii_case(&attr)).cloned() else { continue };
            if key == "id" || key == "schemas" {
                continue;
            }
            match sub {
                None => {
                    m.remove(&key);
                }
                Some(sub) => {
                    if let Some(v) = m.remove(&key) {
                        m.insert(key, filter_subs(v, &|k: &String| !k.eq_ignore_ascii_case(&sub)));
                    }
                }
            }
        }
    }
    Value::Object(m)
}

/// `name.givenName` → (`name`, `givenName`); `urn:…:User:department` → (`urn:…:User`, `department`);
/// a bare URN names its whole extension.
fn split_name(text: &str) -> (String, Option<String>) {
    let t = text.trim();
    if t.len() > 4 && t[..4].eq_ignore_ascii_case("urn:") {
        // An extension attribute is the URN, a colon and the attribute name (no dots in URNs here).
        let known = [
            crate::schema::ENTERPRISE_URN,
            crate::schema::ATLASSIAN_EXTERNAL_URN,
            crate::schema::ATLASSIAN_CUSTOM_URN,
            crate::schema::USER_URN,
        ];
        for urn in known {
            if t.len() > urn.len() + 1 && t[..urn.len()].eq_ignore_ascii_case(urn) && t.as_bytes()[urn.len()] == b':' {
                let rest = &t[urn.len() + 1..];
                if urn == crate::schema::USER_URN {
                    return split_name(rest);
                }
                return (urn.to_string(), Some(rest.to_string()));
            }
        }
        return (t.to_string(), None);
    }
    match t.split_once('.') {
        Some((a, s)) => (a.to_string(), Some(s.to_string())),
        None => (t.to_string(), None),
    }
}

/// Keeps the sub-attributes `keep` accepts, in a complex value or in each element of a list.
fn filter_subs(value: Value, keep: &dyn Fn(&String) -> bool) -> Value {
    match value {
        Value::Object(o) => Value::Object(o.into_iter().filter(|(k, _)| keep(k)).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| filter_subs(v, keep)).collect()),
        other => other,
    }
}
