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
//!   `type`, they change value by value (`emails[type eq "work"].value`); otherwise the list is
//!   replaced as a whole.
//!
//! The operations are then applied to `current` with the same semantics [`super::apply`] uses,
//! and anything still different is replaced as a whole, so `apply(current, diff(current,
//! desired))` equals `desired` on every attribute the schema lets a client write.

use serde_json::{Map, Value};

use super::{ApplyOptions, OpKind, Operation, apply};
use crate::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::path::PatchPath;
use crate::schema::{Attribute, Mutability, ResourceKind, ResourceType};

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
    if let Ok(applied) = apply(original, &checked, Some(rt), options) {
        let mut fixes = Vec::new();
        for attr in writable(&rt.core.attributes).chain(writable(&rt.common)) {
            if rt.kind == ResourceKind::Group && attr.is("members") {
                continue;
            }
            let (got, want) = (assigned(get_ci(&applied, &attr.name)), assigned(get_ci(desired, &attr.name)));
            if !same(attr, got, want) {
                fixes.push(whole(None, attr, want));
            }
        }
        for ext in &rt.extensions {
            for attr in writable(&ext.attributes) {
                let got = assigned(get_ci(&applied, &ext.id).and_then(|o| get_ci(o, &attr.name)));
                let want = assigned(get_ci(desired, &ext.id).and_then(|o| get_ci(o, &attr.name)));
                if !same(attr, got, want) {
                    fixes.push(whole(Some(&ext.id), attr, want));
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

/// Unassigned values (null, `[]`, `{}`, blank strings) count as absent (RFC 7643 §2.5).
fn assigned(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => m.values().any(|x| assigned(Some(x)).is_some()),
        Value::String(s) => !s.is_empty(),
        _ => true,
    })
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
            } else if !by_type(ops, urn, attr, c, d) {
                ops.extend(whole(urn, attr, des));
            }
        }
        _ => ops.extend(whole(urn, attr, des)),
    }
}

/// Whether two values of an attribute are the same after normalization.
fn same(attr: &Attribute, a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) if attr.is("emails") => super::read::same_emails(x, y),
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            // Order aside; sorted canonical texts keep large lists (group members) n log n.
            let canon = |list: &[Value]| {
                let mut texts: Vec<String> = list.iter().map(|v| canonical(v).to_string()).collect();
                texts.sort_unstable();
                texts
            };
            x.len() == y.len() && canon(x) == canon(y)
        }
        (Some(x), Some(y)) => same_value(x, y),
        _ => false,
    }
}

/// A value with object member names in lower case and null members dropped, for comparisons.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.to_lowercase(), canonical(v))).collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Equal JSON, with object member names compared ignoring case.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let live = |m: &Map<String, Value>| m.iter().filter(|(_, v)| !v.is_null()).count();
            live(x) == live(y)
                && x.iter().filter(|(_, v)| !v.is_null()).all(|(k, v)| get_ci(b, k).is_some_and(|w| same_value(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w)),
        _ => a == b,
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

fn eq(attr: &str, value: &str) -> Filter {
    Filter::Compare { path: AttrPath::name(attr), op: CompareOp::Eq, value: CompValue::String(value.to_string()) }
}

/// Values told apart by `type` (one per type, as Entra ID and Atlassian expect): change them
/// value by value. Returns false when the values cannot be told apart that way.
fn by_type(ops: &mut Vec<Operation>, urn: Option<&str>, attr: &Attribute, cur: &[Value], des: &[Value]) -> bool {
    let type_of = |v: &Value| get_ci(v, "type").and_then(Value::as_str).map(str::to_string);
    let unique = |list: &[Value]| {
        let types: Vec<Option<String>> = list.iter().map(type_of).collect();
        types.iter().all(Option::is_some) && types.iter().enumerate().all(|(i, t)| !types[..i].contains(t))
    };
    if !unique(cur) || !unique(des) || attr.sub_attribute("type").is_none() {
        return false;
    }
    let mut planned = Vec::new();
    for d in des {
        let t = type_of(d).unwrap_or_default();
        let filtered = |sub: Option<&str>| {
            let mut p = path(urn, &attr.name, None);
            p.filter = Some(eq("type", &t));
            p.sub = sub.map(str::to_string);
            p
        };
        match cur.iter().find(|c| type_of(c).as_deref() == Some(t.as_str())) {
            None => planned.push(op(OpKind::Add, path(urn, &attr.name, None), Some(Value::Array(vec![d.clone()])))),
            Some(c) => {
                for sub in writable(&attr.sub_attributes).filter(|s| !s.is("type")) {
                    let (cs, ds) = (assigned(get_ci(c, &sub.name)), assigned(get_ci(d, &sub.name)));
                    let unchanged = match (cs, ds) {
                        (Some(Value::String(x)), Some(Value::String(y))) if attr.is("emails") && sub.is("value") => {
                            super::read::same_emails(
                                &serde_json::json!([{"value": x}]),
                                &serde_json::json!([{"value": y}]),
                            )
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
        if !des.iter().any(|d| type_of(d).as_deref() == Some(t.as_str())) {
            let mut p = path(urn, &attr.name, None);
            p.filter = Some(eq("type", &t));
            planned.push(op(OpKind::Remove, p, None));
        }
    }
    ops.extend(planned);
    true
}
