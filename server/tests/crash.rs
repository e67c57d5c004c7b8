//! Crash safety with --db: the server is killed (SIGKILL) in the middle of a write burst,
//! restarted on the same file, and every write it answered 2xx is there, with the directory's
//! indexes matching its records. The server runs in a child process: this test binary (no
//! libtest harness) re-runs itself as the child when ATLSCIM_CRASH_DB is set.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use atlscim_server::{Server, ServerConfig};
use serde_json::{Value, json};

fn main() {
    match (std::env::var("ATLSCIM_CRASH_DB"), std::env::var("ATLSCIM_CRASH_OUT")) {
        (Ok(db), Ok(out)) => crash_child(&db, &out),
        _ => {
            crash_keeps_every_acknowledged_write();
            println!("test crash_keeps_every_acknowledged_write ... ok");
        }
    }
}

/// The child: serves with --db until it is killed, writing its URL to a file.
fn crash_child(db: &str, out: &str) {
    let config = ServerConfig::from_json(&json!({"db": db, "token": "t"})).expect("config");
    let server = Server::start(config).expect("start");
    let tmp = format!("{out}.tmp");
    std::fs::write(&tmp, format!("{}\n{}\n", server.url(), server.directory_url())).expect("write url");
    std::fs::rename(&tmp, out).expect("publish url");
    loop {
        std::thread::sleep(Duration::from_secs(60));
    }
}

// The child is returned to the caller, which kills and waits for it.
#[allow(clippy::zombie_processes)]
fn spawn_child(db: &Path, out: &Path) -> (Child, String, String) {
    let _ = std::fs::remove_file(out);
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .env("ATLSCIM_CRASH_DB", db)
        .env("ATLSCIM_CRASH_OUT", out)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn the child server");
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(out) {
            let mut lines = text.lines();
            let root = lines.next().expect("url").to_string();
            let dir = lines.next().expect("directory url").to_string();
            return (child, root, dir);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child server did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One request; `None` when the connection failed or closed without an answer.
fn request(root: &str, method: &str, path: &str, body: Option<&Value>) -> Option<(u16, Value)> {
    let addr = root.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

fn user(name: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
           "emails": [{"value": name, "type": "work", "primary": true}]})
}

fn crash_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, out): (PathBuf, PathBuf) = (dir.path().join("d.sqlite"), dir.path().join("url"));
    let (mut child, root, base) = spawn_child(&db, &out);
    let prefix = base.trim_start_matches(&root).to_string();
    let (status, group) = request(
        &root,
        "POST",
        &format!("{prefix}/Groups"),
        Some(&json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "burst"})),
    )
    .expect("group");
    assert_eq!(status, 201);
    let gid = group["id"].as_str().expect("group id").to_string();

    // Four writers create users and add each to the group, recording what was acknowledged,
    // until the server dies under them.
    let acknowledged: Mutex<Vec<(String, String)>> = Mutex::default();
    let members: Mutex<Vec<String>> = Mutex::default();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for w in 0..4 {
            let (root, prefix, gid, acknowledged, members, stop) =
                (&root, &prefix, &gid, &acknowledged, &members, &stop);
            scope.spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let name = format!("w{w}-u{i}@example.com");
                    let Some((201, body)) = request(root, "POST", &format!("{prefix}/Users"), Some(&user(&name)))
                    else {
                        break;
                    };
                    let id = body["id"].as_str().unwrap_or_default().to_string();
                    acknowledged.lock().expect("lock").push((id.clone(), name));
                    let add = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                     "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]});
                    let Some((200, _)) = request(root, "PATCH", &format!("{prefix}/Groups/{gid}"), Some(&add)) else {
                        break;
                    };
                    members.lock().expect("lock").push(id);
                }
            });
        }
        // Let the burst run, then kill the server mid-write.
        let started = Instant::now();
        while acknowledged.lock().expect("lock").len() < 200 && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().expect("SIGKILL the server");
        let _ = child.wait();
        stop.store(true, Ordering::SeqCst);
    });
    let acknowledged = acknowledged.into_inner().expect("lock");
    let members = members.into_inner().expect("lock");
    assert!(acknowledged.len() >= 20, "the burst barely ran: {} writes", acknowledged.len());

    // Restart on the same file: every acknowledged write is there, and the state is consistent.
    let (mut child, root, base) = spawn_child(&db, &out);
    let prefix = base.trim_start_matches(&root).to_string();
    for (id, name) in &acknowledged {
        let (status, body) = request(&root, "GET", &format!("{prefix}/Users/{id}"), None).expect("answer");
        assert_eq!((status, body["userName"].as_str()), (200, Some(name.as_str())), "user {name} was acknowledged");
    }
    let (_, group) = request(&root, "GET", &format!("{prefix}/Groups/{gid}"), None).expect("group");
    let held: Vec<&str> =
        group["members"].as_array().expect("members").iter().filter_map(|m| m["value"].as_str()).collect();
    for m in &members {
        assert!(held.contains(&m.as_str()), "member {m} was acknowledged");
    }
    let (status, state) = request(&root, "GET", "/admin/state", None).expect("state");
    assert_eq!((status, state["consistency"].as_str()), (200, Some("ok")));
    // Nothing unacknowledged beyond the one write per writer that may have been in flight.
    let users = state["users"].as_array().map_or(0, Vec::len);
    assert!(
        users >= acknowledged.len() && users <= acknowledged.len() + 4,
        "{users} users for {} acknowledged",
        acknowledged.len()
    );
    println!(
        "crash test: {} users and {} memberships acknowledged before SIGKILL, all present after restart",
        acknowledged.len(),
        members.len()
    );
    child.kill().expect("stop");
    let _ = child.wait();
}
