//! The records of one directory and the indexes that answer uniqueness and filters.
//!
//! Every change goes through the few functions here, which keep the indexes in step with the
//! records; [`State::consistency`] recomputes them from the records to prove it (the property
//! test and the crash test call it).

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Map, Value};

use crate::mapping::normalize_email;

/// A user as the directory holds it: the stored attributes (no `id`, `meta` or `groups`: those
/// are rendered) and its times.
#[derive(Debug, Clone)]
pub(super) struct UserRecord {
    pub seq: u64,
    pub attrs: Map<String, Value>,
    pub created: String,
    pub last_modified: String,
    /// Deleted under the older DELETE semantics (deactivated): answers 404, keeps its userName
    /// and email.
    pub hidden: bool,
}

/// A group: its name, externalId, members (user ids, in the order they were added) and times.
#[derive(Debug, Clone)]
pub(super) struct GroupRecord {
    pub seq: u64,
    pub display_name: String,
    pub external_id: Option<String>,
    pub members: Vec<String>,
    pub created: String,
    pub last_modified: String,
}

#[derive(Debug, Default, Clone)]
pub(super) struct State {
    pub users: FxHashMap<String, UserRecord>,
    pub groups: FxHashMap<String, GroupRecord>,
    /// Creation order, which is the order lists and exports use (Atlassian does not sort).
    pub user_order: BTreeMap<u64, String>,
    pub group_order: BTreeMap<u64, String>,
    pub next_seq: u64,
    /// userName ignoring case → user id.
    pub by_user_name: FxHashMap<String, String>,
    /// primary email ignoring case → user id.
    pub by_email: FxHashMap<String, String>,
    /// externalId (exact) → user ids.
    pub by_external_id: FxHashMap<String, Vec<String>>,
    /// displayName ignoring case → group id.
    pub by_group_name: FxHashMap<String, String>,
    /// user id → the groups it is a member of.
    pub user_groups: FxHashMap<String, Vec<String>>,
    /// Users deleted under the older DELETE semantics (kept, hidden): the live count is
    /// `users.len() - hidden`, known without a scan (every create checks the directory limit).
    pub hidden: usize,
}

/// The comparison form of a userName or group name: Atlassian compares them ignoring case.
pub(crate) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// The comparison form of an email: IDN domains in ASCII, all of it ignoring case.
pub(crate) fn email_key(address: &str) -> String {
    match normalize_email(address) {
        Ok(e) => e.address.to_lowercase(),
        Err(_) => address.trim().to_lowercase(),
    }
}

fn get<'v>(attrs: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    attrs.get(name).or_else(|| attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

pub(crate) fn user_name(attrs: &Map<String, Value>) -> Option<&str> {
    get(attrs, "userName").and_then(Value::as_str)
}

pub(crate) fn external_id(attrs: &Map<String, Value>) -> Option<&str> {
    get(attrs, "externalId").and_then(Value::as_str)
}

/// The primary email (or the only one, when none is marked).
pub(crate) fn primary_email(attrs: &Map<String, Value>) -> Option<&str> {
    let emails = get(attrs, "emails")?.as_array()?;
    emails
        .iter()
        .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
        .or_else(|| (emails.len() == 1).then(|| &emails[0]))
        .and_then(|e| e.get("value"))
        .and_then(Value::as_str)
}

impl State {
    pub fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Inserts or replaces a user, keeping the indexes.
    pub fn put_user(&mut self, id: &str, record: UserRecord) {
        if let Some(old) = self.users.remove(id) {
            self.unindex_user(id, &old);
            self.user_order.remove(&old.seq);
            self.hidden -= usize::from(old.hidden);
        }
        self.hidden += usize::from(record.hidden);
        self.index_user(id, &record);
        self.user_order.insert(record.seq, id.to_string());
        self.next_seq = self.next_seq.max(record.seq);
        self.users.insert(id.to_string(), record);
    }

    /// Removes a user and its memberships; returns the groups it left.
    pub fn remove_user(&mut self, id: &str) -> Vec<String> {
        let Some(old) = self.users.remove(id) else { return Vec::new() };
        self.hidden -= usize::from(old.hidden);
        self.unindex_user(id, &old);
        self.user_order.remove(&old.seq);
        let groups = self.user_groups.remove(id).unwrap_or_default();
        for g in &groups {
            if let Some(group) = self.groups.get_mut(g) {
                group.members.retain(|m| m != id);
            }
        }
        groups
    }

    fn index_user(&mut self, id: &str, r: &UserRecord) {
        if let Some(u) = user_name(&r.attrs) {
            self.by_user_name.insert(name_key(u), id.to_string());
        }
        if let Some(e) = primary_email(&r.attrs) {
            self.by_email.insert(email_key(e), id.to_string());
        }
        if let Some(x) = external_id(&r.attrs) {
            self.by_external_id.entry(x.to_string()).or_default().push(id.to_string());
        }
    }

    fn unindex_user(&mut self, id: &str, r: &UserRecord) {
        if let Some(u) = user_name(&r.attrs) {
            let k = name_key(u);
            if self.by_user_name.get(&k).is_some_and(|v| v == id) {
                self.by_user_name.remove(&k);
            }
        }
        if let Some(e) = primary_email(&r.attrs) {
            let k = email_key(e);
            if self.by_email.get(&k).is_some_and(|v| v == id) {
                self.by_email.remove(&k);
            }
        }
        if let Some(x) = external_id(&r.attrs)
            && let Some(ids) = self.by_external_id.get_mut(x)
        {
            ids.retain(|i| i != id);
            if ids.is_empty() {
                self.by_external_id.remove(x);
            }
        }
    }

    /// Inserts or replaces a group, keeping the name index and the members' reverse index.
    pub fn put_group(&mut self, id: &str, record: GroupRecord) {
        self.remove_group(id);
        self.by_group_name.insert(name_key(&record.display_name), id.to_string());
        for m in &record.members {
            self.user_groups.entry(m.clone()).or_default().push(id.to_string());
        }
        self.group_order.insert(record.seq, id.to_string());
        self.next_seq = self.next_seq.max(record.seq);
        self.groups.insert(id.to_string(), record);
    }

    /// Removes a group; returns it.
    pub fn remove_group(&mut self, id: &str) -> Option<GroupRecord> {
        let old = self.groups.remove(id)?;
        let k = name_key(&old.display_name);
        if self.by_group_name.get(&k).is_some_and(|v| v == id) {
            self.by_group_name.remove(&k);
        }
        self.group_order.remove(&old.seq);
        for m in &old.members {
            if let Some(gs) = self.user_groups.get_mut(m) {
                gs.retain(|g| g != id);
                if gs.is_empty() {
                    self.user_groups.remove(m);
                }
            }
        }
        Some(old)
    }

    /// Removes a user from every group it is in (an unlinked account loses its SCIM groups);
    /// returns the groups it left.
    pub fn drop_memberships(&mut self, user: &str) -> Vec<String> {
        let groups = self.user_groups.remove(user).unwrap_or_default();
        for g in &groups {
            if let Some(group) = self.groups.get_mut(g) {
                group.members.retain(|m| m != user);
            }
        }
        groups
    }

    /// Recomputes every index from the records and says where they disagree; also that every
    /// member is a user of the directory and that names are unique.
    pub fn consistency(&self) -> Result<(), String> {
        let mut fresh = State::default();
        for (seq, id) in &self.user_order {
            let r = self.users.get(id).ok_or(format!("user order names {id}, which has no record"))?;
            if r.seq != *seq {
                return Err(format!("user {id} is at {seq} in the order but has seq {}", r.seq));
            }
            if let Some(u) = user_name(&r.attrs)
                && fresh.by_user_name.contains_key(&name_key(u))
            {
                return Err(format!("userName {u:?} is held twice"));
            }
            if let Some(e) = primary_email(&r.attrs)
                && fresh.by_email.contains_key(&email_key(e))
            {
                return Err(format!("email {e:?} is held twice"));
            }
            fresh.put_user(id, r.clone());
        }
        if self.user_order.len() != self.users.len() {
            return Err("users and their order differ in length".into());
        }
        if fresh.hidden != self.hidden {
            return Err(format!("{} hidden users counted, {} held", self.hidden, fresh.hidden));
        }
        for (seq, id) in &self.group_order {
            let g = self.groups.get(id).ok_or(format!("group order names {id}, which has no record"))?;
            if g.seq != *seq {
                return Err(format!("group {id} is at {seq} in the order but has seq {}", g.seq));
            }
            if fresh.by_group_name.contains_key(&name_key(&g.display_name)) {
                return Err(format!("group name {:?} is held twice", g.display_name));
            }
            let mut seen = FxHashSet::default();
            for m in &g.members {
                if !self.users.contains_key(m) {
                    return Err(format!("group {id} lists {m}, which is not a user of the directory"));
                }
                if !seen.insert(m) {
                    return Err(format!("group {id} lists {m} twice"));
                }
            }
            fresh.put_group(id, g.clone());
        }
        if self.group_order.len() != self.groups.len() {
            return Err("groups and their order differ in length".into());
        }
        let sorted = |m: &FxHashMap<String, Vec<String>>| {
            let mut v: Vec<(String, Vec<String>)> = m
                .iter()
                .map(|(k, ids)| {
                    let mut ids = ids.clone();
                    ids.sort();
                    (k.clone(), ids)
                })
                .collect();
            v.sort();
            v
        };
        if fresh.by_user_name != self.by_user_name {
            return Err("the userName index does not match the users".into());
        }
        if fresh.by_email != self.by_email {
            return Err("the email index does not match the users".into());
        }
        if sorted(&fresh.by_external_id) != sorted(&self.by_external_id) {
            return Err("the externalId index does not match the users".into());
        }
        if fresh.by_group_name != self.by_group_name {
            return Err("the group name index does not match the groups".into());
        }
        if sorted(&fresh.user_groups) != sorted(&self.user_groups) {
            return Err("the membership index does not match the groups' members".into());
        }
        Ok(())
    }
}
