//! Reports: the verdict on one request.
//!
//! A [`Report`] lists every [`Issue`] found, in document order, each pointing at its rule in the
//! registry ([`crate::rules`]), the SCIM attribute path, the RFC 6901 pointer into the body, and a
//! readable detail. Its JSON form is the same from every binding and the CLI (see DESIGN.md).

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::request::Body;
use crate::rules::Rule;
pub use crate::rules::Severity;
use crate::schema::ERROR_URN;
use crate::syntax::json_text;
use crate::walk::fix;
use crate::walk::fix::Fixes;
use crate::walk::loc::Loc;

/// One finding, located in the body.
#[derive(Clone, PartialEq, Eq)]
pub struct Issue {
    pub(crate) severity: Severity,
    pub(crate) rule: &'static Rule,
    /// The path, the pointer and the detail one after the other: a report of many issues costs one
    /// allocation per issue, not three (the reports of a whole export are mostly issues).
    text: String,
    path_end: usize,
    pointer_end: usize,
}

impl std::fmt::Debug for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issue")
            .field("severity", &self.severity)
            .field("rule", &self.rule.id)
            .field("path", &self.path())
            .field("pointer", &self.pointer())
            .field("detail", &self.detail())
            .finish()
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Rule {}

impl Issue {
    /// An issue at `path` and `pointer`.
    pub(crate) fn new(severity: Severity, rule: &'static Rule, path: &str, pointer: &str, detail: &str) -> Issue {
        let mut text = String::with_capacity(path.len() + pointer.len() + detail.len());
        text.push_str(path);
        text.push_str(pointer);
        text.push_str(detail);
        Issue { severity, rule, text, path_end: path.len(), pointer_end: path.len() + pointer.len() }
    }

    /// An issue at `loc`, its path and pointer written straight into the issue's one string.
    pub(crate) fn at(severity: Severity, rule: &'static Rule, loc: &Loc<'_>, detail: &str) -> Issue {
        let mut text = String::new();
        let (path_end, pointer_end) = loc.write_path_and_pointer(&mut text, detail.len());
        text.push_str(detail);
        Issue { severity, rule, text, path_end, pointer_end }
    }

    /// How serious it is: the rule's severity, or lower where the profile is lenient.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The rule broken, in the registry ([`crate::rules`]).
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }

    /// SCIM attribute path, e.g. `emails[1].value` or
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
    pub fn path(&self) -> &str {
        &self.text[..self.path_end]
    }

    /// RFC 6901 pointer into the request body, e.g. `/emails/1/value`.
    pub fn pointer(&self) -> &str {
        &self.text[self.path_end..self.pointer_end]
    }

    /// What is wrong, readable.
    pub fn detail(&self) -> &str {
        &self.text[self.pointer_end..]
    }

    /// The HTTP status the server would answer for this issue: an error's, and for an issue that
    /// reports a lenient fix, the status Atlassian would answer to the body as sent (400 for a
    /// missing `schemas`; `None` where Atlassian takes both forms, such as Entra ID's `Replace`).
    /// `None` for other warnings and infos.
    pub fn status(&self) -> Option<u16> {
        match self.severity {
            Severity::Error => self.rule.status,
            _ => refused_as_sent(self),
        }
    }

    /// The scimType the server would answer for this issue (where it sends one): an error's, and
    /// for a lenient fix the one Atlassian would answer to the body as sent, as [`Issue::status`].
    pub fn scim_type(&self) -> Option<&'static str> {
        match self.severity {
            Severity::Error => self.rule.scim_type,
            _ => refused_as_sent(self).and(self.rule.scim_type),
        }
    }
}

impl Serialize for Issue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("severity", &self.severity)?;
        map.serialize_entry("rule", self.rule.id)?;
        map.serialize_entry("path", self.path())?;
        map.serialize_entry("pointer", self.pointer())?;
        map.serialize_entry("status", &self.status())?;
        map.serialize_entry("scimType", &self.scim_type())?;
        map.serialize_entry("detail", self.detail())?;
        map.end()
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.severity.as_str(), self.rule.id)?;
        if !self.path().is_empty() {
            write!(f, " at {}", self.path())?;
        }
        write!(f, ": {}", self.detail())
    }
}

/// The issues of one report, at most `limits.max_issues` of them (plus one that says how many
/// more were found), so that a body of millions of wrong values costs a report of a fixed size.
///
/// Which issues are kept when there are too many: errors before warnings before infos, and within
/// a severity the first ones in report order; the first error is always kept (it decides the
/// status), and so is any issue pushed as pinned (a PatchOp message's first structural error,
/// which decides what `apply_patch` answers). The kept issues stay in report order. Those left
/// out are counted, by severity and by rule, and the last issue of the report says so
/// ([`rules::RFC_J_006`]).
#[derive(Debug, Clone)]
pub(crate) struct Issues {
    kept: Vec<Issue>,
    /// The rank of each kept issue (see `rank`), to find what to drop when a higher one comes.
    ranks: Vec<u8>,
    kept_by_rank: [u32; RANKS],
    max: usize,
    first_error_seen: bool,
    /// The last kept issue is the summary of those left out.
    marker: bool,
    omitted_total: usize,
    /// By severity and by rule (made when the first issue is left out).
    omitted: Option<Box<Omitted>>,
}

const RANKS: usize = 5;
/// The issues a report makes room for at its first.
const FIRST_ROOM: usize = 8;
const PINNED: u8 = 3;
const FIRST_ERROR: u8 = 4;

/// What was left out of a report, by severity and by rule.
#[derive(Debug, Clone, Default)]
struct Omitted {
    by_severity: [usize; 3],
    by_rule: rustc_hash::FxHashMap<&'static str, usize>,
}

impl Issues {
    pub(crate) fn new(max: usize) -> Issues {
        Issues {
            kept: Vec::new(),
            ranks: Vec::new(),
            kept_by_rank: [0; RANKS],
            max: max.max(1),
            first_error_seen: false,
            marker: false,
            omitted_total: 0,
            omitted: None,
        }
    }

    /// Adds an issue, or counts it as left out when the report is full of issues that rank
    /// higher.
    pub(crate) fn push(&mut self, issue: Issue) {
        self.push_ranked(issue, false);
    }

    /// Adds an issue that must be kept even when the report is full (at most a few per report).
    pub(crate) fn push_pinned(&mut self, issue: Issue) {
        self.push_ranked(issue, true);
    }

    /// Whether an issue of `severity` would be kept: callers that build a costly detail for
    /// every value may ask first (an issue left out is still counted with [`Issues::count_omitted`]).
    pub(crate) fn has_room(&self, severity: Severity) -> bool {
        self.kept.len() - usize::from(self.marker) < self.max
            || (severity == Severity::Error && !self.first_error_seen)
            || self.lowest_rank().is_some_and(|low| low < severity as u8)
    }

    /// Counts an issue left out without building it (see [`Issues::has_room`]).
    pub(crate) fn count_omitted(&mut self, severity: Severity, rule: &'static Rule) {
        self.omit(severity, rule.id, 1);
    }

    fn omit(&mut self, severity: Severity, rule: &'static str, n: usize) {
        self.omitted_total += n;
        let o = self.omitted.get_or_insert_default();
        o.by_severity[severity as usize] += n;
        *o.by_rule.entry(rule).or_default() += n;
    }

    fn lowest_rank(&self) -> Option<u8> {
        self.kept_by_rank.iter().position(|&n| n > 0).map(|r| r as u8)
    }

    fn push_ranked(&mut self, issue: Issue, pinned: bool) {
        self.unmark();
        let mut rank = issue.severity as u8;
        if issue.severity == Severity::Error && !self.first_error_seen {
            self.first_error_seen = true;
            rank = FIRST_ERROR;
        } else if pinned {
            rank = PINNED;
        }
        if self.kept.len() >= self.max {
            match self.lowest_rank() {
                Some(low) if low < rank => {
                    // Drop the last kept issue of the lowest rank: the kept issues stay the
                    // first ones of each rank.
                    if let Some(i) = self.ranks.iter().rposition(|&r| r == low) {
                        let dropped = self.kept.remove(i);
                        self.ranks.remove(i);
                        self.kept_by_rank[low as usize] -= 1;
                        self.omit(dropped.severity, dropped.rule.id, 1);
                    }
                }
                // Pinned issues are few (the first error, one structural error): they may go
                // past the cap rather than be lost.
                _ if rank >= PINNED => {}
                _ => {
                    self.omit(issue.severity, issue.rule.id, 1);
                    return;
                }
            }
        }
        if self.kept.capacity() == 0 {
            // A body with one issue usually has several (a typical Entra ID user sends six
            // attributes Atlassian does not store): room for eight at once, not 4 then 8.
            self.kept.reserve_exact(FIRST_ROOM.min(self.max));
        }
        self.kept.push(issue);
        self.ranks.push(rank);
        self.kept_by_rank[rank as usize] += 1;
    }

    /// Adds every issue of `other` (kept and left out) after these.
    pub(crate) fn extend(&mut self, mut other: Issues) {
        other.unmark();
        for issue in other.kept {
            self.push(issue);
        }
        self.unmark();
        if let Some(o) = other.omitted {
            self.omitted_total += other.omitted_total;
            let mine = self.omitted.get_or_insert_default();
            for (s, n) in o.by_severity.iter().enumerate() {
                mine.by_severity[s] += n;
            }
            for (rule, n) in o.by_rule {
                *mine.by_rule.entry(rule).or_default() += n;
            }
        }
    }

    /// How many issues were found but left out.
    pub(crate) fn omitted(&self) -> usize {
        self.omitted_total
    }

    /// The issues left out, by rule id.
    pub(crate) fn omitted_by_rule(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        self.omitted.iter().flat_map(|o| o.by_rule.iter().map(|(r, n)| (*r, *n)))
    }

    /// The kept issues, in report order, ending with the summary of those left out (if any).
    pub(crate) fn as_slice(&self) -> &[Issue] {
        &self.kept
    }

    pub(crate) fn len(&self) -> usize {
        self.kept.len()
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Issue> {
        self.kept.iter()
    }

    /// Ends the list: appends the issue that says how many were left out, when some were.
    pub(crate) fn finish(&mut self) {
        let Some(o) = self.omitted.as_deref().filter(|_| !self.marker) else {
            return;
        };
        let [infos, warnings, errors] = o.by_severity;
        let severity = if errors + warnings > 0 { Severity::Warning } else { Severity::Info };
        let mut rules: Vec<(&str, usize)> = o.by_rule.iter().map(|(r, n)| (*r, *n)).collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = rules.iter().take(5).map(|(r, n)| format!("{r} ×{n}")).collect();
        let more = if rules.len() > 5 { format!(", {} more rules", rules.len() - 5) } else { String::new() };
        let n = |count: usize, what: &str| format!("{count} {what}{}", if count == 1 { "" } else { "s" });
        let detail = format!(
            "{} more {} found and left out of this report (limits.max_issues is {}): {}, {}, {} ({}{more}); errors are kept first",
            self.omitted_total,
            if self.omitted_total == 1 { "issue was" } else { "issues were" },
            self.max,
            n(errors, "error"),
            n(warnings, "warning"),
            n(infos, "info"),
            shown.join(", "),
        );
        self.kept.push(Issue::new(severity, &crate::rules::RFC_J_006, "", "", &detail));
        self.ranks.push(0);
        self.marker = true;
    }

    /// Removes the summary issue so that more issues can be added (then call `finish` again).
    fn unmark(&mut self) {
        if self.marker {
            self.kept.pop();
            self.ranks.pop();
            self.marker = false;
        }
    }
}

/// The verdict on one request.
///
/// The body as it should be sent (`normalized`) is not built during the check: the check records
/// the lenient fixes, and [`Report::normalized_value`] or [`Report::to_json`] apply them to the
/// checked body when asked. A valid request with nothing to fix costs no copy at all.
///
/// A report holds at most `limits.max_issues` issues; [`Report::omitted`] says how many more
/// were found (the last issue, rule RFC-J-006, says so too).
#[derive(Debug, Clone)]
pub struct Report {
    pub(crate) issues: Issues,
    pub(crate) fixes: Fixes,
    /// False when the body could not be read (not JSON, not an object, over a limit).
    pub(crate) readable: bool,
    /// A valid PATCH whose every operation lenient mode dropped: `normalized` is null.
    pub(crate) nothing_to_send: bool,
}

impl PartialEq for Report {
    fn eq(&self, other: &Report) -> bool {
        self.issues.as_slice() == other.issues.as_slice()
            && self.issues.omitted() == other.issues.omitted()
            && self.readable == other.readable
            && self.nothing_to_send == other.nothing_to_send
            && self.fixes.len() == other.fixes.len()
    }
}

impl Report {
    pub(crate) fn new(mut issues: Issues, fixes: Fixes, readable: bool) -> Report {
        issues.finish();
        Report { issues, fixes, readable, nothing_to_send: false }
    }

    /// The report of a valid PATCH that leaves nothing to send (see [`Report::nothing_to_send`]).
    pub(crate) fn leaving_nothing_to_send(mut self) -> Report {
        self.nothing_to_send = true;
        self
    }

    /// The same report with at most `max` issues kept from now on.
    pub(crate) fn capped(mut self, max: usize) -> Report {
        self.issues.max = max.max(1);
        self
    }

    /// Adds an issue after the check (the batch rules), within the report's cap.
    pub(crate) fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
        self.issues.finish();
    }

    /// True when no issue is an error: Atlassian would accept the request.
    pub fn valid(&self) -> bool {
        !self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The HTTP status Atlassian would answer: that of the first error, `None` when valid.
    pub fn status(&self) -> Option<u16> {
        self.first_error().and_then(Issue::status)
    }

    /// The HTTP status Atlassian would answer to the body as it was sent, not to `normalized`:
    /// that of the first error, else that of the first lenient fix of something Atlassian refuses
    /// (a missing `schemas` is 400), `None` when Atlassian accepts the body as sent too (it takes
    /// both forms of what lenient mode rewrote, such as Entra ID's `Replace` or Okta's path-less
    /// replace). In strict mode it is [`Report::status`]. A caller that sends the original body
    /// rather than `normalized` gets this answer.
    pub fn sent_status(&self) -> Option<u16> {
        self.status().or_else(|| self.issues.iter().find_map(Issue::status))
    }

    /// Every issue kept, in document order (at most `limits.max_issues`, then one that says how
    /// many more were found).
    pub fn issues(&self) -> &[Issue] {
        self.issues.as_slice()
    }

    /// How many issues were found but left out of [`Report::issues`] (`limits.max_issues`).
    pub fn omitted(&self) -> usize {
        self.issues.omitted()
    }

    /// The first error, the one a server would most likely answer with.
    pub fn first_error(&self) -> Option<&Issue> {
        self.issues.iter().find(|i| i.severity == Severity::Error)
    }

    /// Whether lenient fixes change the body: when false, send the body as checked.
    pub fn changes_body(&self) -> bool {
        self.readable && !self.fixes.is_empty()
    }

    /// Whether the body could be read at all; when false there is nothing to send.
    pub fn readable(&self) -> bool {
        self.readable
    }

    /// Whether there is nothing left to send: the request is valid and lenient mode dropped every
    /// operation of its PatchOp as a no-op (renaming a group to its own name, replacing emails
    /// with the same emails) or as an attribute Atlassian does not store. A PatchOp with an empty
    /// `Operations` is one Atlassian refuses (ATL-P-002), so `normalized` is null then, and the
    /// info issues say why each operation was dropped: the resource already is as asked, and a
    /// connector sends nothing.
    pub fn nothing_to_send(&self) -> bool {
        // A batch rule may have made the request invalid since.
        self.nothing_to_send && self.valid()
    }

    /// The body as it should be sent: the checked body with the lenient fixes applied.
    /// `body` must be the body that was checked. `None` when the body could not be read.
    pub fn normalized_value(&self, body: Option<&Body<'_>>) -> Option<Value> {
        if !self.readable || self.nothing_to_send() {
            return None;
        }
        match body? {
            Body::Json(bytes) if self.fixes.is_empty() => serde_json::from_slice(bytes).ok(),
            Body::Json(_) => serde_json::from_str(&self.normalized_json(body)?).ok(),
            Body::Value(v) => Some(fix::fixed(v, &self.fixes)),
        }
    }

    /// The body as it should be sent, as JSON text: the checked text with the fixes written in
    /// place (no tree is built, so it costs about the body's size). `None` when the body could
    /// not be read.
    pub fn normalized_json(&self, body: Option<&Body<'_>>) -> Option<String> {
        if !self.readable || self.nothing_to_send() {
            return None;
        }
        match body? {
            Body::Json(bytes) => {
                let text = std::str::from_utf8(bytes).ok()?.trim();
                match self.fixes.is_empty() {
                    true => is_json(text).then(|| text.to_owned()),
                    false => fix::rewrite(text, &self.fixes),
                }
            }
            Body::Value(v) if self.fixes.is_empty() => Some(json_text(v)),
            Body::Value(v) => fix::rewrite(&json_text(v), &self.fixes),
        }
    }

    /// The lenient fixes as data: what `normalized` changes in the body as checked, for a caller
    /// that applies them to its own copy of the body (its own JSON tree). An array of operations,
    /// in the order the check recorded them:
    ///
    /// - `{"op": "replace", "path", "value"}`: put `value` at the JSON pointer `path`;
    /// - `{"op": "remove", "path"}`: drop the object member at `path`;
    /// - `{"op": "rename", "from", "to"}`: rename the top-level member `from` to `to`; when `to` is
    ///   there too, the members of `from` join it (those `to` already has win);
    /// - `{"op": "addSchema", "value"}`: add the URN to `schemas` (creating it when missing, never
    ///   twice);
    /// - `{"op": "moveIntoExtension", "from", "to", "name"}`: move the top-level member `from` into
    ///   the extension object `to` as `name` (what the extension already says wins).
    ///
    /// Pointers are those of the body as checked: fixes never remove array elements, so none
    /// shifts another; where two replace the same place, the later wins. Empty when nothing is
    /// fixed or the body could not be read.
    pub fn fixes_json(&self) -> Value {
        if !self.readable {
            return Value::Array(Vec::new());
        }
        self.fixes.to_json()
    }

    /// Applies this report's fixes to a body value the caller already holds (bindings use it to
    /// normalize their own copy of the body).
    pub fn apply_fixes(&self, value: &mut Value) {
        fix::apply(value, &self.fixes);
    }

    /// The report as JSON text (the shape in DESIGN.md). `body` is the body that was checked:
    /// when no fix was needed, `normalized` is that body, copied as is.
    pub fn to_json(&self, body: Option<&Body<'_>>) -> String {
        self.write_json(body, None)
    }

    /// The report as JSON text with one more member, `"source"` (the CLI says where each
    /// report of a batch came from).
    pub fn to_json_with_source(&self, body: Option<&Body<'_>>, source: &str) -> String {
        self.write_json(body, Some(source))
    }

    /// Writes the report member by member, the normalized body straight into the output (the
    /// body's text with the fixes written in), so a report costs about its own size.
    fn write_json(&self, body: Option<&Body<'_>>, source: Option<&str>) -> String {
        // Serializing these into a String cannot fail.
        fn json<T: Serialize + ?Sized>(v: &T) -> String {
            serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
        }
        let mut out = String::with_capacity(256 + body.map_or(0, |b| if let Body::Json(t) = b { t.len() } else { 0 }));
        out.push_str("{\"valid\":");
        out.push_str(&json(&self.valid()));
        out.push_str(",\"status\":");
        out.push_str(&json(&self.status()));
        out.push_str(",\"issues\":");
        out.push_str(&json(self.issues.as_slice()));
        out.push_str(",\"omitted\":");
        out.push_str(&json(&self.issues.omitted()));
        out.push_str(",\"sentStatus\":");
        out.push_str(&json(&self.sent_status()));
        out.push_str(",\"normalized\":");
        let written = match body {
            _ if !self.readable || self.nothing_to_send() => false,
            Some(Body::Json(bytes)) => match std::str::from_utf8(bytes) {
                Ok(text) if self.fixes.is_empty() => {
                    // A body the check did not read (GET, DELETE) may be anything.
                    let json = is_json(text);
                    if json {
                        out.push_str(text.trim());
                    }
                    json
                }
                Ok(text) => fix::rewrite_into(text, &self.fixes, &mut out),
                Err(_) => false,
            },
            Some(Body::Value(v)) if self.fixes.is_empty() => {
                out.push_str(&json_text(v));
                true
            }
            Some(Body::Value(v)) => fix::rewrite_into(&json_text(v), &self.fixes, &mut out),
            None => false,
        };
        if !written {
            out.push_str("null");
        }
        if let Some(source) = source {
            out.push_str(",\"source\":");
            out.push_str(&json(&source));
        }
        out.push('}');
        out
    }

    /// The report as a JSON value (see [`Report::to_json`]), built member by member: no text is
    /// written and read back. `normalized` is [`Report::normalized_value`].
    pub fn to_json_value(&self, body: Option<&Body<'_>>) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("valid".into(), Value::Bool(self.valid()));
        map.insert("status".into(), self.status().map_or(Value::Null, Value::from));
        // Issues serialize to plain JSON (strings, numbers, null), which cannot fail.
        let issues = serde_json::to_value(self.issues.as_slice()).unwrap_or(Value::Null);
        map.insert("issues".into(), issues);
        map.insert("omitted".into(), Value::from(self.issues.omitted()));
        map.insert("sentStatus".into(), self.sent_status().map_or(Value::Null, Value::from));
        map.insert("normalized".into(), self.normalized_value(body).unwrap_or(Value::Null));
        Value::Object(map)
    }

    /// The SCIM Error message (RFC 7644 §3.12) a server would answer, for the first error.
    /// `status` is a string, as RFC 7644 and Atlassian write it.
    pub fn to_scim_error(&self) -> Option<Value> {
        let issue = self.first_error()?;
        let mut err = serde_json::Map::new();
        err.insert("schemas".into(), Value::from(vec![ERROR_URN]));
        err.insert("status".into(), Value::from(issue.status().unwrap_or(400).to_string()));
        if let Some(t) = issue.scim_type() {
            err.insert("scimType".into(), Value::from(t));
        }
        err.insert("detail".into(), Value::from(issue.detail()));
        Some(Value::Object(err))
    }

    /// A short human summary: the verdict and the first issues.
    pub fn summary(&self, max_issues: usize) -> String {
        let mut s = match self.status() {
            None => "valid".to_string(),
            Some(status) => format!("invalid ({status})"),
        };
        for issue in self.issues.iter().take(max_issues) {
            let _ = write!(s, "; {issue}");
        }
        if self.issues.len() > max_issues {
            let _ = write!(s, "; … {} more", self.issues.len() - max_issues);
        }
        s
    }
}

/// The status Atlassian answers to the body as sent, for an info issue that reports a lenient fix:
/// that of its rule when the rule is an error Atlassian answers (the body as sent breaks it), none
/// for the forms Atlassian accepts as well as the rewritten one.
fn refused_as_sent(issue: &Issue) -> Option<u16> {
    // Forms identity providers send and Atlassian accepts: `operations` (Atlassian's own OpenAPI
    // spelling), Entra ID's capitalised ops and remove by value, Okta's path-less replace, a
    // replace through a filter that matches nothing (Entra ID), a group renamed to its own name.
    const ACCEPTED: [&str; 5] = ["ATL-P-002", "ATL-P-003", "ATL-P-004", "RFC-P-004", "ATL-G-002"];
    // A PATCH operation on an attribute Atlassian does not store is dropped with a warning.
    let dropped = issue.severity == Severity::Warning && issue.rule.id == "ATL-P-005";
    let fix = dropped || (issue.severity == Severity::Info && issue.rule.severity == Severity::Error);
    if !fix || ACCEPTED.contains(&issue.rule.id) {
        return None;
    }
    issue.rule.status
}

/// Whether `text` is one JSON value (read without building it).
fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

impl Serialize for Report {
    /// Serializes without the checked body, so `normalized` is null. Use [`Report::to_json`] to
    /// include it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("valid", &self.valid())?;
        map.serialize_entry("status", &self.status())?;
        map.serialize_entry("issues", self.issues.as_slice())?;
        map.serialize_entry("omitted", &self.issues.omitted())?;
        map.serialize_entry("sentStatus", &self.sent_status())?;
        map.serialize_entry("normalized", &Value::Null)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn issue(severity: Severity, n: usize) -> Issue {
        Issue::new(severity, &rules::RFC_T_001, "", &format!("/{n}"), "")
    }

    /// What a full report keeps: the `max` highest ranked (the first error highest, then errors,
    /// warnings, infos), the earlier first within a rank, in report order.
    fn expected(severities: &[Severity], max: usize) -> Vec<String> {
        let first_error = severities.iter().position(|s| *s == Severity::Error);
        let rank = |i: usize| if Some(i) == first_error { 4 } else { severities[i] as u8 };
        let mut order: Vec<usize> = (0..severities.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(rank(i)), i));
        let mut kept: Vec<usize> = order.into_iter().take(max).collect();
        kept.sort();
        kept.into_iter().map(|i| format!("/{i}")).collect()
    }

    fn kept(issues: &Issues) -> Vec<String> {
        issues.iter().filter(|i| i.rule.id != "RFC-J-006").map(|i| i.pointer().to_string()).collect()
    }

    #[test]
    fn a_full_report_keeps_errors_first_in_report_order() {
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..300 {
            let n = next() % 40;
            let max = 1 + next() % 8;
            let severities: Vec<Severity> =
                (0..n).map(|_| [Severity::Info, Severity::Warning, Severity::Error][next() % 3]).collect();
            let mut issues = Issues::new(max);
            for (i, s) in severities.iter().enumerate() {
                issues.push(issue(*s, i));
            }
            issues.finish();
            assert_eq!(kept(&issues), expected(&severities, max), "{severities:?} max {max}");
            assert_eq!(issues.omitted(), n.saturating_sub(max));
            assert_eq!(issues.as_slice().last().is_some_and(|i| i.rule.id == "RFC-J-006"), n > max);
            // Keeping a part and adding it to another list keeps what adding the whole would.
            let split = if n == 0 { 0 } else { next() % n };
            let (mut first, mut second) = (Issues::new(max), Issues::new(max));
            for (i, s) in severities.iter().enumerate() {
                let target = if i < split { &mut first } else { &mut second };
                target.push(issue(*s, i));
            }
            first.extend(second);
            first.finish();
            // (The first error of the second part is not pinned in it unless it is the first
            // of all: the first part's list decides which error is first.)
            if severities[..split].contains(&Severity::Error) || !severities[split..].contains(&Severity::Error) {
                assert_eq!(kept(&first), kept(&issues), "{severities:?} max {max} split {split}");
            }
            assert_eq!(first.omitted(), issues.omitted());
        }
    }
}
