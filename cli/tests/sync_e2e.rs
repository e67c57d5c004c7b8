//! End to end: `atlscim sync` against `atlscim serve` (in process) with 429s, 503s, added
//! latency and answers lost after the write was applied. Afterwards the directory is exported
//! and compared with the identity provider's export by a small comparator of its own (not with
//! `plan`): every IdP user once, with its userName, email, names and activation; every group
//! with its members. Every step of the state file has a successful outcome, the token is
//! nowhere in the output or the state, and planning again gives no step. Waits are scaled to
//! milliseconds (`--wait-scale`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use atlscim_server::{Server, ServerConfig};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-secret-token-1f3a";

fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-sync").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// An Entra ID export (Microsoft Graph shapes): users, then groups with their members.
fn entra_export(users: &[(String, String, String, String, bool)], groups: &[(String, String, Vec<String>)]) -> Value {
    let mut value: Vec<Value> = users
        .iter()
        .map(|(id, upn, given, family, enabled)| {
            json!({"id": id, "userPrincipalName": upn, "mail": upn, "givenName": given, "surname": family,
                   "accountEnabled": enabled})
        })
        .collect();
    for (id, name, members) in groups {
        let members: Vec<Value> =
            members.iter().map(|m| json!({"@odata.type": "#microsoft.graph.user", "id": m})).collect();
        value.push(json!({"@odata.type": "#microsoft.graph.group", "id": id, "displayName": name, "members": members}));
    }
    json!({"value": value})
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn atlscim(args: &[&str]) -> Out {
    let out =
        Command::new(env!("CARGO_BIN_EXE_atlscim")).args(args).env("E2E_TOKEN", TOKEN).output().expect("run atlscim");
    let o = Out {
        code: out.status.code().expect("exit status"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    assert!(!o.stdout.contains(TOKEN) && !o.stderr.contains(TOKEN), "the token was printed");
    o
}

fn sync(server: &Server, export: &Path, state: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "sync",
        "--url",
        server.directory_url(),
        "--token-env",
        "E2E_TOKEN",
        "--mapping",
        "entra",
        "--jitter-seed",
        "7",
        "--wait-scale",
        "0.001",
        "--timeout",
        "5",
        "--state",
        state.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    args.push(export.to_str().expect("path"));
    atlscim(&args)
}

/// The comparator: what Atlassian should hold after a sync of `users`/`groups`, checked against
/// the exported users and groups. Users gone from the IdP (`gone`) must be inactive.
fn assert_converged(
    server: &Server,
    users: &[(String, String, String, String, bool)],
    groups: &[(String, String, Vec<String>)],
    gone: &[String],
) {
    server.consistency().expect("the server's indexes match its records");
    let exported = server.users();
    let mut by_ext: BTreeMap<String, &Value> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for u in &exported {
        let ext = u["externalId"].as_str().unwrap_or_default().to_string();
        assert!(by_ext.insert(ext.clone(), u).is_none(), "externalId {ext} twice");
        assert!(names.insert(u["userName"].as_str().unwrap_or_default().to_lowercase()), "userName twice: {u}");
    }
    for (id, upn, given, family, enabled) in users {
        let u = by_ext.get(id).unwrap_or_else(|| panic!("user {id} ({upn}) is missing"));
        assert_eq!(u["userName"], json!(upn), "{u}");
        let primary =
            u["emails"].as_array().and_then(|e| e.iter().find(|x| x["primary"] == json!(true))).expect("primary email");
        assert!(primary["value"].as_str().is_some_and(|v| v.eq_ignore_ascii_case(upn)), "{u}");
        assert_eq!(u["name"]["givenName"], json!(given), "{u}");
        assert_eq!(u["name"]["familyName"], json!(family), "{u}");
        assert_eq!(u["displayName"], json!(format!("{given} {family}")), "{u}");
        assert_eq!(u["active"], json!(enabled), "{u}");
    }
    for id in gone {
        let u = by_ext.get(id).unwrap_or_else(|| panic!("gone user {id} was removed, not deactivated"));
        assert_eq!(u["active"], json!(false), "gone user {id} is still active");
    }
    assert_eq!(exported.len(), users.len() + gone.len(), "users no IdP record accounts for");
    let id_of: BTreeMap<String, String> = exported
        .iter()
        .map(|u| {
            (u["id"].as_str().unwrap_or_default().to_string(), u["externalId"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let exported_groups = server.groups();
    assert_eq!(exported_groups.len(), groups.len(), "{exported_groups:?}");
    for (gid, name, members) in groups {
        let g = exported_groups
            .iter()
            .find(|g| g["externalId"] == json!(gid))
            .unwrap_or_else(|| panic!("group {name} missing"));
        assert_eq!(g["displayName"], json!(name));
        let got: BTreeSet<String> = g["members"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|m| m["value"].as_str().and_then(|v| id_of.get(v)).cloned())
            .collect();
        let want: BTreeSet<String> = members.iter().cloned().collect();
        assert_eq!(got, want, "members of {name}");
    }
}

/// Every step of the state file has a successful outcome; returns the outcome counts.
fn outcomes(state: &Path) -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(state).expect("state file");
    assert!(!text.contains(TOKEN), "the token is in the state file");
    let doc: Value = serde_json::from_str(&text).expect("state JSON");
    let mut counts = BTreeMap::new();
    for s in doc["state"]["steps"].as_array().expect("steps") {
        let o = s["outcome"].as_str().expect("outcome").to_string();
        assert!(matches!(o.as_str(), "applied" | "adopted"), "step without a successful outcome: {s}");
        assert_eq!(s["inFlight"], json!(false));
        *counts.entry(o).or_insert(0) += 1;
    }
    counts
}

fn export_file(server: &Server, path: &Path) {
    let mut text = String::new();
    for r in server.users().into_iter().chain(server.groups()) {
        text.push_str(&r.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).expect("write export");
}

#[test]
fn sync_converges_under_faults_and_a_second_run_sends_nothing() {
    let dir = scratch("converges");
    let server =
        Server::start(ServerConfig { token: Some(TOKEN.into()), id_seed: Some(15), ..ServerConfig::default() })
            .expect("server");
    let mut users: Vec<(String, String, String, String, bool)> = (0..30)
        .map(|i| {
            (format!("aad-{i:03}"), format!("user{i}@contoso.com"), format!("Given{i}"), format!("Family{i}"), true)
        })
        .collect();
    let member_ids = |users: &[(String, String, String, String, bool)], m: usize| -> Vec<String> {
        users.iter().enumerate().filter(|(i, _)| i % m == 0).map(|(_, u)| u.0.clone()).collect()
    };
    let mut groups = vec![
        ("grp-eng".to_string(), "Engineering".to_string(), member_ids(&users, 2)),
        ("grp-ops".to_string(), "Operations".to_string(), member_ids(&users, 3)),
        ("grp-all".to_string(), "Everyone".to_string(), member_ids(&users, 1)),
    ];
    let export = dir.join("entra.json");
    let state = dir.join("state.json");
    std::fs::write(&export, entra_export(&users, &groups).to_string()).expect("write");
    // 429s at the start, 503s, latency on every answer, and two creates and a PATCH whose
    // answers are lost after the write was applied.
    server
        .set_faults("429=1,times=2;503,times=2,after=6;lost,method=POST,path=/Users,after=3,times=2;lost,method=PATCH,times=1;latency=2")
        .expect("faults");
    let first = sync(&server, &export, &state, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let counts = outcomes(&state);
    assert!(counts.get("adopted").copied().unwrap_or(0) >= 1, "a lost create is adopted: {counts:?}");
    assert_converged(&server, &users, &groups, &[]);

    // An hour later: a rename, a disabled account, one gone, memberships changed, a group renamed.
    users[4].1 = "renamed4@contoso.com".into();
    users[5].4 = false;
    let gone = users.remove(7).0;
    groups[0].2 = member_ids(&users, 5);
    groups[1].1 = "Operations EMEA".into();
    groups[1].2 = member_ids(&users, 3);
    groups[2].2 = member_ids(&users, 1);
    std::fs::write(&export, entra_export(&users, &groups).to_string()).expect("write");
    server
        .set_faults(
            "503,times=1,after=2;lost,method=PATCH,times=1,after=1;lost,method=POST,path=/Groups,times=1;latency=1",
        )
        .expect("faults");
    let second = sync(&server, &export, &state, &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    outcomes(&state);
    assert_converged(&server, &users, &groups, std::slice::from_ref(&gone));

    // Planning again against a fresh export: nothing to do; a third run sends no write.
    server.set_faults("").expect("no faults");
    let current = dir.join("current.ndjson");
    export_file(&server, &current);
    let plan = atlscim(&[
        "plan",
        "--mapping",
        "entra",
        "--current",
        current.to_str().expect("p"),
        "--format",
        "json",
        export.to_str().expect("p"),
    ]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let p: Value = serde_json::from_str(&plan.stdout).expect("plan JSON");
    assert_eq!(p["steps"], json!([]), "{}", plan.stdout);
    let writes_before = server.requests().iter().filter(|r| r["method"] != "GET").count();
    let third = sync(&server, &export, &state, &[]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert!(third.stdout.contains("sync: 0 steps"), "{}", third.stdout);
    let writes_after = server.requests().iter().filter(|r| r["method"] != "GET").count();
    assert_eq!(writes_before, writes_after, "a converged directory got writes");
    server.stop();
}

#[test]
fn guard_rails_and_dry_run_send_nothing() {
    let dir = scratch("guard");
    let server =
        Server::start(ServerConfig { token: Some(TOKEN.into()), id_seed: Some(16), ..ServerConfig::default() })
            .expect("server");
    let users: Vec<(String, String, String, String, bool)> =
        (0..20).map(|i| (format!("aad-{i}"), format!("u{i}@contoso.com"), "G".into(), format!("F{i}"), true)).collect();
    let export = dir.join("entra.json");
    let state = dir.join("state.json");
    std::fs::write(&export, entra_export(&users, &[]).to_string()).expect("write");
    assert_eq!(sync(&server, &export, &state, &[]).code, 0);
    // A listing cut to 15 of 20 users: 25 % deactivations, refused, nothing sent.
    std::fs::write(&export, entra_export(&users[..15], &[]).to_string()).expect("write");
    let writes = |s: &Server| s.requests().iter().filter(|r| r["method"] != "GET").count();
    let before = writes(&server);
    let refused = sync(&server, &export, &dir.join("state2.json"), &[]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stdout.contains("REFUSED by the guard rails (removal_share)"), "{}", refused.stdout);
    let dry = sync(&server, &export, &dir.join("state3.json"), &["--dry-run", "--allow-removals"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.contains("deactivate_user"), "{}", dry.stdout);
    assert_eq!(writes(&server), before, "a refused plan or a dry run sent a write");
    // Allowed: five deactivations, no deletes.
    let allowed = sync(&server, &export, &dir.join("state4.json"), &["--allow-removals"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert_eq!(server.users().iter().filter(|u| u["active"] == json!(false)).count(), 5);
    assert_eq!(server.users().len(), 20);
    // A saved plan runs after a drift check; once the directory changed under it, it is refused.
    let saved = dir.join("plan.json");
    let current = dir.join("current.ndjson");
    export_file(&server, &current);
    std::fs::write(&export, entra_export(&users[..14], &[]).to_string()).expect("write");
    let planned = atlscim(&[
        "plan",
        "--mapping",
        "entra",
        "--current",
        current.to_str().expect("p"),
        "--output",
        saved.to_str().expect("p"),
        export.to_str().expect("p"),
    ]);
    assert_eq!(planned.code, 0, "{}{}", planned.stdout, planned.stderr);
    let run_saved = |s: &Server| {
        atlscim(&["sync", "--url", s.directory_url(), "--token-env", "E2E_TOKEN", "--plan", saved.to_str().expect("p")])
    };
    let before = writes(&server);
    // Someone deletes the user the plan deactivates.
    let victim = server.users().into_iter().find(|u| u["externalId"] == json!("aad-14")).expect("user");
    let id = victim["id"].as_str().expect("id").to_string();
    let agent = ureq::Agent::new_with_defaults();
    let status = agent
        .delete(format!("{}/Users/{id}", server.directory_url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .call()
        .map(|r| r.status().as_u16())
        .expect("delete");
    assert_eq!(status, 204);
    let drifted = run_saved(&server);
    assert_eq!(drifted.code, 1, "{}{}", drifted.stdout, drifted.stderr);
    assert!(drifted.stdout.contains(&format!("user {id} is gone")), "{}", drifted.stdout);
    assert_eq!(writes(&server), before + 1, "only the outside delete was written");
    // Plain http to a non-loopback host is refused before anything is read.
    let far = atlscim(&[
        "sync",
        "--url",
        "http://example.com/scim",
        "--token-env",
        "E2E_TOKEN",
        "--mapping",
        "entra",
        export.to_str().expect("p"),
    ]);
    assert_eq!(far.code, 2);
    assert!(far.stderr.contains("only to a loopback address"), "{}", far.stderr);
    // A wrong token stops at once.
    let bad = Command::new(env!("CARGO_BIN_EXE_atlscim"))
        .args([
            "sync",
            "--url",
            server.directory_url(),
            "--token-env",
            "E2E_BAD",
            "--mapping",
            "entra",
            export.to_str().expect("p"),
        ])
        .env("E2E_BAD", "wrong")
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));
    server.stop();
}

/// examples/sync/run.sh syncs its Entra export into a served directory in one command (a 429 and
/// a lost create on the way), and the second run finds nothing to do.
#[test]
fn the_example_syncs_in_one_command() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("bash")
        .arg(root.join("examples/sync/run.sh"))
        .env("ATLSCIM", env!("CARGO_BIN_EXE_atlscim"))
        .output()
        .expect("run the example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("sync: 8 steps: 1 adopted, 7 applied"), "{stdout}");
    assert!(stdout.contains("nested_group_flattened [MAP-004]"), "{stdout}");
    assert!(stdout.contains("sync: 0 steps"), "{stdout}");
}

#[test]
fn plan_reads_an_ndjson_export_as_the_same_export_in_one_document() {
    let dir = scratch("plan-ndjson");
    let users: Vec<(String, String, String, String, bool)> = (0..6)
        .map(|i| (format!("e{i}"), format!("user{i}@contoso.com"), "Ada".into(), format!("L{i}"), i != 3))
        .collect();
    let groups = vec![("g0".to_string(), "Engineering".to_string(), vec!["e0".to_string(), "e1".to_string()])];
    let export = dir.join("entra.json");
    std::fs::write(&export, entra_export(&users, &groups).to_string()).expect("write");
    // Atlassian's side: some users as provisioned, one renamed, one unknown, a group with a member
    // the identity provider does not have.
    let current_users: Vec<Value> = (0..5)
        .map(|i| {
            let name = if i == 2 { "old2@contoso.com".to_string() } else { format!("user{i}@contoso.com") };
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": format!("u{i}"), "externalId": format!("e{i}"),
                   "userName": name, "displayName": format!("Ada L{i}"), "name": {"givenName": "Ada", "familyName": format!("L{i}")},
                   "emails": [{"value": name, "type": "work", "primary": true}], "active": true,
                   "meta": {"resourceType": "User"}})
        })
        .chain([json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u9", "userName": "x@contoso.com", "active": true})])
        .collect();
    let current_groups = vec![
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "G0", "externalId": "g0",
        "displayName": "Engineering", "members": [{"value": "u0"}, {"value": "u9"}], "meta": {"resourceType": "Group"}}),
    ];
    let ndjson = dir.join("current.ndjson");
    let lines: Vec<String> = current_users.iter().chain(&current_groups).map(Value::to_string).collect();
    std::fs::write(&ndjson, lines.join("\n") + "\n").expect("write");
    let document = dir.join("current.json");
    std::fs::write(&document, json!({"Users": current_users, "Groups": current_groups}).to_string()).expect("write");
    let plan = |current: &Path| {
        let out = atlscim(&[
            "plan",
            "--mapping",
            "entra",
            "--current",
            current.to_str().expect("p"),
            "--format",
            "json",
            "--allow-removals",
            export.to_str().expect("p"),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let (from_lines, from_document) = (plan(&ndjson), plan(&document));
    assert_eq!(from_lines, from_document);
    let p: Value = serde_json::from_str(&from_lines).expect("plan JSON");
    assert_eq!(p["summary"]["matchedUsers"], json!(5), "{from_lines}");
    assert!(p["steps"].as_array().is_some_and(|s| !s.is_empty()), "{from_lines}");
    // A broken line is named as before.
    std::fs::write(&ndjson, format!("{}\n{{nope\n", lines[0])).expect("write");
    let out =
        atlscim(&["plan", "--mapping", "entra", "--current", ndjson.to_str().expect("p"), export.to_str().expect("p")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("current.ndjson: input: line 2: not JSON"), "{}", out.stderr);
}
