//! Matching desired groups to current ones: by externalId, then by name (ignoring case); a
//! group whose externalId matches under another name is a rename (ATL-G-002's recipe: create,
//! move the members, delete the old group). What would clash is reported and left out.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::input::GroupRec;
use super::risks::Report;
use super::types::RiskLevel;
use crate::profile::{Profile, group_key};

/// What happens to a desired group.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum GFate {
    /// The current group at this index is it.
    Matched(usize),
    /// The current group at this index is it under another name.
    Renamed(usize),
    Create,
    /// Left out (a duplicate, an ambiguity, a clash): reported.
    Untouched,
}

/// Every desired group's fate, and the current groups taken (current index → desired index).
pub(super) struct GroupMatch {
    pub fates: Vec<GFate>,
    pub claimed: HashMap<usize, usize>,
}

pub(super) fn match_groups(
    profile: &Profile,
    desired_groups: &[GroupRec],
    current_groups: &[GroupRec],
    report: &mut Report,
) -> GroupMatch {
    let cur_group_key: Vec<(Option<&str>, String)> =
        current_groups.iter().map(|g| (g.ext.as_deref(), group_key(g.name.as_deref().unwrap_or_default()))).collect();
    let mut g_by_ext: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut g_by_name: HashMap<&str, usize> = HashMap::default();
    for (i, (x, n)) in cur_group_key.iter().enumerate() {
        if let Some(x) = x {
            g_by_ext.entry(x).or_default().push(i);
        }
        g_by_name.insert(n, i);
    }
    let mut g_fates = vec![GFate::Create; desired_groups.len()];
    let mut g_claimed: HashMap<usize, usize> = HashMap::default();
    let mut g_names: HashSet<String> = HashSet::default();
    for (i, g) in desired_groups.iter().enumerate() {
        let name = g.name.as_deref().unwrap_or_default();
        let key = group_key(name);
        if name.is_empty() || !g_names.insert(key.clone()) {
            g_fates[i] = GFate::Untouched;
            report.add(
                "duplicate_in_desired",
                RiskLevel::Danger,
                None,
                format!("group {name:?}"),
                "desired groups share a name (or have none): left out",
            );
            continue;
        }
        let by_x = g.ext.as_deref().and_then(|x| g_by_ext.get(x));
        let fate = match by_x.map(Vec::as_slice) {
            Some([c]) if cur_group_key[*c].1 == key => GFate::Matched(*c),
            Some([c]) => GFate::Renamed(*c),
            Some(_) => GFate::Untouched,
            None => match g_by_name.get(key.as_str()) {
                Some(&c) if cur_group_key[c].0.is_none() || cur_group_key[c].0 == g.ext.as_deref() => GFate::Matched(c),
                Some(_) => {
                    report.add("likely_conflict", RiskLevel::Danger, Some("ATL-G-003"), format!("group {name:?}"),
                        "a current group of another identity provider record holds the name: the create would answer 409 and is left out");
                    GFate::Untouched
                }
                None => GFate::Create,
            },
        };
        if let GFate::Matched(c) | GFate::Renamed(c) = fate
            && g_claimed.insert(c, i).is_some()
        {
            g_fates[i] = GFate::Untouched;
            report.add(
                "ambiguous_match",
                RiskLevel::Danger,
                None,
                format!("group {name:?}"),
                "two desired groups match one current group: left out",
            );
            continue;
        }
        if fate == GFate::Untouched && by_x.is_some_and(|v| v.len() > 1) {
            report.add(
                "ambiguous_match",
                RiskLevel::Danger,
                None,
                format!("group {name:?}"),
                "several current groups share the externalId: left out",
            );
        }
        if matches!(fate, GFate::Create | GFate::Renamed(_)) {
            let reserved = profile.reserved_groups.find(&group_key(name)).is_some();
            let known = profile.known_groups.find(&group_key(name)).is_some();
            if reserved || known {
                report.add("reserved_group_name", RiskLevel::Danger, Some("ATL-G-003"), format!("group {name:?}"),
                    "the name is a default-access, admin or existing group of the organization: the create would be refused and is left out");
                g_fates[i] = GFate::Untouched;
                continue;
            }
            if let Some(&c) = g_by_name.get(key.as_str())
                && !matches!(fate, GFate::Renamed(x) if x == c)
            {
                report.add(
                    "likely_conflict",
                    RiskLevel::Danger,
                    Some("ATL-G-003"),
                    format!("group {name:?}"),
                    "the name is held by another group: left out",
                );
                g_fates[i] = GFate::Untouched;
                continue;
            }
        }
        g_fates[i] = fate;
    }
    GroupMatch { fates: g_fates, claimed: g_claimed }
}
