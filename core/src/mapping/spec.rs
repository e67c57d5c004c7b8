//! Mappings: which SCIM attribute comes from which source attribute, and how.
//!
//! A mapping is JSON, the same in every binding:
//!
//! ```json
//! {
//!   "description": "HR export",
//!   "extends": "entra",
//!   "roots": ["profile", ""],
//!   "attributes": [
//!     {"target": "userName", "from": {"coalesce": ["userPrincipalName", "mail"]}, "required": true},
//!     {"target": "emails[type eq \"work\"].value", "from": {"email": "mail"}},
//!     {"target": "timezone", "from": {"timezone": "mailboxSettings.timeZone"}},
//!     {"target": "title", "from": "jobTitle"},
//!     {"target": "nickName", "from": null}
//!   ]
//! }
//! ```
//!
//! - `target` is a SCIM User attribute path: `title`, `name.givenName`,
//!   `emails[type eq "work"].value`, or an extension attribute with its URN
//!   (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`). Read-only and
//!   unknown attributes are refused. The first email a mapping writes is the primary one.
//! - `from` is an expression: a string names a source attribute (a path into the record:
//!   `mailboxSettings.timeZone`, `businessPhones[0]`, `["key.with.dots"]`); an object is one of
//!   `{"source": path}`, `{"constant": value}`, `{"coalesce": [expr, …]}` (the first with a value),
//!   `{"join": [expr, …], "separator": " "}`, or a transform `{"<name>": expr}` (see
//!   [`Transform`]).
//! - `required: true` makes a missing value an error in the report (rule MAP-001).
//! - `roots` lists where source paths are looked up, in order (`""` is the record itself): Okta
//!   users carry their attributes under `profile`.
//! - `value_maps` declares tables from source values to SCIM values, used like transforms by
//!   name (core/src/mapping/value_map.rs describes the format).
//! - `extends` starts from a preset; an entry with the same target replaces the preset's, and
//!   `"from": null` removes it.
//!
//! A source value is absent when the attribute is missing, null, blank or an empty array. Values
//! written to string attributes are trimmed, except `externalId`, which Atlassian compares byte
//! for byte. Every problem is found when the mapping is loaded, with the entry named.

use std::fmt;
use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value};

use super::presets::{self, PRESETS};
use super::target::TargetPath;
use super::value_map::{self, PRESET_VALUE_MAPS, ValueMap};
use crate::suggest::closest;
use crate::syntax::json_kind;

/// A mapping that could not be loaded, naming the offending entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MappingError {
    pub(crate) entry: String,
    pub(crate) message: String,
}

impl MappingError {
    /// The entry, e.g. `attributes[2] (timezone)`, or a top-level key; empty for the whole mapping.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn new(entry: impl Into<String>, message: impl Into<String>) -> MappingError {
        MappingError { entry: entry.into(), message: message.into() }
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entry.is_empty() {
            write!(f, "mapping: {}", self.message)
        } else {
            write!(f, "mapping {}: {}", self.entry, self.message)
        }
    }
}

impl std::error::Error for MappingError {}

/// One step of a path into a source record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// A path into a source record: `mailboxSettings.timeZone`, `businessPhones[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourcePath {
    pub text: String,
    pub steps: Vec<Step>,
}

impl SourcePath {
    pub(crate) fn parse(text: &str) -> Result<SourcePath, String> {
        if text.is_empty() {
            return Err("a source attribute name is empty".to_string());
        }
        let mut steps = Vec::new();
        let mut rest = text;
        let mut expect_key = true;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("[\"") {
                let end = r.find("\"]").ok_or_else(|| format!("{text:?}: [\"…\"] is not closed"))?;
                steps.push(Step::Key(r[..end].to_string()));
                rest = &r[end + 2..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').ok_or_else(|| format!("{text:?}: [ is not closed"))?;
                let index =
                    r[..end].parse().map_err(|_| format!("{text:?}: [{}] must be an index such as [0]", &r[..end]))?;
                steps.push(Step::Index(index));
                rest = &r[end + 1..];
            } else if expect_key {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                if end == 0 {
                    return Err(format!("{text:?}: an empty name in the path"));
                }
                steps.push(Step::Key(rest[..end].to_string()));
                rest = &rest[end..];
            } else {
                return Err(format!("{text:?}: expected '.' or '[' after a name"));
            }
            expect_key = false;
            if let Some(r) = rest.strip_prefix('.') {
                if r.is_empty() {
                    return Err(format!("{text:?}: the path ends with '.'"));
                }
                rest = r;
                expect_key = true;
            }
        }
        Ok(SourcePath { text: text.to_string(), steps })
    }
}

/// A transform applied to the value of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transform {
    /// Lower case.
    Lower,
    /// Surrounding whitespace removed.
    Trim,
    /// The given name of a display name ([`super::split_display_name`]).
    GivenName,
    /// The family name of a display name.
    FamilyName,
    /// [`super::normalize_email`]; an invalid address is kept for the check to report.
    Email,
    /// [`super::normalize_timezone`], giving the canonical IANA name.
    Timezone,
    /// [`super::normalize_locale`].
    Locale,
    /// The preferred tag of an Accept-Language list ([`super::parse_accept_language`]).
    PreferredLanguage,
    /// The preferred tag, moved to the nearest Atlassian product language when there is one.
    AtlassianLanguage,
    /// `true`/`false` from booleans, `"true"`/`"false"` in any case, or 1/0.
    Boolean,
    /// The negated boolean (`suspended` → `active`).
    Not,
}

const TRANSFORMS: [(&str, Transform); 11] = [
    ("lower", Transform::Lower),
    ("trim", Transform::Trim),
    ("given_name", Transform::GivenName),
    ("family_name", Transform::FamilyName),
    ("email", Transform::Email),
    ("timezone", Transform::Timezone),
    ("locale", Transform::Locale),
    ("preferred_language", Transform::PreferredLanguage),
    ("atlassian_language", Transform::AtlassianLanguage),
    ("boolean", Transform::Boolean),
    ("not", Transform::Not),
];

/// The operations an expression object names besides transforms and value maps.
const OPERATIONS: [&str; 4] = ["source", "constant", "coalesce", "join"];

/// Whether a name is taken by an operation or a transform (so a value map cannot have it).
fn reserved(name: &str) -> bool {
    OPERATIONS.contains(&name) || Transform::from_name(name).is_some()
}

impl Transform {
    pub fn as_str(self) -> &'static str {
        TRANSFORMS.iter().find(|(_, t)| *t == self).map_or("", |(n, _)| n)
    }

    fn from_name(name: &str) -> Option<Transform> {
        TRANSFORMS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }
}

/// How a target's value is computed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Source(SourcePath),
    Constant(Value),
    Coalesce(Vec<Expr>),
    Join(Vec<Expr>, String),
    Apply(Transform, Box<Expr>),
    /// A value map declared in the mapping or a preset.
    Map(Arc<ValueMap>, Box<Expr>),
}

/// Expressions deeper than this are refused (a mapping is written by people, not generated).
const MAX_EXPR_DEPTH: usize = 16;

impl Expr {
    /// `maps` are the value maps in scope: the mapping's own (and its preset's), then the
    /// presets'.
    fn parse(v: &Value, depth: usize, maps: &[Arc<ValueMap>]) -> Result<Expr, String> {
        if depth > MAX_EXPR_DEPTH {
            return Err(format!("expressions nest at most {MAX_EXPR_DEPTH} deep"));
        }
        let obj = match v {
            Value::String(s) => return SourcePath::parse(s).map(Expr::Source),
            Value::Object(obj) => obj,
            other => {
                return Err(format!(
                    "an expression is a source attribute name or an object such as {{\"coalesce\": [\"a\", \"b\"]}}, got {}",
                    json_kind(other)
                ));
            }
        };
        let list = |v: &Value, op: &str| -> Result<Vec<Expr>, String> {
            match v {
                Value::Array(items) if !items.is_empty() => {
                    items.iter().map(|i| Expr::parse(i, depth + 1, maps)).collect()
                }
                _ => Err(format!("{op} takes a non-empty array of expressions")),
            }
        };
        let op = obj.keys().find(|k| k.as_str() != "separator").map(String::as_str).unwrap_or("");
        let expected = obj.len() == 1 || (op == "join" && obj.len() == 2 && obj.contains_key("separator"));
        if !expected {
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            return Err(format!(
                "an expression object has exactly one operation (plus separator for join), got {}",
                keys.join(", ")
            ));
        }
        let arg = &obj[op];
        Ok(match op {
            "source" => match arg {
                Value::String(s) => Expr::Source(SourcePath::parse(s)?),
                _ => return Err("source takes a source attribute name".to_string()),
            },
            "constant" => Expr::Constant(arg.clone()),
            "coalesce" => Expr::Coalesce(list(arg, op)?),
            "join" => {
                let sep = match obj.get("separator") {
                    None => " ".to_string(),
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err("separator must be a string".to_string()),
                };
                Expr::Join(list(arg, op)?, sep)
            }
            name => match Transform::from_name(name) {
                Some(t) => Expr::Apply(t, Box::new(Expr::parse(arg, depth + 1, maps)?)),
                None if let Some(map) = maps.iter().find(|m| m.name == name) => {
                    Expr::Map(Arc::clone(map), Box::new(Expr::parse(arg, depth + 1, maps)?))
                }
                None => {
                    let mut names = OPERATIONS.to_vec();
                    names.extend(TRANSFORMS.iter().map(|(n, _)| *n));
                    for m in maps {
                        if !names.contains(&m.name.as_str()) {
                            names.push(&m.name);
                        }
                    }
                    let mut msg = format!("unknown operation {name:?}; expected one of {}", names.join(", "));
                    if let Some(s) = closest(name, names.iter().copied()) {
                        msg.push_str(&format!(" (did you mean {s:?}?)"));
                    }
                    return Err(msg);
                }
            },
        })
    }

    fn to_json(&self) -> Value {
        let one = |k: &str, v: Value| {
            let mut m = Map::new();
            m.insert(k.to_string(), v);
            Value::Object(m)
        };
        match self {
            Expr::Source(p) => Value::String(p.text.clone()),
            Expr::Constant(v) => one("constant", v.clone()),
            Expr::Coalesce(items) => one("coalesce", items.iter().map(Expr::to_json).collect()),
            Expr::Join(items, sep) => {
                let mut m = Map::new();
                m.insert("join".into(), items.iter().map(Expr::to_json).collect());
                m.insert("separator".into(), Value::String(sep.clone()));
                Value::Object(m)
            }
            Expr::Apply(t, inner) => one(t.as_str(), inner.to_json()),
            Expr::Map(map, inner) => one(&map.name, inner.to_json()),
        }
    }

    /// The source attributes the expression reads, for messages.
    pub(crate) fn sources(&self, out: &mut Vec<String>) {
        match self {
            Expr::Source(p) => out.push(p.text.clone()),
            Expr::Constant(_) => {}
            Expr::Coalesce(items) | Expr::Join(items, _) => items.iter().for_each(|i| i.sources(out)),
            Expr::Apply(_, inner) | Expr::Map(_, inner) => inner.sources(out),
        }
    }
}

/// One mapping entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub target: TargetPath,
    pub expr: Expr,
    pub required: bool,
}

/// A compiled mapping from identity-provider records to SCIM Users. Immutable; build once (from a
/// preset or JSON) and share.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub(crate) description: String,
    pub(crate) roots: Vec<SourcePath>,
    pub(crate) entries: Vec<Entry>,
    /// The value maps the mapping declares (its preset's first).
    pub(crate) value_maps: Vec<Arc<ValueMap>>,
}

/// The presets, parsed on first use. (A preset must not use `extends`: it would wait on itself.)
static LOADED_PRESETS: LazyLock<Vec<Result<Mapping, MappingError>>> = LazyLock::new(|| {
    PRESETS
        .iter()
        .map(|preset| {
            let failed = |e: &dyn fmt::Display| MappingError::new("", format!("preset {}: {e}", preset.name));
            let (user, _) = presets::split(preset).map_err(|e| failed(&e))?;
            let mut mapping = Mapping::from_json(&user).map_err(|e| failed(&e))?;
            mapping.description = preset.description.to_string();
            Ok(mapping)
        })
        .collect()
});

impl Mapping {
    /// A built-in mapping: `entra` (Microsoft Graph user objects), `okta` (Okta users or their
    /// profiles) or `generic` (records whose attributes carry SCIM names). Names ignore case. The
    /// presets are loaded once and shared.
    pub fn preset(name: &str) -> Result<&'static Mapping, MappingError> {
        let Some((i, _)) = presets::find(name) else {
            let mut msg = format!("unknown preset {name:?}; expected one of {}", presets::names());
            if let Some(s) = closest(name, PRESETS.iter().map(|p| p.name)) {
                msg.push_str(&format!(" (did you mean {s}?)"));
            }
            return Err(MappingError::new("", msg));
        };
        LOADED_PRESETS[i].as_ref().map_err(Clone::clone)
    }

    /// Loads a mapping from JSON text.
    /// A mapping named by a preset (`entra`, `okta`, `generic`) or written out as JSON text (a
    /// text starting with `{`): what a binding or a config file passes as "the mapping".
    pub fn load(spec: &str) -> Result<std::borrow::Cow<'static, Mapping>, MappingError> {
        if spec.trim_start().starts_with('{') {
            Mapping::from_json_str(spec).map(std::borrow::Cow::Owned)
        } else {
            Mapping::preset(spec).map(std::borrow::Cow::Borrowed)
        }
    }

    pub fn from_json_str(text: &str) -> Result<Mapping, MappingError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            MappingError::new(
                "",
                format!("not valid JSON: {}", crate::syntax::JsonSyntaxError::new(&e, text.as_bytes())),
            )
        })?;
        Mapping::from_json(&value)
    }

    /// Loads a mapping (the format is in the module documentation). Every entry is checked now:
    /// an unknown target, operation or transform, a malformed source path or a duplicate target is
    /// an error naming the entry.
    pub fn from_json(value: &Value) -> Result<Mapping, MappingError> {
        let Value::Object(obj) = value else {
            return Err(MappingError::new("", format!("must be a JSON object, got {}", json_kind(value))));
        };
        for key in obj.keys() {
            if !["description", "extends", "roots", "value_maps", "attributes"].contains(&key.as_str()) {
                return Err(MappingError::new(
                    key.clone(),
                    "unknown key; expected description, extends, roots, value_maps or attributes",
                ));
            }
        }
        let mut mapping = match obj.get("extends") {
            None => Mapping {
                description: String::new(),
                roots: vec![root_record()],
                entries: Vec::new(),
                value_maps: Vec::new(),
            },
            Some(Value::String(name)) => {
                Mapping::preset(name).cloned().map_err(|e| MappingError::new("extends", e.message))?
            }
            Some(other) => {
                return Err(MappingError::new("extends", format!("must be a preset name, got {}", json_kind(other))));
            }
        };
        match obj.get("description") {
            None => {}
            Some(Value::String(s)) => mapping.description = s.clone(),
            Some(other) => {
                return Err(MappingError::new("description", format!("must be a string, got {}", json_kind(other))));
            }
        }
        if let Some(roots) = obj.get("roots") {
            let Value::Array(items) = roots else {
                return Err(MappingError::new("roots", "must be an array of source paths (\"\" is the record)"));
            };
            mapping.roots = items
                .iter()
                .enumerate()
                .map(|(i, r)| match r {
                    Value::String(s) if s.is_empty() => Ok(root_record()),
                    Value::String(s) => SourcePath::parse(s).map_err(|m| MappingError::new(format!("roots[{i}]"), m)),
                    other => Err(MappingError::new(
                        format!("roots[{i}]"),
                        format!("must be a string, got {}", json_kind(other)),
                    )),
                })
                .collect::<Result<_, _>>()?;
            if mapping.roots.is_empty() {
                return Err(MappingError::new("roots", "must list at least one root (\"\" is the record)"));
            }
        }
        if let Some(maps) = obj.get("value_maps") {
            for map in value_map::parse_all(maps, reserved)? {
                mapping.value_maps.retain(|m| m.name != map.name);
                mapping.value_maps.push(map);
            }
        }
        let scope: Vec<Arc<ValueMap>> = mapping.value_maps.iter().chain(PRESET_VALUE_MAPS.iter()).cloned().collect();
        let own = match obj.get("attributes") {
            None if obj.contains_key("extends") => &[][..],
            None => return Err(MappingError::new("attributes", "is required: the list of mapping entries")),
            Some(Value::Array(items)) => items.as_slice(),
            Some(other) => {
                return Err(MappingError::new("attributes", format!("must be an array, got {}", json_kind(other))));
            }
        };
        let inherited = mapping.entries.len();
        for (i, item) in own.iter().enumerate() {
            let (target, entry) = parse_entry(i, item, &scope)?;
            let key = target.key();
            let existing = mapping.entries.iter().position(|e| e.target.key() == key);
            match (existing, entry) {
                (Some(at), _) if at >= inherited => {
                    return Err(MappingError::new(
                        entry_name(i, Some(&target.text)),
                        format!("{} is mapped twice; use coalesce to try several sources", target.text),
                    ));
                }
                (Some(at), Some(entry)) => mapping.entries[at] = entry,
                (Some(at), None) => {
                    mapping.entries.remove(at);
                }
                (None, Some(entry)) => mapping.entries.push(entry),
                (None, None) => {
                    return Err(MappingError::new(
                        entry_name(i, Some(&target.text)),
                        "\"from\": null removes an entry of the preset named in extends, and it has none for this target",
                    ));
                }
            }
        }
        Ok(mapping)
    }

    /// The mapping as JSON, in the format [`Mapping::from_json`] reads (presets included).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if !self.description.is_empty() {
            m.insert("description".into(), Value::String(self.description.clone()));
        }
        m.insert("roots".into(), self.roots.iter().map(|r| Value::String(r.text.clone())).collect());
        if !self.value_maps.is_empty() {
            m.insert("value_maps".into(), value_map::to_json(&self.value_maps));
        }
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let mut o = Map::new();
                o.insert("target".into(), Value::String(e.target.text.clone()));
                o.insert("from".into(), e.expr.to_json());
                if e.required {
                    o.insert("required".into(), Value::Bool(true));
                }
                Value::Object(o)
            })
            .collect();
        m.insert("attributes".into(), Value::Array(entries));
        Value::Object(m)
    }

    /// What the mapping is for.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The SCIM targets the mapping writes, in order.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.target.text.as_str())
    }
}

fn root_record() -> SourcePath {
    SourcePath { text: String::new(), steps: Vec::new() }
}

fn entry_name(i: usize, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("attributes[{i}] ({t})"),
        None => format!("attributes[{i}]"),
    }
}

/// Parses one entry; `None` for `"from": null` (remove the inherited entry).
fn parse_entry(i: usize, item: &Value, maps: &[Arc<ValueMap>]) -> Result<(TargetPath, Option<Entry>), MappingError> {
    let Value::Object(obj) = item else {
        return Err(MappingError::new(
            entry_name(i, None),
            format!("an entry is an object {{\"target\", \"from\", \"required\"?}}, got {}", json_kind(item)),
        ));
    };
    let target_text = match obj.get("target") {
        Some(Value::String(t)) => t.as_str(),
        Some(other) => {
            return Err(MappingError::new(
                entry_name(i, None),
                format!("target must be a string, got {}", json_kind(other)),
            ));
        }
        None => return Err(MappingError::new(entry_name(i, None), "target is required")),
    };
    let name = entry_name(i, Some(target_text));
    for key in obj.keys() {
        if !["target", "from", "required"].contains(&key.as_str()) {
            return Err(MappingError::new(name, format!("unknown key {key:?}; expected target, from and required")));
        }
    }
    let target = TargetPath::parse(target_text).map_err(|m| MappingError::new(&name, m))?;
    let required = match obj.get("required") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(MappingError::new(name, format!("required must be a boolean, got {}", json_kind(other))));
        }
    };
    match obj.get("from") {
        None => Err(MappingError::new(name, "from is required: a source attribute or an expression")),
        Some(Value::Null) => Ok((target, None)),
        Some(from) => {
            let expr = Expr::parse(from, 0, maps).map_err(|m| MappingError::new(&name, m))?;
            Ok((target.clone(), Some(Entry { target, expr, required })))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn load_takes_a_preset_name_or_json() {
        assert!(matches!(Mapping::load(" okta"), Ok(std::borrow::Cow::Borrowed(_))));
        let custom = Mapping::load(r#"{"attributes": [{"target": "userName", "from": "login"}]}"#);
        assert!(matches!(custom, Ok(std::borrow::Cow::Owned(_))), "{custom:?}");
        assert!(Mapping::load("entr").is_err());
        assert!(Mapping::load("{not json").is_err());
    }

    use super::*;
    use crate::mapping::target::Target;
    use crate::schema;
    use serde_json::json;

    #[test]
    fn source_paths() {
        let steps = |s: &str| SourcePath::parse(s).map(|p| p.steps);
        assert_eq!(steps("a.b"), Ok(vec![Step::Key("a".into()), Step::Key("b".into())]));
        assert_eq!(steps("phones[0]"), Ok(vec![Step::Key("phones".into()), Step::Index(0)]));
        assert_eq!(
            steps("[\"urn:x:2.0:User\"].department"),
            Ok(vec![Step::Key("urn:x:2.0:User".into()), Step::Key("department".into())])
        );
        for bad in ["", "a.", ".a", "a..b", "a[x]", "a[0", "a[0]b", "[\"a"] {
            assert!(SourcePath::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn targets() {
        let t = |s: &str| TargetPath::parse(s).map(|t| t.target);
        assert_eq!(t("title"), Ok(Target::Attr { name: "title".into() }));
        assert_eq!(t("Name.GivenName"), Ok(Target::Sub { parent: "name".into(), sub: "givenName".into() }));
        assert_eq!(
            t("emails[type eq \"work\"].value"),
            Ok(Target::Typed { parent: "emails".into(), kind: "work".into(), sub: "value".into() })
        );
        assert_eq!(
            t("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
            Ok(Target::Ext { urn: schema::ENTERPRISE_URN.into(), name: "department".into() })
        );
        assert_eq!(
            t("urn:scim:schemas:extension:atlassian-custom:1.0:Attributes:basedIn")
                .map(|t| matches!(t, Target::Ext { .. })),
            Ok(true)
        );
        let err = |s: &str| TargetPath::parse(s).expect_err(s);
        assert!(err("titel").contains("did you mean title?"));
        assert!(err("id").contains("read-only"));
        assert!(err("groups").contains("read-only"));
        assert!(err("name").contains("name.formatted"));
        assert!(err("emails").contains("emails[type eq \"work\"].value"));
        assert!(err("emails.value").contains("multi-valued"));
        assert!(err("emails[primary eq true].value").contains("only filter"));
        assert!(err("emails[type eq \"work\"].primary").contains("set by atlscim"));
        assert!(err("emails[type eq \"work\"]").contains(".value"));
        assert!(err("name.givenNam").contains("did you mean givenName?"));
        assert!(err("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:dept").contains("has no attribute"));
        assert!(err("urn:example:ext:x").contains("User extension URN"));
        assert!(err("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").contains("simple"));
    }

    #[test]
    fn hostile_targets_and_paths_are_errors_not_panics() {
        for t in
            ["abé", "é", "urné:x", "urn:€", "emails[type eq \"wörk\"].välue", "[", "]", ".", "a.b.c", "name.", "€[0]"]
        {
            let _ = TargetPath::parse(t);
        }
        for p in ["é", "a[é]", "[\"é", "a.€", "[99999999999999999999999]"] {
            let _ = SourcePath::parse(p);
        }
    }

    #[test]
    fn load_errors_name_the_entry() {
        let e = |v: Value| Mapping::from_json(&v).expect_err("invalid");
        let err = e(
            json!({"attributes": [{"target": "title", "from": "jobTitle"}, {"target": "timezone", "from": {"timezon": "x"}}]}),
        );
        assert_eq!(err.entry, "attributes[1] (timezone)");
        assert!(err.message.contains("did you mean \"timezone\"?"), "{err}");
        assert_eq!(e(json!({"attributes": [], "extra": 1})).entry, "extra");
        assert_eq!(
            e(json!({"attributes": [{"target": "title"}]})).message,
            "from is required: a source attribute or an expression"
        );
        assert!(
            e(json!({"attributes": [{"target": "title", "from": "a"}, {"target": "Title", "from": "b"}]}))
                .message
                .contains("mapped twice")
        );
        assert!(e(json!({"attributes": [{"target": "title", "from": 5}]})).message.contains("got a number"));
        assert!(
            e(json!({"attributes": [{"target": "title", "from": {"coalesce": []}}]})).message.contains("non-empty")
        );
        assert!(
            e(json!({"attributes": [{"target": "title", "from": {"lower": "a", "trim": "b"}}]}))
                .message
                .contains("exactly one")
        );
        assert!(
            e(json!({"attributes": [{"target": "title", "from": "a", "required": "yes"}]})).message.contains("boolean")
        );
        assert!(e(json!({"attributes": [{"target": "title", "from": null}]})).message.contains("removes"));
        assert_eq!(
            e(json!({"extends": "entr"})).message,
            "unknown preset \"entr\"; expected one of entra, okta, generic (did you mean entra?)"
        );
        assert_eq!(e(json!([])).entry, "");
        assert_eq!(e(json!({"roots": [], "attributes": []})).entry, "roots");
        let mut deep = json!("a");
        for _ in 0..20 {
            deep = json!({"trim": deep});
        }
        assert!(e(json!({"attributes": [{"target": "title", "from": deep}]})).message.contains("nest"));
        assert!(err_display_names_entry());
    }

    fn err_display_names_entry() -> bool {
        let err =
            Mapping::from_json(&json!({"attributes": [{"target": "favouriteColour", "from": "x"}]})).expect_err("bad");
        err.to_string() == "mapping attributes[0] (favouriteColour): \"favouriteColour\" is not a SCIM User attribute"
    }

    #[test]
    fn extends_replaces_and_removes_preset_entries() {
        let base = Mapping::preset("entra").expect("preset");
        let m = Mapping::from_json(&json!({
            "extends": "entra",
            "attributes": [
                {"target": "title", "from": {"constant": "Engineer"}},
                {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "from": null},
                {"target": "nickName", "from": "mailNickname"}
            ]
        }))
        .expect("valid");
        assert_eq!(m.entries.len(), base.entries.len());
        let title = m.entries.iter().find(|e| e.target.text == "title").expect("title");
        assert_eq!(title.expr, Expr::Constant(json!("Engineer")));
        assert!(m.targets().all(|t| !t.ends_with(":department")));
        assert_eq!(m.targets().last(), Some("nickName"));
    }

    #[test]
    fn mappings_round_trip_through_json() {
        for preset in PRESETS {
            let name = preset.name;
            let m = Mapping::preset(name).expect("preset");
            assert!(!preset.json.contains("\"extends\""), "{name} must not extend");
            assert!(!preset.json.contains("\"description\""), "{name}: the description is the table's");
            assert_eq!(m.description(), preset.description);
            assert_eq!(Mapping::from_json(&m.to_json()).as_ref(), Ok(m), "{name}");
        }
    }

    #[test]
    fn value_maps_map_values_and_are_checked_when_loaded() {
        let e = |v| Mapping::from_json(&v).expect_err("invalid");
        let m = Mapping::from_json(&json!({
            "value_maps": {"state": {"of": "a state", "values": [["on", true], ["off", false]]}},
            "attributes": [{"target": "active", "from": {"state": "s"}}]
        }))
        .expect("valid");
        let map = m.value_maps.first().expect("declared");
        assert_eq!(map.get(" ON "), Some(&json!(true)));
        assert_eq!(map.get("dim"), None);
        assert_eq!(Mapping::from_json(&m.to_json()).as_ref(), Ok(&m));
        // The presets' maps are usable everywhere, as okta_status always was.
        let okta = json!({"attributes": [{"target": "active", "from": {"okta_status": "status"}}]});
        assert!(Mapping::from_json(&okta).is_ok());
        let taken = json!({"value_maps": {"trim": {"of": "x", "values": [["a", 1]]}}, "attributes": []});
        assert_eq!(e(taken).entry, "value_maps.trim");
        let twice = json!({"value_maps": {"v": {"of": "x", "values": [["a", 1], ["A", 2]]}}, "attributes": []});
        assert!(e(twice).message.contains("twice"));
        let null = json!({"value_maps": {"v": {"of": "x", "values": [["a", null]]}}, "attributes": []});
        assert!(e(null).message.contains("null"));
        let pair = json!({"value_maps": {"v": {"of": "x", "values": [["a"]]}}, "attributes": []});
        assert_eq!(e(pair).entry, "value_maps.v");
        let unknown = json!({"attributes": [{"target": "active", "from": {"stat": "s"}}]});
        assert!(e(unknown).message.contains("okta_status"));
    }
}
