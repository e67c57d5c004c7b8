//! Filter parsing and PATCH application, against DESIGN.md's targets: parse `userName eq
//! "bjensen"` ≤ 0.2 µs and a long value-path filter ≤ 1 µs (kanidm's scim_proto: 0.19 / 1.05 µs);
//! apply four Entra-style operations to ../shared/bench/user.json ≤ 2 µs (scim-patch on Node: ≈ 4 µs),
//! and (issue 12) no slower than a clone of that user's `Value`: `patch/apply_4_entra_ops` is the
//! public `patch::apply_in_place` (all or nothing by an undo log) on a fresh copy of the user each
//! time (the copy is made outside the timing, as criterion's `iter_batched_ref` does);
//! `patch/apply_4_entra_ops_copying` is the public `patch::apply`, which copies the resource
//! first (how every apply worked before), so the two rows are before and after in one run;
//! `patch/apply_4_entra_ops_in_place_again` patches one user over and over (warm memory);
//! `patch/apply_patch_in_place_4_entra_ops` is `Profile::apply_patch_in_place` (reads the PatchOp,
//! then applies in place) and `patch/read_and_apply_4_entra_ops` `Profile::apply_patch` (reads,
//! then applies to a copy).
//!
//! Run: `cargo bench -p atlscim-core --bench filter_patch`

use std::hint::black_box;

use atlscim_core::Profile;
use atlscim_core::filter;
use atlscim_core::patch;
use atlscim_core::schema::ResourceKind;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

mod user;

const SHORT: &str = r#"userName eq "bjensen""#;
const LONG: &str =
    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#;

/// The benchmark user (benches/user: ../shared/bench/user.json, or ATLSCIM_BENCH_USER).
fn user() -> serde_json::Value {
    serde_json::from_slice(&user::bytes()).expect("user JSON")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("filter");
    g.bench_function("parse_short", |b| b.iter(|| black_box(filter::parse(black_box(SHORT)))));
    g.bench_function("parse_long", |b| b.iter(|| black_box(filter::parse(black_box(LONG)))));
    g.finish();

    let (user, ops) = (user(), user::entra_ops());
    let profile = Profile::rfc();
    let reading = profile.read_patch(&ops, ResourceKind::User, Some(&user));
    assert!(reading.valid(), "{:?}", reading.issues());
    let rt = profile.schemas().resource(ResourceKind::User);
    let options = profile.apply_options(ResourceKind::User);
    let mut g = c.benchmark_group("patch");
    // The same user patched again and again: the operations set the same values each time, so
    // every iteration does the same work, on memory as warm as the clone row's.
    let mut patched = user.clone();
    g.bench_function("apply_4_entra_ops_in_place_again", |b| {
        b.iter(|| {
            patch::apply_in_place(black_box(&mut patched), &reading.operations, Some(rt), options).expect("applies")
        })
    });
    g.bench_function("apply_4_entra_ops", |b| {
        b.iter_batched_ref(
            || user.clone(),
            |u| patch::apply_in_place(black_box(u), &reading.operations, Some(rt), options).expect("applies"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("apply_4_entra_ops_copying", |b| {
        b.iter(|| black_box(patch::apply(black_box(&user), &reading.operations, Some(rt), options).expect("applies")))
    });
    // What the issue's decision names: the public Profile entry point, reading the PatchOp and
    // applying it in place on a fresh copy (made outside the timing).
    g.bench_function("apply_patch_in_place_4_entra_ops", |b| {
        b.iter_batched_ref(
            || user.clone(),
            |u| profile.apply_patch_in_place(black_box(u), black_box(&ops), ResourceKind::User).expect("applies"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("read_and_apply_4_entra_ops", |b| {
        b.iter(|| {
            black_box(profile.apply_patch(black_box(&user), black_box(&ops), ResourceKind::User).expect("applies"))
        })
    });
    g.bench_function("clone_user_value", |b| b.iter(|| black_box(black_box(&user).clone())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
