//! Python objects read as JSON.
//!
//! The core walks a request body from any serde deserializer (`Profile::check_deserializer`), so
//! a dict body is checked where it lies, in one pass, without first being copied into a
//! `serde_json::Value` ([`deserializer`]; benches/python measures the options). The same reader
//! turns `current` and config dicts into `Value`s, which is what the core takes for those
//! ([`to_value`]), and a [`Snapshot`] records a dict the lenient fixes will change.
//!
//! JSON can carry a dict with str keys, a list or tuple, a str, an int, a finite float, a bool
//! and None, as `json.dumps` does. Anything else (a set, a datetime, NaN, a str with a lone
//! surrogate, a non-str key) stops the read, and the [`Reader`] keeps a [`Problem`] naming where
//! it is: a Python type error that the binding raises, rather than an issue about the request.

mod deserializer;
mod snapshot;

use std::cell::RefCell;
use std::fmt;

use atlscim_core::profile::MAX_DEPTH_CEILING;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use serde::de;

pub(crate) use deserializer::PyJson;
pub(crate) use snapshot::Snapshot;

/// Containers nested deeper than this are not read. No profile accepts more than
/// [`MAX_DEPTH_CEILING`] levels, so the core always stops a body first; the reader's own limit
/// keeps `current` and config dicts (which the core does not walk) and self-containing dicts off
/// the stack.
const DEPTH_LIMIT: usize = MAX_DEPTH_CEILING + 2;

/// Why a Python object could not be read as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// A value JSON cannot carry.
    NotJson,
    /// Nested deeper than [`DEPTH_LIMIT`] (or containing itself).
    TooDeep,
}

/// A read that stopped, with where: an RFC 6901 pointer for bodies, a dotted key for configs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub kind: ProblemKind,
    pub pointer: String,
    pub key: String,
    /// What was found, e.g. "a set".
    pub what: String,
}

/// One read of one Python object; remembers the first problem met.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    problem: RefCell<Option<Problem>>,
}

impl Reader {
    /// The problem that stopped the read, if one did.
    pub(crate) fn into_problem(self) -> Option<Problem> {
        self.problem.into_inner()
    }

    /// A deserializer over `obj`, the root of what is read. The read lasts while `obj` is
    /// borrowed, and must hold the GIL throughout and run no Python code (see
    /// [`deserializer`]): the core's walk and `serde_json::Value`'s `Deserialize` do neither.
    pub(crate) fn root<'a, 'py>(&'a self, obj: &'a Bound<'py, PyAny>) -> PyJson<'a, 'a, 'py> {
        PyJson::new(obj.as_borrowed(), &Trail::Root, 0, self)
    }

    fn stop(&self, kind: ProblemKind, trail: &Trail<'_, '_, '_>, what: String) -> ReadError {
        let message = match kind {
            // The core turns a read error into its "not valid JSON" issue; these words make that
            // issue say "nested too deeply", as it does for text.
            ProblemKind::TooDeep => format!("recursion limit exceeded at {}", trail.pointer()),
            ProblemKind::NotJson => format!("{what} at {} is not JSON", trail.pointer()),
        };
        let mut slot = self.problem.borrow_mut();
        if slot.is_none() {
            *slot = Some(Problem { kind, pointer: trail.pointer(), key: trail.dotted(), what });
        }
        ReadError(message)
    }
}

/// Where the reader is, kept on the stack and spelled out only when a read stops.
#[derive(Debug, Clone, Copy)]
enum Trail<'t, 'a, 'py> {
    Root,
    Key(&'t Trail<'t, 'a, 'py>, Borrowed<'a, 'py, PyString>),
    Index(&'t Trail<'t, 'a, 'py>, usize),
}

impl Trail<'_, '_, '_> {
    /// RFC 6901: `/emails/0/value`, with `~` and `/` escaped.
    fn pointer(&self) -> String {
        match self {
            Trail::Root => String::new(),
            Trail::Key(parent, key) => {
                let key = key.to_string_lossy();
                format!("{}/{}", parent.pointer(), key.replace('~', "~0").replace('/', "~1"))
            }
            Trail::Index(parent, i) => format!("{}/{i}", parent.pointer()),
        }
    }

    /// The config spelling the core uses for keys: `verified_domains[1].domain`.
    fn dotted(&self) -> String {
        match self {
            Trail::Root => String::new(),
            Trail::Key(Trail::Root, key) => key.to_string_lossy().into_owned(),
            Trail::Key(parent, key) => format!("{}.{}", parent.dotted(), key.to_string_lossy()),
            Trail::Index(parent, i) => format!("{}[{i}]", parent.dotted()),
        }
    }
}

/// The error serde passes up when a read stops, or when the visitor (the core's walk) stops it.
#[derive(Debug)]
pub(crate) struct ReadError(String);

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> ReadError {
        ReadError(msg.to_string())
    }
}

/// Reads a Python value into a `serde_json::Value` (for `current`, configs, and the snapshot of
/// a dict body when `normalized` is asked for).
pub(crate) fn to_value(obj: &Bound<'_, PyAny>) -> Result<serde_json::Value, Problem> {
    use serde::Deserialize as _;
    let reader = Reader::default();
    let result = serde_json::Value::deserialize(reader.root(obj));
    match (result, reader.into_problem()) {
        (_, Some(problem)) => Err(problem),
        (Ok(value), None) => Ok(value),
        // Only the reader stops a read into a `Value`, and it always leaves its problem; this
        // arm keeps the signature honest rather than trusting that.
        (Err(e), None) => {
            Err(Problem { kind: ProblemKind::NotJson, pointer: String::new(), key: String::new(), what: e.to_string() })
        }
    }
}

/// The bytes of JSON text given as a `str` (its UTF-8 form) or `bytes`; they live as long as the
/// object, which is immutable.
pub(crate) fn text_bytes<'a>(text: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    match text.cast::<PyString>() {
        Ok(s) => Ok(s.to_str()?.as_bytes()),
        Err(_) => Ok(text.cast::<PyBytes>()?.as_bytes()),
    }
}
