//! The serde `Deserializer` over Python objects.
//!
//! A read borrows everything it touches instead of taking references: dict entries come from
//! `PyDict_Next` and list and tuple items from `PyList_GetItem` / `PyTuple_GetItem` as borrowed
//! pointers, and strings are handed to the visitor as borrowed `&str`. Under the stable ABI every
//! reference count change is a call into the interpreter, and this is what makes reading a dict
//! cost about what parsing the same JSON text does.
//!
//! SAFETY, the argument every `unsafe` block below relies on: the root object is borrowed for the
//! read's lifetime `'de`, and every object reached from it is owned by its container. A read holds
//! the GIL from start to end and runs no Python code (the parent module's docs list how): it only
//! compares types, iterates with `PyDict_Next`, indexes lists and tuples, and reads str, int and
//! float values through calls that never call back into Python (no `__eq__`, `__hash__`,
//! `__index__`, `__float__`, no attribute lookup, no destructor, no garbage collection). So no
//! container changes during the read, every object reached stays alive for `'de`, and so does a
//! str's UTF-8 form, which CPython keeps for the life of the str. Nothing borrowed outlives the
//! read: the core's `Report`, a `serde_json::Value` and a [`super::Problem`] own what they hold.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{DEPTH_LIMIT, Found, ProblemKind, ReadError, Reader, Trail};

/// A Python value read as JSON, during a read that lasts `'de`.
#[derive(Debug)]
pub(crate) struct PyJson<'t, 'de, 'py> {
    obj: Borrowed<'de, 'py, PyAny>,
    trail: &'t Trail<'t, 'de, 'py>,
    depth: usize,
    reader: &'t Reader,
}

/// The UTF-8 text of a str, for the whole read; None for a str with a lone surrogate.
fn text<'de>(s: Borrowed<'de, '_, PyString>) -> Option<&'de str> {
    let mut len: ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a live str (module docs); the UTF-8 form lives as long as the str does.
    unsafe {
        let data = ffi::PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut len);
        if data.is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), usize::try_from(len).ok()?);
        // CPython's UTF-8 form of a str is valid UTF-8 by construction.
        Some(std::str::from_utf8_unchecked(bytes))
    }
}

impl<'t, 'de, 'py> PyJson<'t, 'de, 'py> {
    pub(super) fn new(
        obj: Borrowed<'de, 'py, PyAny>,
        trail: &'t Trail<'t, 'de, 'py>,
        depth: usize,
        reader: &'t Reader,
    ) -> PyJson<'t, 'de, 'py> {
        PyJson { obj, trail, depth, reader }
    }

    fn not_json(&self, found: Found) -> ReadError {
        self.reader.stop(ProblemKind::NotJson, self.trail, found)
    }

    fn enter(&self) -> Result<usize, ReadError> {
        let depth = self.depth + 1;
        if depth > DEPTH_LIMIT {
            return Err(self.reader.stop(ProblemKind::TooDeep, self.trail, Found::Words("a container".into())));
        }
        Ok(depth)
    }

    fn visit_string<V: Visitor<'de>>(
        &self,
        s: Borrowed<'de, 'py, PyString>,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match text(s) {
            Some(text) => visitor.visit_borrowed_str(text),
            None => Err(self.not_json(Found::Words("a str with a lone surrogate (not valid Unicode)".into()))),
        }
    }

    fn visit_dict<V: Visitor<'de>>(&self, dict: Borrowed<'de, 'py, PyDict>, visitor: V) -> Result<V::Value, ReadError> {
        let depth = self.enter()?;
        // SAFETY: `dict` is a live dict.
        let len = unsafe { ffi::PyDict_Size(dict.as_ptr()) };
        visitor.visit_map(DictEntries {
            dict,
            position: 0,
            remaining: usize::try_from(len).unwrap_or(0),
            value: None,
            trail: self.trail,
            depth,
            reader: self.reader,
        })
    }

    fn visit_items<V: Visitor<'de>>(&self, items: Items<'de, 'py>, visitor: V) -> Result<V::Value, ReadError> {
        let depth = self.enter()?;
        let len = items.len();
        visitor.visit_seq(SeqItems { items, index: 0, len, trail: self.trail, depth, reader: self.reader })
    }

    fn visit_int<V: Visitor<'de>>(&self, int: Borrowed<'de, 'py, PyInt>, visitor: V) -> Result<V::Value, ReadError> {
        // The PyLong_As* calls read an int's value itself, even for an int subclass: they call no
        // `__index__` or `__float__`, which is what lets a read run no Python code. The common
        // case raises nothing; past 64 bits CPython raises (and so allocates) an exception,
        // which is cleared, with the collector paused (parent module docs).
        // SAFETY: `int` is a live int; each failure leaves an exception, which is cleared.
        unsafe {
            let mut overflow: std::ffi::c_int = 0;
            let i = ffi::PyLong_AsLongLongAndOverflow(int.as_ptr(), &mut overflow);
            if overflow == 0 && (i != -1 || ffi::PyErr_Occurred().is_null()) {
                return visitor.visit_i64(i);
            }
            ffi::PyErr_Clear();
            if overflow > 0 {
                let u = ffi::PyLong_AsUnsignedLongLong(int.as_ptr());
                if u != u64::MAX || ffi::PyErr_Occurred().is_null() {
                    return visitor.visit_u64(u);
                }
                ffi::PyErr_Clear();
            }
            // Integers beyond 64 bits become floats, as serde_json reads them from text.
            let f = ffi::PyLong_AsDouble(int.as_ptr());
            if f == -1.0 && !ffi::PyErr_Occurred().is_null() {
                ffi::PyErr_Clear();
                return Err(self.not_json(Found::Words("an int too large for a JSON number".into())));
            }
            visitor.visit_f64(f)
        }
    }

    fn visit_float<V: Visitor<'de>>(
        &self,
        float: Borrowed<'de, 'py, PyFloat>,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        let f = float.value();
        if !f.is_finite() {
            return Err(self.not_json(Found::Words(format!("the float {f}"))));
        }
        visitor.visit_f64(f)
    }
}

impl<'de> Deserializer<'de> for PyJson<'_, 'de, '_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let obj = self.obj;
        // Exact types first: a pointer comparison each, where the subclass checks below cost a
        // call into the interpreter each under the stable ABI. bool before int: a bool is an int.
        if let Ok(s) = obj.cast_exact::<PyString>() {
            return self.visit_string(s, visitor);
        }
        if let Ok(dict) = obj.cast_exact::<PyDict>() {
            return self.visit_dict(dict, visitor);
        }
        if let Ok(list) = obj.cast_exact::<PyList>() {
            return self.visit_items(Items::List(list), visitor);
        }
        if obj.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(b) = obj.cast_exact::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if let Ok(int) = obj.cast_exact::<PyInt>() {
            return self.visit_int(int, visitor);
        }
        if let Ok(float) = obj.cast_exact::<PyFloat>() {
            return self.visit_float(float, visitor);
        }
        // Subclasses (an OrderedDict, a StrEnum member, an IntEnum member) read as their base.
        if let Ok(s) = obj.cast::<PyString>() {
            return self.visit_string(s, visitor);
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            return self.visit_dict(dict, visitor);
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return self.visit_items(Items::List(list), visitor);
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            return self.visit_items(Items::Tuple(tuple), visitor);
        }
        if let Ok(int) = obj.cast::<PyInt>() {
            return self.visit_int(int, visitor);
        }
        if let Ok(float) = obj.cast::<PyFloat>() {
            return self.visit_float(float, visitor);
        }
        // The type, not its name: asking a type its name can run Python code (parent module docs).
        Err(self.not_json(Found::Value(obj.get_type().unbind())))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A dict's entries, as a serde map.
struct DictEntries<'t, 'de, 'py> {
    dict: Borrowed<'de, 'py, PyDict>,
    /// `PyDict_Next`'s cursor.
    position: ffi::Py_ssize_t,
    remaining: usize,
    /// The entry whose key was just read, awaiting its value.
    value: Option<(Borrowed<'de, 'py, PyString>, Borrowed<'de, 'py, PyAny>)>,
    trail: &'t Trail<'t, 'de, 'py>,
    depth: usize,
    reader: &'t Reader,
}

impl<'de> MapAccess<'de> for DictEntries<'_, 'de, '_> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        let py = self.dict.py();
        let (mut key, mut value) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: `dict` is a live dict that does not change during the read (module docs), so
        // the borrowed key and value stay valid for `'de`.
        let (key, value) = unsafe {
            if ffi::PyDict_Next(self.dict.as_ptr(), &mut self.position, &mut key, &mut value) == 0 {
                return Ok(None);
            }
            match (Borrowed::from_ptr_or_opt(py, key), Borrowed::from_ptr_or_opt(py, value)) {
                (Some(k), Some(v)) => (k, v),
                _ => return Err(de::Error::custom("PyDict_Next gave no entry")),
            }
        };
        self.remaining = self.remaining.saturating_sub(1);
        let Ok(key) = key.cast_exact::<PyString>().or_else(|_| key.cast::<PyString>()) else {
            let found = Found::Key(key.get_type().unbind());
            return Err(self.reader.stop(ProblemKind::NotJson, self.trail, found));
        };
        let Some(name) = text(key) else {
            let found = Found::Words("a key with a lone surrogate (not valid Unicode)".to_string());
            return Err(self.reader.stop(ProblemKind::NotJson, self.trail, found));
        };
        let out = seed.deserialize(de::value::BorrowedStrDeserializer::<ReadError>::new(name))?;
        self.value = Some((key, value));
        Ok(Some(out))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("a dict value was asked for before its key"));
        };
        let trail = Trail::Key(self.trail, key);
        seed.deserialize(PyJson { obj: value, trail: &trail, depth: self.depth, reader: self.reader })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.remaining)
    }
}

/// A list or a tuple.
#[derive(Clone, Copy)]
enum Items<'de, 'py> {
    List(Borrowed<'de, 'py, PyList>),
    Tuple(Borrowed<'de, 'py, PyTuple>),
}

impl<'de, 'py> Items<'de, 'py> {
    fn len(self) -> ffi::Py_ssize_t {
        // SAFETY: a live list or tuple.
        unsafe {
            match self {
                Items::List(l) => ffi::PyList_Size(l.as_ptr()),
                Items::Tuple(t) => ffi::PyTuple_Size(t.as_ptr()),
            }
        }
    }

    /// The item at `index` (< len), borrowed for the read.
    fn get(self, index: ffi::Py_ssize_t) -> Option<Borrowed<'de, 'py, PyAny>> {
        // SAFETY: a live list or tuple that does not change during the read (module docs); the
        // index is in range, and an item is owned by its container for `'de`.
        unsafe {
            let (py, item) = match self {
                Items::List(l) => (l.py(), ffi::PyList_GetItem(l.as_ptr(), index)),
                Items::Tuple(t) => (t.py(), ffi::PyTuple_GetItem(t.as_ptr(), index)),
            };
            if item.is_null() {
                ffi::PyErr_Clear();
            }
            Borrowed::from_ptr_or_opt(py, item)
        }
    }
}

/// A list's or tuple's items, as a serde sequence.
struct SeqItems<'t, 'de, 'py> {
    items: Items<'de, 'py>,
    index: ffi::Py_ssize_t,
    len: ffi::Py_ssize_t,
    trail: &'t Trail<'t, 'de, 'py>,
    depth: usize,
    reader: &'t Reader,
}

impl<'de> SeqAccess<'de> for SeqItems<'_, 'de, '_> {
    type Error = ReadError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, ReadError> {
        if self.index >= self.len {
            return Ok(None);
        }
        let Some(item) = self.items.get(self.index) else {
            return Err(de::Error::custom("a list item could not be read"));
        };
        let trail = Trail::Index(self.trail, usize::try_from(self.index).unwrap_or(0));
        self.index += 1;
        seed.deserialize(PyJson { obj: item, trail: &trail, depth: self.depth, reader: self.reader }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.len - self.index).ok()
    }
}
