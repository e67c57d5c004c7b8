//! What the shared-vector runners have in common (tests/vectors/README.md): finding the vector
//! files, refusing what a runner does not know (a kind, an op, a key: a misspelt key must not
//! switch an assertion off), and comparing issues in report order.
#![allow(dead_code)] // each runner uses a part

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use atlscim_core::Report;
use serde_json::Value;

pub type Triple = (String, String, String);

/// The vector directory: tests/vectors, or `ATLSCIM_VECTORS_DIR` (scripts/test-vector-runners.sh
/// points it at deliberately broken copies to show that the runners fail on them).
pub fn vectors_dir() -> PathBuf {
    std::env::var_os("ATLSCIM_VECTORS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors"))
}

/// Every key a vector may use, by where it is: `file` is the top level of a vector file; a kind
/// (or, for `map` files, an op) names a case; `<shape>.<member>` an object inside it, `[]` each
/// element of an array. A key ending in `?` may be left out; the others are required. Keys of
/// inputs (bodies, records, configs, resources) are data, not listed here.
const KEYS: &[(&str, &[&str])] = &[
    ("file", &["kind?", "description", "cases"]),
    ("check", &["name", "config?", "request", "expect"]),
    ("check.request", &["method", "path", "body?", "current?"]),
    (
        "check.expect",
        &[
            "valid",
            "status",
            "issues",
            "issue_order?",
            "issue_order_reason?",
            "normalized?",
            "details?",
            "omitted?",
            "sent_status?",
            "statuses?",
        ],
    ),
    ("patch", &["name", "config?", "resource_type", "resource", "patch", "expect"]),
    ("patch.expect", &["result?", "error?"]),
    ("patch.expect.error", &["rule", "status", "scimType"]),
    ("diff", &["name", "config?", "resource_type", "current", "desired", "expect"]),
    ("diff.expect", &["messages?", "error?"]),
    ("diff.expect.error", &["rule", "status", "scimType"]),
    ("batch", &["name", "config?", "requests", "expect"]),
    ("batch.requests[]", &["method", "path", "body?", "current?"]),
    ("batch.expect[]", &["valid", "status", "issues", "issue_order?", "issue_order_reason?"]),
    ("response", &["name", "config?", "status", "body", "headers", "now", "expect"]),
    (
        "response.expect",
        &[
            "kind",
            "retryable",
            "retryAfter",
            "scimType",
            "rule",
            "status?",
            "detail?",
            "traceId?",
            "retryAfterClamped?",
        ],
    ),
    ("map_user", &["name", "op?", "config?", "mapping", "record", "expect"]),
    (
        "map_user.expect",
        &["valid", "status", "issues", "issue_order?", "issue_order_reason?", "resource?", "derivation?"],
    ),
    ("map_user.expect(mapping_error)", &["mapping_error"]),
    ("map_group", &["name", "op", "config?", "record", "members?", "expect"]),
    (
        "map_group.expect",
        &["valid", "status", "issues", "issue_order?", "issue_order_reason?", "resource?", "derivation?"],
    ),
    ("normalize_timezone", &["name", "op", "input", "expect"]),
    ("normalize_timezone.expect", &["canonical?", "kind?", "error?", "suggestion?"]),
    ("normalize_locale", &["name", "op", "input", "expect"]),
    ("normalize_locale.expect", &["tag?", "error?", "suggestion?"]),
    ("parse_accept_language", &["name", "op", "input", "expect"]),
    ("parse_accept_language.expect", &["best?", "errors?"]),
    ("nearest_atlassian_language", &["name", "op", "input", "expect"]),
    ("nearest_atlassian_language.expect", &["language"]),
    ("normalize_email", &["name", "op", "input", "expect"]),
    ("normalize_email.expect", &["address?", "domain?", "error?"]),
    ("split_display_name", &["name", "op", "input", "expect"]),
    ("split_display_name.expect", &["given?", "family?", "prefix?", "suffix?"]),
    ("join_display_name", &["name", "op", "given", "family", "expect"]),
    ("join_display_name.expect", &["display"]),
    ("rule", &["name", "rule", "expect"]),
    ("rule.expect", &["severity", "status", "scimType", "statusInferred"]),
    ("key_expiry", &["name", "config?", "expires_at?", "warn_days?", "now", "expect"]),
    ("key_expiry.expect", &["state", "days_left?"]),
];

/// The kinds of vector file these runners know (README "Kinds").
pub const KINDS: &[&str] = &["check", "patch", "diff", "batch", "response", "map", "rule", "key_expiry"];

/// Differences between an object's keys and the shape's (`None`: the shape is unknown).
fn shape_problems(shape: &str, v: &Value) -> Vec<String> {
    let Some((_, keys)) = KEYS.iter().find(|(s, _)| *s == shape) else {
        return vec![format!("{shape}: not a shape the runners know")];
    };
    let Some(obj) = v.as_object() else {
        return vec![format!("{shape} must be an object, got {v}")];
    };
    let known = |k: &str| keys.iter().any(|key| key.trim_end_matches('?') == k);
    let mut out: Vec<String> =
        obj.keys().filter(|k| !known(k)).map(|k| format!("{shape}: unknown key {k:?} (a misspelling?)")).collect();
    out.extend(
        keys.iter().filter(|k| !k.ends_with('?') && !obj.contains_key(**k)).map(|k| format!("{shape}: {k} is missing")),
    );
    out
}

/// The shape a case has: its file's kind, or for `map` files its op.
pub fn case_shape(kind: &str, case: &Value) -> String {
    if kind == "map" {
        case.get("op").and_then(Value::as_str).unwrap_or("map_user").to_string()
    } else {
        kind.to_string()
    }
}

/// Everything wrong with a case's form (not its verdict): unknown or missing keys, an issue order
/// without a reason, a mapped resource without the derivation of every attribute, a batch whose
/// requests and expectations differ in number.
pub fn lint_case(kind: &str, case: &Value) -> Vec<String> {
    let shape = case_shape(kind, case);
    let mut out = shape_problems(&shape, case);
    if !out.is_empty() {
        return out;
    }
    let expect = &case["expect"];
    match shape.as_str() {
        "check" => {
            out.extend(shape_problems("check.request", &case["request"]));
            out.extend(shape_problems("check.expect", expect));
            out.extend(issue_order_problems(expect));
        }
        "patch" => {
            out.extend(shape_problems("patch.expect", expect));
            match (expect.get("result"), expect.get("error")) {
                (Some(_), None) => {}
                (None, Some(e)) => out.extend(shape_problems("patch.expect.error", e)),
                _ => out.push("patch.expect: exactly one of result and error".into()),
            }
        }
        "diff" => {
            out.extend(shape_problems("diff.expect", expect));
            match (expect.get("messages"), expect.get("error")) {
                (Some(_), None) => {}
                (None, Some(e)) => out.extend(shape_problems("diff.expect.error", e)),
                _ => out.push("diff.expect: exactly one of messages and error".into()),
            }
        }
        "batch" => {
            let (requests, expects) = (case["requests"].as_array(), expect.as_array());
            match (requests, expects) {
                (Some(r), Some(e)) if r.len() == e.len() && !r.is_empty() => {
                    for req in r {
                        out.extend(shape_problems("batch.requests[]", req));
                    }
                    for e in e {
                        out.extend(shape_problems("batch.expect[]", e));
                        out.extend(issue_order_problems(e));
                    }
                }
                (Some(r), Some(e)) => {
                    out.push(format!("batch: {} requests but {} expectations", r.len(), e.len()));
                }
                _ => out.push("batch: requests and expect must be arrays".into()),
            }
        }
        "response" => out.extend(shape_problems("response.expect", expect)),
        "rule" => out.extend(shape_problems("rule.expect", expect)),
        "key_expiry" => {
            out.extend(shape_problems("key_expiry.expect", expect));
            out.extend(key_expiry_problems(case));
        }
        "map_user" if expect.get("mapping_error").is_some() => {
            out.extend(shape_problems("map_user.expect(mapping_error)", expect));
        }
        "map_user" | "map_group" => {
            out.extend(shape_problems(&format!("{shape}.expect"), expect));
            out.extend(issue_order_problems(expect));
            out.extend(derivation_problems(expect));
        }
        normalizer => out.extend(shape_problems(&format!("{normalizer}.expect"), expect)),
    }
    out
}

/// A key expiry case gives either a profile `config` or the function's `expires_at` (with
/// `warn_days` only then), and `days_left` exactly when `state` is not null (no expiry date
/// configured: nothing to say).
fn key_expiry_problems(case: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (config, at) = (case.get("config").is_some(), case.get("expires_at").is_some());
    if config == at {
        out.push("key_expiry: exactly one of config and expires_at".into());
    }
    if case.get("warn_days").is_some() && !at {
        out.push("key_expiry: warn_days without expires_at".into());
    }
    let expect = &case["expect"];
    if expect["state"].is_null() == expect.get("days_left").is_some() {
        out.push("key_expiry.expect: days_left exactly when state is not null".into());
    }
    out
}

/// `issue_order` is `"any"` with an `issue_order_reason`, on an expectation of two issues or more;
/// absent, the listed order is the report order.
fn issue_order_problems(expect: &Value) -> Vec<String> {
    let issues = expect["issues"].as_array().map_or(0, Vec::len);
    let reason = expect.get("issue_order_reason").and_then(Value::as_str).unwrap_or("");
    match expect.get("issue_order") {
        None if expect.get("issue_order_reason").is_some() => {
            vec!["issue_order_reason without \"issue_order\": \"any\"".into()]
        }
        None => Vec::new(),
        Some(o) if o != "any" => vec![format!("issue_order is {o}; the only value is \"any\"")],
        Some(_) if issues < 2 => vec!["issue_order \"any\" on fewer than two issues".into()],
        Some(_) if reason.trim().is_empty() => vec!["issue_order \"any\" needs an issue_order_reason".into()],
        Some(_) => Vec::new(),
    }
}

/// A mapped resource names, for each of its attributes, the preset entry, rule or reference row
/// it follows (`derivation`); an attribute the resource lacks may be explained with "absent: …".
fn derivation_problems(expect: &Value) -> Vec<String> {
    let (resource, derivation) = (expect.get("resource"), expect.get("derivation"));
    let (Some(Value::Object(resource)), Some(Value::Object(derivation))) = (resource, derivation) else {
        return match (resource, derivation) {
            (None, None) => Vec::new(),
            (Some(_), None) => vec!["a resource without its derivation".into()],
            (None, Some(_)) => vec!["a derivation without a resource".into()],
            _ => vec!["resource and derivation must be objects".into()],
        };
    };
    let mut out: Vec<String> = resource
        .keys()
        .filter(|k| !derivation.contains_key(*k))
        .map(|k| format!("derivation: {k} is in the resource but not derived"))
        .collect();
    for (k, why) in derivation {
        match why.as_str() {
            Some(w) if resource.contains_key(k) && !w.trim().is_empty() && !w.starts_with("absent:") => {}
            Some(w) if !resource.contains_key(k) && w.starts_with("absent:") => {}
            Some(w) if w.starts_with("absent:") => out.push(format!("derivation: {k} is in the resource, not absent")),
            _ if !resource.contains_key(k) => {
                out.push(format!("derivation: {k} is not in the resource (explain an absence with \"absent: …\")"));
            }
            _ => out.push(format!("derivation: {k} must say which rule gives it")),
        }
    }
    out
}

/// Every vector file, sorted by name, with its kind (absent means "check"). Panics on a file that
/// does not parse or whose kind no runner knows.
pub fn all_files() -> Vec<(PathBuf, String, Value)> {
    let dir = vectors_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no vector files in {}", dir.display());
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read vector file");
            let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let kind = match v.get("kind") {
                None => "check".to_string(),
                Some(Value::String(k)) => k.clone(),
                Some(other) => panic!("{}: kind must be a string, got {other}", p.display()),
            };
            assert!(KINDS.contains(&kind.as_str()), "{}: kind {kind:?} is not one the runners know", p.display());
            let problems = shape_problems("file", &v);
            assert!(problems.is_empty(), "{}: {}", p.display(), problems.join("; "));
            (p, kind, v)
        })
        .collect()
}

/// The cases of every file of `kind`, each with its file's name; panics listing every case whose
/// form is wrong ([`lint_case`]), so that no runner runs a case it would misread.
pub fn cases(kind: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (path, k, file) in all_files() {
        if k != kind {
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for case in file["cases"].as_array().unwrap_or_else(|| panic!("{name}: cases must be an array")) {
            let label = format!("{name}: {}", case["name"]);
            problems.extend(lint_case(kind, case).into_iter().map(|p| format!("{label}: {p}")));
            out.push((label, case.clone()));
        }
    }
    assert!(problems.is_empty(), "{} malformed vectors:\n{}", problems.len(), problems.join("\n"));
    assert!(!out.is_empty(), "no {kind} vectors");
    out
}

/// A report's issues as triples, in report order.
pub fn issue_triples(report: &Report) -> Vec<Triple> {
    report
        .issues()
        .iter()
        .map(|i| (i.severity().as_str().to_string(), i.rule().id().to_string(), i.pointer().to_string()))
        .collect()
}

/// `expect.issues` as triples, as listed.
pub fn expected_triples(expect: &Value) -> Vec<Triple> {
    expect["issues"]
        .as_array()
        .expect("expect.issues")
        .iter()
        .map(|t| {
            let s = |i: usize| t[i].as_str().expect("issue triple").to_string();
            assert_eq!(t.as_array().map(Vec::len), Some(3), "an issue is [severity, rule, pointer]: {t}");
            (s(0), s(1), s(2))
        })
        .collect()
}

/// Compares a report's issues with `expect.issues`: in report order, or as sorted lists where the
/// vector says `"issue_order": "any"` or the body was given in a form that does not keep document
/// order (`in_order` false). `None` when they agree.
pub fn issue_difference(report: &Report, expect: &Value, in_order: bool) -> Option<String> {
    let (mut got, mut want) = (issue_triples(report), expected_triples(expect));
    let any = !in_order || expect.get("issue_order").is_some_and(|o| o == "any");
    if any {
        got.sort();
        want.sort();
    }
    (got != want).then(|| {
        let details: Vec<String> = report.issues().iter().map(|i| format!("      {i} ({})", i.pointer())).collect();
        format!(
            "issues ({})\n    got  {got:?}\n    want {want:?}\n{}",
            if any { "any order" } else { "in report order" },
            details.join("\n")
        )
    })
}

/// The batch summary a batch's expectations imply: `{"requests", "valid", "invalid", "byRule"}`.
pub fn expected_summary(expects: &[Value]) -> Value {
    let valid = expects.iter().filter(|e| e["valid"] == true).count();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for (_, rule, _) in expects.iter().flat_map(expected_triples) {
        *by_rule.entry(rule).or_default() += 1;
    }
    serde_json::json!({"requests": expects.len(), "valid": valid, "invalid": expects.len() - valid, "byRule": by_rule})
}

/// The profile a case names (`config`), or the atlassian profile's defaults.
pub fn profile(case: &Value) -> atlscim_core::Profile {
    match case.get("config") {
        Some(c) => atlscim_core::Profile::from_config(c).unwrap_or_else(|e| panic!("{}: config: {e}", case["name"])),
        None => atlscim_core::Profile::atlassian(),
    }
}

/// Every `.rs` file under `dir`, recursively (the source scans: one home, sizes).
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
