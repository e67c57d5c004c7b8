//! Email addresses as a connector should send them.
//!
//! The syntax and the domain's ASCII form are [`crate::email`]'s; this adds what a connector
//! needs on top: surrounding whitespace dropped, the normalized address as one string, and whether
//! the domain is one the organization verified (compared on the ASCII form, so `bücher.de` and
//! `xn--bcher-kva.de` are the same domain).

use serde::Serialize;

use crate::email::{self, EmailError};
use crate::profile::Profile;

/// A checked address: the local part exactly as given, the domain in lower-case ASCII (punycode
/// for internationalized domains). Serializes as `{"address", "local", "domain"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NormalizedEmail {
    /// `local@domain`, as it should be sent.
    pub address: String,
    pub local: String,
    /// The domain's ASCII comparison form (`xn--bcher-kva.de`).
    pub domain: String,
}

impl NormalizedEmail {
    /// Whether the domain is one of the profile's verified domains. Accounts on other domains are
    /// external: Atlassian creates them but does not apply later attribute updates.
    pub fn domain_verified(&self, profile: &Profile) -> bool {
        profile.verified_domains().iter().any(|d| d.matches(&self.domain))
    }
}

/// Checks an address (HTML5 rules, RFC 5321 lengths, no invisible characters: see
/// [`crate::email`]) and normalizes its domain by UTS 46: lower case, full-width forms and other
/// full stops mapped, IDN to punycode (the A-label). The local part is left as it is: only the
/// receiving mail server may interpret it.
///
/// ```
/// use atlscim_core::mapping::normalize_email;
///
/// let e = normalize_email(" Jane.Doe@Bücher.DE ").unwrap();
/// assert_eq!(e.address, "Jane.Doe@xn--bcher-kva.de");
/// assert!(normalize_email("jane@").is_err());
/// ```
pub fn normalize_email(input: &str) -> Result<NormalizedEmail, EmailError> {
    let parsed = email::parse(input.trim())?;
    Ok(NormalizedEmail {
        address: parsed.normalized(),
        local: parsed.local.to_string(),
        domain: parsed.domain.into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_the_domain_only() {
        let e = normalize_email("Barbara.Jensen+SSO@Example.COM").expect("valid");
        assert_eq!(
            (e.address.as_str(), e.local.as_str(), e.domain.as_str()),
            ("Barbara.Jensen+SSO@example.com", "Barbara.Jensen+SSO", "example.com")
        );
        assert_eq!(normalize_email("user@ＥＸＡＭＰＬＥ.com").map(|e| e.address), Ok("user@example.com".into()));
        assert_eq!(normalize_email("a@b"), Err(EmailError::DomainWithoutDot));
    }

    #[test]
    fn verified_domains_match_on_the_ascii_form() {
        let profile = Profile::atlassian()
            .with_verified_domain("bücher.de", false)
            .and_then(|p| p.with_verified_domain("corp.example.org", true))
            .expect("valid domains");
        let verified = |a: &str| normalize_email(a).map(|e| e.domain_verified(&profile));
        assert_eq!(verified("jo@XN--BCHER-KVA.de"), Ok(true));
        assert_eq!(verified("jo@Bücher.de"), Ok(true));
        assert_eq!(verified("jo@eu.corp.example.org"), Ok(true));
        assert_eq!(verified("jo@evilcorp.example.org"), Ok(false));
        assert_eq!(verified("jo@example.com"), Ok(false));
    }
}
