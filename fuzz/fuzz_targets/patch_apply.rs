//! Any JSON as a PatchOp message against a fixed user and group: reading and applying never panic,
//! and applying is a function of its inputs alone: the same patch applied to a copy of the
//! resource taken before the first apply gives the same outcome (result, or the same error),
//! so no call changes the resource it was given or carries state into the next.
//!
//! (`apply_patch` takes the resource by shared reference, so the resource cannot change in place
//! in safe Rust; comparing it with a clone of itself after the call could never fail. Comparing
//! outcomes on a separate copy can.)
#![no_main]

use atlscim_core::Profile;
use atlscim_core::schema::ResourceKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(patch) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let user = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1", "userName": "b@example.com",
        "displayName": "Barbara Jensen", "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "b@example.com", "type": "work", "primary": true}, {"value": "b@jensen.org", "type": "home"}]});
    let group = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g", "displayName": "G",
        "members": [{"value": "1"}, {"value": "2"}]});
    for profile in [Profile::atlassian(), Profile::rfc(), Profile::rfc().with_lenient(false)] {
        for (kind, resource) in [(ResourceKind::User, &user), (ResourceKind::Group, &group)] {
            let copy = resource.clone();
            let first = profile.apply_patch(resource, &patch, kind);
            let again = profile.apply_patch(&copy, &patch, kind);
            assert_eq!(first, again, "the same patch on an equal copy of the resource gave another outcome");
            if let Ok(after) = first {
                let _ = profile.diff(resource, &after, kind).is_ok();
            }
        }
    }
});
