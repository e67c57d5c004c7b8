//! Attribute mapping: identity-provider records to Atlassian-ready SCIM Users and Groups.
//!
//! Connectors start from an identity provider's record (a Microsoft Graph user, an Okta user, a
//! row of an HR export), not from SCIM. A [`Mapping`] says which SCIM attribute comes from which
//! source attribute and through which transforms; [`Profile::map_user`](crate::Profile::map_user)
//! runs it on one record and returns the SCIM User with a [`Report`](crate::Report): the mapping's
//! own findings, then the profile's check of the user as Atlassian would receive it. Built-in
//! mappings cover Entra ID, Okta and SCIM-named records ([`Mapping::preset`]); custom mappings are
//! JSON ([`Mapping::from_json`], format in [`spec`]'s documentation).
//! [`Profile::map_group`](crate::Profile::map_group) does the same for groups, flattening nested
//! membership, which Atlassian does not have.
//!
//! The normalizers the mappings use are public on their own, for connectors that build SCIM
//! themselves:
//!
//! - [`normalize_timezone`]: IANA names in any case, legacy links and Windows ids to canonical
//!   IANA names (ICU4X's CLDR data); abbreviations and offsets refused with a suggestion.
//! - [`normalize_locale`], [`parse_accept_language`], [`nearest_atlassian_language`]: BCP 47 tags
//!   in canonical form, Accept-Language lists with per-item errors, and Atlassian's 26 product
//!   languages.
//! - [`normalize_email`]: syntax, and the domain in lower-case ASCII for verified-domain matching.
//! - [`split_display_name`], [`join_display_name`], [`reconcile_name`]: Atlassian's rule that the
//!   display name overwrites first and last name ([`name`] explains the rule and why every part of
//!   atlscim must share it).

mod group;
mod presets;
pub mod spec;
mod target;
mod user;
mod value_map;

use serde_json::Value;

use crate::report::{Issue, Severity};
use crate::rules;
use crate::syntax::json_kind;

pub use crate::normalize::email::{NormalizedEmail, normalize_email};
pub use crate::normalize::{locale, name, timezone};
pub use locale::{
    ATLASSIAN_LANGUAGES, AcceptLanguage, AcceptLanguageError, AcceptLanguageErrorKind, LanguageRange, LanguageTag,
    LocaleError, nearest_atlassian_language, normalize_locale, parse_accept_language,
};
pub use name::{
    NameOutcome, NameParts, ReconciledName, display_name_agrees, join_display_name, names_settled, reconcile_name,
    settle_names, split_display_name,
};
pub use presets::{PRESETS, Preset};
pub use spec::{Mapping, MappingError, Transform};
pub use timezone::{
    Timezone, TimezoneError, TimezoneKind, is_on_atlassian_list, normalize_timezone, windows_timezone_ids,
};

/// MAP-001 for a record that is not one JSON object (`what`: "one user", "one group"): there is
/// nothing to map, and the check of what was built then says what is missing.
pub(crate) fn not_a_record(what: &str, record: &Value) -> Issue {
    let detail = format!("the record must be a JSON object ({what}), got {}", json_kind(record));
    required_missing(String::new(), String::new(), detail)
}

/// MAP-001 for a value the mapping requires and the record does not give, at `path`.
pub(crate) fn required_missing(path: String, pointer: String, detail: String) -> Issue {
    Issue::new(Severity::Error, &rules::MAP_001, &path, &pointer, &detail)
}
