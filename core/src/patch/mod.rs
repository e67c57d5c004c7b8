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
mod read;

use std::fmt;

use serde_json::{Map, Value};

use crate::path::PatchPath;
use crate::report::Issue;
use crate::rules::Rule;

pub use apply::{ApplyOptions, apply};
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
    let mut m = Map::new();
    m.insert("schemas".into(), Value::Array(vec![Value::from(crate::schema::PATCH_OP_URN)]));
    m.insert("Operations".into(), Value::Array(operations.iter().map(Operation::to_json).collect()));
    Value::Object(m)
}

/// Why a PATCH could not be applied: the rule broken (which gives the status and scimType),
/// where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    pub rule: &'static Rule,
    /// The operation's index in `Operations`, when one operation is at fault.
    pub operation: Option<usize>,
    /// SCIM path or JSON pointer of the problem.
    pub path: String,
    pub pointer: String,
    pub detail: String,
}

impl PatchError {
    pub fn status(&self) -> u16 {
        self.rule.status.unwrap_or(400)
    }

    pub fn scim_type(&self) -> Option<&'static str> {
        self.rule.scim_type
    }

    pub(crate) fn from_issue(issue: &Issue) -> PatchError {
        let operation = issue
            .pointer
            .strip_prefix("/Operations/")
            .or_else(|| issue.pointer.strip_prefix("/operations/"))
            .and_then(|rest| rest.split('/').next())
            .and_then(|i| i.parse().ok());
        PatchError {
            rule: issue.rule,
            operation,
            path: issue.path.clone(),
            pointer: issue.pointer.clone(),
            detail: issue.detail.clone(),
        }
    }

    pub(crate) fn at(rule: &'static Rule, operation: usize, detail: impl Into<String>) -> PatchError {
        PatchError {
            rule,
            operation: Some(operation),
            path: format!("Operations[{operation}]"),
            pointer: format!("/Operations/{operation}"),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}", self.rule.id, self.status())?;
        if let Some(t) = self.scim_type() {
            write!(f, " {t}")?;
        }
        write!(f, ")")?;
        if let Some(i) = self.operation {
            write!(f, " in operation {i}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl std::error::Error for PatchError {}

use crate::profile::Profile;
use crate::schema::ResourceKind;

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

    /// How this profile applies operations to a resource of `kind`.
    pub fn apply_options(&self, kind: ResourceKind) -> ApplyOptions {
        ApplyOptions {
            lenient: self.lenient(),
            display_name_overwrites_names: self.is_atlassian() && kind == ResourceKind::User,
            max_written_bytes: self.limits().max_body_bytes,
        }
    }

    /// The smallest PatchOp message that turns `current` into `desired`, or `None` when they are
    /// already the same (see [`diff`] for the rules).
    pub fn diff(&self, current: &Value, desired: &Value, kind: ResourceKind) -> Option<Value> {
        let ops = diff(current, desired, self.schemas().resource(kind), self.apply_options(kind));
        (!ops.is_empty()).then(|| message(&ops))
    }
}
