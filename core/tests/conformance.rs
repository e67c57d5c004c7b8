//! Runs the public SCIM conformance corpora from ../shared/conformance when they are present
//! (override the directory with ATLSCIM_CONFORMANCE_DIR). They are read at run time, never copied
//! into this repository.
//!
//! A missing corpus is a skip, never a pass: it is printed, written to the file named by
//! ATLSCIM_SKIP_LOG (`make test` lists it in its summary), and a failure when CI=true or when
//! ATLSCIM_CONFORMANCE_DIR names a directory without it.

use std::io::Write as _;
use std::path::PathBuf;

use atlscim_core::{Body, Profile, Request};
use serde_json::Value;

fn corpus(file: &str) -> Option<(PathBuf, String)> {
    let explicit = std::env::var_os("ATLSCIM_CONFORMANCE_DIR").map(PathBuf::from);
    let dir =
        explicit.clone().unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    let path = dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some((path, text)),
        Err(e) => {
            let why = format!("{} not read ({e})", path.display());
            let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
            assert!(!ci, "conformance: {why}; CI=true, so a missing corpus is a failure, not a skip");
            assert!(explicit.is_none(), "conformance: {why}, and ATLSCIM_CONFORMANCE_DIR names that directory");
            skip(&format!("conformance {file}"), &format!("{why}; set ATLSCIM_CONFORMANCE_DIR to run it"));
            None
        }
    }
}

/// Reports a part of the tests that did not run: on standard output and, for `make test`'s
/// summary, as a line in the file ATLSCIM_SKIP_LOG names.
fn skip(what: &str, why: &str) {
    println!("SKIPPED {what}: {why}");
    if let Some(log) = std::env::var_os("ATLSCIM_SKIP_LOG") {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&log).expect("ATLSCIM_SKIP_LOG");
        writeln!(f, "PART {what}: {why}").expect("write ATLSCIM_SKIP_LOG");
    }
}

/// Every payload parses, and every User and Group resource checks without errors under the rfc
/// profile (as a POST: read-only attributes such as id and meta are warnings, not errors).
#[test]
fn payloads() {
    let Some((path, text)) = corpus("payloads.jsonl") else { return };
    let profile = Profile::rfc();
    let (mut parsed, mut checked, mut failures) = (0, 0, Vec::new());
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let payload = serde_json::to_string(&case["payload"]).expect("payload serializes");
        assert!(serde_json::from_str::<Value>(&payload).is_ok(), "{id} does not parse");
        parsed += 1;
        let endpoint = match case["kind"].as_str() {
            Some("User") => "/Users",
            Some("Group") => "/Groups",
            _ => continue,
        };
        let report = profile.check(&Request {
            method: "POST",
            path: endpoint,
            body: Some(Body::Json(payload.as_bytes())),
            current: None,
        });
        checked += 1;
        if !report.valid() {
            failures.push(format!("{id}: {}", report.summary(5)));
        }
    }
    println!(
        "conformance payloads.jsonl: {parsed} parsed, {checked} User/Group resources checked, {} failed",
        failures.len()
    );
    assert!(parsed > 0, "{} holds no payloads", path.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

use atlscim_core::filter::{self, Filter, FilterLimits};
use atlscim_core::path::PatchPath;

fn strict() -> FilterLimits {
    FilterLimits { lenient: false, ..FilterLimits::default() }
}

/// A filter tree in one shape, with chains of one operator flattened and sorted: the corpora write
/// `and`/`or` as `left`/`right` pairs nested either way, atlscim as one `filters` array per
/// chain, and both treat operand order as insignificant.
fn normal_tree(v: &Value) -> Value {
    fn collect(v: &Value, op: &str, out: &mut Vec<Value>) {
        if v["op"] == op {
            match v.get("filters").and_then(Value::as_array) {
                Some(operands) => operands.iter().for_each(|o| collect(o, op, out)),
                None => {
                    collect(&v["left"], op, out);
                    collect(&v["right"], op, out);
                }
            }
        } else {
            out.push(normal_tree(v));
        }
    }
    match v["op"].as_str() {
        Some(op @ ("and" | "or")) => {
            let mut items = Vec::new();
            collect(v, op, &mut items);
            items.sort_by_key(|i| i.to_string());
            serde_json::json!({"op": op, "operands": items})
        }
        Some("not") => serde_json::json!({"op": "not", "filter": normal_tree(&v["filter"])}),
        Some("valuePath") => {
            serde_json::json!({"op": "valuePath", "attr": v["attr"].as_str().map(str::to_lowercase), "filter": normal_tree(&v["filter"])})
        }
        Some(op) => {
            let mut m = serde_json::Map::new();
            m.insert("op".into(), op.to_lowercase().into());
            m.insert("attr".into(), v["attr"].as_str().map(str::to_lowercase).into());
            if let Some(value) = v.get("value") {
                // Numbers compare numerically (3.14E10 = 31400000000.0).
                let value = match value.as_f64() {
                    Some(f) if value.is_number() => Value::from(f),
                    _ => value.clone(),
                };
                m.insert("value".into(), value);
            }
            Value::Object(m)
        }
        None => v.clone(),
    }
}

/// Filters in the corpora that we parse differently from their source, and why. Each is asserted,
/// so the list cannot go stale.
const FILTER_DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "-valid$Name eq -null",
        "a leading '-' and an unquoted value are outside RFC 7644; pingidentity/scim2 rejects unquoted values",
    ),
    (
        "value eq 123abc",
        "unquoted string value: pingidentity/scim2 rejects `userName eq bjensen`, and guessing a type is unsafe",
    ),
    ("value eq 123abc5e4", "unquoted string value (see above)"),
    (
        "not eq pr",
        "`not` without parentheses: pingidentity/scim2 rejects `not userName pr`; RFC 7644 requires `not (…)`",
    ),
    ("NOT id pr", "`not` without parentheses (see above)"),
    ("email.value ew \"@example.com\" and not userName eq \"Test\"", "`not` without parentheses"),
    ("email.type eq \"work\" or not userName ne \"Test\"", "`not` without parentheses"),
    ("email.type eq \"work\" AND not email.value ew \"@example.com\"", "`not` without parentheses"),
    ("NOT email.type eq \"work\" and not email.value ew \"@example.com\"", "`not` without parentheses"),
    ("NOt not sw \"A\" and userName ew \"Z\" and userName co \"m\"", "`not` without parentheses"),
    ("not id pr", "`not` without parentheses"),
    ("email.type eq \"work\" and not email.value ew \"@example.com\"", "`not` without parentheses"),
    ("not email.type eq \"work\" and not email.value ew \"@example.com\"", "`not` without parentheses"),
    ("not not sw \"A\" and userName ew \"Z\" and userName co \"m\"", "`not` without parentheses"),
    ("not emails[type eq \"work\"].value pr", "`not` without parentheses"),
    ("emails[not type eq \"work\"] pr", "`not` without parentheses inside a value filter"),
    ("emails[not type eq \"work\"] co \"A\"", "`not` without parentheses inside a value filter"),
    ("not emails[not type eq \"work\"] co \"A\"", "`not` without parentheses"),
    (
        "emails[type eq \"work\"] pr",
        "an operator applied to a whole value filter has no RFC meaning; `emails[type eq \"work\"]` alone says it",
    ),
    ("emails[type eq \"work\"] co \"A\"", "an operator applied to a whole value filter"),
    (
        "userType eq \"Employee\" and emails[type eq \"work\" or primary eq true] pr",
        "an operator applied to a whole value filter",
    ),
    (
        "userType eq \"Employee\" and emails[type eq \"work\"] pr or userType eq \"Employee\" and emails[primary eq true] pr",
        "an operator applied to a whole value filter",
    ),
    (
        "emails[type eq \"work\" or type eq \"home\"].values[domain ew \"@example.org\"]",
        "a value filter nested in a value filter's sub-attribute: SCIM has one level of value filters",
    ),
    (
        "emails[type eq \"work\" or type eq \"home\"].values[domain ew \"@example.org\" or domain ew \"@example.com\"]",
        "nested value filters",
    ),
    (
        "emails[type eq \"work\" or type eq \"home\"].values[domain ew \"@example.org\" or domain ew \"@example.com\"].recipient pr",
        "nested value filters",
    ),
    (
        "emails[type eq \"work\"].values[domain ew \"@example.org\" or domain ew \"@example.com\"].recipient pr",
        "nested value filters",
    ),
];

#[test]
fn filters() {
    let Some((path, text)) = corpus("filters.jsonl") else { return };
    let (mut passed, mut failures) = (0, Vec::new());
    let mut disagreed = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case");
        let (id, input, expect) = (
            case["id"].as_str().unwrap_or("?"),
            case["input"].as_str().unwrap_or(""),
            case["expect"].as_str().unwrap_or(""),
        );
        if let Some((_, why)) = FILTER_DISAGREEMENTS.iter().find(|(f, _)| *f == input) {
            match filter::parse(input) {
                Err(_) => disagreed += 1,
                Ok(f) => failures.push(format!("{id}: listed as a disagreement ({why}) but parses as {f}")),
            }
            continue;
        }
        let result = match expect {
            "valid" => filter::parse_with(input, &strict()),
            "lenient" => filter::parse(input),
            _ => match (filter::parse_with(input, &strict()), filter::parse(input)) {
                (Err(_), Err(e)) => {
                    passed += 1;
                    assert!(e.offset() <= input.chars().count(), "{id}: error offset past the end");
                    continue;
                }
                (s, l) => {
                    failures.push(format!("{id}: {input:?} should be rejected; strict {s:?}, lenient {l:?}"));
                    continue;
                }
            },
        };
        let f: Filter = match result {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{id}: {input:?} should parse ({expect}): {e}"));
                continue;
            }
        };
        if filter::parse(&f.to_string()).as_ref() != Ok(&f) {
            failures.push(format!("{id}: {input:?} prints as {f}, which parses differently"));
            continue;
        }
        if let Some(tree) = case.get("tree")
            && normal_tree(&f.to_json()) != normal_tree(tree)
        {
            failures.push(format!("{id}: {input:?}\n   tree {}\n   want {}", f.to_json(), tree));
            continue;
        }
        if let Some(canonical) = case.get("canonical").and_then(Value::as_str) {
            match filter::parse(canonical) {
                Ok(c) if normal_tree(&c.to_json()) == normal_tree(&f.to_json()) => {}
                other => {
                    failures.push(format!("{id}: canonical {canonical:?} gives {other:?}, input gives {f}"));
                    continue;
                }
            }
        }
        passed += 1;
    }
    println!(
        "conformance {}: {passed} passed, {disagreed} rejected on purpose (listed), {} failed",
        path.display(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Paths we read differently from their source.
const PATH_DISAGREEMENTS: &[(&str, &str)] = &[
    ("", "an empty path names nothing; pingidentity/scim2 itself calls it non-conforming"),
    ("urn:extension:", "a URN with no attribute names nothing; the source calls it non-conforming"),
    (
        "urn:extension:attr[subAttr eq \"78750\"].subAttr[subSub pr].this.is.crazy[type eq \"good\"].deep",
        "several filters and levels; the source calls it non-conforming",
    ),
];

#[test]
fn paths() {
    let Some((path, text)) = corpus("paths.jsonl") else { return };
    let (mut passed, mut disagreed, mut failures) = (0, 0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case");
        let (id, input, expect) = (
            case["id"].as_str().unwrap_or("?"),
            case["input"].as_str().unwrap_or(""),
            case["expect"].as_str().unwrap_or(""),
        );
        if PATH_DISAGREEMENTS.iter().any(|(p, _)| *p == input) {
            match PatchPath::parse(input) {
                Err(_) => disagreed += 1,
                Ok(p) => failures.push(format!("{id}: listed as a disagreement but parses as {p}")),
            }
            continue;
        }
        let result = match expect {
            "valid" => PatchPath::parse_with(input, &strict()),
            "lenient" => PatchPath::parse(input),
            _ => {
                match PatchPath::parse(input) {
                    Err(_) => passed += 1,
                    Ok(p) => failures.push(format!("{id}: {input:?} should be rejected, parses as {p}")),
                }
                continue;
            }
        };
        match result {
            Err(e) => failures.push(format!("{id}: {input:?} should parse: {e}")),
            Ok(p) => {
                if let Some(parsed) = case.get("parsed") {
                    // Our path as the corpus writes it: elements [{attr, filter?}, {attr: sub}?].
                    let mut first = serde_json::json!({"attr": p.attr.attr.to_lowercase()});
                    if let Some(f) = &p.filter {
                        first["filter"] = normal_tree(&f.to_json());
                    }
                    let mut ours = vec![first];
                    if let Some(sub) = p.sub_name() {
                        ours.push(serde_json::json!({"attr": sub.to_lowercase()}));
                    }
                    let theirs: Vec<Value> = parsed["elements"]
                        .as_array()
                        .map(|e| {
                            e.iter()
                                .map(|el| {
                                    let mut m = serde_json::json!({"attr": el["attr"].as_str().map(str::to_lowercase)});
                                    if let Some(f) = el.get("filter") {
                                        m["filter"] = normal_tree(f);
                                    }
                                    m
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let ok = p.attr.urn.as_deref() == parsed["urn"].as_str() && ours == theirs;
                    if !ok {
                        failures.push(format!("{id}: {input:?} parsed as {p:?}, want {parsed}"));
                        continue;
                    }
                }
                passed += 1;
            }
        }
    }
    println!(
        "conformance {}: {passed} passed, {disagreed} rejected on purpose (listed), {} failed",
        path.display(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Matches where the source's result contradicts RFC 7643/7644 (the corpus marks them CONFLICT):
/// we follow the RFC.
const MATCH_DISAGREEMENTS: &[(&str, &str)] = &[
    ("scimmy-m12", "RFC 7643 default caseExact false: \"MeganB\" contains \"A\" ignoring case"),
    ("scimmy-m88", "caseExact false (see scimmy-m12)"),
    ("scimmy-m229", "caseExact false (see scimmy-m12)"),
    ("scimple-m15", "RFC 7643 §4.1.1 lets a filter compare password for equality; schema-less evaluation does"),
];

#[test]
fn filter_match() {
    let Some((path, text)) = corpus("filter_match.jsonl") else { return };
    let (mut passed, mut disagreed, mut failures) = (0, 0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case");
        let id = case["id"].as_str().unwrap_or("?");
        let input = case["filter"].as_str().unwrap_or("");
        let f = match filter::parse(input) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{id}: {input:?} does not parse: {e}"));
                continue;
            }
        };
        let got = filter::matches(&f, &case["resource"]);
        let want = case["expect"].as_bool().unwrap_or(false);
        if MATCH_DISAGREEMENTS.iter().any(|(d, _)| *d == id) {
            if got == want {
                failures.push(format!("{id}: listed as a disagreement but agrees ({input})"));
            } else {
                disagreed += 1;
            }
            continue;
        }
        if got == want {
            passed += 1;
        } else {
            failures.push(format!("{id}: {input:?} gave {got}, want {want} ({})", case["note"].as_str().unwrap_or("")));
        }
    }
    println!(
        "conformance {}: {passed} passed, {disagreed} differ on purpose (listed), {} failed",
        path.display(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

use atlscim_core::schema::{self, ResourceKind, ResourceType, Schema};

/// SCIMMY's test resource type, as the corpus README describes it.
fn scimmy_schema() -> &'static ResourceType {
    let attr = |name: &str, ty: &str, extra: Value| {
        let mut a = serde_json::json!({"name": name, "type": ty, "multiValued": false, "required": false, "caseExact": false,
            "mutability": "readWrite", "returned": "default", "uniqueness": "none"});
        if let (Value::Object(a), Value::Object(e)) = (&mut a, extra) {
            a.extend(e);
        }
        a
    };
    let core: Schema = serde_json::from_value(serde_json::json!({"id": "urn:ietf:params:scim:schemas:Test", "name": "Test", "attributes": [
        attr("userName", "string", serde_json::json!({"required": true})),
        attr("displayName", "string", serde_json::json!({})),
        attr("nickName", "string", serde_json::json!({})),
        attr("password", "string", serde_json::json!({"returned": "never"})),
        attr("name", "complex", serde_json::json!({"subAttributes": [attr("formatted", "string", serde_json::json!({})), attr("honorificPrefix", "string", serde_json::json!({}))]})),
        attr("emails", "complex", serde_json::json!({"multiValued": true, "subAttributes": [attr("value", "string", serde_json::json!({})), attr("type", "string", serde_json::json!({}))]})),
        attr("members", "complex", serde_json::json!({"multiValued": true, "subAttributes": [
            attr("value", "string", serde_json::json!({"mutability": "immutable"})), attr("display", "string", serde_json::json!({"mutability": "immutable"})),
            attr("$ref", "reference", serde_json::json!({"mutability": "immutable"})), attr("type", "string", serde_json::json!({"mutability": "immutable"}))]})),
        attr("throws", "string", serde_json::json!({})),
        attr("date", "dateTime", serde_json::json!({})),
    ]}))
    .expect("SCIMMY schema");
    let ext: Schema = serde_json::from_value(
        serde_json::json!({"id": "urn:ietf:params:scim:schemas:Extension", "name": "Extension", "attributes": [
        attr("organization", "string", serde_json::json!({})), attr("test", "string", serde_json::json!({}))]}),
    )
    .expect("extension");
    let common = serde_json::from_value(serde_json::json!([attr(
        "id",
        "string",
        serde_json::json!({"mutability": "readOnly", "caseExact": true})
    )]))
    .expect("common");
    Box::leak(Box::new(ResourceType { kind: ResourceKind::User, core, common, extensions: vec![ext] }))
}

fn without_meta(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("meta");
    }
    v
}

/// What atlscim answers to a PATCH case where it disagrees with the corpus.
enum Answer {
    /// Refused: the rule, HTTP status and scimType.
    Error(&'static str, u16, &'static str),
    /// Applied: the resource after it (JSON, compared without `meta`).
    After(&'static str),
}

/// PATCH cases whose expected outcome contradicts RFC 7644 or our documented reading of a
/// non-RFC form: each states what atlscim answers instead, and the test checks that answer (and
/// that the corpus still says otherwise).
const PATCH_DISAGREEMENTS: &[(&str, Answer, &str)] = &[
    (
        "scimmy-p4",
        Answer::Error("RFC-P-002", 400, "invalidPath"),
        "unquoted filter value (members[value eq 123abc]): the path does not parse, as in filters.jsonl",
    ),
    ("scimmy-p12", Answer::Error("RFC-P-002", 400, "invalidPath"), "unquoted filter value (members[value eq 123abc])"),
    (
        "scimmy-p8",
        Answer::After(r#"{"id":"1234","userName":"asdf"}"#),
        "Entra ID sends \"$ref\": null for members that have a $ref; members are removed by value alone (pingidentity/scim2's reading), so both members go",
    ),
    (
        "scimmy-p14",
        Answer::After(r#"{"id":"1234","userName":"asdf","name":{"honorificPrefix":"Mr","formatted":"Test"}}"#),
        "CONFLICT: RFC 7644 §3.5.2.3 keeps the sub-attributes a complex replace does not give",
    ),
    (
        "scimmy-p25",
        Answer::Error("ATL-P-002", 400, "invalidSyntax"),
        "RFC 7644 §3.12: a malformed message (Operations a string) is invalidSyntax (SCIMMY answers invalidValue)",
    ),
    ("scimmy-p26", Answer::Error("ATL-P-002", 400, "invalidSyntax"), "no Operations: invalidSyntax (see scimmy-p25)"),
    (
        "scimmy-p27",
        Answer::Error("ATL-P-002", 400, "invalidSyntax"),
        "empty Operations: invalidSyntax (see scimmy-p25)",
    ),
    (
        "scimmy-p28",
        Answer::Error("RFC-P-001", 400, "invalidSyntax"),
        "an operation that is a string: invalidSyntax (see scimmy-p25)",
    ),
    ("scimmy-p29", Answer::Error("RFC-P-001", 400, "invalidSyntax"), "an operation that is true: invalidSyntax"),
    ("scimmy-p30", Answer::Error("RFC-P-001", 400, "invalidSyntax"), "an operation that is an array: invalidSyntax"),
    ("scimmy-p31", Answer::Error("ATL-P-003", 400, "invalidSyntax"), "an operation without op: invalidSyntax"),
    ("scimmy-p32", Answer::Error("ATL-P-003", 400, "invalidSyntax"), "an operation without op: invalidSyntax"),
    (
        "unboundid-p20",
        Answer::After(
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"addresses":[{"type":"home","streetAddress":"7 Mile Rd."}]}"#,
        ),
        "CONFLICT: RFC 7644 §3.5.2.1 add replaces an existing single-valued sub-attribute; UnboundID refuses",
    ),
    (
        "unboundid-p21",
        Answer::After(
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"photos":[{"type":"thumbnail","value":"https://example.com/2.png"}]}"#,
        ),
        "UnboundID refuses to add over a sub-attribute an earlier add set; RFC 7644 §3.5.2.1 replaces it",
    ),
    (
        "unboundid-p23",
        Answer::Error("RFC-T-001", 400, "invalidValue"),
        "a value of the wrong type is invalidValue (RFC 7644 §3.12); UnboundID answers invalidSyntax",
    ),
    (
        "unboundid-p24",
        Answer::Error("RFC-P-002", 400, "invalidPath"),
        "a value filter on a single-valued attribute is a path naming no valid target: invalidPath (UnboundID: invalidSyntax)",
    ),
    (
        "unboundid-p25",
        Answer::Error("RFC-T-001", 400, "invalidValue"),
        "ims[type eq \"skype\"] is a valid path; the string value is what is wrong, so invalidValue (UnboundID: invalidPath)",
    ),
];

#[test]
fn patch() {
    let Some((path, text)) = corpus("patch.jsonl") else { return };
    let (mut passed, mut disagreed, mut failures) = (0, 0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case");
        let id = case["id"].as_str().unwrap_or("?");
        let note = case["note"].as_str().unwrap_or("");
        let kind = if case["resource_type"] == "Group" { ResourceKind::Group } else { ResourceKind::User };
        let rt: Option<&'static ResourceType> = match case["src"].as_str() {
            Some("scimmyjs/scimmy") => Some(scimmy_schema()),
            Some("pingidentity/scim2") if note.contains("schema-less") => None,
            _ => Some(schema::RFC.resource(kind)),
        };
        let lenient = case["lenient"] == true;
        let profile = Profile::rfc().with_lenient(lenient);
        let before = &case["before"];
        let reading = atlscim_core::patch::read(&case["patch"], &profile, rt, Some(before));
        let result = match reading.first_error() {
            Some(e) => Err(e),
            None => atlscim_core::patch::apply(
                before,
                &reading.operations,
                rt,
                atlscim_core::patch::ApplyOptions { lenient, ..Default::default() },
            ),
        };
        let outcome = match (&result, case.get("after"), case.get("error")) {
            (Ok(got), Some(after), _) if without_meta(got) == without_meta(after) => Ok(()),
            (Ok(got), Some(after), _) => Err(format!("after\n    got  {got}\n    want {after}")),
            (Err(e), Some(_), _) => Err(format!("failed: {e}")),
            (Err(e), None, Some(want)) => {
                let status_ok = want["status"].as_u64() == Some(u64::from(e.status()));
                let type_ok = want["scimType"].is_null() || want["scimType"].as_str() == e.scim_type();
                if status_ok && type_ok { Ok(()) } else { Err(format!("error {e}, want {want}")) }
            }
            (Ok(got), None, _) => Err(format!("applied ({got}), want error {}", case["error"])),
            (Err(e), None, None) => Err(format!("no expectation; got {e}")),
        };
        let Some((_, answer, why)) = PATCH_DISAGREEMENTS.iter().find(|(d, _, _)| *d == id) else {
            match outcome {
                Ok(()) => passed += 1,
                Err(why) => failures.push(format!(
                    "{id} ({}, lenient {lenient}): {why}\n    ops {}\n    note {note}",
                    case["dialect"], case["patch"]["Operations"]
                )),
            }
            continue;
        };
        // A listed case must still disagree with the corpus, and give exactly the stated answer.
        if outcome.is_ok() {
            failures.push(format!("{id}: listed as a disagreement ({why}) but agrees with the corpus"));
            continue;
        }
        let stated = match (answer, &result) {
            (Answer::Error(rule, status, scim_type), Err(e)) => {
                (e.issue().rule().id(), e.status(), e.scim_type()) == (*rule, *status, Some(*scim_type))
            }
            (Answer::After(after), Ok(got)) => {
                let want: Value = serde_json::from_str(after).expect("the stated resource is JSON");
                without_meta(got) == want
            }
            _ => false,
        };
        if stated {
            disagreed += 1;
        } else {
            let got = match &result {
                Ok(v) => format!("applied: {}", without_meta(v)),
                Err(e) => format!("refused: {} {} {:?} ({e})", e.issue().rule().id(), e.status(), e.scim_type()),
            };
            failures.push(format!("{id}: atlscim's stated answer changed ({why})\n    got  {got}"));
        }
    }
    println!(
        "conformance {}: {passed} passed, {disagreed} differ on purpose (listed), {} failed",
        path.display(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
