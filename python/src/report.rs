//! `Report` and `Issue`: the core's verdict, read from Python.
//!
//! A report keeps what was checked so that `normalized` is built only when asked: for a dict the
//! lenient fixes leave alone, `normalized` is that same dict (not a copy); for text it is parsed
//! on first access; for a dict the fixes change, it is built on first access from a record of
//! the dict taken during the check (the caller may change their dict meanwhile), read straight
//! into a value, fixed, and written as Python objects once. Each is built once and then returned
//! as the same object.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use atlscim_core::{Body, Issue, Report};
use pyo3::PyTraverseError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde_json::Value;

use crate::exceptions::{Input, guard, unreadable};
use crate::from_python::{Snapshot, SnapshotError, text_bytes, to_value};
use crate::to_python::to_python;

/// The body as the check saw it, kept to build `normalized` from.
#[derive(Debug)]
pub(crate) enum Checked {
    /// No body, or none that could be read: `normalized` is None.
    Nothing,
    /// JSON text (a `str`, or `bytes`), immutable, parsed when `normalized` is first read.
    Text(Py<PyAny>),
    /// A Python object the fixes do not change: `normalized` is this very object.
    Same(Py<PyAny>),
    /// A record of a Python object the fixes change, read into a value and fixed when
    /// `normalized` is first read.
    Snapshot(Snapshot),
}

/// The value a snapshot records.
fn snapshot_value(py: Python<'_>, snapshot: &Snapshot) -> PyResult<Value> {
    snapshot.to_value(py).map_err(|e| match e {
        SnapshotError::Problem(p) => unreadable(py, Input::BODY, &p),
        SnapshotError::Python(e) => e,
    })
}

/// One finding, located in the body.
#[pyclass(frozen, module = "atlscim._native", name = "Issue")]
#[derive(Debug, PartialEq)]
pub(crate) struct PyIssue(Issue);

#[pymethods]
impl PyIssue {
    /// "error", "warning" or "info".
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity().as_str()
    }

    /// The rule id, e.g. "ATL-U-003" (see `atlscim.rules()`).
    #[getter]
    fn rule(&self) -> &'static str {
        self.0.rule().id()
    }

    /// The SCIM attribute path, e.g. "emails[1].value".
    #[getter]
    fn path(&self) -> &str {
        self.0.path()
    }

    /// The RFC 6901 pointer into the body, e.g. "/emails/1/value".
    #[getter]
    fn pointer(&self) -> &str {
        self.0.pointer()
    }

    /// The HTTP status the server would answer (errors only).
    #[getter]
    fn status(&self) -> Option<u16> {
        self.0.status()
    }

    /// The scimType the server would answer (errors only, where it sends one).
    #[getter]
    fn scim_type(&self) -> Option<&'static str> {
        self.0.scim_type()
    }

    #[getter]
    fn detail(&self) -> &str {
        self.0.detail()
    }

    /// The issue in the report's JSON shape (keys severity, rule, path, pointer, status,
    /// scimType, detail).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        issue_dict(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let i = &self.0;
        format!(
            "Issue(severity={:?}, rule={:?}, path={:?}, pointer={:?}, status={}, scim_type={}, detail={:?})",
            i.severity().as_str(),
            i.rule().id(),
            i.path(),
            i.pointer(),
            i.status().map_or("None".to_string(), |s| s.to_string()),
            i.scim_type().map_or("None".to_string(), |t| format!("{t:?}")),
            i.detail(),
        )
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __eq__(&self, other: &Bound<'_, PyIssue>) -> bool {
        self == other.get()
    }

    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        let i = &self.0;
        (i.severity(), i.rule().id(), &i.path(), &i.pointer(), &i.detail()).hash(&mut h);
        h.finish()
    }
}

fn issue_dict<'py>(py: Python<'py>, issue: &Issue) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("severity", issue.severity().as_str())?;
    d.set_item("rule", issue.rule().id())?;
    d.set_item("path", issue.path())?;
    d.set_item("pointer", issue.pointer())?;
    d.set_item("status", issue.status())?;
    d.set_item("scimType", issue.scim_type())?;
    d.set_item("detail", issue.detail())?;
    Ok(d)
}

/// The verdict on one request.
#[pyclass(frozen, module = "atlscim._native", name = "Report")]
pub(crate) struct PyReport {
    report: Report,
    checked: Checked,
    /// A std `OnceLock` rather than a `PyOnceLock`: the garbage collector's `__traverse__` must
    /// read it without a `Python` token.
    normalized: OnceLock<Py<PyAny>>,
    issues: PyOnceLock<Vec<Py<PyIssue>>>,
}

impl PyReport {
    pub(crate) fn new(report: Report, checked: Checked) -> PyReport {
        PyReport { report, checked, normalized: OnceLock::new(), issues: PyOnceLock::new() }
    }

    fn normalized_object<'py>(&self, py: Python<'py>) -> PyResult<&Py<PyAny>> {
        if let Some(built) = self.normalized.get() {
            return Ok(built);
        }
        let built = guard(|| self.build_normalized(py))?;
        // Building allocates Python objects, and an allocation can run a garbage collection and
        // its finalizers (Python code, which may let another thread run), so another thread may
        // have built it meanwhile: the first one stored is the one every caller sees.
        let _ = self.normalized.set(built);
        self.normalized.get().ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("normalized was not stored"))
    }

    /// The core report.
    pub(crate) fn core(&self) -> &Report {
        &self.report
    }

    /// `normalized` as compact JSON text, built from the checked body without making Python
    /// objects (what a transport sends): the checked text itself when the fixes change nothing,
    /// None when there is nothing to send or no body.
    pub(crate) fn normalized_json<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.report.nothing_to_send() {
            return Ok(None);
        }
        let value = match &self.checked {
            Checked::Nothing => return Ok(None),
            Checked::Text(text) if !self.report.changes_body() => {
                let text = text.bind(py);
                if text.cast::<PyBytes>().is_ok() {
                    return Ok(Some(text.clone()));
                }
                return Ok(Some(PyBytes::new(py, text_bytes(text)?).into_any()));
            }
            Checked::Text(text) => self.report.normalized_value(Some(&Body::Json(text_bytes(text.bind(py))?))),
            Checked::Snapshot(snapshot) => {
                let mut value = snapshot_value(py, snapshot)?;
                self.report.apply_fixes(&mut value);
                Some(value)
            }
            Checked::Same(_) => {
                let object = self.normalized_object(py)?.bind(py);
                if object.is_none() {
                    return Ok(None);
                }
                Some(to_value(object).map_err(|p| unreadable(py, Input::BODY, &p))?)
            }
        };
        let Some(value) = value else { return Ok(None) };
        let text = serde_json::to_vec(&value)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("normalized: {e}")))?;
        Ok(Some(PyBytes::new(py, &text).into_any()))
    }

    fn build_normalized(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.report.nothing_to_send() {
            // Every operation was dropped: no PatchOp to send (an empty one is refused).
            return Ok(py.None());
        }
        match &self.checked {
            Checked::Nothing => Ok(py.None()),
            Checked::Same(obj) => Ok(obj.clone_ref(py)),
            Checked::Snapshot(snapshot) => {
                let mut value = snapshot_value(py, snapshot)?;
                self.report.apply_fixes(&mut value);
                Ok(to_python(py, &value)?.unbind())
            }
            Checked::Text(text) => {
                let text = text.bind(py);
                match self.report.normalized_value(Some(&Body::Json(text_bytes(text)?))) {
                    Some(value) => Ok(to_python(py, &value)?.unbind()),
                    None => Ok(py.None()),
                }
            }
        }
    }
}

#[pymethods]
impl PyReport {
    /// True when no issue is an error: Atlassian would accept the request.
    #[getter]
    fn valid(&self) -> bool {
        self.report.valid()
    }

    /// The HTTP status Atlassian would answer; None when valid.
    #[getter]
    fn status(&self) -> Option<u16> {
        self.report.status()
    }

    /// Every issue, in document order (a new list each time; the issues themselves are shared).
    #[getter]
    fn issues<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let issues = self.issues.get_or_try_init(py, || {
            self.report.issues().iter().map(|i| Py::new(py, PyIssue(i.clone()))).collect::<PyResult<Vec<_>>>()
        })?;
        PyList::new(py, issues.iter().map(|i| i.bind(py)))
    }

    /// How many issues were found but left out of `issues`: a report keeps at most
    /// `limits.max_issues` (errors first), and its last issue (rule RFC-J-006) says how many more
    /// there were. 0 when none were left out.
    #[getter]
    fn omitted(&self) -> usize {
        self.report.omitted()
    }

    /// The HTTP status Atlassian would answer to the body as it was sent, not to `normalized`:
    /// that of the first error, else that of the first lenient fix of something Atlassian refuses
    /// (a missing `schemas` is 400); None when it would accept it. In strict mode it is `status`.
    #[getter]
    fn sent_status(&self) -> Option<u16> {
        self.report.sent_status()
    }

    /// The lenient fixes as data: what `normalized` changes in the body as checked, a list of
    /// operations (`{"op": "replace", "path", "value"}`, `{"op": "remove", "path"}`, `{"op":
    /// "rename", "from", "to"}`, `{"op": "addSchema", "value"}`, `{"op": "moveIntoExtension",
    /// "from", "to", "name"}`; paths are JSON pointers into the body as checked). Empty when
    /// nothing was fixed.
    #[getter]
    fn fixes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_python(py, &self.report.fixes_json()))
    }

    /// The body as it should be sent, after lenient fixes; None when the body could not be read.
    #[getter]
    fn normalized(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.normalized_object(py).map(|o| o.clone_ref(py))
    }

    /// True when there is nothing left to send: a valid PATCH whose every operation lenient
    /// mode dropped (a no-op, or an attribute Atlassian does not store); normalized is None then,
    /// never a PatchOp with an empty Operations, and the info issues say why.
    #[getter]
    fn nothing_to_send(&self) -> bool {
        self.report.nothing_to_send()
    }

    /// The report in the JSON shape every binding and the CLI share (keys valid, status, issues,
    /// omitted, sentStatus, normalized; issue keys as in `Issue.to_dict()`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("valid", self.report.valid())?;
        d.set_item("status", self.report.status())?;
        let issues = PyList::empty(py);
        for issue in self.report.issues() {
            issues.append(issue_dict(py, issue)?)?;
        }
        d.set_item("issues", issues)?;
        d.set_item("omitted", self.report.omitted())?;
        d.set_item("sentStatus", self.report.sent_status())?;
        d.set_item("normalized", self.normalized_object(py)?)?;
        Ok(d)
    }

    /// The SCIM Error body (RFC 7644 §3.12) Atlassian would answer, for the first error; None
    /// when valid.
    fn to_scim_error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(|| self.report.to_scim_error().map(|e| to_python(py, &e)).transpose())
    }

    fn __repr__(&self) -> String {
        format!("<Report {}>", self.report.summary(3))
    }

    /// Equal when `to_dict()` would be: the same verdict, issues and normalized body.
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyReport>) -> PyResult<bool> {
        let other = other.get();
        if self.report != other.report {
            return Ok(false);
        }
        self.normalized_object(py)?.bind(py).eq(other.normalized_object(py)?.bind(py))
    }

    // Reports hold mutable dicts and compare by value, so they cannot be hashed.
    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    /// Lets the garbage collector find cycles through a report, such as a body dict that is
    /// given its own report (`user["report"] = profile.check("POST", "/Users", user)`). A
    /// report's references never change, so the dict's own clearing breaks such a cycle.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        match &self.checked {
            Checked::Text(obj) | Checked::Same(obj) => visit.call(obj)?,
            Checked::Snapshot(snapshot) => snapshot.traverse(&visit)?,
            Checked::Nothing => {}
        }
        if let Some(normalized) = self.normalized.get() {
            visit.call(normalized)?;
        }
        Ok(())
    }
}
