//! A record of a dict body as it was checked, kept when the lenient fixes will change it.
//!
//! `normalized` is built only when asked for, and must be built from the body as it was
//! checked, whatever the caller does to their dict meanwhile. A [`Snapshot`] is that body as a
//! flat list of tokens holding references to its keys and scalars (str, int, float, bool and
//! None are immutable, so a reference is as good as a copy). Taking one costs a reference count
//! per value and one `Vec`; copying the dicts and lists instead costs about twice as much on the
//! benchmark User and building a `serde_json::Value` three times, and most reports never have
//! `normalized` read. The containers are rebuilt when it is.

use pyo3::PyTraverseError;
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::DEPTH_LIMIT;

#[derive(Debug)]
enum Token {
    /// A dict of this many entries: a `Key` and a value follow for each.
    Dict(usize),
    /// A list (or tuple) of this many items, which follow.
    List(usize),
    Key(Py<PyAny>),
    Scalar(Py<PyAny>),
}

/// A body's structure and values, in document order.
#[derive(Debug)]
pub(crate) struct Snapshot(Vec<Token>);

impl Snapshot {
    /// Records a body the reader has read without a problem (so it is JSON, and at most
    /// [`DEPTH_LIMIT`] deep; the limit is checked again all the same).
    pub(crate) fn take(obj: &Bound<'_, PyAny>) -> PyResult<Snapshot> {
        let mut tokens = Vec::with_capacity(64);
        record(obj.as_borrowed(), 0, &mut tokens)?;
        Ok(Snapshot(tokens))
    }

    /// Visits every object the snapshot holds, for the garbage collector.
    pub(crate) fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        for token in &self.0 {
            if let Token::Key(obj) | Token::Scalar(obj) = token {
                visit.call(obj)?;
            }
        }
        Ok(())
    }

    /// The body rebuilt as new dicts and lists (a tuple comes back as a list).
    pub(crate) fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut tokens = self.0.iter();
        rebuild(py, &mut tokens)
    }
}

fn record(obj: Borrowed<'_, '_, PyAny>, depth: usize, out: &mut Vec<Token>) -> PyResult<()> {
    if depth > DEPTH_LIMIT {
        return Err(pyo3::exceptions::PyValueError::new_err("nested too deeply"));
    }
    // Exact scalar types first: pointer comparisons, where the subclass checks below call the
    // interpreter each.
    if obj.is_exact_instance_of::<PyString>()
        || obj.is_exact_instance_of::<PyInt>()
        || obj.is_exact_instance_of::<PyBool>()
        || obj.is_exact_instance_of::<PyFloat>()
        || obj.is_none()
    {
        out.push(Token::Scalar(obj.to_owned().unbind()));
        return Ok(());
    }
    let py = obj.py();
    // Containers are read through borrowed pointers, and only what is kept is turned into an
    // owned reference. SAFETY: recording runs no Python code (it only reads), so no container
    // changes while it is read and every borrowed item stays owned by its container.
    if let Ok(dict) = obj.cast::<PyDict>() {
        out.push(Token::Dict(dict.len()));
        let (mut position, mut key, mut value) = (0, std::ptr::null_mut(), std::ptr::null_mut());
        while unsafe { ffi::PyDict_Next(dict.as_ptr(), &mut position, &mut key, &mut value) } != 0 {
            let entry = unsafe { (Borrowed::from_ptr_or_opt(py, key), Borrowed::from_ptr_or_opt(py, value)) };
            let (Some(key), Some(value)) = entry else {
                return Err(pyo3::exceptions::PyRuntimeError::new_err("PyDict_Next gave no entry"));
            };
            out.push(Token::Key(key.to_owned().unbind()));
            record(value, depth + 1, out)?;
        }
        return Ok(());
    }
    let (len, get): (usize, unsafe extern "C" fn(*mut ffi::PyObject, ffi::Py_ssize_t) -> *mut ffi::PyObject) =
        if let Ok(list) = obj.cast::<PyList>() {
            (list.len(), ffi::PyList_GetItem)
        } else if let Ok(tuple) = obj.cast::<PyTuple>() {
            (tuple.len(), ffi::PyTuple_GetItem)
        } else {
            out.push(Token::Scalar(obj.to_owned().unbind()));
            return Ok(());
        };
    out.push(Token::List(len));
    for i in 0..len {
        let index = ffi::Py_ssize_t::try_from(i).unwrap_or(ffi::Py_ssize_t::MAX);
        // `i` is below the length, so the item is there (see above for why it stays there).
        let Some(item) = (unsafe { Borrowed::from_ptr_or_opt(py, get(obj.as_ptr(), index)) }) else {
            return Err(PyErr::fetch(py));
        };
        record(item, depth + 1, out)?;
    }
    Ok(())
}

/// A key as an exact str: inserting a str subclass would call its `__hash__` (and `__eq__` on a
/// collision), which may run anything; an exact str hashes and compares in C. The text is the
/// same, which is all JSON keeps.
fn plain_key<'py>(key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if key.is_exact_instance_of::<PyString>() {
        return Ok(key.clone());
    }
    // SAFETY: `key` is a live str subclass (the reader read it as a key); PyUnicode_FromObject
    // copies its text into a new exact str without calling into Python.
    unsafe { Bound::from_owned_ptr_or_err(key.py(), ffi::PyUnicode_FromObject(key.as_ptr())) }
}

fn rebuild<'py>(py: Python<'py>, tokens: &mut std::slice::Iter<'_, Token>) -> PyResult<Bound<'py, PyAny>> {
    let malformed = || pyo3::exceptions::PyRuntimeError::new_err("a body snapshot ended early");
    match tokens.next().ok_or_else(malformed)? {
        Token::Dict(len) => {
            let dict = PyDict::new(py);
            for _ in 0..*len {
                let Some(Token::Key(key)) = tokens.next() else {
                    return Err(malformed());
                };
                dict.set_item(plain_key(key.bind(py))?, rebuild(py, tokens)?)?;
            }
            Ok(dict.into_any())
        }
        Token::List(len) => {
            let list = PyList::empty(py);
            for _ in 0..*len {
                list.append(rebuild(py, tokens)?)?;
            }
            Ok(list.into_any())
        }
        Token::Key(value) | Token::Scalar(value) => Ok(value.bind(py).clone()),
    }
}
