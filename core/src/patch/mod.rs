//! SCIM PATCH (RFC 7644 §3.5.2): reading a PatchOp message, applying it, and computing one.
//!
//! Reading ([`read`]) checks the message and each operation against the schema (paths, value
//! filters, mutability, value types) and the Atlassian rules, and rewrites the forms identity
//! providers really send into plain RFC 7644 operations when the profile is lenient, with one
//! `info` issue each: Entra ID's capitalised ops and `"True"`/`"False"` booleans, its remove of
//! members by value, Okta's path-less replace with an object value, `operations` spelled in lower
//! case. Applying ([`apply`]) is all-or-nothing: operations run on a copy, and the first error
//! leaves the caller's resource untouched. [`diff`] computes the smallest PatchOp that turns one
//! resource into another.

mod apply;
mod diff;
mod names;
mod open;
mod read;
mod undo;
mod values;

use std::fmt;

use serde_json::{Map, Value};

use crate::path::PatchPath;
use crate::report::{Issue, Severity};
use crate::rules::Rule;
use crate::syntax::compact_len;

pub use apply::{ApplyOptions, apply, apply_in_place};
pub use diff::diff;
pub use read::{PatchReading, read};

/// The three PATCH operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    Add,
    Replace,
    Remove,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Add => "add",
            OpKind::Replace => "replace",
            OpKind::Remove => "remove",
        }
    }

    /// Parses an op name, ignoring case.
    pub fn parse(s: &str) -> Option<OpKind> {
        [OpKind::Add, OpKind::Replace, OpKind::Remove].into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

/// One operation, as Atlassian should get it.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub op: OpKind,
    pub path: Option<PatchPath>,
    /// The path as written, kept so that an untouched operation is sent back unchanged.
    pub path_text: Option<String>,
    pub value: Option<Value>,
}

impl Operation {
    pub fn new(op: OpKind, path: Option<PatchPath>, value: Option<Value>) -> Operation {
        Operation { op, path_text: path.as_ref().map(ToString::to_string), path, value }
    }

    /// The operation as JSON: `{"op", "path"?, "value"?}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("op".into(), self.op.as_str().into());
        if let Some(p) = &self.path_text {
            m.insert("path".into(), p.clone().into());
        }
        if let Some(v) = &self.value {
            m.insert("value".into(), v.clone());
        }
        Value::Object(m)
    }
}

/// A PatchOp message body for a list of operations.
pub fn message(operations: &[Operation]) -> Value {
    message_of(operations.iter().map(Operation::to_json).collect())
}

fn message_of(operations: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert("schemas".into(), Value::Array(vec![Value::from(crate::schema::PATCH_OP_URN)]));
    m.insert("Operations".into(), Value::Array(operations));
    Value::Object(m)
}

/// The operations as PatchOp messages a profile with these limits accepts, to be sent in order:
/// each holds at most `max_operations` operations and `max_patch_values` values (RFC-P-006), and
/// its compact JSON text at most `max_body_bytes` (RFC-J-004). One message when everything fits;
/// none when there are no operations.
///
/// Applying the messages one after the other is applying the operations in order, so a sender
/// stopped part way resumes by diffing again from what the server holds. An add of more values
/// than fit in one message becomes several adds (values already there are not added again, so
/// adding in steps gives the same list); a replace of a multi-valued attribute becomes a replace
/// with the first values and adds of the rest. An operation that does not fit even alone (one
/// value longer than `max_body_bytes`) is sent alone: the resource itself is past the limits.
pub fn messages(operations: Vec<Operation>, limits: &crate::profile::Limits) -> Vec<Value> {
    let empty = compact_len(&message_of(Vec::new()));
    // Room for the operations' texts, and the commas between them.
    let room = limits.max_body_bytes.saturating_sub(empty);
    let max_values = limits.max_patch_values.max(1);
    let max_operations = limits.max_operations.max(1);
    let mut out = Vec::new();
    let (mut ops, mut values, mut bytes): (Vec<Value>, usize, usize) = (Vec::new(), 0, 0);
    for operation in operations {
        for (json, n) in pieces(operation, max_values, room) {
            let size = compact_len(&json);
            let comma = usize::from(!ops.is_empty());
            if !ops.is_empty()
                && (ops.len() == max_operations || values + n > max_values || bytes + comma + size > room)
            {
                out.push(message_of(std::mem::take(&mut ops)));
                (values, bytes) = (0, 0);
            }
            bytes += usize::from(!ops.is_empty()) + size;
            values += n;
            ops.push(json);
        }
    }
    if !ops.is_empty() {
        out.push(message_of(ops));
    }
    out
}

/// An operation as JSON, in pieces that each fit in a message alone when its value is a list it
/// can be sent in parts; each piece with the number of values it carries.
fn pieces(operation: Operation, max_values: usize, room: usize) -> Vec<(Value, usize)> {
    let splittable = matches!(operation.op, OpKind::Add | OpKind::Replace)
        && operation.path.as_ref().is_some_and(|p| p.filter.is_none() && p.sub_name().is_none());
    let whole = operation.to_json();
    let n = operation.value.as_ref().and_then(Value::as_array).map_or(0, Vec::len);
    if !splittable || (n <= max_values && compact_len(&whole) <= room) {
        return vec![(whole, n)];
    }
    let Operation { op, path, path_text, value } = operation;
    let Some(Value::Array(items)) = value else { return vec![(whole, n)] };
    let part_of = |kind: OpKind, values: Vec<Value>| {
        Operation { op: kind, path: path.clone(), path_text: path_text.clone(), value: Some(Value::Array(values)) }
            .to_json()
    };
    // The operation's text without its values, then values while they fit; the first part keeps
    // the operation's kind, the rest add.
    let bare = compact_len(&part_of(op, Vec::new()));
    let mut out = Vec::new();
    let (mut part, mut size): (Vec<Value>, usize) = (Vec::new(), bare);
    for item in items {
        let len = compact_len(&item);
        if !part.is_empty() && (part.len() == max_values || size + 1 + len > room) {
            let kind = if out.is_empty() { op } else { OpKind::Add };
            let count = part.len();
            out.push((part_of(kind, std::mem::take(&mut part)), count));
            size = bare;
        }
        size += usize::from(!part.is_empty()) + len;
        part.push(item);
    }
    let kind = if out.is_empty() { op } else { OpKind::Add };
    let count = part.len();
    out.push((part_of(kind, part), count));
    out
}

/// Why a PATCH could not be applied: the issue (its rule gives the status and scimType; where,
/// and why) and the operation at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    issue: Issue,
    operation: Option<usize>,
}

impl PatchError {
    /// The error: its rule, SCIM path, JSON pointer and detail, as in a report.
    pub fn issue(&self) -> &Issue {
        &self.issue
    }

    /// The issue, given up: for a binding that keeps it.
    pub fn into_issue(self) -> Issue {
        self.issue
    }

    /// The operation's index in `Operations`, when one operation is at fault.
    pub fn operation(&self) -> Option<usize> {
        self.operation
    }

    /// The HTTP status the server would answer (400 where the rule names none).
    pub fn status(&self) -> u16 {
        self.issue.rule.status.unwrap_or(400)
    }

    /// The scimType the server would answer, where it sends one.
    pub fn scim_type(&self) -> Option<&'static str> {
        self.issue.rule.scim_type
    }

    pub(crate) fn from_issue(issue: &Issue) -> PatchError {
        let pointer = issue.pointer();
        let operation = pointer
            .strip_prefix("/Operations/")
            .or_else(|| pointer.strip_prefix("/operations/"))
            .and_then(|rest| rest.split('/').next())
            .and_then(|i| i.parse().ok());
        PatchError { issue: issue.clone(), operation }
    }

    pub(crate) fn at(rule: &'static Rule, operation: usize, detail: impl Into<String>) -> PatchError {
        PatchError::new(
            rule,
            Some(operation),
            format!("Operations[{operation}]"),
            format!("/Operations/{operation}"),
            detail.into(),
        )
    }

    /// An error of `rule` (at the severity error, whatever the profile's leniency).
    pub(crate) fn new(
        rule: &'static Rule,
        operation: Option<usize>,
        path: String,
        pointer: String,
        detail: String,
    ) -> PatchError {
        PatchError { issue: Issue::new(Severity::Error, rule, &path, &pointer, &detail), operation }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}", self.issue.rule.id, self.status())?;
        if let Some(t) = self.scim_type() {
            write!(f, " {t}")?;
        }
        write!(f, ")")?;
        if let Some(i) = self.operation {
            write!(f, " in operation {i}")?;
        }
        write!(f, ": {}", self.issue.detail())
    }
}

impl std::error::Error for PatchError {}

use crate::profile::Profile;
use crate::schema::{AtlassianCheck, ResourceKind};
use crate::walk::groups::Rename;

impl Profile {
    /// Reads a PatchOp message for a User or Group: its issues, and the operations as they should
    /// be sent. `current` (the resource now) lets more rules judge the operations.
    pub fn read_patch(&self, patch: &Value, kind: ResourceKind, current: Option<&Value>) -> PatchReading {
        read(patch, self, Some(self.schemas().resource(kind)), current)
    }

    /// Applies a PatchOp message to a resource, all or nothing, with the profile's semantics
    /// (lenient forms, Atlassian's group rename rule). The resource is not modified; the result
    /// is the patched copy.
    pub fn apply_patch(&self, resource: &Value, patch: &Value, kind: ResourceKind) -> Result<Value, PatchError> {
        let reading = self.read_patch(patch, kind, Some(resource));
        if let Some(e) = reading.first_error() {
            return Err(e);
        }
        apply(resource, &reading.operations, Some(self.schemas().resource(kind)), self.apply_options(kind))
    }

    /// [`Profile::apply_patch`] on the resource where it lies: on success it is the patched
    /// resource, on an error it is left as it was (an undo log of what the operations touched —
    /// attributes, members, single values of a multi-valued attribute — not a copy of the
    /// resource, makes it all or nothing).
    pub fn apply_patch_in_place(
        &self,
        resource: &mut Value,
        patch: &Value,
        kind: ResourceKind,
    ) -> Result<(), PatchError> {
        let reading = self.read_patch(patch, kind, Some(resource));
        if let Some(e) = reading.first_error() {
            return Err(e);
        }
        let rt = Some(self.schemas().resource(kind));
        apply_in_place(resource, &reading.operations, rt, self.apply_options(kind))
    }

    /// How this profile applies operations to a resource of `kind`.
    pub fn apply_options(&self, kind: ResourceKind) -> ApplyOptions {
        ApplyOptions {
            lenient: self.lenient(),
            display_name_overwrites_names: self
                .schemas()
                .resource(kind)
                .core_tagged("displayName", AtlassianCheck::DisplayName),
            max_written_bytes: self.limits().max_body_bytes,
        }
    }

    /// The PatchOp messages that turn `current` into `desired`, to be sent in order: none when
    /// they are already the same, one in the common case, more when the change is larger than one
    /// message may be under this profile's limits (see [`messages`]). Each message is one this
    /// profile's `check` accepts; after a partial send, diffing again from what the server holds
    /// gives the rest (see [`diff`] for the rules).
    ///
    /// Under the Atlassian profile a group whose displayName differs is an error (ATL-G-002):
    /// Atlassian does not rename a synced group, so no PATCH turns one into the other; the error
    /// gives the recipe (create the new group, move the members, delete the old one).
    pub fn diff(&self, current: &Value, desired: &Value, kind: ResourceKind) -> Result<Vec<Value>, PatchError> {
        if self.schemas().resource(kind).core_tagged("displayName", AtlassianCheck::GroupName) {
            let name = |v: &Value| {
                v.as_object()?
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("displayName"))?
                    .1
                    .as_str()
                    .map(str::to_string)
            };
            if let (Some(now), Some(new)) = (name(current), name(desired))
                && let rename = (Rename { now: &now, new: &new })
                && rename.renames()
            {
                let (path, pointer) = ("displayName".to_string(), "/displayName".to_string());
                return Err(PatchError::new(Rename::RULE, None, path, pointer, rename.recipe()));
            }
        }
        Ok(messages(diff(current, desired, self.schemas().resource(kind), self.apply_options(kind)), self.limits()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Limits;
    use serde_json::json;

    fn add(values: Value) -> Operation {
        Operation::new(OpKind::Add, Some(PatchPath::parse("members").expect("path")), Some(values))
    }

    fn remove(id: &str) -> Operation {
        Operation::new(
            OpKind::Remove,
            Some(PatchPath::parse(&format!("members[value eq \"{id}\"]")).expect("path")),
            None,
        )
    }

    #[test]
    fn messages_fit_every_limit_and_keep_the_order() {
        assert!(messages(Vec::new(), &Limits::default()).is_empty());
        let limits = Limits { max_operations: 2, max_patch_values: 3, ..Limits::default() };
        let ops = vec![
            remove("a"),
            add(json!([{"value": "1"}, {"value": "2"}, {"value": "3"}, {"value": "4"}])),
            remove("b"),
        ];
        let got = messages(ops, &limits);
        let ops_of = |m: &Value| m["Operations"].as_array().cloned().unwrap_or_default();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            ops_of(&got[0]),
            vec![
                json!({"op": "remove", "path": "members[value eq \"a\"]"}),
                json!({"op": "add", "path": "members", "value": [{"value": "1"}, {"value": "2"}, {"value": "3"}]})
            ]
        );
        assert_eq!(
            ops_of(&got[1]),
            vec![
                json!({"op": "add", "path": "members", "value": [{"value": "4"}]}),
                json!({"op": "remove", "path": "members[value eq \"b\"]"})
            ]
        );
    }

    /// The reader takes a value as sent unless a lenient fix lies inside it; then from the fixed
    /// copy. Values with and without fixes, side by side, each get theirs.
    #[test]
    fn read_values_are_fixed_exactly_where_a_fix_lies() {
        let body = json!({"schemas": [crate::schema::PATCH_OP_URN], "Operations": [
            {"op": "replace", "path": "title", "value": "False"},
            {"op": "replace", "path": "active", "value": "False"},
            {"op": "add", "path": "emails", "value": [{"value": "b@example.com", "type": "Work"}]},
            {"op": "add", "path": "phoneNumbers", "value": [{"value": "+1 555", "type": "work"}]},
            {"op": "replace", "value": {"active": "True", "displayName": "Babs"}}
        ]});
        let profile = Profile::rfc();
        let reading = profile.read_patch(&body, ResourceKind::User, None);
        assert!(reading.valid(), "{:?}", reading.issues());
        let values: Vec<Option<&Value>> = reading.operations.iter().map(|o| o.value.as_ref()).collect();
        let (title, active, emails, phones) = (
            json!("False"),
            json!(false),
            json!([{"value": "b@example.com", "type": "work"}]),
            json!([{"value": "+1 555", "type": "work"}]),
        );
        let (now_active, display) = (json!(true), json!("Babs"));
        assert_eq!(
            values,
            [Some(&title), Some(&active), Some(&emails), Some(&phones), Some(&now_active), Some(&display)]
        );
        // More fixes than a copy of one value takes (17 types): from the fixed copy of the message.
        let sent: Vec<Value> = (0..17).map(|i| json!({"value": format!("u{i}@example.com"), "type": "Work"})).collect();
        let body = json!({"schemas": [crate::schema::PATCH_OP_URN], "Operations": [
            {"op": "add", "path": "emails", "value": sent}, {"op": "replace", "path": "active", "value": "False"}
        ]});
        let reading = profile.read_patch(&body, ResourceKind::User, None);
        let fixed: Vec<Value> =
            (0..17).map(|i| json!({"value": format!("u{i}@example.com"), "type": "work"})).collect();
        let values: Vec<Option<&Value>> = reading.operations.iter().map(|o| o.value.as_ref()).collect();
        assert_eq!(values, [Some(&Value::Array(fixed)), Some(&active)]);
    }

    #[test]
    fn a_value_too_large_for_any_message_is_sent_alone() {
        let limits = Limits { max_body_bytes: 200, ..Limits::default() };
        let long = "x".repeat(300);
        let title = Operation::new(OpKind::Replace, Some(PatchPath::parse("title").expect("path")), Some(json!(long)));
        let got = messages(vec![remove("a"), title, remove("b")], &limits);
        let sizes: Vec<usize> = got.iter().map(|m| m["Operations"].as_array().map_or(0, Vec::len)).collect();
        assert_eq!(sizes, vec![1, 1, 1]);
        assert!(compact_len(&got[0]) <= 200 && compact_len(&got[1]) > 200 && compact_len(&got[2]) <= 200);
    }
}
