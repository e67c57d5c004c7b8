//! The `atlscim` binary as a shell or CI job runs it: `check`, `patch`, `diff` and `filter`, their
//! exit status (0 valid or done, 1 invalid, refused or no match, 2 a usage or I/O error), text and
//! JSON output, NDJSON streams read line by line, bad input and missing files.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// What a run of the binary gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Standard output as one JSON value.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Standard output as NDJSON.
    fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
            .collect()
    }

    /// The run never panicked: a panic would print a message and exit 101.
    fn no_panic(self) -> Run {
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        assert_ne!(self.code, 101, "{self:?}");
        self
    }
}

fn atlscim(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_atlscim"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run atlscim");
    // Standard input is written from a thread while the output is read: a long NDJSON input
    // gives output before it is all read, and either pipe may fill up.
    let writer = stdin.map(|text| {
        let mut pipe = child.stdin.take().expect("stdin");
        let text = text.to_string();
        std::thread::spawn(move || pipe.write_all(text.as_bytes()))
    });
    let out = child.wait_with_output().expect("wait for atlscim");
    if let Some(writer) = writer {
        // The binary may stop reading early (a bad line): a closed pipe is not the test's failure.
        let _ = writer.join().expect("the stdin writer");
    }
    Run {
        code: out.status.code().expect("exit status, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
    .no_panic()
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-commands").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path.to_string_lossy().into_owned()
}

const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn create(user_name: &str, primary: bool) -> Value {
    json!({"method": "POST", "path": "/Users", "body": {"schemas": [USER_URN], "userName": user_name,
           "emails": [{"value": user_name, "type": "work", "primary": primary}]}})
}

fn user() -> Value {
    json!({"schemas": [USER_URN], "id": "2819c223", "userName": "bjensen@example.com", "title": "Guide",
           "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}]})
}

fn patch_op(operations: Value) -> Value {
    json!({"schemas": [PATCH_URN], "Operations": operations})
}

// ---- check ----

#[test]
fn check_a_valid_request_exits_0_and_says_valid() {
    let dir = scratch("check_valid");
    let file = write(&dir, "valid.json", &create("a@example.com", true).to_string());
    let run = atlscim(&["check", &file], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, format!("{file}:1: POST /Users — valid\n"));
}

#[test]
fn check_an_invalid_request_exits_1_with_the_rule_status_and_advice() {
    let dir = scratch("check_invalid");
    let file = write(&dir, "invalid.json", &create("a@example.com", false).to_string());
    let run = atlscim(&["check", &file], None);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("{file}:1: POST /Users — INVALID, Atlassian would answer 400"));
    assert!(
        lines[1].starts_with("  error   ATL-U-003 at emails: exactly one email must be marked primary"),
        "{lines:?}"
    );
    assert!(lines[2].trim_start().starts_with("what to do: "), "{lines:?}");
}

#[test]
fn check_json_output_is_the_report() {
    let dir = scratch("check_json");
    let file = write(&dir, "invalid.json", &create("a@example.com", false).to_string());
    let run = atlscim(&["check", "--format", "json", &file], None);
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    assert_eq!(report["valid"], false);
    assert_eq!(report["status"], 400);
    assert_eq!(report["issues"][0]["rule"], "ATL-U-003");
    assert_eq!(report["issues"][0]["pointer"], "/emails");
    assert_eq!(report["source"], format!("{file}:1"));
    // The body as it should be sent is part of the report.
    assert_eq!(report["normalized"]["userName"], "a@example.com");
}

#[test]
fn check_an_envelope_spread_over_lines_is_one_request() {
    let dir = scratch("check_pretty");
    let pretty = serde_json::to_string_pretty(&create("a@example.com", true)).expect("JSON");
    let file = write(&dir, "pretty.json", &pretty);
    let run = atlscim(&["check", "--format", "json", &file], None);
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["valid"], true);
    // One file, one envelope: no source line number.
    assert!(report.get("source").is_none(), "{report}");
}

#[test]
fn check_ndjson_from_standard_input_is_one_batch_read_line_by_line() {
    // 1,000 users, each line its own request, a blank line skipped, and the 1,001st line repeating
    // the first userName: the batch rule sees across lines (ATL-U-007 on that line only).
    let mut input = String::new();
    for i in 0..1000 {
        input.push_str(&create(&format!("user{i}@example.com"), true).to_string());
        input.push('\n');
        if i == 10 {
            input.push('\n');
        }
    }
    input.push_str(&create("USER0@example.com", true).to_string());
    input.push('\n');
    let run = atlscim(&["check", "--format", "json", "-"], Some(&input));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let reports = run.json_lines();
    assert_eq!(reports.len(), 1001);
    assert_eq!(reports[0]["source"], "-:1");
    assert_eq!(reports[11]["source"], "-:13", "the blank line 12 is skipped, and counted");
    assert!(reports[..1000].iter().all(|r| r["valid"] == true));
    let last = &reports[1000];
    assert_eq!(last["source"], "-:1002");
    assert_eq!(last["status"], 409);
    assert_eq!(last["issues"][0]["rule"], "ATL-U-007");
}

#[test]
fn check_text_output_of_several_requests_ends_with_totals_by_rule() {
    let input = format!("{}\n{}\n", create("a@example.com", true), create("b@example.com", false));
    let run = atlscim(&["check", "-"], Some(&input));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with("-:1: POST /Users — valid\n-:2: POST /Users — INVALID"), "{}", run.stdout);
    assert!(run.stdout.contains("2 requests: 1 valid, 1 invalid\nissues by rule:\n  ATL-U-003 "), "{}", run.stdout);
}

#[test]
fn check_summary_only_prints_the_totals() {
    let input = format!("{}\n{}\n", create("a@example.com", true), create("b@example.com", false));
    let run = atlscim(&["check", "--summary-only", "--format", "json", "-"], Some(&input));
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.json(), json!({"requests": 2, "valid": 1, "invalid": 1, "byRule": {"ATL-U-003": 1}}));
    let run = atlscim(&["check", "--summary-only", "-"], Some(&input));
    assert!(run.stdout.starts_with("2 requests: 1 valid, 1 invalid\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("POST /Users"), "{}", run.stdout);
}

#[test]
fn check_summary_only_counts_as_the_full_output_does_whichever_way_a_line_is_read() {
    // Plain envelopes (checked in place by --summary-only) and others (a PATCH, `current`, the
    // body first, a body as text) in one batch, duplicates across both kinds.
    let user = |name: &str| create(name, true)["body"].to_string();
    let lines = [
        format!(r#"{{"method":"POST","path":"/Users","body":{}}}"#, user("a@example.com")),
        format!(r#"{{"body":{},"method":"POST","path":"/Users"}}"#, user("a@example.com")),
        format!(r#"{{"body":{},"method":"POST","path":"/Users"}}"#, user("b@example.com")),
        format!(r#"{{"method":"POST","path":"/Users","body":{}}}"#, user("b@example.com")),
        format!(r#"{{"method":"PUT","path":"/Users/1","body":{},"current":{}}}"#, user("c@example.com"), user("c@example.com")),
        format!(r#"{{"method":"POST","path":"/Users","body":{}}}"#, create("d@example.com", false)["body"]),
        r#"{"method":"POST","path":"/Users","body":"{\"userName\": 5}"}"#.to_string(),
        r#"{"method":"PATCH","path":"/Groups/g","body":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}}"#.to_string(),
    ];
    let input = lines.join("\n") + "\n";
    let full = atlscim(&["check", "-"], Some(&input));
    let summary = atlscim(&["check", "--summary-only", "-"], Some(&input));
    assert_eq!(summary.code, full.code, "{summary:?}");
    let totals = &full.stdout[full.stdout.find("8 requests:").expect("the totals")..];
    assert_eq!(summary.stdout, totals);
    assert!(totals.contains("ATL-U-007"), "the duplicates across both readings are found: {totals}");
}

#[test]
fn check_a_directory_checks_every_request_file_as_one_batch() {
    let dir = scratch("check_dir");
    write(&dir, "1.json", &create("a@example.com", true).to_string());
    write(&dir, "2.ndjson", &format!("{}\n", create("A@example.com", true)));
    write(&dir, "notes.txt", "not a request file");
    let run = atlscim(&["check", "--format", "json", &dir.to_string_lossy()], None);
    assert_eq!(run.code, 1, "{run:?}");
    let reports = run.json_lines();
    assert_eq!(reports.len(), 2, "{}", run.stdout);
    assert!(reports[0]["source"].as_str().is_some_and(|s| s.ends_with("1.json:1")), "{}", reports[0]);
    assert_eq!(reports[1]["issues"][0]["rule"], "ATL-U-007");
}

#[test]
fn check_a_body_given_as_text_is_sent_as_that_text() {
    let input = json!({"method": "POST", "path": "/Users", "body": "{\"userName\": \"a\",}"}).to_string();
    let run = atlscim(&["check", "--format", "json", "-"], Some(&input));
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.json()["issues"][0]["rule"], "RFC-J-001");
}

#[test]
fn check_verified_domains_from_the_command_line() {
    let input = create("a@other.example", true).to_string();
    let run = atlscim(&["check", "--format", "json", "--verified-domain", "example.com", "-"], Some(&input));
    let report = run.json();
    let rules: Vec<&str> =
        report["issues"].as_array().expect("issues").iter().filter_map(|i| i["rule"].as_str()).collect();
    assert!(rules.contains(&"ATL-U-018"), "an address outside the verified domain: {rules:?}");
    let run = atlscim(&["check", "--verified-domain", "not a domain", "-"], Some(&input));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with("atlscim: --verified-domain not a domain:"), "{}", run.stderr);
}

#[test]
fn check_bad_input_is_an_error_with_its_line() {
    let input = format!("{}\nnot an envelope\n", create("a@example.com", true));
    let run = atlscim(&["check", "-"], Some(&input));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with("atlscim: -:2:1: not a request envelope"), "{}", run.stderr);
    let run = atlscim(&["check", "-"], Some("\n\n"));
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stderr, "atlscim: -: no request envelope\n");
}

#[test]
fn check_missing_files_and_usage_errors_exit_2() {
    let dir = scratch("check_missing");
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    let run = atlscim(&["check", &missing], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with(&format!("atlscim: {missing}: ")), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let file = write(&dir, "valid.json", &create("a@example.com", true).to_string());
    let run = atlscim(&["check", "--config", &missing, &file], None);
    assert_eq!(run.code, 2, "{run:?}");
    let config = write(&dir, "config.json", r#"{"verified_domain": ["example.com"]}"#);
    let run = atlscim(&["check", "--config", &config, &file], None);
    assert_eq!(run.code, 2, "an unknown config key: {run:?}");
    assert!(run.stderr.contains("verified_domain"), "{}", run.stderr);
    let run = atlscim(&["check", "--format", "yaml", &file], None);
    assert_eq!(run.code, 2, "{run:?}");
    let run = atlscim(&["check"], None);
    assert_eq!(run.code, 2, "{run:?}");
}

// ---- patch ----

#[test]
fn patch_prints_the_patched_resource() {
    let dir = scratch("patch_applies");
    let resource = write(&dir, "user.json", &user().to_string());
    let patch = write(
        &dir,
        "patch.json",
        &patch_op(json!([{"op": "Replace", "path": "title", "value": "Tour Guide"}])).to_string(),
    );
    let run = atlscim(&["patch", &resource, &patch], None);
    assert_eq!(run.code, 0, "{run:?}");
    let mut want = user();
    want["title"] = json!("Tour Guide");
    assert_eq!(run.json(), want);
    // The resource may come from standard input.
    let run = atlscim(&["patch", "-", &patch], Some(&user().to_string()));
    assert_eq!((run.code, run.json()), (0, want));
}

#[test]
fn patch_refused_exits_1_with_the_rule() {
    let dir = scratch("patch_refused");
    let resource = write(&dir, "user.json", &user().to_string());
    let patch = write(&dir, "copy.json", &patch_op(json!([{"op": "copy", "path": "title", "value": "x"}])).to_string());
    let run = atlscim(&["patch", &resource, &patch], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.starts_with("atlscim: the PATCH cannot be applied: ATL-P-003 (400 invalidSyntax)"),
        "{}",
        run.stderr
    );
    // A group rename is refused (ATL-G-002) under --resource-type Group.
    let group = write(
        &dir,
        "group.json",
        r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g", "displayName": "Tour Guides"}"#,
    );
    let rename = write(
        &dir,
        "rename.json",
        &patch_op(json!([{"op": "replace", "path": "displayName", "value": "Guides"}])).to_string(),
    );
    let run = atlscim(&["patch", "--resource-type", "Group", &group, &rename], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("ATL-G-002"), "{}", run.stderr);
}

#[test]
fn patch_bad_input_and_missing_files_exit_2() {
    let dir = scratch("patch_bad");
    let resource = write(&dir, "user.json", &user().to_string());
    let broken = write(&dir, "broken.json", "{\"schemas\": [");
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    let run = atlscim(&["patch", &resource, &broken], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with(&format!("atlscim: {broken}: not JSON")), "{}", run.stderr);
    let run = atlscim(&["patch", &missing, &broken], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with(&format!("atlscim: {missing}: ")), "{}", run.stderr);
    let run = atlscim(&["patch", "--resource-type", "Role", &resource, &resource], None);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn output_into_a_closed_pipe_is_an_io_error_not_a_panic() {
    // A group with enough members that its pretty JSON overflows a pipe's buffer: writing it after
    // the reader has gone fails (EPIPE, as in `atlscim patch … | head -1`).
    let dir = scratch("patch_pipe");
    let members: Vec<Value> = (0..5000).map(|i| json!({"value": format!("member-{i:05}")})).collect();
    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g", "displayName": "G", "members": members});
    let resource = write(&dir, "group.json", &group.to_string());
    let patch = write(
        &dir,
        "patch.json",
        &patch_op(json!([{"op": "add", "path": "members", "value": [{"value": "new"}]}])).to_string(),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_atlscim"))
        .args(["patch", "--resource-type", "Group", &resource, &patch])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run atlscim");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("read stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("atlscim: "), "{stderr}");
}

// ---- diff ----

#[test]
fn diff_prints_a_patch_that_turns_current_into_desired() {
    let dir = scratch("diff_differs");
    let current = write(&dir, "current.json", &user().to_string());
    let mut desired = user();
    desired["title"] = json!("Tour Guide");
    desired["displayName"] = json!("Barbara Jensen");
    let desired_file = write(&dir, "desired.json", &desired.to_string());
    let run = atlscim(&["diff", &current, &desired_file], None);
    assert_eq!(run.code, 0, "{run:?}");
    // Whatever the PATCH looks like, applying it with `atlscim patch` gives the desired user.
    let patch = write(&dir, "diff.json", &run.stdout);
    let applied = atlscim(&["patch", &current, &patch], None);
    assert_eq!((applied.code, applied.json()), (0, desired));
}

#[test]
fn diff_of_equal_resources_prints_nothing() {
    let dir = scratch("diff_equal");
    let current = write(&dir, "current.json", &user().to_string());
    let run = atlscim(&["diff", &current, &current], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(run.stderr, "atlscim: no differences\n");
}

#[test]
fn diff_bad_input_and_missing_files_exit_2() {
    let dir = scratch("diff_bad");
    let current = write(&dir, "current.json", &user().to_string());
    let broken = write(&dir, "broken.json", "[1, 2");
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    for args in [["diff", &current, &broken], ["diff", &missing, &current], ["diff", &current, &missing]] {
        let run = atlscim(&args, None);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("atlscim: "), "{run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
    }
}

// ---- filter ----

#[test]
fn filter_prints_the_canonical_form_and_the_tree() {
    let run = atlscim(&["filter", r#"emails[type eq "work"].value eq "a@example.com""#], None);
    assert_eq!(run.code, 0, "{run:?}");
    let (canonical, tree) = run.stdout.split_once('\n').expect("two parts");
    // Entra ID's form, read as the value filter it means.
    assert_eq!(canonical, r#"emails[type eq "work" and value eq "a@example.com"]"#);
    let tree: Value = serde_json::from_str(tree).expect("the tree is JSON");
    assert_eq!(tree["op"], "valuePath");
    assert_eq!(tree["attr"], "emails");
    assert_eq!(tree["filter"]["op"], "and");
}

#[test]
fn filter_match_exits_0_on_a_match_and_1_otherwise() {
    let dir = scratch("filter_match");
    let resource = write(&dir, "user.json", &user().to_string());
    let run =
        atlscim(&["filter", r#"emails[type eq "work"].value eq "BJensen@example.com""#, "--match", &resource], None);
    assert_eq!((run.code, run.stdout.as_str()), (0, "true\n"), "{run:?}");
    let run = atlscim(&["filter", r#"userName eq "someone@example.com""#, "--match", &resource], None);
    assert_eq!((run.code, run.stdout.as_str()), (1, "false\n"), "{run:?}");
}

#[test]
fn filter_that_does_not_parse_exits_1_pointing_at_the_character() {
    let run = atlscim(&["filter", "userName eq bjensen"], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(lines[0].starts_with("atlscim: invalid filter at character 12"), "{lines:?}");
    assert_eq!(lines[1], "  userName eq bjensen");
    assert_eq!(lines[2], format!("  {}^", " ".repeat(12)));
}

#[test]
fn filter_strict_refuses_what_only_identity_providers_send() {
    let entra = r#"emails[type eq "work"].value eq "a@example.com""#;
    assert_eq!(atlscim(&["filter", entra], None).code, 0);
    let run = atlscim(&["filter", "--strict", entra], None);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.starts_with("atlscim: invalid filter"), "{}", run.stderr);
}

#[test]
fn filter_bad_input_and_missing_files_exit_2() {
    let dir = scratch("filter_bad");
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    let run = atlscim(&["filter", "userName pr", "--match", &missing], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.starts_with(&format!("atlscim: {missing}: ")), "{}", run.stderr);
    let broken = write(&dir, "broken.json", "{");
    let run = atlscim(&["filter", "userName pr", "--match", &broken], None);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
    assert_eq!(atlscim(&["filter"], None).code, 2);
}

#[test]
fn presets_lists_the_preset_table_and_prints_one_as_a_mapping() {
    let table = atlscim(&["presets", "--format", "json"], None);
    assert_eq!(table.code, 0, "{table:?}");
    let listed: Vec<Value> = table.json().as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = listed.iter().filter_map(|p| p["name"].as_str()).collect();
    let expected: Vec<&str> = atlscim_core::mapping::PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(names, expected);
    let text = atlscim(&["presets"], None);
    assert!(text.stdout.lines().count() == expected.len() && text.stdout.starts_with("entra "), "{text:?}");
    // One preset prints as the mapping JSON `--mapping FILE` takes, so it can start a custom one.
    let okta = atlscim(&["presets", "OKTA"], None);
    assert_eq!(okta.code, 0, "{okta:?}");
    let mapping = atlscim_core::mapping::Mapping::from_json(&okta.json()).expect("a mapping");
    assert_eq!(&mapping, atlscim_core::mapping::Mapping::preset("okta").expect("okta"));
    let unknown = atlscim(&["presets", "azure"], None);
    assert!(unknown.code == 2 && unknown.stderr.contains("expected one of entra, okta, generic"), "{unknown:?}");
}

#[test]
fn check_says_when_there_is_nothing_to_send_and_what_the_body_as_sent_gets() {
    // Okta's group-name refresh: every operation is a no-op.
    let run = atlscim(&["check", "../examples/requests/19-okta-group-name-refresh.json"], None);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("— valid, nothing to send (every operation was dropped)\n"), "{}", run.stdout);
    let run = atlscim(&["check", "--format", "json", "../examples/requests/19-okta-group-name-refresh.json"], None);
    assert_eq!((run.json()["normalized"].clone(), run.json()["sentStatus"].clone()), (Value::Null, Value::Null));
    // A create without schemas is valid once lenient mode adds them, but not as sent.
    let mut body = user();
    body.as_object_mut().expect("user").remove("schemas");
    let input = json!({"method": "POST", "path": "/Users", "body": body}).to_string();
    let run = atlscim(&["check", "-"], Some(&input));
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("— valid as normalized (the body as sent would get 400)\n"), "{}", run.stdout);
}

#[test]
fn check_says_once_that_the_domain_rules_are_off_without_verified_domains() {
    let input = format!("{}\n{}\n", create("a@example.com", true), create("b@example.com", true));
    let run = atlscim(&["check", "-"], Some(&input));
    let notice = "ATL-U-018 and ATL-U-019 are off";
    assert_eq!(run.stderr.matches(notice).count(), 1, "{}", run.stderr);
    let run = atlscim(&["check", "--verified-domain", "example.com", "-"], Some(&input));
    assert!(!run.stderr.contains(notice), "{}", run.stderr);
}
