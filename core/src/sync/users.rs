//! The plan's user steps: the diff of each matched pair, ordered so a name is freed before it is
//! taken (a cycle of swaps is reported and left out), then the updates' steps and the creates'.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde_json::Value;

use super::input::{UserRec, active, label, obj, same_user_text};
use super::matching::{Fate, Matching};
use super::plan::{Draft, Sides};
use super::risks::Report;
use super::steps::{refused_by, user_subject};
use super::types::{RiskLevel, StepKind};
use crate::directory::{email_key, primary_email};
use crate::mapping::{names_settled, normalize_email, settle_names};
use crate::profile::VerifiedDomain;
use crate::request::{Body, Request};
use crate::schema::ResourceKind;

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

/// The matched users' updates, before they become steps.
pub(super) struct Updates<'v> {
    /// Desired index → (messages, the current user, the desired user).
    pub updates: BTreeMap<usize, Update<'v>>,
    /// Desired `d` waits for the updates of these desired users (they free its names).
    pub waits: BTreeMap<usize, Vec<usize>>,
    /// Updates left out (refused, conflicting, in a cycle).
    pub blocked: BTreeSet<usize>,
}

/// The diff of each matched pair, with the risks it shows.
pub(super) fn diff_users<'v>(dr: &mut Draft<'_>, sides: Sides<'v, '_>, m: &Matching<'_>) -> Updates<'v> {
    let mut out = Updates { updates: BTreeMap::new(), waits: BTreeMap::new(), blocked: BTreeSet::new() };
    let profile = dr.profile;
    let user_type = profile.schemas().resource(ResourceKind::User);
    for (d, f) in m.fates.iter().enumerate() {
        let Fate::Matched(c) = *f else { continue };
        // Most users did not change: told from their text, without parsing them for the diff.
        if let (Some(dl), Some(cl)) = (sides.desired_users[d].line(), sides.current_users[c].line())
            && same_user_text(user_type, dl, cl)
        {
            dr.summary.unchanged_users += 1;
            continue;
        }
        let raw = sides.desired_users[d].value();
        let want = desired_user(&raw);
        let cur = sides.current_users[c].value();
        let msgs = match profile.diff(&cur, &want, ResourceKind::User) {
            Ok(msgs) => msgs,
            // diff refuses only what Atlassian would refuse (a group rename); never for a user
            // today, but a refusal must leave the user alone and say why, not vanish.
            Err(e) => {
                out.blocked.insert(d);
                dr.report.add(
                    "update_refused",
                    RiskLevel::Danger,
                    Some(e.issue().rule.id),
                    sides.desired_users[d].label(),
                    e.issue().detail(),
                );
                continue;
            }
        };
        if msgs.is_empty() {
            dr.summary.unchanged_users += 1;
            continue;
        }
        for h in m.holder(m.des_keys[d], Some(c)) {
            if m.keeps(h, m.des_keys[d]) {
                out.blocked.insert(d);
                dr.report.add(
                    "likely_conflict",
                    RiskLevel::Danger,
                    None,
                    sides.desired_users[d].label(),
                    "the new userName or email is held by another user that keeps it: the update would answer 409 and is left out",
                );
            } else if let Some(&d2) = m.matched_current.get(&h) {
                out.waits.entry(d).or_default().push(d2);
            }
        }
        email_move(&mut dr.report, profile.verified_domains(), &cur, &want);
        if active(&cur) && !active(&want) {
            dr.summary.deactivations += 1;
            dr.report.add("deactivations", RiskLevel::Warning, None, label(&want), "users deactivated");
        }
        drop(want);
        out.updates.insert(d, (msgs, cur, raw));
    }
    out
}

/// ATL-U-019: an email moving off the verified domains unlinks the account.
fn email_move(report: &mut Report, domains: &[VerifiedDomain], cur: &Value, want: &Value) {
    let (old, new) = (primary_email(obj(cur)), primary_email(obj(want)));
    if let (Some(old), Some(new)) = (old, new)
        && email_key(old) != email_key(new)
    {
        let dom = |e: &str| normalize_email(e).map(|n| n.domain.to_lowercase()).unwrap_or_default();
        let verified = |e: &str| domains.iter().any(|v| v.matches(&dom(e)));
        if domains.is_empty() {
            if dom(old) != dom(new) {
                report.add("email_domain_change", RiskLevel::Warning, Some("ATL-U-019"), label(want),
                    "the primary email moves to another domain: if that domain is not verified, the account is unlinked and loses its groups (configure verified_domains to know)");
            }
        } else if verified(old) && !verified(new) {
            report.add("email_unlinks_account", RiskLevel::Danger, Some("ATL-U-019"), label(want),
                "the primary email moves to an unverified domain: the Atlassian account is unlinked and loses its SCIM groups");
        }
    }
}

/// The updates in an order where a name is freed before it is taken (Kahn); what is left is a
/// cycle, reported and blocked.
pub(super) fn order_updates(report: &mut Report, desired: &[UserRec<'_>], u: &mut Updates<'_>) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::new();
    let mut indeg: BTreeMap<usize, usize> = u.updates.keys().map(|&d| (d, 0)).collect();
    let mut after: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (&d, ws) in &u.waits {
        for &d2 in ws {
            if u.updates.contains_key(&d2) && u.updates.contains_key(&d) {
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
    for &d in u.updates.keys() {
        if !placed.contains(&d) {
            u.blocked.insert(d);
            report.add(
                "swap_cycle",
                RiskLevel::Danger,
                None,
                desired[d].label(),
                "users trade userNames or emails in a cycle: their updates are left out (change one through a temporary value first)",
            );
        }
    }
    order
}

/// The updates' steps in `order`, each after the updates it waits for; returns each desired
/// user's last update step.
pub(super) fn push_updates(
    dr: &mut Draft<'_>,
    sides: Sides<'_, '_>,
    m: &Matching<'_>,
    mut u: Updates<'_>,
    order: &[usize],
) -> HashMap<usize, String> {
    let mut last_update: HashMap<usize, String> = HashMap::default();
    for &d in order {
        if u.blocked.contains(&d) {
            continue;
        }
        let Fate::Matched(c) = m.fates[d] else { continue };
        let id = sides.current_users[c].id.as_deref().unwrap_or_default().to_string();
        let deps: Vec<String> =
            u.waits.get(&d).into_iter().flatten().filter_map(|d2| last_update.get(d2).cloned()).collect();
        let mut prev: Option<String> = None;
        let Some((msgs, cur, raw)) = u.updates.remove(&d) else { continue };
        let who = label(&raw);
        for msg in msgs {
            let mut deps = deps.clone();
            deps.extend(prev.clone());
            let mut rules =
                if dr.report.findings.get("email_unlinks_account").is_some_and(|f| f.subjects.contains(&who)) {
                    vec!["ATL-U-019".to_string()]
                } else {
                    Vec::new()
                };
            let path = format!("/Users/{id}");
            let request = Request { method: "PATCH", path: &path, body: Some(Body::Value(&msg)), current: Some(&cur) };
            rules.extend(refused_by(dr.profile, &request, &mut dr.report, || who.clone()));
            let step = dr.steps.push(
                StepKind::UpdateUser,
                "PATCH",
                path,
                Some(msg),
                user_subject(&sides.desired_users[d], Some(&id)),
                "differs from the identity provider".into(),
                rules,
                deps,
            );
            prev = Some(step);
        }
        if let Some(p) = prev {
            dr.summary.user_updates += 1;
            last_update.insert(d, p);
        }
    }
    last_update
}

/// The creates' steps, each after the updates that free its names; returns what each desired
/// user is as a member value (its current id or its create's `${sN}`), then checks the
/// directory's user limit.
pub(super) fn create_users(
    dr: &mut Draft<'_>,
    sides: Sides<'_, '_>,
    m: &Matching<'_>,
    last_update: &HashMap<usize, String>,
) -> Vec<Option<String>> {
    let desired_users = sides.desired_users;
    let mut user_ref: Vec<Option<String>> = vec![None; desired_users.len()];
    for (d, f) in m.fates.iter().enumerate() {
        match f {
            // A blocked update leaves the user as it is, still a member where desired.
            Fate::Matched(c) => user_ref[d] = sides.current_users[*c].id.as_deref().map(str::to_string),
            Fate::Create => {
                let mut deps = Vec::new();
                let mut ok = true;
                for h in m.holder(m.des_keys[d], None) {
                    match m.matched_current.get(&h).and_then(|d2| last_update.get(d2)) {
                        Some(step) if !m.keeps(h, m.des_keys[d]) => deps.push(step.clone()),
                        _ => ok = false,
                    }
                }
                if !ok {
                    dr.report.add("likely_conflict", RiskLevel::Danger, None, desired_users[d].label(),
                        "the userName or email of a new user is held by a current user (gone, orphan or ambiguous): the create would answer 409 and is left out");
                    continue;
                }
                let raw = desired_users[d].value();
                let body = desired_user(&raw).into_owned();
                let request = Request::value("POST", "/Users", &body);
                let rules = refused_by(dr.profile, &request, &mut dr.report, || label(&body));
                let step = dr.steps.push(
                    StepKind::CreateUser,
                    "POST",
                    "/Users".into(),
                    Some(body),
                    user_subject(&desired_users[d], None),
                    "in the identity provider, not in Atlassian".into(),
                    rules,
                    deps,
                );
                dr.summary.user_creates += 1;
                user_ref[d] = Some(format!("${{{step}}}"));
            }
            Fate::Untouched => {}
        }
    }
    let limits = dr.profile.limits();
    let live_after = sides.current_users.iter().filter(|u| u.active).count() + dr.summary.user_creates;
    if live_after as u64 > limits.users_per_directory {
        dr.report.add(
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
    user_ref
}
