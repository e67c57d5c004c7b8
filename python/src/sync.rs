//! `plan`, `Plan` and `Executor`: the core's sync (docs/sync.md) for `atlscim.sync`, which does
//! the HTTP with httpx.
//!
//! Plans, actions and states reach Python as the dicts of their JSON forms, so the Python layer
//! and the other bindings read the same documents. Inputs may be text (JSON or NDJSON) or Python
//! objects (read as JSON by the same reader `Profile.check` uses).

use atlscim_core::sync::{
    self, Action, ExecOptions, ExecState, Executor, HttpResponse, PAGE_SIZE, Pager, Plan, PlanOptions, Resources,
    SyncError,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::exceptions::{Input, guard, sync_error};
use crate::profile::{PyProfile, read};
use crate::to_python::to_python;

/// A value of the core as the Python object of its JSON form.
fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(|e| sync_error(py, "json", &e.to_string()))?;
    to_python(py, &value)
}

/// Text given as `str` or `bytes` (None for any other object).
fn text_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(s.to_str()?.to_owned()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(String::from_utf8_lossy(b.as_bytes()).into_owned()));
    }
    Ok(None)
}

/// `desired` or `current`: JSON or NDJSON text, or Python objects (a dict with "Users" and
/// "Groups", a ListResponse page, a list of resources).
fn resources(obj: &Bound<'_, PyAny>, name: &'static str) -> PyResult<Resources> {
    let py = obj.py();
    let read_error = |e: SyncError| sync_error(py, e.kind(), &format!("{name}: {}", e.detail()));
    match text_of(obj)? {
        Some(text) => Resources::from_text(&text).map_err(read_error),
        None => Resources::from_json(read(obj, Input::Json(name))?).map_err(read_error),
    }
}

/// An options document (a dict, JSON text or None for the defaults).
fn options<T: DeserializeOwned + Default>(obj: Option<&Bound<'_, PyAny>>) -> PyResult<T> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(T::default());
    };
    let py = obj.py();
    let value = match text_of(obj)? {
        Some(text) => serde_json::from_str(&text).map_err(|e| sync_error(py, "options", &format!("options: {e}")))?,
        None => read(obj, Input::Json("options"))?,
    };
    serde_json::from_value(value).map_err(|e| sync_error(py, "options", &format!("options: {e}")))
}

/// Plans the change from `current` to `desired` under `profile` (docs/sync.md).
#[pyfunction]
#[pyo3(signature = (profile, desired, current, options=None))]
pub(crate) fn plan(
    profile: &Bound<'_, PyProfile>,
    desired: &Bound<'_, PyAny>,
    current: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    guard(|| {
        let desired = resources(desired, "desired")?;
        let current = resources(current, "current")?;
        let options: PlanOptions = self::options(options)?;
        // A plan of 150,000 users takes a while: other threads run meanwhile.
        let core = profile.get().core();
        let plan = profile.py().detach(|| sync::plan(core, &desired, &current, &options));
        Ok(PyPlan::new(plan))
    })
}

/// A plan: ordered steps, the risk report and the guard rails' verdict. Immutable.
#[pyclass(frozen, module = "atlscim._native", name = "Plan")]
#[derive(Debug)]
pub(crate) struct PyPlan {
    plan: Plan,
    json: String,
}

impl PyPlan {
    fn new(plan: Plan) -> PyPlan {
        let json = plan.to_json_string();
        PyPlan { plan, json }
    }
}

#[pymethods]
impl PyPlan {
    /// Reads a plan saved with `to_json()`; raises `SyncError` (kind `json` or `format`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyPlan> {
        guard(|| {
            let text = text_of(text)?.ok_or_else(|| PyTypeError::new_err("a plan is JSON text (str or bytes)"))?;
            Plan::from_json_str(&text)
                .map(PyPlan::new)
                .map_err(|e| sync_error(py, e.kind(), &format!("plan: {}", e.detail())))
        })
    }

    /// The plan as JSON text: the same inputs give the same text, byte for byte.
    fn to_json(&self) -> &str {
        &self.json
    }

    /// The plan as a dict (its JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan)
    }

    /// What no longer fits the directory as it is now (`current`, as `plan` reads it): one line
    /// per step on a user or group that is gone, or a create whose name is taken now; `[]` when
    /// the plan still applies. Check a saved plan with it before running it.
    fn drift(&self, current: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        guard(|| {
            let current = resources(current, "current")?;
            Ok(sync::drift(&self.plan, &current))
        })
    }

    /// The steps, in the order they are carried out.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan.steps)
    }

    /// The risk report: `{"kind", "level", "rule", "count", "subjects", "detail"}`, danger first.
    #[getter]
    fn risks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan.risks)
    }

    /// Counts: desired and current users and groups, creates, updates, deactivations, …
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan.summary)
    }

    /// `{"guard", "detail"}` when a guard rail refused the plan, else None.
    #[getter]
    fn refusal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.plan.refusal)
    }

    fn __len__(&self) -> usize {
        self.plan.steps.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyPlan>().is_ok_and(|o| o.get().json == self.json)
    }

    fn __hash__(&self) -> u64 {
        // FNV-1a, as the executor's plan digest: equal plans hash equal.
        self.json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    }

    fn __repr__(&self) -> String {
        let refused = self.plan.refusal.as_ref().map(|r| format!(", refused: {}", r.guard)).unwrap_or_default();
        format!("<Plan {} steps, {} risks{refused}>", self.plan.steps.len(), self.plan.risks.len())
    }
}

/// The sans-IO executor of a plan: `next(now)` says what to send, `feed(...)` takes the answer.
/// The paged read of a list endpoint (the core's `Pager`): `next_path()` to GET, `feed(body)` of
/// each 200 answer gives the page's resources, until `next_path()` is None.
#[pyclass(module = "atlscim._native", name = "Pager")]
#[derive(Debug)]
pub(crate) struct PyPager {
    pager: Pager,
}

#[pymethods]
impl PyPager {
    /// A read of `collection` (`"Users"` or `"Groups"`), `count` resources a page.
    #[new]
    #[pyo3(signature = (collection, count=PAGE_SIZE))]
    fn new(collection: &str, count: usize) -> PyPager {
        PyPager { pager: Pager::new(collection, count) }
    }

    /// The next page's path (relative to the directory's base URL), or None when all are read.
    fn next_path(&self) -> Option<String> {
        self.pager.next_path()
    }

    /// The resources of a 200 answer's body (bytes or str); raises `SyncError` (kind `input`)
    /// for a body that is no ListResponse or a listing that does not end.
    fn feed<'py>(&mut self, py: Python<'py>, body: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let text = text_of(body)?.ok_or_else(|| PyTypeError::new_err("a page body is str or bytes"))?;
            let resources = self.pager.feed(text.as_bytes()).map_err(|e| sync_error(py, e.kind(), e.detail()))?;
            to_py(py, &resources)
        })
    }
}

#[pyclass(module = "atlscim._native", name = "Executor")]
#[derive(Debug)]
pub(crate) struct PyExecutor {
    executor: Executor,
}

#[pymethods]
impl PyExecutor {
    /// Starts at the beginning of `plan`, or resumes from `state` (a dict or JSON text from
    /// `state` / `state_json()`). Raises `SyncError`: kind `refused` for a plan a guard rail
    /// refused, `options`, `json`, `format`, or `state` for a state saved for another plan.
    #[new]
    #[pyo3(signature = (plan, options=None, state=None))]
    fn new(
        plan: &Bound<'_, PyPlan>,
        options: Option<&Bound<'_, PyAny>>,
        state: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyExecutor> {
        let py = plan.py();
        guard(|| {
            let plan = plan.get().plan.clone();
            let options: ExecOptions = self::options(options)?;
            let state = match state.filter(|s| !s.is_none()) {
                None => None,
                Some(s) => {
                    let value = match text_of(s)? {
                        Some(text) => serde_json::from_str::<Value>(&text)
                            .map_err(|e| sync_error(py, "json", &format!("state: {e}")))?,
                        None => read(s, Input::Json("state"))?,
                    };
                    let state = serde_json::from_value::<ExecState>(value)
                        .map_err(|e| sync_error(py, "json", &format!("state: {e}")))?;
                    Some(state)
                }
            };
            let started = match state {
                None => Executor::new(plan, options),
                Some(state) => Executor::resume(plan, options, state),
            };
            started.map(|executor| PyExecutor { executor }).map_err(|e| sync_error(py, e.kind(), e.detail()))
        })
    }

    /// What to do at time `now` (Unix seconds): `{"kind": "send", "step", "method", "path",
    /// "headers", "body"}`, `{"kind": "wait", "seconds"}` or `{"kind": "done"}`. A send is recorded
    /// in the state before it is handed out.
    fn next<'py>(&mut self, py: Python<'py>, now: f64) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let action: Action = self.executor.next(now);
            to_py(py, &action)
        })
    }

    /// Takes the answer to the request `next` handed out: the HTTP status (0 when no answer came:
    /// a timeout, a connection lost), the headers (a mapping or (name, value) pairs) and the body
    /// (str or bytes). Raises `SyncError` (kind `feed`) when no request is outstanding.
    #[pyo3(signature = (status, headers=None, body=None, *, now))]
    fn feed(
        &mut self,
        py: Python<'_>,
        status: u16,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        now: f64,
    ) -> PyResult<()> {
        guard(|| {
            let mut response = HttpResponse { status, ..HttpResponse::default() };
            if let Some(body) = body.filter(|b| !b.is_none()) {
                response.body = text_of(body)?.ok_or_else(|| PyTypeError::new_err("body must be str or bytes"))?;
            }
            if let Some(headers) = headers.filter(|h| !h.is_none()) {
                let pairs = if headers.hasattr("items")? { headers.call_method0("items")? } else { headers.clone() };
                for pair in pairs.try_iter()? {
                    let (name, value): (String, String) = pair?
                        .extract()
                        .map_err(|_| PyTypeError::new_err("headers must be a mapping or (name, value) pairs of str"))?;
                    response.headers.insert(name, value);
                }
            }
            self.executor.feed(&response, now).map_err(|e| sync_error(py, e.kind(), e.detail()))
        })
    }

    /// The state as JSON text: save it after every call to resume after a crash. It holds no
    /// token and no response bodies.
    fn state_json(&self) -> String {
        self.executor.state_json()
    }

    /// The state as a dict (docs/sync.md, "State JSON").
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.executor.state())
    }

    /// Whether every step has an outcome, or the run stopped.
    #[getter]
    fn done(&self) -> bool {
        self.executor.is_done()
    }

    /// How many steps have each outcome: `{"applied": 3, "pending": 1, …}`.
    fn outcomes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.executor.outcome_counts())
    }

    /// One step's record (outcome, attempts, …) as a dict, or None for an id the plan lacks: what
    /// a progress report needs after each answer, without converting every step (`steps`).
    fn outcome<'py>(&self, py: Python<'py>, step_id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.executor.outcome(step_id).map(|record| to_py(py, record)).transpose()
    }

    /// Each step of the plan with its record: a list of `(step, state)` dict pairs, in plan order.
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for (step, state) in self.executor.steps() {
            list.append((to_py(py, step)?, to_py(py, state)?))?;
        }
        Ok(list)
    }

    fn __repr__(&self) -> String {
        let counts: Vec<String> = self.executor.outcome_counts().iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!("<Executor {}>", counts.join(", "))
    }
}
