//! What `plan` reads, in a compact form: a current user is its matching keys, id and `active`
//! flag, with its JSON kept as it came (the input's own text, or the caller's `Value`) and parsed
//! again only where a diff or a report needs it (a desired user the same way); a group is its id,
//! externalId, displayName and member values interned as numbers.
//!
//! Reading both exports into `Value`s costs about five times their size in memory, most of it in
//! group members (one map per member); this form holds a few bytes per member and per user.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use super::resources::{Resources, is_group};
use super::types::SyncError;
use crate::directory::{email_key, external_id, name_key, primary_email, user_name};
use crate::schema::GROUP_URN;

pub(super) fn obj(v: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    v.as_object().unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// A string member by its exact name, when not empty.
pub(super) fn s<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|x| !x.is_empty())
}

pub(super) fn active(v: &Value) -> bool {
    v.get("active").and_then(Value::as_bool).unwrap_or(true)
}

/// A user's name for reports: userName, else email, else externalId, else id.
pub(super) fn label(v: &Value) -> String {
    let m = obj(v);
    user_name(m)
        .or_else(|| primary_email(m))
        .or_else(|| external_id(m))
        .or_else(|| s(v, "id"))
        .unwrap_or("?")
        .to_string()
}

/// The comparison keys of a user, as Atlassian enforces uniqueness on them.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    pub ext: Option<String>,
    pub user: Option<String>,
    pub email: Option<String>,
}

pub(super) fn keys(v: &Value) -> Keys {
    let m = obj(v);
    Keys {
        ext: external_id(m).filter(|x| !x.is_empty()).map(str::to_string),
        user: user_name(m).filter(|x| !x.is_empty()).map(name_key),
        email: primary_email(m).filter(|x| !x.is_empty()).map(email_key),
    }
}

/// Strings seen as member values (and the ids they are compared with), each stored once.
#[derive(Default)]
pub(super) struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(name.into(), id);
        self.names.push(name.into());
        id
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }
}

/// Where a user's JSON is: the caller's value, or the input's text (parsed on demand).
enum Source<'a> {
    Value(&'a Value),
    Owned(Box<Value>),
    Text(&'a str),
}

/// A user: what matching and member values need, and its JSON for the diff and the reports.
pub(super) struct UserRec<'a> {
    source: Source<'a>,
    /// `id`, `userName`, `externalId`: exactly named, when non-empty strings.
    pub id: Option<Box<str>>,
    pub user_name: Option<Box<str>>,
    pub ext: Option<Box<str>>,
    pub keys: Keys,
    pub active: bool,
}

impl<'a> UserRec<'a> {
    fn new(v: &Value, source: Source<'a>) -> UserRec<'a> {
        let text = |k| s(v, k).map(Into::into);
        UserRec {
            id: text("id"),
            user_name: text("userName"),
            ext: text("externalId"),
            keys: keys(v),
            active: active(v),
            source,
        }
    }

    /// From a user read out of text: kept as its line when it was the whole line.
    fn read(v: Value, line: Option<&'a str>) -> UserRec<'a> {
        match line {
            Some(t) => UserRec::new(&v, Source::Text(t)),
            None => {
                let mut u = UserRec::new(&v, Source::Text(""));
                u.source = Source::Owned(Box::new(v));
                u
            }
        }
    }

    /// [`label`] of the user.
    pub fn label(&self) -> String {
        label(&self.value())
    }

    /// The user as read (parsed again when it came as text).
    pub fn value(&self) -> Cow<'_, Value> {
        match &self.source {
            Source::Value(v) => Cow::Borrowed(v),
            Source::Owned(v) => Cow::Borrowed(v),
            // The text parsed once already when it was read.
            Source::Text(t) => Cow::Owned(serde_json::from_str(t).unwrap_or(Value::Null)),
        }
    }
}

/// A member value of a group (interned) and whether it says it is a group.
#[derive(Clone, Copy)]
pub(super) struct Member {
    pub value: u32,
    pub group: bool,
}

/// A group: id, externalId, displayName (each when a non-empty string) and the member values.
pub(super) struct GroupRec {
    pub id: Option<Box<str>>,
    pub ext: Option<Box<str>>,
    pub name: Option<Box<str>>,
    pub members: Vec<Member>,
}

impl GroupRec {
    fn new(g: &Value, interner: &mut Interner) -> GroupRec {
        let members = g
            .get("members")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|m| {
                let value = m.get("value").and_then(Value::as_str)?;
                let group = m.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("group"));
                Some(Member { value: interner.intern(value), group })
            })
            .collect();
        let text = |k| s(g, k).map(Into::into);
        GroupRec { id: text("id"), ext: text("externalId"), name: text("displayName"), members }
    }
}

/// A group line read without building a `Value`: the members named in it, nothing else. Any
/// other shape (a member that is no object, a value that is no string, a repeated key, a page)
/// fails, and the line is read as a `Value` instead, so both readings agree wherever this one
/// succeeds.
#[derive(Deserialize)]
struct GroupLine<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(rename = "externalId", borrow, default)]
    ext: Option<Cow<'a, str>>,
    #[serde(rename = "displayName", borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    members: Option<Vec<MemberLine<'a>>>,
    #[serde(borrow, default)]
    schemas: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    meta: Option<MetaLine<'a>>,
    #[serde(rename = "Resources", default)]
    resources: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct MemberLine<'a> {
    #[serde(borrow, default)]
    value: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct MetaLine<'a> {
    #[serde(rename = "resourceType", borrow, default)]
    resource_type: Option<Cow<'a, str>>,
}

impl GroupLine<'_> {
    /// The group as [`GroupRec::new`] reads it, when the line is one group ([`is_group`]).
    fn read(self, interner: &mut Interner) -> Option<GroupRec> {
        let group = self.meta.as_ref().and_then(|m| m.resource_type.as_deref()) == Some("Group")
            || self.schemas.as_ref().is_some_and(|s| s.iter().any(|u| u == GROUP_URN));
        if !group || self.resources.is_some() {
            return None;
        }
        let members = self
            .members
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| {
                let value = m.value?;
                let group = m.kind.is_some_and(|t| t.eq_ignore_ascii_case("group"));
                Some(Member { value: interner.intern(&value), group })
            })
            .collect();
        let text = |x: Option<Cow<'_, str>>| x.filter(|x| !x.is_empty()).map(|x| Box::<str>::from(x.as_ref()));
        Some(GroupRec { id: text(self.id), ext: text(self.ext), name: text(self.name), members })
    }
}

/// Both sides of a plan in the compact form.
pub(super) struct Inputs<'a> {
    pub desired_users: Vec<UserRec<'a>>,
    pub desired_groups: Vec<GroupRec>,
    pub current_users: Vec<UserRec<'a>>,
    pub current_groups: Vec<GroupRec>,
    pub interner: Interner,
}

/// One side being read from text.
enum Side {
    Desired,
    Current,
}

impl<'a> Inputs<'a> {
    /// From resources the caller holds (nothing is copied but the groups' member values).
    pub fn from_resources(desired: &'a Resources, current: &'a Resources) -> Inputs<'a> {
        let mut interner = Interner::default();
        let desired_groups = desired.groups.iter().map(|g| GroupRec::new(g, &mut interner)).collect();
        let current_groups = current.groups.iter().map(|g| GroupRec::new(g, &mut interner)).collect();
        Inputs {
            desired_users: desired.users.iter().map(|u| UserRec::new(u, Source::Value(u))).collect(),
            desired_groups,
            current_users: current.users.iter().map(|u| UserRec::new(u, Source::Value(u))).collect(),
            current_groups,
            interner,
        }
    }

    /// From the text of both exports, read as [`Resources::from_text`] reads them (the same
    /// errors), one resource at a time: a group is kept compact, a current user as its line.
    pub fn from_text(desired: &'a str, current: &'a str) -> Result<Inputs<'a>, SyncError> {
        let mut inputs = Inputs {
            desired_users: Vec::new(),
            desired_groups: Vec::new(),
            current_users: Vec::new(),
            current_groups: Vec::new(),
            interner: Interner::default(),
        };
        inputs.read(desired, Side::Desired).map_err(|e| SyncError::new("input", format!("desired: {}", e.detail)))?;
        inputs.read(current, Side::Current).map_err(|e| SyncError::new("input", format!("current: {}", e.detail)))?;
        Ok(inputs)
    }

    fn read(&mut self, text: &'a str, side: Side) -> Result<(), SyncError> {
        // A whole JSON document (not NDJSON): as Resources reads it.
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            let r = Resources::from_json(v)?;
            for u in r.users {
                self.user(u, None, &side);
            }
            for g in r.groups {
                self.group(&g, &side);
            }
            return Ok(());
        }
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            // A group, the bulk of an export, is read without a `Value` where it can be.
            if line.contains("Group")
                && let Ok(g) = serde_json::from_str::<GroupLine<'_>>(line)
                && let Some(rec) = g.read(&mut self.interner)
            {
                match side {
                    Side::Desired => self.desired_groups.push(rec),
                    Side::Current => self.current_groups.push(rec),
                }
                continue;
            }
            let v: Value = serde_json::from_str(line)
                .map_err(|e| SyncError::new("input", format!("line {}: not JSON: {e}", i + 1)))?;
            self.push(v, Some(line), &side)
                .map_err(|e| SyncError::new("input", format!("line {}: {}", i + 1, e.detail)))?;
        }
        Ok(())
    }

    /// [`Resources::push`]: a page's resources, a group or a user (`text`: the line it came in,
    /// when it is the whole line).
    fn push(&mut self, v: Value, text: Option<&'a str>, side: &Side) -> Result<(), SyncError> {
        match v {
            Value::Object(ref m) if m.contains_key("Resources") => {
                if let Some(Value::Array(items)) = m.get("Resources") {
                    for item in items.clone() {
                        self.push(item, None, side)?;
                    }
                }
                Ok(())
            }
            Value::Object(_) if is_group(&v) => {
                self.group(&v, side);
                Ok(())
            }
            Value::Object(_) => {
                self.user(v, text, side);
                Ok(())
            }
            other => Err(SyncError::new("input", format!("a resource must be a JSON object, got {other}"))),
        }
    }

    fn group(&mut self, g: &Value, side: &Side) {
        let rec = GroupRec::new(g, &mut self.interner);
        match side {
            Side::Desired => self.desired_groups.push(rec),
            Side::Current => self.current_groups.push(rec),
        }
    }

    fn user(&mut self, v: Value, text: Option<&'a str>, side: &Side) {
        let u = UserRec::read(v, text);
        match side {
            Side::Desired => self.desired_users.push(u),
            Side::Current => self.current_users.push(u),
        }
    }
}
