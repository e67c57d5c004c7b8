//! The benchmark user checked (or patched) N times, for `scripts/bench-instructions.sh` (`make
//! bench-instructions`).
//!
//! `instructions ROW N` runs one row of benches/check.rs, or of benches/filter_patch.rs's `patch`
//! group, N times inside [`instructions_measured`]; the script counts the instructions executed
//! there under `valgrind --tool=callgrind --toggle-collect=instructions_measured` and divides by
//! N. A count does not depend on the machine's load, so two builds can be compared on a busy
//! machine where criterion's times scatter by 20 % between runs; it is a proxy for time, not time
//! (cache misses and branch mispredictions are not in it), and the rows of `user_create` and
//! `patch` in criterion stay the measure of record.

use std::hint::black_box;

use atlscim_core::patch::{self, ApplyOptions, Operation};
use atlscim_core::schema::{ResourceKind, ResourceType};
use atlscim_core::{Body, Profile, Request};
use serde_json::Value;

#[path = "../benches/user/mod.rs"]
mod user;

/// The rows, as named in benches/check.rs's `user_create` group and benches/filter_patch.rs's
/// `patch` group.
const ROWS: [&str; 9] = [
    "serde_json_value",
    "check_atlassian",
    "check_atlassian_normalized",
    "check_rfc",
    "serde_json_value_atlassian_ready",
    "check_atlassian_ready",
    "apply_4_entra_ops",
    "apply_patch_in_place_4_entra_ops",
    "clone_user_value",
];

/// One check row's operation, once.
fn run(row: &str, request: &Request<'_>, atlassian: &Profile, rfc: &Profile) {
    match row {
        "check_atlassian" | "check_atlassian_ready" => drop(black_box(atlassian.check(black_box(request)))),
        "check_rfc" => drop(black_box(rfc.check(black_box(request)))),
        // The check, then the body to send (the user's unstored attributes dropped), as a binding
        // that sends `normalized` does.
        "check_atlassian_normalized" => {
            let report = atlassian.check(black_box(request));
            drop(black_box(report.normalized_json(request.body.as_ref())));
        }
        _ => {
            let Some(Body::Json(bytes)) = request.body else { unreachable!("the rows send bytes") };
            drop(black_box(serde_json::from_slice::<Value>(black_box(bytes)).expect("the user parses")));
        }
    }
}

/// What a row works on.
enum Work<'p> {
    /// A `user_create` row: the request and both profiles.
    Check { request: Request<'p>, atlassian: &'p Profile, rfc: &'p Profile },
    /// `apply_4_entra_ops`: one fresh copy of the user per call, made (and dropped) outside the
    /// measured region as criterion's `iter_batched_ref` does; the operations read once.
    Apply { copies: Vec<Value>, operations: &'p [Operation], rt: &'p ResourceType, options: ApplyOptions },
    /// `apply_patch_in_place_4_entra_ops`: `Profile::apply_patch_in_place` (the PatchOp read,
    /// then applied) on one fresh copy of the user per call, as `Apply`.
    ReadAndApply { copies: Vec<Value>, patch: &'p Value, profile: &'p Profile },
    /// `clone_user_value`: a clone of the user and its drop, as criterion times it.
    Clone { user: &'p Value },
}

/// The measured region: callgrind counts the instructions executed inside this function.
#[unsafe(no_mangle)]
#[inline(never)]
fn instructions_measured(row: &str, work: &mut Work<'_>, n: usize) {
    match work {
        Work::Check { request, atlassian, rfc } => {
            for _ in 0..n {
                run(row, request, atlassian, rfc);
            }
        }
        Work::Apply { copies, operations, rt, options } => {
            for u in copies.iter_mut().take(n) {
                patch::apply_in_place(black_box(u), operations, Some(rt), *options).expect("applies");
            }
        }
        Work::ReadAndApply { copies, patch, profile } => {
            for u in copies.iter_mut().take(n) {
                profile.apply_patch_in_place(black_box(u), black_box(patch), ResourceKind::User).expect("applies");
            }
        }
        Work::Clone { user } => {
            for _ in 0..n {
                drop(black_box(black_box(*user).clone()));
            }
        }
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
    if !row.contains("entra_ops") && row != "clone_user_value" {
        // Once outside the measured region, so what is built on first use (the schemas, the
        // time-zone list) is not counted.
        run(row, &request, &atlassian, &rfc);
        instructions_measured(row, &mut Work::Check { request, atlassian: &atlassian, rfc: &rfc }, n);
        return;
    }
    // The patch rows as benches/filter_patch.rs sets them up: the RFC profile's reading and
    // options.
    let user: Value = serde_json::from_slice(&bytes).expect("the user parses");
    let ops = user::entra_ops();
    let reading = rfc.read_patch(&ops, ResourceKind::User, Some(&user));
    assert!(reading.valid(), "{:?}", reading.issues());
    let rt = rfc.schemas().resource(ResourceKind::User);
    let options = rfc.apply_options(ResourceKind::User);
    // Once outside the measured region, as above.
    patch::apply_in_place(&mut user.clone(), &reading.operations, Some(rt), options).expect("applies");
    rfc.apply_patch_in_place(&mut user.clone(), &ops, ResourceKind::User).expect("applies");
    let mut work = if row == "clone_user_value" {
        Work::Clone { user: &user }
    } else if row == "apply_patch_in_place_4_entra_ops" {
        Work::ReadAndApply { copies: vec![user.clone(); n], patch: &ops, profile: &rfc }
    } else {
        Work::Apply { copies: vec![user.clone(); n], operations: &reading.operations, rt, options }
    };
    instructions_measured(row, &mut work, n);
}
