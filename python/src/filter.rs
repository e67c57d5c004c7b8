//! `atlscim.parse_filter` and `Filter`: RFC 7644 §3.4.2.2 filters, parsed, printed in canonical
//! form and evaluated against a resource. Parsing and matching are microseconds at most, less
//! than releasing and taking back the GIL would add, so both run holding it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use atlscim_core::filter::{self, EvalOptions, Filter, FilterLimits};
use pyo3::prelude::*;

use crate::exceptions::{Input, filter_error, guard};
use crate::profile::read;
use crate::to_python::to_python;

/// A parsed filter. `str(f)` is its canonical form, which parses back to the same filter.
#[pyclass(frozen, module = "atlscim._native", name = "Filter")]
#[derive(Debug)]
pub(crate) struct PyFilter {
    filter: Filter,
    /// Parsed leniently, so evaluated leniently too ("True" equals true, as Entra ID sends it).
    lenient: bool,
}

/// Parses a filter. Lenient by default: the forms identity providers send outside the grammar
/// are accepted, as the atlassian profile accepts them; `strict=True` takes RFC 7644 alone.
/// Raises `FilterError` (400 invalidFilter) with the offset where parsing stopped.
#[pyfunction]
#[pyo3(signature = (text, strict=false))]
pub(crate) fn parse_filter(py: Python<'_>, text: &str, strict: bool) -> PyResult<PyFilter> {
    guard(|| {
        let limits = FilterLimits { lenient: !strict, ..FilterLimits::default() };
        match filter::parse_with(text, &limits) {
            Ok(filter) => Ok(PyFilter { filter, lenient: !strict }),
            Err(e) => Err(filter_error(py, &e)),
        }
    })
}

#[pymethods]
impl PyFilter {
    /// Whether `resource` (a dict) matches, with SCIM semantics and no schema: attribute names
    /// and strings compare ignoring case, dateTimes as instants, a multi-valued attribute matches
    /// when any value does.
    fn matches(&self, resource: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| {
            let resource = read(resource, Input::Json("resource"))?;
            let options = EvalOptions { resource_type: None, lenient: self.lenient };
            Ok(filter::matches_with(&self.filter, &resource, &options))
        })
    }

    /// The filter as a tree: `{"op": "and", "filters": [a, b, ...]}` (an `and` or `or` chain is
    /// one node with all its operands),
    /// `{"op": "eq", "attr": "userName", "value": "bjensen"}`, `{"op": "pr", "attr": ...}`,
    /// `{"op": "not", "filter": ...}`, `{"op": "valuePath", "attr": ..., "filter": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.filter.to_json())
    }

    fn __str__(&self) -> String {
        self.filter.to_string()
    }

    fn __repr__(&self) -> String {
        format!("<Filter {}>", self.filter)
    }

    fn __eq__(&self, other: &Bound<'_, PyFilter>) -> bool {
        let other = other.get();
        self.filter == other.filter && self.lenient == other.lenient
    }

    /// Equal filters print the same, so the canonical form is hashed.
    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (self.filter.to_string(), self.lenient).hash(&mut h);
        h.finish()
    }
}
