//! One operation at one input size, for the complexity tests (`scripts/test-complexity.sh`).
//!
//! `complexity SCENARIO N` builds the scenario's input at size N, then runs the operation once
//! inside [`complexity_measured`]. The test runs this under `valgrind --tool=callgrind
//! --toggle-collect=complexity_measured` at N and 4N and compares the instructions counted inside
//! that function only (building the input is not counted): an O(n) or O(n log n) operation
//! grows about 4× (at most 5×), a quadratic one 16×. Instruction counts do not depend on the
//! machine's load, so the test cannot be flaky the way a timed test is.
//!
//! `complexity list` prints the scenarios, one per line, with the N the test uses.

use std::hint::black_box;

use atlscim_core::schema::ResourceKind;
use atlscim_core::{Profile, Request};
use serde_json::{Value, json};

/// The measured region: callgrind counts the instructions executed inside this function.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn complexity_measured(run: &mut dyn FnMut()) {
    run();
}

const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn member_id(i: usize) -> String {
    format!("{i:08x}-7f76-453a-919d-413861904646")
}

fn group(n: usize) -> Value {
    let members: Vec<Value> = (0..n).map(|i| json!({"value": member_id(i), "type": "User"})).collect();
    json!({"schemas": [GROUP], "id": "e9e30dba", "displayName": "Tour Guides", "members": members})
}

fn patch(operations: Vec<Value>) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

/// Entra ID's remove by value: one operation listing n/2 members.
fn entra_remove(n: usize) -> Value {
    let values: Vec<Value> = (0..n / 2).map(|i| json!({"value": member_id(2 * i)})).collect();
    patch(vec![json!({"op": "Remove", "path": "members", "value": values})])
}

/// A profile whose limits let the largest scenario through (what is measured is the work, not
/// the refusal).
fn unlimited(profile: &str) -> Profile {
    Profile::from_config(&json!({"profile": profile, "limits": {
        "max_operations": 1_000_000, "max_patch_values": 1_000_000, "max_filter_length": 1_000_000,
        "max_string_bytes": 1u64 << 30, "max_body_bytes": 1u64 << 40}}))
    .expect("config")
}

/// A user with n emails (and n phone numbers), each with its own type.
fn typed_user(n: usize, variant: usize) -> Value {
    let emails: Vec<Value> = (0..n)
        .map(|i| json!({"type": format!("t{i}"), "value": format!("u{}@example{i}.com", i % 7 + variant)}))
        .collect();
    let phones: Vec<Value> = (0..n)
        .map(|i| json!({"type": format!("t{i}"), "value": format!("+1 555 {:04}", (i + variant) % 10_000)}))
        .collect();
    json!({"schemas": [USER], "userName": "u@example.com", "emails": emails, "phoneNumbers": phones})
}

/// The scenarios: name, the N the test uses, and the operation at size n.
type Scenario = (&'static str, usize, fn(usize) -> Box<dyn FnMut()>);

const SCENARIOS: &[Scenario] = &[
    // Entra ID's remove by value, n/2 members from a group of n, checked with `current`.
    ("entra_remove_check", 2000, |n| {
        let (current, body) = (group(n), entra_remove(n).to_string());
        let profile = Profile::atlassian();
        Box::new(move || {
            let r = profile.check(&Request {
                method: "PATCH",
                path: "/Groups/e9e30dba",
                body: Some(atlscim_core::Body::Json(body.as_bytes())),
                current: Some(&current),
            });
            assert!(r.valid(), "{:?}", r.issues());
            black_box(r);
        })
    }),
    // The same PATCH, applied.
    ("entra_remove_apply", 2000, |n| {
        let (current, body) = (group(n), entra_remove(n));
        let profile = Profile::atlassian();
        Box::new(move || {
            let r = profile.apply_patch(&current, &body, ResourceKind::Group).expect("applies");
            assert_eq!(r["members"].as_array().map(Vec::len), Some(n - n / 2));
            black_box(r);
        })
    }),
    // n/8 operations, each adding one member, to a group of n.
    ("single_member_adds", 2000, |n| {
        let current = group(n);
        let ops: Vec<Value> = (0..n / 8)
            .map(|i| json!({"op": "add", "path": "members", "value": [{"value": member_id(n + i)}]}))
            .collect();
        let body = patch(ops);
        let profile = unlimited("atlassian");
        Box::new(move || {
            let r = profile.apply_patch(&current, &body, ResourceKind::Group).expect("applies");
            assert_eq!(r["members"].as_array().map(Vec::len), Some(n + n / 8));
            black_box(r);
        })
    }),
    // n/8 operations, each removing one member through `members[value eq "…"]`.
    ("single_member_removes", 2000, |n| {
        let current = group(n);
        let ops: Vec<Value> = (0..n / 8)
            .map(|i| json!({"op": "remove", "path": format!("members[value eq \"{}\"]", member_id(8 * i))}))
            .collect();
        let body = patch(ops);
        let profile = unlimited("atlassian");
        Box::new(move || {
            let r = profile.apply_patch(&current, &body, ResourceKind::Group).expect("applies");
            assert_eq!(r["members"].as_array().map(Vec::len), Some(n - n / 8));
            black_box(r);
        })
    }),
    // One remove whose value filter matches every member.
    ("filter_remove_matching_all", 4000, |n| {
        let current = group(n);
        let body = patch(vec![json!({"op": "remove", "path": "members[type eq \"User\"]"})]);
        let profile = Profile::atlassian();
        Box::new(move || {
            let r = profile.apply_patch(&current, &body, ResourceKind::Group).expect("applies");
            assert!(r.get("members").is_none());
            black_box(r);
        })
    }),
    // A value filter whose literal is as long as the group is large (n characters): each member
    // is compared with it.
    ("filter_literal_against_members", 2000, |n| {
        let current = group(n);
        let literal = "x".repeat(n);
        let body = patch(vec![
            json!({"op": "remove", "path": format!("members[value eq \"{literal}\"]")}),
            json!({"op": "remove", "path": format!("members[display co \"{literal}\"]")}),
            json!({"op": "remove", "path": format!("members[value sw \"{literal}\" or value gt \"{literal}\"]")}),
        ]);
        let profile = unlimited("atlassian");
        Box::new(move || {
            let r = profile.apply_patch(&current, &body, ResourceKind::Group).expect("applies");
            black_box(r);
        })
    }),
    // diff of two users with n typed emails and n typed phone numbers.
    ("diff_typed_values", 1000, |n| {
        let (current, desired) = (typed_user(n, 0), typed_user(n, 1));
        let profile = Profile::rfc();
        Box::new(move || {
            let _ = black_box(profile.diff(&current, &desired, ResourceKind::User));
        })
    }),
    // A profile knowing n userNames and n emails, and n/16 users checked against it.
    ("known_names", 8000, |n| {
        let names: Vec<String> = (0..n).map(|i| format!("user{i}@example.com")).collect();
        let emails: Vec<String> = (0..n).map(|i| format!("mail{i}@example.com")).collect();
        let config = json!({"known_user_names": names, "known_emails": emails});
        let bodies: Vec<String> = (0..n / 16)
            .map(|i| {
                json!({"schemas": [USER], "userName": format!("new{i}@example.com"),
                       "emails": [{"value": format!("new{i}@example.com"), "primary": true}]})
                .to_string()
            })
            .collect();
        Box::new(move || {
            let profile = Profile::from_config(&config).expect("config");
            for body in &bodies {
                black_box(profile.check(&Request::json("POST", "/Users", body.as_bytes())));
            }
        })
    }),
    // Display names with n repeated suffixes, comma-separated and space-separated.
    ("split_display_name_suffixes", 2000, |n| {
        let commas = format!("Jane Doe{}", ", Jr.".repeat(n));
        let spaces = format!("Jane Doe{}", " Jr.".repeat(n));
        Box::new(move || {
            black_box(atlscim_core::mapping::split_display_name(&commas));
            black_box(atlscim_core::mapping::split_display_name(&spaces));
        })
    }),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("list") {
        for (name, n, _) in SCENARIOS {
            println!("{name} {n}");
        }
        return;
    }
    let (Some(name), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<usize>().ok())) else {
        eprintln!("usage: complexity SCENARIO N | complexity list");
        std::process::exit(2);
    };
    let Some((_, _, make)) = SCENARIOS.iter().find(|(s, _, _)| s == name) else {
        eprintln!("complexity: no scenario {name:?}");
        std::process::exit(2);
    };
    let mut run = make(n);
    complexity_measured(&mut *run);
}
