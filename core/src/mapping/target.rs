//! Where a mapping entry writes in a SCIM User: target paths (`title`, `name.givenName`,
//! `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department`), checked against the
//! schemas when the mapping loads (spec.rs documents the format).

use crate::schema::{self, AttrType, Attribute, Mutability};
use crate::suggest::closest;

/// Where in a SCIM User a mapping entry writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A top-level attribute: `title`, `active`, `externalId`.
    Attr { name: String },
    /// A sub-attribute of a singular complex attribute: `name.givenName`.
    Sub { parent: String, sub: String },
    /// The `value` of the element of a multi-valued attribute with a given type:
    /// `emails[type eq "work"].value`.
    Typed { parent: String, kind: String, sub: String },
    /// An extension attribute: `urn:…:enterprise:2.0:User:department`.
    Ext { urn: String, name: String },
}

/// A parsed target with the type of value it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TargetPath {
    pub text: String,
    pub target: Target,
    pub ty: AttrType,
}

impl TargetPath {
    /// A key that is the same for two ways of writing one target (case, spacing).
    pub(crate) fn key(&self) -> String {
        match &self.target {
            Target::Attr { name } => name.to_ascii_lowercase(),
            Target::Sub { parent, sub } => format!("{parent}.{sub}").to_ascii_lowercase(),
            Target::Typed { parent, kind, sub } => format!("{parent}[{kind}].{sub}").to_ascii_lowercase(),
            Target::Ext { urn, name } => format!("{urn}:{name}").to_ascii_lowercase(),
        }
    }

    pub(crate) fn parse(text: &str) -> Result<TargetPath, String> {
        let t = text.trim();
        if t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
            return Self::parse_extension(text, t);
        }
        let user = user_attribute;
        let (head, filter, sub) = split_target(t)?;
        let attr = user(head).ok_or_else(|| unknown_attribute(head))?;
        writable(attr, text)?;
        match (filter, sub) {
            (None, None) => {
                if attr.ty == AttrType::Complex || attr.multi_valued {
                    let example = if attr.multi_valued {
                        format!("{}[type eq \"work\"].value", attr.name)
                    } else {
                        format!("{}.{}", attr.name, attr.sub_attributes.first().map_or("", |a| a.name.as_str()))
                    };
                    return Err(format!("{} is {}; map its parts, e.g. {example}", attr.name, describe(attr)));
                }
                Ok(TargetPath { text: text.to_string(), target: Target::Attr { name: attr.name.clone() }, ty: attr.ty })
            }
            (None, Some(sub)) => {
                if attr.multi_valued {
                    return Err(format!(
                        "{} is multi-valued; pick the element by type, e.g. {}[type eq \"work\"].{sub}",
                        attr.name, attr.name
                    ));
                }
                let s = sub_attribute(attr, sub)?;
                writable(s, text)?;
                Ok(TargetPath {
                    text: text.to_string(),
                    target: Target::Sub { parent: attr.name.clone(), sub: s.name.clone() },
                    ty: s.ty,
                })
            }
            (Some(kind), sub) => {
                if !attr.multi_valued || attr.sub_attribute("type").is_none() {
                    return Err(format!("{} has no elements to pick by type", attr.name));
                }
                let sub = sub.ok_or_else(|| format!("say which part of the element to set, e.g. {t}.value"))?;
                let s = sub_attribute(attr, sub)?;
                if s.is("type") || s.is("primary") {
                    return Err(format!(
                        "{}[type eq \"{kind}\"].{}: type and primary are set by atlscim (the first email is primary)",
                        attr.name, s.name
                    ));
                }
                Ok(TargetPath {
                    text: text.to_string(),
                    target: Target::Typed { parent: attr.name.clone(), kind: kind.to_string(), sub: s.name.clone() },
                    ty: s.ty,
                })
            }
        }
    }

    fn parse_extension(text: &str, t: &str) -> Result<TargetPath, String> {
        let prefixed = |e: &&schema::Schema| {
            t.len() > e.id.len() + 1
                && t.is_char_boundary(e.id.len())
                && t[..e.id.len()].eq_ignore_ascii_case(&e.id)
                && t.as_bytes()[e.id.len()] == b':'
        };
        let ext = user_extensions().find(prefixed).ok_or_else(|| {
            let urns: Vec<&str> = user_extensions().map(|e| e.id.as_str()).collect();
            format!(
                "{t:?} does not start with a User extension URN followed by ':' and an attribute ({})",
                urns.join(", ")
            )
        })?;
        let name = &t[ext.id.len() + 1..];
        // Atlassian's version of the extension first, then the RFC's (whose extra attributes the
        // check reports as unsupported).
        let found = schema::ATLASSIAN
            .user
            .extension(&ext.id)
            .and_then(|e| e.attribute(name))
            .or_else(|| schema::RFC.user.extension(&ext.id).and_then(|e| e.attribute(name)));
        let attr = found.ok_or_else(|| {
            let names: Vec<&str> = ext.attributes.iter().map(|a| a.name.as_str()).collect();
            format!("{} has no attribute {name:?}; it has {}", ext.id, names.join(", "))
        })?;
        writable(attr, text)?;
        if attr.ty == AttrType::Complex || attr.multi_valued {
            return Err(format!("{}:{} is {}; atlscim maps simple attributes only", ext.id, attr.name, describe(attr)));
        }
        Ok(TargetPath {
            text: text.to_string(),
            target: Target::Ext { urn: ext.id.clone(), name: attr.name.clone() },
            ty: attr.ty,
        })
    }

    /// The SCIM path of the attribute in the produced user (`emails[0].value`).
    pub(crate) fn scim_path(&self, index: usize) -> String {
        match &self.target {
            Target::Attr { name } => name.clone(),
            Target::Sub { parent, sub } => format!("{parent}.{sub}"),
            Target::Typed { parent, sub, .. } => format!("{parent}[{index}].{sub}"),
            Target::Ext { urn, name } => format!("{urn}:{name}"),
        }
    }

    /// The RFC 6901 pointer of the attribute in the produced user (`/emails/0/value`).
    pub(crate) fn pointer(&self, index: usize) -> String {
        match &self.target {
            Target::Attr { name } => format!("/{name}"),
            Target::Sub { parent, sub } => format!("/{parent}/{sub}"),
            Target::Typed { parent, sub, .. } => format!("/{parent}/{index}/{sub}"),
            Target::Ext { urn, name } => format!("/{}/{name}", urn.replace('~', "~0").replace('/', "~1")),
        }
    }
}

/// `head`, an optional `type eq "x"` filter value, and an optional sub-attribute.
fn split_target(t: &str) -> Result<(&str, Option<&str>, Option<&str>), String> {
    let (head, rest) = match t.find(['[', '.']) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    if head.is_empty() {
        return Err(format!("{t:?} does not start with an attribute name"));
    }
    let (filter, rest) = match rest.strip_prefix('[') {
        Some(r) => {
            let end = r.find(']').ok_or_else(|| format!("{t:?}: [ is not closed"))?;
            (Some(type_filter(&r[..end]).ok_or_else(|| {
                format!("{t:?}: the only filter a target can have is [type eq \"…\"], e.g. emails[type eq \"work\"].value")
            })?), &r[end + 1..])
        }
        None => (None, rest),
    };
    let sub = match rest {
        "" => None,
        r => match r.strip_prefix('.') {
            Some(s) if !s.is_empty() && !s.contains(['.', '[']) => Some(s),
            _ => return Err(format!("{t:?}: expected at most one '.sub' after the attribute")),
        },
    };
    Ok((head, filter, sub))
}

/// The value of `type eq "x"` (any spacing and case of `type` and `eq`).
fn type_filter(f: &str) -> Option<&str> {
    let mut it = f.trim().splitn(3, char::is_whitespace);
    let (attr, op, value) = (it.next()?, it.next()?, it.next()?.trim());
    let value = value.strip_prefix('"')?.strip_suffix('"')?;
    (attr.eq_ignore_ascii_case("type") && op.eq_ignore_ascii_case("eq") && !value.is_empty() && !value.contains('"'))
        .then_some(value)
}

fn describe(attr: &Attribute) -> &'static str {
    match (attr.multi_valued, attr.ty == AttrType::Complex) {
        (true, true) => "multi-valued and complex",
        (true, false) => "multi-valued",
        _ => "complex",
    }
}

fn writable(attr: &Attribute, text: &str) -> Result<(), String> {
    if attr.mutability == Mutability::ReadOnly {
        return Err(format!("{text:?}: {} is read-only; Atlassian sets it and ignores what a client sends", attr.name));
    }
    Ok(())
}

fn sub_attribute<'a>(attr: &'a Attribute, sub: &str) -> Result<&'a Attribute, String> {
    attr.sub_attribute(sub).ok_or_else(|| {
        let names: Vec<&str> = attr.sub_attributes.iter().map(|a| a.name.as_str()).collect();
        let mut msg = format!("{} has no sub-attribute {sub:?}; it has {}", attr.name, names.join(", "));
        if let Some(s) = closest(sub, names.iter().copied()) {
            msg.push_str(&format!(" (did you mean {s}?)"));
        }
        msg
    })
}

/// A core or common User attribute, from Atlassian's schema or, failing that, the RFC's (so that
/// attributes Atlassian does not store can still be mapped and then reported by the check).
fn user_attribute(name: &str) -> Option<&'static Attribute> {
    schema::ATLASSIAN.user.attribute(name).or_else(|| schema::RFC.user.attribute(name))
}

fn user_extensions() -> impl Iterator<Item = &'static schema::Schema> {
    schema::ATLASSIAN
        .user
        .extensions
        .iter()
        .chain(schema::RFC.user.extensions.iter().filter(|e| schema::ATLASSIAN.user.extension(&e.id).is_none()))
}

fn unknown_attribute(name: &str) -> String {
    let names = schema::RFC.user.core.attributes.iter().chain(schema::RFC.user.common.iter()).map(|a| a.name.as_str());
    let mut msg = format!("{name:?} is not a SCIM User attribute");
    if let Some(s) = closest(name, names) {
        msg.push_str(&format!(" (did you mean {s}?)"));
    }
    msg
}
