//! `Resources`: a set of SCIM Users and Groups, read from what Atlassian's list endpoints answer,
//! a `Directory` export (NDJSON), or the desired side a mapping produced.

use serde_json::Value;

use super::types::SyncError;
use crate::schema::GROUP_URN;

/// Users and groups, in the order they were read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub users: Vec<Value>,
    pub groups: Vec<Value>,
}

/// A group by its schemas or `meta.resourceType`; anything else is a user.
pub(super) fn is_group(v: &Value) -> bool {
    v.get("meta").and_then(|m| m.get("resourceType")).and_then(Value::as_str) == Some("Group")
        || v.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|u| u == GROUP_URN))
}

impl Resources {
    /// Adds one resource (a group when its schemas or `meta.resourceType` say so), or every
    /// resource of a ListResponse page (`Resources`).
    pub fn push(&mut self, v: Value) -> Result<(), SyncError> {
        match v {
            Value::Object(ref m) if m.contains_key("Resources") => {
                if let Some(Value::Array(items)) = m.get("Resources") {
                    for item in items.clone() {
                        self.push(item)?;
                    }
                }
                Ok(())
            }
            Value::Object(_) if is_group(&v) => {
                self.groups.push(v);
                Ok(())
            }
            Value::Object(_) => {
                self.users.push(v);
                Ok(())
            }
            other => Err(SyncError::new("input", format!("a resource must be a JSON object, got {other}"))),
        }
    }

    /// Reads `{"Users": [...], "Groups": [...]}` (`{}` is empty), a ListResponse page, an array of resources
    /// (and pages), or one resource.
    pub fn from_json(v: Value) -> Result<Resources, SyncError> {
        let mut r = Resources::default();
        match v {
            Value::Array(items) => {
                for item in items {
                    r.push(item)?;
                }
            }
            Value::Object(mut m) if m.is_empty() || m.contains_key("Users") || m.contains_key("Groups") => {
                for (key, group) in [("Users", false), ("Groups", true)] {
                    match m.remove(key) {
                        Some(Value::Array(items)) => {
                            for item in items {
                                if !item.is_object() {
                                    return Err(SyncError::new(
                                        "input",
                                        format!("{key}: every item must be an object"),
                                    ));
                                }
                                if group { r.groups.push(item) } else { r.users.push(item) }
                            }
                        }
                        None | Some(Value::Null) => {}
                        Some(_) => return Err(SyncError::new("input", format!("{key} must be an array"))),
                    }
                }
            }
            other => r.push(other)?,
        }
        Ok(r)
    }

    /// Reads JSON text ([`Resources::from_json`]) or NDJSON (one resource or page per line, as
    /// [`crate::Directory::export_ndjson`] writes it); errors name the line.
    pub fn from_text(text: &str) -> Result<Resources, SyncError> {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            return Resources::from_json(v);
        }
        let mut r = Resources::default();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line)
                .map_err(|e| SyncError::new("input", format!("line {}: not JSON: {e}", i + 1)))?;
            r.push(v).map_err(|e| SyncError::new("input", format!("line {}: {}", i + 1, e.detail)))?;
        }
        Ok(r)
    }
}
