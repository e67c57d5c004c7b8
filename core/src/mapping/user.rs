//! `map_user`: one identity-provider record through a mapping to a SCIM User and its report.
//!
//! The entries run in order; each computes a value from the record, runs its transforms and writes
//! the result at its target. Then the display name and names are reconciled the way Atlassian
//! treats them ([`super::name`]), `schemas` is written from what the user uses, and the user is
//! checked as a `POST /Users` under the profile. The report lists the mapping's own findings
//! (located at the attribute they concern) followed by the check's.

use serde_json::{Map, Value};

use super::locale::{ATLASSIAN_LANGUAGES, nearest_atlassian_language, parse_accept_language};
use super::name::{NameOutcome, collapse_whitespace, join_display_name, reconcile_name, split_display_name};
use super::spec::{Entry, Expr, Mapping, SourcePath, Step, Transform};
use super::target::{Target, TargetPath};
use super::timezone::TimezoneKind;
use super::value_map::ValueMap;
use super::{normalize_email, normalize_locale, normalize_timezone};
use crate::profile::Profile;
use crate::report::{Issue, Report, Severity};
use crate::request::Request;
use crate::rules::{self, Rule};
use crate::schema::{self, AttrType};
use crate::syntax::json_kind;

/// A finding made while computing one value, located later at its target.
#[derive(Debug)]
struct Problem {
    severity: Severity,
    rule: &'static Rule,
    detail: String,
}

/// Whether a source value counts as present: not null, not blank, not an empty array.
fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// A member of an object: by its exact name, else ignoring ASCII case (exports differ in case).
fn member<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    m.get(key).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

fn walk<'v>(mut v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    for step in steps {
        v = match (step, v) {
            (Step::Key(k), Value::Object(m)) => member(m, k)?,
            (Step::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Text from a value: strings as they are, numbers written out.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Number(n) if n.as_u64() == Some(1) => Some(true),
        Value::Number(n) if n.as_u64() == Some(0) => Some(false),
        _ => None,
    }
}

/// Evaluates expressions against one record.
struct Eval<'a> {
    record: &'a Value,
    roots: &'a [SourcePath],
    problems: Vec<Problem>,
    /// The source attribute that gave the last value found, for messages.
    last_source: Option<&'a str>,
}

impl<'a> Eval<'a> {
    fn lookup(&mut self, path: &'a SourcePath) -> Option<Value> {
        let found = self.roots.iter().find_map(|root| {
            let base = walk(self.record, &root.steps)?;
            walk(base, &path.steps).filter(|v| present(v)).cloned()
        });
        if found.is_some() {
            self.last_source = Some(&path.text);
        }
        found
    }

    fn problem(&mut self, severity: Severity, rule: &'static Rule, detail: String) {
        self.problems.push(Problem { severity, rule, detail });
    }

    fn eval(&mut self, expr: &'a Expr) -> Option<Value> {
        match expr {
            Expr::Source(path) => self.lookup(path),
            Expr::Constant(v) => present(v).then(|| v.clone()),
            Expr::Coalesce(items) => items.iter().find_map(|i| self.eval(i)),
            Expr::Join(items, sep) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|i| self.eval(i))
                    .filter_map(|v| text(&v))
                    .map(|s| s.trim().to_string())
                    .collect();
                let parts: Vec<&str> = parts.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
                (!parts.is_empty()).then(|| Value::String(parts.join(sep)))
            }
            Expr::Apply(t, inner) => {
                self.last_source = None;
                let v = self.eval(inner)?;
                let from = self.last_source.unwrap_or("the constant").to_string();
                self.apply(*t, v, &from)
            }
            Expr::Map(map, inner) => {
                self.last_source = None;
                let v = self.eval(inner)?;
                let from = self.last_source.unwrap_or("the constant").to_string();
                self.map_value(map, &v, &from)
            }
        }
    }

    /// A value through a declared value map, or a problem listing the values it knows.
    fn map_value(&mut self, map: &ValueMap, v: &Value, from: &str) -> Option<Value> {
        let s = self.text_named(&map.name, v, from)?;
        let mapped = map.get(&s).cloned();
        if mapped.is_none() {
            let detail = format!("{from} {s:?} is not {} ({}); left out", map.of, map.keys());
            self.problem(Severity::Warning, &rules::MAP_002, detail);
        }
        mapped
    }

    /// Text for a transform, or a problem saying what came instead.
    fn text_for(&mut self, t: Transform, v: &Value, from: &str) -> Option<String> {
        self.text_named(t.as_str(), v, from)
    }

    /// Text for the transform or value map called `name`.
    fn text_named(&mut self, name: &str, v: &Value, from: &str) -> Option<String> {
        let s = text(v);
        if s.is_none() {
            self.problem(
                Severity::Warning,
                &rules::MAP_002,
                format!("{from} is {}, but {name} needs text; left out", json_kind(v)),
            );
        }
        s
    }

    fn apply(&mut self, t: Transform, v: Value, from: &str) -> Option<Value> {
        match t {
            Transform::Lower => self.text_for(t, &v, from).map(|s| Value::String(s.to_lowercase())),
            Transform::Trim => self.text_for(t, &v, from).map(|s| Value::String(s.trim().to_string())),
            Transform::GivenName | Transform::FamilyName => {
                let s = self.text_for(t, &v, from)?;
                let parts = split_display_name(&s);
                let part = if t == Transform::GivenName { parts.given } else { parts.family };
                (!part.is_empty()).then_some(Value::String(part))
            }
            Transform::Email => {
                let s = self.text_for(t, &v, from)?;
                match normalize_email(&s) {
                    Ok(e) if e.address != s => {
                        self.problem(
                            Severity::Info,
                            &rules::ATL_U_004,
                            format!("{from} {s:?} is written {} (the domain in lower-case ASCII)", e.address),
                        );
                        Some(Value::String(e.address))
                    }
                    // Valid as it is; or invalid, and then kept for the check to report.
                    _ => Some(Value::String(s)),
                }
            }
            Transform::Timezone => self.timezone(t, &v, from),
            Transform::Locale => {
                let s = self.text_for(t, &v, from)?;
                match normalize_locale(&s) {
                    Ok(tag) => {
                        if tag.tag != s {
                            self.problem(Severity::Info, &rules::ATL_U_013, format!("{from} {s:?} is written {tag}"));
                        }
                        Some(Value::String(tag.tag))
                    }
                    Err(e) => {
                        self.problem(Severity::Warning, &rules::ATL_U_013, format!("{from}: {e}; left out"));
                        None
                    }
                }
            }
            Transform::PreferredLanguage => self.preferred(t, &v, from).map(|(_, tag)| Value::String(tag)),
            Transform::AtlassianLanguage => self.atlassian_language(t, &v, from),
            Transform::Boolean | Transform::Not => match boolean(&v) {
                Some(b) => Some(Value::Bool(if t == Transform::Not { !b } else { b })),
                None => {
                    self.problem(
                        Severity::Warning,
                        &rules::MAP_002,
                        format!("{from} is {v}, not true or false; left out"),
                    );
                    None
                }
            },
        }
    }

    /// A time zone as its canonical IANA name (Windows ids and legacy names rewritten, ATL-U-012).
    fn timezone(&mut self, t: Transform, v: &Value, from: &str) -> Option<Value> {
        let s = self.text_for(t, v, from)?;
        match normalize_timezone(&s) {
            Ok(tz) => {
                if tz.canonical != s {
                    let why = match tz.kind {
                        TimezoneKind::Windows if tz.name != s.trim() => {
                            format!("the Windows time zone id {}", tz.name)
                        }
                        TimezoneKind::Windows => "a Windows time zone id".to_string(),
                        TimezoneKind::IanaAlias => format!("a legacy name of {}", tz.canonical),
                        _ => format!("{} in another case", tz.canonical),
                    };
                    self.problem(
                        Severity::Info,
                        &rules::ATL_U_012,
                        format!("{from} {s:?} is {why}; sent as {}", tz.canonical),
                    );
                }
                Some(Value::String(tz.canonical))
            }
            Err(e) => {
                self.problem(Severity::Warning, &rules::ATL_U_012, format!("{from}: {e}; timezone left out"));
                None
            }
        }
    }

    /// The preferred language, as one of Atlassian's product languages where one is near (MAP-003).
    fn atlassian_language(&mut self, t: Transform, v: &Value, from: &str) -> Option<Value> {
        let (s, tag) = self.preferred(t, v, from)?;
        let language = normalize_locale(&tag).ok();
        let nearest = language.as_ref().and_then(nearest_atlassian_language);
        if ATLASSIAN_LANGUAGES.iter().any(|(a, _)| *a == tag) {
            return Some(Value::String(tag));
        }
        match nearest {
            Some(n) => {
                self.problem(
                    Severity::Warning,
                    &rules::MAP_003,
                    format!(
                        "{from} {s:?}: {tag} is not one of Atlassian's product languages; sent {n}, the nearest one"
                    ),
                );
                Some(Value::String(n.to_string()))
            }
            None => {
                self.problem(
                    Severity::Warning,
                    &rules::MAP_003,
                    format!(
                        "{from} {s:?}: {tag} is not one of Atlassian's product languages and none is near it; sent as is, Atlassian will show its default language"
                    ),
                );
                Some(Value::String(tag))
            }
        }
    }

    /// The preferred language tag of an Accept-Language value, with a problem for each malformed
    /// item. Returns the text as given and the tag.
    fn preferred(&mut self, t: Transform, v: &Value, from: &str) -> Option<(String, String)> {
        let s = self.text_for(t, v, from)?;
        let list = parse_accept_language(&s);
        for e in &list.errors {
            self.problem(Severity::Warning, &rules::ATL_U_013, format!("{from} {s:?}, {e}"));
        }
        let Some(best) = list.best() else {
            // A malformed item is reported above; say more only when the list itself was well formed.
            if list.errors.is_empty() {
                let detail = format!("{from} {s:?} names no language (only * or q=0); left out");
                self.problem(Severity::Warning, &rules::ATL_U_013, detail);
            }
            return None;
        };
        let tag = best.tag.clone();
        if tag != s.trim() {
            let detail = if list.ranges.len() + list.errors.len() > 1 {
                format!("{from} {s:?}: its preferred language is {tag}")
            } else {
                format!("{from} {s:?} is written {tag}")
            };
            self.problem(Severity::Info, &rules::ATL_U_013, detail);
        }
        Some((s, tag))
    }
}

/// Converts a value to what the target attribute takes; `Ok(None)` when nothing is left (blank).
fn coerce(target: &TargetPath, v: Value) -> Result<Option<Value>, String> {
    let keep_exact = matches!(&target.target, Target::Attr { name } if name == "externalId");
    match target.ty {
        AttrType::Boolean => match boolean(&v) {
            Some(b) => Ok(Some(Value::Bool(b))),
            None => Err(format!("{} takes true or false, got {v}", target.text)),
        },
        AttrType::Integer | AttrType::Decimal => match v {
            Value::Number(_) => Ok(Some(v)),
            other => Err(format!("{} takes a number, got {}", target.text, json_kind(&other))),
        },
        _ => match text(&v) {
            Some(s) if keep_exact => Ok(Some(Value::String(s))),
            Some(s) => {
                let t = s.trim();
                Ok((!t.is_empty()).then(|| Value::String(t.to_string())))
            }
            None => Err(format!("{} takes text, got {}", target.text, json_kind(&v))),
        },
    }
}

/// The object member `key` of `m`, made an empty object when it is missing or something else.
fn object_at<'m>(m: &'m mut Map<String, Value>, key: &str) -> Option<&'m mut Map<String, Value>> {
    let slot = m.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// Writes `value` at `target`, giving the element index for multi-valued targets.
fn write(user: &mut Map<String, Value>, target: &Target, value: Value) -> usize {
    match target {
        Target::Attr { name } => {
            user.insert(name.clone(), value);
            0
        }
        Target::Sub { parent, sub } => {
            if let Some(o) = object_at(user, parent) {
                o.insert(sub.clone(), value);
            }
            0
        }
        Target::Ext { urn, name } => {
            if let Some(o) = object_at(user, urn) {
                o.insert(name.clone(), value);
            }
            0
        }
        Target::Typed { parent, kind, sub } => {
            let slot = user.entry(parent.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(list) = slot else { return 0 };
            let same_type =
                |e: &Value| e.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case(kind));
            let index = match list.iter().position(same_type) {
                Some(i) => i,
                None => {
                    let mut element = Map::new();
                    element.insert("type".into(), Value::String(kind.clone()));
                    // The first email written is the primary one (Atlassian requires exactly one).
                    if parent == "emails" && !list.iter().any(|e| e.get("primary") == Some(&Value::Bool(true))) {
                        element.insert("primary".into(), Value::Bool(true));
                    }
                    list.push(Value::Object(element));
                    list.len() - 1
                }
            };
            if let Some(Value::Object(element)) = list.get_mut(index) {
                element.insert(sub.clone(), value);
            }
            index
        }
    }
}

/// Runs one entry: evaluates, coerces, writes, and turns its problems into located issues.
fn run_entry<'a>(entry: &'a Entry, eval: &mut Eval<'a>, user: &mut Map<String, Value>, issues: &mut Vec<Issue>) {
    let value = eval.eval(&entry.expr);
    let problems = std::mem::take(&mut eval.problems);
    let mut index = 0;
    let mut written = false;
    let mut type_error = None;
    if let Some(v) = value {
        match coerce(&entry.target, v) {
            Ok(Some(v)) => {
                index = write(user, &entry.target.target, v);
                written = true;
            }
            Ok(None) => {}
            Err(e) => type_error = Some(e),
        }
    }
    let (path, pointer) = (entry.target.scim_path(index), entry.target.pointer(index));
    for p in problems {
        issues.push(Issue::new(p.severity, p.rule, &path, &pointer, &p.detail));
    }
    if let Some(e) = type_error {
        issues.push(Issue::new(Severity::Warning, &rules::MAP_002, &path, &pointer, &format!("{e}; left out")));
    }
    if entry.required && !written {
        let mut names = Vec::new();
        entry.expr.sources(&mut names);
        let detail = match names.as_slice() {
            [] => format!("{} is required by the mapping and has no value", entry.target.text),
            [one] => format!("{} is required by the mapping, but the record has no usable {one}", entry.target.text),
            many => format!(
                "{} is required by the mapping, but the record has no usable value in any of {}",
                entry.target.text,
                many.join(", ")
            ),
        };
        issues.push(super::required_missing(path, pointer, detail));
    }
}

fn str_at<'v>(user: &'v Map<String, Value>, parent: Option<&str>, key: &str) -> Option<&'v str> {
    let obj = match parent {
        Some(p) => user.get(p)?.as_object()?,
        None => user,
    };
    obj.get(key).and_then(Value::as_str)
}

/// Atlassian's display-name rule (ATL-U-020), applied to the mapped user.
fn reconcile(user: &mut Map<String, Value>, issues: &mut Vec<Issue>) {
    let display = str_at(user, None, "displayName").map(str::to_string);
    let given = str_at(user, Some("name"), "givenName").map(str::to_string);
    let family = str_at(user, Some("name"), "familyName").map(str::to_string);
    let r = reconcile_name(display.as_deref(), given.as_deref(), family.as_deref());
    let quoted = |s: &Option<String>| s.as_deref().map_or_else(|| "none".to_string(), |s| format!("{s:?}"));
    let mut detail = match &r.outcome {
        NameOutcome::Unchanged => None,
        NameOutcome::DisplayBuilt => Some((
            Severity::Info,
            "/displayName",
            "displayName",
            format!(
                "no displayName: built {} from name.givenName and name.familyName, as Atlassian builds it",
                quoted(&r.display_name)
            ),
        )),
        NameOutcome::NamesFilled => Some((
            Severity::Info,
            "/name",
            "name",
            format!(
                "name filled from displayName {}: givenName {}, familyName {} (Atlassian derives first and last name from the display name)",
                quoted(&r.display_name),
                quoted(&r.given),
                quoted(&r.family)
            ),
        )),
        NameOutcome::NamesOverwritten { given, family } => Some((
            Severity::Warning,
            "/name",
            "name",
            format!(
                "displayName {} disagrees with givenName {} and familyName {}; Atlassian overwrites first and last name with the display name, so they are sent as its split (givenName {}, familyName {}) to keep the sync from flip-flopping",
                quoted(&r.display_name),
                quoted(given),
                quoted(family),
                quoted(&r.given),
                quoted(&r.family)
            ),
        )),
    };
    match &r.display_name {
        Some(d) => {
            user.insert("displayName".into(), Value::String(d.clone()));
        }
        None => {
            user.remove("displayName");
        }
    }
    let has_names = r.given.is_some()
        || r.family.is_some()
        || user.get("name").is_some_and(|n| n.as_object().is_some_and(|o| !o.is_empty()));
    if has_names && let Some(name) = object_at(user, "name") {
        for (key, value) in [("givenName", &r.given), ("familyName", &r.family)] {
            match value {
                Some(v) => {
                    name.insert(key.into(), Value::String(v.clone()));
                }
                None => {
                    name.remove(key);
                }
            }
        }
        for (key, value) in [("honorificPrefix", &r.prefix), ("honorificSuffix", &r.suffix)] {
            if let Some(v) = value
                && !name.contains_key(key)
            {
                name.insert(key.into(), Value::String(v.clone()));
            }
        }
        // The names changed: a formatted name that is not them joined would be stale (issue 13).
        let names_changed = matches!(r.outcome, NameOutcome::NamesFilled | NameOutcome::NamesOverwritten { .. });
        let joined = join_display_name(r.given.as_deref().unwrap_or(""), r.family.as_deref().unwrap_or(""));
        if names_changed && name.get("formatted").and_then(Value::as_str).is_some_and(|f| f != joined) {
            name.remove("formatted");
            if let Some((_, _, _, text)) = &mut detail {
                text.push_str("; name.formatted, which no longer matched the names, is left out");
            }
        }
        if name.is_empty() {
            user.remove("name");
        }
    }
    if let Some((severity, pointer, path, detail)) = detail {
        issues.push(Issue::new(severity, &rules::ATL_U_020, path, pointer, &detail));
    }
}

fn write_schemas(user: &mut Map<String, Value>) {
    let mut schemas = vec![Value::from(schema::USER_URN)];
    for urn in [schema::ENTERPRISE_URN, schema::ATLASSIAN_CUSTOM_URN] {
        if user.contains_key(urn) {
            schemas.push(Value::from(urn));
        }
    }
    user.insert("schemas".into(), Value::Array(schemas));
}

impl Profile {
    /// Maps one identity-provider record (a Microsoft Graph user, an Okta user, an HR row) to a
    /// SCIM User through `mapping`, and reports on it: the mapping's own findings (values that
    /// could not be used, normalized time zones and languages, the display-name rule) followed by
    /// this profile's check of the user as a `POST /Users`. Never panics, whatever the record.
    ///
    /// The user is returned as it should be sent: the check's lenient fixes are already applied,
    /// so [`Report::normalized_value`] of it is the user itself.
    ///
    /// ```
    /// use atlscim_core::Profile;
    /// use atlscim_core::mapping::Mapping;
    /// use serde_json::json;
    ///
    /// let entra = Mapping::preset("entra").unwrap();
    /// let record = json!({"id": "4f6c…", "userPrincipalName": "jdoe@example.com", "mail": "Jane.Doe@Example.com",
    ///                     "givenName": "Jane", "surname": "Doe", "accountEnabled": true,
    ///                     "mailboxSettings": {"timeZone": "Pacific Standard Time"}});
    /// let (user, report) = Profile::atlassian().map_user(&record, entra);
    /// assert!(report.valid());
    /// assert_eq!(user["emails"][0]["value"], "Jane.Doe@example.com");
    /// assert_eq!(user["displayName"], "Jane Doe");
    /// assert_eq!(user["timezone"], "America/Los_Angeles");
    /// ```
    pub fn map_user(&self, record: &Value, mapping: &Mapping) -> (Value, Report) {
        let mut user = Map::new();
        let mut issues = Vec::new();
        if !record.is_object() {
            issues.push(super::not_a_record("one user", record));
        }
        // A record that is not an object has nothing to map; the check then says what is missing.
        if record.is_object() {
            let mut eval = Eval { record, roots: &mapping.roots, problems: Vec::new(), last_source: None };
            for entry in &mapping.entries {
                run_entry(entry, &mut eval, &mut user, &mut issues);
            }
        }
        reconcile(&mut user, &mut issues);
        if let Some(Value::String(d)) = user.get_mut("displayName") {
            *d = collapse_whitespace(d);
        }
        write_schemas(&mut user);
        let mut user = Value::Object(user);
        let checked = self.check(&Request::value("POST", "/Users", &user));
        if checked.changes_body() {
            checked.apply_fixes(&mut user);
        }
        let mut all = self.no_issues();
        for i in issues {
            all.push(i);
        }
        all.extend(checked.issues);
        (user, Report::new(all, crate::walk::fix::Fixes::default(), true))
    }
}
