//! Reading Atlassian's answers: what a connector should do with a response.
//!
//! Atlassian answers in three body shapes (reference/atlassian-scim.md §5.1): the SCIM Error
//! message (with `status` as a string), a `{error, traceId}` Failure for 401 and 403, and a
//! Java-style BadRequestException for some 400s. [`classify_response`] reads any of them — or
//! anything else, never failing — and says whether to retry, how long to wait, and which rule the
//! answer corresponds to.
//!
//! The wait is never less than a header asks for, and never more than a maximum: a header can
//! say anything (`Retry-After: 1e308`, a date in the year 9999), and a connector should not sleep
//! for centuries, nor overflow its clock type (Go's `time.Duration` holds 292 years). Past the
//! maximum (config `limits.max_retry_after`, one day by default) the wait is the maximum and the
//! response says it was clamped.

use serde_json::{Map, Value};

use crate::rules::{self, Rule};

/// What kind of answer it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseKind {
    /// 2xx.
    Success,
    /// 429: wait, then retry.
    RateLimited,
    /// 500, 502, 503, 504: retry with backoff.
    ServerError,
    /// 401, 403: the credential was rejected: the SCIM API key expired (keys expire a year after
    /// creation), was regenerated, or is wrong or missing; retrying does not help.
    CredentialRejected,
    /// 404: the directory, user or group does not exist (or the user was deleted).
    NotFound,
    /// 409: the user, email or group name exists already.
    Conflict,
    /// Another 4xx: the request was refused; the scimType and detail say why.
    ScimError,
    /// Anything else.
    Unexpected,
}

impl ResponseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseKind::Success => "success",
            ResponseKind::RateLimited => "rate_limited",
            ResponseKind::ServerError => "server_error",
            ResponseKind::CredentialRejected => "credential_rejected",
            ResponseKind::NotFound => "not_found",
            ResponseKind::Conflict => "conflict",
            ResponseKind::ScimError => "scim_error",
            ResponseKind::Unexpected => "unexpected",
        }
    }
}

/// A classified response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub kind: ResponseKind,
    pub retryable: bool,
    /// Seconds to wait before retrying, from Retry-After or X-RateLimit-Reset (the longer, when
    /// both are given), at most the maximum wait.
    pub retry_after: Option<f64>,
    /// Whether a header asked for longer than the maximum wait, which `retry_after` then is.
    pub retry_after_clamped: bool,
    pub scim_type: Option<String>,
    pub detail: Option<String>,
    pub trace_id: Option<String>,
    /// The rule the answer corresponds to, when atlscim knows one.
    pub rule: Option<&'static Rule>,
}

impl Response {
    /// As JSON: `{"status", "kind", "retryable", "retryAfter", "retryAfterClamped", "scimType",
    /// "detail", "traceId", "rule"}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "status": self.status,
            "kind": self.kind.as_str(),
            "retryable": self.retryable,
            "retryAfter": self.retry_after,
            "retryAfterClamped": self.retry_after_clamped,
            "scimType": self.scim_type,
            "detail": self.detail,
            "traceId": self.trace_id,
            "rule": self.rule.map(|r| r.id),
        })
    }
}

fn header<'h>(headers: &[(&str, &'h str)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).and_then(|(_, v)| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Classifies a response with the default maximum wait (one day; [`crate::Limits`]'s
/// `max_retry_after`). `now` is the current time in seconds since the Unix epoch (used for
/// absolute reset times; `None` reads the system clock). [`crate::Profile::classify_response`]
/// takes the maximum from the profile's config.
pub fn classify_response(status: u16, body: &[u8], headers: &[(&str, &str)], now: Option<f64>) -> Response {
    classify(status, body, headers, now, crate::Limits::default().max_retry_after)
}

impl crate::Profile {
    /// Classifies a response, waiting at most the config's `limits.max_retry_after` seconds. See
    /// [`classify_response`].
    pub fn classify_response(&self, status: u16, body: &[u8], headers: &[(&str, &str)], now: Option<f64>) -> Response {
        classify(status, body, headers, now, self.limits().max_retry_after)
    }
}

fn classify(status: u16, body: &[u8], headers: &[(&str, &str)], now: Option<f64>, max_wait: u64) -> Response {
    let now = now.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
    });
    let kind = match status {
        200..=299 => ResponseKind::Success,
        429 => ResponseKind::RateLimited,
        500 | 502 | 503 | 504 => ResponseKind::ServerError,
        401 | 403 => ResponseKind::CredentialRejected,
        404 => ResponseKind::NotFound,
        409 => ResponseKind::Conflict,
        400..=499 => ResponseKind::ScimError,
        _ => ResponseKind::Unexpected,
    };
    let (mut scim_type, mut detail, mut trace_id) = (None, None, None);
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => {
            // SCIM Error: scimType + detail; Failure: error + traceId; BadRequestException:
            // scimErrorType + message.
            scim_type = text(&m, "scimType").or_else(|| text(&m, "scimErrorType"));
            detail = text(&m, "detail").or_else(|| text(&m, "message")).or_else(|| text(&m, "error"));
            trace_id = text(&m, "traceId");
        }
        _ => {
            let raw = String::from_utf8_lossy(body);
            let raw = raw.trim();
            if !raw.is_empty() {
                detail = Some(raw.chars().take(500).collect());
            }
        }
    }
    // Both headers may be sent; waiting the longer honours both.
    let wait = [
        header(headers, "Retry-After").and_then(|v| retry_after_wait(v, now)),
        header(headers, "X-RateLimit-Reset").and_then(|v| reset_wait(v, now)),
    ]
    .into_iter()
    .flatten()
    .reduce(f64::max);
    let retryable = matches!(kind, ResponseKind::RateLimited | ResponseKind::ServerError);
    let max_wait = max_wait as f64;
    let (retry_after, retry_after_clamped) = match wait.filter(|_| retryable) {
        Some(w) if w > max_wait => (Some(max_wait), true),
        other => (other, false),
    };
    let rule = rules::answered(status, detail.as_deref());
    Response { status, kind, retryable, retry_after, retry_after_clamped, scim_type, detail, trace_id, rule }
}

/// A header's number, when it is written as one: digits, a point, an exponent. Words that Rust
/// reads as numbers (`inf`, `NaN`) are not; a number too large for a float (`1e400`) is infinite,
/// which is a long wait, not garbage. Negative numbers say nothing usable.
fn number(v: &str) -> Option<f64> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    v.parse::<f64>().ok().filter(|n| *n >= 0.0)
}

/// Seconds until an absolute time (an ISO 8601 time or an HTTP date); 0 when it is past.
fn until(v: &str, now: f64) -> Option<f64> {
    let at = crate::filter::instant_of(v).or_else(|| http_date(v))?;
    Some((at - now).max(0.0))
}

/// `Retry-After` (RFC 7231 §7.1.3): delay-seconds or an HTTP date. A number is always seconds
/// from now, however large: reading a large one as a Unix time would wait less than it asks.
fn retry_after_wait(v: &str, now: f64) -> Option<f64> {
    number(v).or_else(|| until(v, now))
}

/// `X-RateLimit-Reset`: when the limit resets. Atlassian's admin APIs send an ISO 8601 time;
/// others send a Unix time in seconds or milliseconds, or seconds from now.
fn reset_wait(v: &str, now: f64) -> Option<f64> {
    let Some(n) = number(v) else { return until(v, now) };
    // Large numbers are absolute Unix times (milliseconds past 1e12, seconds past 1e9).
    let at = if n > 1e12 { n / 1000.0 } else { n };
    Some(if at > 1e9 { (at - now).max(0.0) } else { n })
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as Unix seconds.
fn http_date(v: &str) -> Option<f64> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    let [_, day, month, year, time, zone] = parts.as_slice() else { return None };
    if !zone.eq_ignore_ascii_case("GMT") {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(month))? + 1;
    let iso = format!("{year}-{m:02}-{:02}T{time}Z", day.parse::<u32>().ok()?);
    crate::filter::instant_of(&iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_763_900_000.0;

    #[test]
    fn the_three_body_shapes() {
        let scim = br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[a@b.c] already exists."}"#;
        let r = classify_response(409, scim, &[], Some(NOW));
        assert_eq!(
            (r.kind, r.scim_type.as_deref(), r.rule.map(|r| r.id)),
            (ResponseKind::Conflict, Some("uniqueness"), Some("ATL-U-008"))
        );
        let failure = br#"{"error":"Missing authorization header","traceId":"4f3c"}"#;
        let r = classify_response(401, failure, &[], Some(NOW));
        assert_eq!(
            (r.kind, r.retryable, r.trace_id.as_deref()),
            (ResponseKind::CredentialRejected, false, Some("4f3c"))
        );
        let bad = br#"{"cause":null,"stackTrace":[],"responseStatus":"BAD_REQUEST","scimErrorType":"invalidValue","message":"Bad request, the users referenced do not exist."}"#;
        let r = classify_response(400, bad, &[], Some(NOW));
        assert_eq!((r.scim_type.as_deref(), r.rule.map(|r| r.id)), (Some("invalidValue"), Some("ATL-G-005")));
    }

    #[test]
    fn waits() {
        let r = classify_response(429, b"", &[("retry-after", "30")], Some(NOW));
        assert_eq!((r.retryable, r.retry_after), (true, Some(30.0)));
        let r = classify_response(429, b"", &[("X-RateLimit-Reset", &format!("{}", NOW + 12.0))], Some(NOW));
        assert_eq!(r.retry_after, Some(12.0));
        let r = classify_response(
            503,
            b"<html>busy</html>",
            &[("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")],
            Some(1_445_412_470.0),
        );
        assert_eq!(
            (r.kind, r.retry_after, r.detail.as_deref()),
            (ResponseKind::ServerError, Some(10.0), Some("<html>busy</html>"))
        );
        let r = classify_response(500, b"\xff\xfe", &[("Retry-After", "soon")], Some(NOW));
        assert_eq!((r.retryable, r.retry_after), (true, None));
    }
}
