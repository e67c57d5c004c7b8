//! `atlscim.classify_response` and `Response`: what an answer from Atlassian means to a
//! connector (retry and when, an auth failure, a SCIM error with its scimType).

use atlscim_core::{Profile, Response};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyTuple};

use crate::exceptions::{Input, guard};
use crate::profile::read;
use crate::to_python::to_python;

/// A classified response.
#[pyclass(frozen, module = "atlscim._native", name = "Response")]
#[derive(Debug)]
pub(crate) struct PyResponse(Response);

/// The response body's bytes: text as sent, or an already decoded JSON value (a dict) written
/// back as JSON text, which is what the core reads.
fn body_bytes(body: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    let Some(body) = body.filter(|b| !b.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(s) = body.cast::<PyString>() {
        return Ok(s.to_string_lossy().into_owned().into_bytes());
    }
    if let Ok(b) = body.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    let value = read(body, Input::BODY)?;
    serde_json::to_vec(&value).map_err(|e| PyTypeError::new_err(format!("body: {e}")))
}

/// The headers as (name, value) pairs, from a mapping (anything with `items()`, such as a dict
/// or the headers object of requests or httpx) or an iterable of pairs.
fn header_pairs(headers: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(headers) = headers.filter(|h| !h.is_none()) else {
        return Ok(Vec::new());
    };
    let pairs = if headers.hasattr("items")? { headers.call_method0("items")? } else { headers.clone() };
    let mut out = Vec::new();
    for pair in pairs.try_iter()? {
        let pair = pair?;
        let bad = || PyTypeError::new_err("headers: expected (name, value) pairs of str");
        let pair = pair.cast::<PyTuple>().map_err(|_| bad())?;
        if pair.len() != 2 {
            return Err(bad());
        }
        let text = |i: usize| -> PyResult<String> {
            let item = pair.get_item(i)?;
            let s = item.cast::<PyString>().map_err(|_| bad())?;
            Ok(s.to_string_lossy().into_owned())
        };
        out.push((text(0)?, text(1)?));
    }
    Ok(out)
}

/// Classifies an answer from Atlassian: `status` the HTTP status, `body` the response body (str,
/// bytes, an already decoded dict, or None), `headers` a mapping or (name, value) pairs. `now`
/// (Unix seconds) replaces the clock for reset times given as absolute times. The wait is at most
/// one day (the default `limits.max_retry_after`); `Profile.classify_response` takes the
/// profile's.
#[pyfunction]
#[pyo3(signature = (status, body=None, headers=None, *, now=None))]
pub(crate) fn classify_response(
    status: u16,
    body: Option<&Bound<'_, PyAny>>,
    headers: Option<&Bound<'_, PyAny>>,
    now: Option<f64>,
) -> PyResult<PyResponse> {
    classify_with(None, status, body, headers, now)
}

/// Classifies with `profile`'s maximum wait, or the default one.
pub(crate) fn classify_with(
    profile: Option<&Profile>,
    status: u16,
    body: Option<&Bound<'_, PyAny>>,
    headers: Option<&Bound<'_, PyAny>>,
    now: Option<f64>,
) -> PyResult<PyResponse> {
    guard(|| {
        let body = body_bytes(body)?;
        let headers = header_pairs(headers)?;
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Ok(PyResponse(match profile {
            Some(p) => p.classify_response(status, &body, &headers, now),
            None => atlscim_core::classify_response(status, &body, &headers, now),
        }))
    })
}

#[pymethods]
impl PyResponse {
    /// The HTTP status.
    #[getter]
    fn status(&self) -> u16 {
        self.0.status
    }

    /// "success", "rate_limited", "server_error", "credential_rejected", "not_found", "conflict",
    /// "scim_error" or "unexpected".
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// Whether sending the request again later may succeed (rate limits, server errors).
    #[getter]
    fn retryable(&self) -> bool {
        self.0.retryable
    }

    /// Seconds to wait before retrying (from Retry-After or X-RateLimit-Reset, the longer when
    /// both are sent), when retryable and the answer says; at most `limits.max_retry_after`.
    #[getter]
    fn retry_after(&self) -> Option<f64> {
        self.0.retry_after
    }

    /// Whether the answer asked for a longer wait than `limits.max_retry_after`, which
    /// `retry_after` then is.
    #[getter]
    fn retry_after_clamped(&self) -> bool {
        self.0.retry_after_clamped
    }

    #[getter]
    fn scim_type(&self) -> Option<&str> {
        self.0.scim_type.as_deref()
    }

    #[getter]
    fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    #[getter]
    fn trace_id(&self) -> Option<&str> {
        self.0.trace_id.as_deref()
    }

    /// The id of the rule the answer corresponds to, when atlscim knows one.
    #[getter]
    fn rule(&self) -> Option<&'static str> {
        self.0.rule.map(|r| r.id())
    }

    /// The classification as JSON, the same in every binding: keys status, kind, retryable,
    /// retryAfter, retryAfterClamped, scimType, detail, traceId, rule.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0.to_json())
    }

    fn __repr__(&self) -> String {
        let r = &self.0;
        let mut s = format!("<Response {} {}", r.status, r.kind.as_str());
        if let Some(wait) = r.retry_after {
            let clamped = if r.retry_after_clamped { " (clamped)" } else { "" };
            s.push_str(&format!(", retry after {wait}s{clamped}"));
        }
        if let Some(rule) = r.rule {
            s.push_str(&format!(", {}", rule.id()));
        }
        if let Some(detail) = &r.detail {
            s.push_str(&format!(": {detail:?}"));
        }
        s.push('>');
        s
    }

    fn __eq__(&self, other: &Bound<'_, PyResponse>) -> bool {
        self.0 == other.get().0
    }

    // Compared by value; not hashed, like the reports.
    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;
}

/// Whether a SCIM API key that expires at `expires_at` is still good at `now` (both Unix
/// seconds; Atlassian's keys expire one year after creation), warning `warn_days` days before:
/// `{"state": "valid" | "expires_soon" | "expired", "days_left": n}` (whole days; negative once
/// expired). The library reads no clock: pass `time.time()` as `now`.
#[pyfunction]
#[pyo3(signature = (expires_at, now, warn_days=30))]
pub(crate) fn key_expiry(
    py: Python<'_>,
    expires_at: i64,
    now: i64,
    warn_days: u32,
) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let k = atlscim_core::key_expiry(expires_at, now, warn_days);
    let d = pyo3::types::PyDict::new(py);
    d.set_item("state", k.state.as_str())?;
    d.set_item("days_left", k.days_left)?;
    Ok(d)
}
