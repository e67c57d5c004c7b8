//! What `plan` reads, in a compact form: a current user is its matching keys, id and `active`
//! flag, with its JSON kept as it came (the input's own text, or the caller's `Value`) and parsed
//! again only where a diff or a report needs it (a desired user the same way); a group is its id,
//! externalId, displayName and member values interned as numbers.
//!
//! Reading both exports into `Value`s costs about five times their size in memory, most of it in
//! group members (one map per member); this form holds a few bytes per member and per user.
//! A user line is read once, as its members' text ([`RawObject`]): only the match keys are
//! parsed, and a matched pair whose diffed members have the same text is unchanged without a
//! parse ([`same_user_text`]).

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::resources::{Resources, is_group};
use super::types::SyncError;
use crate::directory::{email_key, external_id, name_key, primary_email, user_name};
use crate::mapping::names_settled;
use crate::schema::{Attribute, GROUP_URN, Mutability, ResourceType};

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

/// Names up to this many bytes (ids, UUIDs, externalIds) are held in the interner's table
/// itself, so a lookup reads one slot rather than a slot and a string elsewhere: 1.5 million
/// member values at 150,000 users, each a cache miss the fewer.
const INLINE: usize = 43;
const EMPTY: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Slot {
    id: u32,
    len: u8,
    bytes: [u8; INLINE],
}

const FREE: Slot = Slot { id: EMPTY, len: 0, bytes: [0; INLINE] };

/// Strings seen as member values (and the ids they are compared with), each stored once.
#[derive(Default)]
pub(super) struct Interner {
    /// Open addressing, linear probing, a power of two long (or empty), at most 3/4 used.
    slots: Vec<Slot>,
    used: usize,
    /// Longer names.
    long: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

fn slot_of(name: &[u8], mask: usize) -> usize {
    use std::hash::BuildHasher;
    let h = rustc_hash::FxBuildHasher.hash_one(name);
    (h ^ (h >> 32)) as usize & mask
}

impl Interner {
    /// The slot holding `name` (`Ok` with its id) or the free slot where it goes (`Err`).
    fn find(&self, name: &[u8]) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = slot_of(name, mask);
        loop {
            let s = &self.slots[i];
            if s.id == EMPTY {
                return Err(i);
            }
            if usize::from(s.len) == name.len() && &s.bytes[..name.len()] == name {
                return Ok(s.id);
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        for s in old.into_iter().filter(|s| s.id != EMPTY) {
            if let Err(i) = self.find(&s.bytes[..usize::from(s.len)]) {
                self.slots[i] = s;
            }
        }
    }

    pub fn intern(&mut self, name: &str) -> u32 {
        if name.len() > INLINE {
            if let Some(&id) = self.long.get(name) {
                return id;
            }
            let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
            self.long.insert(name.into(), id);
            self.names.push(name.into());
            return id;
        }
        if (self.used + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        match self.find(name.as_bytes()) {
            Ok(id) => id,
            Err(i) => {
                let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                let mut bytes = [0; INLINE];
                bytes[..name.len()].copy_from_slice(name.as_bytes());
                self.slots[i] = Slot { id, len: name.len() as u8, bytes };
                self.used += 1;
                self.names.push(name.into());
                id
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        if name.len() > INLINE {
            return self.long.get(name).copied();
        }
        if self.slots.is_empty() {
            return None;
        }
        self.find(name.as_bytes()).ok()
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

    /// The user's JSON text, when it was read from a line of its own.
    pub fn line(&self) -> Option<&'a str> {
        match self.source {
            Source::Text(t) if !t.is_empty() => Some(t),
            _ => None,
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

    /// The desired side from resources, the current one from text, read as
    /// [`Resources::from_text`] reads it (the same errors, without a prefix).
    pub fn against_text(desired: &'a Resources, current: &'a str) -> Result<Inputs<'a>, SyncError> {
        let mut interner = Interner::default();
        let desired_groups = desired.groups.iter().map(|g| GroupRec::new(g, &mut interner)).collect();
        let mut inputs = Inputs {
            desired_users: desired.users.iter().map(|u| UserRec::new(u, Source::Value(u))).collect(),
            desired_groups,
            current_users: Vec::new(),
            current_groups: Vec::new(),
            interner,
        };
        inputs.read(current, Side::Current)?;
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
            // A user: its members' text read once, only the matching keys parsed.
            if let Some(u) = user_line(line) {
                match side {
                    Side::Desired => self.desired_users.push(u),
                    Side::Current => self.current_users.push(u),
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

/// A JSON object's members as the text holds them, sorted by name. Reading it checks the JSON
/// but builds no `Value`. A name with an escape in it fails (it cannot be borrowed), and so does
/// anything but an object: such lines are read as `Value`s.
pub(super) struct RawObject<'a>(Vec<(&'a str, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'de>, A::Error> {
                let mut members = Vec::with_capacity(16);
                while let Some(m) = map.next_entry::<&'de str, &'de RawValue>()? {
                    members.push(m);
                }
                Ok(RawObject(members))
            }
        }
        d.deserialize_map(Members)
    }
}

/// Values nested deeper than this are left to the `Value` reading (and its depth limit).
const RAW_BRACKETS: usize = 100;

impl<'a> RawObject<'a> {
    /// The members of the object `text`, sorted; `None` when a name repeats (a `Value` keeps
    /// the last one: such a line is read as a `Value`) or a value nests deeper than a `Value`
    /// would be read.
    fn parse(text: &'a str) -> Option<RawObject<'a>> {
        let RawObject(mut members) = serde_json::from_str(text).ok()?;
        members.sort_unstable_by_key(|(k, _)| *k);
        if members.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        let deep = |v: &RawValue| {
            let t = v.get();
            t.len() > 2 * RAW_BRACKETS && t.bytes().filter(|b| matches!(b, b'[' | b'{')).count() > RAW_BRACKETS
        };
        if members.iter().any(|(_, v)| deep(v)) {
            return None;
        }
        Some(RawObject(members))
    }

    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.binary_search_by_key(&key, |(k, _)| *k).ok().map(|i| self.0[i].1)
    }

    /// The members named (ignoring case) as one of `names`, parsed: a `Value` with only these.
    fn pick(&self, names: &[&str], ignore_case: bool) -> Option<Value> {
        let mut m = Map::new();
        for (k, v) in &self.0 {
            if names.iter().any(|n| if ignore_case { n.eq_ignore_ascii_case(k) } else { n == k }) {
                m.insert((*k).to_string(), serde_json::from_str(v.get()).ok()?);
            }
        }
        Some(Value::Object(m))
    }
}

/// A user line as [`Inputs::push`] reads it, without a `Value` of the whole user: `None` for
/// anything else (a page, a group, a line that is no plain object), read as a `Value` then.
fn user_line(line: &str) -> Option<UserRec<'_>> {
    let raw = RawObject::parse(line)?;
    if raw.get("Resources").is_some() {
        return None;
    }
    // [`is_group`] reads these two: without the word (unescaped) they cannot name a group.
    if ["meta", "schemas"]
        .iter()
        .any(|k| raw.get(k).is_some_and(|v| v.get().contains("Group") || v.get().contains('\\')))
    {
        return None;
    }
    // What [`UserRec::new`] reads: `id`, `userName`, `externalId` and `active` exactly named,
    // and `userName`, `externalId`, `emails` ignoring case (the exact name first, as a `Map` does).
    let keys = raw.pick(&["id", "userName", "externalId", "emails", "active"], true)?;
    Some(UserRec::new(&keys, Source::Text(line)))
}

/// The member names `Profile::diff` reads from a user (ignoring case): the writable attributes
/// and the extensions with one.
fn diffed(rt: &ResourceType, key: &str) -> bool {
    let writable = |a: &Attribute| !matches!(a.mutability, Mutability::ReadOnly);
    key.eq_ignore_ascii_case("displayName")
        || rt.extensions.iter().any(|e| e.id.eq_ignore_ascii_case(key) && e.attributes.iter().any(writable))
        || rt.core.attributes.iter().chain(rt.common.iter()).any(|a| writable(a) && a.name.eq_ignore_ascii_case(key))
}

/// Whether a desired user (its line) is, to the diff, the current one (its line): true only when
/// the plan's diff of the two is certainly empty, without reading them as `Value`s — the desired
/// user is as Atlassian would hold it (`active` given; no `id`, `meta`, `groups`; names settled),
/// and every member the diff reads (any [`diffed`] name) has the same text on both sides. False
/// says nothing: the users are then diffed.
pub(super) fn same_user_text(rt: &ResourceType, desired: &str, current: &str) -> bool {
    let (Some(d), Some(c)) = (RawObject::parse(desired), RawObject::parse(current)) else { return false };
    if d.get("active").is_none() || ["id", "meta", "groups"].iter().any(|k| d.get(k).is_some()) {
        return false;
    }
    // The diff tells emails that are no list apart even from themselves.
    if d.0.iter().any(|(k, v)| k.eq_ignore_ascii_case("emails") && !v.get().trim_start().starts_with('[')) {
        return false;
    }
    let (mut i, mut j) = (0, 0);
    while i < d.0.len() || j < c.0.len() {
        let (dk, ck) = (d.0.get(i), c.0.get(j));
        match (dk, ck) {
            (Some((a, x)), Some((b, y))) if a == b => {
                if x.get() != y.get() && diffed(rt, a) {
                    return false;
                }
                i += 1;
                j += 1;
            }
            (Some((a, _)), Some((b, _))) if a < b => {
                if diffed(rt, a) {
                    return false;
                }
                i += 1;
            }
            (Some((a, _)), None) => {
                if diffed(rt, a) {
                    return false;
                }
                i += 1;
            }
            (_, Some((b, _))) => {
                if diffed(rt, b) {
                    return false;
                }
                j += 1;
            }
            (None, None) => break,
        }
    }
    d.pick(&["name", "displayName"], false).is_some_and(|v| names_settled(obj(&v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use crate::schema::ResourceKind;
    use crate::sync::{PlanOptions, plan, plan_against_text, plan_text};

    const DESIRED: &str = r#"{"active":true,"displayName":"Ada Lovelace","emails":[{"primary":true,"type":"work","value":"ada@example.com"}],"externalId":"e1","name":{"familyName":"Lovelace","givenName":"Ada"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"title":"Engineer","userName":"ada@example.com"}"#;

    const GROUP: &str =
        r#"{"displayName":"G","externalId":"g","id":"g1","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}"#;

    /// The desired user with `from` replaced by `to` in its text.
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "{from} in {text}");
        text.replacen(from, to, 1)
    }

    /// The current user as Atlassian holds the desired one: id, meta and the account id added.
    fn held(desired: &str) -> String {
        edit(
            desired,
            "{",
            r#"{"id":"u1","meta":{"resourceType":"User"},"urn:scim:schemas:extension:atlassian-external:1.0":{"atlassianAccountId":"a1"},"#,
        )
    }

    #[test]
    fn same_text_is_told_only_where_the_diff_is_certainly_empty() {
        let rt = Profile::atlassian().schemas().resource(ResourceKind::User);
        let same = |d: &str, c: &str| same_user_text(rt, d, c);
        assert!(same(DESIRED, &held(DESIRED)));
        // Each of these may give the diff something to do: it is diffed.
        let cases = [
            (edit(DESIRED, r#""active":true,"#, ""), held(DESIRED)),
            (edit(DESIRED, "Engineer", "Analyst"), held(DESIRED)),
            (edit(DESIRED, r#""title""#, r#""Title""#), held(DESIRED)),
            (DESIRED.to_string(), held(&edit(DESIRED, r#""title""#, r#""nickName":"x","title""#))),
            (edit(DESIRED, r#""displayName":"Ada Lovelace""#, r#""displayName":"Someone Else""#), held(DESIRED)),
            (edit(DESIRED, r#""schemas""#, r#""groups":[],"schemas""#), held(DESIRED)),
            (edit(DESIRED, "}", r#","title":"Other"}"#), held(DESIRED)),
            (edit(DESIRED, r#""title""#, r#""titl\u0065""#), held(DESIRED)),
            (DESIRED.replace("Engineer", "Engineer "), held(DESIRED)),
        ];
        for (d, c) in &cases {
            assert!(!same(d, c), "{d}\n{c}");
        }
        // Emails that are no list differ from themselves to the diff.
        let text_email =
            edit(DESIRED, r#"[{"primary":true,"type":"work","value":"ada@example.com"}]"#, r#""ada@example.com""#);
        assert!(!same(&text_email, &held(&text_email)));
        // What the diff does not read may differ.
        let other = edit(&held(DESIRED), r#""a1""#, r#""a2""#);
        assert!(same(DESIRED, &other));
    }

    #[test]
    fn plans_from_text_agree_with_plans_from_values_on_users_the_diff_may_see_as_changed() {
        let profile = Profile::atlassian();
        let options = PlanOptions { allow_removals: true, ..PlanOptions::default() };
        let variants = [
            DESIRED.to_string(),
            edit(DESIRED, r#""active":true,"#, ""),
            edit(DESIRED, r#""displayName":"Ada Lovelace""#, r#""displayName":"Someone Else""#),
            edit(DESIRED, r#""title""#, r#""Title""#),
            edit(DESIRED, "}", r#","title":"Other"}"#),
            edit(DESIRED, r#"[{"primary":true,"type":"work","value":"ada@example.com"}]"#, r#""ada@example.com""#),
            format!("  {DESIRED}  "),
        ];
        // NDJSON (a single line would be read as one JSON document, as a `Value`).
        let ndjson = |user: &str| format!("{user}\n{GROUP}\n");
        for d in &variants {
            for c in [held(d), held(DESIRED), held(&edit(DESIRED, r#""title""#, r#""nickName":"x","title""#))] {
                let (d, c) = (ndjson(d), ndjson(&c));
                let by_values = plan(
                    &profile,
                    &Resources::from_text(&d).expect("desired"),
                    &Resources::from_text(&c).expect("current"),
                    &options,
                );
                let by_text = plan_text(&profile, &d, &c, &options).expect("plan");
                assert_eq!(by_text.to_json_string(), by_values.to_json_string(), "{d}\n{c}");
            }
        }
        // The export as text against desired resources: the same plan, the same errors.
        for c in [held(DESIRED), held(&edit(DESIRED, "Engineer", "Analyst"))] {
            let desired = Resources::from_text(&ndjson(DESIRED)).expect("desired");
            let by_values = plan(&profile, &desired, &Resources::from_text(&ndjson(&c)).expect("current"), &options);
            let by_text = plan_against_text(&profile, &desired, &ndjson(&c), &options).expect("plan");
            assert_eq!(by_text.to_json_string(), by_values.to_json_string());
        }
        let bad = format!("{}\n{{nope\n", held(DESIRED));
        let desired = Resources::default();
        assert_eq!(
            plan_against_text(&profile, &desired, &bad, &options).map(|_| ()).map_err(|e| e.to_string()),
            Resources::from_text(&bad).map(|_| ()).map_err(|e| e.to_string())
        );
        // The first pair is the common case: nothing to do.
        let p = plan_text(&profile, &ndjson(DESIRED), &ndjson(&held(DESIRED)), &options).expect("plan");
        assert_eq!((p.summary.unchanged_users, p.steps.len()), (1, 0));
    }

    #[test]
    fn the_interner_gives_one_id_per_name_short_or_long() {
        let mut i = Interner::default();
        assert_eq!(i.get("a"), None);
        let names: Vec<String> =
            (0..5000).map(|n| if n % 7 == 0 { format!("{n:0>60}") } else { format!("{n:08x}-0000") }).collect();
        let ids: Vec<u32> = names.iter().map(|n| i.intern(n)).collect();
        assert_eq!(ids, (0..5000).collect::<Vec<u32>>());
        for (n, id) in names.iter().zip(&ids) {
            assert_eq!((i.intern(n), i.get(n), i.name(*id)), (*id, Some(*id), n.as_str()));
        }
        assert_eq!((i.get(""), i.get(&"x".repeat(INLINE)), i.get(&"x".repeat(INLINE + 1))), (None, None, None));
        let e = i.intern("");
        assert_eq!((i.get(""), i.name(e)), (Some(e), ""));
    }

    #[test]
    fn a_user_line_is_read_as_a_value_would_be() {
        let line = held(DESIRED);
        let u = user_line(&line).expect("a user");
        assert_eq!(
            (u.id.as_deref(), u.ext.as_deref(), u.user_name.as_deref()),
            (Some("u1"), Some("e1"), Some("ada@example.com"))
        );
        assert_eq!(u.keys.email.as_deref(), Some("ada@example.com"));
        assert!(u.active);
        // Pages, groups, repeated or escaped names, and what is no object: read as `Value`s.
        for line in [
            r#"{"Resources":[]}"#,
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}"#,
            r#"{"meta":{"resourceType":"\u0047roup"}}"#,
            r#"{"userName":"a","userName":"b"}"#,
            r#"{"user\u004eame":"a"}"#,
            "[1]",
        ] {
            assert!(user_line(line).is_none(), "{line}");
        }
        let deep = format!(r#"{{"x":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        assert!(user_line(&deep).is_none());
    }
}
