//! Runs the shared `"kind": "map"` vectors in tests/vectors (format in its README) against the
//! core: map_user and map_group with their reports, mapping load errors, and the normalizers.

use atlscim_core::Report;
use atlscim_core::mapping::{
    self, Mapping, join_display_name, nearest_atlassian_language, normalize_email, normalize_locale,
    normalize_timezone, parse_accept_language, split_display_name,
};
use serde_json::{Value, json};

mod common;

/// The mapping a case names (a preset) or gives (an object), or the load error.
fn mapping(case: &Value) -> Result<Mapping, mapping::MappingError> {
    match &case["mapping"] {
        Value::String(name) => Mapping::preset(name).cloned(),
        other => Mapping::from_json(other),
    }
}

/// Compares a resource and its report with `expect`; returns the differences.
fn verify_resource(expect: &Value, resource: &Value, report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    if expect["valid"].as_bool() != Some(report.valid()) {
        out.push(format!("valid {} expected {}", report.valid(), expect["valid"]));
    }
    let status = report.status().map(Value::from).unwrap_or(Value::Null);
    if expect["status"] != status {
        out.push(format!("status {status} expected {}", expect["status"]));
    }
    if let Some(difference) = common::issue_difference(report, expect, true) {
        out.push(difference);
    }
    if let Some(want) = expect.get("resource")
        && want != resource
    {
        out.push(format!("resource\n    got  {resource}\n    want {want}"));
    }
    out
}

/// With ATLSCIM_MAP_DUMP set, prints what the implementation gives. It may help to write a vector,
/// but never decides what is right: every expectation is derived by hand from the preset's rules
/// (tests/vectors/README.md, "Format of map cases").
fn dump(case: &Value, resource: &Value, report: &Report) {
    if std::env::var_os("ATLSCIM_MAP_DUMP").is_some() {
        let issues: Vec<Value> = common::issue_triples(report).into_iter().map(|(a, b, c)| json!([a, b, c])).collect();
        let got = json!({"name": case["name"], "expect": {"valid": report.valid(), "status": report.status(), "issues": issues, "resource": resource}});
        eprintln!("DUMP {got}");
    }
}

fn run_case(case: &Value) -> Vec<String> {
    let op = case.get("op").and_then(Value::as_str).unwrap_or("map_user");
    let expect = &case["expect"];
    let input = &case["input"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    match op {
        "map_user" => match (mapping(case), expect.get("mapping_error")) {
            (Ok(m), None) => {
                let (user, report) = common::profile(case).map_user(&case["record"], &m);
                dump(case, &user, &report);
                // The report's normalized body is the user itself.
                let mut out = verify_resource(expect, &user, &report);
                if report.normalized_value(Some(&atlscim_core::Body::Value(&user))).as_ref() != Some(&user) {
                    out.push("normalized differs from the returned user".into());
                }
                out
            }
            (Err(e), Some(want)) if want.as_str() == Some(e.entry()) => Vec::new(),
            (Err(e), want) => vec![format!("mapping error {e} (entry {:?}), expected {want:?}", e.entry())],
            (Ok(_), Some(want)) => vec![format!("mapping loaded, expected an error at {want}")],
        },
        "map_group" => {
            let (group, report) = common::profile(case).map_group(&case["record"], case.get("members"));
            dump(case, &group, &report);
            verify_resource(expect, &group, &report)
        }
        "normalize_timezone" => {
            let got = match normalize_timezone(&s(input)) {
                Ok(tz) => json!({"canonical": tz.canonical, "kind": tz.kind.as_str()}),
                Err(e) => json!({"error": e.kind(), "suggestion": e.suggestion()}),
            };
            compare(expect, &got)
        }
        "normalize_locale" => {
            let got = match normalize_locale(&s(input)) {
                Ok(t) => json!({"tag": t.tag}),
                Err(e) => json!({"error": e.kind(), "suggestion": e.suggestion()}),
            };
            compare(expect, &got)
        }
        "parse_accept_language" => {
            let list = parse_accept_language(&s(input));
            let got = json!({
                "best": list.best().map(|t| t.tag.clone()),
                "errors": list.errors.iter().map(|e| e.index()).collect::<Vec<_>>(),
            });
            compare(expect, &got)
        }
        "nearest_atlassian_language" => {
            let got =
                json!({"language": normalize_locale(&s(input)).ok().as_ref().and_then(nearest_atlassian_language)});
            compare(expect, &got)
        }
        "normalize_email" => {
            let got = match normalize_email(&s(input)) {
                Ok(e) => json!({"address": e.address, "domain": e.domain}),
                Err(_) => json!({"error": "invalid"}),
            };
            compare(expect, &got)
        }
        "split_display_name" => {
            let n = split_display_name(&s(input));
            let got = json!({"given": n.given, "family": n.family, "prefix": n.prefix, "suffix": n.suffix});
            compare(expect, &got)
        }
        "join_display_name" => {
            let got = json!({"display": join_display_name(&s(&case["given"]), &s(&case["family"]))});
            compare(expect, &got)
        }
        other => vec![format!("unknown op {other}")],
    }
}

/// `expect` must equal `got` on every key `expect` has.
fn compare(expect: &Value, got: &Value) -> Vec<String> {
    let Some(want) = expect.as_object() else {
        return vec!["expect must be an object".into()];
    };
    want.iter()
        .filter(|(k, v)| got.get(k.as_str()).unwrap_or(&Value::Null) != *v)
        .map(|(k, v)| format!("{k}: got {} expected {v}", got.get(k.as_str()).unwrap_or(&Value::Null)))
        .collect()
}

#[test]
fn shared_map_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("map") {
        ran += 1;
        let problems = run_case(&case);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    println!("map vectors: {ran} cases run, {} failures", failures.len());
    assert!(ran > 0, "no map vectors found");
    assert!(failures.is_empty(), "{} map vector failures:\n{}", failures.len(), failures.join("\n"));
}
