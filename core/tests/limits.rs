//! Every configurable limit, at its boundary and one past it: the input at the limit is accepted,
//! the input past it is refused with the limit's rule.

use atlscim_core::{Body, Profile, Report, Request};
use serde_json::{Value, json};

fn profile(limits: Value) -> Profile {
    Profile::from_config(&json!({ "limits": limits })).expect("config")
}

fn rules(report: &Report) -> Vec<&'static str> {
    report.issues().iter().map(|i| i.rule().id()).collect()
}

fn post(p: &Profile, body: &str) -> Report {
    p.check(&Request::json("POST", "/Users", body.as_bytes()))
}

/// The verdict on a POST body in each form it can be given: JSON text, a parsed `Value`, and a
/// `Value` read through `check_deserializer` (as the bindings read their own objects). The three
/// must agree; the text form's is returned.
fn post_each_form(p: &Profile, body: &str) -> Vec<(&'static str, String)> {
    let located = |r: &Report| r.issues().iter().map(|i| (i.rule().id(), i.pointer().to_string())).collect::<Vec<_>>();
    let value: Value = serde_json::from_str(body).expect("body JSON");
    let text = located(&post(p, body));
    let as_value =
        located(&p.check(&Request { method: "POST", path: "/Users", body: Some(Body::Value(&value)), current: None }));
    let walked = located(&p.check_deserializer("POST", "/Users", &value, None));
    assert_eq!(as_value, text, "a Value body gets the verdict of its text");
    assert_eq!(walked, text, "a deserializer body gets the verdict of its text");
    text
}

fn user_with(extra: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","emails":[{{"value":"a@example.com","primary":true}}]{extra}}}"#
    )
}

#[test]
fn max_body_bytes() {
    let body = user_with("");
    let at = profile(json!({"max_body_bytes": body.len()}));
    assert!(post(&at, &body).valid());
    let below = profile(json!({"max_body_bytes": body.len() - 1}));
    let r = post(&below, &body);
    assert_eq!((rules(&r), r.status()), (vec!["RFC-J-004"], Some(413)));
}

/// A body given as a value has no length: its compact JSON size is what counts, in every form.
#[test]
fn max_body_bytes_of_a_value_is_its_compact_size() {
    // Strings with escapes, numbers of each kind, nesting: the count must be exact.
    let body =
        user_with(r#","title":"tab\there \"quoted\" \u0001","x-n":[-12,3.25,1e300,18446744073709551615,true,null,{}]"#);
    let value: Value = serde_json::from_str(&body).expect("body");
    let compact = serde_json::to_string(&value).expect("compact").len();
    let spaced = serde_json::to_string_pretty(&value).expect("pretty");
    assert!(spaced.len() > compact);
    let rules_of = |p: &Profile, body: Body<'_>, method: &str| {
        let path = if method == "PATCH" { "/Users/1" } else { "/Users" };
        let r = p.check(&Request { method, path, body: Some(body), current: None });
        (rules(&r), r.status())
    };
    let at = profile(json!({"max_body_bytes": compact}));
    let below = profile(json!({"max_body_bytes": compact - 1}));
    let too_large = (vec!["RFC-J-004"], Some(413));
    assert!(!rules_of(&at, Body::Value(&value), "POST").0.contains(&"RFC-J-004"));
    assert!(!rules(&at.check_deserializer("POST", "/Users", &value, None)).contains(&"RFC-J-004"));
    assert_eq!(rules_of(&below, Body::Value(&value), "POST"), too_large);
    let r = below.check_deserializer("POST", "/Users", &value, None);
    assert_eq!((rules(&r), r.status()), too_large);
    // The same body as pretty text is measured as sent, whitespace included.
    assert_eq!(rules_of(&at, Body::Json(spaced.as_bytes()), "POST"), too_large);
    // A PatchOp message given as a value, directly or through a deserializer.
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                       "Operations": [{"op": "replace", "path": "title", "value": "x".repeat(100)}]});
    let compact = patch.to_string().len();
    let at = profile(json!({"max_body_bytes": compact}));
    let below = profile(json!({"max_body_bytes": compact - 1}));
    assert_eq!(rules_of(&at, Body::Value(&patch), "PATCH"), (vec![], None));
    assert_eq!(rules(&at.check_deserializer("PATCH", "/Users/1", &patch, None)), Vec::<&str>::new());
    assert_eq!(rules_of(&below, Body::Value(&patch), "PATCH"), too_large);
    let r = below.check_deserializer("PATCH", "/Users/1", &patch, None);
    assert_eq!((rules(&r), r.status()), too_large);
}

#[test]
fn max_depth() {
    // {"x": [[…]]}: the object is level 1, each array one more.
    let nested = |n: usize| format!(r#"{{"x":{}{}}}"#, "[".repeat(n), "]".repeat(n));
    let p = profile(json!({"max_depth": 5}));
    assert_eq!(rules(&post(&p, &nested(4))).iter().filter(|r| **r == "RFC-J-003").count(), 0);
    assert!(rules(&post(&p, &nested(5))).contains(&"RFC-J-003"));
    // The default: 10,000 levels are refused at the limit, not by the stack.
    assert!(rules(&post(&Profile::atlassian(), &nested(10_000))).contains(&"RFC-J-003"));
}

#[test]
fn max_string_bytes() {
    // The longest other string of the body is the core schema URN (42 bytes).
    let p = profile(json!({"max_string_bytes": 42}));
    let (at, past) = ("t".repeat(42), "t".repeat(43));
    assert!(post(&p, &user_with(&format!(r#","title":"{at}""#))).valid());
    assert_eq!(rules(&post(&p, &user_with(&format!(r#","title":"{past}""#)))), vec!["RFC-J-005"]);
}

/// `max_string_bytes` holds for every string of the body, in every form: member names, values
/// that are skipped (read-only, unsupported, unknown attributes, wrongly typed), schema URNs.
#[test]
fn max_string_bytes_holds_everywhere_in_every_form() {
    let p = profile(json!({"max_string_bytes": 42}));
    let long = "x".repeat(43);
    let loc = |rule: &'static str, pointer: &str| (rule, pointer.to_string());
    let cases = [
        // A read-only attribute: reported as read-only (and dropped), and as too long.
        (format!(r#","id":"{long}""#), vec![loc("ATL-U-010", "/id"), loc("RFC-J-005", "/id")]),
        // Unsupported by Atlassian.
        (format!(r#","password":"{long}""#), vec![loc("ATL-U-011", "/password"), loc("RFC-J-005", "/password")]),
        // Unknown, the long string nested inside it: located at the attribute skipped.
        (
            format!(r#","x-custom":{{"a":[1,"{long}"]}}"#),
            vec![loc("RFC-A-001", "/x-custom"), loc("RFC-J-005", "/x-custom")],
        ),
        // A member name, at the top and in a complex attribute: located at the object holding it.
        (format!(r#","{long}":"v""#), vec![loc("RFC-J-005", "")]),
        (
            format!(r#","name":{{"{long}":{{"deep":"{long}"}}}}"#),
            vec![loc("RFC-J-005", "/name"), loc("RFC-J-005", "/name")],
        ),
        // A member name inside a skipped value.
        (
            format!(r#","x-custom":[{{"{long}":1}}]"#),
            vec![loc("RFC-A-001", "/x-custom"), loc("RFC-J-005", "/x-custom")],
        ),
        // A string where an object is expected: too long, and nothing more said of it.
        (format!(r#","name":"{long}""#), vec![loc("RFC-J-005", "/name")]),
    ];
    for (extra, expected) in cases {
        assert_eq!(post_each_form(&p, &user_with(&extra)), expected, "{extra}");
    }
    // A schema URN.
    let body = format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{long}"],"userName":"a@example.com","emails":[{{"value":"a@example.com","primary":true}}]}}"#
    );
    assert_eq!(post_each_form(&p, &body), vec![loc("RFC-J-005", "/schemas/1")]);
}

#[test]
fn filter_limits() {
    let get = |p: &Profile, f: &str| {
        rules(&p.check(&Request { method: "GET", path: &format!("/Users?filter={f}"), body: None, current: None }))
    };
    let f = r#"userName eq "a""#;
    let p = profile(json!({"max_filter_length": f.len()}));
    assert!(get(&p, f).is_empty());
    let p = profile(json!({"max_filter_length": f.len() - 1}));
    assert_eq!(get(&p, f), vec!["RFC-F-001"]);
    let rfc = |limits: Value| Profile::from_config(&json!({"profile": "rfc", "limits": limits})).expect("config");
    assert!(get(&rfc(json!({"max_filter_depth": 2})), "((a pr))").is_empty());
    assert_eq!(get(&rfc(json!({"max_filter_depth": 2})), "(((a pr)))"), vec!["RFC-F-001"]);
    assert!(get(&rfc(json!({"max_filter_terms": 2})), "a pr and b pr").is_empty());
    assert_eq!(get(&rfc(json!({"max_filter_terms": 2})), "a pr and b pr and c pr"), vec!["RFC-F-001"]);
}

#[test]
fn patch_limits() {
    let patch = |ops: usize, values: usize| {
        let members: Vec<Value> = (0..values).map(|i| json!({"value": format!("u{i}")})).collect();
        let mut operations = vec![json!({"op": "add", "path": "members", "value": members})];
        operations.extend((1..ops).map(|_| json!({"op": "remove", "path": "members[value eq \"x\"]"})));
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations}).to_string()
    };
    let check = |p: &Profile, body: &str| rules(&p.check(&Request::json("PATCH", "/Groups/e9e30dba", body.as_bytes())));
    let p = profile(json!({"max_operations": 3, "max_patch_values": 5}));
    assert!(check(&p, &patch(3, 5)).is_empty());
    assert_eq!(check(&p, &patch(4, 5)), vec!["RFC-P-006"]);
    assert_eq!(check(&p, &patch(3, 6)), vec!["RFC-P-006"]);
}

#[test]
fn patch_paths_and_remove_values_hold_the_filter_and_string_limits() {
    // A value filter in a PATCH path is compared with every value of the attribute: the path is
    // held to max_filter_length (as text received) and max_string_bytes, and so is each string of
    // Entra ID's remove by value (each becomes a filter literal).
    let patch = |op: Value| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [op]});
    let check = |p: &Profile, op: Value| {
        let body = patch(op).to_string();
        let r = p.check(&Request::json("PATCH", "/Groups/e9e30dba", body.as_bytes()));
        r.issues().iter().map(|i| (i.rule().id(), i.pointer().to_string())).collect::<Vec<_>>()
    };
    let path = r#"members[value eq "0123456789"]"#;
    let remove = |path: &str| json!({"op": "remove", "path": path});
    assert!(check(&profile(json!({"max_filter_length": path.len()})), remove(path)).is_empty());
    assert_eq!(
        check(&profile(json!({"max_filter_length": path.len() - 1})), remove(path)),
        vec![("RFC-P-002", "/Operations/0/path".to_string())]
    );
    let bytes = profile(json!({"max_string_bytes": path.len() - 1, "max_filter_length": 1000}));
    assert_eq!(check(&bytes, remove(path)), vec![("RFC-J-005", "/Operations/0/path".to_string())]);
    let entra = |v: &str| json!({"op": "remove", "path": "members", "value": [{"value": v}]});
    let strings = profile(json!({"max_string_bytes": 10}));
    assert!(check(&strings, entra("0123456789")).iter().all(|(rule, _)| *rule != "RFC-J-005"));
    assert_eq!(check(&strings, entra("0123456789a")), vec![("RFC-J-005", "/Operations/0/value/0/value".to_string())]);
}

#[test]
fn huge_inputs_are_refused_quickly_and_located() {
    let ten_mb = user_with(&format!(r#","displayName":"{}""#, "a".repeat(10 << 20)));
    let r = post(&Profile::atlassian(), &ten_mb);
    assert_eq!(r.issues()[0].pointer(), "/displayName");
    // A 1 MiB read-only id, unsupported password or member name, with the default limits.
    let mib = "a".repeat(1 << 20);
    let located = |extra: String| post_each_form(&Profile::atlassian(), &user_with(&extra));
    let j005 = |pointer: &str| ("RFC-J-005", pointer.to_string());
    assert_eq!(located(format!(r#","id":"{mib}""#)), vec![("ATL-U-010", "/id".to_string()), j005("/id")]);
    let password = located(format!(r#","password":"{mib}""#));
    assert_eq!(password, vec![("ATL-U-011", "/password".to_string()), j005("/password")]);
    assert_eq!(located(format!(r#","{mib}":true"#)), vec![j005("")]);
    let body = Body::Json(b"\xff\xfe{}");
    let r = Profile::atlassian().check(&Request { method: "POST", path: "/Users", body: Some(body), current: None });
    assert_eq!((rules(&r), r.status()), (vec!["RFC-J-001"], Some(400)));
}

#[test]
fn max_issues() {
    let wrong = |n: usize| user_with(&format!(r#","phoneNumbers":[{}]"#, vec!["1"; n].join(",")));
    // The default, 1,000: at it every issue is listed; one past it, the last says one was left out.
    let p = Profile::atlassian();
    let at = post(&p, &wrong(1000));
    assert_eq!((at.issues().len(), at.omitted()), (1000, 0));
    let past = post(&p, &wrong(1001));
    assert_eq!((past.issues().len(), past.omitted()), (1001, 1));
    assert_eq!(past.issues()[1000].rule().id(), "RFC-J-006");
    assert_eq!(past.issues()[999].pointer(), "/phoneNumbers/999", "the first ones are kept, in order");
    // The report JSON says so too.
    let json: Value = serde_json::from_str(&past.to_json(None)).expect("JSON");
    assert_eq!(json["omitted"], 1);
    // The ceiling: a report's size stays bounded however the limit is set.
    assert!(Profile::from_config(&json!({"limits": {"max_issues": 100_000}})).is_ok());
    let e = Profile::from_config(&json!({"limits": {"max_issues": 100_001}})).expect_err("past the ceiling");
    assert_eq!(e.key(), "limits.max_issues");
}

#[test]
fn batch_summary_counts_issues_left_out() {
    let p = profile(json!({"max_issues": 2}));
    let body = user_with(r#","phoneNumbers":[1,2,3,4,5]"#);
    let mut batch = atlscim_core::Batch::new(&p);
    let report = batch.check(&Request::json("POST", "/Users", body.as_bytes()));
    assert_eq!(report.omitted(), 3);
    let by_rule = &batch.summary().by_rule;
    assert_eq!(by_rule.get("RFC-T-001"), Some(&5), "every issue found, kept or not");
    assert_eq!(by_rule.get("RFC-J-006"), Some(&1));
}
