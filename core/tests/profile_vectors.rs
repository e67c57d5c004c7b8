//! Runs the shared `rule` and `key_expiry` vectors (tests/vectors/README.md): a rule's metadata as
//! the registry gives it (its JSON form, what `atlscim rules` and every binding's rules JSON
//! print), and where a SCIM API key stands.

use atlscim_core::{RULES, key_expiry};
mod common;

use serde_json::json;

#[test]
fn rule_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("rule") {
        ran += 1;
        let id = case["rule"].as_str().expect("rule");
        let Some(rule) = RULES.iter().find(|r| r.id() == id) else {
            failures.push(format!("{name}: no rule {id} in the registry"));
            continue;
        };
        let got = serde_json::to_value(rule).expect("rule as JSON");
        // Every key the vector gives (the form check knows them all, and requires them) is compared.
        for (key, want) in case["expect"].as_object().expect("expect") {
            if got.get(key) != Some(want) {
                failures.push(format!("{name}: {key} is {}, want {want}", got[key.as_str()]));
            }
        }
    }
    println!("rule vectors: {ran} cases, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn key_expiry_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("key_expiry") {
        ran += 1;
        let now = case["now"].as_i64().expect("now");
        // The form check has made sure the case gives exactly one of config and expires_at.
        let got = match case.get("expires_at") {
            Some(at) => {
                let warn = case.get("warn_days").map_or(30, |w| w.as_u64().expect("warn_days") as u32);
                Some(key_expiry(at.as_i64().expect("expires_at"), now, warn))
            }
            None => common::profile(&case).key_expiry(now),
        };
        let got = match got {
            Some(k) => json!({"state": k.state.as_str(), "days_left": k.days_left}),
            None => json!({"state": null}),
        };
        if got != case["expect"] {
            failures.push(format!("{name}: got {got}, want {}", case["expect"]));
        }
    }
    println!("key_expiry vectors: {ran} cases, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}
