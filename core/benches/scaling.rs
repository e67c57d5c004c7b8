//! Time grows linearly with input size: each input is measured at sizes doubling, and the ratio
//! of each time to the previous one is printed (≈ 2.0 when linear, ≈ 4.0 when quadratic):
//!
//! - request bodies from ~10 KB to ~10 MB (a group check, a user with many emails, a PATCH adding
//!   members, a group diff);
//! - every PATCH operation form on groups of 1,093 to 35,000 members (Atlassian's group limit),
//!   checked with the group as `current` and applied; forms with one operation per member change
//!   scale the number of operations with the group (1,000 at 35,000 members, max_operations);
//! - diff of every multi-valued attribute, from 1,024 to 32,768 values;
//! - a profile knowing 9,375 to 150,000 userNames and emails (the directory limit), with one
//!   user checked per 16 names;
//! - `split_display_name` with 1,024 to 16,384 suffixes (a 64 KiB display name).
//!
//! Run: `cargo bench -p atlscim-core --bench scaling` (a few minutes). The deterministic version
//! of the same findings, in `make test`, is `scripts/test-complexity.sh`.

use std::time::{Duration, Instant};

use atlscim_core::schema::ResourceKind;
use atlscim_core::{Body, Profile, Request};
use serde_json::{Value, json};

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..7).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed()
}

fn member_id(i: usize) -> String {
    format!("{i:08x}-7f76-453a-919d-413861904646")
}

fn members(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({"value": member_id(i), "type": "User"})).collect()
}

/// The least of 9 times: on a shared machine, the run least disturbed by other processes.
fn least(mut f: impl FnMut() -> Duration) -> Duration {
    (0..9).map(|_| f()).min().unwrap_or_default()
}

/// Prints one line: the time at each size (the least of 9 runs), and its ratio to the time at
/// the size before.
fn report(name: &str, sizes: &[usize], unit: &str, mut time: impl FnMut(usize) -> Duration) {
    print!("{name}\n  ");
    let mut previous: Option<Duration> = None;
    let mut ratios = Vec::new();
    for &n in sizes {
        let t = least(|| time(n));
        if let Some(p) = previous {
            ratios.push(format!("{:.2}", t.as_secs_f64() / p.as_secs_f64()));
        }
        print!("{n} {unit}: {t:.2?}  ");
        previous = Some(t);
    }
    println!("\n  ratios per doubling: {}", ratios.join(", "));
}

fn run(name: &str, mut make: impl FnMut(usize) -> Vec<u8>, mut time: impl FnMut(&[u8]) -> Duration) {
    println!("{name}");
    let mut previous: Option<Duration> = None;
    let mut n = 128;
    loop {
        let input = make(n);
        let t = median(|| time(&input));
        let ratio = previous.map_or(String::from("—"), |p| format!("{:.2}", t.as_secs_f64() / p.as_secs_f64()));
        println!("  {:>10} bytes  {:>12.3?}  ×{ratio}", input.len(), t);
        previous = Some(t);
        if input.len() > 10 << 20 {
            break;
        }
        n *= 2;
    }
}

const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn group(n: usize) -> Value {
    json!({"schemas": [GROUP], "id": "e9e30dba", "displayName": "G", "members": members(n)})
}

/// The PATCH operation forms on a group of n members; k = n/35 operations where a form takes one
/// per member (1,000 at 35,000), n/4 values where it takes a list (8,750 at 35,000: within
/// max_patch_values).
type Operations = fn(usize, usize) -> Vec<Value>;

fn patch_forms() -> Vec<(&'static str, Operations)> {
    vec![
        ("add members: one operation, n/4 new members", |n, _| {
            let new: Vec<Value> = (n..n + n / 4).map(|i| json!({"value": member_id(i)})).collect();
            vec![json!({"op": "add", "path": "members", "value": new})]
        }),
        ("add members: k operations of one member", |n, k| {
            (0..k).map(|i| json!({"op": "add", "path": "members", "value": [{"value": member_id(n + i)}]})).collect()
        }),
        ("remove members[value eq …]: k operations", |_, k| {
            (0..k)
                .map(|i| json!({"op": "remove", "path": format!("members[value eq \"{}\"]", member_id(35 * i))}))
                .collect()
        }),
        ("Entra ID remove by value: one operation, n/4 members", |n, _| {
            let values: Vec<Value> = (0..n / 4).map(|i| json!({"value": member_id(4 * i)})).collect();
            vec![json!({"op": "Remove", "path": "members", "value": values})]
        }),
        ("Entra ID remove by value: k operations of one member", |_, k| {
            (0..k)
                .map(|i| json!({"op": "Remove", "path": "members", "value": [{"value": member_id(35 * i)}]}))
                .collect()
        }),
        ("remove members[type eq \"User\"]: matches every member", |_, _| {
            vec![json!({"op": "remove", "path": "members[type eq \"User\"]"})]
        }),
        // Known to be k × n (docs/robustness.md): a filter without an eq term is evaluated on
        // every member.
        ("remove members[display co \"x\"]: k operations matching none", |_, k| {
            (0..k).map(|_| json!({"op": "remove", "path": "members[display co \"x\"]"})).collect()
        }),
        ("replace members[value eq …].type: k operations", |_, k| {
            (0..k)
                .map(|i| json!({"op": "replace", "path": format!("members[value eq \"{}\"].type", member_id(35 * i)), "value": "User"}))
                .collect()
        }),
        ("add members[value eq …] (a new member from the filter): k operations", |n, k| {
            (0..k).map(|i| json!({"op": "add", "path": format!("members[value eq \"{}\"]", member_id(n + i)), "value": {"type": "User"}})).collect()
        }),
        ("replace members: the whole membership, n/4 members", |n, _| {
            let all: Vec<Value> = (n - n / 8..n + n / 8).map(|i| json!({"value": member_id(i)})).collect();
            vec![json!({"op": "replace", "path": "members", "value": all})]
        }),
        ("remove members: the whole membership", |_, _| vec![json!({"op": "remove", "path": "members"})]),
        ("replace members.type: every member", |_, _| {
            vec![json!({"op": "replace", "path": "members.type", "value": "User"})]
        }),
        // Known to be k × n (docs/robustness.md): each operation writes every member.
        ("replace members.type: k operations, each writing every member", |_, k| {
            (0..k).map(|_| json!({"op": "replace", "path": "members.type", "value": "User"})).collect()
        }),
        ("path-less add {\"members\": […]}: k operations", |n, k| {
            (0..k).map(|i| json!({"op": "add", "value": {"members": [{"value": member_id(n + i)}]}})).collect()
        }),
        ("add members and replace externalId in turn: k operations", |n, k| {
            (0..k)
                .map(|i| {
                    if i % 2 == 0 {
                        json!({"op": "add", "path": "members", "value": [{"value": member_id(n + i)}]})
                    } else {
                        json!({"op": "replace", "path": "externalId", "value": format!("x{i}")})
                    }
                })
                .collect()
        }),
    ]
}

/// Users with n values of each multi-valued attribute, each with its own type; `variant` changes
/// half of them.
fn user_with(attr: &str, n: usize, variant: usize) -> Value {
    let values: Vec<Value> = (0..n)
        .map(|i| {
            let changed = if i % 2 == 0 { variant } else { 0 };
            let value = match attr {
                "emails" => json!(format!("u{i}.{changed}@example.com")),
                "photos" => json!(format!("https://photos.example.com/{i}/{changed}.jpg")),
                "addresses" => Value::Null,
                _ => json!(format!("{attr}-{i}-{changed}")),
            };
            let mut v = json!({"type": format!("t{i}")});
            match attr {
                "addresses" => v["locality"] = json!(format!("City {i} {changed}")),
                _ => v["value"] = value,
            }
            v
        })
        .collect();
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u@example.com", attr: values})
}

fn main() {
    let profile = Profile::atlassian();
    // The PATCH limits are raised so that the largest inputs are applied, not refused.
    let unlimited = Profile::from_config(
        &json!({"profile": "rfc", "limits": {"max_patch_values": 1_000_000_000u64, "max_body_bytes": 1u64 << 40}}),
    )
    .expect("config");
    run(
        "check: PUT /Groups/{id} with n members",
        |n| {
            serde_json::to_vec(&json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G", "members": members(n)})).expect("json")
        },
        |body| timed(|| profile.check(&Request::json("PUT", "/Groups/e9e30dba", body))),
    );
    run(
        "check: POST /Users with n emails (duplicate detection)",
        |n| {
            let emails: Vec<Value> =
                (0..n).map(|i| json!({"value": format!("user{i}@example.com"), "type": "other"})).collect();
            serde_json::to_vec(
                &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u", "emails": emails}),
            )
            .expect("json")
        },
        |body| timed(|| profile.check(&Request::json("POST", "/Users", body))),
    );
    let unlimited = &unlimited;
    run(
        "apply_patch: add n members to a group of n",
        |n| {
            serde_json::to_vec(&json!({"group": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G", "members": members(n)},
            "patch": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": members(2 * n)}]}})).expect("json")
        },
        |input| {
            let v: Value = serde_json::from_slice(input).expect("json");
            timed(|| {
                let applied = unlimited.apply_patch(&v["group"], &v["patch"], ResourceKind::Group);
                assert!(applied.is_ok(), "the bench must apply, not refuse");
                applied
            })
        },
    );
    run(
        "diff: two groups of n members, half different",
        |n| {
            let mut other = members(n);
            other.truncate(n / 2);
            other.extend(members(2 * n).into_iter().skip(n + n / 2));
            serde_json::to_vec(
                &json!({"a": {"displayName": "G", "members": members(n)}, "b": {"displayName": "G", "members": other}}),
            )
            .expect("json")
        },
        |input| {
            let v: Value = serde_json::from_slice(input).expect("json");
            timed(|| profile.diff(&v["a"], &v["b"], ResourceKind::Group).expect("no rename"))
        },
    );

    // Every PATCH operation form on groups up to Atlassian's limit, within the default limits.
    let sizes: Vec<usize> = (0..6).rev().map(|k| 35_000 >> k).collect();
    for (name, ops) in patch_forms() {
        for (what, check) in [("check", true), ("apply_patch", false)] {
            let title = format!("{what}: {name}");
            report(&title, &sizes, "members", |n| {
                let current = group(n);
                let body = json!({"schemas": [PATCH_OP], "Operations": ops(n, n / 35)});
                let text = body.to_string();
                if check {
                    timed(|| {
                        let r = profile.check(&Request {
                            method: "PATCH",
                            path: "/Groups/e9e30dba",
                            body: Some(Body::Json(text.as_bytes())),
                            current: Some(&current),
                        });
                        assert!(r.valid(), "{name}: {:?}", r.issues().first());
                        r
                    })
                } else {
                    timed(|| profile.apply_patch(&current, &body, ResourceKind::Group).expect(name))
                }
            });
        }
    }

    // diff of every multi-valued attribute a client writes.
    let rfc = Profile::rfc();
    let sizes: Vec<usize> = (10..=15).map(|k| 1 << k).collect();
    for attr in ["emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"] {
        report(&format!("diff: {attr}, n typed values, half changed"), &sizes, "values", |n| {
            let (a, b) = (user_with(attr, n, 0), user_with(attr, n, 1));
            timed(|| {
                let messages = rfc.diff(&a, &b, ResourceKind::User).expect("a user diff");
                assert!(!messages.is_empty());
                messages
            })
        });
    }
    report("diff: members, n members, half different", &sizes, "members", |n| {
        let mut other = members(n);
        other.truncate(n / 2);
        other.extend((2 * n..2 * n + n / 2).map(|i| json!({"value": member_id(i), "type": "User"})));
        let (a, b) = (group(n), json!({"schemas": [GROUP], "displayName": "G", "members": other}));
        timed(|| profile.diff(&a, &b, ResourceKind::Group).expect("no rename"))
    });

    // The profile's known-name sets, up to the directory limit.
    let sizes: Vec<usize> = (0..5).rev().map(|k| 150_000 >> k).collect();
    report("known_user_names and known_emails: build the profile, check n/16 users", &sizes, "names", |n| {
        let names: Vec<String> = (0..n).map(|i| format!("user{i}@example.com")).collect();
        let config = json!({"known_user_names": names, "known_emails": names});
        let bodies: Vec<String> = (0..n / 16)
            .map(|i| {
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": format!("new{i}@example.com"),
                       "emails": [{"value": format!("new{i}@example.com"), "primary": true}]})
                .to_string()
            })
            .collect();
        timed(|| {
            let p = Profile::from_config(&config).expect("config");
            bodies.iter().filter(|b| p.check(&Request::json("POST", "/Users", b.as_bytes())).valid()).count()
        })
    });

    // The name splitter, up to a 64 KiB display name.
    let sizes: Vec<usize> = (10..=14).map(|k| 1 << k).collect();
    report("split_display_name: \"Jane Doe\" and n suffixes, comma- and space-separated", &sizes, "suffixes", |n| {
        let (commas, spaces) = (format!("Jane Doe{}", ", Jr.".repeat(n)), format!("Jane Doe{}", " Jr".repeat(n)));
        timed(|| {
            (atlscim_core::mapping::split_display_name(&commas), atlscim_core::mapping::split_display_name(&spaces))
        })
    });
}
