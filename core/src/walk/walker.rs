//! The single pass over a resource body.
//!
//! The body is read once, as a serde `Deserializer` (JSON bytes, a parsed `Value`, or a binding's
//! own objects such as Python dicts), and every value is visited against the compiled schema of
//! the attribute it belongs to. No tree is built: strings are borrowed from the input where the
//! deserializer allows, and locations live on the stack ([`Loc`]). What the Atlassian rules need
//! after the walk (the schemas listed, the extensions used, the emails) is gathered as it passes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::fix::{Fix, Fixes, KeySeed};
use super::loc::Loc;
use crate::dates::is_xsd_datetime;
use crate::email;
use crate::profile::Profile;
use crate::report::{Issue, Issues, Severity};
use crate::rules::{self, Rule};
use crate::schema::{self, AttrType, Attribute, Attributes, Mutability, ResourceKind, ResourceType};

/// Extension URNs that clients send with the wrong version, and the URN Atlassian uses
/// (reference/atlassian-scim.md §2.1, contradiction 5).
const URN_ALIASES: [(&str, &str); 2] = [
    ("urn:ietf:params:scim:schemas:extension:enterprise:2.1:User", schema::ENTERPRISE_URN),
    ("urn:scim:schemas:extension:atlassian-external:1.1", schema::ATLASSIAN_EXTERNAL_URN),
];

/// Atlassian's OpenAPI also lists these enterprise attributes at the top level of a User.
const TOP_LEVEL_ENTERPRISE: [&str; 2] = ["department", "organization"];

/// What the walk learned about the top-level object, for the rules that run after it.
#[derive(Debug, Default)]
pub(crate) struct TopFacts<'de> {
    /// The `schemas` member: its key as written and the canonical URNs it lists (`None` when it
    /// was not an array, which the walk already reported).
    pub schemas: Option<(String, Option<Vec<&'static str>>)>,
    /// Canonical URNs of the extension objects present in the body.
    pub extensions_used: Vec<&'static str>,
    /// Canonical paths of the attributes present (collected only when a rule needs them).
    pub present: Vec<String>,
    /// Top-level `department` / `organization` (key as written, value), in that order.
    pub enterprise_top: [Option<(String, Cow<'de, str>)>; 2],
    /// The same attributes inside the enterprise extension.
    pub enterprise_ext: [Option<Cow<'de, str>>; 2],
    /// userName, displayName, name.givenName, name.familyName as sent.
    pub user_name: Option<Cow<'de, str>>,
    pub display_name: Option<Cow<'de, str>>,
    pub given_name: Option<Cow<'de, str>>,
    pub family_name: Option<Cow<'de, str>>,
    /// externalId as sent (ATL-U-009 compares it byte for byte with the current one).
    pub external_id: Option<Cow<'de, str>>,
    /// The value of the one email marked primary.
    pub primary_email: Option<Cow<'de, str>>,
    /// How many members a group body lists.
    pub member_count: Option<usize>,
}

/// State of one walk.
pub(crate) struct Walker<'p, 'de> {
    pub profile: &'p Profile,
    pub rt: &'static ResourceType,
    /// The RFC resource type, when the profile's schemas are narrower (Atlassian): attributes the
    /// RFC defines but the profile does not are "unsupported", not "unknown".
    pub fallback: Option<&'static ResourceType>,
    pub issues: Issues,
    pub fixes: Fixes,
    /// An issue that stops the walk (not an object, too deep).
    pub abort: Option<Issue>,
    pub top: TopFacts<'de>,
    pub collect_present: bool,
    /// Checking part of a resource (a PATCH value): no required attributes, no "exactly one
    /// primary email" (the rest of the resource is not in view).
    pub partial: bool,
}

impl<'p, 'de> Walker<'p, 'de> {
    pub(crate) fn new(profile: &'p Profile, kind: ResourceKind) -> Walker<'p, 'de> {
        let rt = profile.schemas().resource(kind);
        let fallback = profile.is_atlassian().then(|| schema::RFC.resource(kind));
        Walker {
            profile,
            rt,
            fallback,
            issues: Issues::new(profile.limits().max_issues),
            fixes: Fixes::default(),
            abort: None,
            top: TopFacts::default(),
            collect_present: false,
            partial: false,
        }
    }

    pub(crate) fn atlassian_user(&self) -> bool {
        self.profile.is_atlassian() && self.rt.kind == ResourceKind::User
    }

    pub(crate) fn issue(&mut self, severity: Severity, rule: &'static Rule, loc: &Loc<'_>, detail: impl Into<String>) {
        if !self.issues.has_room(severity) {
            // Counted, not built: a body of millions of wrong values costs no more than the cap.
            return self.issues.count_omitted(severity, rule);
        }
        self.issues.push(Issue { severity, rule, path: loc.path(), pointer: loc.pointer(), detail: detail.into() });
    }

    /// A problem lenient mode fixes: reported as info when fixed, as the rule's own severity otherwise.
    pub(crate) fn fixable(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: String, fix: Fix) {
        if self.profile.lenient() {
            self.issue(Severity::Info, rule, loc, format!("{detail} (fixed in normalized)"));
            self.fixes.push(fix);
        } else {
            self.issue(rule.severity, rule, loc, detail);
        }
    }

    fn abort_with<E: de::Error>(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: String) -> E {
        self.abort = Some(Issue { severity: Severity::Error, rule, path: loc.path(), pointer: loc.pointer(), detail });
        E::custom("aborted")
    }

    fn check_depth<E: de::Error>(&mut self, depth: usize, loc: &Loc<'_>) -> Result<(), E> {
        let max = self.profile.limits().max_depth;
        if depth > max {
            return Err(self.abort_with(
                &rules::RFC_J_003,
                loc,
                format!("the body is nested deeper than {max} levels (limits.max_depth)"),
            ));
        }
        Ok(())
    }

    /// RFC-J-005 when `s` is longer than `limits.max_string_bytes`, wherever it is: an attribute's
    /// value, a value that is skipped (read-only, unsupported, unknown) or of the wrong type.
    /// True when it is, and then nothing else is said about the value.
    #[inline]
    pub(crate) fn too_long(&mut self, loc: &Loc<'_>, s: &str) -> bool {
        s.len() > self.profile.limits().max_string_bytes && self.string_too_long(loc, s.len(), None)
    }

    /// RFC-J-005 for a member name longer than `limits.max_string_bytes`. It is located at the
    /// object holding it (a location spelling the name out would be as long), and its value is
    /// then skipped. True when it is too long.
    #[inline]
    pub(crate) fn key_too_long(&mut self, object: &Loc<'_>, key: &str) -> bool {
        key.len() > self.profile.limits().max_string_bytes && self.string_too_long(object, key.len(), Some(key))
    }

    /// Reports RFC-J-005 for a string of `len` bytes (a member name when `key` is given).
    #[cold]
    fn string_too_long(&mut self, loc: &Loc<'_>, len: usize, key: Option<&str>) -> bool {
        let max = self.profile.limits().max_string_bytes;
        let detail = match key {
            None => format!("the value is {len} bytes long; at most {max} are allowed (limits.max_string_bytes)"),
            Some(key) => {
                let start = key.char_indices().nth(32).map_or(key, |(i, _)| &key[..i]);
                format!(
                    "a member name is {len} bytes long (it starts {start:?}); at most {max} are allowed (limits.max_string_bytes)"
                )
            }
        };
        self.issue(Severity::Error, &rules::RFC_J_005, loc, detail);
        true
    }

    /// Resolves an extension URN, following Atlassian's version aliases.
    pub(crate) fn extension(&self, urn: &str) -> Option<(&'static schema::Schema, bool)> {
        if let Some(s) = self.rt.extension(urn) {
            return Some((s, false));
        }
        if self.profile.is_atlassian() {
            for (alias, canonical) in URN_ALIASES {
                if alias.eq_ignore_ascii_case(urn) {
                    return self.rt.extension(canonical).map(|s| (s, true));
                }
            }
        }
        None
    }

    pub(crate) fn readonly_rule(&self) -> &'static Rule {
        if self.atlassian_user() { &rules::ATL_U_010 } else { &rules::RFC_A_004 }
    }

    fn schemas_rule(&self, rfc: &'static Rule) -> &'static Rule {
        if self.atlassian_user() { &rules::ATL_U_016 } else { rfc }
    }

    fn missing_rule(&self, attr: &Attribute, top: bool) -> &'static Rule {
        if self.profile.is_atlassian() && self.rt.kind == ResourceKind::Group && top && attr.is("displayName") {
            return &rules::ATL_G_001;
        }
        if self.atlassian_user() && top {
            if attr.is("userName") {
                return &rules::ATL_U_001;
            }
            if attr.is("emails") {
                return &rules::ATL_U_002;
            }
        }
        &rules::RFC_A_003
    }

    fn boolean_string_rule(&self, attr: &Attribute, top: bool) -> &'static Rule {
        if self.atlassian_user() && top && attr.is("active") { &rules::ATL_U_017 } else { &rules::RFC_T_002 }
    }

    fn canonical_rule(&self, parent: Option<&Attribute>) -> &'static Rule {
        match parent {
            Some(p) if self.atlassian_user() && p.is("emails") => &rules::ATL_U_005,
            Some(p) if self.atlassian_user() && p.is("phoneNumbers") => &rules::ATL_U_014,
            _ => &rules::RFC_V_001,
        }
    }

    /// Reports a read-only or unsupported member and drops it from `normalized`.
    fn drop_member(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: String) {
        let pointer = loc.pointer();
        self.fixes.push(Fix::Remove { pointer: pointer.clone() });
        if self.issues.has_room(rule.severity) {
            self.issues.push(Issue { severity: rule.severity, rule, path: loc.path(), pointer, detail });
        } else {
            self.issues.count_omitted(rule.severity, rule);
        }
    }

    /// Walks the top-level object of a resource.
    pub(crate) fn walk<D: Deserializer<'de>>(&mut self, body: D) -> Result<(), D::Error> {
        body.deserialize_any(ResourceVisitor { w: self })
    }

    /// Walks one value written to `attr` (a PATCH operation's value): `element` when it is one
    /// value of a multi-valued attribute, `parent` when `attr` is a sub-attribute.
    pub(crate) fn walk_value(
        &mut self,
        attr: &'static Attribute,
        alt: Option<&'static Attribute>,
        parent: Option<&'static Attribute>,
        element: bool,
        value: &'de Value,
        loc: &Loc<'_>,
    ) {
        let top = parent.is_none() && !element;
        let ctx = Ctx { attr, alt, parent, loc, depth: 1, element, top };
        let read = ValueSeed { w: self, ctx }.deserialize(value);
        if read.is_err() && self.abort.is_none() {
            self.issue(Severity::Error, &rules::RFC_J_003, loc, "the value could not be read");
        }
        if let Some(abort) = self.abort.take() {
            self.issues.push(abort);
        }
    }
}

/// What a walked value contributes to its parent.
#[derive(Debug, Default)]
struct Summary<'de> {
    /// Assigned: not null, not `[]`, and for strings not blank (RFC 7643 §2.5).
    present: bool,
    text: Option<Cow<'de, str>>,
    boolean: Option<bool>,
    element: Element<'de>,
}

/// The standard sub-attributes of one multi-valued element (RFC 7643 §2.4).
#[derive(Debug, Default)]
struct Element<'de> {
    primary: bool,
    value: Option<Cow<'de, str>>,
    kind: Option<Cow<'de, str>>,
    reference: Option<Cow<'de, str>>,
}

/// Skips a value, enforcing the depth limit (serde's own skipping would not) and the string limit
/// on its member names and strings. What it finds is located at the value skipped (a read-only,
/// unsupported or unknown attribute, a value of the wrong type), as the depth limit is.
struct Skip<'a, 'p, 'de, 'l> {
    w: &'a mut Walker<'p, 'de>,
    loc: &'l Loc<'l>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Skip<'_, '_, 'de, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip<'_, '_, 'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.w.too_long(self.loc, v);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.w.check_depth(self.depth + 1, self.loc)?;
        while seq.next_element_seed(Skip { w: &mut *self.w, loc: self.loc, depth: self.depth + 1 })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.w.check_depth(self.depth + 1, self.loc)?;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            self.w.key_too_long(self.loc, &key);
            map.next_value_seed(Skip { w: &mut *self.w, loc: self.loc, depth: self.depth + 1 })?;
        }
        Ok(())
    }
}

/// A set of attribute indexes seen in one object, to catch the same attribute twice.
#[derive(Default)]
struct Seen(u128);

impl Seen {
    /// Marks `i`; false if it was already marked. Indexes past 127 are not tracked.
    fn insert(&mut self, i: usize) -> bool {
        if i >= 128 {
            return true;
        }
        let bit = 1u128 << i;
        let new = self.0 & bit == 0;
        self.0 |= bit;
        new
    }
    fn contains(&self, i: usize) -> bool {
        i < 128 && self.0 & (1u128 << i) != 0
    }
}

// ---------------------------------------------------------------------------------------------
// The top-level object

struct ResourceVisitor<'a, 'p, 'de> {
    w: &'a mut Walker<'p, 'de>,
}

impl ResourceVisitor<'_, '_, '_> {
    fn not_object<E: de::Error>(self, got: &str) -> Result<(), E> {
        let kind = self.w.rt.kind.as_str();
        Err(self.w.abort_with(
            &rules::RFC_J_002,
            &Loc::ROOT,
            format!("the body must be a JSON object (a SCIM {kind}), got {got}"),
        ))
    }
}

impl<'de> Visitor<'de> for ResourceVisitor<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SCIM resource object")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_object("a boolean")
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_object("a number")
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_object("a number")
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_object("a number")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_object("a string")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_object("null")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.not_object("null")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_object("an array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let w = self.w;
        let rt = w.rt;
        let root = Loc::ROOT;
        let mut seen = Seen::default();
        let mut present = Seen::default();
        // Core attributes take indexes 0..; common attributes 64..; extensions 100..; schemas 127.
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if w.key_too_long(&root, &key) {
                map.next_value_seed(Skip { w: &mut *w, loc: &root, depth: 1 })?;
                continue;
            }
            if key.eq_ignore_ascii_case("schemas") {
                let loc = root.key(&key, "schemas");
                if !seen.insert(127) {
                    w.issue(Severity::Error, &rules::RFC_A_002, &loc, "schemas appears twice");
                }
                let urns = map.next_value_seed(SchemasSeed { w: &mut *w, loc: &loc })?;
                w.top.schemas = Some((key.into_owned(), urns));
                continue;
            }
            if let Some((ext, alias)) = w.extension(&key) {
                let loc = root.urn(&key, &ext.id);
                let index = 100 + rt.extensions.iter().position(|e| std::ptr::eq(e, ext)).unwrap_or(0);
                if !seen.insert(index) {
                    w.issue(
                        Severity::Error,
                        &rules::RFC_A_002,
                        &loc,
                        format!("the extension {} appears twice", ext.id),
                    );
                }
                if alias {
                    let detail = format!("{key} is written {} by Atlassian", ext.id);
                    w.fixable(
                        &rules::ATL_U_016,
                        &loc,
                        detail,
                        Fix::RenameTop { from: key.to_string(), to: ext.id.clone() },
                    );
                }
                if !w.top.extensions_used.contains(&ext.id.as_str()) {
                    w.top.extensions_used.push(&ext.id);
                }
                let alt = w.fallback.and_then(|f| f.extension(&ext.id)).map(|s| &s.attributes);
                map.next_value_seed(ObjectSeed {
                    w: &mut *w,
                    attrs: &ext.attributes,
                    alt,
                    parent: None,
                    loc: &loc,
                    depth: 1,
                    extension: Some(&ext.id),
                })?;
                continue;
            }
            let found =
                rt.core.attributes.position(&key).or_else(|| rt.common.position(&key).map(|(i, a)| (64 + i, a)));
            if let Some((index, attr)) = found {
                let loc = root.key(&key, &attr.name);
                if !seen.insert(index) {
                    w.issue(
                        Severity::Error,
                        &rules::RFC_A_002,
                        &loc,
                        format!("{} appears twice (attribute names ignore case)", attr.name),
                    );
                }
                if attr.mutability == Mutability::ReadOnly {
                    let detail =
                        format!("{} is read-only: the server sets it and ignores what a client sends", attr.name);
                    w.drop_member(w.readonly_rule(), &loc, detail);
                    map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth: 1 })?;
                    continue;
                }
                let alt = w.fallback.and_then(|f| f.attribute(&attr.name));
                let summary = map.next_value_seed(ValueSeed {
                    w: &mut *w,
                    ctx: Ctx { attr, alt, parent: None, loc: &loc, depth: 1, element: false, top: true },
                })?;
                // Unassigned (null, [] or blank) counts as absent for the required check.
                if summary.present {
                    present.insert(index);
                    if w.collect_present {
                        w.top.present.push(attr.name.clone());
                    }
                    if attr.is("userName") {
                        w.top.user_name = summary.text;
                    } else if attr.is("displayName") {
                        w.top.display_name = summary.text;
                    } else if attr.is("externalId") {
                        w.top.external_id = summary.text;
                    }
                }
                continue;
            }
            if let Some(attr) = w.fallback.and_then(|f| f.attribute(&key)) {
                let loc = root.key(&key, &attr.name);
                let detail = "not in Atlassian's schema: Atlassian does not store it".to_string();
                w.drop_member(&rules::ATL_U_011, &loc, detail);
                map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth: 1 })?;
                continue;
            }
            if w.atlassian_user()
                && let Some(i) = TOP_LEVEL_ENTERPRISE.iter().position(|n| n.eq_ignore_ascii_case(&key))
            {
                let loc = root.key(&key, TOP_LEVEL_ENTERPRISE[i]);
                let summary =
                    map.next_value_seed(TopEnterpriseSeed { w: &mut *w, loc: &loc, name: TOP_LEVEL_ENTERPRISE[i] })?;
                if let Some(text) = summary {
                    w.top.enterprise_top[i] = Some((key.to_string(), text));
                }
                continue;
            }
            let loc = root.key(&key, &key);
            let detail = format!(
                "{key} is not an attribute of the {} schema or of its extensions{}",
                rt.kind.as_str(),
                meant_urn(rt, &key)
            );
            w.issue(Severity::Error, &rules::RFC_A_001, &loc, detail);
            map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth: 1 })?;
        }
        for (i, attr) in rt.core.attributes.iter().enumerate() {
            if attr.required && !present.contains(i) && !w.partial {
                let loc = root.key(&attr.name, &attr.name);
                let rule = w.missing_rule(attr, true);
                w.issue(Severity::Error, rule, &loc, format!("{} is required and missing, null or blank", attr.name));
            }
        }
        Ok(())
    }
}

/// `department` / `organization` at the top level of an Atlassian User: a string to compare with
/// the enterprise extension afterwards.
struct TopEnterpriseSeed<'a, 'p, 'de, 'l> {
    w: &'a mut Walker<'p, 'de>,
    loc: &'l Loc<'l>,
    name: &'static str,
}

impl<'de> DeserializeSeed<'de> for TopEnterpriseSeed<'_, '_, 'de, '_> {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let ent = self.w.rt.extension(schema::ENTERPRISE_URN);
        match ent.and_then(|e| e.attribute(self.name)) {
            Some(attr) => {
                let s = ValueSeed {
                    w: self.w,
                    ctx: Ctx { attr, alt: None, parent: None, loc: self.loc, depth: 1, element: false, top: false },
                }
                .deserialize(d)?;
                Ok(s.text.filter(|_| s.present))
            }
            None => Skip { w: self.w, loc: self.loc, depth: 1 }.deserialize(d).map(|()| None),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// schemas

struct SchemasSeed<'a, 'p, 'de, 'l> {
    w: &'a mut Walker<'p, 'de>,
    loc: &'l Loc<'l>,
}

impl<'de> DeserializeSeed<'de> for SchemasSeed<'_, '_, 'de, '_> {
    type Value = Option<Vec<&'static str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl SchemasSeed<'_, '_, '_, '_> {
    fn malformed(self, got: &str) -> Option<Vec<&'static str>> {
        let rule = self.w.schemas_rule(&rules::RFC_S_001);
        self.w.issue(
            Severity::Error,
            rule,
            self.loc,
            format!("schemas must be an array of schema URN strings, got {got}"),
        );
        None
    }
}

impl<'de> Visitor<'de> for SchemasSeed<'_, '_, 'de, '_> {
    type Value = Option<Vec<&'static str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of schema URNs")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.malformed("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.malformed("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.malformed("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.malformed("a number"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if self.w.too_long(self.loc, v) {
            return Ok(None);
        }
        Ok(self.malformed("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.malformed("null"))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let loc = self.loc;
        let w = self.w;
        Skip { w: &mut *w, loc, depth: 1 }.visit_map(map)?;
        Ok(SchemasSeed { w, loc }.malformed("an object"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let w = self.w;
        let rt = w.rt;
        let mut urns = Vec::new();
        let mut i = 0;
        while let Some(value) = seq.next_element_seed(StringOrSkip { w: &mut *w, loc: self.loc })? {
            let loc = self.loc.index(i);
            i += 1;
            let Some(urn) = value else {
                let rule = w.schemas_rule(&rules::RFC_S_001);
                w.issue(Severity::Error, rule, &loc, "every entry of schemas must be a URN string");
                continue;
            };
            if w.too_long(&loc, &urn) {
                continue;
            }
            if rt.core.id.eq_ignore_ascii_case(&urn) {
                urns.push(rt.core.id.as_str());
            } else if let Some((ext, alias)) = w.extension(&urn) {
                if alias {
                    let detail = format!("{urn} is written {} by Atlassian", ext.id);
                    w.fixable(
                        &rules::ATL_U_016,
                        &loc,
                        detail,
                        Fix::Replace { pointer: loc.pointer(), value: Value::from(ext.id.as_str()) },
                    );
                }
                urns.push(ext.id.as_str());
            } else {
                let rule = w.schemas_rule(&rules::RFC_S_003);
                let detail =
                    format!("{urn} is not a schema of the {} resource type{}", rt.kind.as_str(), meant_urn(rt, &urn));
                w.issue(Severity::Error, rule, &loc, detail);
            }
        }
        Ok(Some(urns))
    }
}

/// One element of `schemas`: the string, or `None` (skipped) for anything else.
struct StringOrSkip<'a, 'p, 'de, 'l> {
    w: &'a mut Walker<'p, 'de>,
    loc: &'l Loc<'l>,
}

impl<'de> DeserializeSeed<'de> for StringOrSkip<'_, '_, 'de, '_> {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringOrSkip<'_, '_, 'de, '_> {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Skip { w: self.w, loc: self.loc, depth: 1 }.visit_seq(seq).map(|()| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Skip { w: self.w, loc: self.loc, depth: 1 }.visit_map(map).map(|()| None)
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute values

/// Where a value sits: its attribute, the complex attribute around it, its location.
#[derive(Clone, Copy)]
struct Ctx<'l> {
    attr: &'static Attribute,
    /// The RFC counterpart of `attr` when the profile is narrower (for "unsupported" reports).
    alt: Option<&'static Attribute>,
    /// The complex attribute this is a sub-attribute of.
    parent: Option<&'static Attribute>,
    loc: &'l Loc<'l>,
    depth: usize,
    /// True for one element of a multi-valued attribute.
    element: bool,
    /// True for a top-level attribute of the core schema.
    top: bool,
}

impl Ctx<'_> {
    fn expected(&self) -> String {
        let one = match self.attr.ty {
            AttrType::String => "a string",
            AttrType::Boolean => "a boolean",
            AttrType::Decimal => "a number",
            AttrType::Integer => "an integer",
            AttrType::DateTime => "a dateTime string",
            AttrType::Binary => "a base64 string",
            AttrType::Reference => "a URI string",
            AttrType::Complex => "an object",
        };
        if self.attr.multi_valued && !self.element { format!("an array of {}", plural(one)) } else { one.to_string() }
    }

    fn wants(&self, ty: AttrType) -> bool {
        (!self.attr.multi_valued || self.element) && self.attr.ty == ty
    }
}

fn plural(one: &str) -> String {
    let noun = one.trim_start_matches("an ").trim_start_matches("a ");
    format!("{noun}s")
}

struct ValueSeed<'a, 'p, 'de, 'l> {
    w: &'a mut Walker<'p, 'de>,
    ctx: Ctx<'l>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, 'de, '_> {
    type Value = Summary<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> ValueSeed<'_, '_, 'de, '_> {
    fn wrong_type(self, got: &str) -> Summary<'de> {
        if self.w.issues.has_room(Severity::Error) {
            let detail = format!("{} must be {}, got {got}", self.ctx.loc.path(), self.ctx.expected());
            self.w.issue(Severity::Error, &rules::RFC_T_001, self.ctx.loc, detail);
        } else {
            self.w.issues.count_omitted(Severity::Error, &rules::RFC_T_001);
        }
        // A wrongly typed value is still a value: a required attribute is not also "missing".
        Summary { present: true, ..Summary::default() }
    }

    fn number(self, integral: bool, finite: bool) -> Summary<'de> {
        if !finite {
            return self.wrong_type("a number JSON cannot represent (NaN or infinity)");
        }
        if self.ctx.wants(AttrType::Decimal) || (integral && self.ctx.wants(AttrType::Integer)) {
            Summary { present: true, ..Summary::default() }
        } else {
            self.wrong_type("a number")
        }
    }

    fn string(self, s: Cow<'de, str>) -> Summary<'de> {
        let ctx = self.ctx;
        let w = self.w;
        if w.too_long(ctx.loc, &s) {
            return Summary { present: true, ..Summary::default() };
        }
        if !ctx.attr.multi_valued || ctx.element {
            match ctx.attr.ty {
                AttrType::String | AttrType::Reference | AttrType::Binary => {
                    let present = !s.chars().all(char::is_whitespace);
                    string_rules(w, &ctx, &s);
                    return Summary { present, text: Some(s), ..Summary::default() };
                }
                AttrType::DateTime => {
                    if !is_xsd_datetime(&s) {
                        let detail = format!(
                            "{} must be an xsd:dateTime such as 2024-01-15T18:30:45Z, got {s:?}",
                            ctx.loc.path()
                        );
                        w.issue(Severity::Error, &rules::RFC_T_001, ctx.loc, detail);
                    }
                    return Summary { present: true, text: Some(s), ..Summary::default() };
                }
                AttrType::Boolean => {
                    let b = if s.eq_ignore_ascii_case("true") {
                        Some(true)
                    } else if s.eq_ignore_ascii_case("false") {
                        Some(false)
                    } else {
                        None
                    };
                    if let Some(b) = b {
                        let rule = w.boolean_string_rule(ctx.attr, ctx.top);
                        let detail = format!("{} is the string {s:?}; it must be the JSON boolean {b}", ctx.loc.path());
                        w.fixable(
                            rule,
                            ctx.loc,
                            detail,
                            Fix::Replace { pointer: ctx.loc.pointer(), value: Value::Bool(b) },
                        );
                        return Summary { present: true, boolean: Some(b), ..Summary::default() };
                    }
                }
                _ => {}
            }
        }
        ValueSeed { w, ctx }.wrong_type("a string")
    }
}

/// Checks on string values that depend on the attribute: canonical values, and the email syntax
/// rule of the Atlassian profile.
fn string_rules(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    let attr = ctx.attr;
    if !attr.canonical_values.is_empty() && !attr.canonical_values.iter().any(|c| c == s) {
        let rule = w.canonical_rule(ctx.parent);
        match attr.canonical_for(s) {
            Some(canonical) => {
                let detail = format!("{s:?} is written {canonical:?} in the schema's canonical values");
                let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::from(canonical) };
                if w.profile.lenient() {
                    w.issue(Severity::Info, rule, ctx.loc, format!("{detail} (fixed in normalized)"));
                    w.fixes.push(fix);
                } else {
                    w.issue(Severity::Warning, rule, ctx.loc, detail);
                }
            }
            None => {
                let detail = format!("{s:?} is not one of {}", attr.canonical_values.join(", "));
                w.issue(Severity::Warning, rule, ctx.loc, detail);
            }
        }
    }
    if w.atlassian_user() && ctx.top && attr.is("timezone") {
        timezone_rule(w, ctx, s);
    }
    if w.atlassian_user() && ctx.top && attr.is("preferredLanguage") {
        language_rule(w, ctx, s);
    }
    if w.atlassian_user() && attr.is("value") && ctx.parent.is_some_and(|p| p.is("emails")) {
        if let Err(e) = email::parse(s) {
            w.issue(Severity::Error, &rules::ATL_U_004, ctx.loc, format!("{s:?} is not a valid email address: {e}"));
        } else if let Some(mapped) = email::mapped_address(s) {
            // A look-alike domain (full-width letters, another full stop): the same domain to
            // IDNA, another text to whoever reads it or compares it as text.
            let detail = format!("{s:?} is written {mapped:?}: IDNA (UTS 46) maps its domain to that A-label");
            let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::String(mapped) };
            w.fixable(&rules::ATL_U_004, ctx.loc, detail, fix);
        }
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_, 'de, '_> {
    type Value = Summary<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ctx.expected())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if self.ctx.wants(AttrType::Boolean) {
            Ok(Summary { present: true, boolean: Some(v), ..Summary::default() })
        } else {
            Ok(self.wrong_type("a boolean"))
        }
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.number(true, true))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.number(true, true))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.number(v.fract() == 0.0 && v.is_finite(), v.is_finite()))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(self.string(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.string(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(self.string(Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Summary::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Summary::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let ctx = self.ctx;
        let w = self.w;
        w.check_depth(ctx.depth + 1, ctx.loc)?;
        if !ctx.attr.multi_valued || ctx.element {
            Skip { w: &mut *w, loc: ctx.loc, depth: ctx.depth }.visit_seq(seq)?;
            return Ok(ValueSeed { w, ctx }.wrong_type("an array"));
        }
        // The rules over all the values are gathered value by value: nothing per value is kept
        // but what a rule needs (a set of the emails seen), so memory stays that of the input.
        let mut values = MultiValued::new(w, &ctx);
        let mut i = 0;
        loop {
            let loc = ctx.loc.index(i);
            let element_ctx = Ctx { loc: &loc, depth: ctx.depth + 1, element: true, ..ctx };
            match seq.next_element_seed(ValueSeed { w: &mut *w, ctx: element_ctx })? {
                None => break,
                Some(s) if s.present => values.add(w, &loc, i, s.element),
                Some(_) => {}
            }
            i += 1;
        }
        let present = values.present > 0;
        values.finish(w, &ctx);
        Ok(Summary { present, ..Summary::default() })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let ctx = self.ctx;
        if !ctx.wants(AttrType::Complex) {
            let w = self.w;
            Skip { w: &mut *w, loc: ctx.loc, depth: ctx.depth }.visit_map(map)?;
            return Ok(ValueSeed { w, ctx }.wrong_type("an object"));
        }
        let alt = ctx.alt.map(|a| &a.sub_attributes);
        let element = ObjectSeed {
            w: self.w,
            attrs: &ctx.attr.sub_attributes,
            alt,
            parent: Some(ctx.attr),
            loc: ctx.loc,
            depth: ctx.depth,
            extension: None,
        }
        .visit_map(map)?;
        Ok(Summary { present: true, element, ..Summary::default() })
    }
}

/// The canonical IANA names (CLDR), from ICU4X's data.
static CANONICAL_ZONES: std::sync::LazyLock<rustc_hash::FxHashSet<String>> = std::sync::LazyLock::new(|| {
    icu_time::zone::iana::IanaParserExtended::new()
        .iter_all()
        .filter(|z| z.normalized == z.canonical)
        .map(|z| z.canonical.to_string())
        .collect()
});

/// ATL-U-012: an IANA time zone name in its canonical form (legacy names and Windows ids are
/// rewritten in lenient mode).
fn timezone_rule(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    // Connectors nearly always send a canonical name: one set lookup instead of a parse.
    if CANONICAL_ZONES.contains(s) {
        return;
    }
    match crate::normalize::timezone::normalize_timezone(s) {
        Ok(tz) if tz.canonical == s => {}
        Ok(tz) => {
            let detail = format!("{s:?} is written {:?} in Atlassian's (IANA) form", tz.canonical);
            let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::String(tz.canonical) };
            fix_or_warn(w, &rules::ATL_U_012, ctx, detail, fix);
        }
        Err(e) => w.issue(Severity::Warning, &rules::ATL_U_012, ctx.loc, e.to_string()),
    }
}

/// ATL-U-013: one BCP 47 language tag (`en_US` and an Accept-Language list are rewritten in
/// lenient mode, the list to its preferred language).
fn language_rule(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    if is_plain_canonical_tag(s) {
        return;
    }
    let tag = match crate::normalize::locale::normalize_locale(s) {
        Ok(tag) => tag.tag,
        Err(e) => match crate::normalize::locale::parse_accept_language(s).best() {
            Some(best) if s.contains([',', ';']) => best.to_string(),
            _ => return w.issue(Severity::Warning, &rules::ATL_U_013, ctx.loc, e.to_string()),
        },
    };
    if tag != s {
        let detail = format!("{s:?} is written {tag:?} (one BCP 47 language tag)");
        let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::String(tag) };
        fix_or_warn(w, &rules::ATL_U_013, ctx, detail, fix);
    }
}

/// `en`, `fr-CA`, `zh-TW`: a language subtag in lower case with an optional region in upper case
/// is already a canonical BCP 47 tag, so the common case needs no ICU parse. (Deprecated language
/// codes such as `iw` are three letters or fewer too, so only two-letter codes ICU leaves alone
/// pass: `iw`, `in`, `ji` and `jw` are not.)
fn is_plain_canonical_tag(s: &str) -> bool {
    let b = s.as_bytes();
    let language = |l: &[u8]| {
        l.len() == 2 && l.iter().all(u8::is_ascii_lowercase) && !matches!(l, b"iw" | b"in" | b"ji" | b"jw" | b"mo")
    };
    match b {
        [a, b2] => language(&[*a, *b2]),
        [a, b2, b'-', r1, r2] => language(&[*a, *b2]) && r1.is_ascii_uppercase() && r2.is_ascii_uppercase(),
        _ => false,
    }
}

/// A warning-level rule whose problem lenient mode fixes: info when fixed, warning otherwise.
fn fix_or_warn(w: &mut Walker<'_, '_>, rule: &'static Rule, ctx: &Ctx<'_>, detail: String, fix: Fix) {
    if w.profile.lenient() {
        w.issue(Severity::Info, rule, ctx.loc, format!("{detail} (fixed in normalized)"));
        w.fixes.push(fix);
    } else {
        w.issue(Severity::Warning, rule, ctx.loc, detail);
    }
}

/// RFC 7643 §2.4 (at most one primary) for every multi-valued attribute, the Atlassian email
/// rules on `emails` and the member rules on a group's `members`, gathered value by value.
struct MultiValued<'de> {
    /// Values present (not null, not blank).
    present: usize,
    primaries: usize,
    second_primary: Option<usize>,
    first_primary_value: Option<Cow<'de, str>>,
    atlassian_emails: bool,
    atlassian_members: bool,
    /// The per-value issues of the email and member rules, reported after the whole attribute
    /// (and after "exactly one primary"), as they always have been; capped like the report.
    later: Issues,
    kinds: FirstSeen<'de>,
    values: FirstSeen<'de>,
}

impl<'de> MultiValued<'de> {
    fn new(w: &Walker<'_, 'de>, ctx: &Ctx<'_>) -> MultiValued<'de> {
        let attr = ctx.attr;
        MultiValued {
            present: 0,
            primaries: 0,
            second_primary: None,
            first_primary_value: None,
            atlassian_emails: w.atlassian_user() && ctx.top && attr.is("emails"),
            atlassian_members: w.profile.is_atlassian()
                && w.rt.kind == ResourceKind::Group
                && ctx.top
                && attr.is("members"),
            later: w.profile.no_issues(),
            kinds: FirstSeen::default(),
            values: FirstSeen::default(),
        }
    }

    fn add(&mut self, w: &mut Walker<'_, 'de>, loc: &Loc<'_>, i: usize, e: Element<'de>) {
        self.present += 1;
        if e.primary {
            self.primaries += 1;
            if self.primaries == 1 {
                self.first_primary_value = e.value.clone();
            } else if self.primaries == 2 {
                self.second_primary = Some(i);
            }
        }
        if !(self.atlassian_members || self.atlassian_emails) {
            return;
        }
        // Issues go to the later list while this value is looked at.
        std::mem::swap(&mut w.issues, &mut self.later);
        if self.atlassian_members {
            super::groups::member_rules(w, loc, e.value.as_deref(), e.kind.as_deref(), e.reference.as_deref());
        } else {
            if let Some(kind) = e.kind
                && let Some((first, kind)) = self.kinds.first(kind, i)
            {
                let detail = format!(
                    "a second email of type {kind:?} (the first is emails[{first}]); Entra ID and Atlassian expect one email per type"
                );
                w.issue(Severity::Warning, &rules::ATL_U_005, loc, detail);
            }
            if let Some(value) = e.value.map(trim_cow)
                && let Some((first, value)) = self.values.first(value, i)
            {
                let detail = format!("{value:?} repeats emails[{first}] (emails compare ignoring case)");
                w.issue(Severity::Error, &rules::ATL_U_006, loc, detail);
            }
        }
        std::mem::swap(&mut w.issues, &mut self.later);
    }

    fn finish(self, w: &mut Walker<'_, 'de>, ctx: &Ctx<'_>) {
        let attr = ctx.attr;
        if self.atlassian_members {
            w.top.member_count = Some(self.present);
        }
        if self.atlassian_emails {
            if self.primaries == 1 {
                w.top.primary_email = self.first_primary_value;
            }
            if (self.primaries > 1 || (self.primaries == 0 && !w.partial)) && self.present > 0 {
                let detail = format!(
                    "exactly one email must be marked primary; found {} (Atlassian answers \"One email address need to be marked as primary.\")",
                    self.primaries
                );
                w.issue(Severity::Error, &rules::ATL_U_003, ctx.loc, detail);
            }
        } else if let Some(second) = self.second_primary {
            let loc = ctx.loc.index(second);
            let detail = format!("{} has {} values marked primary; at most one may be", attr.name, self.primaries);
            w.issue(Severity::Error, &rules::RFC_V_002, &loc, detail);
        }
        w.issues.extend(self.later);
    }
}

fn trim_cow(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// Remembers where each value was first seen, ignoring case. Lists are short in practice and
/// scanned; past a few dozen values a map keeps hostile input linear.
#[derive(Default)]
struct FirstSeen<'a> {
    few: Vec<(Cow<'a, str>, usize)>,
    many: rustc_hash::FxHashMap<String, usize>,
}

impl<'a> FirstSeen<'a> {
    const SCAN: usize = 32;

    /// Records `value` at `index`; returns the index it was first seen at, if it was, and the
    /// value.
    fn first(&mut self, value: Cow<'a, str>, index: usize) -> Option<(usize, Cow<'a, str>)> {
        if self.many.is_empty() {
            let same = |a: &str, b: &str| {
                if a.is_ascii() && b.is_ascii() {
                    a.eq_ignore_ascii_case(b)
                } else {
                    a.to_lowercase() == b.to_lowercase()
                }
            };
            if let Some((_, first)) = self.few.iter().find(|(v, _)| same(v, &value)) {
                return Some((*first, value));
            }
            if self.few.len() < Self::SCAN {
                self.few.push((value, index));
                return None;
            }
            self.many = self.few.drain(..).map(|(v, i)| (v.to_lowercase(), i)).collect();
        }
        match self.many.entry(value.to_lowercase()) {
            std::collections::hash_map::Entry::Occupied(e) => Some((*e.get(), value)),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
                None
            }
        }
    }
}

/// A complex value or an extension object: its sub-attributes against the schema.
struct ObjectSeed<'a, 'p, 'de, 'l> {
    w: &'a mut Walker<'p, 'de>,
    attrs: &'static Attributes,
    alt: Option<&'static Attributes>,
    parent: Option<&'static Attribute>,
    loc: &'l Loc<'l>,
    depth: usize,
    /// The extension URN when this is an extension object.
    extension: Option<&'static str>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_, 'de, '_> {
    type Value = Element<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl ObjectSeed<'_, '_, '_, '_> {
    fn not_object<'de>(self, got: &str) -> Element<'de> {
        let what = self.extension.map_or("an object", |_| "an extension object");
        let detail = format!("{} must be {what}, got {got}", self.loc.path());
        self.w.issue(Severity::Error, &rules::RFC_T_001, self.loc, detail);
        Element::default()
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_, 'de, '_> {
    type Value = Element<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.not_object("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.not_object("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.not_object("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.not_object("a number"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if self.w.too_long(self.loc, v) {
            return Ok(Element::default());
        }
        Ok(self.not_object("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Element::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Element::default())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let (loc, depth) = (self.loc, self.depth);
        Skip { w: &mut *self.w, loc, depth }.visit_seq(seq)?;
        Ok(self.not_object("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let w = self.w;
        let depth = self.depth + 1;
        w.check_depth(depth, self.loc)?;
        let mut seen = Seen::default();
        let mut present = Seen::default();
        let mut element = Element::default();
        let enterprise = self.extension == Some(schema::ENTERPRISE_URN) && w.atlassian_user();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if w.key_too_long(self.loc, &key) {
                map.next_value_seed(Skip { w: &mut *w, loc: self.loc, depth })?;
                continue;
            }
            let Some((index, attr)) = self.attrs.position(&key) else {
                if let Some(attr) = self.alt.and_then(|alt| alt.find(&key)) {
                    let loc = self.loc.key(&key, &attr.name);
                    let detail = "not in Atlassian's schema: Atlassian does not store it".to_string();
                    w.drop_member(&rules::ATL_U_011, &loc, detail);
                } else {
                    let loc = self.loc.key(&key, &key);
                    let detail = format!("{} is not a sub-attribute the schema defines", loc.path());
                    w.issue(Severity::Error, &rules::RFC_A_001, &loc, detail);
                }
                let loc = self.loc.key(&key, &key);
                map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth })?;
                continue;
            };
            let loc = self.loc.key(&key, &attr.name);
            if !seen.insert(index) {
                w.issue(
                    Severity::Error,
                    &rules::RFC_A_002,
                    &loc,
                    format!("{} appears twice (attribute names ignore case)", loc.path()),
                );
            }
            if attr.mutability == Mutability::ReadOnly {
                let detail = format!("{} is read-only: the server sets it and ignores what a client sends", loc.path());
                w.drop_member(w.readonly_rule(), &loc, detail);
                map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth })?;
                continue;
            }
            let alt = self.alt.and_then(|alt| alt.find(&attr.name));
            let ctx = Ctx { attr, alt, parent: self.parent, loc: &loc, depth, element: false, top: false };
            let s = map.next_value_seed(ValueSeed { w: &mut *w, ctx })?;
            if !s.present {
                continue;
            }
            present.insert(index);
            if let Some(urn) = self.extension {
                if w.collect_present {
                    w.top.present.push(format!("{urn}:{}", attr.name));
                }
                if enterprise && let Some(i) = TOP_LEVEL_ENTERPRISE.iter().position(|n| attr.is(n)) {
                    w.top.enterprise_ext[i] = s.text.clone();
                }
            }
            if self.parent.is_some_and(|p| p.is("name") && !p.multi_valued) && self.extension.is_none() {
                if attr.is("givenName") {
                    w.top.given_name = s.text.clone();
                } else if attr.is("familyName") {
                    w.top.family_name = s.text.clone();
                }
            }
            if attr.is("primary") {
                element.primary = s.boolean == Some(true);
            } else if attr.is("value") {
                element.value = s.text;
            } else if attr.is("type") {
                element.kind = s.text;
            } else if attr.is("$ref") {
                element.reference = s.text;
            }
        }
        for (i, attr) in self.attrs.iter().enumerate() {
            if attr.required && !present.contains(i) && !w.partial {
                let loc = self.loc.key(&attr.name, &attr.name);
                let rule = w.missing_rule(attr, false);
                w.issue(Severity::Error, rule, &loc, format!("{} is required and missing, null or blank", loc.path()));
            }
        }
        Ok(element)
    }
}

/// " (did you mean …?)" for a URN a typo away from one of the resource type's schemas
/// (`…:enterprise:2.0User`), else nothing.
fn meant_urn(rt: &ResourceType, urn: &str) -> String {
    if !urn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return String::new();
    }
    let known = std::iter::once(rt.core.id.as_str()).chain(rt.extensions.iter().map(|e| e.id.as_str()));
    crate::suggest::closest(urn, known).map_or_else(String::new, |m| format!(" (did you mean {m}?)"))
}
