//! The rules that hold a user or group against the account Atlassian holds. A POST or PUT body
//! is judged against `current` and the known lists ([`body_user_rules`]). A PATCH is judged by the
//! resource it leaves behind: with `current` at hand, the operations are applied and the result
//! is held against what the user or group is now, as a PUT is (ATL-U-008 an email or userName of
//! another account, ATL-U-009 a changed externalId, ATL-U-019 a primary email that leaves the
//! verified domains, ATL-U-020 a display name that disagrees with the names, ATL-G-007 a group
//! above the size limit).
//!
//! Each issue points at the operation that wrote the attribute (the last one, when several do),
//! in the message as it was sent.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Operation, issue, primary_email_of, string_of};
use crate::profile::{self, Profile};
use crate::report::{Issues, Severity};
use crate::rules::{self, Rule};
use crate::schema::{ResourceKind, USER_URN};
use crate::walk::loc::Loc;
use crate::walk::walker::Walker;

/// The index of the last operation of `message` that writes one of `names` (a top-level
/// attribute of the core schema), and the key `Operations` is written with.
fn writer<'m>(message: &'m Value, names: &[&str]) -> Option<(&'m str, usize)> {
    let (key, ops) = message.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case("operations"))?;
    let ops = ops.as_array()?;
    let named = |attr: &str| names.iter().any(|n| n.eq_ignore_ascii_case(attr));
    let writes = |op: &Value| -> bool {
        let member = |k: &str| op.as_object().and_then(|m| m.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)));
        match member("path").map(|(_, v)| v) {
            Some(Value::String(path)) => {
                let bare = match path.get(..USER_URN.len() + 1) {
                    Some(prefix) if prefix[..USER_URN.len()].eq_ignore_ascii_case(USER_URN) => &path[prefix.len()..],
                    _ => path.as_str(),
                };
                let attr = bare.split(['.', '[']).next().unwrap_or_default();
                named(attr)
            }
            // A path-less add or replace names its attributes as the members of its value.
            None | Some(Value::Null) => {
                member("value").and_then(|(_, v)| v.as_object()).is_some_and(|value| value.keys().any(|k| named(k)))
            }
            Some(_) => false,
        }
    };
    ops.iter().rposition(writes).map(|i| (key.as_str(), i))
}

/// Pushes `rule`'s issue at the operation that writes one of `names`; nothing when none does
/// (the attribute did not change through this message).
fn at_writer(
    issues: &mut Issues,
    message: &Value,
    names: &[&str],
    severity: Severity,
    rule: &'static Rule,
    detail: impl FnOnce() -> String,
) {
    let Some((key, i)) = writer(message, names) else { return };
    let root = Loc::ROOT;
    let ops = root.key(key, "Operations");
    issues.push(issue(severity, rule, &ops.index(i), detail()));
}

/// The rules for a PATCH whose operations turn `current` into `after` (applied without
/// Atlassian's display-name rule, so `after` holds the names as the message leaves them).
pub(super) fn patch_rules(
    profile: &Profile,
    kind: ResourceKind,
    message: &Value,
    current: &Value,
    after: &Value,
    issues: &mut Issues,
) {
    match kind {
        ResourceKind::User => user_rules(profile, message, current, after, issues),
        ResourceKind::Group => group_rules(profile, message, after, issues),
    }
}

fn user_rules(profile: &Profile, message: &Value, current: &Value, after: &Value, issues: &mut Issues) {
    if let Some(detail) = super::unmanaged::update_detail(profile, current) {
        issues.push(issue(Severity::Warning, &rules::ATL_U_018, &Loc::ROOT, detail));
    }
    if let Some(name) = string_of(after, "userName")
        && string_of(current, "userName").is_none_or(|now| !now.eq_ignore_ascii_case(name))
        && profile.known_user_names.find(&name.to_lowercase()).is_some()
    {
        at_writer(issues, message, &["userName"], Severity::Error, &rules::ATL_U_008, || {
            format!(
                "the userName {name:?} already belongs to an account Atlassian holds (known_user_names): Atlassian answers 409"
            )
        });
    }
    if let Some(now) = string_of(current, "externalId")
        && let Some(sent) = string_of(after, "externalId")
        && now != sent
    {
        at_writer(issues, message, &["externalId"], Severity::Warning, &rules::ATL_U_009, || {
            external_id_change(now, sent)
        });
    }
    let (before, email) = (primary_email_of(current), primary_email_of(after));
    if let Some(e) = email
        && before.is_none_or(|b| profile::email_key(b) != profile::email_key(e))
    {
        if profile.known_emails.find(&profile::email_key(e)).is_some() {
            at_writer(issues, message, &["emails"], Severity::Error, &rules::ATL_U_008, || {
                format!(
                    "Resource [USER]: with email[{e}] already exists. (the email belongs to another account; known_emails)"
                )
            });
        }
        let domains = profile.verified_domains();
        if let Some(b) = before
            && !domains.is_empty()
            && profile::verified(domains, e) == Some(false)
            && profile::verified(domains, b) == Some(true)
        {
            at_writer(issues, message, &["emails"], Severity::Warning, &rules::ATL_U_019, || {
                format!(
                    "the primary email moves from the verified domain of {b:?} to {e:?}, whose domain is not verified: Atlassian unlinks the account and drops its SCIM group memberships"
                )
            });
        }
    }
    if writer(message, &["displayName", "name"]).is_some()
        && let Some(display) = string_of(after, "displayName")
    {
        let name = after.as_object().and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("name")));
        let part = |sub: &str| name.and_then(|(_, n)| string_of(n, sub));
        if let Some(detail) = names_overwritten(display, part("givenName"), part("familyName")) {
            at_writer(issues, message, &["displayName", "name"], Severity::Warning, &rules::ATL_U_020, || detail);
        }
    }
}

fn group_rules(profile: &Profile, message: &Value, after: &Value, issues: &mut Issues) {
    let members = after.as_object().and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("members")));
    let n = members.and_then(|(_, v)| v.as_array()).map_or(0, Vec::len);
    if let Some(detail) = GroupSize::AfterPatch(n).over(profile.limits().users_per_group) {
        at_writer(issues, message, &["members"], Severity::Warning, GroupSize::RULE, || detail);
    }
}

/// A group's size where it is judged against `limits.users_per_group` (ATL-G-007): Atlassian
/// syncs no more members than that to a group, and says nothing of the rest.
pub(crate) enum GroupSize<'a> {
    /// The members one POST or PUT body lists.
    Body(usize),
    /// The members after a PATCH, applied to `current`.
    AfterPatch(usize),
    /// At least this many members, from the requests of a batch so far.
    Batch { id: &'a str, size: u64 },
}

impl GroupSize<'_> {
    pub(crate) const RULE: &'static Rule = &rules::ATL_G_007;

    /// The warning's detail when the group is above `limit`.
    pub(crate) fn over(&self, limit: u64) -> Option<String> {
        let (n, detail) = match *self {
            GroupSize::Body(n) => (
                n as u64,
                format!(
                    "{n} members is more than the {limit} Atlassian syncs per group (limits.users_per_group); the rest are not synced"
                ),
            ),
            GroupSize::AfterPatch(n) => (
                n as u64,
                format!(
                    "the group has {n} members after this PATCH: more than the {limit} Atlassian syncs per group (limits.users_per_group); the rest are not synced"
                ),
            ),
            GroupSize::Batch { id, size } => (
                size,
                format!(
                    "group {id} reaches at least {size} members in this batch: above limits.users_per_group ({limit}), the extra users are not synced"
                ),
            ),
        };
        (n > limit).then_some(detail)
    }
}

/// The user rules that need the whole user body, held against `current` (when given) and the
/// accounts Atlassian holds: ATL-U-008, ATL-U-009, ATL-U-018, ATL-U-019, ATL-U-020.
pub(super) fn body_user_rules(w: &mut Walker<'_, '_>, operation: Operation, current: Option<&Value>) {
    let profile = w.profile;
    let root = Loc::ROOT;
    let user_name = w.top.user_name.clone();
    let email = w.top.primary_email.clone();
    let same_as_current = |key: &str, value: &str| -> bool {
        current.is_some_and(|c| match key {
            "userName" => string_of(c, "userName").is_some_and(|u| u.eq_ignore_ascii_case(value)),
            _ => primary_email_of(c).is_some_and(|e| profile::email_key(e) == profile::email_key(value)),
        })
    };
    // A PUT without `current` cannot tell the user's own userName or email (which the known
    // lists hold too) from a change to another account's: a warning there, a 409 only when
    // `current` shows a change.
    let unsure = operation == Operation::Replace && current.is_none();
    let clash = |detail: String| {
        if unsure {
            let detail = format!(
                "{detail} — unless it is this user's own (pass current to tell a change from the user's own value)"
            );
            (Severity::Warning, detail)
        } else {
            (Severity::Error, detail)
        }
    };
    if let Some(u) = user_name.as_deref()
        && !profile.known_user_names.is_empty()
        && profile.known_user_names.find(&u.to_lowercase()).is_some()
        && !same_as_current("userName", u)
    {
        let (severity, detail) = clash(format!(
            "the userName {u:?} already belongs to an account Atlassian holds (known_user_names): Atlassian answers 409"
        ));
        w.issues.push(issue(severity, &rules::ATL_U_008, &root.key("userName", "userName"), detail));
    }
    if let (Some(now), Some(sent)) = (current.and_then(|c| string_of(c, "externalId")), w.top.external_id.as_deref())
        && now != sent
    {
        let detail = external_id_change(now, sent);
        w.issues.push(issue(Severity::Warning, &rules::ATL_U_009, &root.key("externalId", "externalId"), detail));
    }
    let emails_loc = root.key("emails", "emails");
    let unmanaged =
        current.filter(|_| operation == Operation::Replace).and_then(|c| super::unmanaged::update_detail(profile, c));
    if let Some(detail) = &unmanaged {
        w.issues.push(issue(Severity::Warning, &rules::ATL_U_018, &root, detail.clone()));
    }
    if let Some(e) = email.as_deref() {
        if !profile.known_emails.is_empty()
            && profile.known_emails.find(&profile::email_key(e)).is_some()
            && !same_as_current("emails", e)
        {
            let (severity, detail) = clash(format!(
                "Resource [USER]: with email[{e}] already exists. (the email belongs to another account; known_emails)"
            ));
            w.issues.push(issue(severity, &rules::ATL_U_008, &emails_loc, detail));
        }
        let domains = profile.verified_domains();
        if !domains.is_empty() && profile::verified(domains, e) == Some(false) {
            let was_verified =
                current.and_then(primary_email_of).and_then(|c| profile::verified(domains, c)) == Some(true);
            if was_verified {
                let detail = format!(
                    "the primary email moves from the verified domain of {:?} to {e:?}, whose domain is not verified: Atlassian unlinks the account and drops its SCIM group memberships",
                    current.and_then(primary_email_of).unwrap_or_default()
                );
                w.issues.push(issue(Severity::Warning, &rules::ATL_U_019, &emails_loc, detail));
            } else if profile.require_verified_domain {
                let detail = format!(
                    "{e:?} is not on a verified domain; with require_verified_domain (Atlassian's older rule) the create is refused"
                );
                w.issues.push(issue(Severity::Error, &rules::ATL_U_018, &emails_loc, detail));
            } else if unmanaged.is_none() {
                let detail = format!(
                    "{e:?} is not on a verified domain: the user is created as an external user, and later attribute changes are not applied"
                );
                w.issues.push(issue(Severity::Warning, &rules::ATL_U_018, &emails_loc, detail));
            }
        }
    }
    if let Some(display) = w.top.display_name.as_deref()
        && let Some(detail) = names_overwritten(display, w.top.given_name.as_deref(), w.top.family_name.as_deref())
    {
        w.issues.push(issue(Severity::Warning, &rules::ATL_U_020, &root.key("displayName", "displayName"), detail));
    }
}

/// ATL-U-009's detail for an externalId that changes from `now` to `sent`.
fn external_id_change(now: &str, sent: &str) -> String {
    let how = if now.to_lowercase() == sent.to_lowercase() { " (only in case, which counts)" } else { "" };
    format!(
        "externalId changes from {now:?} to {sent:?}{how}: Atlassian keeps externalId byte-exact, so the user is linked to another identity-provider record"
    )
}

/// Appends `text` quoted as `{:?}` quotes it; printable ASCII without `"` or `\\`, as names nearly
/// always are, needs no escaping.
fn push_quoted(out: &mut String, text: &str) {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        let _ = write!(out, "{text:?}");
    }
}

/// ATL-U-020: what Atlassian makes of names that disagree with the display name, when they do.
fn names_overwritten(display: &str, given: Option<&str>, family: Option<&str>) -> Option<String> {
    let (new_given, new_family) = crate::normalize::name::overwritten_names(display, given, family)?;
    // Pieces pushed into one string sized for them: `format!` cost more than the rule itself on
    // every user whose display name disagrees (it grows its string and formats piece by piece).
    let (given, family) = (given.unwrap_or_default(), family.unwrap_or_default());
    let quoted = [display, &new_given, &new_family, given, family];
    let mut detail = String::with_capacity(140 + quoted.iter().map(|s| s.len() + 2).sum::<usize>());
    let pieces = [
        "Atlassian overwrites the first and last name with the display name ",
        ": they become ",
        " and ",
        ", not ",
        " and ",
    ];
    for (piece, text) in pieces.iter().zip(quoted) {
        detail.push_str(piece);
        push_quoted(&mut detail, text);
    }
    Some(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_quoted_is_debug() {
        for s in ["", "Babs Jensen", "a\"b", "a\\b", "tab\there", "new\nline", "ü", "\u{301}e", "~ !", "\u{7f}", "\0"]
        {
            let mut out = String::new();
            push_quoted(&mut out, s);
            assert_eq!(out, format!("{s:?}"), "{s:?}");
        }
    }

    #[test]
    fn names_overwritten_says_what_atlassian_holds() {
        let detail = names_overwritten("Babs Jensen", Some("Barbara"), None);
        assert_eq!(
            detail.as_deref(),
            Some(
                "Atlassian overwrites the first and last name with the display name \"Babs Jensen\": they become \"Babs\" and \"Jensen\", not \"Barbara\" and \"\""
            )
        );
        assert_eq!(names_overwritten("Babs Jensen", Some("Babs"), Some("Jensen")), None);
    }
}
