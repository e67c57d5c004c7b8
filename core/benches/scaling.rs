//! Time grows linearly with input size: each input is checked at sizes doubling from ~10 KB to
//! ~10 MB, and the ratio of each time to the previous one is printed (≈ 2.0 when linear).
//!
//! Run: `cargo bench -p atlscim-core --bench scaling`

use std::time::{Duration, Instant};

use atlscim_core::schema::ResourceKind;
use atlscim_core::{Profile, Request};
use serde_json::{Value, json};

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..7).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

fn members(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({"value": format!("{i:08x}-7f76-453a-919d-413861904646"), "type": "User"})).collect()
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
        |body| {
            let start = Instant::now();
            std::hint::black_box(profile.check(&Request::json("PUT", "/Groups/e9e30dba", body)));
            start.elapsed()
        },
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
        |body| {
            let start = Instant::now();
            std::hint::black_box(profile.check(&Request::json("POST", "/Users", body)));
            start.elapsed()
        },
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
            let start = Instant::now();
            let applied = unlimited.apply_patch(&v["group"], &v["patch"], ResourceKind::Group);
            assert!(applied.is_ok(), "the bench must apply, not refuse");
            let _ = std::hint::black_box(applied);
            start.elapsed()
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
            let start = Instant::now();
            std::hint::black_box(profile.diff(&v["a"], &v["b"], ResourceKind::Group));
            start.elapsed()
        },
    );
}
