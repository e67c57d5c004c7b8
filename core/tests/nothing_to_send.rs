//! Report::nothing_to_send: a valid PATCH whose every operation lenient mode dropped.

use atlscim_core::{Body, Profile, Request};
use serde_json::{Value, json};

fn check(method: &str, path: &str, body: &Value, current: Option<&Value>) -> bool {
    let profile = Profile::atlassian();
    let text = body.to_string();
    let mut request = Request::json(method, path, text.as_bytes());
    request.current = current;
    let report = profile.check(&request);
    let nothing = report.nothing_to_send();
    // Nothing to send is a null normalized body, never a PatchOp with an empty Operations.
    let normalized = report.normalized_value(Some(&Body::Json(text.as_bytes())));
    assert_eq!(nothing, normalized.is_none() && report.readable(), "{normalized:?}");
    nothing
}

fn patch(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

#[test]
fn a_patch_of_no_ops_leaves_nothing_to_send() {
    let group = json!({"id": "g1", "displayName": "eng", "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]});
    let same_name = json!([{"op": "replace", "path": "displayName", "value": "eng"}]);
    assert!(check("PATCH", "/Groups/g1", &patch(same_name.clone()), Some(&group)));
    // One operation left: something to send.
    let mut with_member = same_name.as_array().cloned().unwrap_or_default();
    with_member.push(json!({"op": "add", "path": "members", "value": [{"value": "u1"}]}));
    assert!(!check("PATCH", "/Groups/g1", &patch(Value::Array(with_member)), Some(&group)));
    // Without current the rename cannot be judged a no-op: it is sent.
    assert!(!check("PATCH", "/Groups/g1", &patch(same_name), None));
}

#[test]
fn other_requests_always_have_something_to_send() {
    let group = json!({"id": "g1", "displayName": "eng", "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]});
    // A rename: invalid, so not "nothing to send" (the caller decides what to do with an error).
    let rename = patch(json!([{"op": "replace", "path": "displayName", "value": "ops"}]));
    assert!(!check("PATCH", "/Groups/g1", &rename, Some(&group)));
    // An empty Operations array as sent is an error, not a no-op.
    assert!(!check("PATCH", "/Groups/g1", &patch(json!([])), Some(&group)));
    let user = json!({"userName": "a@example.com", "active": "False",
                      "emails": [{"value": "a@example.com", "primary": true}]});
    assert!(!check("POST", "/Users", &user, None));
}
