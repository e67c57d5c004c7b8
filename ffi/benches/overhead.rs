//! What the C ABI adds to a check: the typical User (../shared/bench/user.json, ~1.3 KB) as a
//! POST from bytes, checked by the core directly and through `atlscim_profile_check` +
//! `atlscim_report_free`, side by side in one run. Target (DESIGN.md): C ABI ≤ 10% over the core.
//! `core_check_normalized` adds building the body to send, which Go's `Report.Normalized` asks for.
//! `go test -bench` in go/ times the same input through Go; its figure minus `core_check` here is
//! the Go per-call overhead (target ≤ 1 µs). Override the input with ATLSCIM_BENCH_USER=path.
//!
//! The `patch` group does the same for PATCH: four Entra-style operations applied to that user,
//! from JSON text to JSON text (parse the user and the message, apply, write the result), by the
//! core directly and through `atlscim_profile_apply_patch` + `atlscim_bytes_free`. Go's
//! `BenchmarkApplyPatch` times the same through Go.
//!
//! Run: `cargo bench -p atlscim-ffi --bench overhead`

use std::hint::black_box;
use std::path::PathBuf;
use std::ptr;

use atlscim::bytes::{atlscim_bytes, atlscim_bytes_free};
use atlscim::patch::{ATLSCIM_RESOURCE_TYPE_USER, atlscim_profile_apply_patch};
use atlscim::profile::{atlscim_profile_atlassian, atlscim_profile_check, atlscim_profile_free, atlscim_request};
use atlscim::report::{atlscim_report_free, atlscim_report_valid};
use atlscim_core::schema::ResourceKind;
use atlscim_core::{Body, Profile, Request};
use criterion::{Criterion, criterion_group, criterion_main};

fn user_bytes() -> Vec<u8> {
    let path = std::env::var_os("ATLSCIM_BENCH_USER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/user.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (set ATLSCIM_BENCH_USER)", path.display()))
}

fn bench(c: &mut Criterion) {
    let bytes = user_bytes();
    let profile = Profile::atlassian();
    let handle = atlscim_profile_atlassian();
    let mut g = c.benchmark_group("user_create");
    g.bench_function("core_check", |b| {
        b.iter(|| {
            let r =
                Request { method: "POST", path: "/Users", body: Some(Body::Json(black_box(&bytes))), current: None };
            black_box(profile.check(&r).valid())
        })
    });
    g.bench_function("core_check_normalized", |b| {
        b.iter(|| {
            let body = Body::Json(black_box(&bytes));
            let r = Request { method: "POST", path: "/Users", body: Some(body), current: None };
            black_box(profile.check(&r).normalized_value(Some(&body)))
        })
    });
    g.bench_function("c_abi_check", |b| {
        b.iter(|| {
            let body = black_box(&bytes);
            let request = atlscim_request {
                method: c"POST".as_ptr(),
                method_len: 4,
                path: c"/Users".as_ptr(),
                path_len: 6,
                body: body.as_ptr().cast(),
                body_len: body.len(),
                current: ptr::null(),
                current_len: 0,
            };
            let mut report = ptr::null_mut();
            // SAFETY: every pointer is valid for the call; the report is freed once.
            unsafe {
                atlscim_profile_check(handle, &request, &mut report, ptr::null_mut());
                let valid = black_box(atlscim_report_valid(report));
                atlscim_report_free(report);
                valid
            }
        })
    });
    g.finish();

    // The same operations as the core's filter_patch bench (and go/bench_test.go).
    let ops = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara.jensen@example.com"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"}
    ]}"#;
    let mut g = c.benchmark_group("patch");
    g.bench_function("core_apply_4_entra_ops_from_text", |b| {
        b.iter(|| {
            let user: serde_json::Value = serde_json::from_slice(black_box(&bytes)).expect("user");
            let patch: serde_json::Value = serde_json::from_slice(black_box(ops)).expect("patch");
            black_box(profile.apply_patch(&user, &patch, ResourceKind::User).expect("applies").to_string())
        })
    });
    g.bench_function("c_abi_apply_4_entra_ops", |b| {
        b.iter(|| {
            let (user, patch) = (black_box(&bytes), black_box(ops));
            let mut out = atlscim_bytes { data: ptr::null_mut(), len: 0 };
            // SAFETY: every pointer is valid for the call; the output is freed once.
            unsafe {
                let status = atlscim_profile_apply_patch(
                    handle,
                    ATLSCIM_RESOURCE_TYPE_USER,
                    user.as_ptr().cast(),
                    user.len(),
                    patch.as_ptr().cast(),
                    patch.len(),
                    &mut out,
                    ptr::null_mut(),
                );
                black_box((status, out.len));
                atlscim_bytes_free(&mut out);
            }
        })
    });
    g.finish();
    // SAFETY: made above, freed once.
    unsafe { atlscim_profile_free(handle) };
}

criterion_group!(benches, bench);
criterion_main!(benches);
