//! `Profile.check_batch` and `Batch`: many requests checked as one directory sync.
//!
//! The core's [`Batch`] borrows its profile and is fed one request at a time. `check_batch`
//! keeps one for the length of the call and reads the iterable as it goes, so a generator over a
//! 150,000-user export is never held in memory as requests (the reports are, one per request).
//! [`PyBatch`] keeps one across calls, for scripts that check each request as they send it.
//!
//! A request reaches the core's batch by the route it takes for `Profile.check`
//! ([`crate::profile::check_with`]): text from its bytes with the GIL released, a dict walked
//! where it lies, so a batch reports what `Profile.check` reports for the same body.

use atlscim_core::Batch;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::profile::{PyProfile, check_with};
use crate::report::PyReport;

/// The error for a batch used by a second thread while it checks a request.
fn busy() -> PyErr {
    PyRuntimeError::new_err(
        "this Batch is checking a request in another thread: a batch checks its requests in order, one at a time",
    )
}

/// An error about request `index` of an iterable, saying which (TypeError and ValueError; any
/// other exception passes as it is).
fn at_request(py: Python<'_>, index: usize, error: PyErr) -> PyErr {
    let message = format!("requests[{index}]: {}", error.value(py));
    let located = if error.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(message)
    } else if error.is_instance_of::<PyValueError>(py) {
        PyValueError::new_err(message)
    } else {
        return error;
    };
    located.set_cause(py, Some(error));
    located
}

/// Checks one `(method, path[, body[, current]])` item of an iterable of requests.
fn check_item(py: Python<'_>, batch: &mut Batch<'_>, item: &Bound<'_, PyAny>) -> PyResult<PyReport> {
    let parts: Vec<Bound<'_, PyAny>> = if let Ok(tuple) = item.cast::<PyTuple>() {
        tuple.iter().collect()
    } else if let Ok(list) = item.cast::<PyList>() {
        list.iter().collect()
    } else {
        let name = item.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        return Err(PyTypeError::new_err(format!("expected a (method, path[, body[, current]]) tuple, got a {name}")));
    };
    if !(2..=4).contains(&parts.len()) {
        return Err(PyTypeError::new_err(format!(
            "expected a (method, path[, body[, current]]) tuple, got {} items",
            parts.len()
        )));
    }
    let text = |i: usize, name: &str| -> PyResult<String> {
        let part = &parts[i];
        match part.cast::<PyString>() {
            Ok(s) => Ok(s.to_str()?.to_owned()),
            Err(_) => Err(PyTypeError::new_err(format!("{name} must be a str"))),
        }
    };
    let (method, path) = (text(0, "method")?, text(1, "path")?);
    check_with(py, batch, &method, &path, parts.get(2), parts.get(3))
}

pub(crate) fn check_batch<'py>(
    py: Python<'py>,
    profile: &atlscim_core::Profile,
    requests: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let mut batch = Batch::new(profile);
    let reports = PyList::empty(py);
    for (index, item) in requests.try_iter()?.enumerate() {
        let report = check_item(py, &mut batch, &item?).map_err(|e| at_request(py, index, e))?;
        reports.append(report)?;
    }
    Ok(reports)
}

/// A batch of requests checked in order, one call at a time: the rules a single request cannot
/// show (a userName or primary email sent twice, users beyond the directory limit, requests for
/// a user the batch deleted, groups growing past their limit) see every request checked before.
///
/// A batch is a sequence: use it from one thread at a time (a second thread calling it while a
/// check runs gets `RuntimeError`).
#[pyclass(module = "atlscim._native", name = "Batch")]
#[derive(Debug)]
pub(crate) struct PyBatch {
    /// Borrows the profile that `owner` keeps alive. Declared first, so dropped first.
    batch: Batch<'static>,
    owner: Py<PyProfile>,
}

impl PyBatch {
    pub(crate) fn new(owner: Py<PyProfile>) -> PyBatch {
        let profile: *const atlscim_core::Profile = owner.get().core();
        // SAFETY: the profile lives inside the Python object `owner`, which this batch holds a
        // strong reference to for as long as it lives and releases only after `batch` is dropped
        // (field order). Python objects never move, and a `Profile` is frozen (`PyProfile` has no
        // way to change it), so the reference stays valid and unchanged. It never leaves this
        // struct: the core's reports and summary borrow nothing from the profile.
        let batch = Batch::new(unsafe { &*profile });
        PyBatch { batch, owner }
    }
}

#[pymethods]
impl PyBatch {
    /// Checks the next request of the batch (arguments as for `Profile.check`): its own issues
    /// plus those the batch so far shows.
    #[pyo3(signature = (method, path, body=None, current=None))]
    fn check(
        slf: &Bound<'_, PyBatch>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
        current: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReport> {
        let mut this = slf.try_borrow_mut().map_err(|_| busy())?;
        check_with(slf.py(), &mut this.batch, method, path, body, current)
    }

    /// Totals so far: `{"requests", "valid", "invalid", "by_rule": {rule id: issues}}`.
    fn summary<'py>(slf: &Bound<'py, PyBatch>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let this = slf.try_borrow().map_err(|_| busy())?;
        let summary = this.batch.summary();
        let by_rule = PyDict::new(py);
        for (rule, count) in &summary.by_rule {
            by_rule.set_item(rule, count)?;
        }
        let d = PyDict::new(py);
        d.set_item("requests", summary.requests)?;
        d.set_item("valid", summary.valid)?;
        d.set_item("invalid", summary.invalid)?;
        d.set_item("by_rule", by_rule)?;
        Ok(d)
    }

    /// The profile the batch checks with.
    #[getter]
    fn profile(slf: &Bound<'_, PyBatch>) -> PyResult<Py<PyProfile>> {
        Ok(slf.try_borrow().map_err(|_| busy())?.owner.clone_ref(slf.py()))
    }

    fn __repr__(slf: &Bound<'_, PyBatch>) -> String {
        let Ok(this) = slf.try_borrow() else {
            return "<Batch (checking a request)>".to_string();
        };
        let s = this.batch.summary();
        format!("<Batch {} requests: {} valid, {} invalid>", s.requests, s.valid, s.invalid)
    }
}
