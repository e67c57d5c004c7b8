//! Python bindings for atlscim: the compiled module `atlscim._native`.
//!
//! The `atlscim` package (python/atlscim) re-exports what is here and defines the exceptions in
//! Python. This crate converts at the edge and holds no SCIM logic: every verdict, message and
//! fix comes from atlscim-core.
//!
//! - [`profile`]: `Profile`, which takes a request's body as JSON text or as Python objects;
//! - [`report`]: `Report` and `Issue`;
//! - [`patch`]: `Profile.apply_patch` and `Profile.diff`;
//! - [`batch`]: `Profile.check_batch` and `Batch`;
//! - [`filter`]: `parse_filter` and `Filter`;
//! - [`response`]: `classify_response` and `Response`;
//! - [`mapping`]: `Profile.map_user` / `map_group`, `Mapping` and the normalizers;
//! - [`from_python`] / [`to_python`]: Python objects read as JSON, JSON values written back;
//! - [`preflight`]: the per-request work of the HTTP transports (`atlscim.preflight`);
//! - [`sync`]: `plan`, `Plan` and `Executor` (the sans-IO sync that `atlscim.sync` drives);
//! - [`server`]: `_Server`, `atlscim serve` in-process for `atlscim.testing`;
//! - [`exceptions`]: what is raised, and the guard that keeps panics out of Python.

use pyo3::prelude::*;
use pyo3::types::PyList;

mod batch;
mod exceptions;
mod filter;
mod from_python;
mod mapping;
mod patch;
mod preflight;
mod profile;
mod report;
mod response;
mod server;
mod sync;
mod to_python;

#[cfg(feature = "conversion-bench")]
mod conversion_bench;

/// Every rule atlscim enforces, in id order, as dicts with the keys id, severity, status,
/// scimType, statusInferred (Atlassian does not document the status), summary, source, example
/// and advice.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    exceptions::guard(|| {
        let list = PyList::empty(py);
        for rule in atlscim_core::RULES {
            let value = serde_json::to_value(rule)
                .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("rule {}: {e}", rule.id())))?;
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
    m.add_class::<batch::PyBatch>()?;
    m.add_class::<filter::PyFilter>()?;
    m.add_class::<response::PyResponse>()?;
    m.add_class::<mapping::PyMapping>()?;
    m.add_class::<preflight::PyCheckpoint>()?;
    m.add_class::<preflight::PyVerdict>()?;
    m.add_class::<preflight::PyExchange>()?;
    m.add_class::<server::PyServer>()?;
    m.add_class::<sync::PyPlan>()?;
    m.add_class::<sync::PyExecutor>()?;
    m.add_class::<sync::PyPager>()?;
    m.add_function(wrap_pyfunction!(sync::plan, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(filter::parse_filter, m)?)?;
    m.add_function(wrap_pyfunction!(response::classify_response, m)?)?;
    m.add_function(wrap_pyfunction!(response::key_expiry, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::normalize_timezone, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::normalize_locale, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::parse_accept_language, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::nearest_atlassian_language, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::normalize_email, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::split_display_name, m)?)?;
    m.add_function(wrap_pyfunction!(mapping::join_display_name, m)?)?;
    m.add("__version__", atlscim_core::VERSION)?;
    #[cfg(feature = "conversion-bench")]
    conversion_bench::register(m)?;
    Ok(())
}
