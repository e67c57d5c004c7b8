//! Updates to accounts the organization does not manage (ATL-U-018 with `current`).
//!
//! A user whose primary email is outside the verified domains linked to this directory is an
//! external (unmanaged) account: Atlassian created it, but a newer support article says any SCIM
//! attribute update to it is not applied and removes its SCIM group memberships, not only an email
//! change (reference/atlassian-scim.md §13). With `current` at hand, a PUT or PATCH to such a user
//! is a warning; without verified domains configured the rule is off, as ATL-U-018 is.

use serde_json::Value;

use super::primary_email_of;
use crate::profile::{self, Profile};

/// ATL-U-018's detail for an update to `current`, when `current` is an unmanaged account.
pub(crate) fn update_detail(profile: &Profile, current: &Value) -> Option<String> {
    let domains = profile.verified_domains();
    if domains.is_empty() {
        return None;
    }
    let email = primary_email_of(current)?;
    (profile::verified(domains, email) == Some(false)).then(|| {
        format!(
            "the user's primary email {email:?} is outside the verified domains linked to this directory (verified_domains): Atlassian does not manage the account, will not apply this update, and may drop its SCIM group memberships"
        )
    })
}
