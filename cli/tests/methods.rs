//! HTTP methods are case-sensitive (RFC 7231 §4.1): the command line says so, with a hint, as
//! every binding does (tests/vectors/methods.json).

use std::process::Command;

#[test]
fn a_method_in_the_wrong_case_is_refused_with_a_hint() {
    let dir = std::env::temp_dir().join(format!("atlscim-methods-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("post.json");
    let envelope = serde_json::json!({"method": "post", "path": "/Users", "body": {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a@example.com",
        "emails": [{"value": "a@example.com", "primary": true}]}});
    std::fs::write(&file, envelope.to_string()).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_atlscim")).arg("check").arg(&file).output().expect("run atlscim");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("INVALID, Atlassian would answer 400"), "{stdout}");
    assert!(
        stdout.contains("error   RFC-R-003: \"post\" is not a method: methods are case-sensitive; did you mean POST?"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
