//! The top-level object of a resource body: each member goes to `schemas`, an extension, a core
//! or common attribute, or is reported (unknown, unsupported, read-only); then the required check,
//! and after the walk whether `schemas` lists what the body uses.

use super::*;

impl Walker<'_, '_> {
    /// After the walk, RFC 7643 §3 and ATL-U-016: `schemas` lists the core URN and every
    /// extension the body uses (lenient mode adds what is missing).
    pub(crate) fn schemas_rules(&mut self) {
        let w = self;
        let rt = w.rt;
        let pick = |w: &Walker<'_, '_>, rfc: &'static Rule| w.rule_at(rfc, None, None, true);
        let core = rt.core.id.as_str();
        let (key, listed) = match w.top.schemas.take() {
            Some((key, Some(listed))) => (Some(key), listed),
            // Not an array: already reported; the core URN cannot be said to be listed or not.
            Some((_, None)) => return,
            None => (None, Vec::new()),
        };
        let key_str = key.as_deref().unwrap_or("schemas");
        let loc_root = Loc::ROOT;
        let loc = loc_root.key(key_str, "schemas");
        if key.is_none() {
            // Missing entirely: lenient mode writes it from what the body uses.
            let detail = format!("schemas is missing; a {} body must list {core}", rt.kind.as_str());
            let urns = std::iter::once(core).chain(w.top.extensions_used.clone());
            let fixes = urns.map(|urn| Fix::AddSchema { urn: urn.to_string() });
            w.found(pick(w, &rules::RFC_S_001), Severity::Error, &loc, detail, fixes);
            return;
        }
        if !listed.contains(&core) {
            let detail = format!("schemas must contain {core}");
            let rule = pick(w, &rules::RFC_S_001);
            w.issue(Severity::Error, rule, &loc, detail);
        }
        // By index: the list is short and its URNs are `'static`, so no copy of it is needed while
        // the walker records issues.
        for i in 0..w.top.extensions_used.len() {
            let ext = w.top.extensions_used[i];
            if !listed.contains(&ext) {
                let ext_loc = loc_root.urn(ext, ext);
                let detail = format!("the body uses the extension {ext} but schemas does not list it");
                let rule = pick(w, &rules::RFC_S_002);
                w.found(rule, Severity::Error, &ext_loc, detail, Some(Fix::AddSchema { urn: ext.to_string() }));
            }
        }
    }
}

pub(super) struct ResourceVisitor<'a, 'p, 'de> {
    pub(super) w: &'a mut Walker<'p, 'de>,
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
                    w.twice(&loc, "schemas appears twice");
                }
                let urns = map.next_value_seed(SchemasSeed { w: &mut *w, loc: &loc })?;
                w.top.schemas = Some((key.into_owned(), urns));
                continue;
            }
            if let Some(found) = w.extension(&key) {
                extension_member(&mut *w, &mut map, &mut seen, &key, found)?;
                continue;
            }
            let found =
                rt.core.attributes.position(&key).or_else(|| rt.common.position(&key).map(|(i, a)| (64 + i, a)));
            if let Some(found) = found {
                attribute_member(&mut *w, &mut map, &mut seen, &mut present, &key, found)?;
                continue;
            }
            if let Some(attr) = w.fallback.and_then(|f| f.attribute(&key)) {
                let loc = root.key(&key, &attr.name);
                w.unsupported(&loc);
                map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth: 1 })?;
                continue;
            }
            if let Some(i) = schema::ENTERPRISE_ALSO_AT_TOP.iter().position(|n| n.eq_ignore_ascii_case(&key))
                && w.also_at_top(schema::ENTERPRISE_ALSO_AT_TOP[i])
            {
                let loc = root.key(&key, schema::ENTERPRISE_ALSO_AT_TOP[i]);
                let summary = map.next_value_seed(TopEnterpriseSeed {
                    w: &mut *w,
                    loc: &loc,
                    name: schema::ENTERPRISE_ALSO_AT_TOP[i],
                })?;
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
            w.unknown_member(&loc, detail);
            map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth: 1 })?;
        }
        for (i, attr) in rt.core.attributes.iter().enumerate() {
            if attr.required && !present.contains(i) && !w.partial {
                let loc = root.key(&attr.name, &attr.name);
                w.missing(attr, true, &loc, &attr.name);
            }
        }
        Ok(())
    }
}

/// A member naming one of the resource type's extensions (or a URN Atlassian writes otherwise).
fn extension_member<'de, A: MapAccess<'de>>(
    w: &mut Walker<'_, 'de>,
    map: &mut A,
    seen: &mut Seen,
    key: &str,
    (ext, alias): (&'static schema::Schema, bool),
) -> Result<(), A::Error> {
    let rt = w.rt;
    let root = Loc::ROOT;
    let loc = root.urn(key, &ext.id);
    let index = 100 + rt.extensions.iter().position(|e| std::ptr::eq(e, ext)).unwrap_or(0);
    if !seen.insert(index) {
        w.twice(&loc, format!("the extension {} appears twice", ext.id));
    }
    if alias {
        let detail = format!("{key} is written {} by Atlassian", ext.id);
        let fix = Fix::RenameTop { from: key.to_string(), to: ext.id.clone() };
        w.found(&rules::ATL_U_016, rules::ATL_U_016.severity, &loc, detail, Some(fix));
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
    Ok(())
}

/// A core or common attribute: a read-only one is dropped, the rest walked; what the rules after
/// the walk need is kept in `w.top`.
fn attribute_member<'de, A: MapAccess<'de>>(
    w: &mut Walker<'_, 'de>,
    map: &mut A,
    seen: &mut Seen,
    present: &mut Seen,
    key: &str,
    (index, attr): (usize, &'static Attribute),
) -> Result<(), A::Error> {
    let root = Loc::ROOT;
    let loc = root.key(key, &attr.name);
    if !seen.insert(index) {
        w.twice(&loc, format!("{} appears twice (attribute names ignore case)", attr.name));
    }
    if attr.mutability == Mutability::ReadOnly {
        let detail = format!("{} is read-only: the server sets it and ignores what a client sends", attr.name);
        w.drop_member(w.read_only_rule(attr), &loc, &detail);
        return map.next_value_seed(Skip { w: &mut *w, loc: &loc, depth: 1 });
    }
    let alt = attr.rfc;
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
    Ok(())
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
        let rule = self.w.rule_at(&rules::RFC_S_001, None, None, true);
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
                let rule = w.rule_at(&rules::RFC_S_001, None, None, true);
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
                    let fix = Fix::Replace { pointer: loc.pointer(), value: Value::from(ext.id.as_str()) };
                    w.found(&rules::ATL_U_016, rules::ATL_U_016.severity, &loc, detail, Some(fix));
                }
                urns.push(ext.id.as_str());
            } else {
                let rule = w.rule_at(&rules::RFC_S_003, None, None, true);
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

/// " (did you mean …?)" for a URN a typo away from one of the resource type's schemas
/// (`…:enterprise:2.0User`), else nothing.
fn meant_urn(rt: &ResourceType, urn: &str) -> String {
    if !urn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return String::new();
    }
    let known = std::iter::once(rt.core.id.as_str()).chain(rt.extensions.iter().map(|e| e.id.as_str()));
    crate::suggest::closest(urn, known).map_or_else(String::new, |m| format!(" (did you mean {m}?)"))
}
