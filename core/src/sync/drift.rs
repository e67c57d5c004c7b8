//! Drift: whether a saved plan still fits the directory. A plan made yesterday may name users
//! deleted since, or create a user someone else has created meanwhile; it is checked against a
//! fresh export before it runs.

use rustc_hash::FxHashSet;
use serde_json::Value;

use super::resources::Resources;
use super::types::{Plan, StepKind};
use crate::directory::name_key;
use crate::profile::group_key;

/// What no longer fits, one line per step (empty when the plan still applies): a step on a user
/// or group that is gone, or a create whose userName or group name is now taken.
pub fn drift(plan: &Plan, current: &Resources) -> Vec<String> {
    let ids = |list: &[Value]| -> FxHashSet<String> {
        list.iter().filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string)).collect()
    };
    let (user_ids, group_ids) = (ids(&current.users), ids(&current.groups));
    let user_names: FxHashSet<String> =
        current.users.iter().filter_map(|u| u.get("userName").and_then(Value::as_str).map(name_key)).collect();
    let group_names: FxHashSet<String> =
        current.groups.iter().filter_map(|g| g.get("displayName").and_then(Value::as_str).map(group_key)).collect();
    let mut out = Vec::new();
    for step in &plan.steps {
        let s = &step.subject;
        match step.kind {
            StepKind::CreateUser => {
                if let Some(u) = &s.user_name
                    && user_names.contains(&name_key(u))
                {
                    out.push(format!("{}: the userName {u:?} is taken now", step.id));
                }
            }
            StepKind::CreateGroup => {
                if let Some(g) = &s.display_name
                    && group_names.contains(&group_key(g))
                {
                    out.push(format!("{}: the group name {g:?} is taken now", step.id));
                }
            }
            StepKind::UpdateUser | StepKind::DeactivateUser | StepKind::DeleteUser => {
                if let Some(id) = &s.id
                    && !user_ids.contains(id)
                {
                    out.push(format!("{}: user {id} is gone", step.id));
                }
            }
            StepKind::UpdateMembers | StepKind::DeleteGroup => {
                if let Some(id) = &s.id
                    && !group_ids.contains(id)
                {
                    out.push(format!("{}: group {id} is gone", step.id));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use crate::sync::{PlanOptions, plan};
    use serde_json::json;

    #[test]
    fn a_saved_plan_is_checked_against_a_fresh_export() {
        let user = |ext: &str, name: &str, id: Option<&str>| {
            let mut u = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": ext,
                               "userName": name, "emails": [{"value": name, "primary": true, "type": "work"}]});
            if let Some(id) = id {
                u["id"] = json!(id);
            }
            u
        };
        let desired = Resources {
            users: vec![user("e1", "a@example.com", None), user("e2", "b@example.com", None)],
            groups: vec![],
        };
        let mut old = user("e1", "a@example.com", Some("u1"));
        old["title"] = json!("Old");
        let current = Resources { users: vec![old], groups: vec![] };
        let p = plan(&Profile::atlassian(), &desired, &current, &PlanOptions::default());
        assert_eq!(p.steps.len(), 2, "an update of u1 and a create of b");
        assert!(drift(&p, &current).is_empty());
        // Since: u1 deleted, and b@example.com created by someone else.
        let now = Resources { users: vec![user("x", "B@example.com", Some("u9"))], groups: vec![] };
        let found = drift(&p, &now);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("user u1 is gone") && found[1].contains("\"b@example.com\" is taken"), "{found:?}");
    }
}
