//! The bearer token, and Atlassian's `Failure` answers when it is missing or refused
//! (reference/atlassian-scim.md §5.1: `{error, traceId}`, not a SCIM Error).

use atlscim_core::directory::Answer;

pub const MISSING: &str = "Missing authorization header";
pub const INVALID: &str = "Invalid API key";
pub const EXPIRED: &str = "API key expired";
pub const FORBIDDEN: &str = "You are not authorized to call the API";

/// A Failure answer with a fresh trace id.
pub fn refused(status: u16, error: &str) -> Answer {
    let error = if status == 403 { FORBIDDEN } else { error };
    Answer::failure(status, error, random_hex(16))
}

/// The 401 for a request without the right `Authorization: Bearer <token>`, or `None`.
pub fn check(authorization: Option<&str>, token: &str) -> Option<Answer> {
    let Some(value) = authorization else { return Some(refused(401, MISSING)) };
    let given =
        value.trim().split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer")).map(|(_, t)| t.trim());
    match given {
        Some(t) if constant_time_eq(t.as_bytes(), token.as_bytes()) => None,
        _ => Some(refused(401, INVALID)),
    }
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `n` random bytes as hex, from the operating system.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    // The OS source does not fail on the platforms we build for; if it did, a zero token would be
    // refused below, never used silently.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh token for `serve` when none is given (32 random bytes).
pub fn generate_token() -> Result<String, String> {
    let t = random_hex(32);
    if t.is_empty() { Err("the operating system gave no random bytes for a token".into()) } else { Ok(t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens() {
        assert!(check(Some("Bearer s3cret"), "s3cret").is_none());
        assert!(check(Some("bearer  s3cret "), "s3cret").is_none());
        let missing = check(None, "s3cret").expect("401");
        assert_eq!(missing.status, 401);
        assert_eq!(missing.body.as_ref().and_then(|b| b["error"].as_str()), Some(MISSING));
        assert!(missing.body.as_ref().and_then(|b| b["traceId"].as_str()).is_some_and(|t| t.len() == 32));
        assert_eq!(check(Some("Bearer nope"), "s3cret").map(|a| a.status), Some(401));
        assert_eq!(check(Some("Basic s3cret"), "s3cret").map(|a| a.status), Some(401));
        assert_eq!(generate_token().map(|t| t.len()), Ok(64));
    }
}
