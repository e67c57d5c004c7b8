//! `check` of the typical User (../shared/bench/user.json, ~1.3 KB) as a POST from bytes, side by
//! side with building a `serde_json::Value` from the same bytes. Target (DESIGN.md): check /
//! Value ≤ 0.75. Override the input with ATLSCIM_BENCH_USER=path.
//!
//! Run: `cargo bench -p atlscim-core --bench check`

use std::hint::black_box;
use std::path::PathBuf;

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
    let atlassian = Profile::atlassian();
    let rfc = Profile::rfc();
    let mut g = c.benchmark_group("user_create");
    g.bench_function("serde_json_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("parses")))
    });
    g.bench_function("check_atlassian", |b| {
        b.iter(|| {
            let r =
                Request { method: "POST", path: "/Users", body: Some(Body::Json(black_box(&bytes))), current: None };
            black_box(atlassian.check(&r))
        })
    });
    g.bench_function("check_rfc", |b| {
        b.iter(|| {
            let r =
                Request { method: "POST", path: "/Users", body: Some(Body::Json(black_box(&bytes))), current: None };
            black_box(rfc.check(&r))
        })
    });
    // An Atlassian-ready user (what a connector sends once mapped): the same user without the
    // attributes Atlassian does not store, and with a display name that agrees with the names.
    let mut ready: serde_json::Value = serde_json::from_slice(&bytes).expect("user JSON");
    if let Some(m) = ready.as_object_mut() {
        for key in ["locale", "addresses"] {
            m.remove(key);
        }
        m.insert("displayName".into(), "Barbara Jensen".into());
        if let Some(ext) =
            m.get_mut("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").and_then(|e| e.as_object_mut())
        {
            ext.retain(|k, _| k == "department" || k == "organization");
        }
    }
    let ready = serde_json::to_vec(&ready).expect("serializes");
    g.bench_function("serde_json_value_atlassian_ready", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&ready)).expect("parses")))
    });
    g.bench_function("check_atlassian_ready", |b| {
        b.iter(|| {
            let r =
                Request { method: "POST", path: "/Users", body: Some(Body::Json(black_box(&ready))), current: None };
            black_box(atlassian.check(&r))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
