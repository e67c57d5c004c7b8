//! Only with the `conversion-bench` feature: the ways a dict body can reach the core, side by
//! side, so that benches/python/bench_vs_scim2_models.py can time them in one run. The shipped
//! `Profile.check` uses the one that measured fastest (see profile.rs).

use atlscim_core::{Body, Request};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::from_python::{Reader, to_value};
use crate::profile::PyProfile;
use crate::report::{Checked, PyReport};

/// Checks `body` (a dict) by way of `option`:
/// - "serde_pyobject": serde-pyobject 0.8 converts it to a `serde_json::Value`, checked detached;
/// - "value": our reader converts it to a `Value`, checked detached;
/// - "value_attached": the same, checked without releasing the GIL;
/// - "direct_no_copy": the core walks the dict as `Profile.check` does, but no copy is kept for
///   `normalized` when the fixes change the body (the cost of that copy, by difference).
///
/// Each `Value` would serve as the copy `normalized` is built from. `Profile.check` itself is
/// the direct walk plus that copy when needed; `json.dumps` then text is timed from Python.
#[pyfunction]
#[pyo3(name = "_bench_check_via")]
fn check_via(
    py: Python<'_>,
    option: &str,
    profile: &Bound<'_, PyProfile>,
    method: &str,
    path: &str,
    body: &Bound<'_, PyAny>,
) -> PyResult<PyReport> {
    if option == "direct_no_copy" {
        let core = profile.get().core();
        let (report, _) = Reader::read(body, |body| core.check_deserializer(method, path, body, None));
        return Ok(PyReport::new(report, Checked::Nothing));
    }
    let value: serde_json::Value = match option {
        "serde_pyobject" => {
            serde_pyobject::from_pyobject(body.clone()).map_err(|e| PyValueError::new_err(e.to_string()))?
        }
        "value" | "value_attached" => to_value(body).map_err(|p| PyValueError::new_err(p.what(py)))?,
        other => return Err(PyValueError::new_err(format!("unknown option {other:?}"))),
    };
    let profile = profile.get().core();
    let request = Request { method, path, body: Some(Body::Value(&value)), current: None };
    let report =
        if option == "value_attached" { profile.check(&request) } else { py.detach(|| profile.check(&request)) };
    Ok(PyReport::new(report, Checked::Nothing))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(check_via, m)?)
}
