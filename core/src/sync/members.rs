//! The plan's membership steps: each group's members made the desired users it names (nested
//! groups and unknown members reported and left out), in PATCH messages after the creates of
//! the group and of the users they add; the users that lose groups reported.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde_json::{Value, json};

use super::groups::GFate;
use super::input::{GroupRec, Interner, Member, label};
use super::plan::{Draft, GroupSteps, Sides};
use super::steps::group_subject;
use super::types::{RiskLevel, StepKind};
use crate::patch::{OpKind, Operation, messages};
use crate::path::PatchPath;
use crate::profile::group_key;

/// What member values name, for every group.
struct MemberKeys {
    /// Member values naming a desired user by externalId, userName or id (the first user wins).
    member_index: HashMap<u32, usize>,
    /// What each desired user is as a member value: its current id or its create's `${sN}`.
    user_member: Vec<Option<u32>>,
    desired_group_names: HashSet<String>,
    /// `${sN}` → `sN` for the users' creates.
    creates_of: HashMap<String, String>,
    /// Current users by id (the last one wins), for the member values that name them.
    current_by_id: HashMap<u32, usize>,
}

fn member_keys(
    dr: &Draft<'_>,
    sides: Sides<'_, '_>,
    interner: &mut Interner,
    user_ref: &[Option<String>],
) -> MemberKeys {
    // Every member value is interned, so a key that is not names no member.
    let mut member_index: HashMap<u32, usize> = HashMap::default();
    for (d, u) in sides.desired_users.iter().enumerate() {
        for k in [u.id.as_deref(), u.user_name.as_deref(), u.ext.as_deref()].into_iter().flatten() {
            if let Some(k) = interner.get(k) {
                member_index.entry(k).or_insert(d);
            }
        }
    }
    let user_member: Vec<Option<u32>> = user_ref.iter().map(|r| r.as_deref().map(|r| interner.intern(r))).collect();
    let desired_group_names: HashSet<String> = sides
        .desired_groups
        .iter()
        .flat_map(|g| [g.ext.as_deref().map(str::to_string), g.name.as_deref().map(group_key)])
        .flatten()
        .collect();
    let creates_of: HashMap<String, String> = dr
        .steps
        .list
        .iter()
        .filter(|st| st.kind == StepKind::CreateUser)
        .map(|st| (format!("${{{}}}", st.id), st.id.clone()))
        .collect();
    let mut current_by_id: HashMap<u32, usize> = HashMap::default();
    for (c, u) in sides.current_users.iter().enumerate() {
        if let Some(id) = u.id.as_deref().and_then(|x| interner.get(x)) {
            current_by_id.insert(id, c);
        }
    }
    MemberKeys { member_index, user_member, desired_group_names, creates_of, current_by_id }
}

/// The membership steps of every desired group; returns each group's steps (for the delete of
/// a renamed group, which waits for its members to move).
pub(super) fn memberships(
    dr: &mut Draft<'_>,
    sides: Sides<'_, '_>,
    interner: &mut Interner,
    user_ref: &[Option<String>],
    groups: &GroupSteps,
    protected: &HashSet<usize>,
) -> Vec<Vec<String>> {
    let keys = member_keys(dr, sides, interner, user_ref);
    let mut membership_done: Vec<Vec<String>> = vec![Vec::new(); sides.desired_groups.len()];
    let mut losses: BTreeMap<String, usize> = BTreeMap::new();
    for (i, g) in sides.desired_groups.iter().enumerate() {
        let Some(gref) = groups.refs[i].clone() else { continue };
        let targets = targets(dr, g, &keys, interner);
        // Current side: the matched group's members (none for a created group).
        let cur_members: &[Member] = match groups.fates[i] {
            GFate::Matched(c) => &sides.current_groups[c].members,
            _ => &[],
        };
        let ops = member_ops(sides, &targets, cur_members, &keys, interner, protected, &mut losses);
        if ops.is_empty() {
            continue;
        }
        let mut prev: Option<String> = None;
        for msg in messages(ops, dr.profile.limits()) {
            // The group's create, the message before, and the creates of the members it names.
            let mut deps: Vec<String> = groups.create_step[i].iter().cloned().collect();
            deps.extend(prev.clone());
            let ops = msg.get("Operations").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for op in ops {
                for v in op.get("value").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                    if let Some(step) = v.get("value").and_then(Value::as_str).and_then(|x| keys.creates_of.get(x)) {
                        deps.push(step.clone());
                    }
                }
            }
            let st = dr.steps.push(
                StepKind::UpdateMembers,
                "PATCH",
                format!("/Groups/{gref}"),
                Some(msg),
                group_subject(g, groups.refs[i].as_deref().filter(|r| !r.starts_with("${"))),
                "membership differs from the identity provider".into(),
                Vec::new(),
                deps,
            );
            membership_done[i].push(st.clone());
            prev = Some(st);
        }
        if matches!(groups.fates[i], GFate::Matched(_)) {
            dr.summary.group_updates += 1;
        }
    }
    for (who, n) in &losses {
        dr.report.add(
            "loses_groups",
            RiskLevel::Warning,
            None,
            who.clone(),
            &format!("users removed from groups ({n} for the first listed, see the steps)"),
        );
    }
    membership_done
}

/// The member values group `g` should have, each once, in its order: nested groups and
/// members that name no syncable desired user are reported and left out.
fn targets(dr: &mut Draft<'_>, g: &GroupRec, keys: &MemberKeys, interner: &Interner) -> Vec<u32> {
    let name = g.name.as_deref().unwrap_or_default().to_string();
    let mut targets: Vec<u32> = Vec::new();
    let mut seen = HashSet::default();
    for m in &g.members {
        let v = interner.name(m.value);
        if m.group
            || (!keys.member_index.contains_key(&m.value)
                && (keys.desired_group_names.contains(v) || keys.desired_group_names.contains(&group_key(v))))
        {
            dr.report.add("nested_group_flattened", RiskLevel::Warning, Some("ATL-G-005"), format!("group {name:?}"),
                "a member is a group: Atlassian has no nested groups; flatten it with map_group (the nested group is left out)");
            continue;
        }
        let Some(target) = keys.member_index.get(&m.value).and_then(|&d| keys.user_member[d]) else {
            dr.report.add(
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
    let limits = dr.profile.limits();
    if targets.len() as u64 > limits.users_per_group {
        dr.report.add(
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
    targets
}

/// The operations from `cur_members` to `targets`: one add of the missing members first, then
/// a remove of each member too many (counted in `losses`), protected ones aside.
fn member_ops(
    sides: Sides<'_, '_>,
    targets: &[u32],
    cur_members: &[Member],
    keys: &MemberKeys,
    interner: &Interner,
    protected: &HashSet<usize>,
    losses: &mut BTreeMap<String, usize>,
) -> Vec<Operation> {
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
        if keys.current_by_id.get(&m).is_some_and(|c| protected.contains(c)) {
            continue;
        }
        if let Some(&c) = keys.current_by_id.get(&m) {
            *losses.entry(label(&sides.current_users[c].value())).or_insert(0) += 1;
        }
        let m = interner.name(m);
        if let Ok(p) = PatchPath::parse(&format!("members[value eq \"{m}\"]")) {
            ops.push(Operation::new(OpKind::Remove, Some(p), None));
        }
    }
    if !adds.is_empty() {
        ops.insert(0, Operation::new(OpKind::Add, path, Some(Value::Array(adds))));
    }
    ops
}
