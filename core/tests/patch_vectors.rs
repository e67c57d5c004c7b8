//! Runs the shared `patch` and `diff` vectors (tests/vectors/README.md): apply_patch results and
//! errors, and diff's PatchOp with the round trip apply(current, diff) == desired.

use atlscim_core::schema::ResourceKind;
mod common;

use serde_json::Value;

fn kind(case: &Value) -> ResourceKind {
    match case["resource_type"].as_str() {
        Some("User") => ResourceKind::User,
        Some("Group") => ResourceKind::Group,
        other => panic!("{}: resource_type {other:?} is not User or Group", case["name"]),
    }
}

#[test]
fn patch_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("patch") {
        ran += 1;
        let result = common::profile(&case).apply_patch(&case["resource"], &case["patch"], kind(&case));
        match (result, case["expect"].get("result"), case["expect"].get("error")) {
            (Ok(got), Some(want), _) if &got == want => {}
            (Ok(got), Some(want), _) => failures.push(format!("{name}\n   got  {got}\n   want {want}")),
            (Err(e), Some(_), _) => failures.push(format!("{name}: failed with {e}")),
            (Err(e), None, Some(want)) => {
                let got = serde_json::json!({"rule": e.rule.id, "status": e.status(), "scimType": e.scim_type()});
                if &got != want {
                    failures.push(format!("{name}: error {got}, want {want} ({e})"));
                }
            }
            (Ok(got), None, _) => failures.push(format!("{name}: applied ({got}), want an error")),
            (Err(e), None, None) => failures.push(format!("{name}: no expectation ({e})")),
        }
    }
    println!("patch vectors: {ran} cases run, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn diff_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("diff") {
        ran += 1;
        let p = common::profile(&case);
        let got = p.diff(&case["current"], &case["desired"], kind(&case));
        let want = &case["expect"]["patch"];
        if got.as_ref().unwrap_or(&Value::Null) != want {
            failures.push(format!("{name}\n   got  {}\n   want {want}", got.clone().unwrap_or(Value::Null)));
            continue;
        }
        if let Some(patch) = got {
            match p.apply_patch(&case["current"], &patch, kind(&case)) {
                Ok(applied) if applied == case["desired"] => {}
                Ok(applied) => failures.push(format!("{name}: apply(current, diff) gives {applied}")),
                Err(e) => failures.push(format!("{name}: apply(current, diff) fails: {e}")),
            }
        }
    }
    println!("diff vectors: {ran} cases run, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}
