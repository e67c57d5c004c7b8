//! Matching desired users to current ones: by the keys of `match_by` in order, a fallback key
//! (userName, email) never taking a user another identity provider record owns. Duplicates in
//! the desired listing, users without a key and ambiguous matches are reported and left out,
//! and the current users they name are protected (never removed).

// The keys come from the operator's own exports (as in batch/): a fast hash, no HashDoS concern.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::input::{Keys, UserRec};
use super::risks::Report;
use super::types::{MatchKey, RiskLevel};

/// The current users a key names: nearly always one, held without an allocation.
enum Cands {
    One([usize; 1]),
    Many(Vec<usize>),
}

impl Cands {
    fn push(&mut self, i: usize) {
        match self {
            Cands::One([first]) => *self = Cands::Many(vec![*first, i]),
            Cands::Many(list) => list.push(i),
        }
    }
}

impl std::ops::Deref for Cands {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        match self {
            Cands::One(one) => one,
            Cands::Many(list) => list,
        }
    }
}

/// Current users by one of their keys.
type Index<'k> = HashMap<&'k str, Cands>;

/// Where a desired user ends up: matched to a current user, created by a step, or neither.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Fate {
    Matched(usize),
    /// To be created (the step id is filled once the step exists).
    Create,
    /// Ambiguous, duplicate, blocked: nothing about it changes.
    Untouched,
}

/// The users matched: each desired user's fate, and what the later stages ask of the match.
pub(super) struct Matching<'k> {
    pub cur_keys: Vec<&'k Keys>,
    pub des_keys: Vec<&'k Keys>,
    by_ext: Index<'k>,
    by_user: Index<'k>,
    by_email: Index<'k>,
    pub fates: Vec<Fate>,
    /// Current users a desired user named but could not safely take: never removed.
    pub protected: HashSet<usize>,
    /// Current index → desired index of each matched pair.
    pub matched_current: HashMap<usize, usize>,
}

/// Matches every desired user, reporting what is left out.
pub(super) fn match_users<'k>(
    desired: &'k [UserRec<'_>],
    current: &'k [UserRec<'_>],
    match_by: &[MatchKey],
    report: &mut Report,
) -> Matching<'k> {
    let cur_keys: Vec<&Keys> = current.iter().map(|u| &u.keys).collect();
    let des_keys: Vec<&Keys> = desired.iter().map(|u| &u.keys).collect();
    let sized = || HashMap::with_capacity_and_hasher(current.len(), Default::default());
    let (mut by_ext, mut by_user, mut by_email): (Index<'_>, Index<'_>, Index<'_>) = (sized(), sized(), sized());
    for (i, k) in cur_keys.iter().enumerate() {
        for (key, index) in [(&k.ext, &mut by_ext), (&k.user, &mut by_user), (&k.email, &mut by_email)] {
            if let Some(x) = key {
                index.entry(x).and_modify(|c| c.push(i)).or_insert(Cands::One([i]));
            }
        }
    }
    let fates = screen_desired(desired, &des_keys, report);
    let mut m = Matching {
        cur_keys,
        des_keys,
        by_ext,
        by_user,
        by_email,
        fates,
        protected: HashSet::default(),
        matched_current: HashMap::default(),
    };
    for d in 0..desired.len() {
        m.match_one(d, desired, match_by, report);
    }
    m.split_shared_claims(desired, report);
    m.matched_current = m
        .fates
        .iter()
        .enumerate()
        .filter_map(|(d, f)| if let Fate::Matched(c) = f { Some((*c, d)) } else { None })
        .collect();
    m
}

/// The desired users' first fates: `Create`, or `Untouched` for those sharing a key with
/// another desired user and those with neither userName nor externalId (each reported).
fn screen_desired(desired: &[UserRec<'_>], des_keys: &[&Keys], report: &mut Report) -> Vec<Fate> {
    let sized = || -> HashMap<&str, usize> { HashMap::with_capacity_and_hasher(desired.len(), Default::default()) };
    let (mut des_user, mut des_email, mut des_ext) = (sized(), sized(), sized());
    let mut fates: Vec<Fate> = vec![Fate::Create; desired.len()];
    for (d, k) in des_keys.iter().enumerate() {
        for (map, key, what) in [
            (&mut des_user, &k.user, "userName"),
            (&mut des_email, &k.email, "email"),
            (&mut des_ext, &k.ext, "externalId"),
        ] {
            let Some(key) = key else { continue };
            if let Some(&other) = map.get(key.as_str()) {
                for x in [other, d] {
                    fates[x] = Fate::Untouched;
                    report.add(
                        "duplicate_in_desired",
                        RiskLevel::Danger,
                        None,
                        desired[x].label(),
                        &format!("desired users share a {what}: none of them is changed until the identity provider's export is fixed"),
                    );
                }
            } else {
                map.insert(key, d);
            }
        }
        if k.user.is_none() && k.ext.is_none() {
            fates[d] = Fate::Untouched;
            report.add(
                "unidentifiable",
                RiskLevel::Warning,
                Some("ATL-U-001"),
                desired[d].label(),
                "desired users with neither userName nor externalId are left out",
            );
        }
    }
    fates
}

impl Matching<'_> {
    /// Desired user `d` matched by the first key of `match_by` that names a current user it may
    /// take; left out (its current users protected) when several fit.
    fn match_one(&mut self, d: usize, desired: &[UserRec<'_>], match_by: &[MatchKey], report: &mut Report) {
        let k = self.des_keys[d];
        if self.fates[d] == Fate::Untouched {
            // Left out (a duplicate, say): the current users it names are left alone too.
            for (value, index) in [(&k.ext, &self.by_ext), (&k.user, &self.by_user), (&k.email, &self.by_email)] {
                if let Some(cands) = value.as_deref().and_then(|v| index.get(v)) {
                    self.protected.extend(cands.iter().copied());
                }
            }
            return;
        }
        for key in match_by {
            let (value, index) = match key {
                MatchKey::ExternalId => (&k.ext, &self.by_ext),
                MatchKey::UserName => (&k.user, &self.by_user),
                MatchKey::Email => (&k.email, &self.by_email),
            };
            let Some(cands) = value.as_deref().and_then(|v| index.get(v)) else { continue };
            // A fallback key never takes a user some other identity provider record owns.
            let cur_keys = &self.cur_keys;
            let fit: Vec<usize> = cands
                .iter()
                .copied()
                .filter(|&c| *key == MatchKey::ExternalId || cur_keys[c].ext.is_none() || cur_keys[c].ext == k.ext)
                .collect();
            match fit.len() {
                0 => continue,
                1 => self.fates[d] = Fate::Matched(fit[0]),
                _ => {
                    self.fates[d] = Fate::Untouched;
                    self.protected.extend(fit.iter().copied());
                    report.add(
                        "ambiguous_match",
                        RiskLevel::Danger,
                        None,
                        desired[d].label(),
                        "several current users match one desired user: none of them is changed",
                    );
                }
            }
            return;
        }
        self.fates[d] = Fate::Create;
    }

    /// One current user claimed by two desired users: both ambiguous.
    fn split_shared_claims(&mut self, desired: &[UserRec<'_>], report: &mut Report) {
        let mut claims: HashMap<usize, Vec<usize>> = HashMap::default();
        for (d, f) in self.fates.iter().enumerate() {
            if let Fate::Matched(c) = f {
                claims.entry(*c).or_default().push(d);
            }
        }
        for (c, ds) in &claims {
            if ds.len() > 1 {
                self.protected.insert(*c);
                for &d in ds {
                    self.fates[d] = Fate::Untouched;
                    report.add(
                        "ambiguous_match",
                        RiskLevel::Danger,
                        None,
                        desired[d].label(),
                        "several desired users match one current user: none of them is changed",
                    );
                }
            }
        }
    }

    /// The current users other than `me` holding a name (userName or email key) in `key` now:
    /// swaps must go through in an order.
    pub fn holder(&self, key: &Keys, me: Option<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        for (k, index) in [(&key.user, &self.by_user), (&key.email, &self.by_email)] {
            if let Some(hs) = k.as_deref().and_then(|v| index.get(v)) {
                out.extend(hs.iter().copied().filter(|&h| Some(h) != me));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether current user `c`, after its own update, still holds a name in `key`.
    pub fn keeps(&self, c: usize, key: &Keys) -> bool {
        let after = match self.matched_current.get(&c) {
            Some(&d) => self.des_keys[d],
            None => self.cur_keys[c],
        };
        (key.user.is_some() && after.user == key.user) || (key.email.is_some() && after.email == key.email)
    }
}
