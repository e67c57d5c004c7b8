//! `atlscim serve` over real sockets: auth, routes, Atlassian's answer shapes, concurrency,
//! limits and bad input, faults, the admin surface, and --db persistence. The client is a few
//! lines of std TCP so that malformed and slow requests can be sent as they are.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use atlscim_server::{Limits, Server, ServerConfig};
use serde_json::{Value, json};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends raw bytes and reads the answer to the end (`Connection: close`); `None` when the server
/// closed the connection without answering.
fn raw(server: &Server, bytes: &[u8]) -> Option<Reply> {
    let addr = server.url().trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    s.write_all(bytes).ok()?;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let body = serde_json::from_str(body).unwrap_or(Value::String(body.to_string()));
    Some(Reply { status, headers, body })
}

fn send(server: &Server, method: &str, path: &str, body: Option<&Value>) -> Reply {
    send_as(server, method, path, body, Some(server.token()))
}

fn send_as(server: &Server, method: &str, path: &str, body: Option<&Value>, token: Option<&str>) -> Reply {
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let path = if path.starts_with("/admin") { path.to_string() } else { format!("{}{path}", dir_path(server)) };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw(server, request.as_bytes()).expect("an answer")
}

fn dir_path(server: &Server) -> String {
    server.directory_url().trim_start_matches(server.url()).to_string()
}

fn user(name: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
           "emails": [{"value": name, "type": "work", "primary": true}]})
}

fn start(config: Value) -> Server {
    Server::start(ServerConfig::from_json(&config).expect("config")).expect("start")
}

#[test]
fn auth_routes_and_shapes() {
    let s = start(json!({"token": "s3cret"}));
    assert_eq!(s.token(), "s3cret");
    let r = send_as(&s, "GET", "/Users", None, None);
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"], "Missing authorization header");
    assert!(r.body["traceId"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(r.body.get("schemas").is_none(), "401 is a Failure body, not a SCIM Error");
    assert_eq!(send_as(&s, "GET", "/Users", None, Some("wrong")).status, 401);
    let r = send(&s, "GET", "/../../scim/directory/other/Users", None);
    assert_eq!(r.status, 404);
    let r = raw(&s, b"GET /scim/directory/other/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nConnection: close\r\n\r\n").expect("answer");
    assert_eq!((r.status, r.body["status"].as_str()), (404, Some("404")), "an unknown directory id is 404");
    let r = raw(&s, b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("answer");
    assert_eq!(r.status, 404);
    let r = send(&s, "POST", "/Users", Some(&user("a@example.com")));
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().expect("id").to_string();
    assert_eq!(r.header("Location"), r.body["meta"]["location"].as_str());
    assert!(r.body["meta"]["location"].as_str().is_some_and(|l| l.starts_with(s.directory_url())));
    assert_eq!(send(&s, "GET", &format!("/Users/{id}"), None).body["userName"], "a@example.com");
    assert_eq!(send(&s, "DELETE", &format!("/Users/{id}"), None).status, 204);
    assert_eq!(send(&s, "GET", &format!("/Users/{id}"), None).status, 404);
    let spc = send(&s, "GET", "/ServiceProviderConfig", None);
    assert_eq!(spc.body["bulk"]["supported"], false);
    assert!(spc.header("content-type").is_some_and(|c| c.starts_with("application/scim+json")));
    let log = s.requests();
    assert!(log.iter().any(|e| e["method"] == "DELETE" && e["status"] == 204));
}

#[test]
fn concurrent_writes_are_serialized() {
    let s = start(json!({}));
    // Sixteen POSTs of the same userName at once: exactly one 201.
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|_| scope.spawn(|| send(&s, "POST", "/Users", Some(&user("same@example.com"))).status))
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert_eq!(statuses.iter().filter(|&&x| x == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&x| x == 409).count(), 15, "{statuses:?}");
    // Twenty member adds to one group at once: none lost.
    let ids: Vec<String> = (0..20)
        .map(|i| {
            send(&s, "POST", "/Users", Some(&user(&format!("u{i}@example.com")))).body["id"]
                .as_str()
                .expect("id")
                .to_string()
        })
        .collect();
    let g = send(
        &s,
        "POST",
        "/Groups",
        Some(&json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "eng"})),
    );
    let gid = g.body["id"].as_str().expect("group id").to_string();
    std::thread::scope(|scope| {
        for id in &ids {
            let (s, gid) = (&s, &gid);
            scope.spawn(move || {
                let p = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                               "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]});
                assert_eq!(send(s, "PATCH", &format!("/Groups/{gid}"), Some(&p)).status, 200);
            });
        }
    });
    let members = send(&s, "GET", &format!("/Groups/{gid}"), None).body["members"].as_array().map(Vec::len);
    assert_eq!(members, Some(20));
    s.consistency().expect("consistent");
}

#[test]
fn bad_input_gets_atlassians_shapes_and_the_server_keeps_serving() {
    let mut config = ServerConfig::from_json(&json!({"token": "t", "config": {"limits": {"max_body_bytes": 4096}}}))
        .expect("config");
    config.limits = Limits { header_timeout: Duration::from_millis(300), max_header_bytes: 8192, ..config.limits };
    let s = Server::start(config).expect("start");
    let dir = dir_path(&s);
    let post = |body: &str, ct: &str| {
        let req = format!(
            "POST {dir}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        raw(&s, req.as_bytes()).expect("answer")
    };
    let r = post("{\"userName\": ", "application/json");
    assert_eq!(
        (r.status, r.body["scimType"].as_str(), r.body["status"].as_str()),
        (400, Some("invalidSyntax"), Some("400"))
    );
    assert_eq!(post(&user("a@example.com").to_string(), "text/plain").status, 415);
    let deep = format!("{{\"userName\": {}{}}}", "[".repeat(200), "]".repeat(200));
    assert_eq!(post(&deep, "application/json").status, 400);
    let huge = format!("{{\"userName\": \"{}\"}}", "x".repeat(10_000));
    let r = post(&huge, "application/json");
    assert_eq!((r.status, r.body["status"].as_str()), (413, Some("413")), "{}", r.body);
    // Chunked bodies are held to the same limit.
    let chunk = "y".repeat(5000);
    let req = format!(
        "POST {dir}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    assert_eq!(raw(&s, req.as_bytes()).expect("answer").status, 413);
    let hostile = format!("/Users?filter={}", "(".repeat(500) + "userName eq \"a\"" + &")".repeat(500));
    let r = send_as(&s, "GET", &hostile.replace(' ', "%20").replace('"', "%22"), None, Some("t"));
    assert_eq!((r.status, r.body["scimType"].as_str()), (400, Some("invalidFilter")));
    let r = raw(
        &s,
        format!(
            "GET {dir}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nX-Big: {}\r\n\r\n",
            "z".repeat(20_000)
        )
        .as_bytes(),
    );
    assert!(r.is_none_or(|r| r.status == 431 || r.status == 400), "oversized headers are refused");
    // A slow client that never finishes its head is cut off.
    let addr = s.url().trim_start_matches("http://").to_string();
    let mut slow = TcpStream::connect(&addr).expect("connect");
    slow.write_all(b"GET /admin/state HTTP/1.1\r\nHost: x\r\n").expect("partial head");
    slow.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut buf = Vec::new();
    let started = std::time::Instant::now();
    let _ = slow.read_to_end(&mut buf);
    assert!(started.elapsed() < Duration::from_secs(4), "the slow client was not cut off");
    // Garbage is not HTTP: 400 from the parser.
    let r = raw(&s, b"\x00\x01garbage\r\n\r\n");
    assert!(r.is_none_or(|r| r.status == 400));
    // And the server still serves.
    assert_eq!(post(&user("ok@example.com").to_string(), "application/scim+json").status, 201);
}

#[test]
fn faults_on_demand() {
    let s = start(json!({"faults": "429=2,times=1,method=GET"}));
    let r = send(&s, "GET", "/Users", None);
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), Some("2"));
    assert!(r.header("X-RateLimit-Reset").is_some_and(|t| t.ends_with('Z') && t.contains('T')));
    assert_eq!(send(&s, "GET", "/Users", None).status, 200, "times=1");
    s.set_faults("429=30,retry-after=date").expect("faults");
    let r = send(&s, "GET", "/Users", None);
    assert!(r.header("Retry-After").is_some_and(|d| d.ends_with("GMT")), "{:?}", r.header("Retry-After"));
    s.set_faults("503,times=1;500,after=1,times=1").expect("faults");
    assert_eq!(send(&s, "GET", "/Users", None).status, 503);
    assert_eq!(send(&s, "GET", "/Users", None).status, 500);
    assert_eq!(send(&s, "GET", "/Users", None).status, 200);
    s.set_faults("expired=403,times=1;expired,times=1,after=1").expect("faults");
    let r = send(&s, "GET", "/Users", None);
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("You are not authorized to call the API")));
    assert_eq!(send(&s, "GET", "/Users", None).status, 401);
    s.set_faults("latency=150").expect("faults");
    let started = std::time::Instant::now();
    assert_eq!(send(&s, "GET", "/Users", None).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    // The answer to a create is lost, the user is there, and the retry meets the 409.
    s.set_faults("lost,method=POST,times=1").expect("faults");
    let body = user("lost@example.com").to_string();
    let req = format!(
        "POST {}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        dir_path(&s),
        s.token(),
        body.len()
    );
    assert!(raw(&s, req.as_bytes()).is_none(), "the answer should be lost");
    assert_eq!(s.users().len(), 1, "the write was applied");
    assert_eq!(send(&s, "POST", "/Users", Some(&user("lost@example.com"))).status, 409);
    assert!(s.requests().iter().any(|e| e["lost"] == true));
}

#[test]
fn admin_surface() {
    let s = start(json!({}));
    send(&s, "POST", "/Users", Some(&user("a@example.com")));
    let state = send(&s, "GET", "/admin/state", None);
    assert_eq!(state.body["users"].as_array().map(Vec::len), Some(1));
    assert_eq!(state.body["consistency"], "ok");
    assert_eq!(send_as(&s, "GET", "/admin/state", None, None).status, 401);
    let r = raw(&s, format!("PUT /admin/faults HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Length: 3\r\nConnection: close\r\n\r\n503", s.token()).as_bytes()).expect("answer");
    assert_eq!(r.body["faults"], json!(["503"]));
    assert_eq!(send(&s, "GET", "/Users", None).status, 503);
    assert_eq!(send(&s, "DELETE", "/admin/faults", None).status, 204);
    let requests = raw(
        &s,
        format!(
            "GET /admin/requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            s.token()
        )
        .as_bytes(),
    )
    .expect("answer");
    assert!(requests.body.as_str().is_some_and(|t| t.lines().count() >= 2));
    assert_eq!(send(&s, "POST", "/admin/reset", None).status, 204);
    assert!(s.users().is_empty());
    let bad = raw(&s, format!("PUT /admin/faults HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Length: 3\r\nConnection: close\r\n\r\n418", s.token()).as_bytes()).expect("answer");
    assert_eq!(bad.status, 400);
}

#[test]
fn db_keeps_acknowledged_writes_across_restarts_and_seeds_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("d.sqlite");
    let config = json!({"db": db.to_str(), "token": "t"});
    let (alice, group) = {
        let s = start(config.clone());
        let alice =
            send(&s, "POST", "/Users", Some(&user("alice@example.com"))).body["id"].as_str().expect("id").to_string();
        send(&s, "POST", "/Users", Some(&user("bob@example.com")));
        let g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "eng", "members": [{"value": alice}]});
        let group = send(&s, "POST", "/Groups", Some(&g)).body["id"].as_str().expect("id").to_string();
        let bob =
            send(&s, "GET", "/Users?filter=userName%20eq%20%22bob@example.com%22", None).body["Resources"][0]["id"]
                .as_str()
                .expect("bob")
                .to_string();
        assert_eq!(send(&s, "DELETE", &format!("/Users/{bob}"), None).status, 204);
        s.stop();
        (alice, group)
    };
    let s = start(config.clone());
    assert_eq!(s.users().len(), 1);
    assert_eq!(send(&s, "GET", &format!("/Users/{alice}"), None).body["groups"][0]["value"], group.as_str());
    assert_eq!(send(&s, "GET", &format!("/Groups/{group}"), None).body["members"][0]["value"], alice.as_str());
    s.consistency().expect("consistent");
    // Another directory id is refused rather than mixed.
    assert!(
        Server::start(ServerConfig::from_json(&json!({"db": db.to_str(), "directory_id": "other"})).expect("config"))
            .is_err()
    );
    // An export seeds a fresh server.
    let export = dir.path().join("export.ndjson");
    let lines: Vec<String> = s.users().iter().chain(s.groups().iter()).map(Value::to_string).collect();
    std::fs::write(&export, lines.join("\n")).expect("write export");
    s.stop();
    let seeded = start(json!({"seed": export.to_str()}));
    assert_eq!(send(&seeded, "GET", &format!("/Groups/{group}"), None).body["members"][0]["value"], alice.as_str());
    assert_eq!(send(&seeded, "POST", "/Users", Some(&user("alice@example.com"))).status, 409);
}

#[test]
fn config_errors_name_the_key() {
    assert!(ServerConfig::from_json(&json!({"colour": 1})).expect_err("unknown").contains("colour"));
    assert!(ServerConfig::from_json(&json!({"config": {"lenient": 3}})).expect_err("bad profile").contains("lenient"));
    assert!(ServerConfig::from_json(&json!({"faults": "418"})).is_ok(), "faults are parsed at start");
    assert!(Server::start(ServerConfig::from_json(&json!({"faults": "418"})).expect("config")).is_err());
}
