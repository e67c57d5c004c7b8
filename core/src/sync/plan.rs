//! `plan`: the steps that make Atlassian's directory (`current`) match the identity provider's
//! (`desired`), in an order where each can succeed, with the risk report and the guard rails.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

// The keys come from the operator's own exports (as in batch.rs): a fast hash, no HashDoS concern.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde_json::{Map, Value, json};

use super::groups::{GFate, GroupMatch, match_groups};
use super::input::{Inputs, Keys, Member, active, label, obj, same_user_text};
use super::matching::{Fate, Matching, match_users};
use super::resources::Resources;
use super::risks::Report;
use super::steps::{Steps, group_subject, refused_by, user_subject};
use super::types::{GonePolicy, PLAN_FORMAT, Plan, PlanOptions, Refusal, RiskLevel, StepKind, Summary, SyncError};
use crate::directory::{email_key, primary_email};
use crate::mapping::{names_settled, normalize_email, settle_names};
use crate::patch::{OpKind, Operation, messages};
use crate::path::PatchPath;
use crate::profile::{Profile, group_key};
use crate::request::{Body, Request};
use crate::schema::{GROUP_URN, PATCH_OP_URN, ResourceKind};

/// A desired user as Atlassian would hold it: `active` defaults to true (a user without it is
/// created active, and the diff must not remove it), read-only members dropped, and the names
/// settled by Atlassian's display-name rule (Atlassian fills `name` from `displayName`: a
/// desired user without `name` must not be diffed into a `remove name` on every run).
fn desired_user(v: &Value) -> Cow<'_, Value> {
    let m = obj(v);
    if m.contains_key("active") && !["id", "meta", "groups"].iter().any(|k| m.contains_key(*k)) && names_settled(m) {
        // The common case: nothing to change, no copy of 150,000 users.
        return Cow::Borrowed(v);
    }
    let mut m = m.clone();
    for k in ["id", "meta", "groups"] {
        m.remove(k);
    }
    m.entry("active").or_insert(Value::Bool(true));
    settle_names(&mut m);
    Cow::Owned(Value::Object(m))
}

/// A matched user's update: the diff's messages, the current user and the desired one as read.
type Update<'v> = (Vec<Value>, Cow<'v, Value>, Cow<'v, Value>);

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

fn plan_inputs(profile: &Profile, inputs: Inputs<'_>, options: &PlanOptions) -> Plan {
    let Inputs { desired_users, desired_groups, current_users, current_groups, mut interner } = inputs;
    let mut report = Report::default();
    let mut steps = Steps::default();
    let mut summary = Summary {
        desired_users: desired_users.len(),
        desired_groups: desired_groups.len(),
        current_users: current_users.len(),
        current_groups: current_groups.len(),
        ..Summary::default()
    };
    let limits = profile.limits();

    // --- Users: index current, find duplicates in desired, match. ---------------------------
    let m = match_users(&desired_users, &current_users, &options.match_by, &mut report);
    let Matching { cur_keys, des_keys, fates, protected, matched_current, .. } = &m;
    summary.matched_users = matched_current.len();
    let holder = |key: &Keys, me: Option<usize>| m.holder(key, me);
    let keeps = |c: usize, key: &Keys| m.keeps(c, key);

    // Updates: the diff of each matched pair.
    // desired index → (messages, the current user, the desired user)
    let mut updates: BTreeMap<usize, Update<'_>> = BTreeMap::new();
    let mut waits: BTreeMap<usize, Vec<usize>> = BTreeMap::new(); // desired d waits for desired d2
    let mut blocked: BTreeSet<usize> = BTreeSet::new();
    let domains = profile.verified_domains();
    let user_type = profile.schemas().resource(ResourceKind::User);
    for (d, f) in fates.iter().enumerate() {
        let Fate::Matched(c) = *f else { continue };
        // Most users did not change: told from their text, without parsing them for the diff.
        if let (Some(dl), Some(cl)) = (desired_users[d].line(), current_users[c].line())
            && same_user_text(user_type, dl, cl)
        {
            summary.unchanged_users += 1;
            continue;
        }
        let raw = desired_users[d].value();
        let want = desired_user(&raw);
        let cur = current_users[c].value();
        let msgs = match profile.diff(&cur, &want, ResourceKind::User) {
            Ok(msgs) => msgs,
            // diff refuses only what Atlassian would refuse (a group rename); never for a user
            // today, but a refusal must leave the user alone and say why, not vanish.
            Err(e) => {
                blocked.insert(d);
                report.add(
                    "update_refused",
                    RiskLevel::Danger,
                    Some(e.issue().rule.id),
                    desired_users[d].label(),
                    &e.issue().detail,
                );
                continue;
            }
        };
        if msgs.is_empty() {
            summary.unchanged_users += 1;
            continue;
        }
        for h in holder(des_keys[d], Some(c)) {
            if keeps(h, des_keys[d]) {
                blocked.insert(d);
                report.add(
                    "likely_conflict",
                    RiskLevel::Danger,
                    None,
                    desired_users[d].label(),
                    "the new userName or email is held by another user that keeps it: the update would answer 409 and is left out",
                );
            } else if let Some(&d2) = matched_current.get(&h) {
                waits.entry(d).or_default().push(d2);
            }
        }
        // ATL-U-019: an email moving off the verified domains unlinks the account.
        let (old, new) = (primary_email(obj(&cur)), primary_email(obj(&want)));
        if let (Some(old), Some(new)) = (old, new)
            && email_key(old) != email_key(new)
        {
            let dom = |e: &str| normalize_email(e).map(|n| n.domain.to_lowercase()).unwrap_or_default();
            let verified = |e: &str| domains.iter().any(|v| v.matches(&dom(e)));
            if domains.is_empty() {
                if dom(old) != dom(new) {
                    report.add("email_domain_change", RiskLevel::Warning, Some("ATL-U-019"), label(&want),
                        "the primary email moves to another domain: if that domain is not verified, the account is unlinked and loses its groups (configure verified_domains to know)");
                }
            } else if verified(old) && !verified(new) {
                report.add("email_unlinks_account", RiskLevel::Danger, Some("ATL-U-019"), label(&want),
                    "the primary email moves to an unverified domain: the Atlassian account is unlinked and loses its SCIM groups");
            }
        }
        if active(&cur) && !active(&want) {
            summary.deactivations += 1;
            report.add("deactivations", RiskLevel::Warning, None, label(&want), "users deactivated");
        }
        drop(want);
        updates.insert(d, (msgs, cur, raw));
    }
    // Order updates so a name is freed before it is taken (Kahn); what is left is a cycle.
    let mut order: Vec<usize> = Vec::new();
    {
        let mut indeg: BTreeMap<usize, usize> = updates.keys().map(|&d| (d, 0)).collect();
        let mut after: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (&d, ws) in &waits {
            for &d2 in ws {
                if updates.contains_key(&d2) && updates.contains_key(&d) {
                    *indeg.entry(d).or_insert(0) += 1;
                    after.entry(d2).or_default().push(d);
                }
            }
        }
        let mut ready: BTreeSet<usize> = indeg.iter().filter(|(_, n)| **n == 0).map(|(d, _)| *d).collect();
        while let Some(d) = ready.pop_first() {
            order.push(d);
            for &x in after.get(&d).map(Vec::as_slice).unwrap_or_default() {
                if let Some(n) = indeg.get_mut(&x) {
                    *n -= 1;
                    if *n == 0 {
                        ready.insert(x);
                    }
                }
            }
        }
        let placed: HashSet<usize> = order.iter().copied().collect();
        for &d in updates.keys() {
            if !placed.contains(&d) {
                blocked.insert(d);
                report.add(
                    "swap_cycle",
                    RiskLevel::Danger,
                    None,
                    desired_users[d].label(),
                    "users trade userNames or emails in a cycle: their updates are left out (change one through a temporary value first)",
                );
            }
        }
    }

    // --- Groups: match, and plan their creates first. ----------------------------------------
    let GroupMatch { fates: g_fates, claimed: g_claimed } =
        match_groups(profile, &desired_groups, &current_groups, &mut report);
    let mut group_ref: Vec<Option<String>> = vec![None; desired_groups.len()];
    let mut group_create_step: Vec<Option<String>> = vec![None; desired_groups.len()];
    for (i, g) in desired_groups.iter().enumerate() {
        match g_fates[i] {
            GFate::Matched(c) => group_ref[i] = current_groups[c].id.as_deref().map(str::to_string),
            GFate::Create | GFate::Renamed(_) => {
                let name = g.name.as_deref().unwrap_or_default();
                let mut body = Map::new();
                body.insert("schemas".into(), json!([GROUP_URN]));
                body.insert("displayName".into(), name.into());
                if let Some(x) = g.ext.as_deref() {
                    body.insert("externalId".into(), x.into());
                }
                body.insert("members".into(), json!([]));
                let (reason, rules) = match g_fates[i] {
                    GFate::Renamed(c) => {
                        report.add("group_rename", RiskLevel::Warning, Some("ATL-G-002"), format!("group {name:?}"),
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
                let id = steps.push(
                    StepKind::CreateGroup,
                    "POST",
                    "/Groups".into(),
                    Some(Value::Object(body)),
                    group_subject(g, None),
                    reason,
                    rules,
                    Vec::new(),
                );
                summary.group_creates += 1;
                group_ref[i] = Some(format!("${{{id}}}"));
                group_create_step[i] = Some(id);
            }
            GFate::Untouched => {}
        }
    }

    // --- User updates, then creates. ---------------------------------------------------------
    let mut last_update: HashMap<usize, String> = HashMap::default();
    for &d in &order {
        if blocked.contains(&d) {
            continue;
        }
        let Fate::Matched(c) = fates[d] else { continue };
        let id = current_users[c].id.as_deref().unwrap_or_default().to_string();
        let deps: Vec<String> =
            waits.get(&d).into_iter().flatten().filter_map(|d2| last_update.get(d2).cloned()).collect();
        let mut prev: Option<String> = None;
        let Some((msgs, cur, raw)) = updates.remove(&d) else { continue };
        let who = label(&raw);
        for m in msgs {
            let mut deps = deps.clone();
            deps.extend(prev.clone());
            let mut rules = if report.findings.get("email_unlinks_account").is_some_and(|f| f.subjects.contains(&who)) {
                vec!["ATL-U-019".to_string()]
            } else {
                Vec::new()
            };
            let path = format!("/Users/{id}");
            let request = Request { method: "PATCH", path: &path, body: Some(Body::Value(&m)), current: Some(&cur) };
            rules.extend(refused_by(profile, &request, &mut report, || who.clone()));
            let step = steps.push(
                StepKind::UpdateUser,
                "PATCH",
                path,
                Some(m),
                user_subject(&desired_users[d], Some(&id)),
                "differs from the identity provider".into(),
                rules,
                deps,
            );
            prev = Some(step);
        }
        if let Some(p) = prev {
            summary.user_updates += 1;
            last_update.insert(d, p);
        }
    }
    let mut user_ref: Vec<Option<String>> = vec![None; desired_users.len()];
    for (d, f) in fates.iter().enumerate() {
        match f {
            // A blocked update leaves the user as it is, still a member where desired.
            Fate::Matched(c) => user_ref[d] = current_users[*c].id.as_deref().map(str::to_string),
            Fate::Create => {
                let mut deps = Vec::new();
                let mut ok = true;
                for h in holder(des_keys[d], None) {
                    match matched_current.get(&h).and_then(|d2| last_update.get(d2)) {
                        Some(step) if !keeps(h, des_keys[d]) => deps.push(step.clone()),
                        _ => ok = false,
                    }
                }
                if !ok {
                    report.add("likely_conflict", RiskLevel::Danger, None, desired_users[d].label(),
                        "the userName or email of a new user is held by a current user (gone, orphan or ambiguous): the create would answer 409 and is left out");
                    continue;
                }
                let raw = desired_users[d].value();
                let body = desired_user(&raw).into_owned();
                let rules = refused_by(profile, &Request::value("POST", "/Users", &body), &mut report, || label(&body));
                let step = steps.push(
                    StepKind::CreateUser,
                    "POST",
                    "/Users".into(),
                    Some(body),
                    user_subject(&desired_users[d], None),
                    "in the identity provider, not in Atlassian".into(),
                    rules,
                    deps,
                );
                summary.user_creates += 1;
                user_ref[d] = Some(format!("${{{step}}}"));
            }
            Fate::Untouched => {}
        }
    }
    let live_after = current_users.iter().filter(|u| u.active).count() + summary.user_creates;
    if live_after as u64 > limits.users_per_directory {
        report.add(
            "directory_over_user_limit",
            RiskLevel::Danger,
            None,
            format!("{live_after} users"),
            &format!(
                "the directory would hold more than {} users: Atlassian stops syncing accounts past the limit",
                limits.users_per_directory
            ),
        );
    }

    // --- Memberships. ------------------------------------------------------------------------
    // Member values name desired users by externalId, userName or id (the first user wins). Every
    // member value is interned, so a key that is not names no member.
    let mut member_index: HashMap<u32, usize> = HashMap::default();
    for (d, u) in desired_users.iter().enumerate() {
        for k in [u.id.as_deref(), u.user_name.as_deref(), u.ext.as_deref()].into_iter().flatten() {
            if let Some(k) = interner.get(k) {
                member_index.entry(k).or_insert(d);
            }
        }
    }
    // What each desired user is as a member value: its current id or its create's `${sN}`.
    let user_member: Vec<Option<u32>> = user_ref.iter().map(|r| r.as_deref().map(|r| interner.intern(r))).collect();
    let desired_group_names: HashSet<String> = desired_groups
        .iter()
        .flat_map(|g| [g.ext.as_deref().map(str::to_string), g.name.as_deref().map(group_key)])
        .flatten()
        .collect();
    let creates_of: HashMap<String, String> = steps
        .list
        .iter()
        .filter(|st| st.kind == StepKind::CreateUser)
        .map(|st| (format!("${{{}}}", st.id), st.id.clone()))
        .collect();
    let mut membership_done: Vec<Vec<String>> = vec![Vec::new(); desired_groups.len()];
    let mut losses: BTreeMap<String, usize> = BTreeMap::new();
    // Current users by id (the last one wins), for the member values that name them.
    let mut current_by_id: HashMap<u32, usize> = HashMap::default();
    for (c, u) in current_users.iter().enumerate() {
        if let Some(id) = u.id.as_deref().and_then(|x| interner.get(x)) {
            current_by_id.insert(id, c);
        }
    }
    for (i, g) in desired_groups.iter().enumerate() {
        let Some(gref) = group_ref[i].clone() else { continue };
        let name = g.name.as_deref().unwrap_or_default().to_string();
        let mut targets: Vec<u32> = Vec::new();
        let mut seen = HashSet::default();
        for m in &g.members {
            let v = interner.name(m.value);
            if m.group
                || (!member_index.contains_key(&m.value)
                    && (desired_group_names.contains(v) || desired_group_names.contains(&group_key(v))))
            {
                report.add("nested_group_flattened", RiskLevel::Warning, Some("ATL-G-005"), format!("group {name:?}"),
                    "a member is a group: Atlassian has no nested groups; flatten it with map_group (the nested group is left out)");
                continue;
            }
            let Some(target) = member_index.get(&m.value).and_then(|&d| user_member[d]) else {
                report.add(
                    "unknown_member",
                    RiskLevel::Warning,
                    None,
                    format!("group {name:?}"),
                    "a member is no desired user that can be synced: it is left out",
                );
                continue;
            };
            if seen.insert(target) {
                targets.push(target);
            }
        }
        if targets.len() as u64 > limits.users_per_group {
            report.add(
                "group_over_member_limit",
                RiskLevel::Danger,
                None,
                format!("group {name:?}"),
                &format!(
                    "more than {} members: Atlassian stops syncing the members past the limit",
                    limits.users_per_group
                ),
            );
        }
        // Current side: the matched group's members (none for a created group).
        let cur_members: &[Member] = match g_fates[i] {
            GFate::Matched(c) => &current_groups[c].members,
            _ => &[],
        };
        let cur_set: HashSet<u32> = cur_members.iter().map(|m| m.value).collect();
        let target_set: HashSet<u32> = targets.iter().copied().collect();
        let path = PatchPath::parse("members").ok();
        let mut ops = Vec::new();
        let adds: Vec<Value> =
            targets.iter().filter(|t| !cur_set.contains(t)).map(|&t| json!({"value": interner.name(t)})).collect();
        // Members that are protected (ambiguous) stay: nothing about them changes.
        for m in cur_members.iter().map(|m| m.value) {
            if target_set.contains(&m) {
                continue;
            }
            if current_by_id.get(&m).is_some_and(|c| protected.contains(c)) {
                continue;
            }
            if let Some(&c) = current_by_id.get(&m) {
                *losses.entry(label(&current_users[c].value())).or_insert(0) += 1;
            }
            let m = interner.name(m);
            if let Ok(p) = PatchPath::parse(&format!("members[value eq \"{m}\"]")) {
                ops.push(Operation::new(OpKind::Remove, Some(p), None));
            }
        }
        if !adds.is_empty() {
            ops.insert(0, Operation::new(OpKind::Add, path, Some(Value::Array(adds))));
        }
        if ops.is_empty() {
            continue;
        }
        let mut prev: Option<String> = None;
        for msg in messages(ops, limits) {
            // The group's create, the message before, and the creates of the members it names.
            let mut deps: Vec<String> = group_create_step[i].iter().cloned().collect();
            deps.extend(prev.clone());
            let ops = msg.get("Operations").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for op in ops {
                for v in op.get("value").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                    if let Some(step) = v.get("value").and_then(Value::as_str).and_then(|x| creates_of.get(x)) {
                        deps.push(step.clone());
                    }
                }
            }
            let st = steps.push(
                StepKind::UpdateMembers,
                "PATCH",
                format!("/Groups/{gref}"),
                Some(msg),
                group_subject(g, group_ref[i].as_deref().filter(|r| !r.starts_with("${"))),
                "membership differs from the identity provider".into(),
                Vec::new(),
                deps,
            );
            membership_done[i].push(st.clone());
            prev = Some(st);
        }
        if matches!(g_fates[i], GFate::Matched(_)) {
            summary.group_updates += 1;
        }
    }
    for (who, n) in &losses {
        report.add(
            "loses_groups",
            RiskLevel::Warning,
            None,
            who.clone(),
            &format!("users removed from groups ({n} for the first listed, see the steps)"),
        );
    }

    // --- Removals: users gone from the identity provider; orphans only when asked. ------------
    let live_current = current_users.iter().filter(|u| u.active).count();
    // Against every current user, inactive ones too: a deactivation does not change the count,
    // so the run after a truncated one judges the listing the same way (and does not delete
    // what the first one deactivated).
    let truncated = (desired_users.len() as f64) < options.truncation_share * current_users.len() as f64;
    if truncated {
        report.add(
            "truncated_desired",
            RiskLevel::Danger,
            None,
            format!("{} of {} users", desired_users.len(), current_users.len()),
            "the desired listing has far fewer users than the directory: it may be truncated, so nothing is deleted",
        );
    }
    let policy = if truncated { GonePolicy::Deactivate } else { options.gone };
    let mut removals = summary.deactivations;
    for (c, cu) in current_users.iter().enumerate() {
        if matched_current.contains_key(&c) || protected.contains(&c) {
            continue;
        }
        let orphan = cur_keys[c].ext.is_none();
        if orphan {
            summary.orphans += 1;
            report.add("orphans", RiskLevel::Info, None, cu.label(), "current users no identity provider record matches and none provisioned: left alone (manage_orphans to include them)");
            if !options.manage_orphans {
                continue;
            }
        }
        let Some(id) = cu.id.as_deref() else { continue };
        match policy {
            GonePolicy::Delete => {
                steps.push(
                    StepKind::DeleteUser,
                    "DELETE",
                    format!("/Users/{id}"),
                    None,
                    user_subject(cu, Some(id)),
                    "gone from the identity provider (policy: delete)".into(),
                    Vec::new(),
                    Vec::new(),
                );
                summary.deletes += 1;
                removals += 1;
                report.add("deletes", RiskLevel::Danger, None, cu.label(), "users deleted");
            }
            GonePolicy::Deactivate if cu.active => {
                let body = json!({"schemas": [PATCH_OP_URN], "Operations": [{"op": "replace", "path": "active", "value": false}]});
                steps.push(
                    StepKind::DeactivateUser,
                    "PATCH",
                    format!("/Users/{id}"),
                    Some(body),
                    user_subject(cu, Some(id)),
                    "gone from the identity provider (policy: deactivate)".into(),
                    Vec::new(),
                    Vec::new(),
                );
                summary.deactivations += 1;
                removals += 1;
                report.add("deactivations", RiskLevel::Warning, None, cu.label(), "users deactivated");
            }
            GonePolicy::Deactivate => {}
        }
    }
    summary.ambiguous = report.findings.get("ambiguous_match").map_or(0, |f| f.count);

    // --- Group deletes: renamed groups after their members moved, then gone groups. -----------
    for (i, f) in g_fates.iter().enumerate() {
        if let GFate::Renamed(c) = *f {
            let Some(id) = current_groups[c].id.as_deref() else { continue };
            let mut deps: Vec<String> = group_create_step[i].iter().cloned().collect();
            deps.extend(membership_done[i].iter().cloned());
            steps.push(
                StepKind::DeleteGroup,
                "DELETE",
                format!("/Groups/{id}"),
                None,
                group_subject(&current_groups[c], Some(id)),
                "renamed: the old group goes once the members moved".into(),
                vec!["ATL-G-002".into()],
                deps,
            );
            summary.group_deletes += 1;
        }
    }
    for (c, g) in current_groups.iter().enumerate() {
        if g_claimed.contains_key(&c) {
            continue;
        }
        let name = format!("group {:?}", g.name.as_deref().unwrap_or_default());
        if current_groups[c].ext.is_none() && !options.manage_orphans {
            report.add(
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
        report.add(
            "managed_team_group",
            RiskLevel::Warning,
            None,
            name.clone(),
            "a deleted group may back a managed Team (reference §13): check before running",
        );
        steps.push(
            StepKind::DeleteGroup,
            "DELETE",
            format!("/Groups/{id}"),
            None,
            group_subject(g, Some(id)),
            "gone from the identity provider".into(),
            Vec::new(),
            Vec::new(),
        );
        summary.group_deletes += 1;
    }

    // --- Guard rails. ------------------------------------------------------------------------
    let share = if live_current == 0 { 0.0 } else { removals as f64 / live_current as f64 };
    let refusal = if options.allow_removals {
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
    };
    Plan { format: PLAN_FORMAT, summary, refusal, risks: report.into_risks(), steps: steps.list }
}
