//! `atlscim._native._Server`: `atlscim serve` in-process, for `atlscim.testing`.
//!
//! The server runs on its own threads (a tokio runtime inside the wheel); Python holds the handle
//! and reads the state through it. Starting and stopping release the GIL.

use std::sync::Mutex;

use atlscim_server::{Server, ServerConfig};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::exceptions::guard;
use crate::to_python::to_python;

#[pyclass(name = "_Server", module = "atlscim._native", frozen)]
#[derive(Debug)]
pub struct PyServer {
    inner: Mutex<Option<Server>>,
    url: String,
    directory_url: String,
    token: String,
}

impl PyServer {
    fn with<T>(&self, f: impl FnOnce(&Server) -> T) -> PyResult<T> {
        let inner = self.inner.lock().map_err(|_| PyRuntimeError::new_err("the server handle is poisoned"))?;
        inner.as_ref().map(f).ok_or_else(|| PyRuntimeError::new_err("the server is stopped"))
    }
}

fn values<'py>(py: Python<'py>, items: &[serde_json::Value]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for v in items {
        list.append(to_python(py, v)?)?;
    }
    Ok(list)
}

#[pymethods]
impl PyServer {
    /// Starts a server from a config as JSON text (ServerConfig::from_json's keys).
    #[new]
    fn new(py: Python<'_>, config: &str) -> PyResult<PyServer> {
        guard(|| {
            let value: serde_json::Value =
                serde_json::from_str(config).map_err(|e| PyValueError::new_err(format!("server config: {e}")))?;
            let config = ServerConfig::from_json(&value).map_err(PyValueError::new_err)?;
            let server = py.detach(|| Server::start(config)).map_err(PyRuntimeError::new_err)?;
            Ok(PyServer {
                url: server.url().to_string(),
                directory_url: server.directory_url().to_string(),
                token: server.token().to_string(),
                inner: Mutex::new(Some(server)),
            })
        })
    }

    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    #[getter]
    fn directory_url(&self) -> &str {
        &self.directory_url
    }

    #[getter]
    fn token(&self) -> &str {
        &self.token
    }

    fn users<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values(py, &self.with(Server::users)?)
    }

    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values(py, &self.with(Server::groups)?)
    }

    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values(py, &self.with(Server::requests)?)
    }

    fn reset(&self) -> PyResult<()> {
        self.with(Server::reset)?.map_err(PyRuntimeError::new_err)
    }

    fn set_faults(&self, spec: &str) -> PyResult<()> {
        self.with(|s| s.set_faults(spec))?.map_err(PyValueError::new_err)
    }

    /// Raises when the directory's indexes do not match its records.
    fn consistency(&self) -> PyResult<()> {
        self.with(Server::consistency)?.map_err(PyRuntimeError::new_err)
    }

    /// Stops the server (idempotent).
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let server = self.inner.lock().map_err(|_| PyRuntimeError::new_err("the server handle is poisoned"))?.take();
        if let Some(s) = server {
            py.detach(|| s.stop());
        }
        Ok(())
    }
}
