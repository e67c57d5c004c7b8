//! Runs the shared `patch` and `diff` vectors (tests/vectors/README.md): apply_patch results and
//! errors, and diff's PatchOp messages: each accepted by the profile's check, applied in order
//! they give desired, and a diff after the first gives the rest.

use atlscim_core::schema::ResourceKind;
use atlscim_core::{Body, Profile, Request, Severity};
mod common;

use serde_json::{Value, json};

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
                let got =
                    serde_json::json!({"rule": e.issue().rule().id(), "status": e.status(), "scimType": e.scim_type()});
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

/// Expands the `$generate` forms a diff case may hold (tests/vectors/README.md "Generated lists").
fn expand(v: &Value) -> Value {
    let member = |i: u64| format!("user-{i:06}");
    match v {
        Value::Object(m) if m.contains_key("$generate") => {
            let (from, to) = (m["from"].as_u64().expect("from"), m["to"].as_u64().expect("to"));
            match m["$generate"].as_str() {
                Some("members") => (from..to).map(|i| json!({"value": member(i)})).collect(),
                Some("member_removes") => (from..to)
                    .map(|i| json!({"op": "remove", "path": format!("members[value eq \"{}\"]", member(i))}))
                    .collect(),
                other => panic!("unknown $generate {other:?}"),
            }
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), expand(v))).collect()),
        Value::Array(items) => items.iter().map(expand).collect(),
        other => other.clone(),
    }
}

#[test]
fn diff_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("diff") {
        ran += 1;
        let case = expand(&case);
        let (p, kind) = (common::profile(&case), kind(&case));
        let got = match (p.diff(&case["current"], &case["desired"], kind), case["expect"].get("error")) {
            (Err(e), Some(want)) => {
                let got = json!({"rule": e.issue().rule().id(), "status": e.status(), "scimType": e.scim_type()});
                if &got != want {
                    failures.push(format!("{name}: error {got}, want {want} ({e})"));
                }
                continue;
            }
            (Err(e), None) => {
                failures.push(format!("{name}: failed with {e}"));
                continue;
            }
            (Ok(got), Some(want)) => {
                failures.push(format!("{name}: gave {got:?}, want the error {want}"));
                continue;
            }
            (Ok(got), None) => got,
        };
        let want = case["expect"]["messages"].as_array().expect("expect.messages");
        if &got != want {
            failures.push(format!("{name}\n   got  {}\n   want {}", Value::Array(got), Value::Array(want.clone())));
            continue;
        }
        if let Err(e) = diff_properties(&p, kind, &case["current"], &case["desired"], &got) {
            failures.push(format!("{name}: {e}"));
        }
    }
    println!("diff vectors: {ran} cases run, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}

/// What the messages of a diff promise: each is a PATCH the profile's own check accepts (no
/// error), applying them in order gives `desired`, and after the first one a new diff gives the
/// rest.
fn diff_properties(
    p: &Profile,
    kind: ResourceKind,
    current: &Value,
    desired: &Value,
    messages: &[Value],
) -> Result<(), String> {
    let path = if kind == ResourceKind::Group { "/Groups/e9e30dba" } else { "/Users/2819c223" };
    let mut state = current.clone();
    for (i, m) in messages.iter().enumerate() {
        let body = m.to_string();
        let report =
            p.check(&Request { method: "PATCH", path, body: Some(Body::Json(body.as_bytes())), current: Some(&state) });
        if let Some(e) = report.issues().iter().find(|i| i.severity() == Severity::Error) {
            return Err(format!("check refuses message {i}: {} {}", e.rule().id(), e.detail()));
        }
        state = p.apply_patch(&state, m, kind).map_err(|e| format!("apply of message {i} fails: {e}"))?;
        if i == 0 && messages.len() > 1 && p.diff(&state, desired, kind).as_deref() != Ok(&messages[1..]) {
            return Err(format!("after message 0, diff gives {:?}", p.diff(&state, desired, kind)));
        }
    }
    if !messages.is_empty() && &state != desired {
        return Err(format!("applying the messages gives {state}"));
    }
    Ok(())
}
