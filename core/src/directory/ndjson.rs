//! Export and load: the directory as NDJSON, one line per resource as `GET /Users/{id}` and
//! `GET /Groups/{id}` answer it, users first (a group's members must exist when it is read).

use std::fmt;
use std::io::{self, Write};

use serde_json::{Map, Value};

use super::Directory;
use super::state::{GroupRecord, UserRecord, email_key, name_key, primary_email, user_name};
use crate::schema::GROUP_URN;

/// A line that could not be loaded; the directory keeps the lines before it. Read through its
/// methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

impl LoadError {
    /// 1-based line number (0 when loading one record).
    pub fn line(&self) -> usize {
        self.line
    }

    /// What is wrong with the line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for LoadError {}

fn fail<T>(message: impl Into<String>) -> Result<T, LoadError> {
    Err(LoadError { line: 0, message: message.into() })
}

impl Directory {
    /// Writes every user, then every group, one JSON object per line.
    pub fn export_ndjson<W: Write>(&self, mut out: W) -> io::Result<()> {
        for record in self.users().into_iter().chain(self.groups()) {
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Loads NDJSON as [`Directory::export_ndjson`] writes it (blank lines skipped) into the
    /// current state; returns how many records were loaded.
    pub fn load_ndjson(&mut self, text: &str) -> Result<usize, LoadError> {
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let located = |e: LoadError| LoadError { line: i + 1, message: e.message };
            let value: Value =
                serde_json::from_str(line).map_err(|e| LoadError { line: i + 1, message: format!("not JSON: {e}") })?;
            self.load_record(&value).map_err(located)?;
            n += 1;
        }
        Ok(n)
    }

    /// Loads one exported user or group, keeping its id and times. Fails on a record that would
    /// break the directory's rules (a taken userName, email or group name, a member that is no
    /// user).
    pub fn load_record(&mut self, record: &Value) -> Result<(), LoadError> {
        let Value::Object(m) = record else { return fail("a record must be a JSON object") };
        let Some(id) = m.get("id").and_then(Value::as_str).map(str::to_string) else {
            return fail("a record needs an id");
        };
        let meta = m.get("meta");
        let time = |k: &str| meta.and_then(|x| x.get(k)).and_then(Value::as_str).unwrap_or_default().to_string();
        let (created, last_modified) = (time("created"), time("lastModified"));
        let is_group = meta.and_then(|x| x.get("resourceType")).and_then(Value::as_str) == Some("Group")
            || m.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|u| u == GROUP_URN));
        if self.state.users.contains_key(&id) || self.state.groups.contains_key(&id) {
            return fail(format!("the id {id} is loaded twice"));
        }
        if is_group {
            let display_name = m.get("displayName").and_then(Value::as_str).unwrap_or_default().to_string();
            if self.state.by_group_name.contains_key(&name_key(&display_name)) {
                return fail(format!("the group name {display_name:?} is taken"));
            }
            let mut members = Vec::new();
            for v in m.get("members").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                let Some(u) = v.get("value").and_then(Value::as_str) else { continue };
                if self.visible_user(u).is_none() {
                    return fail(format!("member {u} is not a user loaded before the group"));
                }
                if !members.iter().any(|x| x == u) {
                    members.push(u.to_string());
                }
            }
            let external_id = m.get("externalId").and_then(Value::as_str).map(str::to_string);
            let seq = self.state.seq();
            self.state.put_group(&id, GroupRecord { seq, display_name, external_id, members, created, last_modified });
        } else {
            let attrs: Map<String, Value> = m
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "id" | "meta" | "groups" | "schemas"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if let Some(u) = user_name(&attrs)
                && self.state.by_user_name.contains_key(&name_key(u))
            {
                return fail(format!("the userName {u:?} is taken"));
            }
            if let Some(e) = primary_email(&attrs)
                && self.state.by_email.contains_key(&email_key(e))
            {
                return fail(format!("the email {e:?} is taken"));
            }
            let seq = self.state.seq();
            self.state.put_user(&id, UserRecord { seq, attrs, created, last_modified, hidden: false });
        }
        Ok(())
    }
}
