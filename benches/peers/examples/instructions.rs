//! The benchmark user read N times by atlscim's rfc and atlassian checks (every issue's path,
//! pointer and detail read, as in benches/peers.rs), by scim_v2 1.0.0's
//! `Strict<User<String>, CreateRequest>` and by serde_json into a `Value`, counted by callgrind:
//!
//! ```text
//! cargo build --release --example instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     --toggle-collect=instructions_measured target/release/examples/instructions ROW 2000
//! ```
//!
//! ROW is `serde_json_value`, `scim_v2_strict_create`, `atlscim_check_rfc` or
//! `atlscim_check_atlassian`; the count divided by N is the row's instructions per call. Like
//! core/examples/instructions.rs, a count does not move with the machine's load, which the
//! criterion rows of benches/peers.rs do; it is a proxy for time, not time.

use std::hint::black_box;
use std::path::PathBuf;

use atlscim_core::{Body, Profile, Report, Request};
use scim_v2::models::user::User;
use scim_v2::{CreateRequest, Strict};

fn read_issues(report: &Report) -> usize {
    report.issues().iter().map(|i| i.path().len() + i.pointer().len() + i.detail().len()).sum()
}

/// The measured region: callgrind counts the instructions executed inside this function.
#[unsafe(no_mangle)]
#[inline(never)]
fn instructions_measured(row: &str, bytes: &[u8], rfc: &Profile, atlassian: &Profile, n: usize) -> usize {
    let check = |p: &Profile| {
        let r = Request { method: "POST", path: "/Users", body: Some(Body::Json(bytes)), current: None };
        read_issues(&p.check(black_box(&r)))
    };
    let mut total = 0;
    for _ in 0..n {
        total += match row {
            "serde_json_value" => {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(bytes)).expect("parses"));
                1
            }
            "scim_v2_strict_create" => {
                black_box(
                    serde_json::from_slice::<Strict<User<String>, CreateRequest>>(black_box(bytes)).expect("valid"),
                );
                1
            }
            "atlscim_check_rfc" => check(rfc),
            "atlscim_check_atlassian" => check(atlassian),
            other => panic!("unknown row {other}"),
        };
    }
    total
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(row), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: instructions ROW N");
        std::process::exit(2);
    };
    let path = std::env::var_os("ATLSCIM_BENCH_USER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/user.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (set ATLSCIM_BENCH_USER)", path.display()));
    // The profiles are built, and each checks once, before the count: the first check of a
    // profile builds its schema tables.
    let (rfc, atlassian) = (Profile::rfc(), Profile::atlassian());
    for p in [&rfc, &atlassian] {
        let r = Request { method: "POST", path: "/Users", body: Some(Body::Json(&bytes)), current: None };
        read_issues(&p.check(&r));
    }
    println!("{}", instructions_measured(row, &bytes, &rfc, &atlassian, n));
}
