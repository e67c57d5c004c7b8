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
//!
//! A batch's requests take the same route ([`check_with`], for `Profile.check`, `Batch.check` and
//! `Profile.check_batch`). The other operations take `serde_json::Value`s: their dicts are read
//! into values holding the GIL, the core's work runs with it released, and the result is written
//! back holding it ([`crate::patch`], [`crate::mapping`]).

use atlscim_core::{Batch, Body, Profile, Report, Request};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde::Deserializer;
use serde_json::Value;

use crate::batch::{self, PyBatch};
use crate::exceptions::{Input, config_error, guard, unreadable};
use crate::from_python::{ProblemKind, Reader, Snapshot, text_bytes, to_value};
use crate::mapping;
use crate::patch;
use crate::report::{Checked, PyReport};
use crate::to_python::to_python;

/// An immutable, thread-safe rule set.
#[pyclass(frozen, module = "atlscim._native", name = "Profile")]
#[derive(Debug)]
pub(crate) struct PyProfile {
    profile: Profile,
}

/// A Python value read as JSON for the core, or the exception that says why it cannot be.
pub(crate) fn read(obj: &Bound<'_, PyAny>, input: Input) -> PyResult<Value> {
    to_value(obj).map_err(|problem| unreadable(obj.py(), input, &problem))
}

/// An optional JSON argument (`current`): None and a missing argument are the same.
pub(crate) fn read_optional(obj: Option<&Bound<'_, PyAny>>, input: Input) -> PyResult<Option<Value>> {
    obj.filter(|o| !o.is_none()).map(|o| read(o, input)).transpose()
}

/// A request body as it reaches the core.
#[derive(Debug)]
pub(crate) enum BodyArg<'py> {
    /// None, or no body given.
    None,
    /// JSON text: a `str`, `bytes`, or the bytes of a `str` that has no UTF-8 form.
    Text(Bound<'py, PyAny>),
    /// Any other Python value (a dict), read as JSON.
    Object(Bound<'py, PyAny>),
}

impl<'py> BodyArg<'py> {
    /// Sorts a body argument by how it reaches the core.
    ///
    /// A `str` holding a lone surrogate has no UTF-8 form; its bytes with the surrogate encoded
    /// anyway ("surrogatepass") are not UTF-8 either, so the core reports the body as it reports
    /// any text that is not UTF-8, with the byte offset.
    pub(crate) fn of(body: Option<&Bound<'py, PyAny>>) -> PyResult<BodyArg<'py>> {
        let Some(body) = body.filter(|b| !b.is_none()) else {
            return Ok(BodyArg::None);
        };
        if body.is_exact_instance_of::<PyDict>() {
            return Ok(BodyArg::Object(body.clone()));
        }
        if let Ok(s) = body.cast::<PyString>() {
            if s.to_str().is_ok() {
                return Ok(BodyArg::Text(body.clone()));
            }
            // The C call, not `s.encode(...)`, which a str subclass may override.
            // SAFETY: `s` is a live str; the result is a new reference or NULL with an exception.
            let bytes = unsafe {
                Bound::from_owned_ptr_or_err(
                    s.py(),
                    ffi::PyUnicode_AsEncodedString(s.as_ptr(), c"utf-8".as_ptr(), c"surrogatepass".as_ptr()),
                )?
            };
            return Ok(BodyArg::Text(bytes));
        }
        if body.cast::<PyBytes>().is_ok() {
            return Ok(BodyArg::Text(body.clone()));
        }
        Ok(BodyArg::Object(body.clone()))
    }
}

impl PyProfile {
    /// The core profile.
    pub(crate) fn core(&self) -> &Profile {
        &self.profile
    }

    fn from_value(py: Python<'_>, config: &Value) -> PyResult<PyProfile> {
        Profile::from_config(config).map(|profile| PyProfile { profile }).map_err(|e| config_error(py, &e))
    }

    /// `Profile.check`, for the other parts of this crate (the transports' checkpoint).
    pub(crate) fn check_request(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
        current: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReport> {
        check_with(py, &mut &self.profile, method, path, body, current)
    }
}

/// What checks a request: a profile, or a batch (which adds its own rules and counts).
pub(crate) trait Checker: Send {
    fn check(&mut self, request: &Request<'_>) -> Report;
    fn check_deserializer<'de, D: Deserializer<'de>>(
        &mut self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
    ) -> Report;
}

impl Checker for &Profile {
    fn check(&mut self, request: &Request<'_>) -> Report {
        Profile::check(self, request)
    }

    fn check_deserializer<'de, D: Deserializer<'de>>(
        &mut self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
    ) -> Report {
        Profile::check_deserializer(self, method, path, body, current)
    }
}

impl Checker for Batch<'_> {
    fn check(&mut self, request: &Request<'_>) -> Report {
        Batch::check(self, request)
    }

    fn check_deserializer<'de, D: Deserializer<'de>>(
        &mut self,
        method: &str,
        path: &str,
        body: D,
        current: Option<&Value>,
    ) -> Report {
        Batch::check_deserializer(self, method, path, body, current)
    }
}

/// `Profile.check`, `Batch.check` and `Profile.check_batch`: the one route from Python to the
/// core's check. Text is checked from its bytes with the GIL released; a dict is walked where it
/// lies (holding the GIL), with a [`Snapshot`] taken when the lenient fixes change it.
pub(crate) fn check_with(
    py: Python<'_>,
    checker: &mut impl Checker,
    method: &str,
    path: &str,
    body: Option<&Bound<'_, PyAny>>,
    current: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyReport> {
    guard(|| {
        let current = read_optional(current, Input::CURRENT)?;
        let current = current.as_ref();
        match BodyArg::of(body)? {
            BodyArg::None => {
                let request = Request { method, path, body: None, current };
                let report = py.detach(|| checker.check(&request));
                Ok(PyReport::new(report, Checked::Nothing))
            }
            BodyArg::Text(text) => {
                let request = Request { method, path, body: Some(Body::Json(text_bytes(&text)?)), current };
                let report = py.detach(|| checker.check(&request));
                let checked = if report.readable() { Checked::Text(text.clone().unbind()) } else { Checked::Nothing };
                Ok(PyReport::new(report, checked))
            }
            BodyArg::Object(body) => check_object(checker, method, path, &body, current),
        }
    })
}

fn check_object(
    checker: &mut impl Checker,
    method: &str,
    path: &str,
    body: &Bound<'_, PyAny>,
    current: Option<&Value>,
) -> PyResult<PyReport> {
    // The snapshot is taken within the same read, so it records the body that was checked.
    let ((report, snapshot), problem) = Reader::read(body, |de| {
        let report = checker.check_deserializer(method, path, de, current);
        let snapshot = report.changes_body().then(|| Snapshot::take(body));
        (report, snapshot)
    });
    match problem {
        // The core stops a body nested too deeply before the reader does, and reports it;
        // the reader's own stop only backs that up, and the core's report of it stands.
        Some(problem) if problem.kind == ProblemKind::NotJson => {
            return Err(unreadable(body.py(), Input::BODY, &problem));
        }
        _ => {}
    }
    let checked = if let Some(snapshot) = snapshot {
        Checked::Snapshot(snapshot?)
    } else if report.readable() {
        Checked::Same(body.clone().unbind())
    } else {
        Checked::Nothing
    };
    Ok(PyReport::new(report, checked))
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

    /// Classifies an answer from Atlassian, as `atlscim.classify_response` does, with this
    /// profile's maximum wait (`limits.max_retry_after`).
    #[pyo3(signature = (status, body=None, headers=None, *, now=None))]
    fn classify_response(
        &self,
        status: u16,
        body: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
    ) -> PyResult<crate::response::PyResponse> {
        crate::response::classify_with(Some(&self.profile), status, body, headers, now)
    }

    /// Where the directory's SCIM API key stands at `now` (Unix seconds), from the config's
    /// `key_expires` and `key_expiry_warning_days`, as `key_expiry` gives it; None when the config
    /// gives no expiry date. `check` never warns about the key: it reads no clock.
    fn key_expiry<'py>(&self, py: Python<'py>, now: i64) -> PyResult<Option<Bound<'py, pyo3::types::PyDict>>> {
        let Some(k) = self.profile.key_expiry(now) else { return Ok(None) };
        let d = pyo3::types::PyDict::new(py);
        d.set_item("state", k.state.as_str())?;
        d.set_item("days_left", k.days_left)?;
        Ok(Some(d))
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
        self.check_request(py, method, path, body, current)
    }

    /// Applies a PatchOp message to a resource, all or nothing, as Atlassian would (RFC 7644
    /// §3.5.2 with the Entra ID and Okta forms when the profile is lenient, and Atlassian's
    /// rules). Returns the patched copy; raises `PatchError` (a `ScimError`) with what the server
    /// would answer when the patch cannot be applied.
    #[pyo3(signature = (resource, patch, resource_type="User"))]
    fn apply_patch<'py>(
        &self,
        py: Python<'py>,
        resource: &Bound<'py, PyAny>,
        patch: &Bound<'py, PyAny>,
        resource_type: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| patch::apply_patch(py, &self.profile, resource, patch, resource_type))
    }

    /// The PatchOp messages that turn `current` into `desired`, to be sent in order: an empty
    /// list when they are already the same, one message in the common case, more when the change
    /// is larger than one message may be under the profile's limits.
    #[pyo3(signature = (current, desired, resource_type="User"))]
    fn diff<'py>(
        &self,
        py: Python<'py>,
        current: &Bound<'py, PyAny>,
        desired: &Bound<'py, PyAny>,
        resource_type: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| patch::diff(py, &self.profile, current, desired, resource_type))
    }

    /// Checks requests as one batch (a directory sync), adding the rules only a batch can see.
    /// `requests` is any iterable of `(method, path[, body[, current]])` tuples, read one at a
    /// time; returns a report per request, in order.
    fn check_batch<'py>(&self, py: Python<'py>, requests: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        guard(|| batch::check_batch(py, &self.profile, requests))
    }

    /// A batch to feed one request at a time (`Batch.check`), for streams too long to pass to
    /// `check_batch` at once or checked as they are sent.
    fn batch(slf: &Bound<'_, PyProfile>) -> PyBatch {
        PyBatch::new(slf.clone().unbind())
    }

    /// Maps an identity-provider record to the SCIM User to send: `mapping` is a preset name
    /// (`"entra"`, `"okta"`, `"generic"`), a mapping dict or a `Mapping`. Raises `ScimError` with
    /// the first error when Atlassian would refuse the user (`map_user_report` has every issue).
    #[pyo3(signature = (record, mapping=None), text_signature = "($self, record, mapping='entra')")]
    fn map_user<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        mapping: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| mapping::map_user(py, &self.profile, record, mapping))
    }

    /// Like `map_user`, but returns the report on the mapped user instead of raising: the
    /// mapping's own findings, then the check of the user as a `POST /Users`. Its `normalized`
    /// is the user to send.
    #[pyo3(signature = (record, mapping=None), text_signature = "($self, record, mapping='entra')")]
    fn map_user_report<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        mapping: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyReport> {
        guard(|| mapping::map_user_report(py, &self.profile, record, mapping))
    }

    /// Maps an identity-provider group (Microsoft Graph or Okta shape) to the SCIM Group to
    /// send, its membership (`members`, or the record's own) flattened to users. Raises
    /// `ScimError` when Atlassian would refuse the group.
    #[pyo3(signature = (record, members=None))]
    fn map_group<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        members: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| mapping::map_group(py, &self.profile, record, members))
    }

    /// Like `map_group`, but returns the report on the mapped group; its `normalized` is the
    /// group to send.
    #[pyo3(signature = (record, members=None))]
    fn map_group_report<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        members: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyReport> {
        guard(|| mapping::map_group_report(py, &self.profile, record, members))
    }

    fn __repr__(&self) -> String {
        format!("Profile.from_config({})", self.profile.to_config())
    }
}
