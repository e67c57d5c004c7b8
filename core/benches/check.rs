//! `check` of the typical User (../shared/bench/user.json, ~1.3 KB) as a POST from bytes, side by
//! side with building a `serde_json::Value` from the same bytes. Target (DESIGN.md): check /
//! Value ≤ 0.75. Override the input with ATLSCIM_BENCH_USER=path.
//!
//! Run: `cargo bench -p atlscim-core --bench check`

use std::hint::black_box;

use atlscim_core::{Body, Profile, Request};
use criterion::{Criterion, criterion_group, criterion_main};

mod user;

fn bench(c: &mut Criterion) {
    let bytes = user::bytes();
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
    let ready = user::atlassian_ready(&bytes);
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
