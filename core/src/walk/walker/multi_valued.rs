//! Multi-valued attributes, value by value: at most one primary (RFC 7643 §2.4), the Atlassian
//! email rules on `emails` and the member rules on a group's `members`.

use super::*;

/// RFC 7643 §2.4 (at most one primary) for every multi-valued attribute, the Atlassian email
/// rules on `emails` and the member rules on a group's `members`, gathered value by value.
pub(super) struct MultiValued<'de> {
    /// Values present (not null, not blank).
    pub(super) present: usize,
    primaries: usize,
    second_primary: Option<usize>,
    first_primary_value: Option<Cow<'de, str>>,
    atlassian_emails: bool,
    atlassian_members: bool,
    atlassian_photos: bool,
    /// The per-value issues of the email and member rules, reported after the whole attribute
    /// (and after "exactly one primary"), as they always have been; capped like the report.
    later: Issues,
    kinds: FirstSeen<'de>,
    values: FirstSeen<'de>,
}

impl<'de> MultiValued<'de> {
    pub(super) fn new(w: &Walker<'_, 'de>, ctx: &Ctx<'_>) -> MultiValued<'de> {
        let attr = ctx.attr;
        MultiValued {
            present: 0,
            primaries: 0,
            second_primary: None,
            first_primary_value: None,
            // Tags on Atlassian's schema say which Atlassian rules apply (`schema::AtlassianCheck`).
            atlassian_emails: ctx.top && attr.check == Some(AtlassianCheck::Emails),
            atlassian_photos: ctx.top && attr.check == Some(AtlassianCheck::Photos),
            atlassian_members: ctx.top && attr.check == Some(AtlassianCheck::Members),
            later: w.profile.no_issues(),
            kinds: FirstSeen::default(),
            values: FirstSeen::default(),
        }
    }

    pub(super) fn add(&mut self, w: &mut Walker<'_, 'de>, loc: &Loc<'_>, i: usize, e: Element<'de>) {
        self.present += 1;
        if e.primary {
            self.primaries += 1;
            if self.primaries == 1 {
                self.first_primary_value = e.value.clone();
            } else if self.primaries == 2 {
                self.second_primary = Some(i);
            }
        }
        if self.atlassian_photos && e.kind.is_none() {
            super::super::photos::missing_type(w, loc);
        }
        if !(self.atlassian_members || self.atlassian_emails) {
            return;
        }
        // Issues go to the later list while this value is looked at.
        std::mem::swap(&mut w.issues, &mut self.later);
        if self.atlassian_members {
            super::super::groups::member_rules(w, loc, e.value.as_deref(), e.kind.as_deref(), e.reference.as_deref());
        } else {
            if let Some(kind) = e.kind
                && let Some((first, kind)) = self.kinds.first(kind, i)
            {
                let detail = format!(
                    "a second email of type {kind:?} (the first is emails[{first}]); Entra ID and Atlassian expect one email per type"
                );
                w.issue(Severity::Warning, &rules::ATL_U_005, loc, detail);
            }
            if let Some(value) = e.value.map(trim_cow)
                && let Some((first, value)) = self.values.first(value, i)
            {
                let detail = format!("{value:?} repeats emails[{first}] (emails compare ignoring case)");
                w.issue(Severity::Error, &rules::ATL_U_006, loc, detail);
            }
        }
        std::mem::swap(&mut w.issues, &mut self.later);
    }

    pub(super) fn finish(self, w: &mut Walker<'_, 'de>, ctx: &Ctx<'_>) {
        let attr = ctx.attr;
        if self.atlassian_members {
            w.top.member_count = Some(self.present);
        }
        if self.atlassian_emails {
            if self.primaries == 1 {
                w.top.primary_email = self.first_primary_value;
            }
            if (self.primaries > 1 || (self.primaries == 0 && !w.partial)) && self.present > 0 {
                let detail = format!(
                    "exactly one email must be marked primary; found {} (Atlassian answers \"One email address need to be marked as primary.\")",
                    self.primaries
                );
                w.issue(Severity::Error, &rules::ATL_U_003, ctx.loc, detail);
            }
        } else if let Some(second) = self.second_primary
            && self.atlassian_photos
        {
            super::super::photos::second_primary(w, &ctx.loc.index(second), self.primaries);
        } else if let Some(second) = self.second_primary {
            let loc = ctx.loc.index(second);
            let rule = w.rule_at(&rules::RFC_V_002, Some(attr), None, ctx.top);
            let detail = format!("{} has {} values marked primary; at most one may be", attr.name, self.primaries);
            w.issue(Severity::Error, rule, &loc, detail);
        }
        w.issues.extend(self.later);
    }
}

fn trim_cow(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// Remembers where each value was first seen, ignoring case. Lists are short in practice and
/// scanned; past a few dozen values a map keeps hostile input linear.
#[derive(Default)]
struct FirstSeen<'a> {
    few: Vec<(Cow<'a, str>, usize)>,
    many: rustc_hash::FxHashMap<String, usize>,
}

impl<'a> FirstSeen<'a> {
    const SCAN: usize = 32;

    /// Records `value` at `index`; returns the index it was first seen at, if it was, and the
    /// value.
    fn first(&mut self, value: Cow<'a, str>, index: usize) -> Option<(usize, Cow<'a, str>)> {
        if self.many.is_empty() {
            let same = |a: &str, b: &str| {
                if a.is_ascii() && b.is_ascii() {
                    a.eq_ignore_ascii_case(b)
                } else {
                    a.to_lowercase() == b.to_lowercase()
                }
            };
            if let Some((_, first)) = self.few.iter().find(|(v, _)| same(v, &value)) {
                return Some((*first, value));
            }
            if self.few.len() < Self::SCAN {
                self.few.push((value, index));
                return None;
            }
            self.many = self.few.drain(..).map(|(v, i)| (v.to_lowercase(), i)).collect();
        }
        match self.many.entry(value.to_lowercase()) {
            std::collections::hash_map::Entry::Occupied(e) => Some((*e.get(), value)),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
                None
            }
        }
    }
}
