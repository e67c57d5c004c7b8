//! `plan`: the steps that make Atlassian's directory (`current`) match the identity provider's
//! (`desired`), in an order where each can succeed, with the risk report and the guard rails.
//!
//! The plan is drawn up in stages ([`plan_inputs`]): users matched (`matching.rs`), their diffs
//! and the update order (`users.rs`), group creates (here), user updates and creates
//! (`users.rs`), memberships (`members.rs`), then removals, group deletes and the guard rails
//! (here). Each stage pushes its steps in turn, so the step ids follow that order.

use rustc_hash::FxHashMap as HashMap;
use serde_json::{Map, Value, json};

use super::groups::{GFate, GroupMatch, match_groups};
use super::input::{GroupRec, Inputs, UserRec};
use super::matching::{Matching, match_users};
use super::members::memberships;
use super::resources::Resources;
use super::risks::Report;
use super::steps::{Steps, group_subject, user_subject};
use super::types::{GonePolicy, PLAN_FORMAT, Plan, PlanOptions, Refusal, RiskLevel, StepKind, Summary, SyncError};
use super::users::{create_users, diff_users, order_updates, push_updates};
use crate::profile::Profile;
use crate::schema::{GROUP_URN, PATCH_OP_URN};

/// The plan being drawn up: what it was asked under, and its report, steps and counts so far.
pub(super) struct Draft<'p> {
    pub profile: &'p Profile,
    pub options: &'p PlanOptions,
    pub report: Report,
    pub steps: Steps,
    pub summary: Summary,
}

/// Both sides as read, for each stage of the plan.
#[derive(Clone, Copy)]
pub(super) struct Sides<'i, 'a> {
    pub desired_users: &'i [UserRec<'a>],
    pub current_users: &'i [UserRec<'a>],
    pub desired_groups: &'i [GroupRec],
    pub current_groups: &'i [GroupRec],
}

/// The desired groups matched, and the steps that create them.
pub(super) struct GroupSteps {
    pub fates: Vec<GFate>,
    /// Current group index → the desired group that takes it.
    pub claimed: HashMap<usize, usize>,
    /// What each desired group is in a path: its current id or its create's `${sN}`.
    pub refs: Vec<Option<String>>,
    /// The step creating each desired group, if one does.
    pub create_step: Vec<Option<String>>,
}

/// Plans the change from `current` to `desired` under `profile` (its limits, verified domains,
/// known and reserved groups). Never fails: what cannot be planned is in the risk report.
pub fn plan(profile: &Profile, desired: &Resources, current: &Resources, options: &PlanOptions) -> Plan {
    plan_inputs(profile, Inputs::from_resources(desired, current), options)
}

/// [`plan`] from the text of both exports, read as [`Resources::from_text`] reads them (JSON or
/// NDJSON; the same errors, prefixed `desired:` or `current:`). It holds much less than the
/// exports as `Value`s would: groups and current users are kept in a compact form.
pub fn plan_text(profile: &Profile, desired: &str, current: &str, options: &PlanOptions) -> Result<Plan, SyncError> {
    Ok(plan_inputs(profile, Inputs::from_text(desired, current)?, options))
}

/// [`plan`] against Atlassian's export as text (`current`, read as [`Resources::from_text`]
/// reads it, with its errors), the desired side as resources: the export is held in the compact
/// form [`plan_text`] uses.
pub fn plan_against_text(
    profile: &Profile,
    desired: &Resources,
    current: &str,
    options: &PlanOptions,
) -> Result<Plan, SyncError> {
    Ok(plan_inputs(profile, Inputs::against_text(desired, current)?, options))
}

/// The plan from both sides as read: the stages in order, sharing a [`Draft`].
fn plan_inputs(profile: &Profile, inputs: Inputs<'_>, options: &PlanOptions) -> Plan {
    let Inputs { desired_users, desired_groups, current_users, current_groups, mut interner } = inputs;
    let sides = Sides {
        desired_users: &desired_users,
        current_users: &current_users,
        desired_groups: &desired_groups,
        current_groups: &current_groups,
    };
    let summary = Summary {
        desired_users: desired_users.len(),
        desired_groups: desired_groups.len(),
        current_users: current_users.len(),
        current_groups: current_groups.len(),
        ..Summary::default()
    };
    let mut dr = Draft { profile, options, report: Report::default(), steps: Steps::default(), summary };

    // Users: match, diff the matched pairs, order the updates so a name is freed before it is taken.
    let m = match_users(&desired_users, &current_users, &options.match_by, &mut dr.report);
    dr.summary.matched_users = m.matched_current.len();
    let mut updates = diff_users(&mut dr, sides, &m);
    let order = order_updates(&mut dr.report, &desired_users, &mut updates);
    // Groups: match, and plan their creates first; then user updates, then creates.
    let groups = create_groups(&mut dr, sides);
    let last_update = push_updates(&mut dr, sides, &m, updates, &order);
    let user_ref = create_users(&mut dr, sides, &m, &last_update);
    let membership_done = memberships(&mut dr, sides, &mut interner, &user_ref, &groups, &m.protected);
    // Removals: users gone from the identity provider; orphans only when asked.
    let live_current = current_users.iter().filter(|u| u.active).count();
    let truncated = truncated(&mut dr, sides);
    let removals = remove_users(&mut dr, sides, &m, truncated);
    dr.summary.ambiguous = dr.report.findings.get("ambiguous_match").map_or(0, |f| f.count);
    // Group deletes: renamed groups after their members moved, then gone groups.
    delete_renamed_groups(&mut dr, sides, &groups, &membership_done);
    delete_gone_groups(&mut dr, sides, &groups, truncated);

    let refusal = guard_rails(options, removals, live_current);
    let Draft { summary, report, steps, .. } = dr;
    Plan { format: PLAN_FORMAT, summary, refusal, risks: report.into_risks(), steps: steps.list }
}

/// Matches the groups and pushes the creates of new and renamed ones.
fn create_groups(dr: &mut Draft<'_>, sides: Sides<'_, '_>) -> GroupSteps {
    let (desired_groups, current_groups) = (sides.desired_groups, sides.current_groups);
    let GroupMatch { fates, claimed } = match_groups(dr.profile, desired_groups, current_groups, &mut dr.report);
    let mut refs: Vec<Option<String>> = vec![None; desired_groups.len()];
    let mut create_step: Vec<Option<String>> = vec![None; desired_groups.len()];
    for (i, g) in desired_groups.iter().enumerate() {
        match fates[i] {
            GFate::Matched(c) => refs[i] = current_groups[c].id.as_deref().map(str::to_string),
            GFate::Create | GFate::Renamed(_) => {
                let name = g.name.as_deref().unwrap_or_default();
                let mut body = Map::new();
                body.insert("schemas".into(), json!([GROUP_URN]));
                body.insert("displayName".into(), name.into());
                if let Some(x) = g.ext.as_deref() {
                    body.insert("externalId".into(), x.into());
                }
                body.insert("members".into(), json!([]));
                let (reason, rules) = match fates[i] {
                    GFate::Renamed(c) => {
                        dr.report.add("group_rename", RiskLevel::Warning, Some("ATL-G-002"), format!("group {name:?}"),
                            "a synced group cannot be renamed: a new group is created, the members move, the old group is deleted");
                        (
                            format!(
                                "rename of {:?}: create the new group",
                                current_groups[c].name.as_deref().unwrap_or_default()
                            ),
                            vec!["ATL-G-002".to_string()],
                        )
                    }
                    _ => ("in the identity provider, not in Atlassian".to_string(), Vec::new()),
                };
                let id = dr.steps.push(
                    StepKind::CreateGroup,
                    "POST",
                    "/Groups".into(),
                    Some(Value::Object(body)),
                    group_subject(g, None),
                    reason,
                    rules,
                    Vec::new(),
                );
                dr.summary.group_creates += 1;
                refs[i] = Some(format!("${{{id}}}"));
                create_step[i] = Some(id);
            }
            GFate::Untouched => {}
        }
    }
    GroupSteps { fates, claimed, refs, create_step }
}

/// Whether the desired listing looks truncated (then nothing is deleted), reported.
fn truncated(dr: &mut Draft<'_>, sides: Sides<'_, '_>) -> bool {
    let (desired, current) = (sides.desired_users.len(), sides.current_users.len());
    // Against every current user, inactive ones too: a deactivation does not change the count,
    // so the run after a truncated one judges the listing the same way (and does not delete
    // what the first one deactivated).
    let truncated = (desired as f64) < dr.options.truncation_share * current as f64;
    if truncated {
        dr.report.add(
            "truncated_desired",
            RiskLevel::Danger,
            None,
            format!("{desired} of {current} users"),
            "the desired listing has far fewer users than the directory: it may be truncated, so nothing is deleted",
        );
    }
    truncated
}

/// Deactivates or deletes the current users no desired user matched (orphans only when asked);
/// returns the deactivations and deletes of the plan, updates that deactivate included.
fn remove_users(dr: &mut Draft<'_>, sides: Sides<'_, '_>, m: &Matching<'_>, truncated: bool) -> usize {
    let policy = if truncated { GonePolicy::Deactivate } else { dr.options.gone };
    let mut removals = dr.summary.deactivations;
    for (c, cu) in sides.current_users.iter().enumerate() {
        if m.matched_current.contains_key(&c) || m.protected.contains(&c) {
            continue;
        }
        let orphan = m.cur_keys[c].ext.is_none();
        if orphan {
            dr.summary.orphans += 1;
            dr.report.add("orphans", RiskLevel::Info, None, cu.label(), "current users no identity provider record matches and none provisioned: left alone (manage_orphans to include them)");
            if !dr.options.manage_orphans {
                continue;
            }
        }
        let Some(id) = cu.id.as_deref() else { continue };
        match policy {
            GonePolicy::Delete => {
                dr.steps.push(
                    StepKind::DeleteUser,
                    "DELETE",
                    format!("/Users/{id}"),
                    None,
                    user_subject(cu, Some(id)),
                    "gone from the identity provider (policy: delete)".into(),
                    Vec::new(),
                    Vec::new(),
                );
                dr.summary.deletes += 1;
                removals += 1;
                dr.report.add("deletes", RiskLevel::Danger, None, cu.label(), "users deleted");
            }
            GonePolicy::Deactivate if cu.active => {
                let body = json!({"schemas": [PATCH_OP_URN], "Operations": [{"op": "replace", "path": "active", "value": false}]});
                dr.steps.push(
                    StepKind::DeactivateUser,
                    "PATCH",
                    format!("/Users/{id}"),
                    Some(body),
                    user_subject(cu, Some(id)),
                    "gone from the identity provider (policy: deactivate)".into(),
                    Vec::new(),
                    Vec::new(),
                );
                dr.summary.deactivations += 1;
                removals += 1;
                dr.report.add("deactivations", RiskLevel::Warning, None, cu.label(), "users deactivated");
            }
            GonePolicy::Deactivate => {}
        }
    }
    removals
}

/// Deletes each renamed group's old group once its members moved.
fn delete_renamed_groups(
    dr: &mut Draft<'_>,
    sides: Sides<'_, '_>,
    groups: &GroupSteps,
    membership_done: &[Vec<String>],
) {
    for (i, f) in groups.fates.iter().enumerate() {
        if let GFate::Renamed(c) = *f {
            let Some(id) = sides.current_groups[c].id.as_deref() else { continue };
            let mut deps: Vec<String> = groups.create_step[i].iter().cloned().collect();
            deps.extend(membership_done[i].iter().cloned());
            dr.steps.push(
                StepKind::DeleteGroup,
                "DELETE",
                format!("/Groups/{id}"),
                None,
                group_subject(&sides.current_groups[c], Some(id)),
                "renamed: the old group goes once the members moved".into(),
                vec!["ATL-G-002".into()],
                deps,
            );
            dr.summary.group_deletes += 1;
        }
    }
}

/// Deletes the current groups no desired group took (orphan groups only when asked, none when
/// the listing looks truncated).
fn delete_gone_groups(dr: &mut Draft<'_>, sides: Sides<'_, '_>, groups: &GroupSteps, truncated: bool) {
    for (c, g) in sides.current_groups.iter().enumerate() {
        if groups.claimed.contains_key(&c) {
            continue;
        }
        let name = format!("group {:?}", g.name.as_deref().unwrap_or_default());
        if g.ext.is_none() && !dr.options.manage_orphans {
            dr.report.add(
                "orphan_groups",
                RiskLevel::Info,
                None,
                name,
                "current groups no desired group matches and none provisioned: left alone",
            );
            continue;
        }
        if truncated {
            continue;
        }
        let Some(id) = g.id.as_deref() else { continue };
        dr.report.add(
            "managed_team_group",
            RiskLevel::Warning,
            None,
            name.clone(),
            "a deleted group may back a managed Team (reference §13): check before running",
        );
        dr.steps.push(
            StepKind::DeleteGroup,
            "DELETE",
            format!("/Groups/{id}"),
            None,
            group_subject(g, Some(id)),
            "gone from the identity provider".into(),
            Vec::new(),
            Vec::new(),
        );
        dr.summary.group_deletes += 1;
    }
}

/// The guard rails' verdict on `removals` deactivations and deletes among `live_current` live
/// users.
fn guard_rails(options: &PlanOptions, removals: usize, live_current: usize) -> Option<Refusal> {
    let share = if live_current == 0 { 0.0 } else { removals as f64 / live_current as f64 };
    if options.allow_removals {
        None
    } else if removals as u64 > options.max_removals {
        Some(Refusal {
            guard: "too_many_removals".into(),
            detail: format!("{removals} deactivations and deletes, more than the limit of {}", options.max_removals),
        })
    } else if share > options.max_removal_share {
        Some(Refusal {
            guard: "removal_share".into(),
            detail: format!(
                "{removals} deactivations and deletes are {:.1} % of {live_current} live users, more than {:.1} %",
                share * 100.0,
                options.max_removal_share * 100.0
            ),
        })
    } else {
        None
    }
}
