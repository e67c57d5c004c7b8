//! Profiles: a compiled, immutable rule set built from a config.
//!
//! A [`Profile`] is built once and shared freely between threads. `atlassian` (the default) is
//! RFC 7643/7644 plus Atlassian's documented behaviour and schemas; `rfc` is the standard alone.
//! The config is the same JSON in every binding (DESIGN.md "Config"); an unknown key or a value of
//! the wrong type is an error naming the key, never silently ignored.

pub mod config;

use std::fmt;

use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::email;
use crate::schema::{ATLASSIAN, RFC, SchemaSet};
use crate::syntax::json_kind;

/// Which rule set a profile applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    /// RFC 7643/7644 plus Atlassian Cloud's rules and schemas.
    Atlassian,
    /// RFC 7643/7644 alone.
    Rfc,
}

impl ProfileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Atlassian => "atlassian",
            ProfileKind::Rfc => "rfc",
        }
    }
}

/// A domain whose accounts the organization manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDomain {
    /// ASCII lower-case form (punycode for IDN domains).
    pub domain: String,
    /// Whether subdomains count as verified too.
    pub subdomains: bool,
}

impl VerifiedDomain {
    /// Whether an ASCII lower-case domain is this one (or, if allowed, a subdomain of it). Matches
    /// on a label boundary only, so `evilexample.com` never matches `example.com`.
    pub fn matches(&self, domain: &str) -> bool {
        domain == self.domain
            || (self.subdomains
                && domain.len() > self.domain.len()
                && domain.ends_with(&self.domain)
                && domain.as_bytes()[domain.len() - self.domain.len() - 1] == b'.')
    }
}

/// Explicit limits on input size and on Atlassian's documented capacities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest body accepted, in bytes (default 16 MiB).
    pub max_body_bytes: usize,
    /// Deepest JSON nesting accepted (default 32, at most [`MAX_DEPTH_CEILING`]).
    pub max_depth: usize,
    /// Longest string value accepted, in bytes (default 64 KiB).
    pub max_string_bytes: usize,
    /// Users one Atlassian directory syncs (default 150,000).
    pub users_per_directory: u64,
    /// Users one Atlassian group syncs (default 35,000).
    pub users_per_group: u64,
    /// Longest filter accepted, in characters (default 4096).
    pub max_filter_length: usize,
    /// Deepest nesting of parentheses, `not` and value filters in a filter (default 32, at most
    /// [`crate::filter::MAX_FILTER_DEPTH_CEILING`]).
    pub max_filter_depth: usize,
    /// Most attribute expressions in one filter (default 256).
    pub max_filter_terms: usize,
    /// Most operations in one PATCH (default 1,000).
    pub max_operations: usize,
    /// Most values one PATCH adds or removes in a multi-valued attribute such as members
    /// (default 10,000).
    pub max_patch_values: usize,
    /// Longest wait a classified response advises, in seconds (default 86,400: one day; at most
    /// [`MAX_RETRY_AFTER_CEILING`]); a longer `Retry-After` is clamped to it, and marked so.
    pub max_retry_after: u64,
    /// Most issues one report lists (default 1,000, at most 100,000); one more issue
    /// (RFC-J-006) says how many were left out, and [`crate::Report::omitted`] counts them.
    pub max_issues: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 16 * 1024 * 1024,
            max_depth: 32,
            max_string_bytes: 64 * 1024,
            users_per_directory: 150_000,
            users_per_group: 35_000,
            max_filter_length: 4096,
            max_filter_depth: 32,
            max_filter_terms: 256,
            max_operations: 1000,
            max_patch_values: 10_000,
            max_retry_after: 86_400,
            max_issues: 1000,
        }
    }
}

/// The deepest JSON nesting `limits.max_depth` may allow. serde_json stops at 128 levels of its
/// own (counting the envelope or message a body sits in, and with a message of its own), so the
/// ceiling leaves room for the body's own limit to fire first, located, with RFC-J-003; and a
/// body this deep is walked, checked, patched and serialized within a 1 MiB stack.
pub const MAX_DEPTH_CEILING: usize = 100;

/// The longest `limits.max_retry_after` (365 days): a wait every binding's clock type holds
/// (Go's `time.Duration` reaches 292 years).
pub const MAX_RETRY_AFTER_CEILING: u64 = 365 * 86_400;

/// The most `limits.max_issues` may be: a report's memory stays a fixed size (about 200 bytes an
/// issue) however the limit is set.
pub const MAX_ISSUES_CEILING: usize = 100_000;

/// A config that could not be used, naming the offending key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub(crate) key: String,
    pub(crate) message: String,
}

impl ConfigError {
    /// An error at `key` (dotted, empty for the whole config): for a binding that finds a config
    /// value unusable before the core reads it (a Python value that is not JSON).
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError { key: key.into(), message: message.into() }
    }

    /// Dotted key, e.g. `limits.max_depth` or `verified_domains[1]`; empty for the whole config.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// What is wrong with the key's value, readable.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "config: {}", self.message)
        } else {
            write!(f, "config key `{}`: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

fn err<T>(key: impl Into<String>, message: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError { key: key.into(), message: message.into() })
}

/// Names from the config that every check looks up (known userNames, emails and groups, reserved
/// groups): kept as the config lists them, and indexed once when the profile is built, so that a
/// check looks a name up instead of scanning a list of up to 150,000.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameSet {
    listed: Vec<String>,
    /// Each entry's comparison key → the entry's position in `listed` (the first, if repeated).
    /// The keys come from the operator's own config, so HashDoS is not a concern.
    index: FxHashMap<String, usize>,
}

impl NameSet {
    /// `key` gives the form names are compared in (lower case, trimmed, …).
    pub(crate) fn new(listed: Vec<String>, key: impl Fn(&str) -> String) -> NameSet {
        let mut index = FxHashMap::default();
        index.reserve(listed.len());
        for (i, name) in listed.iter().enumerate() {
            index.entry(key(name)).or_insert(i);
        }
        NameSet { listed, index }
    }

    /// The entry whose comparison key is `key`, if any.
    pub(crate) fn find(&self, key: &str) -> Option<&str> {
        self.index.get(key).map(|&i| self.listed[i].as_str())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }
}

/// How group names compare: trimmed, ASCII letters in lower case (Atlassian's group names are
/// compared ignoring case).
pub(crate) fn group_key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// An immutable, thread-safe rule set.
#[derive(Debug, Clone)]
pub struct Profile {
    pub(crate) kind: ProfileKind,
    pub(crate) verified_domains: Vec<VerifiedDomain>,
    pub(crate) known_groups: NameSet,
    pub(crate) reserved_groups: NameSet,
    pub(crate) limits: Limits,
    pub(crate) lenient: bool,
    /// userNames and emails Atlassian already has (lower case), to predict 409s.
    pub(crate) known_user_names: NameSet,
    pub(crate) known_emails: NameSet,
    /// The older rule: users must have an email on a verified domain (a 400 otherwise).
    pub(crate) require_verified_domain: bool,
    /// What DELETE /Users does: the current unlink-and-delete, or the older deactivate.
    pub(crate) delete_semantics: DeleteSemantics,
    /// Users the directory holds before a batch (for limits.users_per_directory).
    pub(crate) directory_user_count: u64,
    /// What a request path given as a full URL must start with (ATL-A-001); `{id}` stands for
    /// the directory id.
    pub(crate) base_url: String,
    /// This directory's id: a full URL naming another is an error (ATL-A-001).
    pub(crate) directory_id: Option<String>,
    /// When the directory's SCIM API key expires: the config's text and its Unix seconds.
    pub(crate) key_expires: Option<(String, i64)>,
    /// How many days before `key_expires` [`Profile::key_expiry`] says it expires soon.
    pub(crate) key_expiry_warning_days: u32,
}

/// Atlassian's SCIM base URL (reference/atlassian-scim.md §1.1).
pub const DEFAULT_BASE_URL: &str = "https://api.atlassian.com/scim/directory/{id}";

/// What Atlassian does on DELETE /Users/{id}: its documentation changed (reference §10.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteSemantics {
    /// Current: unlink from the identity provider, deactivate the managed account, delete the
    /// SCIM record (irreversible).
    Unlink,
    /// Older: deactivate, as `active: false` does; reactivatable.
    Deactivate,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::atlassian()
    }
}

impl Profile {
    /// The Atlassian profile with default settings (lenient, no verified domains).
    pub fn atlassian() -> Profile {
        Profile {
            kind: ProfileKind::Atlassian,
            verified_domains: Vec::new(),
            known_groups: NameSet::default(),
            reserved_groups: NameSet::default(),
            limits: Limits::default(),
            lenient: true,
            known_user_names: NameSet::default(),
            known_emails: NameSet::default(),
            require_verified_domain: false,
            delete_semantics: DeleteSemantics::Unlink,
            directory_user_count: 0,
            base_url: DEFAULT_BASE_URL.to_string(),
            directory_id: None,
            key_expires: None,
            key_expiry_warning_days: 30,
        }
    }

    /// RFC 7643/7644 alone, lenient.
    pub fn rfc() -> Profile {
        Profile { kind: ProfileKind::Rfc, ..Profile::atlassian() }
    }

    /// Builds a profile from config JSON text.
    pub fn from_config_json(text: &str) -> Result<Profile, ConfigError> {
        let value: Value = serde_json::from_str(text).or_else(|e| {
            err("", format!("not valid JSON: {}", crate::syntax::JsonSyntaxError::new(&e, text.as_bytes())))
        })?;
        Profile::from_config(&value)
    }

    /// Builds a profile from a config value (DESIGN.md "Config"; the keys: [`config::CONFIG_KEYS`]).
    pub fn from_config(config: &Value) -> Result<Profile, ConfigError> {
        config::from_config(config)
    }

    /// Adds a verified domain (exact match). Fails when the domain is not a valid host name.
    pub fn with_verified_domain(mut self, domain: &str, subdomains: bool) -> Result<Profile, ConfigError> {
        let key = format!("verified_domains[{}]", self.verified_domains.len());
        self.verified_domains.push(verified_domain(&key, domain, subdomains)?);
        Ok(self)
    }

    /// Where the directory's SCIM API key stands at `now` (Unix seconds), from the config's
    /// `key_expires` and `key_expiry_warning_days`; `None` when no expiry date is configured.
    ///
    /// [`Profile::check`] does not warn about the key: a check is a function of the request and
    /// the config alone (the core reads no clock, and a request carries no time), so the same
    /// request always gets the same report. A connector calls this once per run, or before a
    /// batch, with its own clock.
    pub fn key_expiry(&self, now: i64) -> Option<crate::KeyExpiry> {
        self.key_expires.as_ref().map(|(_, at)| crate::key_expiry(*at, now, self.key_expiry_warning_days))
    }

    pub fn kind(&self) -> ProfileKind {
        self.kind
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn lenient(&self) -> bool {
        self.lenient
    }

    /// The same profile with lenient mode set.
    pub fn with_lenient(mut self, lenient: bool) -> Profile {
        self.lenient = lenient;
        self
    }

    /// The filter limits of this profile's config (and its lenient mode).
    pub fn filter_limits(&self) -> crate::filter::FilterLimits {
        let l = &self.limits;
        crate::filter::FilterLimits {
            max_length: l.max_filter_length,
            max_depth: l.max_filter_depth,
            max_terms: l.max_filter_terms,
            lenient: self.lenient,
        }
    }

    /// The verified domains linked to this directory (config `verified_domains`). With several
    /// identity-provider directories only the directory linked to a user's email domain may
    /// update that user, so these are the domains of this directory, not every domain of the
    /// organization. Empty turns ATL-U-018 and ATL-U-019 off: without them no domain can be
    /// judged.
    pub fn verified_domains(&self) -> &[VerifiedDomain] {
        &self.verified_domains
    }

    pub fn known_groups(&self) -> &[String] {
        &self.known_groups.listed
    }

    pub fn reserved_groups(&self) -> &[String] {
        &self.reserved_groups.listed
    }

    pub fn delete_semantics(&self) -> DeleteSemantics {
        self.delete_semantics
    }

    /// The schemas this profile checks against.
    pub fn schemas(&self) -> &'static SchemaSet {
        match self.kind {
            ProfileKind::Atlassian => &ATLASSIAN,
            ProfileKind::Rfc => &RFC,
        }
    }

    /// Which Atlassian rules refine which RFC rules under this profile: the registry's
    /// [`rules::REFINEMENTS`](crate::rules::REFINEMENTS) for Atlassian's, none for the rfc profile.
    pub(crate) fn refinements(&self) -> &'static [crate::rules::Refinement] {
        match self.kind {
            ProfileKind::Atlassian => crate::rules::REFINEMENTS,
            ProfileKind::Rfc => &[],
        }
    }

    pub(crate) fn is_atlassian(&self) -> bool {
        self.kind == ProfileKind::Atlassian
    }

    /// The config this profile was built from, in canonical form (every key of
    /// [`config::CONFIG_KEYS`], defaults filled in).
    pub fn to_config(&self) -> Value {
        config::to_config(self)
    }
}

/// The comparison form of an email address: the domain in ASCII lower case, the local part lower
/// case too (Atlassian treats addresses case-insensitively).
pub(crate) fn email_key(address: &str) -> String {
    let trimmed = address.trim();
    // ASCII addresses (nearly all) need no IDNA mapping: lower case is their comparison form.
    if trimmed.is_ascii() {
        return trimmed.to_ascii_lowercase();
    }
    match email::parse(trimmed) {
        Ok(e) => format!("{}@{}", e.local.to_lowercase(), e.domain),
        Err(_) => address.trim().to_lowercase(),
    }
}

/// Whether an address's domain is one of the verified domains (`None` when it has no domain).
pub(crate) fn verified(domains: &[VerifiedDomain], address: &str) -> Option<bool> {
    let domain = address.trim().rsplit_once('@').map(|(_, d)| d)?;
    let ascii = email::domain_ascii(domain).ok()?;
    Some(domains.iter().any(|d| d.matches(&ascii)))
}

fn strings(key: &str, value: &Value) -> Result<Vec<String>, ConfigError> {
    let Value::Array(items) = value else {
        return err(key, format!("must be an array of strings, got {}", json_kind(value)));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            _ => err(format!("{key}[{i}]"), format!("must be a string, got {}", json_kind(v))),
        })
        .collect()
}

fn verified_domain(key: &str, domain: &str, subdomains: bool) -> Result<VerifiedDomain, ConfigError> {
    let ascii = email::domain_ascii(domain.trim()).or_else(|e| err(key, e.to_string()))?;
    Ok(VerifiedDomain { domain: ascii.into_owned(), subdomains })
}

fn verified_domains(value: &Value) -> Result<Vec<VerifiedDomain>, ConfigError> {
    let key = "verified_domains";
    let Value::Array(items) = value else {
        return err(key, format!("must be an array, got {}", json_kind(value)));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let k = format!("{key}[{i}]");
        out.push(match item {
            Value::String(d) => verified_domain(&k, d, false)?,
            Value::Object(m) => {
                let mut domain = None;
                let mut subdomains = false;
                for (field, v) in m {
                    match field.as_str() {
                        "domain" => {
                            domain =
                                Some(v.as_str().map_or_else(|| err(format!("{k}.domain"), "must be a string"), Ok)?)
                        }
                        "subdomains" => {
                            subdomains =
                                v.as_bool().map_or_else(|| err(format!("{k}.subdomains"), "must be a boolean"), Ok)?
                        }
                        _ => {
                            return err(format!("{k}.{field}"), "unknown key; expected domain or subdomains");
                        }
                    }
                }
                let Some(domain) = domain else {
                    return err(format!("{k}.domain"), "is required");
                };
                verified_domain(&k, domain, subdomains)?
            }
            other => {
                return err(
                    k,
                    format!("must be a domain string or {{\"domain\", \"subdomains\"}}, got {}", json_kind(other)),
                );
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_from_the_design_example() {
        let p = Profile::from_config(&json!({
            "profile": "atlassian",
            "verified_domains": ["Example.com", {"domain": "corp.example.org", "subdomains": true}],
            "known_groups": ["jira-users-acme"], "reserved_groups": [],
            "limits": {"users_per_directory": 150000, "users_per_group": 35000}, "lenient": true
        }))
        .expect("valid config");
        assert_eq!(p.verified_domains()[0].domain, "example.com");
        assert!(p.verified_domains()[1].matches("eu.corp.example.org"));
        assert!(!p.verified_domains()[1].matches("evilcorp.example.org"));
        assert_eq!(Profile::from_config(&p.to_config()).map(|q| q.to_config()), Ok(p.to_config()));
    }

    #[test]
    fn key_expiry_from_the_config() {
        use crate::KeyState;
        let day = 86_400;
        let may_first_2027 = 1_809_129_600; // 2027-05-01T00:00:00Z
        let p = Profile::from_config(&serde_json::json!({"key_expires": "2027-05-01"})).expect("config");
        assert_eq!(p.key_expiry(may_first_2027 - 31 * day).map(|k| k.state), Some(KeyState::Valid));
        assert_eq!(
            p.key_expiry(may_first_2027 - 30 * day).map(|k| (k.state, k.days_left)),
            Some((KeyState::ExpiresSoon, 30))
        );
        assert_eq!(p.key_expiry(may_first_2027).map(|k| k.state), Some(KeyState::Expired));
        assert_eq!(p.to_config()["key_expires"], "2027-05-01");
        let p = Profile::from_config(
            &serde_json::json!({"key_expires": "2027-05-01T12:00:00+02:00", "key_expiry_warning_days": 7}),
        )
        .expect("config");
        let at = may_first_2027 + 10 * 3600;
        assert_eq!(p.key_expiry(at - 8 * day).map(|k| k.state), Some(KeyState::Valid));
        assert_eq!(p.key_expiry(at - 7 * day).map(|k| k.state), Some(KeyState::ExpiresSoon));
        assert_eq!(Profile::atlassian().key_expiry(0), None);
        for bad in [
            serde_json::json!({"key_expires": "next May"}),
            serde_json::json!({"key_expires": "2027-05"}),
            serde_json::json!({"key_expiry_warning_days": 4000}),
            serde_json::json!({"key_expires": 5}),
        ] {
            let e = Profile::from_config(&bad).expect_err("bad key expiry");
            assert!(e.key.starts_with("key_expir"), "{e}");
        }
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (json!({"verified_domain": []}), "verified_domain"),
            (json!({"lenient": "yes"}), "lenient"),
            (json!({"limits": {"max_depth": "10"}}), "limits.max_depth"),
            (json!({"limits": {"max_depth": 1000}}), "limits.max_depth"),
            (json!({"limits": {"max_depth": 101}}), "limits.max_depth"),
            (json!({"limits": {"max_filter_depth": 65}}), "limits.max_filter_depth"),
            (json!({"limits": {"depth": 10}}), "limits.depth"),
            (json!({"limits": {"max_issues": 0}}), "limits.max_issues"),
            (json!({"limits": {"max_issues": 100_001}}), "limits.max_issues"),
            (json!({"verified_domains": ["ok.com", 5]}), "verified_domains[1]"),
            (json!({"verified_domains": [{"domain": "a.com", "sub": true}]}), "verified_domains[0].sub"),
            (json!({"verified_domains": ["not a domain"]}), "verified_domains[0]"),
            (json!({"profile": "okta"}), "profile"),
            (json!([]), ""),
        ];
        for (config, key) in cases {
            let e = Profile::from_config(&config).expect_err("invalid config");
            assert_eq!(e.key, key, "{config}: {e}");
        }
    }
}
