//! A record of a dict body as it was checked, kept when the lenient fixes will change it.
//!
//! `normalized` is built only when asked for, and must be built from the body as it was
//! checked, whatever the caller does to their dict meanwhile. A [`Snapshot`] is that body as a
//! flat list of tokens holding references to its keys and scalars (str, int, float, bool and
//! None are immutable, so a reference is as good as a copy). Taking one costs a reference count
//! per value and one `Vec`; copying the dicts and lists instead costs about twice as much on the
//! benchmark User and building a `serde_json::Value` three times, and most reports never have
//! `normalized` read. When it is, the record is read straight into a `serde_json::Value`.

use pyo3::PyTraverseError;
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use serde_json::Value;

use super::{DEPTH_LIMIT, Problem};

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

    /// The body as a `serde_json::Value`, read straight from the record (no dicts and lists are
    /// rebuilt first): each scalar is read as [`super::to_value`] reads it, each key as its text.
    pub(crate) fn to_value(&self, py: Python<'_>) -> Result<Value, ValueError> {
        let mut tokens = self.0.iter();
        value(py, &mut tokens)
    }
}

/// Why a snapshot could not be read back as a value (it always can, once the check read it).
#[derive(Debug)]
pub(crate) enum ValueError {
    Problem(Problem),
    Python(PyErr),
}

fn value(py: Python<'_>, tokens: &mut std::slice::Iter<'_, Token>) -> Result<Value, ValueError> {
    let malformed = || ValueError::Python(pyo3::exceptions::PyRuntimeError::new_err("a body snapshot ended early"));
    match tokens.next().ok_or_else(malformed)? {
        Token::Dict(len) => {
            let mut map = serde_json::Map::new();
            for _ in 0..*len {
                let Some(Token::Key(key)) = tokens.next() else {
                    return Err(malformed());
                };
                let key = key.bind(py).cast::<PyString>().map_err(|e| ValueError::Python(e.into()))?;
                let key = key.to_str().map_err(ValueError::Python)?.to_owned();
                map.insert(key, value(py, tokens)?);
            }
            Ok(Value::Object(map))
        }
        Token::List(len) => {
            let mut items = Vec::with_capacity(*len);
            for _ in 0..*len {
                items.push(value(py, tokens)?);
            }
            Ok(Value::Array(items))
        }
        Token::Key(scalar) | Token::Scalar(scalar) => {
            let scalar = scalar.bind(py);
            match exact_scalar(scalar) {
                Some(value) => Ok(value),
                None => super::to_value(scalar).map_err(ValueError::Problem),
            }
        }
    }
}

/// A scalar of an exact JSON type (most of a body), read without setting up a reader; `None`
/// for the rest (subclasses, ints past 64 bits), which [`super::to_value`] reads.
fn exact_scalar(obj: &Bound<'_, PyAny>) -> Option<Value> {
    if let Ok(s) = obj.cast_exact::<PyString>() {
        return s.to_str().ok().map(|s| Value::String(s.to_owned()));
    }
    if obj.is_none() {
        return Some(Value::Null);
    }
    if let Ok(b) = obj.cast_exact::<PyBool>() {
        return Some(Value::Bool(b.is_true()));
    }
    if let Ok(int) = obj.cast_exact::<PyInt>() {
        // SAFETY: `int` is a live exact int; past 64 bits this sets only the overflow flag, and
        // an error it leaves anyway is cleared (the reader then reads the int).
        let i = unsafe {
            let mut overflow: std::ffi::c_int = 0;
            let i = ffi::PyLong_AsLongLongAndOverflow(int.as_ptr(), &mut overflow);
            if overflow != 0 || (i == -1 && !ffi::PyErr_Occurred().is_null()) {
                ffi::PyErr_Clear();
                return None;
            }
            i
        };
        return Some(Value::from(i));
    }
    if let Ok(float) = obj.cast_exact::<PyFloat>() {
        return serde_json::Number::from_f64(float.value()).map(Value::Number);
    }
    None
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
