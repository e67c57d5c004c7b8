//! Recursion ceilings through the command line, on a 1 MiB main stack (`ulimit -s 1024`): with
//! the filter limits raised to their ceilings, a GET filter and a PATCH path value filter one
//! level past the ceiling get a located RFC-F-001 / RFC-P-002 and exit 1, never an abort; at the
//! ceiling, and for a 50,000-term chain, they are checked and applied; a config over a ceiling is
//! a usage error naming the key and the ceiling.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// Runs atlscim with a 1 MiB stack limit, which becomes the main thread's stack.
fn atlscim_on_small_stack(args: &[&str]) -> (i32, String, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -s 1024 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_atlscim"))
        .args(args)
        .output()
        .expect("run sh");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let Some(code) = out.status.code() else {
        panic!("atlscim died by a signal: {:?}\n{}", out.status, text(&out.stderr));
    };
    (code, text(&out.stdout), text(&out.stderr))
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("atlscim-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Dir(dir)
    }

    fn file(&self, name: &str, value: &Value) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, value.to_string()).expect("write");
        path.to_str().expect("UTF-8 path").to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn deepest_filter(depth: usize) -> String {
    let mut f = r#"emails[type eq "work" and value pr or primary eq true]"#.to_string();
    for _ in 1..depth {
        f = format!("not ({f} and a pr or b pr)");
    }
    f
}

fn member_path(depth: usize) -> String {
    format!("members[{}value eq \"u1\"{}]", "(".repeat(depth - 1), ")".repeat(depth - 1))
}

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "staff",
           "members": [{"value": "u1"}, {"value": "u2"}]})
}

fn remove(path: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove", "path": path}]})
}

fn patch_envelope(path: &str) -> Value {
    json!({"method": "PATCH", "path": "/Groups/g1", "body": remove(path), "current": group()})
}

fn raised(dir: &Dir) -> String {
    dir.file(
        "config.json",
        &json!({"profile": "rfc", "limits": {"max_filter_depth": 64, "max_filter_terms": 1_000_000, "max_filter_length": 100_000_000, "max_string_bytes": 100_000_000}}),
    )
}

fn check(config: &str, envelope: &str) -> (i32, String, String) {
    atlscim_on_small_stack(&["check", "--config", config, envelope])
}

#[test]
fn filters_past_the_ceiling_are_located_issues_not_aborts() {
    let dir = Dir::new("recursion-filters");
    let config = raised(&dir);
    let get = |f: &str| json!({"method": "GET", "path": format!("/Users?filter={f}")});

    let (code, out, err) = check(&config, &dir.file("get64.json", &get(&deepest_filter(64))));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = check(&config, &dir.file("get65.json", &get(&deepest_filter(65))));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("error   RFC-F-001 at filter [invalidFilter]") && out.contains("limits.max_filter_depth"),
        "{out}"
    );

    let (code, out, err) = check(&config, &dir.file("patch64.json", &patch_envelope(&member_path(64))));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = check(&config, &dir.file("patch65.json", &patch_envelope(&member_path(65))));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error   RFC-P-002 at Operations[0].path [invalidPath]"), "{out}");

    // `atlscim patch` applies the value filter at the ceiling, and refuses one past it.
    let resource = dir.file("group.json", &group());
    let at = dir.file("remove64.json", &remove(&member_path(64)));
    let (code, out, err) =
        atlscim_on_small_stack(&["patch", "--config", &config, "--resource-type", "group", &resource, &at]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).expect("JSON")["members"], json!([{"value": "u2"}]));
    let past = dir.file("remove65.json", &remove(&member_path(65)));
    let (code, _, err) =
        atlscim_on_small_stack(&["patch", "--config", &config, "--resource-type", "group", &resource, &past]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("RFC-P-002"), "{err}");
}

#[test]
fn long_chains_are_checked_and_applied() {
    let dir = Dir::new("recursion-chains");
    let config = raised(&dir);
    let chain = (0..50_000).map(|i| format!("value eq \"u{i}\"")).collect::<Vec<_>>().join(" or ");
    let get = json!({"method": "GET", "path": format!("/Users?filter={}", chain.replace("value", "userName"))});
    let (code, out, err) = check(&config, &dir.file("get.json", &get));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = check(&config, &dir.file("patch.json", &patch_envelope(&format!("members[{chain}]"))));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = atlscim_on_small_stack(&["filter", "a pr or b pr and c pr"]);
    assert_eq!((code, out.lines().next()), (0, Some("a pr or b pr and c pr")), "{err}");
}

#[test]
fn a_config_over_a_ceiling_is_a_usage_error() {
    let dir = Dir::new("recursion-config");
    for (limits, says) in [
        (
            json!({"max_filter_depth": 1000}),
            "config key `limits.max_filter_depth`: must be at most 64 (the ceiling), got 1000",
        ),
        (json!({"max_depth": 101}), "config key `limits.max_depth`: must be at most 100 (the ceiling), got 101"),
    ] {
        let config = dir.file("config.json", &json!({"limits": limits}));
        let envelope = dir.file("get.json", &json!({"method": "GET", "path": "/Users"}));
        let (code, _, err) = check(&config, &envelope);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(Path::new(&dir.0).exists());
}
