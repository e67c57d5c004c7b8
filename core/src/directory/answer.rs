//! What the directory answers: status, headers and a body in one of Atlassian's shapes
//! (reference/atlassian-scim.md §5.1), and the changes a request made for a store to persist.

use serde_json::{Map, Value, json};

use crate::Report;
use crate::schema::{ERROR_URN, ResourceKind};

/// Message URN of a list response (RFC 7644 §3.4.2).
pub const LIST_RESPONSE_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// The media type of every body the directory answers (RFC 7644 §3.1).
pub const CONTENT_TYPE: &str = "application/scim+json; charset=utf-8";

/// One HTTP answer: status, headers and body (`None` for 204), plus what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    /// The resources this request created, changed or deleted, in the form an export holds them
    /// (filled only when [`crate::directory::Directory::record_changes`] is on).
    pub changes: Vec<Change>,
}

/// One resource a request changed: its new export form, or `None` when it is gone.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ResourceKind,
    pub id: String,
    pub record: Option<Value>,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: Value) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".to_string(), CONTENT_TYPE.to_string())],
            body: Some(body),
            changes: Vec::new(),
        }
    }

    /// 204 No Content.
    pub fn no_content() -> Answer {
        Answer { status: 204, headers: Vec::new(), body: None, changes: Vec::new() }
    }

    /// The SCIM Error message with `status` as a string, as Atlassian writes it.
    pub fn scim_error(status: u16, scim_type: Option<&str>, detail: impl Into<String>) -> Answer {
        let mut m = Map::new();
        m.insert("schemas".into(), json!([ERROR_URN]));
        m.insert("status".into(), Value::String(status.to_string()));
        if let Some(t) = scim_type {
            m.insert("scimType".into(), Value::from(t));
        }
        m.insert("detail".into(), Value::String(detail.into()));
        Answer::json(status, Value::Object(m))
    }

    /// The answer to a request the check refused: the SCIM Error of its first error.
    pub fn refused(report: &Report) -> Answer {
        let status = report.status().unwrap_or(400);
        match report.to_scim_error() {
            Some(body) => Answer::json(status, body),
            None => Answer::scim_error(status, None, "the request was refused"),
        }
    }

    /// Atlassian's `Failure` body for 401 and 403: `{error, traceId}`, not a SCIM Error.
    pub fn failure(status: u16, error: impl Into<String>, trace_id: impl Into<String>) -> Answer {
        Answer::json(status, json!({"error": error.into(), "traceId": trace_id.into()}))
    }

    /// The Java-style `BadRequestException` body Atlassian answers to a PUT /Groups whose
    /// members do not exist (reference §5.1).
    pub fn bad_request_exception(scim_error_type: &str, message: &str) -> Answer {
        Answer::json(
            400,
            json!({
                "cause": null,
                "stackTrace": [],
                "responseStatus": "BAD_REQUEST",
                "scimErrorType": scim_error_type,
                "message": message,
                "localizedMessage": message,
                "suppressed": [],
            }),
        )
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The body as JSON text (empty for 204).
    pub fn body_text(&self) -> String {
        self.body.as_ref().map(Value::to_string).unwrap_or_default()
    }

    /// A header's value, by name ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A ListResponse page (RFC 7644 §3.4.2; Atlassian's `Resources` with a capital R).
pub fn list_response(total: usize, start_index: usize, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_RESPONSE_URN],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// A time in seconds since the Unix epoch as RFC 3339 UTC with milliseconds, as `meta` holds
/// times (`2021-04-05T03:11:47.574Z`).
pub fn timestamp(seconds: f64) -> String {
    let millis = if seconds.is_finite() { (seconds * 1000.0).round() as i64 } else { 0 };
    let (days, ms_of_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{:02}.{:03}Z", rest / 1000, rest % 1000)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(1_617_592_307.574), "2021-04-05T03:11:47.574Z");
        assert_eq!(timestamp(951_782_400.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(timestamp(-1.0), "1969-12-31T23:59:59.000Z");
    }

    #[test]
    fn error_status_is_a_string() {
        let a = Answer::scim_error(409, Some("uniqueness"), "taken");
        assert_eq!(a.body.as_ref().and_then(|b| b["status"].as_str()), Some("409"));
        assert_eq!(a.header("content-type"), Some(CONTENT_TYPE));
    }
}
