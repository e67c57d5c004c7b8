//! What a PATCH does to a User's names: Atlassian's display-name rule (a display name overwrites
//! the given and family names it disagrees with; [`crate::mapping::reconcile_name`]) and the
//! `name.formatted` that no longer agrees with them.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::apply::{key_of, set};
use super::{OpKind, Operation};

/// Whether an operation gives the User a display name.
pub(super) fn kind_sets_display_name(op: &Operation) -> bool {
    if op.op == OpKind::Remove {
        return false;
    }
    match &op.path {
        Some(p) => p.attr.attr.eq_ignore_ascii_case("displayName") && p.filter.is_none() && p.sub_name().is_none(),
        None => op
            .value
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case("displayName"))),
    }
}

/// Atlassian overwrites first and last name with the display name's split when they disagree.
/// Whether an operation may change the given or family name (directly, or through Atlassian's
/// display-name rule) without writing `name.formatted` itself.
pub(super) fn changes_names(op: &Operation) -> bool {
    let writes = |attr: &str, sub: Option<&str>| {
        attr.eq_ignore_ascii_case("displayName")
            || (attr.eq_ignore_ascii_case("name") && !sub.is_some_and(|s| s.eq_ignore_ascii_case("formatted")))
    };
    match &op.path {
        Some(p) => writes(&p.attr.attr, p.sub_name()),
        None => op.value.as_ref().and_then(Value::as_object).is_some_and(|m| {
            m.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case("displayName")
                    || (k.eq_ignore_ascii_case("name")
                        && !v.as_object().is_some_and(|n| n.keys().any(|s| s.eq_ignore_ascii_case("formatted"))))
            })
        }),
    }
}

/// `name.formatted` no longer agreeing with the given and family names is dropped: a stale full
/// name is worse than none (Atlassian builds the display from the names).
pub(super) fn drop_stale_formatted(res: &mut Value) {
    let Some(Value::Object(name)) = key_of_value(res, "name") else { return };
    fn get<'m>(m: &'m Map<String, Value>, k: &str) -> Option<&'m str> {
        key_of(m, k).and_then(|k| m.get(&*k)).and_then(Value::as_str)
    }
    let Some(formatted) = get(name, "formatted") else { return };
    let joined = crate::normalize::name::join_display_name(
        get(name, "givenName").unwrap_or_default(),
        get(name, "familyName").unwrap_or_default(),
    );
    if formatted != joined
        && let Some(key) = key_of(name, "formatted")
    {
        name.remove(&*key);
    }
}

/// The member `key` (ignoring case) of an object, for changing it.
fn key_of_value<'v>(res: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    let Value::Object(root) = res else { return None };
    let k = key_of(root, key)?;
    root.get_mut(&*k)
}

pub(super) fn overwrite_names(res: &mut Value) {
    let Value::Object(root) = res else { return };
    let display = key_of(root, "displayName").and_then(|k| root.get(&*k)).and_then(Value::as_str).map(str::to_string);
    let Some(display) = display else { return };
    let name_key = key_of(root, "name").unwrap_or(Cow::Borrowed("name")).into_owned();
    let name = root.entry(name_key).or_insert_with(|| Value::Object(Map::new()));
    if !name.is_object() {
        *name = Value::Object(Map::new());
    }
    let Value::Object(name) = name else { return };
    let get = |m: &Map<String, Value>, k: &str| {
        key_of(m, k).and_then(|k| m.get(&*k)).and_then(Value::as_str).map(str::to_string)
    };
    let (given, family) = (get(name, "givenName"), get(name, "familyName"));
    let r = crate::normalize::name::reconcile_name(Some(&display), given.as_deref(), family.as_deref());
    if matches!(r.outcome, crate::normalize::name::NameOutcome::Unchanged) {
        return;
    }
    for (k, v) in [("givenName", r.given), ("familyName", r.family)] {
        let key = key_of(name, k).unwrap_or(Cow::Borrowed(k));
        match v {
            Some(v) => set(name, &key, Value::String(v)),
            None => {
                name.remove(&*key);
            }
        }
    }
}
