//! The 150,000-user plan (issue 15): desired and current exports generated from a fixed seed
//! (150,000 users, 10 % changed, 1 % new, 1 % gone, 2,000 groups of skewed sizes), timed from the
//! export bytes to the finished plan, next to the floor: serde_json parsing both exports into
//! `Value`s in the same run (`plan_text`: the exports' text to the plan). Then the same at twice the size, for the growth ratio; the peak
//! memory of each plan (VmHWM, reset before it) against the exports' size. Not run by `make
//! test`:
//!
//!     cargo bench -p atlscim-core --bench sync_plan            # 150,000 and 300,000
//!     cargo bench -p atlscim-core --bench sync_plan -- 20000   # another size
//!
//! To profile or compare plans between two builds, the bench binary also writes the exports and
//! plans from files (the plan's JSON text to `OUT`, the time on stdout):
//!
//!     sync_plan --write N DIR                       # DIR/desired.ndjson, DIR/current.ndjson
//!     sync_plan --plan DESIRED CURRENT OUT [OPTIONS_JSON]
//!
//! Also times the executor's `next`/`feed` per step over the whole plan (no HTTP).

use std::time::Instant;

use atlscim_core::Profile;
use atlscim_core::sync::{Action, ExecOptions, Executor, HttpResponse, PlanOptions, plan_text};
use serde_json::{Value, json};

const SEED: u64 = 0x15_5eed;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const GIVEN: [&str; 8] = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"];
const FAMILY: [&str; 8] = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"];
const TITLES: [&str; 5] = ["Engineer", "Analyst", "Manager", "Designer", "Director"];

fn scim_user(i: usize, rng: &mut Rng) -> Value {
    let (g, f) = (GIVEN[rng.below(8)], FAMILY[rng.below(8)]);
    let upn = format!("{}.{}{i}@contoso.com", g.to_lowercase(), f.to_lowercase());
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
           "externalId": format!("{:032x}", (i as u128) * 0x9e37_79b9_7f4a_7c15_u128),
           "userName": upn, "displayName": format!("{g} {f}"), "name": {"givenName": g, "familyName": f},
           "emails": [{"value": upn, "type": "work", "primary": true}], "active": true,
           "title": TITLES[rng.below(5)],
           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Engineering"}})
}

/// (desired NDJSON, current NDJSON) for `n` users.
fn generate(n: usize) -> (String, String) {
    let mut rng = Rng(SEED ^ n as u64);
    let users: Vec<Value> = (0..n).map(|i| scim_user(i, &mut rng)).collect();
    let groups = (2000 * n / 150_000).max(10);
    // Skewed sizes: most groups small, a few with thousands of members (at most 35,000).
    let memberships: Vec<Vec<usize>> = (0..groups)
        .map(|_| {
            // 90 % of 5–200 members, 9 % of 200–2,000, 1 % of 2,000–35,000 (the large ones
            // scaled with the directory): about 370 on average, 740,000 memberships at 150,000.
            let r = rng.unit();
            let scale = n as f64 / 150_000.0;
            let size = if r < 0.9 {
                5.0 + rng.unit() * 195.0
            } else if r < 0.99 {
                200.0 + rng.unit() * 1800.0
            } else {
                (2000.0 + rng.unit() * 33_000.0) * scale.min(1.0)
            } as usize;
            let mut m: Vec<usize> = (0..size.min(n)).map(|_| rng.below(n)).collect();
            m.sort_unstable();
            m.dedup();
            m
        })
        .collect();
    // Current: as Atlassian's export holds it (ids, meta, account ids).
    let mut current = String::new();
    let id = |i: usize| format!("{:08x}-0000-4000-8000-{:012x}", i, i);
    for (i, u) in users.iter().enumerate() {
        let mut u = u.clone();
        u["id"] = json!(id(i));
        u["meta"] = json!({"resourceType": "User", "created": "2024-01-01T00:00:00.000Z", "lastModified": "2024-01-01T00:00:00.000Z",
                           "location": format!("https://api.atlassian.com/scim/directory/d/Users/{}", id(i))});
        u["urn:scim:schemas:extension:atlassian-external:1.0"] = json!({"atlassianAccountId": format!("{:024x}", i)});
        current.push_str(&u.to_string());
        current.push('\n');
    }
    for (g, members) in memberships.iter().enumerate() {
        let members: Vec<Value> = members.iter().map(|&m| json!({"value": id(m), "type": "User"})).collect();
        let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": format!("g{g:06}"),
                           "externalId": format!("grp-{g}"), "displayName": format!("Group {g}"), "members": members,
                           "meta": {"resourceType": "Group"}});
        current.push_str(&group.to_string());
        current.push('\n');
    }
    // Desired: 1 % gone, 10 % changed, 1 % new; 10 % of the groups churn.
    let mut desired = String::new();
    let mut gone = vec![false; n];
    for (i, u) in users.iter().enumerate() {
        if rng.below(100) == 0 {
            gone[i] = true;
            continue;
        }
        let mut u = u.clone();
        if rng.below(10) == 0 {
            u["title"] = json!(format!("Senior {}", TITLES[rng.below(5)]));
        }
        desired.push_str(&u.to_string());
        desired.push('\n');
    }
    for j in 0..n / 100 {
        desired.push_str(&scim_user(n + j, &mut rng).to_string());
        desired.push('\n');
    }
    for (g, members) in memberships.iter().enumerate() {
        let mut ext: Vec<Value> =
            members.iter().filter(|&&m| !gone[m]).map(|&m| json!({"value": users[m]["externalId"]})).collect();
        if rng.below(10) == 0 {
            ext.truncate(ext.len() * 9 / 10);
            ext.push(json!({"value": users[rng.below(n)]["externalId"]}));
        }
        let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "externalId": format!("grp-{g}"),
                           "displayName": format!("Group {g}"), "members": ext});
        desired.push_str(&group.to_string());
        desired.push('\n');
    }
    (desired, current)
}

/// Peak resident memory since the last reset, in bytes (Linux; 0 elsewhere).
fn peak() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<u64>().ok())
        .map_or(0, |k| k * 1024)
}

fn current_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<u64>().ok())
        .map_or(0, |k| k * 1024)
}

/// CPU seconds this process used so far (user and system; Linux, 0 elsewhere).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command's name (in parentheses): utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().skip(11).take(2).filter_map(|x| x.parse().ok()).collect();
    f.iter().sum::<f64>() / 100.0
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The floor with every `Value` kept until both exports are parsed (as a plan must hold them).
fn floor_held(desired: &str, current: &str) -> f64 {
    let t = Instant::now();
    let values: Vec<Value> =
        desired.lines().chain(current.lines()).map(|l| serde_json::from_str(l).expect("json")).collect();
    let s = t.elapsed().as_secs_f64();
    assert!(!values.is_empty());
    drop(values);
    s
}

/// The floor parsing line by line, each `Value` dropped at once.
fn floor(desired: &str, current: &str) -> f64 {
    let t = Instant::now();
    let mut n = 0usize;
    for line in desired.lines().chain(current.lines()) {
        let v: Value = serde_json::from_str(line).expect("json");
        n += usize::from(v.is_object());
        drop(v);
    }
    assert!(n > 0);
    t.elapsed().as_secs_f64()
}

fn run(n: usize) -> f64 {
    let (desired, current) = generate(n);
    let bytes = desired.len() + current.len();
    let floor_s = (0..3).map(|_| floor(&desired, &current)).fold(f64::INFINITY, f64::min);
    let held_s = (0..3).map(|_| floor_held(&desired, &current)).fold(f64::INFINITY, f64::min);
    let profile = Profile::atlassian();
    let options = PlanOptions { allow_removals: true, ..PlanOptions::default() };
    let mut best = f64::INFINITY;
    let mut steps = 0;
    let mut finished = None;
    for _ in 0..3 {
        let t = Instant::now();
        let p = plan_text(&profile, &desired, &current, &options).expect("plan");
        let s = t.elapsed().as_secs_f64();
        steps = p.steps.len();
        best = best.min(s);
        finished = Some(p);
    }
    // Memory in a process of its own, which holds nothing but the two exports when it starts.
    let dir = std::env::temp_dir();
    let (dp, cp) = (
        dir.join(format!("atlscim-sync-bench-{n}-desired.ndjson")),
        dir.join(format!("atlscim-sync-bench-{n}-current.ndjson")),
    );
    std::fs::write(&dp, &desired).expect("write");
    std::fs::write(&cp, &current).expect("write");
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args(["--measure", dp.to_str().expect("p"), cp.to_str().expect("p")])
        .output()
        .expect("measure");
    let _ = (std::fs::remove_file(&dp), std::fs::remove_file(&cp));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().filter_map(|x| x.parse::<u64>().ok());
    let (total, extra) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
    println!(
        "n={n}: exports {:.1} MB; serde_json floor {:.3} s streamed, {:.3} s held; plan from bytes {:.3} s = {:.2}x the \
         streamed floor, {:.2}x the held one; {steps} steps; peak memory {:.1} MB in all = {:.2}x the exports ({:.1} MB \
         beyond the exports read into memory = {:.2}x)",
        bytes as f64 / 1e6,
        floor_s,
        held_s,
        best,
        best / floor_s,
        best / held_s,
        total as f64 / 1e6,
        total as f64 / bytes as f64,
        extra as f64 / 1e6,
        extra as f64 / bytes as f64
    );
    if let Some(p) = finished {
        let mut run = Executor::new(p, ExecOptions::default()).expect("runnable");
        let t = Instant::now();
        let mut sent = 0u64;
        let created = HttpResponse {
            status: 201,
            body: r#"{"id":"00000000-0000-4000-8000-000000000000"}"#.into(),
            ..HttpResponse::default()
        };
        let ok = HttpResponse { status: 200, body: "{}".into(), ..HttpResponse::default() };
        loop {
            match run.next(0.0) {
                Action::Done => break,
                Action::Wait { .. } => unreachable!("no waits without faults"),
                Action::Send { method, .. } => {
                    sent += 1;
                    run.feed(if method == "POST" { &created } else { &ok }, 0.0).expect("fed");
                }
            }
        }
        let per = t.elapsed().as_secs_f64() / sent.max(1) as f64;
        println!("  executor: {sent} steps, {:.2} µs per next+feed", per * 1e6);
    }
    best
}

/// The child of `run`: reads the two exports, plans, prints the peak (VmHWM) and the peak beyond
/// the memory held after reading the files.
fn measure(desired: &str, current: &str) {
    let d_text = std::fs::read_to_string(desired).expect("read");
    let c_text = std::fs::read_to_string(current).expect("read");
    reset_peak();
    let base = current_rss();
    let options = PlanOptions { allow_removals: true, ..PlanOptions::default() };
    let p = plan_text(&Profile::atlassian(), &d_text, &c_text, &options).expect("plan");
    assert!(!p.steps.is_empty());
    let total = peak();
    println!("{total} {}", total.saturating_sub(base));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--measure", d, c] => return measure(d, c),
        ["--write", n, dir] => {
            let (desired, current) = generate(n.parse().expect("a size"));
            let dir = std::path::Path::new(dir);
            std::fs::write(dir.join("desired.ndjson"), desired).expect("write");
            std::fs::write(dir.join("current.ndjson"), current).expect("write");
            return;
        }
        ["--plan", d, c, out, options @ ..] => {
            let (d_text, c_text) =
                (std::fs::read_to_string(d).expect("read"), std::fs::read_to_string(c).expect("read"));
            let options: PlanOptions = serde_json::from_str(options.first().copied().unwrap_or("{}")).expect("options");
            // Best of three, next to the streamed floor, each alternating with the other; CPU
            // seconds too (the machine is shared: the wall clock counts the others' turns).
            let (mut best, mut best_cpu, mut floor_s, mut floor_cpu) =
                (f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY);
            let mut finished = None;
            for _ in 0..3 {
                let c = cpu();
                floor_s = floor_s.min(floor(&d_text, &c_text));
                floor_cpu = floor_cpu.min(cpu() - c);
                let (t, c) = (Instant::now(), cpu());
                let p = plan_text(&Profile::atlassian(), &d_text, &c_text, &options).expect("plan");
                best = best.min(t.elapsed().as_secs_f64());
                best_cpu = best_cpu.min(cpu() - c);
                finished = Some(p);
            }
            let p = finished.expect("planned");
            println!(
                "plan {best:.3} s ({best_cpu:.2} s CPU), floor {floor_s:.3} s ({floor_cpu:.2} s CPU): {:.2}x ({:.2}x in CPU time); {} steps",
                best / floor_s,
                best_cpu / floor_cpu,
                p.steps.len()
            );
            std::fs::write(out, p.to_json_string()).expect("write");
            return;
        }
        _ => {}
    }
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if let [n] = sizes.as_slice() {
        run(*n);
        return;
    }
    let a = run(150_000);
    let b = run(300_000);
    println!("growth: twice the directory takes {:.2}x the time", b / a);
}
