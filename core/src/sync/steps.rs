//! A plan's steps as they are added: numbered in order, their dependencies sorted, what each
//! acts on, and the rules Atlassian would refuse a step's request by.

use serde_json::Value;

use super::input::{GroupRec, UserRec};
use super::risks::Report;
use super::types::{RiskLevel, Step, StepKind, Subject};
use crate::profile::Profile;
use crate::report::Severity;
use crate::request::Request;

/// Steps in plan order, numbered as they are added.
#[derive(Default)]
pub(super) struct Steps {
    pub list: Vec<Step>,
}

impl Steps {
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        kind: StepKind,
        method: &str,
        path: String,
        body: Option<Value>,
        subject: Subject,
        reason: String,
        rules: Vec<String>,
        depends_on: Vec<String>,
    ) -> String {
        let id = format!("s{}", self.list.len() + 1);
        let mut depends_on = depends_on;
        depends_on.sort_by_key(|d| d[1..].parse::<usize>().unwrap_or(0));
        depends_on.dedup();
        self.list.push(Step {
            id: id.clone(),
            kind,
            method: method.into(),
            path,
            body,
            subject,
            reason,
            rules,
            depends_on,
        });
        id
    }
}

pub(super) fn user_subject(u: &UserRec<'_>, id: Option<&str>) -> Subject {
    Subject {
        resource: "User".into(),
        id: id.map(str::to_string),
        user_name: u.user_name.as_deref().map(str::to_string),
        external_id: u.ext.as_deref().map(str::to_string),
        display_name: None,
    }
}

pub(super) fn group_subject(g: &GroupRec, id: Option<&str>) -> Subject {
    Subject {
        resource: "Group".into(),
        id: id.map(str::to_string),
        user_name: None,
        external_id: g.ext.as_deref().map(str::to_string),
        display_name: g.name.as_deref().map(str::to_string),
    }
}

/// The error rules `profile.check` finds in a step's request (the request Atlassian would
/// refuse), reported as `refused_by_check`; the step stays in the plan, where it will fail and
/// skip its dependents, so the report shows it rather than the directory silently differing.
pub(super) fn refused_by(
    profile: &Profile,
    request: &Request<'_>,
    report: &mut Report,
    who: impl FnOnce() -> String,
) -> Vec<String> {
    let checked = profile.check(request);
    if checked.valid() {
        return Vec::new();
    }
    let mut rules: Vec<String> =
        checked.issues().iter().filter(|i| i.severity == Severity::Error).map(|i| i.rule.id.to_string()).collect();
    rules.sort();
    rules.dedup();
    report.add(
        "refused_by_check",
        RiskLevel::Danger,
        None,
        who(),
        "requests Atlassian would refuse (the step's rules say why): they will fail",
    );
    rules
}
