//! What the binding raises, and the guard that keeps a Rust panic out of Python.
//!
//! An invalid SCIM request is never an exception: it is a report. Exceptions are for calls that
//! cannot be made: a config the core refuses (`ConfigError`, defined in Python in
//! `atlscim/errors.py` so it can subclass both `ScimError` and `ValueError`), a Python value JSON
//! cannot carry (`TypeError`, or `ValueError` for nesting too deep or a dict containing itself),
//! and, should the core ever panic, a `RuntimeError` that says it is a bug.

use std::panic::{AssertUnwindSafe, catch_unwind};

use atlscim_core::ConfigError;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use crate::from_python::{Problem, ProblemKind};

/// What a Python value is being read as, for the words of the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    Body,
    Current,
    Config,
}

/// `atlscim.errors.ConfigError`, imported once.
fn config_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    TYPE.import(py, "atlscim.errors", "ConfigError")
}

/// `ConfigError(detail, key=...)`; `str(e)` and `e.detail` name the key, as the core writes it.
pub(crate) fn config_error(py: Python<'_>, error: &ConfigError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("key", &error.key)?;
        let instance = config_error_type(py)?.call((error.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|import_failed| import_failed)
}

/// The exception for a Python value that could not be read as JSON.
pub(crate) fn unreadable(py: Python<'_>, input: Input, problem: &Problem) -> PyErr {
    let what = &problem.what;
    match (input, &problem.kind) {
        (Input::Config, kind) => {
            let detail = match kind {
                ProblemKind::NotJson => format!("{what} is not JSON"),
                ProblemKind::TooDeep => "is nested too deeply (or contains itself)".to_string(),
            };
            config_error(py, &ConfigError { key: problem.key.clone(), message: detail })
        }
        (_, ProblemKind::NotJson) => {
            let name = if input == Input::Body { "body" } else { "current" };
            let at = if problem.pointer.is_empty() { String::new() } else { format!(" at {}", problem.pointer) };
            PyTypeError::new_err(format!("{name}: {what}{at} cannot be sent as JSON"))
        }
        (_, ProblemKind::TooDeep) => {
            let name = if input == Input::Body { "body" } else { "current" };
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
