//! C ABI of `atlscim serve` (include/atlscim_server.h): start a local Atlassian directory
//! in-process, read its URL and token, stop it. For tests of C and Go connectors (Go's
//! `atlscimtest` package is built on it).
//!
//! Conventions as in include/atlscim.h: `atlscim_server_<verb>`, an opaque handle, fixed status
//! numbers, NULL-safe frees, no panic crosses the boundary. This library is separate from
//! libatlscim so that programs that only check requests link no async runtime or SQLite.
#![allow(non_camel_case_types)] // C names

use std::ffi::{CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ::atlscim_server::{Server, ServerConfig};

/// What a call did: 0 is success; the numbers never change meaning.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum atlscim_server_status {
    /// Success.
    ATLSCIM_SERVER_STATUS_OK = 0,
    /// A pointer that must not be NULL was NULL (or NULL with a non-zero length).
    ATLSCIM_SERVER_STATUS_NULL_PARAMETER = 1,
    /// The config is not UTF-8 JSON, or a key or value is wrong (the message names it).
    ATLSCIM_SERVER_STATUS_INVALID_CONFIG = 2,
    /// The server could not start (the address is taken, the --db file cannot be opened, …).
    ATLSCIM_SERVER_STATUS_START_FAILED = 3,
    /// A bug inside atlscim; caught, never unwound into C.
    ATLSCIM_SERVER_STATUS_PANIC = 4,
}

use atlscim_server_status::*;

/// A running server. Opaque.
#[derive(Debug)]
pub struct atlscim_server {
    server: Server,
    url: CString,
    root_url: CString,
    token: CString,
}

fn message(error: *mut *mut c_char, text: &str) {
    if !error.is_null() {
        let text = CString::new(text.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the caller passes a valid `char **` or NULL (checked above).
        unsafe { *error = text.into_raw() };
    }
}

/// Starts a server on its own threads and returns when it is listening.
///
/// `config`/`config_len`: UTF-8 JSON, every key optional: `{"addr": "127.0.0.1:0",
/// "directory_id", "token", "config": {the profile config}, "db", "seed", "faults",
/// "request_log", "id_seed", "threads"}` (docs/server.md). The default address is a free port on
/// 127.0.0.1; without a token a random one is made (read it with `atlscim_server_token`).
///
/// Ownership: on success `*out` is a new handle: stop and free it with `atlscim_server_stop`.
/// On failure `*out` is NULL and, when `error` is not NULL, `*error` is a message to free with
/// `atlscim_server_string_free`.
///
/// NULL: `out` must not be NULL; `config` may be NULL only with `config_len` 0 (all defaults);
/// `error` may be NULL. Thread-safe.
///
/// # Safety
/// `config` points to `config_len` readable bytes (or is NULL with 0); `out` and `error` are
/// valid for writes when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_server_start(
    config: *const u8,
    config_len: usize,
    out: *mut *mut atlscim_server,
    error: *mut *mut c_char,
) -> atlscim_server_status {
    if !error.is_null() {
        // SAFETY: valid for writes (contract).
        unsafe { *error = std::ptr::null_mut() };
    }
    if out.is_null() || (config.is_null() && config_len != 0) {
        message(error, "out must not be NULL, and config may be NULL only with length 0");
        return ATLSCIM_SERVER_STATUS_NULL_PARAMETER;
    }
    // SAFETY: `out` is valid for writes (checked non-NULL; contract).
    unsafe { *out = std::ptr::null_mut() };
    let bytes: &[u8] = if config_len == 0 {
        b"{}"
    } else {
        // SAFETY: `config` points to `config_len` readable bytes (contract).
        unsafe { std::slice::from_raw_parts(config, config_len) }
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let value: serde_json::Value = std::str::from_utf8(bytes)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(t).map_err(|e| e.to_string()))
            .map_err(|e| (ATLSCIM_SERVER_STATUS_INVALID_CONFIG, format!("server config: {e}")))?;
        let config = ServerConfig::from_json(&value).map_err(|e| (ATLSCIM_SERVER_STATUS_INVALID_CONFIG, e))?;
        let server = Server::start(config).map_err(|e| (ATLSCIM_SERVER_STATUS_START_FAILED, e))?;
        let text = |s: &str| CString::new(s).unwrap_or_default();
        Ok::<_, (atlscim_server_status, String)>(atlscim_server {
            url: text(server.directory_url()),
            root_url: text(server.url()),
            token: text(server.token()),
            server,
        })
    }));
    match result {
        Ok(Ok(handle)) => {
            // SAFETY: as above.
            unsafe { *out = Box::into_raw(Box::new(handle)) };
            ATLSCIM_SERVER_STATUS_OK
        }
        Ok(Err((status, text))) => {
            message(error, &text);
            status
        }
        Err(_) => {
            message(error, "atlscim panicked (a bug; please report it)");
            ATLSCIM_SERVER_STATUS_PANIC
        }
    }
}

/// The SCIM base URL a connector is given: `http://127.0.0.1:PORT/scim/directory/{id}`, NUL
/// terminated. Borrowed: valid until `atlscim_server_stop`. NULL for a NULL server. Thread-safe.
///
/// # Safety
/// `server` is a handle from `atlscim_server_start` not yet stopped, or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_server_url(server: *const atlscim_server) -> *const c_char {
    // SAFETY: a live handle or NULL (contract).
    unsafe { server.as_ref() }.map_or(std::ptr::null(), |s| s.url.as_ptr())
}

/// `http://127.0.0.1:PORT`, where the admin surface (`/admin/state`, `/admin/requests`,
/// `/admin/reset`, `/admin/faults`) is. Borrowed like `atlscim_server_url`.
///
/// # Safety
/// As `atlscim_server_url`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_server_root_url(server: *const atlscim_server) -> *const c_char {
    // SAFETY: a live handle or NULL (contract).
    unsafe { server.as_ref() }.map_or(std::ptr::null(), |s| s.root_url.as_ptr())
}

/// The bearer token (`Authorization: Bearer <token>`), NUL terminated. Borrowed like
/// `atlscim_server_url`.
///
/// # Safety
/// As `atlscim_server_url`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_server_token(server: *const atlscim_server) -> *const c_char {
    // SAFETY: a live handle or NULL (contract).
    unsafe { server.as_ref() }.map_or(std::ptr::null(), |s| s.token.as_ptr())
}

/// Stops the server (closing its connections, waiting for its threads) and frees the handle.
/// NULL does nothing. Call once per handle, when no other thread uses it.
///
/// # Safety
/// `server` is a handle from `atlscim_server_start` not yet stopped, or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_server_stop(server: *mut atlscim_server) {
    if server.is_null() {
        return;
    }
    // SAFETY: the handle came from Box::into_raw in atlscim_server_start and is freed once.
    let handle = unsafe { Box::from_raw(server) };
    let _ = catch_unwind(AssertUnwindSafe(move || handle.server.stop()));
}

/// Frees a message from `atlscim_server_start`. NULL does nothing.
///
/// # Safety
/// `text` came from this library and is freed once, or is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_server_string_free(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: made by CString::into_raw in `message`.
        drop(unsafe { CString::from_raw(text) });
    }
}
