//! Properties over generated inputs:
//! - apply(current, diff(current, desired)) == desired on every attribute a client manages, for
//!   Users and Groups, under the rfc and atlassian profiles, with blank strings, nulls and empty
//!   lists among the values (RFC 7643 §2.5: all unassigned), and the diff of the result is empty;
//!   with limits small enough that the diff takes several messages too, each applied in turn,
//!   and a diff after a partial application giving the rest;
//! - operations applied in one PATCH give what they give one by one (the shared index of a
//!   multi-valued attribute's values changes nothing);
//! - parse(print(filter)) == filter for generated filter trees;
//! - check never panics on arbitrary JSON, from bytes or from a value.

use atlscim_core::filter::{self, AttrPath, CompValue, CompareOp, Filter};
use atlscim_core::patch::{self, OpKind};
use atlscim_core::path::PatchPath;
use atlscim_core::schema::ResourceKind;
use atlscim_core::{Body, Profile, Request, Severity};
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

/// A string value, or one of the ways of writing "unassigned": a blank string or null.
fn text() -> impl Strategy<Value = Value> {
    prop_oneof![8 => word().prop_map(Value::from), 1 => Just(json!("")), 1 => Just(Value::Null)]
}

/// Sub-attributes a value may carry unassigned: `display` blank or null, `primary` null.
fn blanks() -> impl Strategy<Value = Vec<(&'static str, Value)>> {
    prop::collection::vec(
        prop::sample::select(vec![("display", json!("")), ("display", Value::Null), ("primary", Value::Null)]),
        0..2,
    )
}

fn email() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["work", "home", "other"]),
        prop::sample::select(vec!["bjensen", "babs", "b.j"]),
        prop::sample::select(vec!["example.com", "jensen.org"]),
        blanks(),
    )
        .prop_map(|(t, l, d, blanks)| {
            let mut e = json!({"type": t, "value": format!("{l}@{d}")});
            for (k, v) in blanks {
                e[k] = v;
            }
            e
        })
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

fn phone_numbers() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(json!([]))),
        1 => Just(Some(Value::Null)),
        4 => (prop::sample::select(vec!["+1 555 0100", "+1 555 0101"]), blanks()).prop_map(|(p, blanks)| {
            let mut n = json!({"type": "work", "value": p});
            for (k, v) in blanks {
                n[k] = v;
            }
            Some(json!([n]))
        }),
    ]
}

fn user() -> impl Strategy<Value = Value> {
    (
        prop::option::of(text()),
        prop::option::of((prop::option::of(text()), prop::option::of(text()))),
        prop::option::of(text()),
        prop::option::of(any::<bool>()),
        emails(),
        prop::option::of(prop_oneof![4 => text(), 1 => Just(json!({}))]),
        phone_numbers(),
    )
        .prop_map(|(display, name, title, active, emails, department, phones)| {
            let mut u = Map::new();
            u.insert("schemas".into(), json!([USER, ENTERPRISE]));
            u.insert("id".into(), json!("2819c223"));
            u.insert("userName".into(), json!("bjensen@example.com"));
            if let Some(d) = display {
                u.insert("displayName".into(), d);
            }
            if let Some((g, f)) = name {
                let mut n = Map::new();
                if let Some(g) = g {
                    n.insert("givenName".into(), g);
                }
                if let Some(f) = f {
                    n.insert("familyName".into(), f);
                }
                u.insert("name".into(), Value::Object(n));
            }
            if let Some(t) = title {
                u.insert("title".into(), t);
            }
            if let Some(a) = active {
                u.insert("active".into(), json!(a));
            }
            u.insert("emails".into(), emails);
            if let Some(p) = phones {
                u.insert("phoneNumbers".into(), p);
            }
            match department {
                Some(Value::Object(empty)) => {
                    u.insert(ENTERPRISE.into(), Value::Object(empty));
                }
                Some(d) => {
                    u.insert(ENTERPRISE.into(), json!({"department": d}));
                }
                None => {}
            }
            Value::Object(u)
        })
}

fn group() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(prop::sample::select(vec!["a1", "b2", "c3", "d4", "e5", "f6", "g7"]), 0..7),
        prop::sample::select(vec![None, Some(json!([])), Some(Value::Null)]),
        prop::collection::vec(prop::sample::select(vec![("display", json!("")), ("display", Value::Null)]), 0..2),
    )
        .prop_map(|(ids, absent, blanks)| {
            let mut seen = Vec::new();
            let members: Vec<Value> = ids
                .into_iter()
                .filter(|i| !seen.contains(i) && { seen.push(*i); true })
                .enumerate()
                .map(|(n, i)| {
                    let mut m = json!({"value": i});
                    if n == 0 {
                        for (k, v) in &blanks {
                            m[*k] = v.clone();
                        }
                    }
                    m
                })
                .collect();
            let mut g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "e9e30dba", "displayName": "Tour Guides"});
            match (members.is_empty(), absent) {
                (false, _) => g["members"] = Value::Array(members),
                (true, Some(v)) => g["members"] = v,
                (true, None) => {}
            }
            g
        })
}

/// What a client manages, for comparison: no read-only attributes; unassigned values (null, blank
/// strings, empty lists and objects, RFC 7643 §2.5) and `primary: false` (§2.4 only constrains
/// `true`) read as absent; multi-valued attributes in any order.
fn managed(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("id");
        m.remove("meta");
        m.remove("schemas");
    }
    assigned(&v).unwrap_or(Value::Null)
}

fn assigned(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().filter_map(assigned).collect();
            items.sort_by_key(Value::to_string);
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(m) => {
            let kept: Map<String, Value> = m
                .iter()
                .filter(|(k, v)| !(k.as_str() == "primary" && **v == Value::Bool(false)))
                .filter_map(|(k, v)| assigned(v).map(|v| (k.clone(), v)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

/// Applies messages in order, each refused if the profile's own check refuses it.
fn apply_all(
    profile: &Profile,
    kind: ResourceKind,
    current: &Value,
    messages: &[Value],
) -> Result<Value, TestCaseError> {
    let path = if kind == ResourceKind::Group { "/Groups/e9e30dba" } else { "/Users/2819c223" };
    let mut state = current.clone();
    for m in messages {
        let body = m.to_string();
        let report = profile.check(&Request {
            method: "PATCH",
            path,
            body: Some(Body::Json(body.as_bytes())),
            current: Some(&state),
        });
        let limits: Vec<_> = report
            .issues()
            .iter()
            .filter(|i| i.severity() == Severity::Error && ["RFC-P-006", "RFC-J-004"].contains(&i.rule().id()))
            .collect();
        prop_assert!(limits.is_empty(), "the profile refuses its own diff: {:?}\nmessage {}", limits, m);
        state = profile.apply_patch(&state, m, kind).map_err(|e| TestCaseError::fail(format!("{e}\nmessage {m}")))?;
    }
    Ok(state)
}

fn round_trip(profile: &Profile, kind: ResourceKind, current: &Value, desired: &Value) -> Result<(), TestCaseError> {
    // The generated groups keep their name: diff refuses only a rename (ATL-G-002).
    let diff = |c: &Value| profile.diff(c, desired, kind).map_err(|e| TestCaseError::fail(e.to_string()));
    let messages = diff(current)?;
    if messages.is_empty() {
        prop_assert_eq!(managed(current), managed(desired), "diff found nothing, but they differ");
        return Ok(());
    }
    let applied = apply_all(profile, kind, current, &messages)?;
    prop_assert_eq!(managed(&applied), managed(desired), "messages {:?}", messages);
    let again = diff(&applied)?;
    prop_assert!(again.is_empty(), "diff of the result is not empty: {:?}\nafter {:?}", again, messages);
    // Stopped after the first message, a sender diffs again and sends the rest.
    if messages.len() > 1 {
        let part = apply_all(profile, kind, current, &messages[..1])?;
        let rest = diff(&part)?;
        prop_assert!(rest.len() < messages.len(), "the rest {:?} is not shorter than {:?}", rest, messages);
        let resumed = apply_all(profile, kind, &part, &rest)?;
        prop_assert_eq!(managed(&resumed), managed(desired), "resumed with {:?}", rest);
    }
    Ok(())
}

/// A group and operations on its `members`, or a user and operations on its `emails`.
fn list_operations() -> impl Strategy<Value = (ResourceKind, Value, Vec<patch::Operation>)> {
    prop_oneof![
        (group(), prop::collection::vec(list_operation("members"), 1..12)).prop_map(|(g, o)| (
            ResourceKind::Group,
            g,
            o
        )),
        (user(), prop::collection::vec(list_operation("emails"), 1..12)).prop_map(|(u, o)| (ResourceKind::User, u, o)),
    ]
}

/// Operations on a multi-valued attribute (`members` or `emails`) in the forms the open list
/// runs (adds, anything through a value filter), mixed with forms it does not (whole replace and
/// remove, a sub-attribute of every value, path-less values, other attributes).
fn list_operation(attr: &'static str) -> impl Strategy<Value = patch::Operation> {
    let value = prop::sample::select(vec!["a1", "A1", "b2", "c3", "bjensen@example.com", "babs@jensen.org"]);
    let sub = prop::sample::select(vec!["display", "type", "primary"]);
    let element = (value.clone(), prop::option::of(prop::sample::select(vec!["work", "home", "User"])), any::<bool>())
        .prop_map(|(v, t, p)| {
            let mut e = json!({"value": v});
            if let Some(t) = t {
                e["type"] = json!(t);
            }
            if p {
                e["primary"] = json!(true);
            }
            e
        });
    let filter = prop_oneof![
        value.clone().prop_map(|v| format!("value eq \"{v}\"")),
        prop::sample::select(vec!["work", "home", "User"]).prop_map(|t| format!("type eq \"{t}\"")),
        (value.clone(), prop::sample::select(vec!["work", "User"]))
            .prop_map(|(v, t)| format!("value eq \"{v}\" and type eq \"{t}\"")),
        Just("display co \"x\"".to_string()),
        Just("primary eq true".to_string()),
    ];
    let op = |kind: &str| OpKind::parse(kind).expect("op");
    let path = |text: String| Some(PatchPath::parse(&text).expect("path"));
    prop_oneof![
        4 => prop::collection::vec(element.clone(), 0..3).prop_map(move |v| patch::Operation::new(op("add"), path(attr.to_string()), Some(Value::Array(v)))),
        1 => element.clone().prop_map(move |v| patch::Operation::new(op("add"), path(attr.to_string()), Some(v))),
        4 => filter.clone().prop_map(move |f| patch::Operation::new(op("remove"), path(format!("{attr}[{f}]")), None)),
        2 => (filter.clone(), sub.clone()).prop_map(move |(f, s)| patch::Operation::new(op("remove"), path(format!("{attr}[{f}].{s}")), None)),
        2 => (filter.clone(), prop::sample::select(vec!["replace", "add"]), prop_oneof![Just(json!("x")), Just(json!(true)), Just(Value::Null)])
            .prop_map(move |(f, k, v)| patch::Operation::new(op(k), path(format!("{attr}[{f}].display")), Some(v))),
        2 => (filter.clone(), prop::sample::select(vec!["replace", "add"]), element.clone())
            .prop_map(move |(f, k, v)| patch::Operation::new(op(k), path(format!("{attr}[{f}]")), Some(v))),
        1 => (filter, prop::sample::select(vec!["replace", "add"])).prop_map(move |(f, k)| patch::Operation::new(op(k), path(format!("{attr}[{f}]")), Some(json!([])))),
        1 => prop::collection::vec(element.clone(), 0..2).prop_map(move |v| patch::Operation::new(op("replace"), path(attr.to_string()), Some(Value::Array(v)))),
        1 => Just(patch::Operation::new(op("remove"), path(attr.to_string()), None)),
        1 => Just(patch::Operation::new(op("replace"), path(format!("{attr}.display")), Some(json!("all")))),
        1 => prop::collection::vec(element, 1..3).prop_map(move |v| patch::Operation::new(op("add"), None, Some(json!({attr: v})))),
        1 => Just(patch::Operation::new(op("replace"), path("displayName".to_string()), Some(json!("Renamed")))),
        1 => Just(patch::Operation::new(op("replace"), None, Some(json!({"displayName": "Other"})))),
    ]
}

/// A profile whose limits split most diffs into several messages.
fn small(profile: &str) -> Profile {
    Profile::from_config(&json!({"profile": profile, "limits": {"max_operations": 2, "max_patch_values": 2}}))
        .expect("config")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn diff_then_apply_gives_desired_users(current in user(), desired in user()) {
        round_trip(&Profile::rfc(), ResourceKind::User, &current, &desired)?;
        round_trip(&Profile::atlassian(), ResourceKind::User, &current, &desired)?;
        round_trip(&small("atlassian"), ResourceKind::User, &current, &desired)?;
        // Emails here have one value per type: they change value by value, never by re-sending the
        // list (which Atlassian can answer with a 400, ATL-U-022), and not at all when unchanged.
        let ops: Vec<Value> = Profile::atlassian()
            .diff(&current, &desired, ResourceKind::User)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .iter()
            .flat_map(|m| m["Operations"].as_array().cloned().unwrap_or_default())
            .collect();
        prop_assert!(!ops.iter().any(|op| op["op"] == "replace" && op["path"] == "emails"), "{:?}", ops);
        if current["emails"] == desired["emails"] {
            prop_assert!(!ops.iter().any(|op| op["path"].as_str().is_some_and(|p| p.starts_with("emails"))), "{:?}", ops);
        }
    }

    #[test]
    fn diff_then_apply_gives_desired_groups(current in group(), desired in group()) {
        round_trip(&Profile::atlassian(), ResourceKind::Group, &current, &desired)?;
        round_trip(&small("atlassian"), ResourceKind::Group, &current, &desired)?;
        let messages = Profile::atlassian().diff(&current, &desired, ResourceKind::Group).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!Value::Array(messages.clone()).to_string().contains("\"replace\""), "members change by add and remove only: {:?}", messages);
    }

    #[test]
    fn a_failed_patch_in_place_leaves_the_resource_byte_for_byte(
        (kind, resource, ops) in list_operations()
    ) {
        // The open list keeps only the values it changes (undo.rs, values.rs): whatever the
        // operations did, a failure after them (a remove without a path), or among them, puts
        // the resource back as it was; and in place agrees with a copy.
        let rt = atlscim_core::schema::RFC.resource(kind);
        let options = Profile::rfc().apply_options(kind);
        let mut failing = ops.clone();
        failing.push(patch::Operation::new(OpKind::Remove, None, None));
        for ops in [&ops, &failing] {
            let copied = patch::apply(&resource, ops, Some(rt), options);
            let mut in_place = resource.clone();
            match (copied, patch::apply_in_place(&mut in_place, ops, Some(rt), options)) {
                (Ok(want), Ok(())) => prop_assert_eq!(in_place.to_string(), want.to_string()),
                (Err(want), Err(got)) => {
                    prop_assert_eq!(got, want);
                    prop_assert_eq!(in_place.to_string(), resource.to_string());
                }
                (want, got) => prop_assert!(false, "copy gave {:?}, in place {:?}", want, got),
            }
        }
    }

    #[test]
    fn operations_applied_together_give_what_they_give_one_by_one(
        (kind, resource, ops) in list_operations()
    ) {
        // Consecutive operations on one multi-valued attribute share one indexed copy of its
        // values; applying them one message at a time takes the attribute out and back each time.
        let rt = atlscim_core::schema::RFC.resource(kind);
        let options = Profile::rfc().apply_options(kind);
        let together = patch::apply(&resource, &ops, Some(rt), options);
        let mut one_by_one = Ok(resource.clone());
        for op in &ops {
            one_by_one = one_by_one.and_then(|r| patch::apply(&r, std::slice::from_ref(op), Some(rt), options));
        }
        match (together, one_by_one) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!((a.issue().rule().id(), a.issue().detail()), (b.issue().rule().id(), b.issue().detail())),
            (a, b) => prop_assert!(false, "together {:?}, one by one {:?}", a, b),
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
