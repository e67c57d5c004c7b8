//! The C ABI's entry points with arbitrary bytes (invalid UTF-8, broken JSON, NULL pointers with
//! lengths, lengths past `PTRDIFF_MAX`, unknown enum numbers): no call crashes, none panics (a
//! panic would come back as `ATLSCIM_STATUS_PANIC`), a failed call leaves its out-parameters
//! empty, and every output and error is freed (so AddressSanitizer's leak check sees any leak).
//!
//! The first byte picks the entry point, the second is a small parameter (a resource type, a
//! normalizer, a flag), and the rest is split at newlines into the call's text inputs.
#![no_main]

use std::ffi::c_char;
use std::ptr;

use atlscim::batch::*;
use atlscim::boundary::*;
use atlscim::bytes::*;
use atlscim::filter::*;
use atlscim::mapping::*;
use atlscim::patch::*;
use atlscim::profile::*;
use atlscim::report::*;
use atlscim::response::*;
use libfuzzer_sys::fuzz_target;

/// One text input as a pointer and a length: the bytes, or (when `bad` says so) NULL with a
/// non-zero length or a length past `PTRDIFF_MAX`, which the call must refuse before reading.
fn input(bytes: &[u8], bad: u8) -> (*const c_char, usize) {
    match bad {
        1 => (ptr::null(), bytes.len().max(1)),
        2 => (bytes.as_ptr().cast(), usize::MAX),
        3 => (ptr::null(), 0),
        _ => (bytes.as_ptr().cast(), bytes.len()),
    }
}

/// Checks a call's outcome and frees its error: never a panic, and an error exactly on failure.
fn finish(status: atlscim_status, err: *mut atlscim_error, bad: u8) {
    assert_ne!(status, atlscim_status::Panic, "atlscim panicked");
    assert_eq!(status == atlscim_status::Ok, err.is_null());
    if bad == 1 || bad == 2 {
        assert_ne!(status, atlscim_status::Ok, "a NULL pointer with a length, or a huge length, was accepted");
    }
    // SAFETY: NULL or an error this call made; read, then freed once.
    unsafe {
        if !err.is_null() {
            assert_eq!(atlscim_error_status(err), status);
            let _ = (atlscim_error_message(err), atlscim_error_rule(err), atlscim_error_suggestion(err));
        }
        atlscim_error_free(err);
    }
}

/// Frees owned text after checking it is what `atlscim_bytes` promises (NUL-terminated UTF-8).
fn take(mut out: atlscim_bytes) {
    if !out.data.is_null() {
        // SAFETY: the library wrote `len` bytes and a NUL at `data`.
        let all = unsafe { std::slice::from_raw_parts(out.data.cast::<u8>(), out.len + 1) };
        assert_eq!(all[out.len], 0);
        assert!(std::str::from_utf8(&all[..out.len]).is_ok());
    }
    // SAFETY: owned by this caller, freed once.
    unsafe { atlscim_bytes_free(&mut out) };
}

/// Reads and frees a report.
fn take_report(report: *mut atlscim_report) {
    let mut out = atlscim_bytes { data: ptr::null_mut(), len: 0 };
    // SAFETY: NULL or a report this caller owns, freed once.
    unsafe {
        if !report.is_null() {
            assert_eq!(atlscim_report_to_json(report, &mut out, ptr::null_mut()), atlscim_status::Ok);
            take(out);
        }
        atlscim_report_free(report);
    }
}

fn request<'a>(parts: &[&'a [u8]], bad: u8) -> atlscim_request {
    let part = |i: usize| parts.get(i).copied();
    let (method, method_len) = input(part(0).unwrap_or_default(), bad);
    let (path, path_len) = input(part(1).unwrap_or_default(), 0);
    let (body, body_len) = part(2).map_or((ptr::null(), 0), |b| input(b, 0));
    let (current, current_len) = part(3).map_or((ptr::null(), 0), |c| input(c, 0));
    atlscim_request { method, method_len, path, path_len, body, body_len, current, current_len }
}

fuzz_target!(|data: &[u8]| {
    let &[which, param, ref rest @ ..] = data else { return };
    let parts: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let (a, b) = (parts[0], parts.get(1).copied().unwrap_or_default());
    let bad = (param >> 4) & 3;
    let profile = atlscim_profile_atlassian();
    let mut err: *mut atlscim_error = ptr::null_mut();
    let mut out = atlscim_bytes { data: ptr::null_mut(), len: 0 };
    let mut report: *mut atlscim_report = ptr::null_mut();
    // SAFETY: every pointer handed to the library is NULL or valid for the length given with
    // it (or the length is one the library refuses before reading); every output is freed once.
    unsafe {
        match which % 11 {
            0 => {
                let (config, len) = input(rest, bad);
                let mut made = ptr::null_mut();
                finish(atlscim_profile_new(config, len, &mut made, &mut err), err, bad);
                if !made.is_null() {
                    assert_eq!(atlscim_profile_config_json(made, &mut out, ptr::null_mut()), atlscim_status::Ok);
                    take(out);
                }
                atlscim_profile_free(made);
            }
            1 => {
                let r = request(&parts, bad);
                finish(atlscim_profile_check(profile, &r, &mut report, &mut err), err, bad);
                take_report(report);
            }
            2 => {
                let ((resource, resource_len), (patch, patch_len)) = (input(a, bad), input(b, 0));
                let kind = u32::from(param & 3);
                finish(
                    atlscim_profile_apply_patch(
                        profile,
                        kind,
                        resource,
                        resource_len,
                        patch,
                        patch_len,
                        &mut out,
                        &mut err,
                    ),
                    err,
                    bad,
                );
                if !out.data.is_null() {
                    let mut diff = atlscim_bytes { data: ptr::null_mut(), len: 0 };
                    let status = atlscim_profile_diff(
                        profile,
                        kind,
                        resource,
                        resource_len,
                        out.data,
                        out.len,
                        &mut diff,
                        ptr::null_mut(),
                    );
                    assert_eq!(status, atlscim_status::Ok);
                    take(diff);
                }
                take(out);
            }
            3 => {
                let ((current, current_len), (desired, desired_len)) = (input(a, bad), input(b, 0));
                let kind = u32::from(param & 3);
                finish(
                    atlscim_profile_diff(profile, kind, current, current_len, desired, desired_len, &mut out, &mut err),
                    err,
                    bad,
                );
                take(out);
            }
            4 => {
                let (text, len) = input(a, bad);
                let mut filter = ptr::null_mut();
                finish(atlscim_filter_parse(text, len, param & 1 == 1, &mut filter, &mut err), err, bad);
                if !filter.is_null() {
                    assert_eq!(atlscim_filter_to_string(filter, &mut out, ptr::null_mut()), atlscim_status::Ok);
                    take(out);
                    let mut tree = atlscim_bytes { data: ptr::null_mut(), len: 0 };
                    assert_eq!(atlscim_filter_to_json(filter, &mut tree, ptr::null_mut()), atlscim_status::Ok);
                    take(tree);
                    let mut matches = false;
                    let mut merr = ptr::null_mut();
                    finish(
                        atlscim_filter_matches(filter, b.as_ptr().cast(), b.len(), &mut matches, &mut merr),
                        merr,
                        0,
                    );
                }
                atlscim_filter_free(filter);
            }
            5 => {
                let mut batch = ptr::null_mut();
                assert_eq!(atlscim_batch_new(profile, &mut batch, ptr::null_mut()), atlscim_status::Ok);
                // Each pair of lines is a request: "METHOD PATH" then the body.
                for pair in parts.chunks(2) {
                    let line = pair[0];
                    let space = line.iter().position(|c| *c == b' ').unwrap_or(line.len());
                    let (method, path) = (&line[..space], line.get(space + 1..).unwrap_or_default());
                    let r = request(&[method, path, pair.get(1).copied().unwrap_or_default()], bad);
                    let mut berr = ptr::null_mut();
                    finish(atlscim_batch_check(batch, &r, &mut report, &mut berr), berr, bad);
                    take_report(report);
                    report = ptr::null_mut();
                }
                assert_eq!(atlscim_batch_summary_json(batch, &mut out, ptr::null_mut()), atlscim_status::Ok);
                take(out);
                atlscim_batch_free(batch);
            }
            6 => {
                let headers: Vec<atlscim_header> = parts[1..]
                    .iter()
                    .map(|line| {
                        let colon = line.iter().position(|c| *c == b':').unwrap_or(line.len());
                        let value = line.get(colon + 1..).unwrap_or_default();
                        atlscim_header {
                            name: line.as_ptr().cast(),
                            name_len: colon,
                            value: value.as_ptr().cast(),
                            value_len: value.len(),
                        }
                    })
                    .collect();
                let status = u16::from_le_bytes([param, a.first().copied().unwrap_or(1)]);
                let now = match param & 3 {
                    0 => -1.0,
                    1 => f64::NAN,
                    2 => 1.0e300,
                    _ => 1_763_900_000.0,
                };
                let (body, body_len) = input(a, bad);
                let status = atlscim_response_classify(
                    status,
                    body,
                    body_len,
                    headers.as_ptr(),
                    headers.len(),
                    now,
                    &mut out,
                    &mut err,
                );
                finish(status, err, bad);
                take(out);
            }
            7 => {
                let ((mapping, mapping_len), (record, record_len)) = (input(a, bad), input(b, 0));
                let mut user = atlscim_bytes { data: ptr::null_mut(), len: 0 };
                finish(
                    atlscim_profile_map_user(
                        profile,
                        mapping,
                        mapping_len,
                        record,
                        record_len,
                        &mut user,
                        &mut report,
                        &mut err,
                    ),
                    err,
                    bad,
                );
                assert_eq!(user.data.is_null(), report.is_null());
                take(user);
                take_report(report);
            }
            8 => {
                let (record, record_len) = input(a, bad);
                let (members, members_len) = if param & 1 == 1 { (ptr::null(), 0) } else { input(b, 0) };
                let mut group = atlscim_bytes { data: ptr::null_mut(), len: 0 };
                finish(
                    atlscim_profile_map_group(
                        profile,
                        record,
                        record_len,
                        members,
                        members_len,
                        &mut group,
                        &mut report,
                        &mut err,
                    ),
                    err,
                    bad,
                );
                take(group);
                take_report(report);
            }
            9 => {
                let (value, len) = input(rest, bad);
                finish(atlscim_normalize(u32::from(param & 7), value, len, &mut out, &mut err), err, bad);
                take(out);
            }
            _ => {
                let ((given, given_len), (family, family_len)) = (input(a, bad), input(b, 0));
                finish(atlscim_display_name_join(given, given_len, family, family_len, &mut out, &mut err), err, bad);
                take(out);
            }
        }
        atlscim_profile_free(profile);
    }
});
