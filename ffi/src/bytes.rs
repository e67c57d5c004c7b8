//! Text going out: borrowed views (`atlscim_str`) and owned buffers (`atlscim_bytes`).

use std::ffi::c_char;
use std::ptr;

use crate::boundary::{atlscim_error, guard};

/// A borrowed view of UTF-8 text: `len` bytes at `data`, not NUL-terminated (print it with
/// `printf("%.*s", (int)s.len, s.data)`).
///
/// Valid for the life of the handle it came from (the report or error); never free it.
/// `data` is NULL (and `len` 0) only where a function says a value can be absent; empty text
/// has a valid `data` (pointing at a NUL byte).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct atlscim_str {
    pub data: *const c_char,
    pub len: usize,
}

impl atlscim_str {
    pub(crate) const ABSENT: atlscim_str = atlscim_str { data: ptr::null(), len: 0 };

    pub(crate) fn new(s: &str) -> atlscim_str {
        // An empty Rust string may point at no memory at all (a dangling address such as 0x1),
        // which C may not even pass to memcpy with a length of 0, and which Go's runtime rejects
        // as a pointer. Empty text points at a static empty string instead.
        let data = if s.is_empty() { c"".as_ptr() } else { s.as_ptr().cast() };
        atlscim_str { data, len: s.len() }
    }
}

/// An owned buffer of UTF-8 text (JSON or a summary line) that atlscim allocated.
///
/// `len` bytes at `data`, followed by a NUL byte that `len` does not count, so `data` can also be
/// used as a C string (JSON text never holds a raw NUL). The caller owns it and frees it with
/// `atlscim_bytes_free`, which knows how it was allocated: never pass `data` to `free()`, and
/// do not change `data` or `len`. After a failed call it is `{NULL, 0}`.
#[repr(C)]
#[derive(Debug)]
pub struct atlscim_bytes {
    pub data: *mut c_char,
    pub len: usize,
}

impl atlscim_bytes {
    pub(crate) const EMPTY: atlscim_bytes = atlscim_bytes { data: ptr::null_mut(), len: 0 };

    pub(crate) fn new(text: String) -> atlscim_bytes {
        let mut bytes = text.into_bytes();
        let len = bytes.len();
        bytes.push(0);
        // A boxed slice has no spare capacity, so `atlscim_bytes_free` can rebuild it from
        // `len + 1` alone.
        let data = Box::into_raw(bytes.into_boxed_slice());
        atlscim_bytes { data: data.cast(), len }
    }
}

/// Frees a buffer atlscim returned, and sets it to `{NULL, 0}` so that freeing it again is
/// harmless.
///
/// Ownership: takes back the memory at `bytes->data`; `*bytes` itself stays the caller's.
/// NULL: does nothing for a NULL `bytes` or a NULL `bytes->data`.
/// Threads: must not run while another thread still uses the buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_bytes_free(bytes: *mut atlscim_bytes) {
    // SAFETY: the caller passes NULL or a pointer to a buffer atlscim returned, unchanged.
    let Some(bytes) = (unsafe { bytes.as_mut() }) else {
        return;
    };
    if bytes.data.is_null() {
        return;
    }
    // `len` + 1 overflows only if the caller changed it; leaking then beats freeing a wrong size.
    let Some(size) = bytes.len.checked_add(1) else {
        return;
    };
    let data = ptr::slice_from_raw_parts_mut(bytes.data.cast::<u8>(), size);
    *bytes = atlscim_bytes::EMPTY;
    // SAFETY: `data` is the boxed slice `atlscim_bytes::new` leaked (text plus its NUL), freed once.
    let owned = unsafe { Box::from_raw(data) };
    guard((), move || drop(owned));
}

/// Writes `value` as compact JSON text into an `atlscim_bytes` out-parameter. Only for values
/// atlscim made (plain data), whose serialization cannot fail; if it ever did, the boundary would
/// report the panic.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(out: &mut atlscim_bytes, value: &T) {
    *out = atlscim_bytes::new(serde_json::to_string(value).expect("atlscim's own values serialize as JSON"));
}

/// Takes an `atlscim_bytes` out-parameter, emptying it first so that a failed call leaves
/// `{NULL, 0}` behind.
pub(crate) fn bytes_out(out: Option<&mut atlscim_bytes>) -> Result<&mut atlscim_bytes, atlscim_error> {
    let out = out.ok_or_else(|| atlscim_error::null("out"))?;
    *out = atlscim_bytes::EMPTY;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_views_point_at_memory() {
        // An empty String has no allocation: its pointer dangles.
        let nothing = String::new();
        let empty = atlscim_str::new(nothing.as_str());
        assert_eq!(empty.len, 0);
        assert_eq!(empty.data, c"".as_ptr());
        let text = atlscim_str::new("ATL-U-003");
        assert_eq!((text.len, text.data), (9, "ATL-U-003".as_ptr().cast()));
    }

    #[test]
    fn bytes_are_nul_terminated_and_free_twice_safely() {
        let mut b = atlscim_bytes::new("{\"a\":1}".to_string());
        assert_eq!(b.len, 7);
        // SAFETY: `new` allocated len + 1 bytes.
        let all = unsafe { std::slice::from_raw_parts(b.data.cast::<u8>(), b.len + 1) };
        assert_eq!(all, b"{\"a\":1}\0");
        // SAFETY: `b` came from atlscim_bytes::new; the second call sees {NULL, 0}.
        unsafe {
            atlscim_bytes_free(&mut b);
            assert!(b.data.is_null() && b.len == 0);
            atlscim_bytes_free(&mut b);
            atlscim_bytes_free(ptr::null_mut());
        }
    }
}
