//! The risk report a plan gathers as it goes: one finding per kind of risk, with the names of
//! what it concerns (each counted once, at most `MAX_SUBJECTS` listed).

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Risk, RiskLevel};

/// At most this many names are listed in one risk (its `count` has them all).
const MAX_SUBJECTS: usize = 100;

/// A risk under construction.
pub(super) struct Finding {
    pub level: RiskLevel,
    pub rule: Option<&'static str>,
    pub subjects: BTreeSet<String>,
    pub count: usize,
    pub detail: String,
}

/// The risk report under construction: findings by kind, each subject counted once.
#[derive(Default)]
pub(super) struct Report {
    pub findings: BTreeMap<&'static str, Finding>,
}

impl Report {
    pub fn add(
        &mut self,
        kind: &'static str,
        level: RiskLevel,
        rule: Option<&'static str>,
        subject: String,
        detail: &str,
    ) {
        let f = self.findings.entry(kind).or_insert_with(|| Finding {
            level,
            rule,
            subjects: BTreeSet::new(),
            count: 0,
            detail: detail.to_string(),
        });
        if f.subjects.insert(subject) {
            f.count += 1;
        }
    }

    /// The risks, most serious first, then by kind.
    pub fn into_risks(self) -> Vec<Risk> {
        let mut risks: Vec<Risk> = self
            .findings
            .into_iter()
            .map(|(kind, f)| Risk {
                kind: kind.to_string(),
                level: f.level,
                rule: f.rule.map(str::to_string),
                count: f.count,
                subjects: f.subjects.into_iter().take(MAX_SUBJECTS).collect(),
                detail: f.detail,
            })
            .collect();
        // Most serious first, then by kind: a fixed order.
        risks.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.kind.cmp(&b.kind)));
        risks
    }
}
