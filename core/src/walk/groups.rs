//! Atlassian's group rules: names Atlassian treats specially, renames, and what a member may be.

use super::loc::Loc;
use super::walker::Walker;
use crate::profile::{NameSet, group_key};
use crate::report::Severity;
use crate::rules::{self, Rule};

/// ATL-G-002: Atlassian does not rename a synced group. The rule's texts, for a PUT or PATCH
/// that sends a `displayName` (`new`) and for a diff between two groups, held against the name
/// the group has `now`.
pub(crate) struct Rename<'a> {
    pub now: &'a str,
    pub new: &'a str,
}

impl Rename<'_> {
    pub(crate) const RULE: &'static Rule = &rules::ATL_G_002;

    /// Whether the name sent is another name than the group's (names compare exactly).
    pub(crate) fn renames(&self) -> bool {
        self.now != self.new
    }

    /// The error for a request that renames the group.
    pub(crate) fn refused(&self) -> String {
        format!(
            "renaming the group {:?} to {:?}: Atlassian does not support renaming a synced group",
            self.now, self.new
        )
    }

    /// The info for a PATCH that sets the name the group has: a no-op lenient mode drops.
    pub(crate) fn no_op(&self) -> String {
        format!(
            "displayName {:?} is the group's name already: a no-op, dropped from normalized (a PATCH of no-ops only leaves nothing to send)",
            self.new
        )
    }

    /// The warning for a PATCH that sets a name when the group's is not known.
    pub(crate) fn unknown(new: &str) -> String {
        format!(
            "Atlassian refuses a rename: this is accepted only if {new:?} is the group's current name (pass current to check)"
        )
    }

    /// The error for a diff between two groups of different names, with the way to get there.
    pub(crate) fn recipe(&self) -> String {
        let (now, new) = (self.now, self.new);
        format!(
            "the group {now:?} would be renamed to {new:?}, and Atlassian does not rename a synced group: create the group {new:?} (POST /Groups), move the members to it, then delete {now:?}"
        )
    }
}

/// Built-in, blocklisted and protected group names (exact, ignoring case).
const PROTECTED: [&str; 7] = [
    "site-admins",
    "org-admins",
    "system-administrators",
    "atlassian-addons",
    "atlassian-addons-admin",
    "administrators",
    "jira-administrators",
];

/// Products whose default access groups are `<product>-users[-<site>]` and `<product>-admins[-<site>]`.
const PRODUCTS: [&str; 12] = [
    "jira",
    "jira-software",
    "jira-servicemanagement",
    "jira-service-management",
    "jira-servicedesk",
    "jira-core",
    "jira-work-management",
    "jira-product-discovery",
    "confluence",
    "bitbucket",
    "statuspage",
    "opsgenie",
];

/// Why Atlassian treats a group name specially, if it does (ATL-G-004).
pub(crate) fn reserved_name(name: &str, extra: &NameSet) -> Option<String> {
    let n = name.trim().to_lowercase();
    if let Some(e) = extra.find(&group_key(&n)) {
        return Some(format!("{e:?} is in the config's reserved_groups"));
    }
    if PROTECTED.contains(&n.as_str()) {
        return Some(format!("{name:?} is a built-in or protected Atlassian group"));
    }
    if n.contains("-user-access-admins") {
        return Some(format!("{name:?} has the form of a *-user-access-admins-<site> default group"));
    }
    for product in PRODUCTS {
        for kind in ["-users", "-admins"] {
            let base = format!("{product}{kind}");
            if n == base || n.strip_prefix(&base).is_some_and(|rest| rest.starts_with('-') && rest.len() > 1) {
                return Some(format!("{name:?} has the form of the default access group {product}{kind}-<site>"));
            }
        }
    }
    None
}

/// ATL-G-005 and ATL-G-006 on one member.
pub(crate) fn member_rules(
    w: &mut Walker<'_, '_>,
    loc: &Loc<'_>,
    value: Option<&str>,
    kind: Option<&str>,
    reference: Option<&str>,
) {
    let is_group =
        kind.is_some_and(|k| k.eq_ignore_ascii_case("Group")) || reference.is_some_and(|r| r.contains("/Groups/"));
    if is_group {
        let detail = "this member is a group; Atlassian has no nested groups, so list its users instead";
        w.issue(Severity::Error, &rules::ATL_G_006, loc, detail);
        return;
    }
    // Atlassian answers an unknown member 404 in a PATCH and 400 in a PUT (its OpenAPI).
    let not_a_member = if w.partial { &rules::ATL_G_005_PATCH } else { &rules::ATL_G_005 };
    if let Some(v) = value {
        if v.contains('@') {
            let detail =
                format!("{v:?} is an email address; members are listed by the SCIM id Atlassian gave the user");
            w.issue(Severity::Error, not_a_member, loc, detail);
        } else if looks_like_account_id(v) {
            let detail = format!(
                "{v:?} looks like an Atlassian account id (atlassianAccountId); members are listed by SCIM user id"
            );
            w.issue(Severity::Error, not_a_member, loc, detail);
        } else if let Some(r) = reference {
            let ends_right = r.trim_end_matches('/').rsplit_once("/Users/").is_some_and(|(_, id)| id == v);
            if !ends_right {
                let detail = format!("$ref {r:?} does not point to …/Users/{v} in this directory");
                w.issue(Severity::Error, not_a_member, loc, detail);
            }
        }
    }
}

/// Atlassian account ids: 24 hex digits (`602bdf457b23f40068547c25`) or `557058:<uuid>`.
fn looks_like_account_id(v: &str) -> bool {
    (v.len() == 24 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        || v.split_once(':')
            .is_some_and(|(n, rest)| n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()) && rest.len() == 36)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names() {
        for n in [
            "site-admins",
            "Org-Admins",
            "jira-software-users-acme",
            "confluence-users",
            "jira-admins-acme",
            "jira-user-access-admins-acme",
        ] {
            assert!(reserved_name(n, &NameSet::default()).is_some(), "{n}");
        }
        for n in ["Engineering", "jira-usersgroup", "confluence-user", "acme-jira-users"] {
            assert!(reserved_name(n, &NameSet::default()).is_none(), "{n}");
        }
        let extra = NameSet::new(vec![" LEGAL ".to_string()], group_key);
        assert!(reserved_name("Legal", &extra).is_some());
    }

    #[test]
    fn account_ids() {
        assert!(looks_like_account_id("602bdf457b23f40068547c25"));
        assert!(looks_like_account_id("557058:f39d4b1a-98cf-4b1c-9c7f-7f4c6a0c3e55"));
        assert!(!looks_like_account_id("2819c223-7f76-453a-919d-413861904646"));
    }
}
