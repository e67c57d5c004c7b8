//! Any JSON as a PatchOp message against a fixed user and group: reading and applying never panic,
//! and a failed apply leaves the resource as it was (it is not modified in place).
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
            let before = resource.clone();
            let _ = profile.apply_patch(resource, &patch, kind);
            assert_eq!(resource, &before);
            if let Ok(after) = profile.apply_patch(resource, &patch, kind) {
                let _ = profile.diff(resource, &after, kind);
            }
        }
    }
});
