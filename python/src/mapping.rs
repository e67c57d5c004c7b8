//! Mapping identity-provider records to SCIM (`Profile.map_user`, `Profile.map_group`), the
//! compiled `Mapping`, and the normalizers on their own.
//!
//! `map_user` returns the user to send and raises `ScimError` when Atlassian would refuse it;
//! `map_user_report` returns the core's report instead, whose `normalized` is that user (the core
//! returns the user with its fixes applied). The normalizers return the core's JSON form of
//! their result as a dict and raise `NormalizeError` with the core's message, kind and
//! suggestion.

use std::borrow::Cow;

use atlscim_core::Profile;
use atlscim_core::mapping::{self, Mapping};
use pyo3::prelude::*;
use pyo3::types::PyString;
use serde::Serialize;
use serde_json::Value;

use crate::exceptions::{Input, guard, issue_error, mapping_error, normalize_error};
use crate::profile::{read, read_optional};
use crate::report::{Checked, PyReport};
use crate::to_python::to_python;

/// The preset `map_user` uses when given no mapping.
const DEFAULT_PRESET: &str = "entra";

/// A compiled mapping from identity-provider records to SCIM Users: a preset or JSON (the format
/// is the core's, the same in every binding). Build it once and use it for every record.
#[pyclass(frozen, module = "atlscim._native", name = "Mapping")]
#[derive(Debug)]
pub(crate) struct PyMapping(Cow<'static, Mapping>);

/// The mapping a `mapping=` argument names: a preset name, a `Mapping`, or a mapping as a dict.
fn resolve<'a>(py: Python<'_>, mapping: Option<&'a Bound<'_, PyAny>>) -> PyResult<Cow<'a, Mapping>> {
    let Some(mapping) = mapping.filter(|m| !m.is_none()) else {
        return Mapping::preset(DEFAULT_PRESET).map(Cow::Borrowed).map_err(|e| mapping_error(py, &e));
    };
    if let Ok(name) = mapping.cast::<PyString>() {
        return Mapping::preset(name.to_str()?).map(Cow::Borrowed).map_err(|e| mapping_error(py, &e));
    }
    if let Ok(compiled) = mapping.cast::<PyMapping>() {
        return Ok(Cow::Borrowed(compiled.get().0.as_ref()));
    }
    let spec = read(mapping, Input::Json("mapping"))?;
    Mapping::from_json(&spec).map(Cow::Owned).map_err(|e| mapping_error(py, &e))
}

fn mapped_user(
    py: Python<'_>,
    profile: &Profile,
    record: &Bound<'_, PyAny>,
    mapping: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Value, atlscim_core::Report)> {
    let mapping = resolve(py, mapping)?;
    let record = read(record, Input::Json("record"))?;
    Ok(py.detach(|| profile.map_user(&record, &mapping)))
}

fn mapped_group(
    py: Python<'_>,
    profile: &Profile,
    record: &Bound<'_, PyAny>,
    members: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Value, atlscim_core::Report)> {
    let record = read(record, Input::Json("record"))?;
    let members = read_optional(members, Input::Json("members"))?;
    Ok(py.detach(|| profile.map_group(&record, members.as_ref())))
}

/// The resource, or `ScimError` with the report's first error.
fn resource_or_error<'py>(
    py: Python<'py>,
    resource: &Value,
    report: &atlscim_core::Report,
) -> PyResult<Bound<'py, PyAny>> {
    match report.first_error() {
        Some(issue) => Err(issue_error(py, issue)),
        None => to_python(py, resource),
    }
}

/// The report on a mapped resource, with the resource as its `normalized`.
fn report_of(py: Python<'_>, resource: &Value, report: atlscim_core::Report) -> PyResult<PyReport> {
    let resource = to_python(py, resource)?.unbind();
    Ok(PyReport::new(report, Checked::Same(resource)))
}

pub(crate) fn map_user<'py>(
    py: Python<'py>,
    profile: &Profile,
    record: &Bound<'py, PyAny>,
    mapping: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (user, report) = mapped_user(py, profile, record, mapping)?;
    resource_or_error(py, &user, &report)
}

pub(crate) fn map_user_report(
    py: Python<'_>,
    profile: &Profile,
    record: &Bound<'_, PyAny>,
    mapping: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyReport> {
    let (user, report) = mapped_user(py, profile, record, mapping)?;
    report_of(py, &user, report)
}

pub(crate) fn map_group<'py>(
    py: Python<'py>,
    profile: &Profile,
    record: &Bound<'py, PyAny>,
    members: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (group, report) = mapped_group(py, profile, record, members)?;
    resource_or_error(py, &group, &report)
}

pub(crate) fn map_group_report(
    py: Python<'_>,
    profile: &Profile,
    record: &Bound<'_, PyAny>,
    members: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyReport> {
    let (group, report) = mapped_group(py, profile, record, members)?;
    report_of(py, &group, report)
}

#[pymethods]
impl PyMapping {
    /// Loads a mapping from a dict or JSON text; raises `MappingError` naming the entry at fault.
    #[new]
    fn new(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<PyMapping> {
        guard(|| {
            let loaded = match spec.cast::<PyString>() {
                Ok(text) => Mapping::from_json_str(text.to_str()?),
                Err(_) => Mapping::from_json(&read(spec, Input::Json("mapping"))?),
            };
            loaded.map(|m| PyMapping(Cow::Owned(m))).map_err(|e| mapping_error(py, &e))
        })
    }

    /// A built-in mapping: "entra" (Microsoft Graph users), "okta" (Okta users or their
    /// profiles) or "generic" (records whose attributes carry SCIM names).
    #[staticmethod]
    fn preset(py: Python<'_>, name: &str) -> PyResult<PyMapping> {
        Mapping::preset(name).map(|m| PyMapping(Cow::Borrowed(m))).map_err(|e| mapping_error(py, &e))
    }

    /// What the mapping is for.
    #[getter]
    fn description(&self) -> &str {
        self.0.description()
    }

    /// The SCIM attributes the mapping writes, in order.
    #[getter]
    fn targets(&self) -> Vec<&str> {
        self.0.targets().collect()
    }

    /// The mapping as JSON, in the format `Mapping(spec)` reads (presets included).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0.to_json())
    }

    fn __repr__(&self) -> String {
        format!("<Mapping {:?}: {} attributes>", self.0.description(), self.0.targets().count())
    }

    fn __eq__(&self, other: &Bound<'_, PyMapping>) -> bool {
        self.0 == other.get().0
    }

    // Compared by value; not hashed.
    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;
}

/// A core result in its JSON form (the field names every binding shares).
fn json<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    to_python(py, &value)
}

/// An IANA time zone name, legacy link or Windows id as the canonical IANA name:
/// `{"name", "canonical", "kind"}` with kind "iana", "iana_alias" or "windows". Abbreviations,
/// offsets, Windows display names and unknown names raise `NormalizeError` with a suggestion
/// where one can be told.
#[pyfunction]
pub(crate) fn normalize_timezone<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(|| match mapping::normalize_timezone(value) {
        Ok(tz) => json(py, &tz),
        Err(e) => Err(normalize_error(py, &e.to_string(), e.kind(), value, e.suggestion())),
    })
}

/// A BCP 47 language tag in canonical form (`en_us` → `en-US`, `iw` → `he`):
/// `{"tag", "language", "script", "region"}`. Raises `NormalizeError` otherwise.
#[pyfunction]
pub(crate) fn normalize_locale<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(|| match mapping::normalize_locale(value) {
        Ok(tag) => json(py, &tag),
        Err(e) => Err(normalize_error(py, &e.to_string(), e.kind(), value, e.suggestion())),
    })
}

/// An Accept-Language list (`da, en-GB;q=0.8`): `{"best", "ranges", "errors"}`. `best` is the
/// preferred tag (as `normalize_locale` gives it) or None; `ranges` the usable items
/// (`{"index", "tag", "quality"}`, quality in thousandths, tag None for `*`); `errors` the
/// malformed ones (`{"index", "item", "detail"}`). Never raises for the list's content.
#[pyfunction]
pub(crate) fn parse_accept_language<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(|| json(py, &mapping::parse_accept_language(value)))
}

/// The Atlassian product language closest to a language tag (`fr-CA` → `fr-FR`, `nb` →
/// `no-NO`), or None when none shares its language. The tag goes through `normalize_locale`
/// first, and raises as it does.
#[pyfunction]
pub(crate) fn nearest_atlassian_language(py: Python<'_>, tag: &str) -> PyResult<Option<&'static str>> {
    guard(|| match mapping::normalize_locale(tag) {
        Ok(t) => Ok(mapping::nearest_atlassian_language(&t)),
        Err(e) => Err(normalize_error(py, &e.to_string(), e.kind(), tag, e.suggestion())),
    })
}

/// An email address as it should be sent (domain in lower-case ASCII, IDN as punycode, local
/// part untouched): `{"address", "local", "domain"}`. Raises `NormalizeError` (kind "invalid").
#[pyfunction]
pub(crate) fn normalize_email<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(|| match mapping::normalize_email(value) {
        Ok(email) => json(py, &email),
        Err(e) => Err(normalize_error(py, &format!("{value:?} is not an email address: {e}"), e.kind(), value, None)),
    })
}

/// A display name split as Atlassian's display-name rule needs it:
/// `{"given", "family", "prefix", "suffix"}` (prefix and suffix None when absent).
#[pyfunction]
pub(crate) fn split_display_name<'py>(py: Python<'py>, display_name: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(|| json(py, &mapping::split_display_name(display_name)))
}

/// The display name Atlassian builds from given and family name (`given family`, or
/// `familygiven` for names in Han, Kana or Hangul).
#[pyfunction]
pub(crate) fn join_display_name(given: &str, family: &str) -> String {
    mapping::join_display_name(given, family)
}
