//! The sync API with JSON text in and out, for bindings that pass text across their ABI: the
//! same functions as the typed API, and the same JSON forms (docs/sync.md).

use serde_json::Value;

use super::executor::{ExecOptions, ExecState, Executor, HttpResponse};
use super::plan::plan_text;
use super::types::{Plan, PlanOptions, SyncError};
use crate::Profile;

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, SyncError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    let v: Value = serde_json::from_str(text).map_err(|e| SyncError::new("json", format!("{what}: {e}")))?;
    serde_json::from_value(v).map_err(|e| SyncError::new("json", format!("{what}: {e}")))
}

/// [`plan`](super::plan) from JSON text: `desired` and `current` as
/// [`Resources::from_text`](super::Resources::from_text) reads them,
/// `options` a [`PlanOptions`] document (empty text or `{}` for the defaults). Returns the plan's
/// JSON text.
pub fn plan_json(profile: &Profile, desired: &str, current: &str, options: &str) -> Result<String, SyncError> {
    let options: PlanOptions = parse("options", options)?;
    Ok(plan_text(profile, desired, current, &options)?.to_json_string())
}

impl Executor {
    /// An executor from JSON text: the plan, the options (empty or `{}` for the defaults) and,
    /// to resume, a saved state.
    pub fn from_json(plan: &str, options: &str, state: Option<&str>) -> Result<Executor, SyncError> {
        let plan = Plan::from_json_str(plan)?;
        let options: ExecOptions = parse("options", options)?;
        match state {
            Some(text) => {
                let state: ExecState = parse("state", text)?;
                Executor::resume(plan, options, state)
            }
            None => Executor::new(plan, options),
        }
    }

    /// [`Executor::next`] as JSON text (`{"kind": "send" | "wait" | "done", …}`).
    pub fn next_json(&mut self, now: f64) -> String {
        serde_json::to_string(&self.next(now)).unwrap_or_default()
    }

    /// [`Executor::feed`] from JSON text `{"status", "headers", "body"}`.
    pub fn feed_json(&mut self, response: &str, now: f64) -> Result<(), SyncError> {
        let response: HttpResponse = parse("response", response)?;
        self.feed(&response, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_run_in_json_text() {
        let desired = r#"{"Users": [{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": "e1",
            "userName": "ada@example.com", "emails": [{"value": "ada@example.com", "primary": true}]}]}"#;
        let p = plan_json(&Profile::atlassian(), desired, "", "").expect("plan");
        let mut run = Executor::from_json(&p, "{}", None).expect("executor");
        let send: Value = serde_json::from_str(&run.next_json(0.0)).expect("json");
        assert_eq!(send["kind"], "send");
        assert_eq!(send["method"], "POST");
        run.feed_json(r#"{"status": 201, "body": "{\"id\": \"u1\"}"}"#, 0.0).expect("fed");
        let saved = run.state_json();
        let mut resumed = Executor::from_json(&p, "", Some(&saved)).expect("resumed");
        assert_eq!(resumed.next_json(0.0), r#"{"kind":"done"}"#);
        assert_eq!(plan_json(&Profile::atlassian(), desired, "", r#"{"nope": 1}"#).map_err(|e| e.kind), Err("json"));
        assert_eq!(run.feed_json("{}", 0.0).map_err(|e| e.kind), Err("feed"));
        assert_eq!(Executor::from_json("{}", "", None).map(|_| ()).map_err(|e| e.kind), Err("format"));
    }
}
