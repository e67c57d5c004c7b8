//! Sync: plan against a Directory, execute with the sans-IO executor against the same Directory
//! (no HTTP), and check convergence (planning again gives nothing), idempotence, the guard
//! rails, swaps, renames and the executor's handling of faults.

use atlscim_core::directory::SeededIds;
use atlscim_core::sync::{
    Action, ExecOptions, ExecState, Executor, GonePolicy, HttpResponse, Outcome, Plan, PlanOptions, Resources,
    StepKind, plan,
};
use atlscim_core::{Directory, Profile};
use serde_json::{Value, json};

const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

fn user(ext: &str, name: &str, email: &str) -> Value {
    json!({"schemas": [USER_URN], "externalId": ext, "userName": name, "displayName": format!("User {ext}"),
           "name": {"givenName": "User", "familyName": ext},
           "emails": [{"value": email, "type": "work", "primary": true}], "active": true})
}

fn group(ext: &str, name: &str, members: &[&str]) -> Value {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    json!({"schemas": [GROUP_URN], "externalId": ext, "displayName": name, "members": members})
}

fn directory() -> Directory {
    Directory::new(Profile::atlassian(), "d-sync", Box::new(SeededIds::new(7)))
}

fn current(d: &Directory) -> Resources {
    Resources { users: d.users(), groups: d.groups() }
}

fn opts() -> PlanOptions {
    PlanOptions { allow_removals: true, ..PlanOptions::default() }
}

/// A fault injected into the answer of the n-th request.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    None,
    /// The write is applied and the answer lost.
    Lost,
    /// 503 without applying.
    Unavailable,
    /// 429 with Retry-After: 2 without applying.
    RateLimited,
}

/// Runs the executor against the directory; `fault(n)` says what happens to request n. Returns
/// the executor and the number of requests sent.
fn execute(d: &mut Directory, p: Plan, fault: &dyn Fn(usize) -> Fault) -> (Executor, usize) {
    let mut run = Executor::new(p, ExecOptions { jitter_seed: 3, ..ExecOptions::default() }).expect("runnable");
    let mut now = 1_700_000_000.0;
    let mut n = 0;
    for _ in 0..100_000 {
        match run.next(now) {
            Action::Done => return (run, n),
            Action::Wait { seconds } => {
                assert!(seconds > 0.0 && seconds <= 86_400.0, "wait {seconds}");
                now += seconds;
            }
            Action::Send { method, path, headers, body, .. } => {
                let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let f = fault(n);
                n += 1;
                let response = match f {
                    Fault::Unavailable => HttpResponse { status: 503, ..HttpResponse::default() },
                    Fault::RateLimited => HttpResponse {
                        status: 429,
                        headers: [("Retry-After".to_string(), "2".to_string())].into(),
                        body: String::new(),
                    },
                    Fault::None | Fault::Lost => {
                        let a = d.handle(&method, &path, &h, body.as_deref().unwrap_or("").as_bytes(), now);
                        d.consistency().expect("consistent");
                        if f == Fault::Lost {
                            HttpResponse::default()
                        } else {
                            HttpResponse { status: a.status, body: a.body_text(), headers: a.headers.into_iter().collect() }
                        }
                    }
                };
                now += 0.01;
                run.feed(&response, now).expect("fed");
            }
        }
    }
    panic!("the run did not finish");
}

fn no_faults(_: usize) -> Fault {
    Fault::None
}

fn sync(d: &mut Directory, desired: &Resources, options: &PlanOptions) -> (Plan, Executor) {
    let p = plan(d.profile(), desired, &current(d), options);
    assert!(p.refusal.is_none(), "{:?}", p.refusal);
    let (run, _) = execute(d, p.clone(), &no_faults);
    (p, run)
}

fn outcomes(run: &Executor) -> Vec<(String, Outcome)> {
    run.state().steps.iter().map(|s| (s.id.clone(), s.outcome)).collect()
}

fn assert_converged(d: &Directory, desired: &Resources, options: &PlanOptions) {
    let again = plan(d.profile(), desired, &current(d), options);
    assert!(again.steps.is_empty(), "not converged: {}", serde_json::to_string_pretty(&again.steps).unwrap_or_default());
}

#[test]
fn an_empty_directory_gets_users_groups_and_members() {
    let mut d = directory();
    let desired = Resources {
        users: vec![user("e1", "ada@example.com", "ada@example.com"), user("e2", "bob@example.com", "bob@example.com")],
        groups: vec![group("g1", "Engineering", &["e1", "e2"]), group("g2", "Empty", &[])],
    };
    let (p, run) = sync(&mut d, &desired, &opts());
    let kinds: Vec<StepKind> = p.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [StepKind::CreateGroup, StepKind::CreateGroup, StepKind::CreateUser, StepKind::CreateUser, StepKind::UpdateMembers]
    );
    assert_eq!(p.steps[4].depends_on, ["s1", "s3", "s4"]);
    assert!(outcomes(&run).iter().all(|(_, o)| *o == Outcome::Applied), "{:?}", outcomes(&run));
    assert_eq!(d.user_count(), 2);
    let eng = d.groups().into_iter().find(|g| g["displayName"] == "Engineering").expect("group");
    assert_eq!(eng["members"].as_array().map(Vec::len), Some(2));
    assert_converged(&d, &desired, &opts());
}

#[test]
fn the_same_inputs_give_the_same_plan_byte_for_byte() {
    let mut d = directory();
    let first = Resources {
        users: (0..20).map(|i| user(&format!("e{i}"), &format!("u{i}@example.com"), &format!("u{i}@example.com"))).collect(),
        groups: vec![group("g", "G", &["e1", "e2", "e3"])],
    };
    sync(&mut d, &first, &opts());
    let mut second = first.clone();
    second.users[3]["title"] = json!("Engineer");
    second.users.remove(5);
    second.users.push(user("new", "new@example.com", "new@example.com"));
    second.groups[0]["members"] = json!([{"value": "e4"}, {"value": "new"}]);
    let a = plan(d.profile(), &second, &current(&d), &opts()).to_json_string();
    let b = plan(d.profile(), &second, &current(&d), &opts()).to_json_string();
    assert_eq!(a, b);
    let parsed = Plan::from_json_str(&a).expect("reads back");
    assert_eq!(parsed.to_json_string(), a);
}

/// Runs with faults on the first attempt of every third request (lost after applying, 503,
/// 429 in turn); never two in a row, so no step runs out of attempts.
fn faulty(n: usize) -> Fault {
    match n % 9 {
        0 => Fault::Lost,
        3 => Fault::Unavailable,
        6 => Fault::RateLimited,
        _ => Fault::None,
    }
}

#[test]
fn lost_answers_429_and_503_still_converge_without_duplicates() {
    let mut d = directory();
    let desired = Resources {
        users: (0..12).map(|i| user(&format!("e{i}"), &format!("u{i}@example.com"), &format!("u{i}@example.com"))).collect(),
        groups: vec![group("g1", "One", &["e1", "e2"]), group("g2", "Two", &["e3"])],
    };
    let p = plan(d.profile(), &desired, &current(&d), &opts());
    let (run, sent) = execute(&mut d, p.clone(), &faulty);
    assert!(sent > p.steps.len(), "faults cause resends");
    let counts = run.outcome_counts();
    assert_eq!(counts.get("pending"), None);
    assert!(counts.get("adopted").copied().unwrap_or(0) >= 1, "a lost create is adopted after the 409: {counts:?}");
    assert_eq!(counts.get("failed"), None, "{:?}", run.state());
    assert_eq!(d.user_count(), 12);
    assert_converged(&d, &desired, &opts());
}

#[test]
fn a_409_to_a_first_attempt_is_a_conflict_not_an_adoption() {
    let mut d = directory();
    // Someone else's account holds the userName, under another externalId: planning does not
    // see it (current is stale: empty), so the create meets the 409.
    let stale = Resources::default();
    let other = user("someone-else", "ada@example.com", "ada@example.com");
    let a = d.handle("POST", "/Users", &[], other.to_string().as_bytes(), 0.0);
    assert_eq!(a.status, 201);
    let desired = Resources { users: vec![user("e1", "ada@example.com", "ada@example.com")], groups: vec![] };
    let p = plan(d.profile(), &desired, &stale, &opts());
    let (run, _) = execute(&mut d, p, &no_faults);
    assert_eq!(run.state().steps[0].outcome, Outcome::Conflict);
    // After a lost answer, the lookup finds the other account: a conflict still, not adopted.
    let p = plan(d.profile(), &desired, &stale, &opts());
    let (run, _) = execute(&mut d, p, &|n| if n == 0 { Fault::Unavailable } else { Fault::None });
    assert_eq!(run.state().steps[0].outcome, Outcome::Conflict, "{:?}", run.state());
    assert!(run.state().steps[0].detail.as_deref().unwrap_or("").contains("someone-else"));
}

#[test]
fn a_failed_step_skips_its_dependents_and_401_stops_the_run() {
    let mut d = directory();
    let desired = Resources {
        users: vec![user("e1", "ada@example.com", "ada@example.com"), user("e2", "bob@example.com", "bob@example.com")],
        groups: vec![group("g1", "One", &["e1"])],
    };
    let p = plan(d.profile(), &desired, &current(&d), &opts());
    // s1 creates the group, s2/s3 the users, s4 adds e1 to the group. Refuse s2 (ada) with 400.
    let mut run = Executor::new(p.clone(), ExecOptions::default()).expect("runnable");
    let mut log = Vec::new();
    while let Action::Send { step, method, path, headers, body } = run.next(0.0) {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = if step == "s2" {
            HttpResponse { status: 400, body: r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"no"}"#.into(), ..HttpResponse::default() }
        } else {
            let a = d.handle(&method, &path, &h, body.as_deref().unwrap_or("").as_bytes(), 0.0);
            HttpResponse { status: a.status, body: a.body_text(), headers: a.headers.into_iter().collect() }
        };
        log.push(step);
        run.feed(&r, 0.0).expect("fed");
    }
    assert_eq!(log, ["s1", "s2", "s3"]);
    let o: Vec<Outcome> = run.state().steps.iter().map(|s| s.outcome).collect();
    assert_eq!(o, [Outcome::Applied, Outcome::Failed, Outcome::Applied, Outcome::Skipped]);

    let mut run = Executor::new(p, ExecOptions::default()).expect("runnable");
    assert!(matches!(run.next(0.0), Action::Send { .. }));
    run.feed(&HttpResponse { status: 401, body: r#"{"error":"expired","traceId":"t"}"#.into(), ..HttpResponse::default() }, 0.0)
        .expect("fed");
    assert_eq!(run.next(0.0), Action::Done);
    assert!(run.state().stopped.is_some());
    assert!(run.state().steps.iter().all(|s| s.outcome == Outcome::NotRun));
}

#[test]
fn waits_follow_retry_after_backoff_and_the_rate_budget() {
    let desired = Resources { users: vec![user("e1", "ada@example.com", "ada@example.com"), user("e2", "b@example.com", "b@example.com")], groups: vec![] };
    let p = plan(&Profile::atlassian(), &desired, &Resources::default(), &opts());
    let mut run = Executor::new(p.clone(), ExecOptions { rate_per_second: Some(2.0), ..ExecOptions::default() }).expect("ok");
    assert!(matches!(run.next(100.0), Action::Send { .. }));
    let h = [("Retry-After".to_string(), "7".to_string())].into();
    run.feed(&HttpResponse { status: 429, headers: h, body: String::new() }, 100.0).expect("fed");
    assert_eq!(run.next(101.0), Action::Wait { seconds: 6.0 });
    assert!(matches!(run.next(107.0), Action::Send { .. }));
    run.feed(&HttpResponse { status: 201, body: r#"{"id":"x"}"#.into(), ..HttpResponse::default() }, 107.1).expect("fed");
    // Two a second: the next send is due half a second after the last.
    assert_eq!(run.next(107.2), Action::Wait { seconds: 107.5 - 107.2 });
    // Backoff after a 503 is between half and all of backoff_base, and differs with the seed.
    let waits: Vec<f64> = (0..2u64)
        .map(|seed| {
            let mut run = Executor::new(p.clone(), ExecOptions { jitter_seed: seed, ..ExecOptions::default() }).expect("ok");
            run.next(0.0);
            run.feed(&HttpResponse { status: 503, ..HttpResponse::default() }, 0.0).expect("fed");
            match run.next(0.0) {
                Action::Wait { seconds } => seconds,
                other => panic!("{other:?}"),
            }
        })
        .collect();
    assert!(waits.iter().all(|w| (0.5..1.0).contains(w)), "{waits:?}");
    assert_ne!(waits[0], waits[1]);
}

#[test]
fn a_saved_state_resumes_without_repeating_applied_steps() {
    let mut d = directory();
    let desired = Resources {
        users: (0..5).map(|i| user(&format!("e{i}"), &format!("u{i}@example.com"), &format!("u{i}@example.com"))).collect(),
        groups: vec![group("g1", "One", &["e1", "e2"])],
    };
    let p = plan(d.profile(), &desired, &current(&d), &opts());
    let mut run = Executor::new(p.clone(), ExecOptions::default()).expect("ok");
    // Three steps answered, the fourth handed out and applied, then a crash before its answer.
    let mut saved = String::new();
    for i in 0..4 {
        let Action::Send { method, path, body, .. } = run.next(0.0) else { panic!("send") };
        saved = run.state_json();
        let a = d.handle(&method, &path, &[], body.as_deref().unwrap_or("").as_bytes(), 0.0);
        if i < 3 {
            run.feed(&HttpResponse { status: a.status, body: a.body_text(), ..HttpResponse::default() }, 0.0).expect("fed");
        }
    }
    assert!(!saved.contains("Bearer") && saved.contains("\"inFlight\":true"));
    let state: ExecState = serde_json::from_str(&saved).expect("state");
    let mut resumed = Executor::resume(p.clone(), ExecOptions::default(), state).expect("resumes");
    let mut first = true;
    let mut methods = Vec::new();
    while let Action::Send { method, path, body, .. } = resumed.next(0.0) {
        if first {
            assert_eq!(method, "GET", "an in-flight create is looked up first: {path}");
            first = false;
        }
        methods.push(method.clone());
        let a = d.handle(&method, &path, &[], body.as_deref().unwrap_or("").as_bytes(), 0.0);
        resumed.feed(&HttpResponse { status: a.status, body: a.body_text(), ..HttpResponse::default() }, 0.0).expect("fed");
    }
    assert_eq!(resumed.state().steps[3].outcome, Outcome::Adopted);
    assert_eq!(d.user_count(), 5);
    assert_converged(&d, &desired, &opts());
    // A state for another plan is refused.
    let other = plan(d.profile(), &Resources::default(), &Resources::default(), &opts());
    let state: ExecState = serde_json::from_str(&saved).expect("state");
    assert_eq!(Executor::resume(other, ExecOptions::default(), state).map(|_| ()).map_err(|e| e.kind), Err("state"));
}
