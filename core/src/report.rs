//! Reports: the verdict on one request.
//!
//! A [`Report`] lists every [`Issue`] found, in document order, each pointing at its rule in the
//! registry ([`crate::rules`]), the SCIM attribute path, the RFC 6901 pointer into the body, and a
//! readable detail. Its JSON form is the same from every binding and the CLI (see DESIGN.md).

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::check::fix;
use crate::check::fix::Fix;
use crate::request::Body;
use crate::rules::Rule;
use crate::schema::ERROR_URN;

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A lenient fix atlscim applied to `normalized`.
    Info,
    /// Accepted, but something is ignored, lost or harmful.
    Warning,
    /// Atlassian (or any RFC 7644 server) would reject the request.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding, located in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    pub rule: &'static Rule,
    /// SCIM attribute path, e.g. `emails[1].value` or
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
    pub path: String,
    /// RFC 6901 pointer into the request body, e.g. `/emails/1/value`.
    pub pointer: String,
    pub detail: String,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Rule {}

impl Issue {
    /// The HTTP status the server would answer for this issue (errors only).
    pub fn status(&self) -> Option<u16> {
        if self.severity == Severity::Error { self.rule.status } else { None }
    }

    /// The scimType the server would answer for this issue (errors only, where it sends one).
    pub fn scim_type(&self) -> Option<&'static str> {
        if self.severity == Severity::Error { self.rule.scim_type } else { None }
    }
}

impl Serialize for Issue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("severity", &self.severity)?;
        map.serialize_entry("rule", self.rule.id)?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("pointer", &self.pointer)?;
        map.serialize_entry("status", &self.status())?;
        map.serialize_entry("scimType", &self.scim_type())?;
        map.serialize_entry("detail", &self.detail)?;
        map.end()
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.severity.as_str(), self.rule.id)?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// The verdict on one request.
///
/// The body as it should be sent (`normalized`) is not built during the check: the check records
/// the lenient fixes, and [`Report::normalized_value`] or [`Report::to_json`] apply them to the
/// checked body when asked. A valid request with nothing to fix costs no copy at all.
#[derive(Debug, Clone)]
pub struct Report {
    pub(crate) issues: Vec<Issue>,
    pub(crate) fixes: Vec<Fix>,
    /// False when the body could not be read (not JSON, not an object, over a limit).
    pub(crate) readable: bool,
}

impl PartialEq for Report {
    fn eq(&self, other: &Report) -> bool {
        self.issues == other.issues && self.readable == other.readable && self.fixes.len() == other.fixes.len()
    }
}

impl Report {
    pub(crate) fn new(issues: Vec<Issue>, fixes: Vec<Fix>, readable: bool) -> Report {
        Report { issues, fixes, readable }
    }

    /// True when no issue is an error: Atlassian would accept the request.
    pub fn valid(&self) -> bool {
        !self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The HTTP status Atlassian would answer: that of the first error, `None` when valid.
    pub fn status(&self) -> Option<u16> {
        self.first_error().and_then(Issue::status)
    }

    /// Every issue, in document order.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The first error, the one a server would most likely answer with.
    pub fn first_error(&self) -> Option<&Issue> {
        self.issues.iter().find(|i| i.severity == Severity::Error)
    }

    /// Whether lenient fixes change the body: when false, send the body as checked.
    pub fn changes_body(&self) -> bool {
        self.readable && !self.fixes.is_empty()
    }

    /// Whether the body could be read at all; when false there is nothing to send.
    pub fn readable(&self) -> bool {
        self.readable
    }

    /// Whether there is nothing left to send: the request is valid and lenient mode dropped every
    /// operation of its PatchOp as a no-op (renaming a group to its own name, replacing emails
    /// with the same emails), so `normalized` holds an empty `Operations`. A connector that sends
    /// `normalized` sends nothing then: the resource already is as asked. `normalized` is this
    /// report's normalized body ([`Report::normalized_value`]); it is read only when lenient
    /// fixes changed the body of a valid request.
    pub fn nothing_to_send(&self, normalized: impl FnOnce() -> Option<Value>) -> bool {
        if !self.valid() || !self.changes_body() {
            return false;
        }
        normalized()
            .is_some_and(|normalized| normalized.get("Operations").and_then(Value::as_array).is_some_and(Vec::is_empty))
    }

    /// The body as it should be sent: the checked body with the lenient fixes applied.
    /// `body` must be the body that was checked. `None` when the body could not be read.
    pub fn normalized_value(&self, body: Option<&Body<'_>>) -> Option<Value> {
        if !self.readable {
            return None;
        }
        let mut value = match body? {
            Body::Json(bytes) => serde_json::from_slice(bytes).ok()?,
            Body::Value(v) => (*v).clone(),
        };
        fix::apply(&mut value, &self.fixes, &self.issues);
        Some(value)
    }

    /// Applies this report's fixes to a body value the caller already holds (bindings use it to
    /// normalize their own copy of the body).
    pub fn apply_fixes(&self, value: &mut Value) {
        fix::apply(value, &self.fixes, &self.issues);
    }

    /// The report as JSON text (the shape in DESIGN.md). `body` is the body that was checked:
    /// when no fix was needed, `normalized` is that body, copied as is.
    pub fn to_json(&self, body: Option<&Body<'_>>) -> String {
        let mut out = Vec::with_capacity(256);
        let mut ser = serde_json::Serializer::new(&mut out);
        // Writing into a Vec cannot fail, and every value here serializes.
        let _ = self.serialize_with_body(&mut ser, body);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The report as a JSON value (see [`Report::to_json`]).
    pub fn to_json_value(&self, body: Option<&Body<'_>>) -> Value {
        serde_json::from_str(&self.to_json(body)).unwrap_or(Value::Null)
    }

    fn serialize_with_body<S: Serializer>(&self, serializer: S, body: Option<&Body<'_>>) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("valid", &self.valid())?;
        map.serialize_entry("status", &self.status())?;
        map.serialize_entry("issues", &self.issues)?;
        match body {
            Some(Body::Json(bytes)) if self.readable && self.fixes.is_empty() => {
                // The bytes parsed as a JSON object during the check, so they are JSON text:
                // copy them as they are rather than re-serializing.
                match std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|t| serde_json::value::RawValue::from_string(t.trim().to_owned()).ok())
                {
                    Some(raw) => map.serialize_entry("normalized", &raw)?,
                    None => map.serialize_entry("normalized", &Value::Null)?,
                }
            }
            Some(Body::Value(v)) if self.readable && self.fixes.is_empty() => map.serialize_entry("normalized", v)?,
            _ => map.serialize_entry("normalized", &self.normalized_value(body))?,
        }
        map.end()
    }

    /// The SCIM Error message (RFC 7644 §3.12) a server would answer, for the first error.
    /// `status` is a string, as RFC 7644 and Atlassian write it.
    pub fn to_scim_error(&self) -> Option<Value> {
        let issue = self.first_error()?;
        let mut err = serde_json::Map::new();
        err.insert("schemas".into(), Value::from(vec![ERROR_URN]));
        err.insert("status".into(), Value::from(issue.status().unwrap_or(400).to_string()));
        if let Some(t) = issue.scim_type() {
            err.insert("scimType".into(), Value::from(t));
        }
        err.insert("detail".into(), Value::from(issue.detail.clone()));
        Some(Value::Object(err))
    }

    /// A short human summary: the verdict and the first issues.
    pub fn summary(&self, max_issues: usize) -> String {
        let mut s = match self.status() {
            None => "valid".to_string(),
            Some(status) => format!("invalid ({status})"),
        };
        for issue in self.issues.iter().take(max_issues) {
            let _ = write!(s, "; {issue}");
        }
        if self.issues.len() > max_issues {
            let _ = write!(s, "; … {} more", self.issues.len() - max_issues);
        }
        s
    }
}

impl Serialize for Report {
    /// Serializes without the checked body, so `normalized` is null. Use [`Report::to_json`] to
    /// include it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_with_body(serializer, None)
    }
}
