//! One home per rule (issue 12, item 2): a rule constant of the registry is named in one module
//! of core/src (a file), besides `rules.rs` itself and unit tests. The rules still named in more
//! than one are listed below, each with why; the list may only shrink: the test fails when a rule
//! not listed is named in two modules, and when a listed one is down to one (take it off the
//! list). An Atlassian rule that refines an RFC rule at an attribute is data in
//! `rules::REFINEMENTS`, not a second mention in the walker.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;
use common::rust_files;

/// The rules named in more than one module today, and why. Shrink it; never grow it.
const ALLOWED: &[(&str, &str)] = &[
    ("ATL-P-004", "remove with a value is read (patch/read) and met again when applied by value (patch/apply)"),
    ("ATL-U-004", "the walk checks email syntax; mapping reports an IdP email it could not map"),
    ("ATL-U-012", "the walk checks a sent time zone; mapping reports the one it normalized from an IdP value"),
    ("ATL-U-013", "the walk checks a sent language tag; mapping reports the one it normalized from an IdP value"),
    ("ATL-U-020", "judged on the account (check/state); mapping reports names it reconciled (mapping/user)"),
    (
        "RFC-J-002",
        "a body of the wrong shape, met by each reader: check, request_kinds, walker/resource, patch/read, patch/apply",
    ),
    ("RFC-P-003", "a read-only target, seen when the PatchOp is read (patch/read) and when applied (patch/apply)"),
    ("RFC-P-004", "a missing value, seen when the PatchOp is read (patch/read) and when applied (patch/apply)"),
    ("RFC-P-005", "a bad value filter, seen when the PatchOp is read (patch/read) and when applied (patch/apply)"),
    ("RFC-P-006", "a value that does not fit its target, read (patch/read) and applied (patch/apply)"),
];

/// The code of a source file without comment lines and without inline `#[cfg(test)] mod … { … }`
/// modules (rustfmt closes them with a `}` in the first column).
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t == "#[cfg(test)]" && lines.peek().is_some_and(|l| l.trim_start().starts_with("mod ") && l.ends_with('{')) {
            for l in lines.by_ref() {
                if l == "}" {
                    break;
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The rule ids named in `code`: identifiers spelling a registry constant (`ATL_U_007`), with the
/// variants of a rule (`ATL_G_005_PATCH`) counted as the rule.
fn rules_named(code: &str, constants: &BTreeMap<String, &'static str>) -> BTreeSet<&'static str> {
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter_map(|ident| {
            let variant = ident.as_bytes().get(9) == Some(&b'_');
            constants.get(ident).or_else(|| constants.get(ident.get(..9)?).filter(|_| variant))
        })
        .copied()
        .collect()
}

fn constants() -> BTreeMap<String, &'static str> {
    atlscim_core::rules::RULES.iter().map(|r| (r.id().replace('-', "_"), r.id())).collect()
}

/// Rule id → the modules (files under core/src) naming it, rules.rs aside.
fn homes() -> BTreeMap<&'static str, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let constants = constants();
    let mut homes: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let name = file.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
        if name == "rules.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for id in rules_named(&code(&text), &constants) {
            homes.entry(id).or_default().insert(name.clone());
        }
    }
    homes
}

#[test]
fn the_scanner_finds_rules_in_code_only() {
    let constants = constants();
    let text = "use crate::rules::{self, ATL_U_001};\n\
                // RFC_T_001 in a comment\n\
                fn f() { g(&rules::RFC_T_002); h(&rules::ATL_G_005_PATCH); NOT_ATL_U_002(); }\n\
                #[cfg(test)]\n\
                mod tests {\n    fn t() { x(&rules::RFC_A_001); }\n}\n\
                fn after() { y(&rules::RFC_A_003) }\n";
    let found: Vec<_> = rules_named(&code(text), &constants).into_iter().collect();
    assert_eq!(found, ["ATL-G-005", "ATL-U-001", "RFC-A-003", "RFC-T-002"]);
}

#[test]
fn every_rule_has_one_home_outside_the_allowlist() {
    let homes = homes();
    let allowed: BTreeMap<&str, &str> = ALLOWED.iter().copied().collect();
    assert_eq!(allowed.len(), ALLOWED.len(), "a rule is listed twice in ALLOWED");
    let mut wrong = Vec::new();
    for (id, modules) in &homes {
        if modules.len() > 1 && !allowed.contains_key(id) {
            wrong.push(format!("{id} is named in {modules:?}: give it one home (or a refinement in rules.rs)"));
        }
    }
    for id in allowed.keys() {
        let n = homes.get(id).map_or(0, BTreeSet::len);
        if n <= 1 {
            wrong.push(format!("{id} is named in {n} module(s) now: take it off ALLOWED"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The walk has no profile branches (issue 12, item 2): which Atlassian rule runs at an attribute
/// is a tag on Atlassian's schema (`schema::AtlassianCheck`), which refinements apply is the
/// profile's (`Profile::refinements`), and what the schemas narrow and alias is the schema set's.
#[test]
fn the_walk_does_not_ask_the_profile_which_it_is() {
    let asking = asking_the_profile("src/walk", 5, &[]);
    assert!(asking.is_empty(), "walk files branch on the profile: {asking:?}");
}

/// Neither does the routing (issue 12, item 1): the server's rules on a request as a whole are
/// reached through `check::atlassian::ServerRules`, picked once in that file.
#[test]
fn the_routing_reaches_the_server_rules_through_hooks() {
    let asking = asking_the_profile("src/check", 6, &["atlassian.rs"]);
    assert!(asking.is_empty(), "check files branch on the profile outside check/atlassian.rs: {asking:?}");
}

/// Nor does PATCH: the Atlassian rules a PatchOp meets (a group rename, a membership replaced
/// whole, emails re-sent unchanged, the display name overwriting the names) are tags on
/// Atlassian's schemas (`schema::AtlassianCheck`), read where the operation reaches the attribute.
#[test]
fn patch_does_not_ask_the_profile_which_it_is() {
    let asking = asking_the_profile("src/patch", 6, &[]);
    assert!(asking.is_empty(), "patch files branch on the profile: {asking:?}");
}

/// The files under `dir` (at least `at_least` of them) that name the profile's kind, but for
/// those named `except`.
fn asking_the_profile(dir: &str, at_least: usize, except: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    assert!(files.len() > at_least, "{dir} has its files");
    let mut asking = Vec::new();
    for file in files {
        if file.file_name().is_some_and(|n| except.iter().any(|e| n == *e)) {
            continue;
        }
        let text = code(&std::fs::read_to_string(&file).expect("read a source file"));
        if ["is_atlassian", "ProfileKind", "is_rfc"].iter().any(|w| text.contains(w)) {
            asking.push(file.display().to_string());
        }
    }
    asking
}
