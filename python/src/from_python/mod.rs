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
//!
//! A read borrows what it reads (see [`deserializer`]), so it must run no Python code from start
//! to end: Python code could change or free the containers it is walking. [`Reader::read`] is the
//! only way in, and keeps that promise three ways:
//!
//! - every call it makes on a user's object reads C-level state only: type checks by flags and
//!   MRO (never `isinstance`, which can call `__instancecheck__`), `PyDict_Next` on the dict's own
//!   storage (never `items()`, `__iter__` or `__getitem__`, even on a subclass), `PyList_GetItem`
//!   and `PyTuple_GetItem` with the length read once, the UTF-8 of a str, the value of an int or
//!   float (never `__index__`, `__int__` or `__float__`). Keys are never hashed or compared;
//! - the name of a type that is not JSON is an attribute lookup under the stable ABI before 3.11
//!   (a metaclass can make `__name__` a property that runs code): the read keeps the type, and
//!   the name is asked for only after the read is over ([`Problem::what`]);
//! - the cyclic garbage collector is paused for the read: reading a str with a lone surrogate or
//!   an int past 64 bits makes CPython allocate an exception object, and on 3.10 and 3.11 an
//!   allocation can start a collection, which runs finalizers (`__del__`, weakref callbacks).

mod deserializer;
mod snapshot;

use std::cell::RefCell;
use std::fmt;

use atlscim_core::profile::MAX_DEPTH_CEILING;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyType};
use serde::de;

pub(crate) use deserializer::PyJson;
pub(crate) use snapshot::{Snapshot, ValueError as SnapshotError};

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

/// What a read found that JSON cannot carry.
#[derive(Debug)]
pub(crate) enum Found {
    /// Said in words when the read stopped: "a str with a lone surrogate (not valid Unicode)".
    Words(String),
    /// A value of this type.
    Value(Py<PyType>),
    /// A dict key of this type.
    Key(Py<PyType>),
}

/// A read that stopped, with where: an RFC 6901 pointer for bodies, a dotted key for configs.
/// It owns everything it names, so it outlives the read and whatever the caller then does.
#[derive(Debug)]
pub(crate) struct Problem {
    pub kind: ProblemKind,
    pub pointer: String,
    pub key: String,
    found: Found,
}

impl Problem {
    /// What was found, e.g. "a set", "a key that is an int". Asking a type its name can run
    /// Python code, so this is called only once the read is over.
    pub(crate) fn what(&self, py: Python<'_>) -> String {
        match &self.found {
            Found::Words(words) => words.clone(),
            Found::Value(ty) => a_type_name(ty.bind(py)),
            Found::Key(ty) => format!("a key that is {}", a_type_name(ty.bind(py))),
        }
    }
}

/// "a set", "an OrderedDict": a type's name with its article.
fn a_type_name(ty: &Bound<'_, PyType>) -> String {
    match ty.name() {
        Ok(name) => {
            let name = name.to_string_lossy();
            let vowel = name.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
            format!("{} {name}", if vowel { "an" } else { "a" })
        }
        // A metaclass `__name__` that raises or is not a str.
        Err(_) => "a value of a type without a readable name".to_string(),
    }
}

/// One read of one Python object; remembers the first problem met.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    problem: RefCell<Option<Problem>>,
}

/// Pauses the cyclic garbage collector while it lives (module docs), restoring it as it was.
struct CollectorPaused {
    was_enabled: bool,
}

impl CollectorPaused {
    fn new(_gil: Python<'_>) -> CollectorPaused {
        // SAFETY: the GIL is held (the token); PyGC_Disable only sets a flag and returns the old one.
        CollectorPaused { was_enabled: unsafe { ffi::PyGC_Disable() } != 0 }
    }
}

impl Drop for CollectorPaused {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: still under the GIL taken for the read that made `self`.
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

impl Reader {
    /// Reads `obj` through `walk`, which gets a deserializer over it, and returns what `walk`
    /// returned with the problem that stopped the read, if one did. The read borrows `obj` and
    /// everything in it, and runs no Python code (module docs): `walk` must not either, which the
    /// core's walk and `serde_json::Value`'s `Deserialize` keep; nothing it returns can borrow
    /// from the read.
    pub(crate) fn read<'py, T>(
        obj: &Bound<'py, PyAny>,
        walk: impl for<'a> FnOnce(PyJson<'a, 'a, 'py>) -> T,
    ) -> (T, Option<Problem>) {
        let reader = Reader::default();
        let paused = CollectorPaused::new(obj.py());
        let out = walk(PyJson::new(obj.as_borrowed(), &Trail::Root, 0, &reader));
        drop(paused);
        (out, reader.problem.into_inner())
    }

    fn stop(&self, kind: ProblemKind, trail: &Trail<'_, '_, '_>, found: Found) -> ReadError {
        // The location is spelled out first, from keys the read still borrows; nothing here runs
        // Python code, so they are all alive.
        let pointer = trail.pointer();
        let message = match kind {
            // The core turns a read error into its "not valid JSON" issue; these words make that
            // issue say "nested too deeply", as it does for text.
            ProblemKind::TooDeep => format!("recursion limit exceeded at {pointer}"),
            // A binding raises rather than report this: the words only need to be true.
            ProblemKind::NotJson => format!("a value at {pointer} is not JSON"),
        };
        let mut slot = self.problem.borrow_mut();
        if slot.is_none() {
            *slot = Some(Problem { kind, key: trail.dotted(), pointer, found });
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
    match Reader::read(obj, |de| serde_json::Value::deserialize(de)) {
        (_, Some(problem)) => Err(problem),
        (Ok(value), None) => Ok(value),
        // Only the reader stops a read into a `Value`, and it always leaves its problem; this
        // arm keeps the signature honest rather than trusting that.
        (Err(e), None) => Err(Problem {
            kind: ProblemKind::NotJson,
            pointer: String::new(),
            key: String::new(),
            found: Found::Words(e.to_string()),
        }),
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
