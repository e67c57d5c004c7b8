//! The benchmark user, shared by benches/check.rs and examples/instructions.rs so both time the
//! same bytes.

use std::path::PathBuf;

/// ../shared/bench/user.json, or the file ATLSCIM_BENCH_USER names.
pub fn bytes() -> Vec<u8> {
    let path = std::env::var_os("ATLSCIM_BENCH_USER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/user.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (set ATLSCIM_BENCH_USER)", path.display()))
}

/// An Atlassian-ready user (what a connector sends once mapped): the same user without the
/// attributes Atlassian does not store, and with a display name that agrees with the names.
#[allow(dead_code, reason = "benches/filter_patch.rs includes this module and checks no body")]
pub fn atlassian_ready(bytes: &[u8]) -> Vec<u8> {
    let mut ready: serde_json::Value = serde_json::from_slice(bytes).expect("user JSON");
    if let Some(m) = ready.as_object_mut() {
        for key in ["locale", "addresses"] {
            m.remove(key);
        }
        m.insert("displayName".into(), "Barbara Jensen".into());
        if let Some(ext) =
            m.get_mut("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").and_then(|e| e.as_object_mut())
        {
            ext.retain(|k, _| k == "department" || k == "organization");
        }
    }
    serde_json::to_vec(&ready).expect("serializes")
}

/// Four Entra-style PATCH operations on the benchmark user (issue 12's speed target), shared by
/// benches/filter_patch.rs and examples/instructions.rs so both apply the same ones.
#[allow(dead_code, reason = "benches/check.rs includes this module and applies no PATCH")]
pub fn entra_ops() -> serde_json::Value {
    serde_json::json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara.jensen@example.com"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"}
    ]})
}
