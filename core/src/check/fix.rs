//! Lenient fixes, recorded while walking and applied to a copy of the body afterwards.
//!
//! The walk never builds a tree; only a request that needs a fix is parsed a second time into a
//! `serde_json::Value`, and the fixes are applied to that. Pointers are those of the body as
//! checked: fixes never remove array elements, so no pointer shifts under another.

use serde_json::{Map, Value};

use crate::report::Issue;

#[derive(Debug, Clone)]
pub(crate) enum Fix {
    /// Put `value` at `pointer` (a string boolean made a boolean, a canonical value's case).
    Replace { pointer: String, value: Value },
    /// Drop the member at `pointer` (read-only or unsupported attributes).
    Remove { pointer: String },
    /// Drop the member an issue points at (saves copying the issue's pointer).
    RemoveIssueTarget { issue: usize },
    /// Rename the top-level member `from` to `to` (an extension URN alias).
    RenameTop { from: String, to: String },
    /// Add a URN to `schemas`, creating the attribute when it is missing.
    AddSchema { urn: String },
    /// Move a top-level attribute into an extension object.
    MoveIntoExtension { from: String, urn: &'static str, name: &'static str },
}

/// Applies the fixes in an order that keeps every pointer valid: values first, then moves and
/// renames of top-level members, then removals, then additions to `schemas`.
pub(crate) fn apply(body: &mut Value, fixes: &[Fix], issues: &[Issue]) {
    let rank = |f: &Fix| match f {
        Fix::Replace { .. } => 0,
        Fix::MoveIntoExtension { .. } => 1,
        Fix::RenameTop { .. } => 2,
        Fix::Remove { .. } | Fix::RemoveIssueTarget { .. } => 3,
        Fix::AddSchema { .. } => 4,
    };
    let mut ordered: Vec<&Fix> = fixes.iter().collect();
    ordered.sort_by_key(|f| rank(f));
    for fix in ordered {
        match fix {
            Fix::Replace { pointer, value } => {
                if let Some(slot) = body.pointer_mut(pointer) {
                    *slot = value.clone();
                }
            }
            Fix::Remove { pointer } => remove(body, pointer),
            Fix::RemoveIssueTarget { issue } => {
                if let Some(issue) = issues.get(*issue) {
                    remove(body, &issue.pointer);
                }
            }
            Fix::RenameTop { from, to } => {
                if let Value::Object(m) = body
                    && let Some(v) = m.remove(from)
                {
                    merge_into(m, to, v);
                }
            }
            Fix::MoveIntoExtension { from, urn, name } => {
                if let Value::Object(m) = body
                    && let Some(v) = m.remove(from)
                {
                    let mut ext = Map::new();
                    ext.insert((*name).to_string(), v);
                    merge_into(m, urn, Value::Object(ext));
                }
            }
            Fix::AddSchema { urn } => {
                if let Value::Object(m) = body {
                    let schemas = m.entry("schemas").or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = schemas
                        && !list.iter().any(|u| u.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
                    {
                        list.push(Value::from(urn.as_str()));
                    }
                }
            }
        }
    }
}

// Inserts `value` under `key`; when both are objects, the new members join the existing ones
// (existing members win, so a move never overwrites what the extension already says).
fn merge_into(m: &mut Map<String, Value>, key: &str, value: Value) {
    match (m.get_mut(key), value) {
        (Some(Value::Object(existing)), Value::Object(new)) => {
            for (k, v) in new {
                existing.entry(k).or_insert(v);
            }
        }
        (Some(_), _) => {}
        (None, value) => {
            m.insert(key.to_string(), value);
        }
    }
}

fn remove(body: &mut Value, pointer: &str) {
    let (parent, key) = split(pointer);
    if let Some(Value::Object(m)) = body.pointer_mut(&parent) {
        m.remove(&key);
    }
}

fn split(pointer: &str) -> (String, String) {
    match pointer.rfind('/') {
        Some(i) => (pointer[..i].to_string(), pointer[i + 1..].replace("~1", "/").replace("~0", "~")),
        None => (String::new(), pointer.to_string()),
    }
}
