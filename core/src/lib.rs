//! atlscim checks and shapes SCIM 2.0 requests before an identity-provider connector sends them
//! to Atlassian Cloud's user provisioning API.
//!
//! The model: a [`Profile`] is an immutable rule set built once from a config (the `atlassian`
//! profile is RFC 7643/7644 plus Atlassian's documented behaviour; `rfc` is the standard alone).
//! A [`Request`] is what the connector is about to send. [`Profile::check`] walks the request
//! once against the profile's schemas and returns a [`Report`]: whether Atlassian would accept
//! it, the HTTP status and `scimType` it would answer otherwise, every [`Issue`] located by SCIM
//! path and JSON pointer with a stable rule id from the registry ([`rules`]), and the body as it
//! should be sent after lenient fixes.
//!
//! ```
//! use atlscim_core::{Profile, Request};
//!
//! let profile = Profile::atlassian();
//! let body = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
//!                 "userName":"bjensen@example.com",
//!                 "emails":[{"value":"bjensen@example.com","type":"work"}]}"#;
//! let report = profile.check(&Request::json("POST", "/Users", body));
//! assert!(!report.valid());
//! assert_eq!(report.status(), Some(400));
//! assert_eq!(report.issues()[0].rule().id(), "ATL-U-003"); // no primary email
//! ```
//!
//! Bindings (Python, C, Go) and the `atlscim` CLI wrap this crate and hold no SCIM logic of their
//! own.

#![warn(clippy::too_many_lines)]

pub mod batch;
pub mod credential;
mod dates;
pub mod directory;
pub mod email;
pub mod filter;
pub mod mapping;
pub mod patch;
pub mod path;
pub mod profile;
pub mod report;
pub mod request;
pub mod response;
pub mod rules;
pub mod schema;
pub mod sync;
pub mod syntax;

mod check;
mod normalize;
mod suggest;
mod walk;

pub use batch::{Batch, BatchSummary, Pending};
pub use credential::{KeyExpiry, KeyState, key_expiry};
pub use dates::is_xsd_datetime;
pub use directory::Directory;
pub use mapping::{Mapping, MappingError};
pub use profile::{ConfigError, DeleteSemantics, Limits, Profile, ProfileKind, VerifiedDomain};
pub use report::{Issue, Report};
pub use request::{Body, Endpoint, Method, Request};
pub use response::{Response, ResponseKind, classify_response};
pub use rules::{RULES, Rule, Severity};
pub use syntax::JsonSyntaxError;

// The README's Rust example runs as a doctest, so it cannot go stale (ffi/tests/repository.rs
// holds the repository README's copy of it to this one).
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The library version (from Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
