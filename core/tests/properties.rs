//! Properties over generated inputs:
//! - apply(current, diff(current, desired)) == desired on every attribute a client manages, for
//!   Users and Groups, under the rfc and atlassian profiles;
//! - parse(print(filter)) == filter for generated filter trees;
//! - check never panics on arbitrary JSON, from bytes or from a value.

use atlscim_core::filter::{self, AttrPath, CompValue, CompareOp, Filter};
use atlscim_core::schema::ResourceKind;
use atlscim_core::{Body, Profile, Request};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Barbara",
        "Jensen",
        "Ludwig",
        "van Beethoven",
        "Anna",
        "de la Cruz",
        "Li",
        "Tour Guide",
        "Sales",
        "Ops",
    ])
    .prop_map(str::to_string)
}

fn email() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["work", "home", "other"]),
        prop::sample::select(vec!["bjensen", "babs", "b.j"]),
        prop::sample::select(vec!["example.com", "jensen.org"]),
    )
        .prop_map(|(t, l, d)| json!({"type": t, "value": format!("{l}@{d}")}))
}

/// Emails with one value per type, exactly one primary (Atlassian's shape).
fn emails() -> impl Strategy<Value = Value> {
    (prop::collection::vec(email(), 1..4), any::<prop::sample::Index>()).prop_map(|(list, primary)| {
        let mut seen = Vec::new();
        let mut out: Vec<Value> = list
            .into_iter()
            .filter(|e| {
                let t = e["type"].clone();
                let new = !seen.contains(&t);
                seen.push(t);
                new
            })
            .collect();
        let p = primary.index(out.len());
        out[p]["primary"] = Value::Bool(true);
        Value::Array(out)
    })
}

fn user() -> impl Strategy<Value = Value> {
    (
        prop::option::of(word()),
        prop::option::of((prop::option::of(word()), prop::option::of(word()))),
        prop::option::of(word()),
        prop::option::of(any::<bool>()),
        emails(),
        prop::option::of(word()),
        prop::option::of(prop::sample::select(vec!["+1 555 0100", "+1 555 0101"])),
    )
        .prop_map(|(display, name, title, active, emails, department, phone)| {
            let mut u = Map::new();
            u.insert("schemas".into(), json!([USER, ENTERPRISE]));
            u.insert("id".into(), json!("2819c223"));
            u.insert("userName".into(), json!("bjensen@example.com"));
            if let Some(d) = display {
                u.insert("displayName".into(), json!(d));
            }
            if let Some((g, f)) = name {
                let mut n = Map::new();
                if let Some(g) = g {
                    n.insert("givenName".into(), json!(g));
                }
                if let Some(f) = f {
                    n.insert("familyName".into(), json!(f));
                }
                if !n.is_empty() {
                    u.insert("name".into(), Value::Object(n));
                }
            }
            if let Some(t) = title {
                u.insert("title".into(), json!(t));
            }
            if let Some(a) = active {
                u.insert("active".into(), json!(a));
            }
            u.insert("emails".into(), emails);
            if let Some(p) = phone {
                u.insert("phoneNumbers".into(), json!([{"type": "work", "value": p}]));
            }
            if let Some(d) = department {
                u.insert(ENTERPRISE.into(), json!({"department": d}));
            }
            Value::Object(u)
        })
}

fn group() -> impl Strategy<Value = Value> {
    prop::collection::vec(prop::sample::select(vec!["a1", "b2", "c3", "d4", "e5"]), 0..5).prop_map(|ids| {
        let mut seen = Vec::new();
        let members: Vec<Value> = ids.into_iter().filter(|i| !seen.contains(i) && { seen.push(*i); true }).map(|i| json!({"value": i})).collect();
        let mut g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "e9e30dba", "displayName": "Tour Guides"});
        if !members.is_empty() {
            g["members"] = Value::Array(members);
        }
        g
    })
}

/// What a client manages, for comparison: no read-only attributes, and `primary: false` read as
/// absent (RFC 7643 §2.4 only constrains `true`).
fn managed(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("id");
        m.remove("meta");
        m.remove("schemas");
        for list in m.values_mut().filter_map(Value::as_array_mut) {
            for e in list.iter_mut().filter_map(Value::as_object_mut) {
                if e.get("primary") == Some(&Value::Bool(false)) {
                    e.remove("primary");
                }
            }
            list.sort_by_key(|e| e.to_string());
        }
        m.retain(|_, v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()));
    }
    v
}

fn round_trip(profile: &Profile, kind: ResourceKind, current: &Value, desired: &Value) -> Result<(), TestCaseError> {
    match profile.diff(current, desired, kind) {
        None => prop_assert_eq!(managed(current), managed(desired), "diff found nothing, but they differ"),
        Some(patch) => {
            let applied = profile
                .apply_patch(current, &patch, kind)
                .map_err(|e| TestCaseError::fail(format!("{e}\npatch {patch}")))?;
            prop_assert_eq!(managed(&applied), managed(desired), "patch {}", patch);
            prop_assert!(profile.diff(&applied, desired, kind).is_none(), "diff of the result is not empty");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn diff_then_apply_gives_desired_users(current in user(), desired in user()) {
        round_trip(&Profile::rfc(), ResourceKind::User, &current, &desired)?;
        round_trip(&Profile::atlassian(), ResourceKind::User, &current, &desired)?;
        // Emails here have one value per type: they change value by value, never by re-sending the
        // list (which Atlassian can answer with a 400, ATL-U-022), and not at all when unchanged.
        if let Some(patch) = Profile::atlassian().diff(&current, &desired, ResourceKind::User) {
            let ops = patch["Operations"].as_array().cloned().unwrap_or_default();
            prop_assert!(!ops.iter().any(|op| op["op"] == "replace" && op["path"] == "emails"), "{}", patch);
            if current["emails"] == desired["emails"] {
                prop_assert!(!ops.iter().any(|op| op["path"].as_str().is_some_and(|p| p.starts_with("emails"))), "{}", patch);
            }
        }
    }

    #[test]
    fn diff_then_apply_gives_desired_groups(current in group(), desired in group()) {
        round_trip(&Profile::atlassian(), ResourceKind::Group, &current, &desired)?;
        if let Some(patch) = Profile::atlassian().diff(&current, &desired, ResourceKind::Group) {
            prop_assert!(!patch.to_string().contains("\"replace\""), "members change by add and remove only: {}", patch);
        }
    }

    #[test]
    fn printed_filters_parse_back(f in filter_tree()) {
        let printed = f.to_string();
        let parsed = filter::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e}")))?;
        prop_assert_eq!(parsed, f, "{}", printed);
    }

    #[test]
    fn check_never_panics(value in arbitrary_json(), method in prop::sample::select(vec!["POST", "PUT", "PATCH", "GET", "DELETE"]),
                          path in prop::sample::select(vec!["/Users", "/Users/1", "/Groups", "/Groups/1"])) {
        let text = value.to_string();
        for profile in [Profile::atlassian(), Profile::rfc()] {
            let _ = profile.check(&Request { method, path, body: Some(Body::Json(text.as_bytes())), current: None });
            let _ = profile.check(&Request { method, path, body: Some(Body::Value(&value)), current: Some(&value) });
        }
    }
}

fn attr_path() -> impl Strategy<Value = AttrPath> {
    (
        prop::option::of(Just(USER.to_string())),
        prop::sample::select(vec!["userName", "title", "emails", "name", "x_1", "$ref", "not", "pr", "and"]),
        prop::option::of(prop::sample::select(vec!["value", "type", "givenName"])),
    )
        .prop_map(|(urn, attr, sub)| AttrPath { urn, attr: attr.to_string(), sub: sub.map(str::to_string) })
}

fn comp_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i32>().prop_map(|n| CompValue::Number(n.into())),
        "[ -~\u{e9}\u{4e2d}\"\\\\\\n]{0,8}".prop_map(CompValue::String),
    ]
}

fn term() -> impl Strategy<Value = Filter> {
    let ops = prop::sample::select(vec![
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ]);
    prop_oneof![
        attr_path().prop_map(Filter::Present),
        (attr_path(), ops, comp_value()).prop_map(|(path, op, value)| Filter::Compare { path, op, value }),
    ]
}

fn filter_tree() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        term(),
        (attr_path(), term()).prop_map(|(mut path, inner)| {
            path.sub = None;
            // Value filters hold sub-attribute terms only.
            let inner = match inner {
                Filter::Present(mut p) => {
                    p.urn = None;
                    p.sub = None;
                    Filter::Present(p)
                }
                Filter::Compare { mut path, op, value } => {
                    path.urn = None;
                    path.sub = None;
                    Filter::Compare { path, op, value }
                }
                other => other,
            };
            Filter::ValuePath { path, filter: Box::new(inner) }
        }),
    ];
    // Chains of two to four operands; an operand may be a chain of the same operator (printed in
    // parentheses, so it reads back as the same nested node).
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..5).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Filter::Or),
            inner.prop_map(|a| Filter::Not(Box::new(a))),
        ]
    })
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        prop::sample::select(vec![
            "userName",
            "emails",
            "True",
            "work",
            "urn:ietf:params:scim:api:messages:2.0:PatchOp",
            "a@b.c",
            "",
            "members[value eq \"x\"]"
        ])
        .prop_map(Value::from),
        ".{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop::sample::select(vec![
            "schemas",
            "userName",
            "emails",
            "value",
            "primary",
            "type",
            "name",
            "active",
            "Operations",
            "op",
            "path",
            "members",
            "displayName",
            ENTERPRISE,
            "department",
            "id",
            "meta",
            "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}
