//! What the shared-vector runners have in common: reading the vector files of one kind, and
//! comparing issues as sorted `[severity, rule, pointer]` triples (tests/vectors/README.md).
#![allow(dead_code)] // each runner uses a part

use std::path::PathBuf;

use atlscim_core::Report;
use serde_json::Value;

pub type Triple = (String, String, String);

/// The vector files whose `kind` is `kind` (absent means "check"), sorted by name.
pub fn vector_files(kind: &str) -> Vec<(PathBuf, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/vectors")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read vector file");
            let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, v)
        })
        .filter(|(_, v)| v.get("kind").and_then(Value::as_str).unwrap_or("check") == kind)
        .collect()
}

/// A report's issues as sorted triples.
pub fn issue_triples(report: &Report) -> Vec<Triple> {
    let mut v: Vec<Triple> = report
        .issues()
        .iter()
        .map(|i| (i.severity.as_str().to_string(), i.rule.id.to_string(), i.pointer.clone()))
        .collect();
    v.sort();
    v
}

/// `expect.issues` as sorted triples.
pub fn expected_triples(expect: &Value) -> Vec<Triple> {
    let mut v: Vec<Triple> = expect["issues"]
        .as_array()
        .expect("expect.issues")
        .iter()
        .map(|t| {
            let s = |i: usize| t[i].as_str().expect("issue triple").to_string();
            (s(0), s(1), s(2))
        })
        .collect();
    v.sort();
    v
}
