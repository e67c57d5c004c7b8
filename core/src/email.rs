//! Email addresses: syntax and the domain's comparison form.
//!
//! The local part follows the WHATWG HTML "valid e-mail address" character set (what browsers and
//! identity-provider UIs accept), with RFC 5321 limits (local part ≤ 64 octets, domain ≤ 253,
//! labels ≤ 63) and no leading, trailing or doubled dot. Quoted local parts and address literals
//! (`user@[192.0.2.1]`) are rejected: no identity provider sends them to Atlassian. The domain
//! goes through IDNA (UTS 46 non-transitional processing, STD3 rules), which lowercases it, maps
//! full-width forms and the ideographic full stop and gives the punycode form; that ASCII form
//! (the A-label) is the key for comparing domains. The local part is kept exactly as given.
//!
//! Invisible characters are refused rather than mapped: UTS 46 drops a soft hyphen or a zero-width
//! space from a domain, so `exa\u{AD}mple.com` would pass as `example.com` while showing another
//! text; an address with a default-ignorable, zero-width or bidirectional control character is
//! invalid ([`EmailError::InvisibleCharacter`]). An address whose domain the mapping otherwise
//! changes (`ＥＸＡＭＰＬＥ.com`, `example。com`) is valid, and [`mapped_address`] gives the form to
//! send.

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
    /// A default-ignorable, zero-width or bidirectional control character (a soft hyphen, a
    /// zero-width space or joiner, a left-to-right mark, …): invisible, and dropped by IDNA.
    InvisibleCharacter(char),
}

impl EmailError {
    /// A short stable name for the kind of error, the one every binding reports (as
    /// `TimezoneError::kind` and `LocaleError::kind` are): every email error is `invalid`, and
    /// the message says which part of the address is wrong.
    pub fn kind(&self) -> &'static str {
        "invalid"
    }
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
            EmailError::InvisibleCharacter(c) => write!(
                f,
                "the address contains the invisible character U+{:04X} (a default-ignorable, zero-width or bidirectional control character): it would read as another address",
                u32::from(*c)
            ),
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

/// Whether `c` is invisible: Unicode's Default_Ignorable_Code_Point (soft hyphen, zero-width
/// space, joiners, variation selectors, …) or Bidi_Control (the marks, embeddings and isolates).
fn invisible(c: char) -> bool {
    use icu_properties::CodePointSetData;
    use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint};
    CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointSetData::new::<BidiControl>().contains(c)
}

fn refuse_invisible(text: &str) -> Result<(), EmailError> {
    match text.chars().find(|c| !c.is_ascii() && invisible(*c)) {
        Some(c) => Err(EmailError::InvisibleCharacter(c)),
        None => Ok(()),
    }
}

/// Checks an address and returns its parts.
pub fn parse(address: &str) -> Result<Email<'_>, EmailError> {
    match plain(address) {
        Some(email) => Ok(email),
        None => parse_full(address),
    }
}

/// The common address read in one pass: ASCII, one `@`, a local part of allowed characters with
/// single inner dots, and a domain of lower-case letter-digit-hyphen labels (no A-label, no
/// trailing dot) with at least one dot. What [`parse_full`] gives for such an address, without
/// its several scans (an Entra ID user carries two or three addresses, checked on every request);
/// `None` sends anything else through it.
fn plain(address: &str) -> Option<Email<'_>> {
    let bytes = address.as_bytes();
    let at = memchr::memchr(b'@', bytes)?;
    let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
    if local.is_empty() || local.len() > 64 || local[0] == b'.' || local[local.len() - 1] == b'.' {
        return None;
    }
    let mut after_dot = false;
    for &c in local {
        if !local_char_ok(c) || (c == b'.' && after_dot) {
            return None;
        }
        after_dot = c == b'.';
    }
    if domain.len() > 253 {
        return None;
    }
    let plain_label =
        |l: &[u8]| !l.is_empty() && l.len() <= 63 && l[0] != b'-' && l[l.len() - 1] != b'-' && !l.starts_with(b"xn--");
    let (mut start, mut dots) = (0, 0);
    for (i, &c) in domain.iter().enumerate() {
        if c == b'.' {
            if !plain_label(&domain[start..i]) {
                return None;
            }
            start = i + 1;
            dots += 1;
        } else if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
            return None;
        }
    }
    if dots == 0 || !plain_label(&domain[start..]) {
        return None;
    }
    Some(Email { local: &address[..at], domain: Cow::Borrowed(&address[at + 1..]) })
}

/// [`parse`], every check in its own step.
fn parse_full(address: &str) -> Result<Email<'_>, EmailError> {
    if !address.is_ascii() {
        refuse_invisible(address)?;
    }
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
    if !domain.is_ascii() {
        refuse_invisible(domain)?;
    }
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

/// The address as it should be sent when the UTS 46 mapping changes its domain beyond case
/// (full-width letters, `。` or `．` for the dot): the local part as given and the domain's
/// A-label, the form [`crate::mapping::normalize_email`] gives. `None` when the domain is already
/// written as its mapped form (in any case) or its A-label, or when the address is not valid.
pub fn mapped_address(address: &str) -> Option<String> {
    if address.is_ascii() {
        // So is its domain, which maps to itself in lower case (or is refused).
        return None;
    }
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_ascii() {
        // An ASCII domain maps to itself in lower case (or is refused).
        return None;
    }
    let email = parse(address).ok()?;
    let (unicode, _) = idna::domain_to_unicode(domain);
    // Case is not another domain (addresses compare ignoring it); anything else the mapping
    // changes is.
    if domain.to_lowercase() == unicode || domain.eq_ignore_ascii_case(&email.domain) {
        return None;
    }
    Some(email.normalized())
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

    /// The one-pass reading gives what every check in its own step gives, or steps aside.
    #[test]
    fn plain_addresses_read_as_the_full_checks_read_them() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let max_local = format!("{}@example.com", "a".repeat(64));
        let long_label = format!("a@{}.com", "b".repeat(64));
        let max_label = format!("a@{}.com", "b".repeat(63));
        let long_domain = format!("a@{}com", "abcdefghi.".repeat(26));
        let max_domain = format!("a@{}.com", "b".repeat(249));
        let cases = [
            "bjensen@example.com",
            "b.jensen@example.com",
            "b..jensen@example.com",
            ".b@example.com",
            "b.@example.com",
            "@example.com",
            "b@",
            "b@example",
            "b@example.",
            "b@example.com.",
            "b@Example.com",
            "b@EXAMPLE.COM",
            "b@-example.com",
            "b@example-.com",
            "b@ex-ample.com",
            "b@xn--bcher-kva.example",
            "b@XN--bcher-kva.example",
            "b@a..com",
            "b@.com",
            "b@com.",
            "a@b@example.com",
            "a\"b@example.com",
            "a b@example.com",
            "a+tag@example.co.uk",
            "o'brien@example.com",
            "b@b\u{fc}cher.example",
            "b\u{fc}@example.com",
            "b@example.com\u{200b}",
            "b@exa_mple.com",
            "b@123.456",
            "b@example.c0m",
            "",
            "@",
            "a@b.c",
            "a@b-.c",
            "a@-b.c",
            "{x}|~@example.com",
            "b@\u{ff45}xample.com",
            &long_local,
            &max_local,
            &long_label,
            &max_label,
            &long_domain,
            &max_domain,
        ];
        for address in cases {
            let full = parse_full(address);
            assert_eq!(parse(address), full, "{address:?}");
            if let Some(email) = plain(address) {
                assert_eq!(Ok(email), full, "{address:?}");
            }
        }
        assert!(plain("bjensen@example.com").is_some(), "the common address takes the one pass");
    }

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

    #[test]
    fn invisible_characters_are_refused_not_dropped() {
        for (a, c) in [
            ("user@exa\u{AD}mple.com", '\u{AD}'),     // soft hyphen
            ("user@exa\u{200B}mple.com", '\u{200B}'), // zero-width space
            ("user@exa\u{200C}mple.com", '\u{200C}'), // zero-width non-joiner
            ("user@exa\u{200D}mple.com", '\u{200D}'), // zero-width joiner
            ("user@example.com\u{200E}", '\u{200E}'), // left-to-right mark
            ("user@\u{202E}moc.elpmaxe", '\u{202E}'), // right-to-left override
            ("user@exa\u{2066}mple.com", '\u{2066}'), // left-to-right isolate
            ("user@example\u{FE0F}.com", '\u{FE0F}'), // variation selector
            ("us\u{2060}er@example.com", '\u{2060}'), // word joiner, in the local part
            ("user@\u{FEFF}example.com", '\u{FEFF}'), // byte order mark
        ] {
            assert_eq!(parse(a), Err(EmailError::InvisibleCharacter(c)), "{a:?}");
            assert_eq!(mapped_address(a), None);
        }
        assert_eq!(domain_ascii("exa\u{AD}mple.com"), Err(EmailError::InvisibleCharacter('\u{AD}')));
    }

    #[test]
    fn look_alike_domains_map_to_their_a_label() {
        // Full-width letters and dot, the ideographic and half-width full stops: UTS 46 maps them.
        for a in ["user@ＥＸＡＭＰＬＥ.com", "user@example．com", "user@example。com", "user@example｡com"] {
            assert_eq!(parse(a).map(|e| e.domain.into_owned()), Ok("example.com".to_string()), "{a}");
            assert_eq!(mapped_address(a).as_deref(), Some("user@example.com"), "{a}");
        }
        assert_eq!(mapped_address("user@BÜCHER。de").as_deref(), Some("user@xn--bcher-kva.de"));
        // Already in a mapped form (in any case), or its A-label, or plain ASCII: nothing to rewrite.
        for a in ["user@bücher.de", "user@BÜCHER.de", "user@XN--BCHER-KVA.de", "user@Example.COM", "not an address"] {
            assert_eq!(mapped_address(a), None, "{a}");
        }
    }
}
