//! `apply_in_place` (an undo log) against `apply` (a copy): for every patch vector, and for every
//! vector's operations run after another's (so that a failing operation comes after others have
//! changed the resource), the two give the same result or the same error, and a failed in-place
//! PATCH leaves the resource exactly as it was.

use atlscim_core::patch::{self, OpKind, Operation};
use atlscim_core::path::PatchPath;
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

/// Operations from `(op, path, value)`, then a remove without a path, which apply refuses: every
/// change the operations made must be undone.
fn then_fail(ops: &[(OpKind, Option<&str>, Option<Value>)]) -> Vec<Operation> {
    let mut out: Vec<Operation> = ops
        .iter()
        .map(|(op, path, value)| Operation::new(*op, path.map(|p| PatchPath::parse(p).expect("path")), value.clone()))
        .collect();
    out.push(Operation::new(OpKind::Remove, None, None));
    out
}

#[test]
fn failures_are_undone_member_by_member() {
    let profile = atlscim_core::Profile::atlassian();
    let rt = Some(profile.schemas().resource(ResourceKind::User));
    let options = profile.apply_options(ResourceKind::User);
    let ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let cases: Vec<(Value, Vec<Operation>)> = vec![
        // The last assigned member of name removed: name goes, its null member with it.
        (
            json!({"userName": "a", "name": {"givenName": null, "familyName": "Jensen"}}),
            then_fail(&[(OpKind::Remove, Some("name.familyName"), None)]),
        ),
        // A member of an extension that exists, then the extension emptied.
        (
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ext], "userName": "a",
                   ext: {"department": "Tours", "organization": "Universal"}}),
            then_fail(&[
                (OpKind::Replace, Some(&format!("{ext}:department")), Some(json!("Sales"))),
                (OpKind::Remove, Some(&format!("{ext}:organization")), None),
                (OpKind::Remove, Some(&format!("{ext}:department")), None),
            ]),
        ),
        // A member of an extension where the resource also holds members named like it at the
        // top level (the log saves only the extension's member; the others stay as they are).
        (
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ext], "userName": "a",
                   "department": "Top", format!("{ext}:department"): "Joined",
                   ext: {"department": "Tours", "organization": "Universal"}}),
            then_fail(&[(OpKind::Replace, Some(&format!("{ext}:department")), Some(json!("Sales")))]),
        ),
        // An extension created (and its URN added to schemas).
        (
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a"}),
            then_fail(&[(OpKind::Add, Some(&format!("{ext}:department")), Some(json!("Sales")))]),
        ),
        // One attribute spelled two ways, a member of it, then all of it.
        (
            json!({"userName": "a", "name": {"givenName": "B"}, "NAME": {"givenName": "C"}}),
            then_fail(&[
                (OpKind::Replace, Some("name.givenName"), Some(json!("D"))),
                (OpKind::Replace, Some("name"), Some(json!({"familyName": "E"}))),
            ]),
        ),
        // A member first, then the whole attribute, then the member again.
        (
            json!({"userName": "a", "name": {"givenName": "B", "familyName": "J"}}),
            then_fail(&[
                (OpKind::Replace, Some("name.givenName"), Some(json!("C"))),
                (OpKind::Replace, Some("name"), Some(json!({"givenName": "D"}))),
                (OpKind::Replace, Some("name.familyName"), Some(json!("K"))),
            ]),
        ),
        // Without a path: members, an extension member and a core attribute by its URN path.
        (
            json!({"userName": "a", "active": true, "emails": [{"value": "a@example.com", "primary": true}]}),
            then_fail(&[(
                OpKind::Replace,
                None,
                Some(json!({"active": false, "emails": [{"value": "b@example.com"}],
                            ext: {"department": "Sales"},
                            "urn:ietf:params:scim:schemas:core:2.0:User:userName": "b"})),
            )]),
        ),
    ];
    for (i, (resource, ops)) in cases.into_iter().enumerate() {
        let mut patched = resource.clone();
        let copied = patch::apply(&resource, &ops[..ops.len() - 1], rt, options).expect("all but the last apply");
        assert_ne!(copied, resource, "case {i}: the operations before the failure change something");
        let e = patch::apply_in_place(&mut patched, &ops, rt, options).expect_err("the last operation fails");
        assert_eq!(e.issue().rule().id(), "RFC-P-004", "case {i}");
        assert_eq!(patched, resource, "case {i}: undone");
    }
}

/// A multi-valued attribute that operations run on through the open value list is not copied:
/// the list keeps each value it changes before the first change (by position), and a failed
/// PATCH rebuilds the attribute from those and the values left alone. Each case ends in a failing
/// operation; the resource must come back byte for byte, whatever the operations before did to
/// the values (edited, removed, added, demoted from primary, renumbered) and however the resource
/// spells or shapes the attribute.
#[test]
fn failures_are_undone_value_by_value() {
    let emails = json!([
        {"value": "bjensen@example.com", "type": "work", "primary": true},
        {"value": "babs@jensen.org", "type": "home"},
        {"value": "b@example.com", "type": "other"}
    ]);
    let group_members: Vec<Value> =
        (0..100).map(|i| json!({"value": format!("u{i}"), "display": format!("U {i}")})).collect();
    let cases: Vec<(ResourceKind, Value, Vec<Operation>)> = vec![
        // The benchmark's operation: one sub-attribute of the value a filter reaches.
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": emails}),
            then_fail(&[(OpKind::Replace, Some("emails[type eq \"work\"].value"), Some(json!("barbara@example.com")))]),
        ),
        // Values edited, removed, added and made primary (the others demoted), in one open list.
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": emails}),
            then_fail(&[
                (OpKind::Remove, Some("emails[type eq \"home\"]"), None),
                (OpKind::Add, Some("emails"), Some(json!([{"value": "new@example.com", "type": "work"}]))),
                (OpKind::Replace, Some("emails[type eq \"other\"].primary"), Some(json!(true))),
                (
                    OpKind::Replace,
                    Some("emails[value eq \"new@example.com\"]"),
                    Some(json!({"value": "x@example.com"})),
                ),
                (OpKind::Remove, Some("emails[type eq \"other\"]"), None),
            ]),
        ),
        // Every value removed: the attribute goes from the resource, and comes back.
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": emails}),
            then_fail(&[(OpKind::Remove, Some("emails[value co \"@\"]"), None)]),
        ),
        // The resource spells the attribute two ways: the list takes one, the log keeps the other.
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": [{"value": "a@example.com", "type": "work"}],
                   "Emails": [{"value": "b@example.com", "type": "work"}]}),
            then_fail(&[
                (OpKind::Replace, Some("EMAILS[type eq \"work\"].value"), Some(json!("c@example.com"))),
                (OpKind::Replace, Some("Emails"), Some(json!([{"value": "d@example.com"}]))),
            ]),
        ),
        // Spelled only another way, with a duplicate key in a value (two spellings of `value`).
        (
            ResourceKind::User,
            json!({"userName": "a", "EMAILS": [{"value": "a@example.com", "Value": "z@example.com", "type": "work"}]}),
            then_fail(&[(OpKind::Replace, Some("emails[type eq \"work\"].value"), Some(json!("c@example.com")))]),
        ),
        // A lone value where a list belongs, and null: each comes back in its own shape.
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": {"value": "a@example.com", "type": "work"}}),
            then_fail(&[(OpKind::Replace, Some("emails[type eq \"work\"].value"), Some(json!("c@example.com")))]),
        ),
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": null}),
            then_fail(&[(OpKind::Add, Some("emails[type eq \"work\"].value"), Some(json!("c@example.com")))]),
        ),
        // Simple values replaced through a filter: the list is renumbered (duplicates dropped).
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": ["a@example.com", "b@example.com", "a@example.com"]}),
            then_fail(&[
                (OpKind::Remove, Some("emails[value eq \"b@example.com\"]"), None),
                (OpKind::Replace, Some("emails[value eq \"a@example.com\"]"), Some(json!("c@example.com"))),
                (OpKind::Add, Some("emails"), Some(json!(["d@example.com"]))),
            ]),
        ),
        // Another attribute's list opened in between (the first goes back, copied into the log),
        // the first opened again, then changed whole.
        (
            ResourceKind::User,
            json!({"userName": "a", "emails": emails, "phoneNumbers": [{"value": "555", "type": "work"}]}),
            then_fail(&[
                (OpKind::Replace, Some("emails[type eq \"work\"].value"), Some(json!("c@example.com"))),
                (OpKind::Replace, Some("phoneNumbers[type eq \"work\"].value"), Some(json!("556"))),
                (OpKind::Remove, Some("emails[type eq \"home\"]"), None),
                (OpKind::Replace, Some("emails.type"), Some(json!("work"))),
                (OpKind::Remove, Some("emails[type eq \"work\"]"), None),
            ]),
        ),
        // A group of 100 members (indexed, positions past 64): removes, an add, an edit.
        (
            ResourceKind::Group,
            json!({"displayName": "g", "members": group_members}),
            then_fail(&[
                (OpKind::Remove, Some("members[value eq \"u3\"]"), None),
                (OpKind::Remove, Some("members[value eq \"u70\"]"), None),
                (OpKind::Remove, Some("members[value eq \"u99\"]"), None),
                (OpKind::Add, Some("members"), Some(json!([{"value": "u100"}, {"value": "u3"}]))),
                (OpKind::Replace, Some("members[value eq \"u65\"].display"), Some(json!("Sixty-five"))),
                (OpKind::Remove, Some("members[value eq \"u65\"]"), None),
                (OpKind::Replace, Some("members[value eq \"u2\"].display"), Some(json!("Two"))),
                (OpKind::Remove, Some("members[value eq \"u2\"]"), None),
            ]),
        ),
    ];
    for profile in [atlscim_core::Profile::rfc(), atlscim_core::Profile::atlassian()] {
        for (i, (kind, resource, ops)) in cases.iter().enumerate() {
            let (rt, options) = (Some(profile.schemas().resource(*kind)), profile.apply_options(*kind));
            let copied = patch::apply(resource, &ops[..ops.len() - 1], rt, options).expect("all but the last apply");
            assert_ne!(&copied, resource, "case {i}: the operations before the failure change something");
            let mut patched = resource.clone();
            let e = patch::apply_in_place(&mut patched, ops, rt, options).expect_err("the last operation fails");
            assert_eq!(e.issue().rule().id(), "RFC-P-004", "case {i}");
            assert_eq!(patched.to_string(), resource.to_string(), "case {i}: undone byte for byte");
            // Without the failure, in place gives what the copy gives.
            let mut in_place = resource.clone();
            patch::apply_in_place(&mut in_place, &ops[..ops.len() - 1], rt, options).expect("applies");
            assert_eq!(in_place.to_string(), copied.to_string(), "case {i}: in place");
        }
    }
}
