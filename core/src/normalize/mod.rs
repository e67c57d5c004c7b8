//! The normalizers: values in the form Atlassian stores them. The schema-driven walk uses them
//! for its lenient fixes, the mappings for their transforms; [`crate::mapping`] re-exports them as
//! its public API (`atlscim_core::mapping::normalize_timezone`, `atlscim_core::mapping::name`, …).
//!
//! - [`timezone`]: IANA names in any case, legacy links and Windows ids to canonical IANA names.
//! - [`locale`]: BCP 47 tags, Accept-Language lists, Atlassian's product languages.
//! - [`name`]: Atlassian's rule that the display name overwrites first and last name.
//! - [`email`]: syntax, and the domain in lower-case ASCII for verified-domain matching.

pub(crate) mod email;
pub mod locale;
pub mod name;
pub mod timezone;
