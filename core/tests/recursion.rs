//! Recursion ceilings (docs/robustness.md "Limits"): the deepest input each limit accepts is read,
//! checked, printed, evaluated, applied and dropped within a 1 MiB stack, since appliances run
//! checks on small stacks. Every test runs its work in a thread with a 1 MiB stack: an overflow
//! aborts the test binary, which fails the run. The tests run unoptimized, where frames are
//! largest.

use atlscim_core::filter::{self, Filter, FilterLimits, MAX_FILTER_DEPTH_CEILING};
use atlscim_core::profile::{MAX_DEPTH_CEILING, MAX_RETRY_AFTER_CEILING};
use atlscim_core::schema::ResourceKind;
use atlscim_core::{Body, Profile, Report, Request};
use serde_json::{Value, json};

const STACK: usize = 1 << 20;

fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(STACK).spawn(work).expect("thread").join().expect("no panic")
}

/// A filter nested `depth` levels, each costing the most stack a level can: a value filter at the
/// bottom, then `not (… and a pr or b pr)` around it (a `not`, an `or` and an `and` per level).
fn deepest_filter(depth: usize) -> String {
    let mut f = r#"emails[type eq "work" and value pr or primary eq true]"#.to_string();
    for _ in 1..depth {
        f = format!("not ({f} and a pr or b pr)");
    }
    f
}

/// `members[((…(value eq "u1")…))]`: a PATCH path whose value filter is nested `depth` levels,
/// the brackets included.
fn deepest_member_path(depth: usize) -> String {
    let parens = depth - 1;
    format!("members[{}value eq \"u1\"{}]", "(".repeat(parens), ")".repeat(parens))
}

fn raised_filter_limits() -> Value {
    json!({"max_filter_depth": MAX_FILTER_DEPTH_CEILING, "max_filter_terms": 1_000_000, "max_filter_length": 100_000_000, "max_string_bytes": 100_000_000})
}

fn rules(report: &Report) -> Vec<&'static str> {
    report.issues().iter().map(|i| i.rule().id()).collect()
}

fn get(profile: &Profile, filter: &str) -> Report {
    let path = format!("/Users?filter={filter}");
    profile.check(&Request { method: "GET", path: &path, body: None, current: None })
}

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "staff",
           "members": [{"value": "u1"}, {"value": "u2"}]})
}

fn remove(path: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove", "path": path}]})
}

fn patch_check(profile: &Profile, patch: &Value, current: &Value) -> Report {
    let text = patch.to_string();
    profile.check(&Request::json("PATCH", "/Groups/g1", text.as_bytes()).with_current(current))
}

#[test]
fn a_filter_at_the_depth_ceiling_parses_prints_evaluates_and_drops() {
    on_small_stack(|| {
        let limits = FilterLimits { max_depth: usize::MAX, max_terms: 1 << 20, max_length: 1 << 30, lenient: true };
        let text = deepest_filter(MAX_FILTER_DEPTH_CEILING);
        let f = filter::parse_with(&text, &limits).expect("the ceiling parses");
        let printed = f.to_string();
        assert_eq!(filter::parse_with(&printed, &limits).as_ref(), Ok(&f), "the print reads back");
        let tree = f.to_json();
        assert!(tree.to_string().len() > printed.len());
        drop(tree);
        // Each level is `not (… or b pr)`: true without `b`, false with it.
        assert!(filter::matches(&f, &json!({"emails": [{"type": "work", "value": "a@example.com"}]})));
        assert!(!filter::matches(&f, &json!({"b": "x"})));
        let copy = f.clone();
        assert_eq!(copy, f);
        drop((copy, f));
        // A max_depth above the ceiling acts as the ceiling.
        let e = filter::parse_with(&deepest_filter(MAX_FILTER_DEPTH_CEILING + 1), &limits).expect_err("past it");
        assert!(e.expected().contains("at most 64 levels"), "{e}");
        let deep = format!("{}a pr{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(filter::parse_with(&deep, &limits).is_err(), "refused at the ceiling, not by the stack");
    });
}

#[test]
fn get_filters_and_patch_path_filters_at_the_ceiling() {
    on_small_stack(|| {
        let profile =
            Profile::from_config(&json!({"profile": "rfc", "limits": raised_filter_limits()})).expect("config");
        assert!(get(&profile, &deepest_filter(MAX_FILTER_DEPTH_CEILING)).issues().is_empty());
        let past = get(&profile, &deepest_filter(MAX_FILTER_DEPTH_CEILING + 1));
        assert_eq!(rules(&past), vec!["RFC-F-001"]);
        assert_eq!(past.issues()[0].pointer(), "/filter");
        assert!(past.issues()[0].detail().contains("limits.max_filter_depth"), "{}", past.issues()[0].detail());

        // A PATCH path value filter at the ceiling is checked and, with `current`, applied.
        let current = group();
        let at = remove(&deepest_member_path(MAX_FILTER_DEPTH_CEILING));
        let report = patch_check(&profile, &at, &current);
        assert!(report.valid(), "{}", report.summary(3));
        let patched = profile.apply_patch(&current, &at, ResourceKind::Group).expect("applies");
        assert_eq!(patched["members"], json!([{"value": "u2"}]));
        let past = remove(&deepest_member_path(MAX_FILTER_DEPTH_CEILING + 1));
        let report = patch_check(&profile, &past, &current);
        assert_eq!(rules(&report), vec!["RFC-P-002"]);
        assert_eq!(report.issues()[0].pointer(), "/Operations/0/path");
        assert!(profile.apply_patch(&current, &past, ResourceKind::Group).is_err());
    });
}

#[test]
fn long_and_or_chains_are_one_flat_node() {
    on_small_stack(|| {
        const TERMS: usize = 50_000;
        let profile =
            Profile::from_config(&json!({"profile": "rfc", "limits": raised_filter_limits()})).expect("config");
        let limits = profile.filter_limits();
        for op in ["or", "and"] {
            let text = (0..TERMS).map(|i| format!("value eq \"u{i}\"")).collect::<Vec<_>>().join(&format!(" {op} "));
            let f = filter::parse_with(&text, &limits).expect("parses");
            match &f {
                Filter::Or(operands) | Filter::And(operands) => assert_eq!(operands.len(), TERMS),
                other => panic!("not a chain: {other:?}"),
            }
            assert_eq!(f.to_string(), text, "prints back to the same text");
            let _ = f.to_json().to_string();
            assert_eq!(filter::matches(&f, &json!({"value": "u7"})), op == "or");
            drop(f);
            assert!(get(&profile, &text.replace("value", "userName")).issues().is_empty());
            // The same chain as a PATCH path value filter, applied to a group.
            let current = group();
            let patch = remove(&format!("members[{text}]"));
            let report = patch_check(&profile, &patch, &current);
            assert!(report.valid(), "{}", report.summary(3));
            let patched = profile.apply_patch(&current, &patch, ResourceKind::Group).expect("applies");
            // `or` matches both members (the group is left without any); `and` matches none (no
            // member has every value).
            let left = if op == "or" { Value::Null } else { current["members"].clone() };
            assert_eq!(patched["members"], left, "{op}");
        }
    });
}

/// Found while fixing the chains: an Entra remove-by-value whose value object has many members
/// became a filter of one `and` per member, nested as deep as the object was wide; evaluating
/// and dropping it overflowed the stack within the default limits (16 MiB body).
#[test]
fn a_remove_by_value_with_a_wide_value_is_a_flat_filter() {
    on_small_stack(|| {
        let element: serde_json::Map<String, Value> = (0..100_000).map(|i| (format!("k{i}"), json!("x"))).collect();
        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                           "Operations": [{"op": "remove", "path": "phoneNumbers", "value": [element]}]});
        let current = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1",
                             "userName": "a@example.com", "emails": [{"value": "a@example.com", "primary": true}],
                             "phoneNumbers": [{"value": "+1 555 0100"}]});
        let profile = Profile::atlassian();
        let text = patch.to_string();
        let report = profile.check(&Request::json("PATCH", "/Users/u1", text.as_bytes()).with_current(&current));
        assert!(!report.issues().is_empty());
        let _ = profile.apply_patch(&current, &patch, ResourceKind::User);
    });
}

fn nested_arrays(key: &str, levels: usize) -> String {
    // The object is level 1; each array one more.
    format!("{{\"{key}\":{}{}}}", "[".repeat(levels - 1), "]".repeat(levels - 1))
}

#[test]
fn json_at_the_depth_ceiling_is_checked_patched_and_written() {
    on_small_stack(|| {
        let profile = Profile::from_config(&json!({"limits": {"max_depth": MAX_DEPTH_CEILING}})).expect("config");
        let has_depth_issue = |r: &Report| rules(r).contains(&"RFC-J-003");
        for key in ["userName", "emails", "name", "x", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] {
            let at = nested_arrays(key, MAX_DEPTH_CEILING);
            let report = profile.check(&Request::json("POST", "/Users", at.as_bytes()));
            assert!(!has_depth_issue(&report), "{key}: {}", report.summary(3));
            let _ = report.to_json(Some(&Body::Json(at.as_bytes())));
            let value: Value = serde_json::from_str(&at).expect("json");
            let report = profile.check(&Request::value("PUT", "/Users/u1", &value).with_current(&value));
            assert!(!has_depth_issue(&report), "{key}: {}", report.summary(3));
            let past = nested_arrays(key, MAX_DEPTH_CEILING + 1);
            assert!(has_depth_issue(&profile.check(&Request::json("POST", "/Users", past.as_bytes()))), "{key}");
        }
        // Nested objects, the costlier kind of level for the walk.
        let objects = format!("{{\"name\":{}1{}}}", "{\"givenName\":".repeat(98), "}".repeat(98));
        let report = profile.check(&Request::json("POST", "/Users", objects.as_bytes()));
        assert!(!has_depth_issue(&report), "{}", report.summary(3));

        // A PATCH whose value reaches the ceiling: read, checked, applied and diffed.
        let value = format!(
            "{}{}",
            "{\"a\":".repeat(MAX_DEPTH_CEILING - 4),
            "1".to_string() + &"}".repeat(MAX_DEPTH_CEILING - 4)
        );
        let patch = format!(
            r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{value}}}]}}"#
        );
        let current =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1", "userName": "a@example.com"});
        let report = profile.check(&Request::json("PATCH", "/Users/u1", patch.as_bytes()).with_current(&current));
        assert!(!has_depth_issue(&report), "{}", report.summary(3));
        let patch: Value = serde_json::from_str(&patch).expect("json");
        let rfc = Profile::rfc();
        if let Ok(patched) = rfc.apply_patch(&current, &patch, ResourceKind::User) {
            let _ = rfc.diff(&current, &patched, ResourceKind::User);
            let _ = patched.to_string();
        }
        let past = format!("{{\"Operations\":[{{\"value\":{}}}]}}", nested_arrays("x", MAX_DEPTH_CEILING - 2));
        let report = profile.check(&Request::json("PATCH", "/Users/u1", past.as_bytes()));
        assert_eq!(rules(&report), vec!["RFC-J-003"]);
    });
}

#[test]
fn text_past_any_limit_is_refused_by_the_limit_not_the_stack() {
    on_small_stack(|| {
        let profile = Profile::atlassian();
        let deep = nested_arrays("userName", 200_000);
        assert_eq!(rules(&profile.check(&Request::json("POST", "/Users", deep.as_bytes()))), vec!["RFC-J-003"]);
        let patch = format!("{{\"Operations\":[{{\"value\":{}}}]}}", nested_arrays("x", 200_000));
        let report = profile.check(&Request::json("PATCH", "/Users/u1", patch.as_bytes()));
        assert_eq!(rules(&report), vec!["RFC-J-003"]);
        assert_eq!(report.issues()[0].pointer(), "/Operations/0/value/x/0");
    });
}

#[test]
fn a_limit_over_its_ceiling_is_a_config_error_naming_key_and_ceiling() {
    for (key, ceiling) in [
        ("max_filter_depth", MAX_FILTER_DEPTH_CEILING as u64),
        ("max_depth", MAX_DEPTH_CEILING as u64),
        ("max_retry_after", MAX_RETRY_AFTER_CEILING),
    ] {
        assert!(Profile::from_config(&json!({"limits": {key: ceiling}})).is_ok(), "{key} at its ceiling");
        let e = Profile::from_config(&json!({"limits": {key: ceiling + 1}})).expect_err("past the ceiling");
        assert_eq!(e.key(), format!("limits.{key}"));
        assert!(e.message().contains(&ceiling.to_string()) && e.message().contains("ceiling"), "{e}");
    }
}

/// The deepest JSON text serde_json reads (127 levels: its own limit is 128) can reach the library
/// as `current`, a resource to patch or diff, a record to map or a response body, where
/// `limits.max_depth` does not apply; each is handled within a 1 MiB stack.
#[test]
fn the_deepest_json_serde_json_reads_is_handled_everywhere() {
    on_small_stack(|| {
        let deepest = |levels: usize| format!("{}1{}", "{\"a\":".repeat(levels), "}".repeat(levels));
        // The resource object is one level; its extension member holds the rest.
        let text = format!(
            r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a@example.com","emails":[{{"value":"a@example.com","primary":true}}],"x":{}}}"#,
            deepest(126)
        );
        assert!(serde_json::from_str::<Value>(&format!("[{text}]")).is_err(), "past serde_json's own limit");
        let current: Value = serde_json::from_str(&text).expect("127 levels read");
        let profile = Profile::atlassian();
        let body = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","emails":[{"value":"a@example.com","primary":true}]}"#;
        let _ = profile.check(&Request::json("PUT", "/Users/u1", body).with_current(&current)).to_json(None);
        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                           "Operations": [{"op": "replace", "path": "title", "value": "Boss"}]});
        let patch_text = patch.to_string();
        let _ = profile.check(&Request::json("PATCH", "/Users/u1", patch_text.as_bytes()).with_current(&current));
        let rfc = Profile::rfc();
        let patched = rfc.apply_patch(&current, &patch, ResourceKind::User);
        let mut desired = current.clone();
        desired["x"] = json!(1);
        let _ = rfc.diff(&current, &desired, ResourceKind::User);
        assert_eq!(current.clone(), current, "clone and compare");
        assert_eq!(patched.expect("applies")["title"], "Boss");
        let mapping = atlscim_core::Mapping::preset("entra").expect("preset");
        let (user, report) = profile.map_user(&current, mapping);
        let _ = (user.to_string(), report.to_json(None));
        let _ = atlscim_core::classify_response(400, text.as_bytes(), &[], Some(0.0));
        drop((current, desired));
    });
}
