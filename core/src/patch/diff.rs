//! diff: the smallest PatchOp Atlassian accepts that turns one resource into another.
//!
//! Attribute by attribute, over what the schema lets a client write:
//! - a single-valued attribute that changed is replaced; one that went away is removed (never a
//!   required one);
//! - a complex attribute (`name`) changes sub-attribute by sub-attribute (`name.givenName`);
//! - group `members` change by add and remove, never by replacing the membership;
//! - other multi-valued attributes (emails, phone numbers) that are equal after normalization
//!   (email domains compared in their canonical form, order aside) produce nothing — Atlassian
//!   answers a re-sent unchanged emails list with a 400 (ATL-U-022); when each value has its own
//!   `type`, they change value by value (`emails[type eq "work"].value`); a list that only gains
//!   values gets an add of the new ones; otherwise the list is replaced as a whole;
//! - unassigned values (null, blank strings, empty lists and objects; RFC 7643 §2.5) count as
//!   absent wherever they are, so a blank `display` in `current` is no difference.
//!
//! The operations are then applied to `current` with the same semantics [`super::apply`] uses,
//! and anything still different is replaced as a whole, so `apply(current, diff(current,
//! desired))` equals `desired` on every attribute the schema lets a client write.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{ApplyOptions, OpKind, Operation, apply};
use crate::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::path::PatchPath;
use crate::schema::{Attribute, Mutability, ResourceKind, ResourceType};
use crate::syntax::json_text;

/// The operations that turn `current` into `desired` (empty when nothing differs), for a
/// server that applies them with `options`.
pub fn diff(original: &Value, desired: &Value, rt: &ResourceType, options: ApplyOptions) -> Vec<Operation> {
    let current = original;
    let mut ops = Vec::new();
    // Under Atlassian's display-name rule a new display name also rewrites the names, so it goes
    // first and the rest is compared with what it leaves.
    let mut base = std::borrow::Cow::Borrowed(current);
    if options.display_name_overwrites_names
        && let Some(attr) = rt.core.attribute("displayName")
    {
        attribute(&mut ops, None, attr, get_ci(current, &attr.name), get_ci(desired, &attr.name), rt.kind);
        if !ops.is_empty()
            && let Ok(applied) = apply(current, &ops, Some(rt), options)
        {
            base = std::borrow::Cow::Owned(applied);
        }
    }
    let current = base.as_ref();
    for attr in writable(&rt.core.attributes).chain(writable(&rt.common)) {
        if options.display_name_overwrites_names && attr.is("displayName") {
            continue;
        }
        attribute(&mut ops, None, attr, get_ci(current, &attr.name), get_ci(desired, &attr.name), rt.kind);
    }
    for ext in &rt.extensions {
        let (cur, des) = (get_ci(current, &ext.id), get_ci(desired, &ext.id));
        for attr in writable(&ext.attributes) {
            let (c, d) = (cur.and_then(|o| get_ci(o, &attr.name)), des.and_then(|o| get_ci(o, &attr.name)));
            attribute(&mut ops, Some(&ext.id), attr, c, d, rt.kind);
        }
    }
    // Verify by applying; replace as a whole whatever still differs.
    // Group members come from exact set differences and can number in the thousands; checking
    // them by re-applying one remove each would be quadratic, so the check leaves them out.
    let checked: Vec<Operation> = ops.iter().filter(|o| !touches_members(o, rt.kind)).cloned().collect();
    // Nothing to apply leaves the resource as it is (`apply` would copy it to run no operation).
    let applied = if checked.is_empty() {
        original.is_object().then_some(std::borrow::Cow::Borrowed(original))
    } else {
        apply(original, &checked, Some(rt), options).ok().map(std::borrow::Cow::Owned)
    };
    if let Some(applied) = applied {
        let mut fixes = Vec::new();
        for attr in writable(&rt.core.attributes).chain(writable(&rt.common)) {
            if rt.kind == ResourceKind::Group && attr.is("members") {
                continue;
            }
            let (got, want) = (assigned(get_ci(&applied, &attr.name)), assigned(get_ci(desired, &attr.name)));
            if !same(attr, got, want) {
                fixes.push(fix(None, attr, got, want));
            }
        }
        for ext in &rt.extensions {
            for attr in writable(&ext.attributes) {
                let got = assigned(get_ci(&applied, &ext.id).and_then(|o| get_ci(o, &attr.name)));
                let want = assigned(get_ci(desired, &ext.id).and_then(|o| get_ci(o, &attr.name)));
                if !same(attr, got, want) {
                    fixes.push(fix(Some(&ext.id), attr, got, want));
                }
            }
        }
        ops.extend(fixes.into_iter().flatten());
    }
    ops
}

fn touches_members(op: &Operation, kind: ResourceKind) -> bool {
    kind == ResourceKind::Group && op.path.as_ref().is_some_and(|p| p.attr.attr.eq_ignore_ascii_case("members"))
}

fn writable(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| !matches!(a.mutability, Mutability::ReadOnly))
}

fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let m = v.as_object()?;
    m.get(key).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// Unassigned values (null, blank strings, and lists and objects of nothing else) count as
/// absent (RFC 7643 §2.5).
fn assigned(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| is_assigned(v))
}

fn is_assigned(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => a.iter().any(is_assigned),
        Value::Object(m) => m.values().any(is_assigned),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn path(urn: Option<&str>, attr: &str, sub: Option<&str>) -> PatchPath {
    PatchPath {
        attr: AttrPath { urn: urn.map(str::to_string), attr: attr.to_string(), sub: sub.map(str::to_string) },
        filter: None,
        sub: None,
    }
}

fn op(kind: OpKind, path: PatchPath, value: Option<Value>) -> Operation {
    Operation::new(kind, Some(path), value)
}

/// Replace the attribute as a whole, or remove it.
fn whole(urn: Option<&str>, attr: &Attribute, want: Option<&Value>) -> Option<Operation> {
    match want {
        Some(v) => Some(op(OpKind::Replace, path(urn, &attr.name, None), Some(v.clone()))),
        None if attr.required => None,
        None => Some(op(OpKind::Remove, path(urn, &attr.name, None), None)),
    }
}

/// Replace what the operations left different (`got`) with what is wanted. A replace keeps the
/// sub-attributes of a complex attribute its value does not give (RFC 7644 §3.5.2.3), so the
/// ones to drop are given as null.
fn fix(urn: Option<&str>, attr: &Attribute, got: Option<&Value>, want: Option<&Value>) -> Option<Operation> {
    if let (Some(Value::Object(g)), Some(Value::Object(w))) = (got, want)
        && !attr.multi_valued
    {
        let mut value = w.clone();
        for (k, v) in g {
            if is_assigned(v) && !w.keys().any(|wk| wk.eq_ignore_ascii_case(k)) {
                value.insert(k.clone(), Value::Null);
            }
        }
        return Some(op(OpKind::Replace, path(urn, &attr.name, None), Some(Value::Object(value))));
    }
    whole(urn, attr, want)
}

fn attribute(
    ops: &mut Vec<Operation>,
    urn: Option<&str>,
    attr: &Attribute,
    cur: Option<&Value>,
    des: Option<&Value>,
    kind: ResourceKind,
) {
    let (cur, des) = (assigned(cur), assigned(des));
    if same(attr, cur, des) {
        return;
    }
    // An absent multi-valued attribute is an empty one: new values are added, not replaced in.
    let empty = Value::Array(Vec::new());
    let cur = if attr.multi_valued && des.is_some() { cur.or(Some(&empty)) } else { cur };
    match (cur, des) {
        (_, None) => ops.extend(whole(urn, attr, None)),
        (Some(c @ Value::Object(_)), Some(d @ Value::Object(_))) if !attr.multi_valued => {
            for sub in writable(&attr.sub_attributes) {
                let (cs, ds) = (assigned(get_ci(c, &sub.name)), assigned(get_ci(d, &sub.name)));
                if cs == ds {
                    continue;
                }
                let p = path(urn, &attr.name, Some(&sub.name));
                match ds {
                    Some(v) => ops.push(op(OpKind::Replace, p, Some(v.clone()))),
                    None => ops.push(op(OpKind::Remove, p, None)),
                }
            }
        }
        (Some(Value::Array(c)), Some(Value::Array(d))) if attr.multi_valued => {
            if kind == ResourceKind::Group && attr.is("members") {
                members(ops, urn, attr, c, d);
            } else if !by_type(ops, urn, attr, c, d) && !added_only(ops, urn, attr, c, d) {
                ops.extend(whole(urn, attr, des));
            }
        }
        _ => ops.extend(whole(urn, attr, des)),
    }
}

/// Whether two values of an attribute are the same after normalization. Unassigned parts (a
/// blank `display`, a null `givenName`) do not count: a server may keep them or drop them, and a
/// diff that saw them would PATCH again on every sync.
fn same(attr: &Attribute, a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) if attr.is("emails") => same_emails(x, y),
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            // Order aside; sorted canonical texts keep large lists (group members) n log n.
            let canon = |list: &[Value]| {
                let mut texts: Vec<String> = list.iter().filter_map(canonical).map(|v| json_text(&v)).collect();
                texts.sort_unstable();
                texts
            };
            canon(x) == canon(y)
        }
        (Some(x), Some(y)) => canonical(x) == canonical(y),
        _ => false,
    }
}

/// A value for comparisons: object member names in lower case, unassigned members and values
/// dropped; `None` when nothing assigned is left.
fn canonical(v: &Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            let kept: Map<String, Value> =
                m.iter().filter_map(|(k, v)| canonical(v).map(|v| (k.to_lowercase(), v))).collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        Value::Array(a) => {
            let kept: Vec<Value> = a.iter().filter_map(canonical).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        other => is_assigned(other).then(|| other.clone()),
    }
}

fn value_of(v: &Value) -> Option<&str> {
    get_ci(v, "value").and_then(Value::as_str)
}

/// Group members: add the new ones in one operation, remove the others one by one. Members are
/// told apart by their value (the user id), with sets so that 35,000-member groups stay linear.
fn members(ops: &mut Vec<Operation>, urn: Option<&str>, attr: &Attribute, cur: &[Value], des: &[Value]) {
    use std::collections::HashSet;
    let current: HashSet<&str> = cur.iter().filter_map(value_of).collect();
    let desired: HashSet<&str> = des.iter().filter_map(value_of).collect();
    for id in cur.iter().filter_map(value_of).filter(|id| !desired.contains(id)) {
        let mut p = path(urn, &attr.name, None);
        p.filter = Some(eq("value", id));
        ops.push(op(OpKind::Remove, p, None));
    }
    let added: Vec<Value> =
        des.iter().filter(|d| value_of(d).is_none_or(|id| !current.contains(id))).cloned().collect();
    if !added.is_empty() {
        ops.push(op(OpKind::Add, path(urn, &attr.name, None), Some(Value::Array(added))));
    }
}

/// A list that only gains values: an add of the new ones rather than a replace of the whole list.
/// This is also what a diff sees after part of a replace too large for one message was sent
/// (a replace of the first values, then adds): it resumes with the adds. Returns false when a
/// value would have to go.
fn added_only(ops: &mut Vec<Operation>, urn: Option<&str>, attr: &Attribute, cur: &[Value], des: &[Value]) -> bool {
    use std::collections::HashSet;
    let text = |v: &Value| canonical(v).map(|c| c.to_string());
    let want: HashSet<String> = des.iter().filter_map(text).collect();
    let have: HashSet<String> = cur.iter().filter_map(text).collect();
    if !have.is_subset(&want) {
        return false;
    }
    let added: Vec<Value> = des.iter().filter(|d| text(d).is_some_and(|t| !have.contains(&t))).cloned().collect();
    if added.is_empty() {
        return false;
    }
    ops.push(op(OpKind::Add, path(urn, &attr.name, None), Some(Value::Array(added))));
    true
}

fn eq(attr: &str, value: &str) -> Filter {
    Filter::Compare { path: AttrPath::name(attr), op: CompareOp::Eq, value: CompValue::String(value.to_string()) }
}

fn type_of(v: &Value) -> Option<&str> {
    get_ci(v, "type").and_then(Value::as_str)
}

/// Each value by its type, when every value has one and no two share it (a map, so that a user
/// with many typed values diffs in linear time).
fn by_type_map(list: &[Value]) -> Option<HashMap<&str, &Value>> {
    let mut m = HashMap::with_capacity(list.len());
    for v in list {
        if m.insert(type_of(v)?, v).is_some() {
            return None;
        }
    }
    Some(m)
}

/// Values told apart by `type` (one per type, as Entra ID and Atlassian expect): change them
/// value by value. Returns false when the values cannot be told apart that way.
fn by_type(ops: &mut Vec<Operation>, urn: Option<&str>, attr: &Attribute, cur: &[Value], des: &[Value]) -> bool {
    if attr.sub_attribute("type").is_none() {
        return false;
    }
    let (Some(current), Some(desired)) = (by_type_map(cur), by_type_map(des)) else { return false };
    let mut planned = Vec::new();
    for d in des {
        let t = type_of(d).unwrap_or_default();
        let filtered = |sub: Option<&str>| {
            let mut p = path(urn, &attr.name, None);
            p.filter = Some(eq("type", t));
            p.sub = sub.map(str::to_string);
            p
        };
        match current.get(t) {
            None => planned.push(op(OpKind::Add, path(urn, &attr.name, None), Some(Value::Array(vec![d.clone()])))),
            Some(c) => {
                for sub in writable(&attr.sub_attributes).filter(|s| !s.is("type")) {
                    let (cs, ds) = (assigned(get_ci(c, &sub.name)), assigned(get_ci(d, &sub.name)));
                    let unchanged = match (cs, ds) {
                        (Some(Value::String(x)), Some(Value::String(y))) if attr.is("emails") && sub.is("value") => {
                            same_emails(&serde_json::json!([{"value": x}]), &serde_json::json!([{"value": y}]))
                        }
                        (x, y) => {
                            x == y
                                || (sub.is("primary")
                                    && x.and_then(Value::as_bool).unwrap_or(false)
                                        == y.and_then(Value::as_bool).unwrap_or(false))
                        }
                    };
                    if unchanged {
                        continue;
                    }
                    match ds {
                        Some(v) => planned.push(op(OpKind::Replace, filtered(Some(&sub.name)), Some(v.clone()))),
                        None => planned.push(op(OpKind::Remove, filtered(Some(&sub.name)), None)),
                    }
                }
            }
        }
    }
    for c in cur {
        let t = type_of(c).unwrap_or_default();
        if !desired.contains_key(t) {
            let mut p = path(urn, &attr.name, None);
            p.filter = Some(eq("type", t));
            planned.push(op(OpKind::Remove, p, None));
        }
    }
    ops.extend(planned);
    true
}

/// The comparison form of an address: the domain in lower case.
pub(super) fn email_key(address: &str) -> String {
    match crate::email::parse(address) {
        Ok(e) => e.normalized(),
        Err(_) => address.to_string(),
    }
}

/// Whether two emails arrays hold the same addresses, types and primary flags (order aside).
pub(super) fn same_emails(a: &Value, b: &Value) -> bool {
    let key = |v: &Value| -> Option<Vec<(String, String, bool)>> {
        let mut out: Vec<(String, String, bool)> = v
            .as_array()?
            .iter()
            .map(|e| {
                let value = super::read::get_ci(e, "value").and_then(Value::as_str).map(email_key).unwrap_or_default();
                let kind =
                    super::read::get_ci(e, "type").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
                let primary = super::read::get_ci(e, "primary").and_then(Value::as_bool).unwrap_or(false);
                (value, kind, primary)
            })
            .collect();
        out.sort();
        Some(out)
    };
    let a = key(a);
    a.is_some() && a == key(b)
}
