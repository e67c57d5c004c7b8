//! `apply_in_place` (an undo log) against `apply` (a copy): for every patch vector, and for every
//! vector's operations run after another's (so that a failing operation comes after others have
//! changed the resource), the two give the same result or the same error, and a failed in-place
//! PATCH leaves the resource exactly as it was.

use atlscim_core::patch::{self, Operation};
use atlscim_core::schema::ResourceKind;
use serde_json::{Value, json};
mod common;

fn kind(case: &Value) -> ResourceKind {
    if case["resource_type"] == "Group" { ResourceKind::Group } else { ResourceKind::User }
}

/// The operations of a case's PatchOp, when the profile reads it without an error.
fn operations(case: &Value, patch: &Value) -> Option<Vec<Operation>> {
    let reading = common::profile(case).read_patch(patch, kind(case), Some(&case["resource"]));
    reading.first_error().is_none().then_some(reading.operations)
}

/// Runs `ops` on `case`'s resource both ways; returns whether the PATCH failed.
fn same_both_ways(case: &Value, ops: &[Operation], label: &str) -> bool {
    let profile = common::profile(case);
    let (rt, options) = (Some(profile.schemas().resource(kind(case))), profile.apply_options(kind(case)));
    let original = &case["resource"];
    let copied = patch::apply(original, ops, rt, options);
    let mut in_place = original.clone();
    let result = patch::apply_in_place(&mut in_place, ops, rt, options);
    match (&copied, result) {
        (Ok(want), Ok(())) => assert_eq!(&in_place, want, "{label}"),
        (Err(want), Err(got)) => {
            assert_eq!(&got, want, "{label}");
            assert_eq!(&in_place, original, "{label}: a failed PATCH must leave the resource as it was");
        }
        (want, got) => panic!("{label}: copy gave {want:?}, in place {got:?}"),
    }
    copied.is_err()
}

#[test]
fn in_place_agrees_with_the_copy_and_undoes_failures() {
    let cases: Vec<(String, Value)> = common::cases("patch").into_iter().collect();
    let (mut runs, mut undone) = (0, 0);
    for (name, case) in &cases {
        let Some(own) = operations(case, &case["patch"]) else { continue };
        runs += 1;
        same_both_ways(case, &own, name);
        // Every other case's operations first, then this one's, on this case's resource.
        for (first_name, first) in &cases {
            let mut ops = first["patch"]["Operations"].as_array().cloned().unwrap_or_default();
            ops.extend(case["patch"]["Operations"].as_array().cloned().unwrap_or_default());
            let combined = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
            let Some(ops) = operations(case, &combined) else { continue };
            runs += 1;
            undone += usize::from(same_both_ways(case, &ops, &format!("{first_name} then {name}")));
        }
    }
    println!("in place: {runs} PATCHes, {undone} failed after earlier operations and were undone");
    assert!(runs > 500 && undone > 50, "too few runs ({runs}) or failures undone ({undone}) to mean much");
}
