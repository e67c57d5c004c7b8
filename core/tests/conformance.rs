//! Runs the public SCIM conformance corpora from ../shared/conformance when they are present
//! (override the directory with ATLSCIM_CONFORMANCE_DIR). They are read at run time, never copied
//! into this repository.

use std::path::PathBuf;

use atlscim_core::{Body, Profile, Request};
use serde_json::Value;

fn corpus(file: &str) -> Option<(PathBuf, String)> {
    let dir = std::env::var_os("ATLSCIM_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    let path = dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some((path, text)),
        Err(e) => {
            println!("conformance: {} not read ({e}); set ATLSCIM_CONFORMANCE_DIR to run it", path.display());
            None
        }
    }
}

/// Every payload parses, and every User and Group resource checks without errors under the rfc
/// profile (as a POST: read-only attributes such as id and meta are warnings, not errors).
#[test]
fn payloads() {
    let Some((path, text)) = corpus("payloads.jsonl") else { return };
    let profile = Profile::rfc();
    let (mut parsed, mut checked, mut failures) = (0, 0, Vec::new());
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let payload = serde_json::to_string(&case["payload"]).expect("payload serializes");
        assert!(serde_json::from_str::<Value>(&payload).is_ok(), "{id} does not parse");
        parsed += 1;
        let endpoint = match case["kind"].as_str() {
            Some("User") => "/Users",
            Some("Group") => "/Groups",
            _ => continue,
        };
        let report = profile.check(&Request {
            method: "POST",
            path: endpoint,
            body: Some(Body::Json(payload.as_bytes())),
            current: None,
        });
        checked += 1;
        if !report.valid() {
            failures.push(format!("{id}: {}", report.summary(5)));
        }
    }
    println!(
        "conformance payloads.jsonl: {parsed} parsed, {checked} User/Group resources checked, {} failed",
        failures.len()
    );
    assert!(parsed > 0, "{} holds no payloads", path.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
