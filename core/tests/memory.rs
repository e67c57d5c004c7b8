//! Memory stays proportional to the input: the peak heap of checking (and writing the report
//! JSON, as the CLI and the C ABI do) is at most 8 times the input plus 1 MiB, on the inputs that
//! once made it explode (docs/robustness.md): a 16 MB body of wrongly typed values (8 million
//! issues, 2.4 GB), a PATCH that copies a long value into every value of a large resource (1 GB
//! from 0.6 MB), and the others found while fixing them (a fix in every few bytes, a set of
//! millions of emails, a group of members that each break a rule).
//!
//! The heap is measured by a counting global allocator, so this file is its own test binary, and
//! its one test runs the cases one after another (tests of one binary run on parallel threads,
//! and the allocator counts them all). The input is the body's bytes plus the heap of any parsed
//! `Value` handed in (`current`), measured by the same allocator as it is built.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use atlscim_core::schema::ResourceKind;
use atlscim_core::{Profile, Request};
use serde_json::Value;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promised for `ptr`, `layout` and `new_size`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak heap `f` adds to what is live when it starts, in bytes.
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (PEAK.load(Ordering::Relaxed).saturating_sub(base), out)
}

/// A parsed value and the heap it takes.
fn parsed(text: &str) -> (Value, usize) {
    let (size, value) = peak_of(|| serde_json::from_str::<Value>(text).expect("JSON"));
    (value, size)
}

const MIB: usize = 1 << 20;

struct Case {
    name: &'static str,
    input: usize,
    peak: usize,
}

fn bound(input: usize) -> usize {
    8 * input + MIB
}

/// Checks a request from its bytes and writes the report JSON, as the CLI and the C ABI do.
fn check_and_write(profile: &Profile, request: &Request<'_>) -> (usize, atlscim_core::Report) {
    peak_of(|| {
        let report = profile.check(request);
        let json = report.to_json(request.body.as_ref());
        assert!(json.starts_with("{\"valid\""));
        report
    })
}

fn user_with(member: &str, bytes: usize, one: impl Fn(usize) -> String) -> String {
    let mut body = String::with_capacity(bytes + 256);
    body.push_str(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","#);
    if member != "emails" {
        body.push_str(r#""emails":[{"value":"a@example.com","primary":true}],"#);
    }
    body.push_str(&format!("\"{member}\":["));
    let mut i = 0;
    while body.len() < bytes {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&one(i));
        i += 1;
    }
    body.push_str("]}");
    body
}

#[test]
fn peak_heap_is_proportional_to_the_input() {
    let profile = Profile::atlassian();
    let mut cases = Vec::new();

    // 16 MB of wrongly typed values: 8 million RFC-T-001 issues, of which 1,000 are kept.
    let body = user_with("phoneNumbers", 16_000_000, |_| "1".to_string());
    let request = Request::json("POST", "/Users", body.as_bytes());
    let (peak, report) = check_and_write(&profile, &request);
    assert_eq!(report.issues().len(), 1001, "1,000 issues and the one that counts the rest");
    assert!(report.omitted() > 7_000_000, "{}", report.omitted());
    assert_eq!(report.status(), Some(400));
    cases.push(Case { name: "16 MB of wrongly typed values", input: body.len(), peak });
    drop((report, body));

    // The same body given as a parsed value (a binding's own objects).
    let body = user_with("phoneNumbers", 4_000_000, |_| "1".to_string());
    let (value, value_heap) = parsed(&body);
    let (peak, report) = peak_of(|| profile.check(&Request::value("POST", "/Users", &value)));
    assert!(report.omitted() > 1_000_000);
    cases.push(Case { name: "4 MB of wrongly typed values, as a value", input: value_heap, peak });
    drop((report, value, body));

    // A lenient fix in every 16 bytes: fixes are kept as text, and normalized is written without a tree.
    let body = user_with("phoneNumbers", 4_000_000, |i| format!(r#"{{"type":"Work","value":"{}"}}"#, i % 10));
    let request = Request::json("POST", "/Users", body.as_bytes());
    let (peak, report) = check_and_write(&profile, &request);
    assert!(report.valid() && report.changes_body());
    let normalized = report.normalized_json(request.body.as_ref()).expect("normalized");
    assert!(!normalized.contains("Work") && normalized.contains(r#""type":"work""#));
    cases.push(Case { name: "a lenient fix in every few bytes", input: body.len(), peak });
    drop((report, normalized, body));

    // Four megabytes of different emails (128,000): the set that finds repeats is all that grows.
    let body = user_with("emails", 4_000_000, |i| {
        format!(r#"{{"value":"u{i}@example.com"{}}}"#, if i == 0 { r#","primary":true"# } else { "" })
    });
    let request = Request::json("POST", "/Users", body.as_bytes());
    let (peak, report) = check_and_write(&profile, &request);
    assert!(report.valid(), "{}", report.summary(3));
    cases.push(Case { name: "128,000 different emails", input: body.len(), peak });
    drop((report, body));

    // A group whose every member is an email (ATL-G-005): the member rules' issues are capped too.
    let mut body =
        String::from(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":["#);
    let mut i = 0;
    while body.len() < 4_000_000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"value":"u{i}@example.com"}}"#));
        i += 1;
    }
    body.push_str("]}");
    let request = Request::json("POST", "/Groups", body.as_bytes());
    let (peak, report) = check_and_write(&profile, &request);
    assert_eq!(report.issues().last().map(|i| i.rule().id()), Some("RFC-J-006"));
    cases.push(Case { name: "a group of members that are emails", input: body.len(), peak });
    drop((report, body));

    // A PATCH that copies a 60 KB value into each of 10,000 members: it would write 600 MB into
    // the resource; it is refused before anything is copied, by check and by apply_patch.
    let rfc = Profile::rfc();
    let mut current = String::from(
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g","displayName":"g","members":["#,
    );
    for i in 0..10_000 {
        if i > 0 {
            current.push(',');
        }
        current.push_str(&format!(r#"{{"value":"2819c223-7f76-453a-919d-{i:012}"}}"#));
    }
    current.push_str("]}");
    let patch = format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"replace","path":"members.display","value":"{}"}}]}}"#,
        "x".repeat(60_000)
    );
    let (current_value, current_heap) = parsed(&current);
    let (patch_value, patch_heap) = parsed(&patch);
    let request = Request::json("PATCH", "/Groups/g", patch.as_bytes()).with_current(&current_value);
    let (peak, report) = check_and_write(&rfc, &request);
    assert_eq!(report.first_error().map(|i| i.rule().id()), Some("RFC-P-006"), "{}", report.summary(3));
    cases.push(Case {
        name: "a PATCH copying a long value into every member (check)",
        input: patch.len() + current_heap,
        peak,
    });
    let (peak, result) = peak_of(|| rfc.apply_patch(&current_value, &patch_value, ResourceKind::Group));
    assert_eq!(result.err().map(|e| e.issue().rule().id()), Some("RFC-P-006"));
    cases.push(Case {
        name: "a PATCH copying a long value into every member (apply_patch)",
        input: patch_heap + current_heap,
        peak,
    });

    let mut failures = Vec::new();
    for c in &cases {
        let ratio = c.peak as f64 / c.input as f64;
        println!("{:<62} input {:>10} peak {:>11} ({ratio:.2}× the input)", c.name, c.input, c.peak);
        if c.peak > bound(c.input) {
            failures.push(format!("{}: peak {} > 8 × {} + 1 MiB", c.name, c.peak, c.input));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
