//! Reading a PatchOp message: checks, and the operations as they should be sent.

use serde_json::{Map, Value};

use super::diff::{email_key, same_emails};
use super::{OpKind, Operation, PatchError, message};
use crate::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::path::{PatchPath, PathError, Target};
use crate::profile::Profile;
use crate::report::{Issue, Issues, Severity};
use crate::rules::{self, Rule};
use crate::schema::{AtlassianCheck, Mutability, PATCH_OP_URN, ResourceKind, ResourceType};
use crate::walk::fix;
use crate::walk::groups::Rename;
use crate::walk::loc::{Loc, at_pointer};
use crate::walk::walker::Walker;

/// What reading a PatchOp message found, and the message as it should be sent.
#[derive(Debug, Clone)]
pub struct PatchReading {
    /// The operations to send, after lenient rewrites.
    pub operations: Vec<Operation>,
    /// Every issue kept, in order (see [`PatchReading::issues`]).
    issues: Issues,
    /// Whether lenient mode rewrote the message: send [`PatchReading::normalized`] instead.
    pub changed: bool,
    /// False when the body is not a JSON object at all.
    pub readable: bool,
}

/// The errors in a message's structure (schemas, Operations, op, a missing path or value): a
/// server checks the shape of the message before it interprets paths and values.
const STRUCTURAL: [&Rule; 8] = [
    &rules::ATL_P_001,
    &rules::ATL_P_002,
    &rules::ATL_P_003,
    &rules::ATL_P_004,
    &rules::RFC_P_001,
    &rules::RFC_P_004,
    &rules::RFC_P_006,
    &rules::RFC_J_002,
];

fn structural(rule: &Rule) -> bool {
    STRUCTURAL.iter().any(|r| r.id == rule.id)
}

impl PatchReading {
    /// Every issue kept, in order: at most `limits.max_issues`, then one (RFC-J-006) that says
    /// how many more were found.
    pub fn issues(&self) -> &[Issue] {
        self.issues.as_slice()
    }

    /// How many issues were found but left out of [`PatchReading::issues`].
    pub fn omitted(&self) -> usize {
        self.issues.omitted()
    }

    pub(crate) fn into_issues(self) -> Issues {
        self.issues
    }

    /// The PatchOp message as it should be sent (the operations after lenient rewrites).
    pub fn normalized(&self) -> Value {
        message(&self.operations)
    }

    /// True when no issue is an error.
    pub fn valid(&self) -> bool {
        !self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The error a server would answer: the first error in the message's structure (schemas,
    /// Operations, op, a missing path or value) if any — a server checks the shape of the
    /// message before it interprets paths and values — else the first error.
    pub fn first_error(&self) -> Option<PatchError> {
        let errors = || self.issues.iter().filter(|i| i.severity == Severity::Error);
        errors().find(|i| structural(i.rule)).or_else(|| errors().next()).map(PatchError::from_issue)
    }
}

/// Where an operation's value comes from once the lenient value fixes are applied.
#[derive(Debug)]
enum Source<'b> {
    None,
    /// The value as sent: no fix touches it (most values; no pointer to build and look up).
    Sent(&'b Value),
    /// The value's JSON pointer in the message: a fix changed something in it, so it is taken
    /// fixed (`fix::fixed_at`, else from a fixed copy of the message).
    At(String),
}

#[derive(Debug)]
struct Planned<'b> {
    op: OpKind,
    path: Option<PatchPath>,
    path_text: Option<String>,
    value: Source<'b>,
}

/// Reads a PatchOp message for a resource of `rt` (`None`: no schema, so paths are only parsed
/// and values are not checked). `current` is the resource as it is now, when known: some rules
/// need it (a group rename, re-sent unchanged emails, a read-only value sent unchanged).
///
/// `rt` is normally the profile's own (`profile.schemas().resource(kind)`, what `check` passes).
/// The Atlassian rules (on values, a group rename, a membership replaced whole, emails re-sent
/// unchanged) are tags on Atlassian's schemas (`schema::AtlassianCheck`), so they run when `rt`
/// is one of Atlassian's resource types, and not with RFC 7643's, whichever the profile.
pub fn read<'b>(
    body: &'b Value,
    profile: &Profile,
    rt: Option<&'static ResourceType>,
    current: Option<&'b Value>,
) -> PatchReading {
    let kind = rt.map_or(ResourceKind::User, |rt| rt.kind);
    let mut w = Walker::new(profile, kind);
    w.partial = true;
    // The schemas the profile's narrow (RFC 7643's, under Atlassian's), for an attribute Atlassian
    // does not store (ATL-U-011), as the walk has them; none when the caller gave other schemas.
    let narrows =
        profile.schemas().narrows.filter(|_| rt.is_some_and(|rt| std::ptr::eq(rt, profile.schemas().resource(kind))));
    let fallback = narrows.map(|n| n.resource(kind));
    let mut reader =
        Reader { w, profile, rt, fallback, current, planned: Vec::new(), rewritten: false, structural_error: false };
    let readable = reader.message(body);
    let Reader { w, planned, rewritten, .. } = reader;
    // Values come from the message itself, or, where lenient fixes changed them, fixed: each
    // alone when the fixes are a few replaces, else from one fixed copy of the whole message.
    let mut fixed_copy = None;
    let operations: Vec<Operation> = planned
        .into_iter()
        .map(|p| Operation {
            op: p.op,
            path: p.path,
            path_text: p.path_text,
            value: match p.value {
                Source::None => None,
                Source::Sent(v) => Some(v.clone()),
                Source::At(ptr) => fix::fixed_at(body, &w.fixes, &ptr).or_else(|| {
                    at_pointer(fixed_copy.get_or_insert_with(|| fix::fixed(body, &w.fixes)), &ptr).cloned()
                }),
            },
        })
        .collect();
    let changed = readable && (rewritten || !w.fixes.is_empty());
    let mut issues = w.issues;
    issues.finish();
    PatchReading { operations, issues, changed, readable }
}

struct Reader<'p, 'b> {
    w: Walker<'p, 'b>,
    profile: &'p Profile,
    rt: Option<&'static ResourceType>,
    /// The RFC resource type when the profile's is narrower (ATL-P-005 rather than RFC-P-002).
    fallback: Option<&'static ResourceType>,
    current: Option<&'b Value>,
    planned: Vec<Planned<'b>>,
    /// Set by every lenient rewrite (each also reports an info issue).
    rewritten: bool,
    /// Whether a structural error was reported (the first one is kept in a full report).
    structural_error: bool,
}

fn find_ci<'v>(m: &'v Map<String, Value>, key: &str) -> Option<(&'v String, &'v Value)> {
    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))
}

pub(super) fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_object().and_then(|m| find_ci(m, key)).map(|(_, v)| v)
}

impl<'b> Reader<'_, 'b> {
    fn lenient(&self) -> bool {
        self.profile.lenient()
    }

    fn error(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: impl AsRef<str>) {
        if !self.structural_error && structural(rule) {
            // It decides what apply_patch answers: kept however full the report is.
            self.structural_error = true;
            let issue = Issue::at(Severity::Error, rule, loc, detail.as_ref());
            return self.w.issues.push_pinned(issue);
        }
        self.w.issue(Severity::Error, rule, loc, detail);
    }

    /// Reports a lenient rewrite of the message (always an info issue).
    fn rewrite(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: impl AsRef<str>) {
        self.rewritten = true;
        self.w.issue(Severity::Info, rule, loc, detail);
    }

    /// The message: schemas and Operations. Returns false when it is not an object.
    fn message(&mut self, body: &'b Value) -> bool {
        let root = Loc::ROOT;
        let Value::Object(m) = body else {
            self.error(&rules::RFC_J_002, &root, "a PATCH body must be a PatchOp message object");
            return false;
        };
        for key in m.keys() {
            if self.w.key_too_long(&root, key) {
                continue;
            }
            if !key.eq_ignore_ascii_case("schemas") && !key.eq_ignore_ascii_case("operations") {
                let loc = root.key(key, key);
                self.w
                    .unknown_member(&loc, format!("{key} is not a member of a PatchOp message (schemas, Operations)"));
            }
        }
        match find_ci(m, "schemas") {
            None => {
                let loc = root.key("schemas", "schemas");
                if self.lenient() {
                    self.rewrite(
                        &rules::ATL_P_001,
                        &loc,
                        format!("schemas is missing; normalized lists {PATCH_OP_URN}"),
                    );
                } else {
                    self.error(&rules::ATL_P_001, &loc, format!("schemas is missing; it must list {PATCH_OP_URN}"));
                }
            }
            Some((key, Value::Array(urns)))
                if urns.iter().any(|u| u.as_str().is_some_and(|s| s.eq_ignore_ascii_case(PATCH_OP_URN))) =>
            {
                let _ = key;
            }
            Some((key, _)) => {
                let loc = root.key(key, "schemas");
                self.error(&rules::ATL_P_001, &loc, format!("schemas must be an array listing {PATCH_OP_URN}"));
            }
        }
        let Some((key, ops)) = find_ci(m, "operations") else {
            let loc = root.key("Operations", "Operations");
            self.error(&rules::ATL_P_002, &loc, "Operations is missing");
            return true;
        };
        let ops_loc = root.key(key, "Operations");
        if key != "Operations" {
            self.rewrite(&rules::ATL_P_002, &ops_loc, format!("{key} is written Operations in normalized"));
        }
        let Value::Array(ops) = ops else {
            self.error(&rules::ATL_P_002, &ops_loc, "Operations must be an array of operations");
            return true;
        };
        if ops.is_empty() {
            self.error(&rules::ATL_P_002, &ops_loc, "Operations is empty; send at least one operation");
        }
        let limits = self.profile.limits();
        if ops.len() > limits.max_operations {
            let detail = format!(
                "{} operations; at most {} are allowed (limits.max_operations)",
                ops.len(),
                limits.max_operations
            );
            self.error(&rules::RFC_P_006, &ops_loc, detail);
            return true;
        }
        let values: usize =
            ops.iter().filter_map(|op| get_ci(op, "value")).filter_map(Value::as_array).map(Vec::len).sum();
        if values > limits.max_patch_values {
            let detail = format!(
                "{values} values in one PATCH; at most {} are allowed (limits.max_patch_values)",
                limits.max_patch_values
            );
            self.error(&rules::RFC_P_006, &ops_loc, detail);
            return true;
        }
        for (i, op) in ops.iter().enumerate() {
            self.operation(&ops_loc.index(i), op);
        }
        true
    }

    fn operation(&mut self, loc: &Loc<'_>, op: &'b Value) {
        let Value::Object(om) = op else {
            self.error(&rules::RFC_P_001, loc, "an operation must be an object with op, path and value");
            return;
        };
        let (mut op_member, mut path_member, mut value_member) = (None, None, None);
        for (k, v) in om {
            match k.to_ascii_lowercase().as_str() {
                "op" => op_member = Some((k, v)),
                "path" => path_member = Some((k, v)),
                "value" => value_member = Some((k, v)),
                _ if self.w.key_too_long(loc, k) => {}
                _ => {
                    let l = loc.key(k, k);
                    self.error(&rules::RFC_P_001, &l, format!("{k} is not a member of an operation (op, path, value)"));
                }
            }
        }
        let kind = match op_member {
            Some((k, Value::String(s))) => {
                let l = loc.key(k, "op");
                if self.w.too_long(&l, s) {
                    return;
                }
                let Some(kind) = OpKind::parse(s) else {
                    self.error(&rules::ATL_P_003, &l, format!("{s:?} is not add, replace or remove"));
                    return;
                };
                if s != kind.as_str() {
                    if self.lenient() {
                        self.rewrite(
                            &rules::ATL_P_003,
                            &l,
                            format!("{s:?} is written {:?} in normalized", kind.as_str()),
                        );
                    } else {
                        self.error(&rules::ATL_P_003, &l, format!("{s:?} must be written {:?}", kind.as_str()));
                    }
                }
                kind
            }
            Some((k, _)) => {
                self.error(&rules::ATL_P_003, &loc.key(k, "op"), "op must be the string add, replace or remove");
                return;
            }
            None => {
                self.error(&rules::ATL_P_003, loc, "an operation needs op (add, replace or remove)");
                return;
            }
        };
        let path = match path_member {
            None | Some((_, Value::Null)) => None,
            Some((k, Value::String(text))) => {
                let l = loc.key(k, "path");
                match self.path(text, &l) {
                    Some((p, target)) => Some((p, text.clone(), target)),
                    None => return,
                }
            }
            Some((k, _)) => {
                let e = PathError::not_a_string();
                self.error(e.rule(), &loc.key(k, "path"), e.message());
                return;
            }
        };
        let value = value_member.map(|(k, v)| (k.as_str(), v));
        match kind {
            OpKind::Remove => self.remove(loc, path, value),
            OpKind::Add | OpKind::Replace => {
                let Some((vk, v)) = value else {
                    self.error(&rules::ATL_P_004, loc, format!("{} needs a value", kind.as_str()));
                    return;
                };
                let vloc = loc.key(vk, "value");
                match path {
                    None => self.pathless(kind, loc, &vloc, v),
                    Some((p, text, target)) => self.pathed(kind, p, Some(text), target, &vloc, v),
                }
            }
        }
    }

    /// RFC-J-005 for a string the operation uses as it is (a path, a value naming what to remove)
    /// when it is longer than `limits.max_string_bytes`, as the walk reports it in a body.
    /// Returns whether it was.
    fn too_long(&mut self, s: &str, loc: &Loc<'_>) -> bool {
        self.w.too_long(loc, s)
    }

    /// Parses and resolves a path: the path and what it names in the schema (`None` without
    /// one); reports and returns `None` when it is unusable.
    fn path(&mut self, text: &str, loc: &Loc<'_>) -> Option<(PatchPath, Option<Target<'static>>)> {
        if self.too_long(text, loc) {
            return None;
        }
        let p = match PatchPath::parse_with(text, &self.profile.filter_limits()) {
            Ok(p) => p,
            Err(e) => {
                self.error(e.rule(), loc, e.message());
                return None;
            }
        };
        let Some(rt) = self.rt else { return Some((p, None)) };
        let e = match p.resolve(rt) {
            Ok(target) => return Some((p, Some(target))),
            Err(e) => e,
        };
        let supported_elsewhere = self.fallback.is_some_and(|f| p.resolve(f).is_ok());
        let rule = if supported_elsewhere && rt.kind == ResourceKind::User { &rules::ATL_P_005 } else { e.rule() };
        if rule == &rules::ATL_P_005 && self.lenient() {
            // Real Entra ID mappings add manager, addresses, roles or employeeNumber to
            // otherwise good updates: the rest goes through, as ATL-U-011 does for a POST.
            let detail = format!(
                "{text}: Atlassian does not store {} (it is not in Atlassian's schema); this operation is dropped from normalized",
                p.attr.attr
            );
            self.rewritten = true;
            self.w.issue(Severity::Warning, rule, loc, detail);
            return None;
        }
        let detail = if supported_elsewhere {
            format!("{text}: Atlassian does not store {} (it is not in Atlassian's schema)", p.attr.attr)
        } else {
            e.message
        };
        self.error(rule, loc, detail);
        None
    }

    fn remove(
        &mut self,
        loc: &Loc<'_>,
        path: Option<(PatchPath, String, Option<Target<'static>>)>,
        value: Option<(&str, &'b Value)>,
    ) {
        let Some((p, text, target)) = path else {
            // Reference §11 names this case for Atlassian: the registry's refinement.
            let rule = self.w.rule_at(&rules::RFC_P_004, None, None, false);
            self.error(rule, loc, "remove needs a path naming what to remove");
            return;
        };
        let ploc_path = loc.key("path", "path");
        if let Some(t) = target {
            let leaf = t.leaf();
            if t.attr.mutability == Mutability::ReadOnly || leaf.mutability == Mutability::ReadOnly {
                self.error(&rules::RFC_P_003, &ploc_path, format!("{text} is read-only"));
                return;
            }
            if p.filter.is_none() && (leaf.mutability == Mutability::Immutable || (t.sub.is_none() && t.attr.required))
            {
                let (rule, why) = if leaf.mutability == Mutability::Immutable {
                    (&rules::RFC_P_003, "immutable")
                } else {
                    (&rules::RFC_P_005, "required")
                };
                self.error(rule, &ploc_path, format!("{text} is {why}; it cannot be removed"));
                return;
            }
        }
        if let Some((vk, v)) = value {
            self.remove_by_value(loc, &loc.key(vk, "value"), p, text, target, v);
            return;
        }
        self.planned.push(Planned { op: OpKind::Remove, path: Some(p), path_text: Some(text), value: Source::None });
    }

    /// Entra ID's `{"op":"remove","path":"members","value":[{"value":"id"}]}` (and the
    /// `{"members":[…]}` form some clients send): one remove per value, with a value filter.
    fn remove_by_value(
        &mut self,
        loc: &Loc<'_>,
        vloc: &Loc<'_>,
        p: PatchPath,
        text: String,
        target: Option<Target<'static>>,
        v: &Value,
    ) {
        let multi_complex = target.is_none_or(|t| t.attr.multi_valued && !t.attr.sub_attributes.is_empty());
        if p.filter.is_some() {
            let only_email = if p.attr.attr.eq_ignore_ascii_case("emails") {
                "; and removing the user's only email leaves the required emails empty, which Atlassian refuses"
            } else {
                ""
            };
            let detail = format!(
                "remove takes no value: the path {text} already names the values to remove with its filter, so drop \"value\"{only_email}"
            );
            self.error(&rules::ATL_P_004, vloc, detail);
            return;
        }
        if p.sub_name().is_some() || !multi_complex {
            self.error(
                &rules::ATL_P_004,
                vloc,
                format!("remove takes no value here; to remove values of {text}, use a value filter in the path"),
            );
            return;
        }
        if !self.lenient() {
            self.error(
                &rules::ATL_P_004,
                vloc,
                "remove takes no value (Entra ID's remove by value is accepted in lenient mode)",
            );
            return;
        }
        let elements: Vec<&Value> = match v {
            Value::Array(items) => items.iter().collect(),
            Value::Object(m) => match find_ci(m, &p.attr.attr) {
                Some((_, Value::Array(items))) => items.iter().collect(),
                _ => vec![v],
            },
            _ => {
                self.error(&rules::ATL_P_004, vloc, "the values to remove must be an array of objects");
                return;
            }
        };
        let mut removes = Vec::new();
        let by_value_only = p.attr.attr.eq_ignore_ascii_case("members");
        for (i, element) in elements.iter().enumerate() {
            // Each string becomes a filter literal compared with every value of the attribute.
            if let Value::Object(m) = element {
                let l = vloc.index(i);
                let mut long = false;
                for (k, v) in m {
                    if let Value::String(s) = v {
                        long |= self.too_long(s, &l.key(k, k));
                    }
                }
                if long {
                    return;
                }
            }
            let Some(filter) = element_filter(element, by_value_only) else {
                let l = vloc.index(i);
                self.error(
                    &rules::RFC_P_005,
                    &l,
                    "a value to remove must name the value (its \"value\", or other sub-attributes)",
                );
                return;
            };
            let path = PatchPath { attr: p.attr.clone(), filter: Some(filter), sub: None };
            removes.push(Planned {
                op: OpKind::Remove,
                path_text: Some(path.to_string()),
                path: Some(path),
                value: Source::None,
            });
        }
        let detail = format!(
            "remove of {} by value is written as {} remove operation(s) with a value filter",
            p.attr,
            removes.len()
        );
        self.rewrite(&rules::ATL_G_009, loc, detail);
        self.planned.extend(removes);
    }

    /// A path-less add or replace: each member of the value object is an attribute path.
    fn pathless(&mut self, kind: OpKind, loc: &Loc<'_>, vloc: &Loc<'_>, v: &'b Value) {
        let Value::Object(obj) = v else {
            self.error(
                &rules::ATL_P_004,
                vloc,
                format!("{} without a path needs an object of attributes as its value", kind.as_str()),
            );
            return;
        };
        let lenient = self.lenient();
        let (before, fixes_before) = (self.planned.len(), self.w.fixes.len());
        let mut split = 0;
        for (k, sub) in obj {
            let kloc = vloc.key(k, k);
            let extension = self.rt.and_then(|_| self.w.extension(k)).map(|(e, _)| e);
            let is_urn_object = extension.is_some()
                || (self.rt.is_none() && k.to_ascii_lowercase().starts_with("urn:") && sub.is_object());
            if is_urn_object {
                let Value::Object(members) = sub else {
                    self.w.not_an_extension_object(&kloc, k);
                    continue;
                };
                let urn = extension.map_or(k.as_str(), |e| e.id.as_str());
                for (ek, ev) in members {
                    let eloc = kloc.key(ek, ek);
                    split += self.pathless_member(kind, &format!("{urn}:{ek}"), ev, &eloc);
                }
                continue;
            }
            split += self.pathless_member(kind, k, sub, &kloc);
        }
        if !lenient {
            // Strict mode sends the operation as written.
            self.planned.truncate(before);
            let value = self.source(fixes_before, v, vloc);
            self.planned.push(Planned { op: kind, path: None, path_text: None, value });
        } else if split > 0 {
            let detail = format!("{} without a path is written as {split} operation(s) with paths", kind.as_str());
            self.rewrite(&rules::ATL_P_004, loc, detail);
        }
    }

    /// One member of a path-less value; returns 1 when an operation was planned for it.
    fn pathless_member(&mut self, kind: OpKind, key: &str, v: &'b Value, loc: &Loc<'_>) -> usize {
        let Some((p, target)) = self.path(key, loc) else { return 0 };
        if let Some(t) = target
            && (t.attr.mutability == Mutability::ReadOnly || t.leaf().mutability == Mutability::ReadOnly)
        {
            // Okta repeats the resource's id in its path-less replace: harmless when unchanged.
            let current = self.current.and_then(|c| get_ci(c, &t.attr.name));
            if current == Some(v) {
                let rule = self.w.read_only_rule(t.attr);
                self.rewrite(rule, loc, format!("{key} is read-only and unchanged; dropped from normalized"));
            } else {
                self.error(&rules::RFC_P_003, loc, format!("{key} is read-only"));
            }
            return 0;
        }
        let before = self.planned.len();
        self.pathed(kind, p, Some(key.to_string()), target, loc, v);
        self.planned.len() - before
    }

    /// An add or replace with a path (or one member of a path-less value).
    fn pathed(
        &mut self,
        kind: OpKind,
        p: PatchPath,
        text: Option<String>,
        target: Option<Target<'static>>,
        vloc: &Loc<'_>,
        v: &'b Value,
    ) {
        let fixes_before = self.w.fixes.len();
        if let Some(t) = target {
            let leaf = t.leaf();
            let text_str = text.clone().unwrap_or_else(|| p.to_string());
            if t.attr.mutability == Mutability::ReadOnly || leaf.mutability == Mutability::ReadOnly {
                self.error(&rules::RFC_P_003, vloc, format!("{text_str} is read-only"));
                return;
            }
            if v.is_null() && p.filter.is_none() && t.sub.is_none() && t.attr.required {
                self.error(&rules::RFC_P_005, vloc, format!("{text_str} is required; it cannot be set to null"));
                return;
            }
            if t.attr.check == Some(AtlassianCheck::GroupName) && p.filter.is_none() {
                if !self.group_rename(vloc, v) {
                    return;
                }
            } else if leaf.mutability == Mutability::Immutable && kind == OpKind::Replace {
                self.error(&rules::RFC_P_003, vloc, format!("{text_str} is immutable; it cannot be replaced"));
                return;
            }
            if t.attr.check == Some(AtlassianCheck::Members)
                && kind == OpKind::Replace
                && p.filter.is_none()
                && t.sub.is_none()
            {
                let detail = "replace of members replaces the whole membership: every member not listed is removed";
                self.w.issue(Severity::Warning, &rules::ATL_G_008, vloc, detail);
            }
            if self.unchanged_emails(kind, &t, &p, v, vloc) {
                return;
            }
            self.check_value(&t, p.filter.is_some(), v, vloc);
        }
        let value = self.source(fixes_before, v, vloc);
        self.planned.push(Planned { op: kind, path: Some(p), path_text: text, value });
    }

    /// Where the value `v` at `vloc` is taken from, given how many fixes there were before it
    /// was checked: as sent when checking it added none (fixes of a value lie inside it).
    fn source(&self, fixes_before: usize, v: &'b Value, vloc: &Loc<'_>) -> Source<'b> {
        if self.w.fixes.len() == fixes_before { Source::Sent(v) } else { Source::At(vloc.pointer()) }
    }

    /// ATL-G-002: Atlassian refuses to rename a synced group. Returns whether to keep the op.
    fn group_rename(&mut self, vloc: &Loc<'_>, v: &Value) -> bool {
        let new = v.as_str().unwrap_or_default();
        match self.current.and_then(|c| get_ci(c, "displayName")).and_then(Value::as_str) {
            Some(now) => {
                let rename = Rename { now, new };
                match rename.renames() {
                    false => self.rewrite(Rename::RULE, vloc, rename.no_op()),
                    true => self.error(Rename::RULE, vloc, rename.refused()),
                }
                false
            }
            None => {
                self.w.issue(Severity::Warning, Rename::RULE, vloc, Rename::unknown(new));
                true
            }
        }
    }

    /// ATL-U-022: replacing emails with the emails the user has. Returns true when dropped.
    fn unchanged_emails(&mut self, kind: OpKind, t: &Target<'_>, p: &PatchPath, v: &Value, vloc: &Loc<'_>) -> bool {
        if !(t.attr.check == Some(AtlassianCheck::Emails) && kind == OpKind::Replace && t.extension.is_none()) {
            return false;
        }
        let Some(current) = self.current.and_then(|c| get_ci(c, "emails")) else { return false };
        let unchanged = match (&p.filter, t.sub) {
            (None, None) => same_emails(current, v),
            (Some(f), Some(sub)) => {
                // emails[type eq "work"].value with the value the matching email has.
                let matching: Vec<&Value> = current
                    .as_array()
                    .map(|a| a.iter().filter(|e| crate::filter::matches(f, e)).collect())
                    .unwrap_or_default();
                matching.len() == 1
                    && get_ci(matching[0], &sub.name).is_some_and(|cur| match (cur.as_str(), v.as_str()) {
                        (Some(a), Some(b)) if sub.is("value") => email_key(a) == email_key(b),
                        _ => cur == v,
                    })
            }
            _ => false,
        };
        if unchanged {
            let detail = "the emails are unchanged: Atlassian can answer 400 \"One email address need to be marked as primary\" to such a replace; dropped from normalized";
            self.w.issue(Severity::Warning, &rules::ATL_U_022, vloc, detail);
            self.rewritten = true;
        }
        unchanged
    }

    /// Checks a value against the attribute it is written to.
    fn check_value(&mut self, t: &Target<'static>, filtered: bool, v: &'b Value, vloc: &Loc<'_>) {
        let alt_attr = self.fallback.and_then(|f| match t.extension {
            Some(ext) => f.extension(&ext.id).and_then(|e| e.attribute(&t.attr.name)),
            None => f.attribute(&t.attr.name),
        });
        match t.sub {
            Some(sub) => {
                let alt = alt_attr.and_then(|a| a.sub_attribute(&sub.name));
                self.w.walk_value(sub, alt, Some(t.attr), false, v, vloc);
            }
            // `[]` through a value filter means "no values": the matching ones are removed.
            None if filtered && v.as_array().is_some_and(Vec::is_empty) => {}
            None => {
                let element = t.attr.multi_valued && (filtered || !v.is_array());
                self.w.walk_value(t.attr, alt_attr, None, element, v, vloc);
            }
        }
    }
}

/// A value filter naming one value of a multi-valued attribute: `value eq "…"` when it has a
/// value, otherwise every scalar sub-attribute it gives. Group members are named by their value
/// (the member's id) only: Entra ID sends `"$ref": null` for members that do have a `$ref`.
fn element_filter(element: &Value, by_value_only: bool) -> Option<Filter> {
    let Value::Object(m) = element else { return None };
    let term = |k: &str, v: &Value| -> Option<Filter> {
        let value = match v {
            Value::String(s) => CompValue::String(s.clone()),
            Value::Bool(b) => CompValue::Bool(*b),
            Value::Number(n) => CompValue::Number(n.clone()),
            _ => return None,
        };
        Some(Filter::Compare { path: AttrPath::name(k), op: CompareOp::Eq, value })
    };
    if let Some((k, v)) = find_ci(m, "value")
        && let Some(f) = term(k, v)
    {
        return Some(f);
    }
    if by_value_only {
        return None;
    }
    // One `and` node however many sub-attributes the value gives (a chain of pairs would be as
    // deep as the object is wide).
    let mut terms: Vec<Filter> = m.iter().filter_map(|(k, v)| term(k, v)).collect();
    match terms.len() {
        0 => None,
        1 => terms.pop(),
        _ => Some(Filter::And(terms)),
    }
}
