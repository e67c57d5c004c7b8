//! What the binding raises, and the guard that keeps a Rust panic out of Python.
//!
//! An invalid SCIM request is never an exception: it is a report. Exceptions are for calls that
//! cannot be made. The SCIM ones are defined in Python (`atlscim/errors.py`), so that they can
//! subclass both `ScimError` and `ValueError`, and built here from the core's errors: a config
//! the core refuses (`ConfigError`), a PATCH it cannot apply (`PatchError`), a filter that does
//! not parse (`FilterError`), a mapping it cannot load (`MappingError`), a mapped user it would
//! refuse (`ScimError`), a value a normalizer cannot read (`NormalizeError`). A Python value JSON
//! cannot carry raises `TypeError` (or `ValueError` for nesting too deep or a dict containing
//! itself), and, should the core ever panic, a `RuntimeError` says it is a bug.

use std::panic::{AssertUnwindSafe, catch_unwind};

use atlscim_core::filter::FilterError;
use atlscim_core::mapping::MappingError;
use atlscim_core::patch::PatchError;
use atlscim_core::{ConfigError, Issue};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

use crate::from_python::{Problem, ProblemKind};

/// What a Python value is being read as, for the words of the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    /// A profile config: its problems are `ConfigError`s naming the key.
    Config,
    /// A JSON value passed as the argument of this name (`body`, `current`, `resource`, ...).
    Json(&'static str),
}

impl Input {
    pub(crate) const BODY: Input = Input::Json("body");
    pub(crate) const CURRENT: Input = Input::Json("current");
}

/// `atlscim.errors.<name>(detail, **kwargs)` as an exception to raise.
fn python_error(py: Python<'_>, name: &str, detail: &str, kwargs: &[(&str, Bound<'_, PyAny>)]) -> PyErr {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let build = || -> PyResult<PyErr> {
        let module = MODULE.get_or_try_init(py, || py.import("atlscim.errors").map(Bound::unbind))?;
        let args = PyDict::new(py);
        for (key, value) in kwargs {
            args.set_item(key, value)?;
        }
        let instance = module.bind(py).getattr(name)?.call((detail,), Some(&args))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|import_failed| import_failed)
}

/// A keyword argument's value (None should a conversion that cannot fail ever fail).
fn arg<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> Bound<'py, PyAny> {
    value.into_bound_py_any(py).unwrap_or_else(|_| py.None().into_bound(py))
}

/// `ConfigError(detail, key=...)`; `str(e)` and `e.detail` name the key, as the core writes it.
pub(crate) fn config_error(py: Python<'_>, error: &ConfigError) -> PyErr {
    python_error(py, "ConfigError", &error.to_string(), &[("key", arg(py, error.key()))])
}

/// `PatchError`: the rule broken (with its status and scimType), the operation and where.
pub(crate) fn patch_error(py: Python<'_>, error: &PatchError) -> PyErr {
    python_error(
        py,
        "PatchError",
        error.issue().detail(),
        &[
            ("operation", arg(py, error.operation())),
            ("status", arg(py, error.status())),
            ("scim_type", arg(py, error.scim_type())),
            ("rule", arg(py, error.issue().rule().id())),
            ("path", arg(py, error.issue().path())),
            ("pointer", arg(py, error.issue().pointer())),
        ],
    )
}

/// `FilterError`: the core's message, the offset, and what a server answers (the core's rule for
/// a filter that does not parse, RFC-F-001: 400 invalidFilter).
pub(crate) fn filter_error(py: Python<'_>, error: &FilterError) -> PyErr {
    let rule = error.rule();
    python_error(
        py,
        "FilterError",
        &error.to_string(),
        &[
            ("offset", arg(py, error.offset())),
            ("expected", arg(py, error.expected())),
            ("found", arg(py, error.found())),
            ("status", arg(py, rule.status())),
            ("scim_type", arg(py, rule.scim_type())),
            ("rule", arg(py, rule.id())),
        ],
    )
}

/// `MappingError(detail, entry=...)`, with the core's message, which names the entry.
pub(crate) fn mapping_error(py: Python<'_>, error: &MappingError) -> PyErr {
    python_error(py, "MappingError", &error.to_string(), &[("entry", arg(py, error.entry()))])
}

/// `ScimError` for an issue of a report: what the server would answer to it.
pub(crate) fn issue_error(py: Python<'_>, issue: &Issue) -> PyErr {
    python_error(
        py,
        "ScimError",
        issue.detail(),
        &[
            ("status", arg(py, issue.status())),
            ("scim_type", arg(py, issue.scim_type())),
            ("rule", arg(py, issue.rule().id())),
            ("path", arg(py, issue.path())),
            ("pointer", arg(py, issue.pointer())),
        ],
    )
}

/// `NormalizeError(detail, kind=..., value=..., suggestion=...)`.
pub(crate) fn normalize_error(
    py: Python<'_>,
    detail: &str,
    kind: &str,
    value: &str,
    suggestion: Option<&str>,
) -> PyErr {
    python_error(
        py,
        "NormalizeError",
        detail,
        &[("kind", arg(py, kind)), ("value", arg(py, value)), ("suggestion", arg(py, suggestion))],
    )
}

/// `SyncError(detail, kind=...)`: a sync input, plan or state that cannot be used, a plan a guard
/// rail refused (kind `refused`), or an answer fed with no request outstanding (kind `feed`).
pub(crate) fn sync_error(py: Python<'_>, kind: &str, detail: &str) -> PyErr {
    python_error(py, "SyncError", detail, &[("kind", arg(py, kind))])
}

/// The exception for a Python value that could not be read as JSON.
pub(crate) fn unreadable(py: Python<'_>, input: Input, problem: &Problem) -> PyErr {
    let what = problem.what(py);
    match (input, &problem.kind) {
        (Input::Config, kind) => {
            let detail = match kind {
                ProblemKind::NotJson => format!("{what} is not JSON"),
                ProblemKind::TooDeep => "is nested too deeply (or contains itself)".to_string(),
            };
            config_error(py, &ConfigError::new(problem.key.clone(), detail))
        }
        (Input::Json(name), ProblemKind::NotJson) => {
            let at = if problem.pointer.is_empty() { String::new() } else { format!(" at {}", problem.pointer) };
            PyTypeError::new_err(format!("{name}: {what}{at} cannot be sent as JSON"))
        }
        (Input::Json(name), ProblemKind::TooDeep) => {
            PyValueError::new_err(format!("{name} is nested too deeply to be JSON (or contains itself)"))
        }
    }
}

/// Runs `f`, turning a panic (a bug in atlscim) into a `RuntimeError` instead of letting pyo3
/// raise its `PanicException`, which `except Exception` does not catch.
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(PyRuntimeError::new_err(format!("atlscim internal error (a bug; please report it): {message}")))
    })
}
