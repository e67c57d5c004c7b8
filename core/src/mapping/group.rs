//! `map_group`: an identity-provider group and its membership to a SCIM Group.
//!
//! Atlassian Cloud has no nested groups (reference/atlassian-scim.md §3): a group's members must
//! all be users. When the membership given contains groups (Entra ID groups can), their users are
//! listed in the group itself, each user once, and the report says which groups were flattened.
//!
//! Both group shapes are read: Microsoft Graph (`{id, displayName, members?}`, members with an
//! `@odata.type`) and Okta (`{id, type, profile: {name}}`), as the presets' `groups` data
//! describes them (mapping/presets.rs). A member is a user object, a user id
//! as a string, or a nested group object with its own `members`. The SCIM member `value` must be
//! the user's Atlassian SCIM id (ATL-G-005), so a member object's `scimId` is used when present,
//! then `value`, then `id`: connectors that know the SCIM ids add `scimId`.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::presets::GROUP_SHAPES;
use crate::profile::Profile;
use crate::report::{Issue, Issues, Report, Severity};
use crate::request::Request;
use crate::rules;
use crate::schema;
use crate::syntax::json_kind;

/// Nested groups deeper than this are not followed (a directory this deep is a data error).
const MAX_NESTING: usize = 32;

fn string_at<'v>(o: &'v Map<String, Value>, path: &[&str]) -> Option<&'v str> {
    let (last, parents) = path.split_last()?;
    let mut obj = o;
    for p in parents {
        obj = obj.get(*p)?.as_object()?;
    }
    obj.get(*last).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn first<'v>(o: &'v Map<String, Value>, paths: &[&[&str]]) -> Option<&'v str> {
    paths.iter().find_map(|p| string_at(o, p))
}

/// Whether a member object is a group: a preset's group marker says so (Graph's `@odata.type`,
/// Okta's group types, SCIM's `type: "Group"`: the presets' `groups` data), or it has a `members`
/// list of its own.
fn is_group(o: &Map<String, Value>) -> bool {
    GROUP_SHAPES.iter().any(|shape| shape.marks_group(o)) || o.get("members").is_some_and(Value::is_array)
}

/// The group's name at the first of the presets' name paths that has one.
fn group_name(o: &Map<String, Value>) -> Option<&str> {
    GROUP_SHAPES.iter().flat_map(|shape| &shape.names).find_map(|path| {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        string_at(o, &path)
    })
}

struct Flatten {
    members: Vec<Value>,
    seen: HashSet<String>,
    /// Ids of the groups being flattened, outermost first (to catch cycles).
    stack: Vec<String>,
    issues: Issues,
}

impl Flatten {
    fn note(&mut self, severity: Severity, rule: &'static rules::Rule, detail: String) {
        if !self.issues.has_room(severity) {
            return self.issues.count_omitted(severity, rule);
        }
        self.issues.push(Issue::new(severity, rule, "members", "/members", &detail));
    }

    /// Adds a member; `display` is not sent (the group schema makes it read-only).
    fn add_user(&mut self, id: &str) -> bool {
        if !self.seen.insert(id.to_string()) {
            return false;
        }
        let mut m = Map::new();
        m.insert("value".into(), Value::String(id.to_string()));
        self.members.push(Value::Object(m));
        true
    }

    /// Adds the users of `list`, found at `at` in the input; returns how many were new.
    fn visit(&mut self, list: &[Value], at: &str) -> usize {
        let mut added = 0;
        for (i, member) in list.iter().enumerate() {
            let here = format!("{at}[{i}]");
            match member {
                Value::String(id) if !id.trim().is_empty() => added += usize::from(self.add_user(id.trim())),
                Value::Object(o) if is_group(o) => added += self.nested(o, &here),
                Value::Object(o) => match first(o, &[&["scimId"], &["value"], &["id"]]) {
                    Some(id) => added += usize::from(self.add_user(id)),
                    None => self.note(
                        Severity::Warning,
                        &rules::MAP_005,
                        format!("{here} has no scimId, value or id; it is left out"),
                    ),
                },
                other => self.note(
                    Severity::Warning,
                    &rules::MAP_005,
                    format!("{here} is {}, not a user object or a user id; it is left out", member_kind(other)),
                ),
            }
        }
        added
    }

    fn nested(&mut self, group: &Map<String, Value>, here: &str) -> usize {
        let id = first(group, &[&["id"], &["value"], &["scimId"]]).unwrap_or("").to_string();
        let name = group_name(group).map_or_else(|| format!("{here} ({id})"), |n| format!("{n:?}"));
        if !id.is_empty() && self.stack.contains(&id) {
            self.note(
                Severity::Warning,
                &rules::MAP_005,
                format!("nested group {name} at {here} contains itself; its members are listed once"),
            );
            return 0;
        }
        if self.stack.len() >= MAX_NESTING {
            self.note(
                Severity::Warning,
                &rules::MAP_005,
                format!(
                    "nested group {name} at {here} is more than {MAX_NESTING} levels deep; its members are left out"
                ),
            );
            return 0;
        }
        let Some(Value::Array(list)) = group.get("members") else {
            self.note(
                Severity::Warning,
                &rules::MAP_005,
                format!(
                    "nested group {name} at {here} lists no members; give its membership (Graph: transitiveMembers) so its users can be added"
                ),
            );
            return 0;
        };
        self.stack.push(id);
        let added = self.visit(list, &format!("{here}.members"));
        self.stack.pop();
        self.note(
            Severity::Info,
            &rules::MAP_004,
            format!(
                "nested group {name} at {here} was flattened: {added} of its users added to this group (Atlassian groups cannot contain groups)"
            ),
        );
        added
    }
}

/// A member that is neither a user object nor a user id: a string reaching here is empty (any
/// other string is an id), which says more than "a string".
fn member_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "an empty string",
        other => json_kind(other),
    }
}

impl Profile {
    /// Maps an identity-provider group (Microsoft Graph or Okta shape) to a SCIM Group, with its
    /// membership flattened to users when `members` (or the record's own `members`) is given, and
    /// reports on it: the mapping's findings followed by this profile's check of a `POST /Groups`.
    ///
    /// ```
    /// use atlscim_core::Profile;
    /// use serde_json::json;
    ///
    /// let group = json!({"id": "g1", "displayName": "Engineering"});
    /// let members = json!([
    ///     {"@odata.type": "#microsoft.graph.user", "id": "u1", "scimId": "2819c223"},
    ///     {"@odata.type": "#microsoft.graph.group", "id": "g2", "displayName": "Engineering EU",
    ///      "members": [{"id": "u2", "scimId": "9e0f51ab"}, {"id": "u1", "scimId": "2819c223"}]}
    /// ]);
    /// let (scim, report) = Profile::atlassian().map_group(&group, Some(&members));
    /// assert_eq!(scim["members"].as_array().map(Vec::len), Some(2));
    /// assert_eq!(report.issues()[0].rule().id(), "MAP-004");
    /// ```
    pub fn map_group(&self, record: &Value, members: Option<&Value>) -> (Value, Report) {
        let mut issues = self.no_issues();
        let mut group = Map::new();
        let empty = Map::new();
        let obj = match record {
            Value::Object(o) => o,
            other => {
                issues.push(super::not_a_record("one group", other));
                &empty
            }
        };
        group.insert("schemas".into(), Value::from(vec![schema::GROUP_URN]));
        match group_name(obj) {
            Some(name) => {
                group.insert("displayName".into(), Value::String(name.to_string()));
            }
            None if record.is_object() => issues.push(super::required_missing(
                "displayName".into(),
                "/displayName".into(),
                "the group record has no displayName (Microsoft Graph) or profile.name (Okta)".into(),
            )),
            None => {}
        }
        if let Some(id) = first(obj, &[&["id"], &["objectId"], &["externalId"]]) {
            group.insert("externalId".into(), Value::String(id.to_string()));
        }
        let membership = members.or_else(|| obj.get("members"));
        if let Some(list) = membership {
            let mut flat =
                Flatten { members: Vec::new(), seen: HashSet::new(), stack: Vec::new(), issues: self.no_issues() };
            if let Some(id) = first(obj, &[&["id"]]) {
                flat.stack.push(id.to_string());
            }
            match list {
                Value::Array(items) => {
                    flat.visit(items, "members");
                }
                Value::Null => {}
                other => flat.note(
                    Severity::Warning,
                    &rules::MAP_005,
                    format!("members is {}, not an array of members; no members are sent", json_kind(other)),
                ),
            }
            issues.extend(flat.issues);
            group.insert("members".into(), Value::Array(flat.members));
        }
        let mut group = Value::Object(group);
        let checked = self.check(&Request::value("POST", "/Groups", &group));
        if checked.changes_body() {
            checked.apply_fixes(&mut group);
        }
        issues.extend(checked.issues);
        (group, Report::new(issues, crate::walk::fix::Fixes::default(), true))
    }
}
