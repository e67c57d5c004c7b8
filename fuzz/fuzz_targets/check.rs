//! Any bytes as a request body: check never panics, for every method and endpoint, from bytes
//! and (when the bytes are JSON) from a value; the report always serializes.
#![no_main]

use atlscim_core::{Body, Profile, Request};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static PROFILES: LazyLock<[Profile; 2]> = LazyLock::new(|| {
    [
        Profile::from_config_json(r#"{"verified_domains":["example.com"],"known_groups":["Engineering"],"limits":{"max_depth":16}}"#)
            .expect("config"),
        Profile::rfc(),
    ]
});

const TARGETS: [(&str, &str); 8] = [
    ("POST", "/Users"),
    ("PUT", "/Users/1"),
    ("PATCH", "/Users/1"),
    ("POST", "/Groups"),
    ("PUT", "/Groups/1"),
    ("PATCH", "/Groups/1"),
    ("DELETE", "/Users/1"),
    ("GET", "/Users?filter=userName%20eq%20%22a%22"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let (method, path) = TARGETS[usize::from(selector) % TARGETS.len()];
    let value = serde_json::from_slice::<serde_json::Value>(body).ok();
    for profile in PROFILES.iter() {
        let req = Request { method, path, body: Some(Body::Json(body)), current: value.as_ref() };
        let report = profile.check(&req);
        let _ = report.to_json(req.body.as_ref());
        if let Some(v) = &value {
            let _ = profile.check(&Request { method, path, body: Some(Body::Value(v)), current: Some(v) });
        }
    }
});
