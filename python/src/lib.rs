//! Python bindings for atlscim: the compiled module `atlscim._native`.
//!
//! The `atlscim` package (python/atlscim) re-exports what is here and defines the exceptions in
//! Python. This crate converts at the edge and holds no SCIM logic: every verdict, message and
//! fix comes from atlscim-core.
//!
//! - [`profile`]: `Profile`, which takes a request's body as JSON text or as Python objects;
//! - [`report`]: `Report` and `Issue`;
//! - [`from_python`] / [`to_python`]: Python objects read as JSON, JSON values written back;
//! - [`exceptions`]: what is raised, and the guard that keeps panics out of Python.

use pyo3::prelude::*;
use pyo3::types::PyList;

mod exceptions;
mod from_python;
mod profile;
mod report;
mod to_python;

#[cfg(feature = "conversion-bench")]
mod conversion_bench;

/// Every rule atlscim enforces, in id order, as dicts with the keys id, severity, status,
/// scimType, summary, source, example and advice.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    exceptions::guard(|| {
        let list = PyList::empty(py);
        for rule in atlscim_core::RULES {
            let value = serde_json::to_value(rule)
                .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("rule {}: {e}", rule.id)))?;
            list.append(to_python::to_python(py, &value)?)?;
        }
        Ok(list)
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<profile::PyProfile>()?;
    m.add_class::<report::PyReport>()?;
    m.add_class::<report::PyIssue>()?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add("__version__", atlscim_core::VERSION)?;
    #[cfg(feature = "conversion-bench")]
    conversion_bench::register(m)?;
    Ok(())
}
