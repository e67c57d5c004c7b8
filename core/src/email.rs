//! Email addresses: syntax and the domain's comparison form.
//!
//! The local part follows the WHATWG HTML "valid e-mail address" character set (what browsers and
//! identity-provider UIs accept), with RFC 5321 limits (local part ≤ 64 octets, domain ≤ 253,
//! labels ≤ 63) and no leading, trailing or doubled dot. Quoted local parts and address literals
//! (`user@[192.0.2.1]`) are rejected: no identity provider sends them to Atlassian. The domain
//! goes through IDNA (UTS 46, STD3 rules), which lowercases it, maps full-width forms and gives the
//! punycode form; that ASCII form is the key for comparing domains. The local part is kept exactly
//! as given.

use std::borrow::Cow;
use std::fmt;

/// Why an address is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailError {
    MissingAt,
    EmptyLocalPart,
    LocalPartTooLong(usize),
    BadLocalCharacter(char),
    BadLocalDot,
    EmptyDomain,
    DomainTooLong(usize),
    DomainWithoutDot,
    BadDomain(String),
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmailError::MissingAt => {
                f.write_str("an email address needs exactly one '@' between a local part and a domain")
            }
            EmailError::EmptyLocalPart => f.write_str("the part before '@' is empty"),
            EmailError::LocalPartTooLong(n) => {
                write!(f, "the part before '@' is {n} bytes long; at most 64 are allowed (RFC 5321)")
            }
            EmailError::BadLocalCharacter(c) => write!(f, "the part before '@' contains {c:?}, which is not allowed"),
            EmailError::BadLocalDot => {
                f.write_str("the part before '@' starts or ends with a dot, or has two dots in a row")
            }
            EmailError::EmptyDomain => f.write_str("the domain after '@' is empty"),
            EmailError::DomainTooLong(n) => {
                write!(f, "the domain is {n} bytes long; at most 253 are allowed (RFC 5321)")
            }
            EmailError::DomainWithoutDot => {
                f.write_str("the domain has no dot; Atlassian needs a fully qualified domain")
            }
            EmailError::BadDomain(d) => write!(f, "the domain {d:?} is not a valid host name"),
        }
    }
}

impl std::error::Error for EmailError {}

/// A checked address: the local part as given and the domain in its ASCII comparison form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email<'a> {
    pub local: &'a str,
    pub domain: Cow<'a, str>,
}

impl Email<'_> {
    /// The address with the domain in ASCII lower case (punycode for IDN domains).
    pub fn normalized(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }
}

// WHATWG HTML: the characters allowed in the local part (letters, digits and these), as a table
// so that checking a byte is one load.
const LOCAL_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric();
        c += 1;
    }
    let extra = b".!#$%&'*+/=?^_`{|}~-";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

fn local_char_ok(c: u8) -> bool {
    LOCAL_CHARS[c as usize]
}

/// Checks an address and returns its parts.
pub fn parse(address: &str) -> Result<Email<'_>, EmailError> {
    let (local, domain) = address.rsplit_once('@').ok_or(EmailError::MissingAt)?;
    if local.is_empty() {
        return Err(EmailError::EmptyLocalPart);
    }
    if local.len() > 64 {
        return Err(EmailError::LocalPartTooLong(local.len()));
    }
    if let Some(pos) = local.bytes().position(|b| !local_char_ok(b)) {
        let c = local[pos..].chars().next().unwrap_or('?');
        return Err(if c == '@' { EmailError::MissingAt } else { EmailError::BadLocalCharacter(c) });
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::BadLocalDot);
    }
    let domain = domain_ascii(domain)?;
    Ok(Email { local, domain })
}

/// The ASCII comparison form of a domain: lower case, punycode for IDN labels, no trailing dot.
pub fn domain_ascii(domain: &str) -> Result<Cow<'_, str>, EmailError> {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    let ascii: Cow<'_, str> = if is_plain_ascii_host(domain) {
        // The common case needs no IDNA mapping: only lowercasing, and only when needed.
        if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(domain.to_ascii_lowercase())
        } else {
            Cow::Borrowed(domain)
        }
    } else {
        Cow::Owned(idna::domain_to_ascii_strict(domain).map_err(|_| EmailError::BadDomain(domain.to_owned()))?)
    };
    if ascii.len() > 253 {
        return Err(EmailError::DomainTooLong(ascii.len()));
    }
    if !ascii.contains('.') {
        return Err(EmailError::DomainWithoutDot);
    }
    Ok(ascii)
}

// Letters, digits and inner hyphens in labels of 1–63 bytes, and no `xn--` label (punycode must
// be decoded to be checked, so those go through IDNA).
fn is_plain_ascii_host(domain: &str) -> bool {
    domain.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
            && !(b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"xn--"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_identity_providers_send() {
        for a in ["bjensen@example.com", "Barbara.Jensen+sso@Example.COM", "o'brien@corp.example.org", "x@a.io"] {
            assert!(parse(a).is_ok(), "{a}");
        }
        assert_eq!(parse("Jane@EXAMPLE.com").map(|e| e.normalized()), Ok("Jane@example.com".to_string()));
        assert_eq!(parse("user@bücher.de").map(|e| e.normalized()), Ok("user@xn--bcher-kva.de".to_string()));
        assert_eq!(parse("user@ＥＸＡＭＰＬＥ.com").map(|e| e.normalized()), Ok("user@example.com".to_string()));
    }

    #[test]
    fn rejects_broken_addresses() {
        let cases = [
            ("jane.doe@", EmailError::EmptyDomain),
            ("@example.com", EmailError::EmptyLocalPart),
            ("plain", EmailError::MissingAt),
            (".user@example.com", EmailError::BadLocalDot),
            ("us..er@example.com", EmailError::BadLocalDot),
            ("user@localhost", EmailError::DomainWithoutDot),
            ("Jane Doe <jane@example.com>", EmailError::BadLocalCharacter(' ')),
            ("usér@example.com", EmailError::BadLocalCharacter('é')),
        ];
        for (a, e) in cases {
            assert_eq!(parse(a), Err(e), "{a}");
        }
        assert!(matches!(parse("user@exa_mple.com"), Err(EmailError::BadDomain(_))));
        assert!(matches!(parse("user@-bad.com"), Err(EmailError::BadDomain(_))));
        assert!(matches!(parse(&format!("{}@example.com", "a".repeat(65))), Err(EmailError::LocalPartTooLong(65))));
    }
}
