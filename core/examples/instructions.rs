//! The benchmark user checked N times, for `scripts/bench-instructions.sh` (`make
//! bench-instructions`).
//!
//! `instructions ROW N` runs one row of benches/check.rs N times inside [`instructions_measured`];
//! the script counts the instructions executed there under `valgrind --tool=callgrind
//! --toggle-collect=instructions_measured` and divides by N. A count does not depend on the
//! machine's load, so two builds can be compared on a busy machine where criterion's times
//! scatter by 20 % between runs; it is a proxy for time, not time (cache misses and branch
//! mispredictions are not in it), and the rows of `user_create` in criterion stay the measure of
//! record.

use std::hint::black_box;

use atlscim_core::{Body, Profile, Request};
use serde_json::Value;

#[path = "../benches/user/mod.rs"]
mod user;

/// The rows, as named in benches/check.rs's `user_create` group.
const ROWS: [&str; 5] =
    ["serde_json_value", "check_atlassian", "check_rfc", "serde_json_value_atlassian_ready", "check_atlassian_ready"];

/// One row's operation, once.
fn run(row: &str, request: &Request<'_>, atlassian: &Profile, rfc: &Profile) {
    match row {
        "check_atlassian" | "check_atlassian_ready" => drop(black_box(atlassian.check(black_box(request)))),
        "check_rfc" => drop(black_box(rfc.check(black_box(request)))),
        _ => {
            let Some(Body::Json(bytes)) = request.body else { unreachable!("the rows send bytes") };
            drop(black_box(serde_json::from_slice::<Value>(black_box(bytes)).expect("the user parses")));
        }
    }
}

/// The measured region: callgrind counts the instructions executed inside this function.
#[unsafe(no_mangle)]
#[inline(never)]
fn instructions_measured(row: &str, request: &Request<'_>, n: usize, atlassian: &Profile, rfc: &Profile) {
    for _ in 0..n {
        run(row, request, atlassian, rfc);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(row), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<usize>().ok())) else {
        eprintln!("usage: instructions ROW N (ROW one of {})", ROWS.join(", "));
        std::process::exit(2);
    };
    if !ROWS.contains(&row.as_str()) {
        eprintln!("unknown row {row:?}: one of {}", ROWS.join(", "));
        std::process::exit(2);
    }
    let bytes = if row.ends_with("ready") { user::atlassian_ready(&user::bytes()) } else { user::bytes() };
    let (atlassian, rfc) = (Profile::atlassian(), Profile::rfc());
    let request = Request { method: "POST", path: "/Users", body: Some(Body::Json(&bytes)), current: None };
    // Once outside the measured region, so what is built on first use (the schemas, the time-zone
    // list) is not counted.
    run(row, &request, &atlassian, &rfc);
    instructions_measured(row, &request, n, &atlassian, &rfc);
}
