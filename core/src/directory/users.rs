//! Users: create, replace, patch, delete, and what Atlassian does to them beyond the status.

use serde_json::{Map, Value};

use super::answer::{Answer, timestamp};
use super::state::{UserRecord, email_key, name_key, primary_email, user_name};
use super::{Directory, Touched, query};
use crate::mapping::{normalize_email, settle_names};
use crate::profile::{DeleteSemantics, ProfileKind};
use crate::request::{Endpoint, Method};
use crate::schema::{ATLASSIAN_EXTERNAL_URN, ENTERPRISE_URN, Mutability, ResourceKind, USER_URN};

impl Directory {
    pub(super) fn visible_user(&self, id: &str) -> Option<&UserRecord> {
        self.state.users.get(id).filter(|u| !u.hidden)
    }

    /// A user as `GET /Users/{id}` answers it.
    pub(super) fn render_user(&self, id: &str) -> Option<Value> {
        let r = self.visible_user(id)?;
        let mut m = r.attrs.clone();
        let schemas: Vec<Value> = match self.profile.kind() {
            ProfileKind::Atlassian => vec![ATLASSIAN_EXTERNAL_URN.into(), USER_URN.into(), ENTERPRISE_URN.into()],
            ProfileKind::Rfc => vec![USER_URN.into(), ENTERPRISE_URN.into()],
        };
        m.insert("schemas".into(), Value::Array(schemas));
        m.insert("id".into(), id.into());
        m.insert("meta".into(), self.meta(ResourceKind::User, id, &r.created, &r.last_modified));
        let groups = self.state.user_groups.get(id).map(Vec::as_slice).unwrap_or_default();
        let groups: Vec<Value> = groups
            .iter()
            .filter_map(|g| {
                let group = self.state.groups.get(g)?;
                let mut e = Map::new();
                e.insert("value".into(), g.as_str().into());
                e.insert("$ref".into(), format!("{}/Groups/{g}", self.base_url).into());
                e.insert("display".into(), group.display_name.as_str().into());
                e.insert("type".into(), "direct".into());
                Some(Value::Object(e))
            })
            .collect();
        m.insert("groups".into(), Value::Array(groups));
        Some(Value::Object(m))
    }

    /// The attributes the directory stores of a written resource: those its schemas know, minus
    /// the read-only ones (`id`, `meta`, `groups`, `atlassianAccountId`), which the directory sets.
    pub(super) fn supported(&self, kind: ResourceKind, resource: Map<String, Value>) -> Map<String, Value> {
        let rt = self.profile.schemas().resource(kind);
        let mut kept = Map::new();
        for (key, value) in resource {
            if let Some(attr) = rt.attribute(&key) {
                if attr.mutability != Mutability::ReadOnly && !value.is_null() {
                    kept.insert(attr.name.clone(), value);
                }
            } else if let Some(ext) = rt.extension(&key)
                && let Value::Object(members) = value
            {
                let members: Map<String, Value> = members
                    .into_iter()
                    .filter_map(|(k, v)| {
                        let a = ext.attribute(&k)?;
                        (a.mutability != Mutability::ReadOnly && !v.is_null()).then(|| (a.name.clone(), v))
                    })
                    .collect();
                if !members.is_empty() {
                    kept.insert(ext.id.clone(), Value::Object(members));
                }
            }
        }
        kept
    }

    /// 409 when another user holds the userName or the primary email (ignoring case).
    fn user_clash(&self, attrs: &Map<String, Value>, own: Option<&str>) -> Option<Answer> {
        let other = |holder: Option<&String>| holder.is_some_and(|h| Some(h.as_str()) != own);
        if let Some(u) = user_name(attrs)
            && other(self.state.by_user_name.get(&name_key(u)))
        {
            return Some(Answer::scim_error(
                409,
                Some("uniqueness"),
                format!("Resource [USER]: with userName[{u}] already exists."),
            ));
        }
        if let Some(e) = primary_email(attrs)
            && other(self.state.by_email.get(&email_key(e)))
        {
            return Some(Answer::scim_error(
                409,
                Some("uniqueness"),
                format!("Resource [USER]: with email[{e}] already exists."),
            ));
        }
        None
    }

    /// Whether the user's primary email is on a verified domain; `None` when no verified domains
    /// are configured (then every user counts as managed) or the email has no readable domain.
    fn managed(&self, attrs: &Map<String, Value>) -> Option<bool> {
        let domains = self.profile.verified_domains();
        if domains.is_empty() {
            return None;
        }
        let email = normalize_email(primary_email(attrs)?).ok()?;
        Some(domains.iter().any(|d| d.matches(&email.domain)))
    }

    fn new_account_id(&mut self) -> String {
        // Atlassian account ids are 24 hex digits (`602bdf457b23f40068547c25`).
        self.ids.next_id().replace('-', "")[..24].to_string()
    }

    pub(super) fn create_user(&mut self, resource: Map<String, Value>, rel: &str, now: f64) -> (Answer, Touched) {
        let mut attrs = self.supported(ResourceKind::User, resource);
        if let Some(clash) = self.user_clash(&attrs, None) {
            return (clash, Vec::new());
        }
        settle_names(&mut attrs);
        attrs.entry("active").or_insert(Value::Bool(true));
        // Beyond the directory limit Atlassian keeps the SCIM record but stops syncing new users
        // to accounts (reference §4): no account is linked.
        if (self.user_count() as u64) < self.profile.limits().users_per_directory {
            let account = self.new_account_id();
            let mut ext = Map::new();
            ext.insert("atlassianAccountId".into(), account.into());
            attrs.insert(ATLASSIAN_EXTERNAL_URN.into(), Value::Object(ext));
        }
        let id = self.ids.next_id();
        let t = timestamp(now);
        let seq = self.state.seq();
        self.state.put_user(&id, UserRecord { seq, attrs, created: t.clone(), last_modified: t, hidden: false });
        let body = self.render_user(&id).unwrap_or_default();
        let location = body["meta"]["location"].as_str().unwrap_or_default().to_string();
        let answer = Answer::json(201, query::project(body, &query_of(rel))).with_header("Location", location);
        (answer, vec![(ResourceKind::User, id)])
    }

    /// PUT and PATCH: `resource` is the new user (the PUT body, or the current user patched).
    pub(super) fn replace_user(
        &mut self,
        id: &str,
        resource: Map<String, Value>,
        method: Method,
        rel: &str,
        now: f64,
    ) -> (Answer, Touched) {
        let Some(current) = self.visible_user(id).cloned() else {
            return (super::not_found(ResourceKind::User, id), Vec::new());
        };
        let mut attrs = self.supported(ResourceKind::User, resource);
        if let Some(clash) = self.user_clash(&attrs, Some(id)) {
            return (clash, Vec::new());
        }
        if method == Method::Put {
            // PATCH applied Atlassian's display-name rule already (apply_patch). A PUT without
            // `active` leaves the user active (the attribute's documented default).
            settle_names(&mut attrs);
            attrs.entry("active").or_insert(Value::Bool(true));
        }
        let mut touched = vec![(ResourceKind::User, id.to_string())];
        let account = current.attrs.get(ATLASSIAN_EXTERNAL_URN).cloned();
        match (self.managed(&current.attrs), self.managed(&attrs)) {
            (Some(false), _) => {
                // A user outside the verified domains is not managed by the organization: its
                // attributes are not updated, and the update drops its SCIM groups (reference §2.5,
                // §13). Its activation still follows the identity provider.
                let active = attrs.get("active").cloned();
                attrs = current.attrs.clone();
                if let Some(active) = active {
                    attrs.insert("active".into(), active);
                }
                touched.extend(self.leave_groups(id, now));
            }
            (Some(true), Some(false)) => {
                // An email moved to an unverified domain: the SCIM record takes it, the account is
                // unlinked and loses its SCIM groups (reference §6.4).
                touched.extend(self.leave_groups(id, now));
            }
            _ => {
                if let Some(a) = account {
                    attrs.insert(ATLASSIAN_EXTERNAL_URN.into(), a);
                }
            }
        }
        let record = UserRecord { attrs, last_modified: timestamp(now), ..current };
        self.state.put_user(id, record);
        let body = self.render_user(id).unwrap_or_default();
        (Answer::json(200, query::project(body, &query_of(rel))), touched)
    }

    fn leave_groups(&mut self, id: &str, now: f64) -> Touched {
        let left = self.state.drop_memberships(id);
        self.touch_groups(&left, now)
    }

    pub(super) fn touch_groups(&mut self, groups: &[String], now: f64) -> Touched {
        let t = timestamp(now);
        groups
            .iter()
            .filter_map(|g| {
                let group = self.state.groups.get_mut(g)?;
                group.last_modified = t.clone();
                Some((ResourceKind::Group, g.clone()))
            })
            .collect()
    }

    pub(super) fn delete_user(&mut self, id: &str, now: f64) -> (Answer, Touched) {
        let mut touched = vec![(ResourceKind::User, id.to_string())];
        match self.profile.delete_semantics() {
            DeleteSemantics::Unlink => {
                let left = self.state.remove_user(id);
                touched.extend(self.touch_groups(&left, now));
            }
            DeleteSemantics::Deactivate => {
                // The older documentation: DELETE deactivates; the id answers 404 until an admin
                // reactivates it, and the userName and email stay taken.
                touched.extend(self.leave_groups(id, now));
                if let Some(mut r) = self.state.users.get(id).cloned() {
                    r.attrs.insert("active".into(), Value::Bool(false));
                    r.hidden = true;
                    r.last_modified = timestamp(now);
                    self.state.put_user(id, r);
                }
            }
        }
        (Answer::no_content(), touched)
    }
}

/// The query pairs of a request target.
pub(super) fn query_of(rel: &str) -> Vec<(String, String)> {
    Endpoint::parse(rel).map(|e| e.query_pairs()).unwrap_or_default()
}
