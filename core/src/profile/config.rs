//! The config as a table: every key a profile's config takes, each written once.
//!
//! [`CONFIG_KEYS`] and [`LIMIT_KEYS`] are the only place a key is spelled. Parsing
//! ([`Profile::from_config`]), the unknown-key error, [`Profile::to_config`] and the README's
//! "Config" section ([`markdown`], checked for staleness by core/tests/docs.rs) all read them, so
//! adding a key is one entry here (plus the [`Profile`] field it sets and that field's default in
//! [`Profile::atlassian`], which the docs show as the key's default).

use serde_json::{Map, Value};

use crate::syntax::json_kind;

use super::{
    ConfigError, DeleteSemantics, Limits, MAX_DEPTH_CEILING, MAX_ISSUES_CEILING, MAX_RETRY_AFTER_CEILING, NameSet,
    Profile, ProfileKind, email_key, err, group_key, strings, verified_domains,
};

/// One top-level config key.
#[derive(Debug, Clone, Copy)]
pub struct ConfigKey {
    /// The key as written in the config JSON.
    pub name: &'static str,
    /// The values it takes, as the docs show them.
    pub ty: &'static str,
    /// What it means (Markdown, one paragraph).
    pub doc: &'static str,
    /// Sets the key's field from its value; the error names the key.
    read: fn(&mut Profile, &str, &Value) -> Result<(), ConfigError>,
    /// The key's value in canonical form.
    write: fn(&Profile) -> Value,
}

impl ConfigKey {
    /// The key's value when the config leaves it out.
    pub fn default_value(&self) -> Value {
        (self.write)(&Profile::atlassian())
    }
}

/// Every top-level key, in the order errors and docs list them.
pub const CONFIG_KEYS: &[ConfigKey] = &[
    ConfigKey {
        name: "profile",
        ty: "`\"atlassian\"` or `\"rfc\"`",
        doc: "`\"atlassian\"` (RFC + Atlassian's rules and schemas) or `\"rfc\"` (the standard alone)",
        read: |p, key, value| {
            p.kind = match value.as_str() {
                Some("atlassian") => ProfileKind::Atlassian,
                Some("rfc") => ProfileKind::Rfc,
                _ => return err(key, format!("must be \"atlassian\" or \"rfc\", got {value}")),
            };
            Ok(())
        },
        write: |p| p.kind.as_str().into(),
    },
    ConfigKey {
        name: "verified_domains",
        ty: "array of domains",
        doc: "the verified domains linked to this directory: `\"example.com\"` or `{\"domain\": \"corp.example.org\", \"subdomains\": true}`. With several identity-provider directories, only the directory linked to a user's email domain may update that user, so list the domains linked to the directory you check for, not every domain of the organization. Empty turns ATL-U-018 and ATL-U-019 off (`atlscim check` says so once)",
        read: |p, _, value| {
            p.verified_domains = verified_domains(value)?;
            Ok(())
        },
        write: |p| {
            p.verified_domains
                .iter()
                .map(|d| {
                    if d.subdomains {
                        serde_json::json!({"domain": d.domain, "subdomains": true})
                    } else {
                        Value::from(d.domain.clone())
                    }
                })
                .collect()
        },
    },
    ConfigKey {
        name: "known_groups",
        ty: "array of strings",
        doc: "group names that already exist in the organization",
        read: |p, key, value| {
            p.known_groups = NameSet::new(strings(key, value)?, group_key);
            Ok(())
        },
        write: |p| p.known_groups.listed.clone().into(),
    },
    ConfigKey {
        name: "reserved_groups",
        ty: "array of strings",
        doc: "extra group names to treat as reserved",
        read: |p, key, value| {
            p.reserved_groups = NameSet::new(strings(key, value)?, group_key);
            Ok(())
        },
        write: |p| p.reserved_groups.listed.clone().into(),
    },
    ConfigKey {
        name: "limits",
        ty: "object",
        doc: "limits on input size and Atlassian's documented capacities: the `limits.` keys below",
        read: |p, _, value| {
            p.limits = limits(value)?;
            Ok(())
        },
        write: |p| {
            let map: Map<String, Value> =
                LIMIT_KEYS.iter().map(|l| (l.name.to_string(), Value::from((l.get)(&p.limits)))).collect();
            Value::Object(map)
        },
    },
    ConfigKey {
        name: "lenient",
        ty: "boolean",
        doc: "fix what identity providers really send (string booleans, 2.1 URNs, capitalised PATCH ops, …) in `normalized`, reported as `info`; `false` makes those errors",
        read: |p, key, value| {
            p.lenient = boolean(key, value)?;
            Ok(())
        },
        write: |p| p.lenient.into(),
    },
    ConfigKey {
        name: "known_user_names",
        ty: "array of strings",
        doc: "userNames Atlassian already has, to predict its 409s",
        read: |p, key, value| {
            let names = strings(key, value)?.iter().map(|s| s.to_lowercase()).collect();
            p.known_user_names = NameSet::new(names, str::to_string);
            Ok(())
        },
        write: |p| p.known_user_names.listed.clone().into(),
    },
    ConfigKey {
        name: "known_emails",
        ty: "array of strings",
        doc: "emails Atlassian already has, to predict its 409s",
        read: |p, key, value| {
            let emails = strings(key, value)?.iter().map(|s| email_key(s)).collect();
            p.known_emails = NameSet::new(emails, str::to_string);
            Ok(())
        },
        write: |p| p.known_emails.listed.clone().into(),
    },
    ConfigKey {
        name: "require_verified_domain",
        ty: "boolean",
        doc: "Atlassian's older rule: refuse users whose primary email is outside `verified_domains` (the current behaviour creates them as external users, a warning)",
        read: |p, key, value| {
            p.require_verified_domain = boolean(key, value)?;
            Ok(())
        },
        write: |p| p.require_verified_domain.into(),
    },
    ConfigKey {
        name: "delete_semantics",
        ty: "`\"unlink\"` or `\"deactivate\"`",
        doc: "what DELETE /Users does: `\"unlink\"` (current documentation: unlink, deactivate, delete the SCIM record) or `\"deactivate\"` (older documentation)",
        read: |p, key, value| {
            p.delete_semantics = match value.as_str() {
                Some("unlink") => DeleteSemantics::Unlink,
                Some("deactivate") => DeleteSemantics::Deactivate,
                _ => {
                    return err(key, format!("must be \"unlink\" (current) or \"deactivate\" (older), got {value}"));
                }
            };
            Ok(())
        },
        write: |p| {
            match p.delete_semantics {
                DeleteSemantics::Unlink => "unlink",
                DeleteSemantics::Deactivate => "deactivate",
            }
            .into()
        },
    },
    ConfigKey {
        name: "directory_user_count",
        ty: "whole number",
        doc: "users the directory already holds, for the directory limit in batches",
        read: |p, key, value| {
            p.directory_user_count =
                value.as_u64().map_or_else(|| err(key, format!("must be a whole number, got {value}")), Ok)?;
            Ok(())
        },
        write: |p| p.directory_user_count.into(),
    },
    ConfigKey {
        name: "base_url",
        ty: "URL",
        doc: "what a request path given as a full URL must start with (ATL-A-001), `{id}` standing for the directory id: `http://127.0.0.1:8080/scim/directory/{id}` for a local endpoint or a proxy. A path without scheme and host is not compared with it",
        read: |p, key, value| {
            p.base_url = base_url(key, value)?;
            Ok(())
        },
        write: |p| p.base_url.clone().into(),
    },
    ConfigKey {
        name: "directory_id",
        ty: "string or null",
        doc: "this directory's id (the segment after `/scim/directory/` of the directory base URL): a full URL naming another directory is an error (ATL-A-001)",
        read: |p, key, value| {
            p.directory_id = match value {
                Value::Null => None,
                Value::String(s) if !s.trim().is_empty() && !s.contains(['/', '?', '#']) => Some(s.trim().to_string()),
                _ => return err(key, format!("must be a directory id (one path segment) or null, got {value}")),
            };
            Ok(())
        },
        write: |p| p.directory_id.clone().into(),
    },
    ConfigKey {
        name: "key_expires",
        ty: "date, dateTime or null",
        doc: "when the directory's SCIM API key expires (`2027-05-01`, midnight UTC, or an xsd:dateTime; Atlassian's keys expire a year after creation): `key_expiry(now)` in every binding says whether it is valid, expires soon (within `key_expiry_warning_days`) or expired. `check` does not warn: it reads no clock",
        read: |p, key, value| {
            p.key_expires = match value {
                Value::Null => None,
                Value::String(s) => {
                    let s = s.trim();
                    let at = crate::filter::eval::instant(s).filter(|_| s.len() >= 10).ok_or_else(|| ConfigError {
                        key: key.into(),
                        message: format!("must be a date (YYYY-MM-DD) or an xsd:dateTime, got {value}"),
                    })?;
                    Some((s.to_string(), at.0))
                }
                _ => return err(key, format!("must be a date (YYYY-MM-DD), an xsd:dateTime or null, got {value}")),
            };
            Ok(())
        },
        write: |p| p.key_expires.as_ref().map(|(text, _)| text.clone()).into(),
    },
    ConfigKey {
        name: "key_expiry_warning_days",
        ty: "whole number",
        doc: "how many days before `key_expires` the key counts as expiring soon (default 30, at most 3650)",
        read: |p, key, value| {
            p.key_expiry_warning_days = value
                .as_u64()
                .filter(|d| *d <= 3650)
                .and_then(|d| u32::try_from(d).ok())
                .map_or_else(|| err(key, format!("must be a whole number of days, at most 3650, got {value}")), Ok)?;
            Ok(())
        },
        write: |p| p.key_expiry_warning_days.into(),
    },
];

/// A `base_url`: `http(s)://host[/path]`, no query or fragment, at most one `{id}`; a trailing
/// `/` is dropped.
fn base_url(key: &str, value: &Value) -> Result<String, ConfigError> {
    let Some(s) = value.as_str() else {
        return err(key, format!("must be a URL string, got {value}"));
    };
    let s = s.trim().trim_end_matches('/');
    let host = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .map(|rest| rest.split('/').next().unwrap_or(""))
        .unwrap_or("");
    if host.is_empty() || s.contains(['?', '#']) || s.matches("{id}").count() > 1 || s.contains(char::is_whitespace) {
        return err(
            key,
            format!("must be an http or https URL with a host, no query, and at most one {{id}}, got {value}"),
        );
    }
    Ok(s.to_string())
}

/// One key of `limits`: a positive integer, at most its ceiling where it has one.
#[derive(Debug, Clone, Copy)]
pub struct LimitKey {
    /// The key inside `limits`.
    pub name: &'static str,
    /// What it bounds (Markdown, one paragraph).
    pub doc: &'static str,
    /// The largest value taken, and the words the error puts after it.
    ceiling: Option<(u64, &'static str)>,
    get: fn(&Limits) -> u64,
    set: fn(&mut Limits, u64),
}

impl LimitKey {
    /// The largest value the key takes, if it has a ceiling.
    pub fn ceiling(&self) -> Option<u64> {
        self.ceiling.map(|(c, _)| c)
    }

    /// The key's value when the config leaves it out.
    pub fn default_value(&self) -> u64 {
        (self.get)(&Limits::default())
    }
}

/// A limit's field type: `usize` for sizes (saturating on narrow targets), `u64` for counts.
trait LimitValue: Copy {
    fn from_limit(n: u64) -> Self;
    fn to_limit(self) -> u64;
}

impl LimitValue for usize {
    fn from_limit(n: u64) -> usize {
        usize::try_from(n).unwrap_or(usize::MAX)
    }
    fn to_limit(self) -> u64 {
        u64::try_from(self).unwrap_or(u64::MAX)
    }
}

impl LimitValue for u64 {
    fn from_limit(n: u64) -> u64 {
        n
    }
    fn to_limit(self) -> u64 {
        self
    }
}

/// A [`LimitKey`] for the [`Limits`] field of the same name.
macro_rules! limit {
    ($field:ident, $ceiling:expr, $doc:expr) => {
        LimitKey {
            name: stringify!($field),
            doc: $doc,
            ceiling: $ceiling,
            get: |l| LimitValue::to_limit(l.$field),
            set: |l, n| l.$field = LimitValue::from_limit(n),
        }
    };
}

/// Every key of `limits`, in the order errors and docs list them.
pub const LIMIT_KEYS: &[LimitKey] = &[
    limit!(
        max_body_bytes,
        None,
        "larger bodies are refused (RFC-J-004, 413); a body given as a dict or a parsed value is measured by its compact JSON size; a PATCH may write at most this much into a resource, a value copied into every value of a multi-valued attribute counted once per copy"
    ),
    limit!(
        max_depth,
        Some((MAX_DEPTH_CEILING as u64, " (the ceiling)")),
        "deeper JSON is refused (RFC-J-003), PATCH bodies too, located"
    ),
    limit!(
        max_string_bytes,
        None,
        "longer strings are refused (RFC-J-005): values anywhere in the body (read-only, unsupported and unknown attributes too) and member names"
    ),
    limit!(users_per_directory, None, "Atlassian's documented directory limit"),
    limit!(users_per_group, None, "Atlassian's documented group limit"),
    limit!(max_filter_length, None, "longer filters are refused (RFC-F-001)"),
    limit!(
        max_filter_depth,
        Some((crate::filter::MAX_FILTER_DEPTH_CEILING as u64, " (the ceiling)")),
        "filters nested deeper (parentheses, `not`, value filters) are refused (RFC-F-001)"
    ),
    limit!(max_filter_terms, None, "filters with more attribute expressions are refused (RFC-F-001)"),
    limit!(max_operations, None, "PATCH bodies with more operations are refused (RFC-P-006, 413)"),
    limit!(
        max_patch_values,
        None,
        "PATCH bodies adding or removing more values of a multi-valued attribute (such as members) are refused (RFC-P-006, 413)"
    ),
    limit!(
        max_retry_after,
        Some((MAX_RETRY_AFTER_CEILING, " seconds (the ceiling)")),
        "the longest wait `classify_response` advises, in seconds; a longer `Retry-After` is clamped to it and marked `retryAfterClamped`"
    ),
    limit!(
        max_issues,
        Some((MAX_ISSUES_CEILING as u64, "")),
        "issues one report lists: errors first (the first error always), each kind in report order, then one issue (RFC-J-006) that says how many more were found; `omitted` in every binding counts them. Lenient fixes reach `normalized` whether or not their issue is listed"
    ),
];

/// Builds a profile from a config object, key by key through [`CONFIG_KEYS`].
pub(super) fn from_config(config: &Value) -> Result<Profile, ConfigError> {
    let Value::Object(map) = config else {
        return err("", format!("must be a JSON object, got {}", json_kind(config)));
    };
    let mut profile = Profile::atlassian();
    for (key, value) in map {
        let Some(entry) = CONFIG_KEYS.iter().find(|k| k.name == key) else {
            return err(key, format!("unknown key; expected one of {}", names(CONFIG_KEYS.iter().map(|k| k.name))));
        };
        (entry.read)(&mut profile, key, value)?;
    }
    Ok(profile)
}

/// Every key with its value, defaults filled in.
pub(super) fn to_config(profile: &Profile) -> Value {
    Value::Object(CONFIG_KEYS.iter().map(|k| (k.name.to_string(), (k.write)(profile))).collect())
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

fn boolean(key: &str, value: &Value) -> Result<bool, ConfigError> {
    value.as_bool().map_or_else(|| err(key, format!("must be a boolean, got {}", json_kind(value))), Ok)
}

fn limits(value: &Value) -> Result<Limits, ConfigError> {
    let Value::Object(map) = value else {
        return err("limits", format!("must be an object, got {}", json_kind(value)));
    };
    let mut limits = Limits::default();
    for (key, v) in map {
        let k = format!("limits.{key}");
        let n = match v.as_u64() {
            Some(n) if n > 0 => n,
            _ => return err(k, format!("must be a positive integer, got {v}")),
        };
        let Some(entry) = LIMIT_KEYS.iter().find(|l| l.name == key) else {
            return err(k, format!("unknown key; expected one of {}", names(LIMIT_KEYS.iter().map(|l| l.name))));
        };
        if let Some((ceiling, words)) = entry.ceiling
            && n > ceiling
        {
            return err(k, format!("must be at most {ceiling}{words}, got {n}"));
        }
        (entry.set)(&mut limits, n);
    }
    Ok(limits)
}

/// The README's "Config" table, generated from [`CONFIG_KEYS`] and [`LIMIT_KEYS`].
pub fn markdown() -> String {
    let mut out = String::from("| key | takes | default | meaning |\n|---|---|---|---|\n");
    for key in CONFIG_KEYS {
        let default = key.default_value();
        let default = if key.name == "limits" { "see below".to_string() } else { format!("`{default}`") };
        out.push_str(&format!("| `{}` | {} | {} | {} |\n", key.name, key.ty, default, key.doc));
    }
    for limit in LIMIT_KEYS {
        let takes = match limit.ceiling() {
            Some(c) => format!("positive integer, at most {}", thousands(c)),
            None => "positive integer".to_string(),
        };
        let default = thousands(limit.default_value());
        out.push_str(&format!("| `limits.{}` | {} | {} | {} |\n", limit.name, takes, default, limit.doc));
    }
    out
}

/// `16777216` as `16,777,216`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_canonical_config_is_in_the_table_and_reads_back() {
        let canonical = Profile::atlassian().to_config();
        let Value::Object(map) = &canonical else { panic!("the canonical config is an object") };
        assert_eq!(map.len(), CONFIG_KEYS.len());
        assert_eq!(canonical["limits"].as_object().map(Map::len), Some(LIMIT_KEYS.len()));
        for key in CONFIG_KEYS {
            let one = serde_json::json!({ key.name: key.default_value() });
            assert_eq!(Profile::from_config(&one).map(|p| p.to_config()), Ok(canonical.clone()), "{}", key.name);
        }
    }

    #[test]
    fn a_limit_at_its_ceiling_is_taken_and_one_past_it_is_not() {
        for limit in LIMIT_KEYS {
            let Some(ceiling) = limit.ceiling() else { continue };
            let at = serde_json::json!({"limits": {limit.name: ceiling}});
            let profile = Profile::from_config(&at).expect("a limit at its ceiling");
            assert_eq!(profile.to_config()["limits"][limit.name], ceiling);
            let past = serde_json::json!({"limits": {limit.name: ceiling + 1}});
            let e = Profile::from_config(&past).expect_err("a limit past its ceiling");
            assert_eq!(e.key, format!("limits.{}", limit.name));
        }
    }

    #[test]
    fn the_unknown_key_errors_list_every_key_of_the_table() {
        let e = Profile::from_config(&serde_json::json!({"verified_domain": []})).expect_err("unknown key");
        assert_eq!(
            e.message,
            "unknown key; expected one of profile, verified_domains, known_groups, reserved_groups, limits, lenient, known_user_names, known_emails, require_verified_domain, delete_semantics, directory_user_count, base_url, directory_id, key_expires, key_expiry_warning_days"
        );
        let e = Profile::from_config(&serde_json::json!({"limits": {"depth": 1}})).expect_err("unknown limit");
        assert_eq!(
            e.message,
            "unknown key; expected one of max_body_bytes, max_depth, max_string_bytes, users_per_directory, users_per_group, max_filter_length, max_filter_depth, max_filter_terms, max_operations, max_patch_values, max_retry_after, max_issues"
        );
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(16_777_216), "16,777,216");
    }
}
