//! The directory held against an independent, naive model of reference/atlassian-scim.md §5–§6,
//! written apart from it (no `Profile::check`, no indexes): 409 on a taken userName or email
//! (ignoring case), 404 after DELETE, PUT 400 / PATCH 404 for members that are not users, no
//! group rename. Random request sequences go to both; statuses, the users' names and emails and
//! the groups' members must agree after every request, and the directory's indexes must match
//! its records.

use atlscim_core::Profile;
use atlscim_core::directory::{Directory, SeededIds};
use proptest::prelude::*;
use serde_json::{Value, json};

const USER_NAMES: [&str; 5] = ["alice", "ALICE", "bob", "carol", "Bob"];
const EMAILS: [&str; 5] = ["a@example.com", "A@Example.COM", "b@example.com", "c@example.com", "d@example.com"];
const GROUP_NAMES: [&str; 3] = ["eng", "ops", "sales"];

#[derive(Debug, Clone)]
enum Op {
    CreateUser(usize, usize),
    ReplaceUserName(usize, usize),
    ReplaceEmail(usize, usize),
    DeleteUser(usize),
    CreateGroup(usize, Vec<usize>),
    AddMembers(usize, Vec<usize>),
    RemoveMember(usize, usize),
    PutGroup(usize, usize, Vec<usize>),
    RenameGroup(usize, usize),
    DeleteGroup(usize),
    GetUser(usize),
    GetGroup(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0usize..8;
    let refs = proptest::collection::vec(0usize..8, 0..3);
    prop_oneof![
        3 => (0..USER_NAMES.len(), 0..EMAILS.len()).prop_map(|(u, e)| Op::CreateUser(u, e)),
        1 => (r.clone(), 0..USER_NAMES.len()).prop_map(|(x, u)| Op::ReplaceUserName(x, u)),
        1 => (r.clone(), 0..EMAILS.len()).prop_map(|(x, e)| Op::ReplaceEmail(x, e)),
        1 => r.clone().prop_map(Op::DeleteUser),
        2 => (0..GROUP_NAMES.len(), refs.clone()).prop_map(|(g, m)| Op::CreateGroup(g, m)),
        2 => (r.clone(), refs.clone()).prop_map(|(g, m)| Op::AddMembers(g, m)),
        1 => (r.clone(), r.clone()).prop_map(|(g, m)| Op::RemoveMember(g, m)),
        1 => (r.clone(), 0..GROUP_NAMES.len(), refs).prop_map(|(g, n, m)| Op::PutGroup(g, n, m)),
        1 => (r.clone(), 0..GROUP_NAMES.len()).prop_map(|(g, n)| Op::RenameGroup(g, n)),
        1 => r.clone().prop_map(Op::DeleteGroup),
        1 => r.clone().prop_map(Op::GetUser),
        1 => r.prop_map(Op::GetGroup),
    ]
}

/// The naive model: lists scanned linearly, compared ignoring ASCII case.
#[derive(Default)]
struct Model {
    users: Vec<(String, String, String)>, // id, userName, email
    groups: Vec<(String, String, Vec<String>)>,
    /// Every id ever answered, users and groups, so requests can name deleted ones.
    user_ids: Vec<String>,
    group_ids: Vec<String>,
}

impl Model {
    fn user(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| u.0 == id)
    }
    fn group(&self, id: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.0 == id)
    }
    fn taken(&self, user_name: &str, email: &str, except: Option<&str>) -> bool {
        self.users.iter().any(|(id, u, e)| {
            Some(id.as_str()) != except && (u.eq_ignore_ascii_case(user_name) || e.eq_ignore_ascii_case(email))
        })
    }
    fn user_ref(&self, i: usize) -> String {
        self.user_ids.get(i).cloned().unwrap_or_else(|| format!("00000000-0000-4000-8000-00000000000{i}"))
    }
    fn group_ref(&self, i: usize) -> String {
        self.group_ids.get(i).cloned().unwrap_or_else(|| format!("10000000-0000-4000-8000-00000000000{i}"))
    }
}

fn user_body(user_name: &str, email: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name,
           "emails": [{"value": email, "type": "work", "primary": true}]})
}

fn group_body(name: &str, members: &[String]) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
           "members": members.iter().map(|m| json!({"value": m})).collect::<Vec<_>>()})
}

fn patch(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

fn send(d: &mut Directory, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let text = body.map(Value::to_string).unwrap_or_default();
    let a = d.handle(method, path, &[("Content-Type", "application/scim+json")], text.as_bytes(), 1.7e9);
    (a.status, a.body.unwrap_or(Value::Null))
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut d = Directory::new(Profile::atlassian(), "d-model", Box::new(SeededIds::new(5)));
    let mut m = Model::default();
    for op in ops {
        let (expected, (status, body)) = match op.clone() {
            Op::CreateUser(u, e) => {
                let (un, em) = (USER_NAMES[u], EMAILS[e]);
                let expected = if m.taken(un, em, None) { 409 } else { 201 };
                let got = send(&mut d, "POST", "/Users", Some(&user_body(un, em)));
                if got.0 == 201 {
                    let id = got.1["id"].as_str().unwrap_or_default().to_string();
                    m.users.push((id.clone(), un.into(), em.into()));
                    m.user_ids.push(id);
                }
                (expected, got)
            }
            Op::ReplaceUserName(x, u) | Op::ReplaceEmail(x, u) => {
                let id = m.user_ref(x);
                let is_name = matches!(op, Op::ReplaceUserName(..));
                let expected = match m.user(&id) {
                    None => 404,
                    Some(i) => {
                        let (_, un, em) = &m.users[i];
                        let (un, em) = if is_name { (USER_NAMES[u], em.as_str()) } else { (un.as_str(), EMAILS[u]) };
                        if m.taken(un, em, Some(&id)) { 409 } else { 200 }
                    }
                };
                let body = if is_name {
                    patch(json!([{"op": "replace", "path": "userName", "value": USER_NAMES[u]}]))
                } else {
                    patch(json!([{"op": "replace", "path": "emails",
                                  "value": [{"value": EMAILS[u], "type": "work", "primary": true}]}]))
                };
                let got = send(&mut d, "PATCH", &format!("/Users/{id}"), Some(&body));
                if got.0 == 200
                    && let Some(i) = m.user(&id)
                {
                    if is_name { m.users[i].1 = USER_NAMES[u].into() } else { m.users[i].2 = EMAILS[u].into() }
                }
                (expected, got)
            }
            Op::DeleteUser(x) => {
                let id = m.user_ref(x);
                let expected = if m.user(&id).is_some() { 204 } else { 404 };
                let got = send(&mut d, "DELETE", &format!("/Users/{id}"), None);
                if got.0 == 204 {
                    m.users.retain(|u| u.0 != id);
                    for g in &mut m.groups {
                        g.2.retain(|u| *u != id);
                    }
                }
                (expected, got)
            }
            Op::CreateGroup(n, refs) => {
                let members: Vec<String> = refs.iter().map(|r| m.user_ref(*r)).collect();
                let name = GROUP_NAMES[n];
                let expected = if m.groups.iter().any(|g| g.1.eq_ignore_ascii_case(name)) {
                    409
                } else if members.iter().any(|u| m.user(u).is_none()) {
                    400
                } else {
                    201
                };
                let got = send(&mut d, "POST", "/Groups", Some(&group_body(name, &members)));
                if got.0 == 201 {
                    let id = got.1["id"].as_str().unwrap_or_default().to_string();
                    let mut unique = Vec::new();
                    for u in members {
                        if !unique.contains(&u) {
                            unique.push(u);
                        }
                    }
                    m.groups.push((id.clone(), name.into(), unique));
                    m.group_ids.push(id);
                }
                (expected, got)
            }
            Op::AddMembers(g, refs) => {
                let id = m.group_ref(g);
                let members: Vec<String> = refs.iter().map(|r| m.user_ref(*r)).collect();
                let expected = match m.group(&id) {
                    None => 404,
                    Some(_) if members.iter().any(|u| m.user(u).is_none()) => 404,
                    Some(_) => 200,
                };
                let value: Vec<Value> = members.iter().map(|u| json!({"value": u})).collect();
                let body = patch(json!([{"op": "add", "path": "members", "value": value}]));
                let got = send(&mut d, "PATCH", &format!("/Groups/{id}"), Some(&body));
                if got.0 == 200
                    && let Some(i) = m.group(&id)
                {
                    for u in members {
                        if !m.groups[i].2.contains(&u) {
                            m.groups[i].2.push(u);
                        }
                    }
                }
                (expected, got)
            }
            Op::RemoveMember(g, r) => {
                let (id, user) = (m.group_ref(g), m.user_ref(r));
                let expected = if m.group(&id).is_some() { 200 } else { 404 };
                let body = patch(json!([{"op": "remove", "path": format!("members[value eq \"{user}\"]")}]));
                let got = send(&mut d, "PATCH", &format!("/Groups/{id}"), Some(&body));
                if got.0 == 200
                    && let Some(i) = m.group(&id)
                {
                    m.groups[i].2.retain(|u| *u != user);
                }
                (expected, got)
            }
            Op::PutGroup(g, n, refs) => {
                let id = m.group_ref(g);
                let members: Vec<String> = refs.iter().map(|r| m.user_ref(*r)).collect();
                let expected = match m.group(&id) {
                    None => 404,
                    Some(i) if m.groups[i].1 != GROUP_NAMES[n] => 400,
                    Some(_) if members.iter().any(|u| m.user(u).is_none()) => 400,
                    Some(_) => 200,
                };
                let got = send(&mut d, "PUT", &format!("/Groups/{id}"), Some(&group_body(GROUP_NAMES[n], &members)));
                if got.0 == 200
                    && let Some(i) = m.group(&id)
                {
                    let mut unique = Vec::new();
                    for u in members {
                        if !unique.contains(&u) {
                            unique.push(u);
                        }
                    }
                    m.groups[i].2 = unique;
                }
                (expected, got)
            }
            Op::RenameGroup(g, n) => {
                let id = m.group_ref(g);
                let expected = match m.group(&id) {
                    None => 404,
                    Some(i) if m.groups[i].1 != GROUP_NAMES[n] => 400,
                    Some(_) => 200,
                };
                let body = patch(json!([{"op": "replace", "path": "displayName", "value": GROUP_NAMES[n]}]));
                (expected, send(&mut d, "PATCH", &format!("/Groups/{id}"), Some(&body)))
            }
            Op::DeleteGroup(g) => {
                let id = m.group_ref(g);
                let expected = if m.group(&id).is_some() { 204 } else { 404 };
                let got = send(&mut d, "DELETE", &format!("/Groups/{id}"), None);
                if got.0 == 204 {
                    m.groups.retain(|x| x.0 != id);
                }
                (expected, got)
            }
            Op::GetUser(x) => {
                let id = m.user_ref(x);
                let expected = if m.user(&id).is_some() { 200 } else { 404 };
                (expected, send(&mut d, "GET", &format!("/Users/{id}"), None))
            }
            Op::GetGroup(g) => {
                let id = m.group_ref(g);
                let expected = if m.group(&id).is_some() { 200 } else { 404 };
                (expected, send(&mut d, "GET", &format!("/Groups/{id}"), None))
            }
        };
        prop_assert_eq!(status, expected, "{:?} answered {}", op, body);
        d.consistency().map_err(TestCaseError::fail)?;
        // The whole state agrees with the model.
        let users: Vec<(String, String, String)> = d
            .users()
            .iter()
            .map(|u| {
                let s = |p: &str| u.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
                (s("/id"), s("/userName"), s("/emails/0/value"))
            })
            .collect();
        prop_assert_eq!(&users, &m.users);
        let groups: Vec<(String, String, Vec<String>)> = d
            .groups()
            .iter()
            .map(|g| {
                let members = g["members"].as_array().into_iter().flatten();
                let members = members.map(|x| x["value"].as_str().unwrap_or_default().to_string()).collect();
                (
                    g["id"].as_str().unwrap_or_default().to_string(),
                    g["displayName"].as_str().unwrap_or_default().to_string(),
                    members,
                )
            })
            .collect();
        prop_assert_eq!(&groups, &m.groups);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn the_directory_agrees_with_the_naive_model(ops in proptest::collection::vec(op(), 1..40)) {
        run(&ops)?;
    }
}

/// The export holds the whole state: loading it into an empty directory gives the same answers.
#[test]
fn export_and_load_round_trip() {
    let mut d = Directory::new(Profile::atlassian(), "d-model", Box::new(SeededIds::new(9)));
    let (_, alice) = send(&mut d, "POST", "/Users", Some(&user_body("alice", "a@example.com")));
    send(&mut d, "POST", "/Users", Some(&user_body("bob", "b@example.com")));
    let id = alice["id"].as_str().expect("id").to_string();
    send(&mut d, "POST", "/Groups", Some(&group_body("eng", &[id])));
    let mut out = Vec::new();
    d.export_ndjson(&mut out).expect("export");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 3);
    let mut e = Directory::new(Profile::atlassian(), "d-model", Box::new(SeededIds::new(10)));
    assert_eq!(e.load_ndjson(&text), Ok(3));
    e.consistency().expect("consistent");
    assert_eq!(e.users(), d.users());
    assert_eq!(e.groups(), d.groups());
    // Loading it again clashes on the first line, located.
    let err = e.load_ndjson(&text).expect_err("loaded twice");
    assert_eq!(err.line(), 1);
    // A group whose member is missing names the line.
    let mut f = Directory::new(Profile::atlassian(), "d-model", Box::new(SeededIds::new(11)));
    let group_line = text.lines().nth(2).expect("group line");
    assert_eq!(f.load_ndjson(group_line).map_err(|e| e.line()), Err(1));
}
