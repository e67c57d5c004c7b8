//! `Profile.apply_patch` and `Profile.diff`: dicts read into values holding the GIL, the core's
//! work done with it released, the result written back as new dicts.

use atlscim_core::Profile;
use atlscim_core::schema::ResourceKind;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::exceptions::{Input, patch_error};
use crate::profile::read;
use crate::to_python::to_python;

/// `"User"` or `"Group"`, as SCIM names the resource types.
pub(crate) fn resource_kind(name: &str) -> PyResult<ResourceKind> {
    [ResourceKind::User, ResourceKind::Group]
        .into_iter()
        .find(|k| k.as_str() == name)
        .ok_or_else(|| PyValueError::new_err(format!("resource_type must be \"User\" or \"Group\", not {name:?}")))
}

pub(crate) fn apply_patch<'py>(
    py: Python<'py>,
    profile: &Profile,
    resource: &Bound<'py, PyAny>,
    patch: &Bound<'py, PyAny>,
    resource_type: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = resource_kind(resource_type)?;
    let mut resource = read(resource, Input::Json("resource"))?;
    let patch = read(patch, Input::Json("patch"))?;
    // The resource read from the caller's objects is ours: patched where it lies, not copied.
    match py.detach(|| profile.apply_patch_in_place(&mut resource, &patch, kind).map(|()| resource)) {
        Ok(patched) => to_python(py, &patched),
        Err(e) => Err(patch_error(py, &e)),
    }
}

pub(crate) fn diff<'py>(
    py: Python<'py>,
    profile: &Profile,
    current: &Bound<'py, PyAny>,
    desired: &Bound<'py, PyAny>,
    resource_type: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = resource_kind(resource_type)?;
    let current = read(current, Input::Json("current"))?;
    let desired = read(desired, Input::Json("desired"))?;
    match py.detach(|| profile.diff(&current, &desired, kind)) {
        Ok(messages) => to_python(py, &serde_json::Value::Array(messages)),
        Err(e) => Err(patch_error(py, &e)),
    }
}
