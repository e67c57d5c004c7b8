//! What `atlscim.preflight` does on every request a transport checks, in one call each way:
//! `_Checkpoint.before` finds the request's path under the SCIM base URL, checks it and says what
//! to send (a `Verdict`); `_Checkpoint.exchange` makes the `Exchange` the response carries.
//!
//! They are here rather than in Python because they run on every SCIM request: in Python the
//! path, the verdict and the Exchange cost about as much again as the check (issue 16,
//! docs/benchmarks.md). What depends on the caller's choices stays in Python and is called back
//! only when needed: `on_invalid` (raise or log) for an invalid request, `recall` for the
//! remembered `current`, and the full URL parse for a URL that does not start with the base URL
//! as written.

use pyo3::PyTraverseError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

use crate::exceptions::guard;
use crate::profile::PyProfile;
use crate::report::PyReport;
use crate::response::{PyResponse, classify_with};

/// The decision on one request before it is sent: `body` is what to send (None: the caller's
/// body, unchanged), `skip` means send nothing and answer 204.
#[pyclass(frozen, module = "atlscim._native", name = "Verdict")]
pub(crate) struct PyVerdict {
    #[pyo3(get)]
    path: Py<PyAny>,
    #[pyo3(get)]
    report: Py<PyReport>,
    #[pyo3(get)]
    body: Option<Py<PyAny>>,
    #[pyo3(get)]
    skip: bool,
}

#[pymethods]
impl PyVerdict {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Verdict(path={}, report={}, body={}, skip={})",
            self.path.bind(py).repr()?,
            self.report.bind(py).repr()?,
            self.body.as_ref().map_or(Ok("None".to_string()), |b| b.bind(py).repr().map(|r| r.to_string()))?,
            if self.skip { "True" } else { "False" },
        ))
    }
}

/// What atlscim saw of one SCIM request and its answer (`atlscim.preflight.Exchange`).
#[pyclass(frozen, module = "atlscim._native", name = "Exchange")]
pub(crate) struct PyExchange {
    #[pyo3(get)]
    report: Py<PyReport>,
    #[pyo3(get)]
    sent_normalized: bool,
    #[pyo3(get)]
    synthetic: bool,
    /// The answer's status, body and headers, classified when `response` is first read.
    answer: Option<Answered>,
    /// Whose `limits.max_retry_after` holds the wait (None: the default).
    profile: Option<Py<PyProfile>>,
    response: PyOnceLock<Py<PyResponse>>,
}

/// An answer as the `answer` argument gives it: status, body, headers.
type Answer<'py> = (u16, Option<Bound<'py, PyAny>>, Option<Bound<'py, PyAny>>);

/// An answer kept to be classified: status, body, headers.
type Answered = (u16, Option<Py<PyAny>>, Option<Py<PyAny>>);

#[pymethods]
impl PyExchange {
    /// `Exchange(report, response=None, *, sent_normalized=False, synthetic=False, answer=None,
    /// profile=None)`: with either `response` (a classified answer) or `answer`, the answer's
    /// `(status, body, headers)`, classified with `profile` when `response` is first read.
    #[new]
    #[pyo3(signature = (report, response=None, *, sent_normalized=false, synthetic=false, answer=None, profile=None))]
    fn new(
        py: Python<'_>,
        report: Py<PyReport>,
        response: Option<Py<PyResponse>>,
        sent_normalized: bool,
        synthetic: bool,
        answer: Option<Answer<'_>>,
        profile: Option<Py<PyProfile>>,
    ) -> PyResult<PyExchange> {
        if response.is_some() == answer.is_some() {
            return Err(pyo3::exceptions::PyTypeError::new_err("Exchange needs either response or answer"));
        }
        let once = PyOnceLock::new();
        if let Some(response) = response {
            let _ = once.set(py, response);
        }
        let answer =
            answer.map(|(status, body, headers)| (status, body.map(Bound::unbind), headers.map(Bound::unbind)));
        Ok(PyExchange { report, sent_normalized, synthetic, answer, profile, response: once })
    }

    /// `classify_response` on the answer (retry, wait, auth, which rule), worked out the first
    /// time it is read, from the answer's status, body and headers as they came back, and kept:
    /// a caller who never looks at it does not pay for reading the headers into the core.
    #[getter]
    fn response(&self, py: Python<'_>) -> PyResult<Py<PyResponse>> {
        self.response
            .get_or_try_init(py, || {
                let Some((status, body, headers)) = &self.answer else {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err("Exchange has no answer"));
                };
                let profile = self.profile.as_ref().map(|p| p.get().core());
                let response = classify_with(
                    profile,
                    *status,
                    body.as_ref().map(|b| b.bind(py)),
                    headers.as_ref().map(|h| h.bind(py)),
                    None,
                )?;
                Py::new(py, response)
            })
            .map(|r| r.clone_ref(py))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let bool_text = |b: bool| if b { "True" } else { "False" };
        Ok(format!(
            "Exchange(report={}, response={}, sent_normalized={}, synthetic={})",
            self.report.bind(py).repr()?,
            self.response(py)?.bind(py).repr()?,
            bool_text(self.sent_normalized),
            bool_text(self.synthetic),
        ))
    }
}

/// The per-request half of `atlscim.preflight.Preflight`, built once by it.
#[pyclass(frozen, module = "atlscim._native", name = "_Checkpoint")]
pub(crate) struct PyCheckpoint {
    profile: Py<PyProfile>,
    /// The base URL as written, without a trailing slash.
    prefix: String,
    send_normalized: bool,
    /// Called as `on_invalid(method, path, report)` when a request is invalid (it raises or logs).
    on_invalid: Option<Py<PyAny>>,
    /// Called as `recall(path)` for the `current` to check a request against.
    recall: Option<Py<PyAny>>,
    /// Called as `parse(url)` for a URL that does not start with the base URL as written.
    parse: Py<PyAny>,
}

impl PyCheckpoint {
    fn path<'py>(&self, py: Python<'py>, url: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // The common case, a URL built from base_url as written, without parsing it.
        if let Ok(text) = url.extract::<&str>()
            && let Some(rest) = text.strip_prefix(self.prefix.as_str())
        {
            let rest = rest.split('#').next().unwrap_or_default();
            if rest.is_empty() {
                return Ok(Some(PyString::new(py, "/").into_any()));
            }
            if rest.starts_with('/') {
                return Ok(Some(PyString::new(py, rest).into_any()));
            }
            if rest.starts_with('?') {
                return Ok(Some(PyString::new(py, &format!("/{rest}")).into_any()));
            }
        }
        let path = self.parse.bind(py).call1((url,))?;
        Ok(if path.is_none() { None } else { Some(path) })
    }
}

#[pymethods]
impl PyCheckpoint {
    /// Lets the garbage collector see the callbacks, which are methods of the `Preflight` that
    /// holds this checkpoint: a cycle its own clearing breaks.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.profile)?;
        visit.call(&self.parse)?;
        if let Some(f) = &self.on_invalid {
            visit.call(f)?;
        }
        if let Some(f) = &self.recall {
            visit.call(f)?;
        }
        Ok(())
    }

    #[new]
    #[pyo3(signature = (profile, prefix, parse, *, send_normalized, on_invalid=None, recall=None))]
    fn new(
        profile: Py<PyProfile>,
        prefix: String,
        parse: Py<PyAny>,
        send_normalized: bool,
        on_invalid: Option<Py<PyAny>>,
        recall: Option<Py<PyAny>>,
    ) -> PyCheckpoint {
        PyCheckpoint { profile, prefix, send_normalized, on_invalid, recall, parse }
    }

    /// The request's path relative to the base URL, with its query string, or None when the URL
    /// is not under the base URL.
    fn scim_path<'py>(&self, py: Python<'py>, url: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.path(py, url)
    }

    /// Checks a request (None when its URL is not under the base URL: not checked) and says
    /// what to send. `body` is the JSON text (bytes or str), or `read`, called without arguments
    /// only when the URL is under the base URL, gives it (a body to another URL stays unread);
    /// an empty body is no body. Positional arguments: keywords cost a tenth of a microsecond.
    #[pyo3(signature = (method, url, body=None, read=None))]
    fn before<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: &Bound<'py, PyAny>,
        body: Option<Bound<'py, PyAny>>,
        read: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<PyVerdict>> {
        let Some(path) = self.path(py, url)? else {
            return Ok(None);
        };
        let body = match read {
            Some(read) => Some(read.call0()?),
            None => body,
        };
        let body = body.as_ref().filter(|b| !b.is_none() && !b.is_empty().unwrap_or(false));
        let current = match &self.recall {
            Some(recall) => Some(recall.bind(py).call1((&path,))?),
            None => None,
        };
        let path_text: &str = path.extract()?;
        let report = self.profile.get().check_request(py, method, path_text, body, current.as_ref())?;
        let valid = report.core().valid();
        let nothing_to_send = report.core().nothing_to_send();
        let send = if valid && self.send_normalized && body.is_some() && !nothing_to_send {
            guard(|| report.normalized_json(py))?
        } else {
            None
        };
        let report = Py::new(py, report)?;
        if !valid && let Some(on_invalid) = &self.on_invalid {
            on_invalid.bind(py).call1((method, &path, &report))?;
        }
        let skip = valid && self.send_normalized && body.is_some() && nothing_to_send;
        Ok(Some(PyVerdict { path: path.unbind(), report, body: send.map(Bound::unbind), skip }))
    }

    /// The Exchange of a request sent and answered: `status`, `body` and `headers` are the
    /// answer's, classified when `Exchange.response` is first read.
    fn exchange(
        &self,
        py: Python<'_>,
        verdict: &Bound<'_, PyVerdict>,
        status: u16,
        body: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
    ) -> PyExchange {
        let verdict = verdict.get();
        let body = (!body.is_none() && !body.is_empty().unwrap_or(false)).then(|| body.clone().unbind());
        PyExchange {
            report: verdict.report.clone_ref(py),
            sent_normalized: verdict.body.is_some(),
            synthetic: false,
            answer: Some((status, body, Some(headers.clone().unbind()))),
            profile: Some(self.profile.clone_ref(py)),
            response: PyOnceLock::new(),
        }
    }

    /// The Exchange of a request not sent because there was nothing to send (a 204 made here).
    fn skipped(&self, py: Python<'_>, verdict: &Bound<'_, PyVerdict>) -> PyResult<PyExchange> {
        let response = Py::new(py, classify_with(Some(self.profile.get().core()), 204, None, None, None)?)?;
        let once = PyOnceLock::new();
        let _ = once.set(py, response);
        Ok(PyExchange {
            report: verdict.get().report.clone_ref(py),
            sent_normalized: false,
            synthetic: true,
            answer: None,
            profile: Some(self.profile.clone_ref(py)),
            response: once,
        })
    }
}
