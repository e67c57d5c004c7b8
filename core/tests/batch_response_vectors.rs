//! Runs the shared `batch` and `response` vectors (tests/vectors/README.md).

use atlscim_core::{Batch, Body, Profile, Request, classify_response};
mod common;

use serde_json::Value;

fn triples_json(report: &atlscim_core::Report) -> Vec<Value> {
    common::issue_triples(report).into_iter().map(|(s, r, p)| serde_json::json!([s, r, p])).collect()
}

#[test]
fn batch_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (_, file) in common::vector_files("batch") {
        for case in file["cases"].as_array().expect("cases") {
            let profile =
                case.get("config").map_or_else(Profile::atlassian, |c| Profile::from_config(c).expect("config"));
            let mut batch = Batch::new(&profile);
            for (i, (req, want)) in case["requests"]
                .as_array()
                .expect("requests")
                .iter()
                .zip(case["expect"].as_array().expect("expect"))
                .enumerate()
            {
                ran += 1;
                let body = req.get("body").filter(|b| !b.is_null()).map(|b| b.to_string());
                let request = Request {
                    method: req["method"].as_str().expect("method"),
                    path: req["path"].as_str().expect("path"),
                    body: body.as_deref().map(|b| Body::Json(b.as_bytes())),
                    current: req.get("current"),
                };
                let report = batch.check(&request);
                let mut want_issues: Vec<Value> = want["issues"].as_array().expect("issues").clone();
                want_issues.sort_by_key(|x| x.to_string());
                let status = report.status().map_or(Value::Null, Value::from);
                if want["valid"] != report.valid() || want["status"] != status || want_issues != triples_json(&report) {
                    failures.push(format!("{} #{i}: {}", case["name"], report.summary(5)));
                }
            }
        }
    }
    println!("batch vectors: {ran} requests, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn response_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (_, file) in common::vector_files("response") {
        for case in file["cases"].as_array().expect("cases") {
            ran += 1;
            let body = match &case["body"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let headers: Vec<(String, String)> = case["headers"]
                .as_array()
                .expect("headers")
                .iter()
                .map(|h| (h[0].as_str().expect("name").to_string(), h[1].as_str().expect("value").to_string()))
                .collect();
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let status = case["status"].as_u64().expect("status") as u16;
            // With a config, the profile's limits.max_retry_after caps the wait.
            let r = match case.get("config") {
                Some(config) => Profile::from_config(config).expect("config").classify_response(
                    status,
                    body.as_bytes(),
                    &headers,
                    case["now"].as_f64(),
                ),
                None => classify_response(status, body.as_bytes(), &headers, case["now"].as_f64()),
            };
            let got = r.to_json();
            // Every key the case states (README: each key of `expect` is compared).
            for (key, want) in case["expect"].as_object().expect("expect") {
                if got.get(key) != Some(want) {
                    failures.push(format!("{}: {key} {} want {want}", case["name"], got[key]));
                }
            }
        }
    }
    println!("response vectors: {ran} cases, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}
