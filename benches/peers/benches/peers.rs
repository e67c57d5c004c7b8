//! atlscim against the fastest peers, in one criterion run (issue 12's speed targets):
//!
//! - `user_create/*`: the typical User (`../shared/bench/user.json`) as a create. atlscim's rfc and
//!   atlassian profiles check it from bytes and then read every issue's path, pointer and detail, as
//!   the bindings do (so lazily built locations cannot win by never being read); scim_v2 1.0.0
//!   deserializes and validates it as `Strict<User<String>, CreateRequest>`; serde_json builds a
//!   `Value` (the floor every ratio in docs/benchmarks.md is taken against).
//! - `filter/*`: `userName eq "bjensen"` and a long value-path filter, parsed by atlscim, kanidm's
//!   scim_proto and scim_v2.
//!
//! Run: `make bench-peers` (= `cargo bench --manifest-path benches/peers/Cargo.toml`).

use std::hint::black_box;
use std::path::PathBuf;
use std::str::FromStr;

use atlscim_core::{Body, Profile, Report, Request, filter};
use criterion::{Criterion, criterion_group, criterion_main};

const SHORT: &str = r#"userName eq "bjensen""#;
const LONG: &str =
    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#;

fn user_bytes() -> Vec<u8> {
    let path = std::env::var_os("ATLSCIM_BENCH_USER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/user.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (set ATLSCIM_BENCH_USER)", path.display()))
}

/// What a binding reads of a report: every issue's path, pointer and detail.
fn read_issues(report: &Report) -> usize {
    report.issues().iter().map(|i| i.path().len() + i.pointer().len() + i.detail().len()).sum()
}

fn check(profile: &Profile, bytes: &[u8]) -> usize {
    let r = Request { method: "POST", path: "/Users", body: Some(Body::Json(bytes)), current: None };
    read_issues(&profile.check(&r))
}

fn user_create(c: &mut Criterion) {
    use scim_v2::models::user::User;
    use scim_v2::{CreateRequest, Strict};
    let bytes = user_bytes();
    // The peers must accept the user, or the comparison would time an early error.
    serde_json::from_slice::<Strict<User<String>, CreateRequest>>(&bytes).expect("scim_v2 accepts the bench user");
    let rfc = Profile::rfc();
    let atlassian = Profile::atlassian();
    let mut g = c.benchmark_group("user_create");
    g.bench_function("serde_json_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("parses")))
    });
    g.bench_function("scim_v2_strict_create", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<Strict<User<String>, CreateRequest>>(black_box(&bytes)).expect("valid"))
        })
    });
    g.bench_function("atlscim_check_rfc", |b| b.iter(|| black_box(check(&rfc, black_box(&bytes)))));
    g.bench_function("atlscim_check_atlassian", |b| b.iter(|| black_box(check(&atlassian, black_box(&bytes)))));
    g.finish();
}

fn filters(c: &mut Criterion) {
    for (name, text) in [("short", SHORT), ("long", LONG)] {
        assert!(filter::parse(text).is_ok(), "atlscim parses {text}");
        assert!(scim_proto::filter::ScimFilter::from_str(text).is_ok(), "scim_proto parses {text}");
        assert!(scim_v2::filter::Filter::from_str(text).is_ok(), "scim_v2 parses {text}");
        let mut g = c.benchmark_group(format!("filter_{name}"));
        g.bench_function("atlscim", |b| b.iter(|| black_box(filter::parse(black_box(text)))));
        g.bench_function("scim_proto", |b| {
            b.iter(|| black_box(scim_proto::filter::ScimFilter::from_str(black_box(text))))
        });
        g.bench_function("scim_v2", |b| b.iter(|| black_box(scim_v2::filter::Filter::from_str(black_box(text)))));
        g.finish();
    }
}

criterion_group!(benches, user_create, filters);
criterion_main!(benches);
