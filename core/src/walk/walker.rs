//! The single pass over a resource body.
//!
//! The body is read once, as a serde `Deserializer` (JSON bytes, a parsed `Value`, or a binding's
//! own objects such as Python dicts), and every value is visited against the compiled schema of
//! the attribute it belongs to. No tree is built: strings are borrowed from the input where the
//! deserializer allows, and locations live on the stack ([`Loc`]). What the Atlassian rules need
//! after the walk (the schemas listed, the extensions used, the emails) is gathered as it passes.
//!
//! Here: the walker's state and the value visitors. The top-level object (its members and
//! `schemas`) is in [`resource`], the rules on string values in [`strings`], and what a
//! multi-valued attribute's values are held to together in [`multi_valued`].

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
use crate::schema::{
    self, AtlassianCheck, AttrType, Attribute, Attributes, Gathered, Mutability, ResourceKind, ResourceType,
};

mod multi_valued;
mod resource;
mod strings;

use multi_valued::MultiValued;
use resource::ResourceVisitor;
use strings::string_rules;

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

/// RFC-J-003: a body nested deeper than `max` levels (`limits.max_depth`), at `loc`, where the
/// walk stops; also what the depth count before a check reports (`check::nesting`).
pub(crate) fn too_deep(loc: &Loc<'_>, max: usize) -> Issue {
    let detail = format!("the body is nested deeper than {max} levels (limits.max_depth)");
    Issue::at(Severity::Error, &rules::RFC_J_003, loc, &detail)
}

impl<'p, 'de> Walker<'p, 'de> {
    pub(crate) fn new(profile: &'p Profile, kind: ResourceKind) -> Walker<'p, 'de> {
        let rt = profile.schemas().resource(kind);
        let fallback = profile.schemas().narrows.map(|s| s.resource(kind));
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

    /// Whether the enterprise attribute `name` is one the server also reads at the top level of a
    /// User (tagged on its schema, [`AtlassianCheck::AlsoAtTop`]).
    pub(crate) fn also_at_top(&self, name: &str) -> bool {
        let ext = self.rt.extension(schema::ENTERPRISE_URN);
        ext.and_then(|e| e.attribute(name)).is_some_and(|a| a.check == Some(AtlassianCheck::AlsoAtTop))
    }

    pub(crate) fn issue(&mut self, severity: Severity, rule: &'static Rule, loc: &Loc<'_>, detail: impl AsRef<str>) {
        if !self.issues.has_room(severity) {
            // Counted, not built: a body of millions of wrong values costs no more than the cap.
            return self.issues.count_omitted(severity, rule);
        }
        self.issues.push(Issue::at(severity, rule, loc, detail.as_ref()));
    }

    /// The lenient policy, the one place it is applied: a problem lenient mode can fix (`fixes`
    /// not empty) is, when the profile is lenient, reported as info, its detail saying what was
    /// done (the last fix's [`Fix::done`]), and its fixes recorded for `normalized`; otherwise it
    /// is reported at `strict`, the severity the rule has there. True when it was fixed.
    pub(crate) fn found(
        &mut self,
        rule: &'static Rule,
        strict: Severity,
        loc: &Loc<'_>,
        detail: String,
        fixes: impl IntoIterator<Item = Fix>,
    ) -> bool {
        if self.profile.lenient() {
            let mut done = None;
            for fix in fixes {
                done = Some(fix.done());
                self.fixes.push(fix);
            }
            if let Some(done) = done {
                self.issue(Severity::Info, rule, loc, format!("{detail}{done}"));
                return true;
            }
        }
        self.issue(strict, rule, loc, detail);
        false
    }

    fn abort_with<E: de::Error>(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: String) -> E {
        self.abort = Some(Issue::at(Severity::Error, rule, loc, &detail));
        E::custom("aborted")
    }

    fn check_depth<E: de::Error>(&mut self, depth: usize, loc: &Loc<'_>) -> Result<(), E> {
        let max = self.profile.limits().max_depth;
        if depth > max {
            self.abort = Some(too_deep(loc, max));
            return Err(E::custom("aborted"));
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
        let schemas = self.profile.schemas();
        let (_, canonical) = schemas.urn_aliases.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(urn))?;
        self.rt.extension(canonical).map(|s| (s, true))
    }

    /// The rule a breach of the RFC rule `rfc` is reported as at `attr` (a top-level attribute
    /// when `top`, a sub-attribute of `parent` otherwise): the Atlassian rule the registry says
    /// refines it there when the profile is Atlassian's ([`rules::REFINEMENTS`]), else `rfc`.
    pub(crate) fn rule_at(
        &self,
        rfc: &'static Rule,
        attr: Option<&Attribute>,
        parent: Option<&Attribute>,
        top: bool,
    ) -> &'static Rule {
        let (attr, parent) = (attr.map(|a| a.name.as_str()), parent.map(|p| p.name.as_str()));
        rules::refined(self.profile.refinements(), rfc, self.rt.kind, attr, parent, top)
    }

    /// The rule a read-only attribute sent breaks (RFC-A-004, or its Atlassian refinement).
    pub(crate) fn read_only_rule(&self, attr: &Attribute) -> &'static Rule {
        self.rule_at(&rules::RFC_A_004, Some(attr), None, false)
    }

    /// A member the profile's schema lacks but the RFC's has (ATL-U-011): reported and dropped.
    fn unsupported(&mut self, loc: &Loc<'_>) {
        let detail = "not in Atlassian's schema: Atlassian does not store it";
        self.drop_member(&rules::ATL_U_011, loc, detail);
    }

    /// A member no schema defines where it is (RFC-A-001): in a resource, in a complex value, at
    /// the top of a PatchOp message. `detail` says what the place allows.
    pub(crate) fn unknown_member(&mut self, loc: &Loc<'_>, detail: impl AsRef<str>) {
        self.issue(Severity::Error, &rules::RFC_A_001, loc, detail);
    }

    /// A value that must be an extension object and is something else (RFC-T-001), found
    /// outside a body's walk (a PatchOp's path-less value naming an extension).
    pub(crate) fn not_an_extension_object(&mut self, loc: &Loc<'_>, name: &str) {
        self.issue(Severity::Error, &rules::RFC_T_001, loc, format!("{name} must be an extension object"));
    }

    /// The same attribute twice in one object (RFC-A-002).
    fn twice(&mut self, loc: &Loc<'_>, detail: impl AsRef<str>) {
        self.issue(Severity::Error, &rules::RFC_A_002, loc, detail);
    }

    /// A required attribute missing (RFC-A-003, or its Atlassian refinement), `name` as written
    /// in the detail.
    fn missing(&mut self, attr: &Attribute, top: bool, loc: &Loc<'_>, name: &str) {
        let rule = self.rule_at(&rules::RFC_A_003, Some(attr), None, top);
        self.issue(Severity::Error, rule, loc, format!("{name} is required and missing, null or blank"));
    }

    /// Reports a read-only or unsupported member and drops it from `normalized`.
    fn drop_member(&mut self, rule: &'static Rule, loc: &Loc<'_>, detail: &str) {
        if self.issues.has_room(rule.severity) {
            // The pointer is rendered once, into the issue, and the fix copies it from there.
            let issue = Issue::at(rule.severity, rule, loc, detail);
            self.fixes.push_remove(issue.pointer());
            self.issues.push(issue);
        } else {
            self.fixes.push_remove(&loc.pointer());
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
        let rule = self.w.rule_at(&rules::RFC_T_001, Some(self.ctx.attr), None, self.ctx.top && !self.ctx.element);
        if self.w.issues.has_room(Severity::Error) {
            let detail = format!("{} must be {}, got {got}", self.ctx.loc.path(), self.ctx.expected());
            self.w.issue(Severity::Error, rule, self.ctx.loc, detail);
        } else {
            self.w.issues.count_omitted(Severity::Error, rule);
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
                    // Nearly every value starts with a visible ASCII character: no Unicode
                    // whitespace lookup for those.
                    let present =
                        s.as_bytes().first().is_some_and(u8::is_ascii_graphic) || !s.chars().all(char::is_whitespace);
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
                        let rule = w.rule_at(&rules::RFC_T_002, Some(ctx.attr), None, ctx.top);
                        let detail = format!("{} is the string {s:?}; it must be the JSON boolean {b}", ctx.loc.path());
                        w.found(
                            rule,
                            rule.severity,
                            ctx.loc,
                            detail,
                            Some(Fix::Replace { pointer: ctx.loc.pointer(), value: Value::Bool(b) }),
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
        // `name`'s members give the names the display-name rule compares.
        let in_name = self.extension.is_none() && self.parent.is_some_and(|p| p.is("name") && !p.multi_valued);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if w.key_too_long(self.loc, &key) {
                map.next_value_seed(Skip { w: &mut *w, loc: self.loc, depth })?;
                continue;
            }
            let Some((index, attr)) = self.attrs.position(&key) else {
                if let Some(attr) = self.alt.and_then(|alt| alt.find(&key)) {
                    w.unsupported(&self.loc.key(&key, &attr.name));
                } else {
                    let loc = self.loc.key(&key, &key);
                    let detail = format!("{} is not a sub-attribute the schema defines", loc.path());
                    w.unknown_member(&loc, detail);
                }
                let loc = self.loc.key(&key, &key);
                map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth })?;
                continue;
            };
            let loc = self.loc.key(&key, &attr.name);
            if !seen.insert(index) {
                w.twice(&loc, format!("{} appears twice (attribute names ignore case)", loc.path()));
            }
            if attr.mutability == Mutability::ReadOnly {
                let detail = format!("{} is read-only: the server sets it and ignores what a client sends", loc.path());
                w.drop_member(w.read_only_rule(attr), &loc, &detail);
                map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth })?;
                continue;
            }
            // The same attribute in the schemas these narrow, linked when they were built (none
            // where the object was walked without them).
            let alt = self.alt.and(attr.rfc);
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
                if attr.check == Some(AtlassianCheck::AlsoAtTop)
                    && let Some(i) = schema::ENTERPRISE_ALSO_AT_TOP.iter().position(|n| attr.is(n))
                {
                    w.top.enterprise_ext[i] = s.text.clone();
                }
            }
            match attr.gathered {
                Some(Gathered::GivenName) if in_name => w.top.given_name = s.text,
                Some(Gathered::FamilyName) if in_name => w.top.family_name = s.text,
                Some(Gathered::Primary) => element.primary = s.boolean == Some(true),
                Some(Gathered::Value) => element.value = s.text,
                Some(Gathered::Type) => element.kind = s.text,
                Some(Gathered::Ref) => element.reference = s.text,
                _ => {}
            }
        }
        for (i, attr) in self.attrs.iter().enumerate() {
            if attr.required && !present.contains(i) && !w.partial {
                let loc = self.loc.key(&attr.name, &attr.name);
                w.missing(attr, false, &loc, &loc.path());
            }
        }
        Ok(element)
    }
}
