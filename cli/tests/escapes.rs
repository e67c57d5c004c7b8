//! The text output shows control characters from the input escaped: a hostile export cannot send
//! escape sequences to the operator's terminal through a key, a path or a value.

use std::process::Command;

use serde_json::json;

fn atlscim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_atlscim")).args(args).output().expect("run atlscim");
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("UTF-8 output");
    (out.status.code().expect("an exit status, not a signal"), text(&out.stdout), text(&out.stderr))
}

/// What a terminal acts on rather than prints.
fn acts(c: char) -> bool {
    c.is_control() && c != '\n' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn hostile_keys_paths_and_values_reach_the_terminal_escaped() {
    let dir = std::env::temp_dir().join(format!("atlscim-escapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // OSC 0 retitles the window, CSI 2J clears the screen, 8-bit CSI (U+009B) does on some
    // terminals, U+202E reverses what follows.
    let envelopes = [
        json!({"method": "POST", "path": "/Users",
               "body": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                        "userName": "\u{1b}]0;owned\u{7}", "emails": [{"value": "not-an-email\u{1b}[2J"}, {"value": "\u{9b}2J"}],
                        "x\u{1b}[31mred": true, "displayName": ["\u{9b}2J"]}}),
        json!({"method": "GET\u{1b}[1A", "path": "/Users?filter=userName eq \"\u{1b}[2J\" and"}),
        json!({"method": "PATCH", "path": "/Users/\u{202e}txt.exe",
               "body": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [{"op": "add", "path": "title\u{1b}[8m", "value": "x"}]}}),
    ];
    let file = dir.join("hostile\u{1b}[5m.ndjson");
    let text: String = envelopes.iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(&file, text).expect("write");
    let path = file.to_str().expect("UTF-8 path");

    let (code, stdout, stderr) = atlscim(&["check", path]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.chars().any(acts), "a control character reached the terminal:\n{stdout:?}");
    for shown in [
        "not-an-email\\u{1b}[2J",
        "x\\u{1b}[31mred",
        "\\u{9b}2J",
        "GET\\u{1b}[1A",
        "\\u{202e}txt.exe",
        "hostile\\u{1b}[5m",
    ] {
        assert!(stdout.contains(shown), "{shown} is not shown escaped in:\n{stdout}");
    }
    // JSON output escapes them as JSON does; nothing raw either.
    let (_, json_out, _) = atlscim(&["check", "--format", "json", path]);
    assert!(!json_out.chars().any(acts), "{json_out:?}");

    // An unreadable line names the file escaped, too.
    let broken = dir.join("broken\u{1b}[2J.ndjson");
    std::fs::write(&broken, "{\"method\":\"GET\",\"path\":\"/Users\"}\n{\u{1b}[2J\n").expect("write");
    let (code, _, stderr) = atlscim(&["check", broken.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 2);
    assert!(!stderr.chars().any(acts) && stderr.contains("broken\\u{1b}[2J"), "{stderr:?}");

    // map's text reports, on standard error, hold the record's values.
    let records = dir.join("records.ndjson");
    std::fs::write(&records, format!("{}\n", json!({"userPrincipalName": "a\u{1b}[2J@example.com", "id": "1"})))
        .expect("write");
    let (_, _, stderr) = atlscim(&["map", "--mapping", "entra", records.to_str().expect("UTF-8 path")]);
    assert!(!stderr.chars().any(acts), "{stderr:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
