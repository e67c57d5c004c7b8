//! Runs the shared vectors in tests/vectors (see its README) against the core, with each body
//! checked from JSON bytes and, where it can be written as a value, as a parsed `Value` too.

use atlscim_core::{Body, Profile, Report, Request};
mod common;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct VectorFile {
    #[serde(default = "check_kind")]
    kind: String,
    cases: Vec<Case>,
}

fn check_kind() -> String {
    "check".to_string()
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    config: Option<Value>,
    request: CaseRequest,
    expect: Value,
}

#[derive(Deserialize)]
struct CaseRequest {
    method: String,
    path: String,
    #[serde(default)]
    body: Option<Box<RawValue>>,
    #[serde(default)]
    current: Option<Value>,
}

/// The body text a case describes, and whether it can also be given as a parsed value.
fn body_text(raw: &RawValue) -> (Option<String>, bool) {
    let text = raw.get();
    if text == "null" {
        return (None, false);
    }
    if text.starts_with('"') {
        return (Some(serde_json::from_str::<String>(text).expect("string body")), false);
    }
    let value: Value = serde_json::from_str(text).expect("body JSON");
    if let Some(kind) = value.get("$generate").and_then(Value::as_str) {
        let key = value["key"].as_str().expect("key");
        let text = match kind {
            "nested_arrays" => {
                let depth = value["depth"].as_u64().expect("depth") as usize;
                format!("{{\"{key}\":{}{}}}", "[".repeat(depth), "]".repeat(depth))
            }
            "long_string" => {
                let bytes = value["bytes"].as_u64().expect("bytes") as usize;
                format!(
                    "{{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"a@example.com\",\"emails\":[{{\"value\":\"a@example.com\",\"primary\":true}}],\"{key}\":\"{}\"}}",
                    "a".repeat(bytes)
                )
            }
            other => panic!("unknown generator {other}"),
        };
        return (Some(text), false);
    }
    (Some(text.to_string()), true)
}

fn verify(case: &Case, report: &Report, body: Option<&Body<'_>>, how: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let e = &case.expect;
    let name = format!("{} [{how}]", case.name);
    if e["valid"].as_bool() != Some(report.valid()) {
        failures.push(format!("{name}: valid {} expected {}: {}", report.valid(), e["valid"], report.summary(5)));
    }
    let status = report.status().map(Value::from).unwrap_or(Value::Null);
    if e["status"] != status {
        failures.push(format!("{name}: status {status} expected {}", e["status"]));
    }
    if let Some(difference) =
        // A serde_json `Value` keeps its members sorted by key, not in document order, so a body
        // given as a `Value` has its issues compared without order (tests/vectors/README.md).
        common::issue_difference(report, e, how == "bytes")
    {
        failures.push(format!("{name}: {difference}"));
    }
    if let Some(details) = e.get("details") {
        // Each issue's detail, in report order.
        let got: Vec<Value> = report.issues().iter().map(|i| Value::from(i.detail())).collect();
        if details.as_array() != Some(&got) {
            failures.push(format!("{name}: details\n    got  {got:?}\n    want {details}"));
        }
    }
    if let Some(statuses) = e.get("statuses") {
        // Each issue's status and scimType, in report order: a lenient fix's are those of the
        // body as sent.
        let got: Vec<Value> = report.issues().iter().map(|i| json!([i.status(), i.scim_type()])).collect();
        if statuses.as_array() != Some(&got) {
            failures.push(format!("{name}: statuses\n    got  {got:?}\n    want {statuses}"));
        }
    }
    if let Some(omitted) = e.get("omitted")
        && omitted.as_u64() != Some(report.omitted() as u64)
    {
        failures.push(format!("{name}: omitted {} expected {omitted}", report.omitted()));
    }
    if let Some(sent) = e.get("sent_status")
        && sent != &json!(report.sent_status())
    {
        failures.push(format!("{name}: sent_status {:?} expected {sent}", report.sent_status()));
    }
    // The report as a value is the report's JSON text read back, member for member.
    let text: Value = serde_json::from_str(&report.to_json(body)).expect("report JSON");
    if report.to_json_value(body) != text {
        failures.push(format!("{name}: to_json_value\n    got  {}\n    want {text}", report.to_json_value(body)));
    }
    if let Some(normalized) = e.get("normalized") {
        let got = report.normalized_value(body).unwrap_or(Value::Null);
        if &got != normalized {
            failures.push(format!("{name}: normalized\n    got  {got}\n    want {normalized}"));
        }
    }
    // The fixes as data say everything `normalized` changes: applied to the body as checked by
    // their documented meaning, they give `normalized`.
    if report.changes_body()
        && !report.nothing_to_send()
        && let Some(mut value) = body.and_then(|b| match b {
            Body::Json(bytes) => serde_json::from_slice::<Value>(bytes).ok(),
            Body::Value(v) => Some((*v).clone()),
        })
    {
        let fixes = report.fixes_json();
        apply_fixes_as_data(&mut value, &fixes);
        let want = report.normalized_value(body).unwrap_or(Value::Null);
        if value != want {
            failures.push(format!("{name}: fixes_json {fixes}\n    applied {value}\n    normalized {want}"));
        }
    } else if !report.changes_body() && !report.fixes_json().as_array().is_some_and(Vec::is_empty) {
        failures.push(format!("{name}: fixes_json is not empty, but the body is not changed"));
    }
    failures
}

/// Applies `Report::fixes_json`'s operations to a body, by their documented meaning only.
fn apply_fixes_as_data(body: &mut Value, fixes: &Value) {
    let text = |op: &Value, k: &str| op[k].as_str().expect("a fix's member is text").to_string();
    for op in fixes.as_array().expect("fixes_json is an array") {
        let Some(top) = body.as_object_mut() else { return };
        match op["op"].as_str().expect("a fix has an op") {
            "replace" => {
                if let Some(at) = body.pointer_mut(&text(op, "path")) {
                    *at = op["value"].clone();
                }
            }
            "remove" => {
                let path = text(op, "path");
                let (parent, key) = path.rsplit_once('/').expect("a member's pointer");
                let key = key.replace("~1", "/").replace("~0", "~");
                if let Some(Value::Object(m)) = body.pointer_mut(parent) {
                    m.remove(&key);
                }
            }
            "rename" => {
                let (from, to) = (text(op, "from"), text(op, "to"));
                if let Some(Value::Object(moved)) = top.remove(&from) {
                    match top.get_mut(&to) {
                        Some(Value::Object(there)) => {
                            for (k, v) in moved {
                                there.entry(k).or_insert(v);
                            }
                        }
                        _ => {
                            top.insert(to, Value::Object(moved));
                        }
                    }
                }
            }
            "addSchema" => {
                let urn = op["value"].clone();
                let schemas = top.entry("schemas").or_insert_with(|| json!([]));
                if let Some(list) = schemas.as_array_mut()
                    && !list
                        .iter()
                        .any(|u| u.as_str().zip(urn.as_str()).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b)))
                {
                    list.push(urn);
                }
            }
            "moveIntoExtension" => {
                let (from, to, name) = (text(op, "from"), text(op, "to"), text(op, "name"));
                if let Some(v) = top.remove(&from)
                    && let Some(Value::Object(ext)) = Some(top.entry(to).or_insert_with(|| json!({})))
                {
                    ext.entry(name).or_insert(v);
                }
            }
            other => panic!("fixes_json has an op {other:?} the documentation does not give"),
        }
    }
}

/// Every vector file is of a kind the runners know, and every case of every kind has the form its
/// kind gives (no unknown or missing key, issue orders and derivations stated): a misspelt key
/// must not switch an assertion off.
#[test]
fn every_vector_is_of_a_known_kind_and_form() {
    let files = common::all_files();
    let mut problems = Vec::new();
    for (path, kind, file) in &files {
        for case in file["cases"].as_array().expect("cases") {
            let label = format!("{}: {}", path.display(), case["name"]);
            problems.extend(common::lint_case(kind, case).into_iter().map(|p| format!("{label}: {p}")));
        }
    }
    assert!(problems.is_empty(), "{} malformed vectors:\n{}", problems.len(), problems.join("\n"));
    for kind in common::KINDS {
        assert!(files.iter().any(|(_, k, _)| k == kind), "no vector file of kind {kind}");
    }
}

#[test]
fn shared_vectors() {
    let expected = common::cases("check").len();
    let (mut ran, mut failures) = (0, Vec::new());
    for (path, kind, _) in common::all_files() {
        if kind != "check" {
            // Other kinds have their own runners (see tests/vectors/README.md).
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read vector file");
        let file: VectorFile =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not a vector file: {e}", path.display()));
        assert_eq!(file.kind, "check");
        for case in &file.cases {
            let profile = match &case.config {
                Some(c) => Profile::from_config(c).unwrap_or_else(|e| panic!("{}: {e}", case.name)),
                None => Profile::atlassian(),
            };
            let (text, as_value) = case.request.body.as_deref().map_or((None, false), body_text);
            let body = text.as_deref().map(|t| Body::Json(t.as_bytes()));
            let request = Request {
                method: &case.request.method,
                path: &case.request.path,
                body,
                current: case.request.current.as_ref(),
            };
            let report = profile.check(&request);
            failures.extend(verify(case, &report, body.as_ref(), "bytes"));
            ran += 1;
            if as_value {
                let value: Value = serde_json::from_str(text.as_deref().unwrap_or("null")).expect("body");
                let body = Body::Value(&value);
                let request = Request { body: Some(body), ..request };
                let report = profile.check(&request);
                failures.extend(verify(case, &report, Some(&body), "value"));
            }
        }
    }
    println!("shared vectors: {ran} cases run, {} failures", failures.len());
    assert_eq!(ran, expected, "every check case runs");
    assert!(failures.is_empty(), "{} vector failures:\n{}", failures.len(), failures.join("\n"));
}
