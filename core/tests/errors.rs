//! The error and issue types as a caller outside the crate sees them (issue 12, item 5): fields
//! read through accessors, a `PatchError` that is an `Issue` plus the operation at fault, and the
//! rule each parse error stands for.

use atlscim_core::email::{self, EmailError};
use atlscim_core::filter;
use atlscim_core::path::PatchPath;
use atlscim_core::schema::{RFC, ResourceKind};
use atlscim_core::{ConfigError, Profile, Request, Severity};
use serde_json::json;

#[test]
fn an_issue_is_read_through_its_accessors() {
    let body = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jane@example.com",
                    "emails":[{"value":"jane@example.com","type":"work"}]}"#;
    let report = Profile::atlassian().check(&Request::json("POST", "/Users", body));
    let issue = report.issues().iter().find(|i| i.rule().id() == "ATL-U-003").expect("no primary email");
    assert_eq!(issue.severity(), Severity::Error);
    assert_eq!(issue.rule().severity(), Severity::Error);
    assert_eq!(issue.status(), issue.rule().status());
    assert_eq!(issue.scim_type(), issue.rule().scim_type());
    assert_eq!((issue.path(), issue.pointer()), ("emails", "/emails"));
    assert!(!issue.detail().is_empty());
    assert!(!issue.rule().summary().is_empty() && !issue.rule().advice().is_empty());
    // The JSON form is built from the same values.
    let value = serde_json::to_value(issue).expect("serializes");
    assert_eq!(value["rule"], "ATL-U-003");
    assert_eq!(value["pointer"], issue.pointer());
    assert_eq!(value["detail"], issue.detail());
}

#[test]
fn a_patch_error_is_an_issue_and_the_operation_at_fault() {
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "jane@example.com",
                      "emails": [{"value": "jane@example.com", "primary": true}]});
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Jane"},
        {"op": "remove"}
    ]});
    let e = Profile::rfc().apply_patch(&user, &patch, ResourceKind::User).expect_err("remove without a path");
    assert_eq!(e.issue().rule().id(), "RFC-P-004");
    assert_eq!(e.issue().severity(), Severity::Error);
    assert_eq!(e.operation(), Some(1));
    assert_eq!((e.issue().path(), e.issue().pointer()), ("Operations[1]", "/Operations/1"));
    assert_eq!((e.status(), e.scim_type()), (400, Some("noTarget")));
    assert_eq!(e.to_string(), format!("RFC-P-004 (400 noTarget) in operation 1: {}", e.issue().detail()));
    let detail = e.issue().detail().to_string();
    assert_eq!(e.into_issue().detail(), detail);
}

#[test]
fn a_patch_error_of_the_message_names_no_operation() {
    let user = json!({"userName": "jane@example.com"});
    let e = Profile::rfc().apply_patch(&user, &json!({"Operations": "no"}), ResourceKind::User).expect_err("no list");
    assert_eq!(e.operation(), None);
    assert_eq!(e.issue().severity(), Severity::Error);
    assert!(!e.to_string().contains("in operation"), "{e}");
}

#[test]
fn a_filter_error_says_where_what_and_which_rule() {
    let e = filter::parse("userName eqq \"x\"").expect_err("no such operator");
    assert_eq!(e.offset(), 9);
    assert!(!e.expected().is_empty() && !e.found().is_empty(), "{e}");
    assert_eq!(e.to_string(), format!("invalid filter at character 9: expected {}, found {}", e.expected(), e.found()));
    assert_eq!(
        (e.rule().id(), e.rule().status(), e.rule().scim_type()),
        ("RFC-F-001", Some(400), Some("invalidFilter"))
    );
}

#[test]
fn a_path_error_says_where_and_which_rule() {
    let e = PatchPath::parse("emails[type eq \"work\"").expect_err("unclosed filter");
    assert!(e.offset().is_some(), "a syntax error has an offset: {e}");
    assert_eq!(e.message(), e.to_string());
    assert_eq!((e.rule().id(), e.rule().scim_type()), ("RFC-P-002", Some("invalidPath")));
    let e = PatchPath::parse("favouriteColour").expect("parses").resolve(&RFC.user).expect_err("no such attribute");
    assert_eq!(e.offset(), None);
    assert!(e.message().contains("favouriteColour"), "{e}");
    assert_eq!(e.rule().id(), "RFC-P-002");
}

#[test]
fn a_config_error_names_its_key() {
    let e = Profile::from_config(&json!({"limits": {"max_depth": "deep"}})).expect_err("not a number");
    assert_eq!(e.key(), "limits.max_depth");
    assert_eq!(e.to_string(), format!("config key `limits.max_depth`: {}", e.message()));
    let made = ConfigError::new("", "is not an object");
    assert_eq!(
        (made.key(), made.message(), made.to_string().as_str()),
        ("", "is not an object", "config: is not an object")
    );
}

#[test]
fn every_email_error_has_the_kind_the_bindings_report() {
    for bad in [
        "plain",
        "@example.com",
        "us..er@example.com",
        "jane@",
        "user@localhost",
        "user@exa_mple.com",
        "jane\u{200B}@example.com",
    ] {
        let e: EmailError = email::parse(bad).expect_err(bad);
        assert_eq!(e.kind(), "invalid", "{bad:?}: {e}");
    }
}

#[test]
fn the_other_error_types_are_read_through_their_accessors() {
    use atlscim_core::mapping::{AcceptLanguageErrorKind, Mapping, parse_accept_language};
    use atlscim_core::syntax::JsonSyntaxError;

    let text = b"{\n  \"a\": 1,\n}";
    let e = serde_json::from_slice::<serde_json::Value>(text).expect_err("a trailing comma");
    let e = JsonSyntaxError::new(&e, text);
    // Located at the comma itself.
    assert_eq!((e.line(), e.column(), e.offset()), (2, 9, 10));
    assert!(e.message().contains("trailing comma"), "{}", e.message());

    let e = Mapping::from_json(&json!({"attributes": [{"target": 7}]})).expect_err("a bad target");
    assert!(e.entry().starts_with("attributes[0]"), "{}", e.entry());
    assert_eq!(e.to_string(), format!("mapping {}: {}", e.entry(), e.message()));

    let list = parse_accept_language("en, fr;q=2");
    let e = &list.errors[0];
    assert_eq!((e.index(), e.item()), (1, "fr;q=2"));
    assert!(matches!(e.kind(), AcceptLanguageErrorKind::Quality(q) if q == "q=2"), "{:?}", e.kind());

    // A document without the plan's format version is refused as another format.
    let e = atlscim_core::sync::Plan::from_json_str("{}").expect_err("not a plan");
    assert_eq!(e.kind(), "format");
    assert_eq!(e.to_string(), format!("format: {}", e.detail()));

    let mut directory = atlscim_core::directory::Directory::new(
        Profile::atlassian(),
        "d-errors",
        Box::new(atlscim_core::directory::SeededIds::new(1)),
    );
    let e = directory.load_ndjson("{\"schemas\": []}\nnot json").expect_err("bad lines");
    assert_eq!(e.line(), 1);
    assert_eq!(e.to_string(), format!("line 1: {}", e.message()));
}
