//! `Profile`: the core's compiled rule set, built from a config and shared freely.
//!
//! `check` hands the body to the core in the form it came in: JSON text (`str` or `bytes`) is
//! checked from its bytes with the GIL released, which is safe because both types are immutable
//! and this call holds a reference to the object. Any other Python value (a dict) is walked by the
//! core where it lies through [`crate::from_python`]; reading Python objects needs the GIL, so
//! that walk (which is the whole check for a dict) runs holding it. benches/python measures the
//! alternative, converting the dict to a `Value` and checking that detached: on the benchmark
//! User the conversion alone holds the GIL about as long as the whole walk (some 3 µs), and the
//! call takes a third longer in all.

use atlscim_core::{Body, Profile, Request};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;

use crate::exceptions::{Input, config_error, guard, unreadable};
use crate::from_python::{ProblemKind, Reader, Snapshot, to_value};
use crate::report::{Checked, PyReport};
use crate::to_python::to_python;

/// An immutable, thread-safe rule set.
#[pyclass(frozen, module = "atlscim._native", name = "Profile")]
#[derive(Debug)]
pub(crate) struct PyProfile {
    profile: Profile,
}

/// A Python value read as JSON for the core, or the exception that says why it cannot be.
fn read(obj: &Bound<'_, PyAny>, input: Input) -> PyResult<Value> {
    to_value(obj).map_err(|problem| unreadable(obj.py(), input, &problem))
}

/// The text of a `str` or `bytes` body, or None for any other object.
///
/// A `str` holding a lone surrogate has no UTF-8 form; its bytes with the surrogate encoded
/// anyway ("surrogatepass") are not UTF-8 either, so the core reports the body as it reports
/// any text that is not UTF-8, with the byte offset.
fn body_text<'py>(body: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
    if body.is_exact_instance_of::<PyDict>() {
        return Ok(None);
    }
    if let Ok(s) = body.cast::<PyString>() {
        if s.to_str().is_ok() {
            return Ok(Some(body.clone()));
        }
        return Ok(Some(s.call_method1("encode", ("utf-8", "surrogatepass"))?));
    }
    if body.cast::<PyBytes>().is_ok() {
        return Ok(Some(body.clone()));
    }
    Ok(None)
}

impl PyProfile {
    /// The core profile (the conversion bench checks with it directly).
    #[cfg(feature = "conversion-bench")]
    pub(crate) fn core(&self) -> &Profile {
        &self.profile
    }

    fn from_value(py: Python<'_>, config: &Value) -> PyResult<PyProfile> {
        Profile::from_config(config).map(|profile| PyProfile { profile }).map_err(|e| config_error(py, &e))
    }

    fn check_text(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        text: Bound<'_, PyAny>,
        current: Option<&Value>,
    ) -> PyResult<PyReport> {
        let bytes = match text.cast::<PyString>() {
            Ok(s) => s.to_str()?.as_bytes(),
            Err(_) => text.cast::<PyBytes>()?.as_bytes(),
        };
        let request = Request { method, path, body: Some(Body::Json(bytes)), current };
        let report = py.detach(|| self.profile.check(&request));
        let checked = if report.readable() { Checked::Text(text.clone().unbind()) } else { Checked::Nothing };
        Ok(PyReport::new(report, checked))
    }

    fn check_object(
        &self,
        method: &str,
        path: &str,
        body: &Bound<'_, PyAny>,
        current: Option<&Value>,
    ) -> PyResult<PyReport> {
        let reader = Reader::default();
        let report = self.profile.check_deserializer(method, path, reader.root(body), current);
        match reader.into_problem() {
            // The core stops a body nested too deeply before the reader does, and reports it;
            // the reader's own stop only backs that up, and the core's report of it stands.
            Some(problem) if problem.kind == ProblemKind::NotJson => {
                return Err(unreadable(body.py(), Input::Body, &problem));
            }
            _ => {}
        }
        let checked = if report.changes_body() {
            Checked::Snapshot(Snapshot::take(body)?)
        } else if report.readable() {
            Checked::Same(body.clone().unbind())
        } else {
            Checked::Nothing
        };
        Ok(PyReport::new(report, checked))
    }
}

#[pymethods]
impl PyProfile {
    /// `Profile(**config)`: the atlassian profile, or the one the config keys describe
    /// (DESIGN.md "Config"), e.g. `Profile(verified_domains=["example.com"])`.
    #[new]
    #[pyo3(signature = (**config))]
    fn new(py: Python<'_>, config: Option<&Bound<'_, PyDict>>) -> PyResult<PyProfile> {
        guard(|| match config {
            None => Ok(PyProfile { profile: Profile::atlassian() }),
            Some(config) => PyProfile::from_value(py, &read(config.as_any(), Input::Config)?),
        })
    }

    /// Builds a profile from a config dict or config JSON text.
    #[staticmethod]
    fn from_config(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<PyProfile> {
        guard(|| {
            if let Ok(text) = config.cast::<PyString>() {
                return Profile::from_config_json(text.to_str()?)
                    .map(|profile| PyProfile { profile })
                    .map_err(|e| config_error(py, &e));
            }
            PyProfile::from_value(py, &read(config, Input::Config)?)
        })
    }

    /// The atlassian profile with its defaults (the same as `Profile()`).
    #[staticmethod]
    fn atlassian() -> PyProfile {
        PyProfile { profile: Profile::atlassian() }
    }

    /// RFC 7643/7644 alone, lenient.
    #[staticmethod]
    fn rfc() -> PyProfile {
        PyProfile { profile: Profile::rfc() }
    }

    /// The config this profile was built from, in canonical form (every key present).
    fn to_config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.profile.to_config())
    }

    /// Checks one request and says what Atlassian would answer. `body` is JSON text (`str` or
    /// `bytes`), a dict (or any JSON-compatible value), or None; `current` is the resource as
    /// Atlassian holds it now. An invalid request returns a report; only a body or `current`
    /// that cannot be JSON at all (a set, NaN, ...) raises, with TypeError.
    #[pyo3(signature = (method, path, body=None, current=None))]
    fn check(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
        current: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReport> {
        guard(|| {
            let current = current.filter(|c| !c.is_none()).map(|c| read(c, Input::Current)).transpose()?;
            let current = current.as_ref();
            let Some(body) = body.filter(|b| !b.is_none()) else {
                let request = Request { method, path, body: None, current };
                let report = py.detach(|| self.profile.check(&request));
                return Ok(PyReport::new(report, Checked::Nothing));
            };
            match body_text(body)? {
                Some(text) => self.check_text(py, method, path, text, current),
                None => self.check_object(method, path, body, current),
            }
        })
    }

    fn __repr__(&self) -> String {
        format!("Profile.from_config({})", self.profile.to_config())
    }
}
