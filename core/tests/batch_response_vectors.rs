//! Runs the shared `batch` and `response` vectors (tests/vectors/README.md).

use atlscim_core::{Batch, Body, Profile, Request, classify_response};
mod common;

use serde_json::Value;

/// Each batch is run three ways: bodies as JSON text, as `Value`s, and through
/// `Batch::check_deserializer` (the route a binding's own objects take).
#[test]
fn batch_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("batch") {
        let profile = common::profile(&case);
        // The form check (common::cases) has made sure there is one expectation per request.
        let (requests, expects) =
            (case["requests"].as_array().expect("requests"), case["expect"].as_array().expect("expect"));
        assert_eq!(requests.len(), expects.len(), "{name}");
        for how in ["bytes", "value", "deserializer"] {
            let mut batch = Batch::new(&profile);
            for (i, (req, want)) in requests.iter().zip(expects).enumerate() {
                ran += 1;
                let value = req.get("body").filter(|b| !b.is_null());
                let text = value.map(|b| b.to_string());
                let (method, path) = (req["method"].as_str().expect("method"), req["path"].as_str().expect("path"));
                let current = req.get("current").filter(|c| !c.is_null());
                let report = match (how, value) {
                    ("deserializer", Some(value)) => batch.check_deserializer(method, path, value, current),
                    _ => {
                        let body = match how {
                            "bytes" => text.as_deref().map(|b| Body::Json(b.as_bytes())),
                            _ => value.map(Body::Value),
                        };
                        batch.check(&Request { method, path, body, current })
                    }
                };
                let status = report.status().map_or(Value::Null, Value::from);
                if want["valid"] != report.valid() || want["status"] != status {
                    failures.push(format!(
                        "{name} #{i} [{how}]: valid {} status {status}, want {} {}: {}",
                        report.valid(),
                        want["valid"],
                        want["status"],
                        report.summary(5)
                    ));
                }
                // A `Value` keeps its members sorted, not in document order (tests/vectors/README.md).
                if let Some(difference) = common::issue_difference(&report, want, how == "bytes") {
                    failures.push(format!("{name} #{i} [{how}]: {difference}"));
                }
            }
            // The summary counts what the expectations say: requests, valid, invalid, issues by rule.
            let (got, want) = (batch.summary().to_json(), common::expected_summary(expects));
            if got != want {
                failures.push(format!("{name} [{how}]: summary\n    got  {got}\n    want {want}"));
            }
        }
    }
    println!("batch vectors: {ran} requests, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn response_vectors() {
    let (mut ran, mut failures) = (0, Vec::new());
    for (name, case) in common::cases("response") {
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
        // Every key the vector gives (the form check knows them all) is compared.
        for (key, want) in case["expect"].as_object().expect("expect") {
            if got.get(key) != Some(want) {
                failures.push(format!("{name}: {key} {} want {want}", got[key.as_str()]));
            }
        }
    }
    println!("response vectors: {ran} cases, {} failed", failures.len());
    assert!(ran > 0 && failures.is_empty(), "{}", failures.join("\n"));
}
