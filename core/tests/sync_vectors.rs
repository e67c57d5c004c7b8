//! Runs the sync vectors (tests/vectors/sync/): `sync_plan` cases plan a desired/current pair
//! and compare the steps, risks and refusal; `sync_run` cases drive the executor through a
//! script of answers and compare every action and the outcomes.

use std::path::PathBuf;

use atlscim_core::Profile;
use atlscim_core::sync::{Action, ExecOptions, Executor, HttpResponse, PlanOptions, Resources, plan, plan_text};
use serde_json::{Value, json};

fn files(kind: &str) -> Vec<(PathBuf, Value)> {
    // ATLSCIM_VECTORS_DIR points every runner at another copy of tests/vectors (the mutants).
    let root = std::env::var_os("ATLSCIM_VECTORS_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors"), PathBuf::from);
    let dir = root.join("sync");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/vectors/sync")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let docs: Vec<(PathBuf, Value)> = paths
        .into_iter()
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("read")).expect("json");
            (p, v)
        })
        .collect();
    for (p, v) in &docs {
        let k = v["kind"].as_str().unwrap_or("");
        assert!(matches!(k, "sync_plan" | "sync_run"), "{}: unknown kind {k:?}", p.display());
    }
    docs.into_iter().filter(|(_, v)| v["kind"] == kind).collect()
}

/// Refuses a key the format does not have (a misspelt key would otherwise assert nothing).
fn keys(v: &Value, at: &str, allowed: &[&str]) -> Result<(), String> {
    let m = v.as_object().ok_or(format!("{at} must be an object"))?;
    for (k, _) in m {
        if !allowed.iter().any(|a| a.trim_end_matches('?') == k) {
            return Err(format!("{at}: unknown key {k:?}"));
        }
    }
    for a in allowed.iter().filter(|a| !a.ends_with('?')) {
        if !m.contains_key(*a) {
            return Err(format!("{at}: missing key {a:?}"));
        }
    }
    Ok(())
}

fn planned(case: &Value) -> atlscim_core::sync::Plan {
    let profile = Profile::from_config(case.get("config").unwrap_or(&json!({}))).expect("config");
    let options: PlanOptions =
        serde_json::from_value(case.get("options").cloned().unwrap_or(json!({}))).expect("options");
    let desired = Resources::from_json(case["desired"].clone()).expect("desired");
    let current = Resources::from_json(case["current"].clone()).expect("current");
    let p = plan(&profile, &desired, &current, &options);
    // The same plan from the exports' text, as JSON and as NDJSON (one resource a line, where
    // the current users are kept as their lines and parsed again on demand).
    for text in [|r: &Value| r.to_string(), ndjson] {
        let (d, c) = (text(&case["desired"]), text(&case["current"]));
        let q = plan_text(&profile, &d, &c, &options).expect("plan_text");
        assert_eq!(q.to_json_string(), p.to_json_string(), "{}: plan_text differs from plan", case["name"]);
    }
    p
}

/// `{"Users": [...], "Groups": [...]}` as NDJSON: users, then groups (marked by their schema).
fn ndjson(r: &Value) -> String {
    let mut out = String::new();
    for u in r["Users"].as_array().into_iter().flatten() {
        out.push_str(&u.to_string());
        out.push('\n');
    }
    for g in r["Groups"].as_array().into_iter().flatten() {
        let mut g = g.clone();
        g["schemas"] = json!(["urn:ietf:params:scim:schemas:core:2.0:Group"]);
        out.push_str(&g.to_string());
        out.push('\n');
    }
    out
}

fn check_plan(case: &Value) -> Result<(), String> {
    keys(case, "case", &["name", "config?", "options?", "desired", "current", "expect"])?;
    keys(&case["expect"], "expect", &["refusal", "risks", "steps"])?;
    for step in case["expect"]["steps"].as_array().ok_or("expect.steps")? {
        keys(step, "expect.steps[]", &["kind", "method", "path", "dependsOn", "body?", "rules?"])?;
    }
    let p = planned(case);
    let expect = &case["expect"];
    let refusal = p.refusal.as_ref().map(|r| r.guard.clone());
    if expect["refusal"].as_str().map(str::to_string) != refusal {
        return Err(format!("refusal {refusal:?}, expected {}", expect["refusal"]));
    }
    let risks: Vec<Value> = p.risks.iter().map(|r| json!([r.kind, r.level, r.count])).collect();
    if Value::Array(risks.clone()) != expect["risks"] {
        return Err(format!("risks {}, expected {}", Value::Array(risks), expect["risks"]));
    }
    let want = expect["steps"].as_array().ok_or("expect.steps")?;
    let got = serde_json::to_value(&p.steps).map_err(|e| e.to_string())?;
    let got = got.as_array().ok_or("steps")?;
    if got.len() != want.len() {
        return Err(format!("{} steps, expected {}: {}", got.len(), want.len(), Value::Array(got.clone())));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        for (k, v) in w.as_object().ok_or("a step")? {
            if &g[k] != v {
                return Err(format!("step {i} {k}: {}, expected {v}", g[k]));
            }
        }
    }
    // Deterministic, and the JSON reads back.
    let text = p.to_json_string();
    if planned(case).to_json_string() != text {
        return Err("two plans of the same inputs differ".into());
    }
    atlscim_core::sync::Plan::from_json_str(&text).map_err(|e| e.to_string())?;
    Ok(())
}

fn check_run(case: &Value) -> Result<(), String> {
    keys(
        case,
        "case",
        &["name", "config?", "options?", "exec_options?", "desired", "current", "exchanges", "outcomes"],
    )?;
    for x in case["exchanges"].as_array().ok_or("exchanges")? {
        keys(x, "exchanges[]", &["now", "expect", "respond?"])?;
        if let Some(r) = x.get("respond") {
            keys(r, "respond", &["status", "headers?", "body?"])?;
        }
    }
    let p = planned(case);
    let options: ExecOptions =
        serde_json::from_value(case.get("exec_options").cloned().unwrap_or(json!({}))).map_err(|e| e.to_string())?;
    let mut run = Executor::new(p, options).map_err(|e| e.to_string())?;
    for (i, x) in case["exchanges"].as_array().ok_or("exchanges")?.iter().enumerate() {
        let now = x["now"].as_f64().ok_or("now")?;
        let action = serde_json::to_value(run.next(now)).map_err(|e| e.to_string())?;
        for (k, v) in x["expect"].as_object().ok_or("expect")? {
            let same = match (&action[k], v) {
                (Value::Number(a), Value::Number(b)) => {
                    (a.as_f64().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(0.0)).abs() < 1e-9
                }
                (a, b) => a == b,
            };
            if !same {
                return Err(format!("exchange {i}: action {action}, expected {k} = {v}"));
            }
        }
        if let Some(r) = x.get("respond") {
            let response: HttpResponse = serde_json::from_value(r.clone()).map_err(|e| e.to_string())?;
            run.feed(&response, now).map_err(|e| e.to_string())?;
        }
        if serde_json::from_value::<Action>(action.clone()).is_err() {
            return Err(format!("exchange {i}: {action} does not read back"));
        }
    }
    let outcomes: serde_json::Map<String, Value> =
        run.state().steps.iter().map(|s| (s.id.clone(), json!(s.outcome))).collect();
    if Value::Object(outcomes.clone()) != case["outcomes"] {
        return Err(format!("outcomes {}, expected {}", Value::Object(outcomes), case["outcomes"]));
    }
    Ok(())
}

fn run_all(kind: &str, check: fn(&Value) -> Result<(), String>) {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (path, doc) in files(kind) {
        for case in doc["cases"].as_array().expect("cases") {
            let name = case["name"].as_str().expect("name");
            ran += 1;
            if let Err(e) = check(case) {
                failures.push(format!("{} / {name}: {e}", path.display()));
            }
        }
    }
    assert!(ran > 0, "no {kind} vectors");
    assert!(failures.is_empty(), "{} of {ran} failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn sync_plan_vectors() {
    run_all("sync_plan", check_plan);
}

#[test]
fn sync_run_vectors() {
    run_all("sync_run", check_run);
}
