//! Groups: create, replace, patch, delete; members must be users of the directory, no nesting,
//! no rename, and no more members synced than the group limit.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::answer::{Answer, timestamp};
use super::state::{GroupRecord, name_key};
use super::{Directory, Touched};
use crate::request::Method;
use crate::schema::{GROUP_URN, ResourceKind};

/// Why a member list cannot be stored.
enum MemberError {
    /// A value that is a group of the directory: Atlassian has no nested groups.
    Group(String),
    /// A value that is no user of the directory.
    Unknown(String),
}

impl Directory {
    /// A group as `GET /Groups/{id}` answers it.
    pub(super) fn render_group(&self, id: &str) -> Option<Value> {
        let g = self.state.groups.get(id)?;
        let mut m = Map::new();
        m.insert("schemas".into(), Value::Array(vec![GROUP_URN.into()]));
        m.insert("id".into(), id.into());
        m.insert("displayName".into(), g.display_name.as_str().into());
        if let Some(x) = &g.external_id {
            m.insert("externalId".into(), x.as_str().into());
        }
        let members: Vec<Value> = g
            .members
            .iter()
            .map(|u| {
                let mut e = Map::new();
                e.insert("type".into(), "User".into());
                e.insert("value".into(), u.as_str().into());
                let display =
                    self.state.users.get(u).and_then(|r| super::state::user_name(&r.attrs)).unwrap_or_default();
                e.insert("display".into(), display.into());
                e.insert("$ref".into(), format!("{}/Users/{u}", self.base_url).into());
                Value::Object(e)
            })
            .collect();
        m.insert("members".into(), Value::Array(members));
        m.insert("meta".into(), self.meta(ResourceKind::Group, id, &g.created, &g.last_modified));
        Some(Value::Object(m))
    }

    /// The member ids of a written group, each a user of the directory, without repeats, cut at
    /// the group limit (Atlassian does not sync the members beyond it: reference §4).
    fn members(&self, resource: &Map<String, Value>) -> Result<Vec<String>, MemberError> {
        let list = resource.iter().find(|(k, _)| k.eq_ignore_ascii_case("members")).and_then(|(_, v)| v.as_array());
        let mut ids: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for m in list.map(Vec::as_slice).unwrap_or_default() {
            let Some(value) = m.get("value").and_then(Value::as_str) else { continue };
            if self.state.groups.contains_key(value) {
                return Err(MemberError::Group(value.to_string()));
            }
            if self.visible_user(value).is_none() {
                return Err(MemberError::Unknown(value.to_string()));
            }
            if seen.insert(value) {
                ids.push(value.to_string());
            }
        }
        let limit = usize::try_from(self.profile.limits().users_per_group).unwrap_or(usize::MAX);
        ids.truncate(limit);
        Ok(ids)
    }

    /// The answer to a member list that cannot be stored: PUT and POST answer 400 with
    /// Atlassian's BadRequestException body, PATCH 404 (reference §3).
    fn member_error(method: Method, e: MemberError) -> Answer {
        match e {
            MemberError::Group(id) => Answer::scim_error(
                400,
                Some("invalidValue"),
                format!("{id} is a group: Atlassian has no nested groups; list its users instead"),
            ),
            MemberError::Unknown(id) if method == Method::Patch => {
                Answer::scim_error(404, None, format!("Resource [USER]: with id[{id}] does not exist."))
            }
            MemberError::Unknown(_) => {
                Answer::bad_request_exception("invalidValue", "Bad request, the users referenced do not exist.")
            }
        }
    }

    fn group_clash(&self, name: &str, own: Option<&str>) -> Option<Answer> {
        let holder = self.state.by_group_name.get(&name_key(name))?;
        (Some(holder.as_str()) != own)
            .then(|| Answer::scim_error(409, Some("uniqueness"), "Resource [GROUP]: with displayName already exists."))
    }

    pub(super) fn create_group(&mut self, resource: Map<String, Value>, now: f64) -> (Answer, Touched) {
        let name = string(&resource, "displayName").unwrap_or_default();
        if let Some(clash) = self.group_clash(&name, None) {
            return (clash, Vec::new());
        }
        let members = match self.members(&resource) {
            Ok(m) => m,
            Err(e) => return (Self::member_error(Method::Post, e), Vec::new()),
        };
        let id = self.ids.next_id();
        let t = timestamp(now);
        let seq = self.state.seq();
        let external_id = string(&resource, "externalId");
        let record =
            GroupRecord { seq, display_name: name, external_id, members, created: t.clone(), last_modified: t };
        let mut touched = vec![(ResourceKind::Group, id.clone())];
        touched.extend(record.members.iter().map(|u| (ResourceKind::User, u.clone())));
        self.state.put_group(&id, record);
        let body = self.render_group(&id).unwrap_or_default();
        let location = body["meta"]["location"].as_str().unwrap_or_default().to_string();
        (Answer::json(201, body).with_header("Location", location), touched)
    }

    /// PUT and PATCH: `resource` is the new group (the PUT body, or the current group patched).
    /// The check refused a rename already (ATL-G-002), with `current`.
    pub(super) fn replace_group(
        &mut self,
        id: &str,
        resource: Map<String, Value>,
        method: Method,
        now: f64,
    ) -> (Answer, Touched) {
        let Some(current) = self.state.groups.get(id).cloned() else {
            return (super::not_found(ResourceKind::Group, id), Vec::new());
        };
        let name = string(&resource, "displayName").unwrap_or_else(|| current.display_name.clone());
        if let Some(clash) = self.group_clash(&name, Some(id)) {
            return (clash, Vec::new());
        }
        let members = match self.members(&resource) {
            Ok(m) => m,
            Err(e) => return (Self::member_error(method, e), Vec::new()),
        };
        let mut touched = vec![(ResourceKind::Group, id.to_string())];
        // Users who joined or left show it in their `groups`.
        let (before, after): (HashSet<&String>, HashSet<&String>) =
            (current.members.iter().collect(), members.iter().collect());
        touched.extend(before.symmetric_difference(&after).map(|u| (ResourceKind::User, (*u).clone())));
        let external_id = string(&resource, "externalId");
        let record = GroupRecord { display_name: name, external_id, members, last_modified: timestamp(now), ..current };
        self.state.put_group(id, record);
        (Answer::json(200, self.render_group(id).unwrap_or_default()), touched)
    }

    pub(super) fn delete_group(&mut self, id: &str) -> (Answer, Touched) {
        let mut touched = vec![(ResourceKind::Group, id.to_string())];
        if let Some(old) = self.state.remove_group(id) {
            touched.extend(old.members.into_iter().map(|u| (ResourceKind::User, u)));
        }
        (Answer::no_content(), touched)
    }
}

fn string(resource: &Map<String, Value>, key: &str) -> Option<String> {
    resource.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).and_then(|(_, v)| v.as_str()).map(str::to_string)
}
