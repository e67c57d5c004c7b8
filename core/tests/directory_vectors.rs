//! Runs the `directory` vectors (tests/vectors/directory/): each case is a sequence of requests
//! against a fresh directory, with the status and body Atlassian answers (bodies compared as
//! subsets, `absent` pointers that must not be there, `{name}` standing for a value an earlier
//! step saved). After every step the directory's indexes must match its records.

use std::collections::BTreeMap;
use std::path::PathBuf;

use atlscim_core::Profile;
use atlscim_core::directory::{Directory, SeededIds};
use serde_json::Value;

fn substitute(text: &str, saved: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (name, value) in saved {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Whether `actual` has everything `expected` has: objects by key, arrays element by element
/// (same length), scalars equal.
fn contains(actual: &Value, expected: &Value, at: &str) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().try_for_each(|(k, ev)| match a.get(k) {
            Some(av) => contains(av, ev, &format!("{at}/{k}")),
            None => Err(format!("{at}/{k} is missing")),
        }),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            a.iter().zip(e).enumerate().try_for_each(|(i, (av, ev))| contains(av, ev, &format!("{at}/{i}")))
        }
        _ if actual == expected => Ok(()),
        _ => Err(format!("{at} is {actual}, expected {expected}")),
    }
}

/// Every key a directory vector may use, by where it is (a key ending in `?` may be left out):
/// the same table as `tests/c/flatten_directory_vectors.py`, pytest's and Go's directory runners.
/// Bodies, headers and configs are data. A misspelt key must not switch an assertion off.
const KEYS: &[(&str, &[&str])] = &[
    ("file", &["kind", "description", "cases"]),
    ("case", &["name", "config?", "steps"]),
    ("step", &["request", "expect", "save?"]),
    ("request", &["method", "path", "body?", "headers?"]),
    ("expect", &["status", "body?", "absent?"]),
];

/// Unknown and missing keys of `v` for `shape`.
fn shape_problems(shape: &str, v: &Value) -> Vec<String> {
    let keys = KEYS.iter().find(|(s, _)| *s == shape).expect("a shape of KEYS").1;
    let Some(obj) = v.as_object() else { return vec![format!("{shape} must be an object, got {v}")] };
    let known = |k: &str| keys.iter().any(|key| key.trim_end_matches('?') == k);
    let mut out: Vec<String> =
        obj.keys().filter(|k| !known(k)).map(|k| format!("{shape}: unknown key {k:?} (a misspelling?)")).collect();
    out.extend(
        keys.iter().filter(|k| !k.ends_with('?') && !obj.contains_key(**k)).map(|k| format!("{shape}: {k} is missing")),
    );
    out
}

/// The form problems of a case: its keys, and each step's.
fn case_problems(case: &Value) -> Vec<String> {
    let mut out = shape_problems("case", case);
    for step in case["steps"].as_array().into_iter().flatten() {
        out.extend(shape_problems("step", step));
        out.extend(shape_problems("request", &step["request"]));
        out.extend(shape_problems("expect", &step["expect"]));
    }
    out
}

#[test]
fn directory_vectors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    // The shared vectors, and the Entra ID and Okta replays in examples/ (same format).
    let mut files: Vec<PathBuf> = ["tests/vectors/directory", "examples/replays"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).expect("vector folder"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut ran = 0;
    let mut failures = Vec::new();
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        assert_eq!(doc["kind"], "directory", "{}", file.display());
        let mut problems = shape_problems("file", &doc);
        for case in doc["cases"].as_array().expect("cases") {
            problems.extend(case_problems(case).into_iter().map(|p| format!("{}: {p}", case["name"])));
        }
        assert!(
            problems.is_empty(),
            "{}: vectors of a form this runner does not know:\n{}",
            file.display(),
            problems.join("\n")
        );
        for case in doc["cases"].as_array().expect("cases") {
            let name = case["name"].as_str().expect("name");
            let config = case.get("config").cloned().unwrap_or(Value::Object(Default::default()));
            let profile = Profile::from_config(&config).expect("config");
            let mut d = Directory::new(profile, "d-vectors", Box::new(SeededIds::new(14)));
            let mut saved = BTreeMap::new();
            for (i, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
                let req = &step["request"];
                let method = req["method"].as_str().expect("method");
                let path = substitute(req["path"].as_str().expect("path"), &saved);
                let body = match req.get("body") {
                    None => String::new(),
                    Some(Value::String(raw)) => raw.clone(),
                    Some(v) => substitute(&v.to_string(), &saved),
                };
                let headers: Vec<(String, String)> = match req.get("headers").and_then(Value::as_object) {
                    Some(h) => h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect(),
                    None if req.get("body").is_some() => vec![("Content-Type".into(), "application/scim+json".into())],
                    None => Vec::new(),
                };
                let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let answer = d.handle(method, &path, &headers, body.as_bytes(), 1_700_000_000.0 + i as f64);
                let actual = answer.body.clone().unwrap_or(Value::Null);
                let expect = &step["expect"];
                let mut problems = Vec::new();
                if Some(u64::from(answer.status)) != expect["status"].as_u64() {
                    problems.push(format!("status {} (expected {})", answer.status, expect["status"]));
                }
                if let Some(e) = expect.get("body") {
                    let e: Value = serde_json::from_str(&substitute(&e.to_string(), &saved)).expect("expected body");
                    if let Err(why) = contains(&actual, &e, "") {
                        problems.push(why);
                    }
                }
                for p in expect.get("absent").and_then(Value::as_array).into_iter().flatten() {
                    let p = p.as_str().expect("pointer");
                    if actual.pointer(p).is_some() {
                        problems.push(format!("{p} should be absent"));
                    }
                }
                if let Err(why) = d.consistency() {
                    problems.push(format!("inconsistent after the step: {why}"));
                }
                if !problems.is_empty() {
                    failures
                        .push(format!("{name} step {i} ({method} {path}): {} — body {actual}", problems.join("; ")));
                    break;
                }
                for (key, pointer) in step.get("save").and_then(Value::as_object).into_iter().flatten() {
                    let v = actual.pointer(pointer.as_str().expect("pointer")).and_then(Value::as_str);
                    saved.insert(key.clone(), v.expect("saved value").to_string());
                }
            }
            ran += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {ran} directory cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(ran >= 35, "only {ran} directory cases ran");
}
