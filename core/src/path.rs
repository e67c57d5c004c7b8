//! PATCH paths (RFC 7644 §3.5.2): `attr`, `attr.sub`, `urn:…:attr[.sub]`, `attr[filter]`,
//! `attr[filter].sub`, parsed and then resolved against a resource type's schemas.

use std::fmt;

use crate::filter::{self, AttrPath, Filter, FilterError, FilterLimits};
use crate::schema::{Attribute, ResourceType, Schema};

/// A parsed PATCH path.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// `[urn:]attr[.sub]`
    pub attr: AttrPath,
    /// The value filter, `attr[filter]`.
    pub filter: Option<Filter>,
    /// The sub-attribute after a value filter, `attr[filter].sub`.
    pub sub: Option<String>,
}

/// Why a path is not usable: status 400, scimType `invalidPath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub(crate) message: String,
    pub(crate) offset: Option<usize>,
}

impl PathError {
    /// What is wrong with the path, readable.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Character offset of a syntax error, when it is one (`None` for a path that parses but
    /// names nothing in the resource type).
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// The rule a PATCH with this path breaks (RFC-P-002: status 400, scimType invalidPath).
    pub fn rule(&self) -> &'static crate::rules::Rule {
        &crate::rules::RFC_P_002
    }

    /// A PatchOp operation whose `path` member is not a string.
    pub(crate) fn not_a_string() -> PathError {
        PathError { message: "path must be a string".to_string(), offset: None }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathError {}

impl From<FilterError> for PathError {
    fn from(e: FilterError) -> PathError {
        PathError {
            message: format!("invalid path at character {}: expected {}, found {}", e.offset, e.expected, e.found),
            offset: Some(e.offset),
        }
    }
}

/// What a path names in a resource type.
#[derive(Debug, Clone, Copy)]
pub struct Target<'s> {
    /// The extension holding the attribute, `None` for the core schema.
    pub extension: Option<&'s Schema>,
    pub attr: &'s Attribute,
    /// The sub-attribute, from `attr.sub` or `attr[filter].sub`.
    pub sub: Option<&'s Attribute>,
}

impl<'s> Target<'s> {
    /// The attribute the operation writes: the sub-attribute if there is one.
    pub fn leaf(&self) -> &'s Attribute {
        self.sub.unwrap_or(self.attr)
    }
}

impl PatchPath {
    /// Parses a path (lenient limits).
    pub fn parse(text: &str) -> Result<PatchPath, PathError> {
        PatchPath::parse_with(text, &FilterLimits::default())
    }

    pub fn parse_with(text: &str, limits: &FilterLimits) -> Result<PatchPath, PathError> {
        let (attr, filter, sub) = filter::parse_patch_path(text, limits)?;
        Ok(PatchPath { attr, filter, sub })
    }

    /// The sub-attribute name, wherever it was written.
    pub fn sub_name(&self) -> Option<&str> {
        self.sub.as_deref().or(self.attr.sub.as_deref())
    }

    /// Resolves the path against a resource type: the URN must be the core schema or one of its
    /// extensions, the attribute and sub-attribute must exist, and a value filter's attributes
    /// must be sub-attributes of the filtered attribute.
    pub fn resolve<'s>(&self, rt: &'s ResourceType) -> Result<Target<'s>, PathError> {
        let invalid = |message: String| PathError { message, offset: None };
        let extension = match &self.attr.urn {
            None => None,
            Some(urn) if rt.core.id.eq_ignore_ascii_case(urn) => None,
            Some(urn) => match rt.extension(urn) {
                Some(ext) => Some(ext),
                None => {
                    // `urn:…:enterprise:2.0:User.manager`: a dot where the URN ends.
                    let joined = format!("{urn}:{}", self.attr.attr);
                    if let Some(ext) = rt.extension(&joined) {
                        let sub = self.attr.sub.as_deref().unwrap_or("…");
                        return Err(invalid(format!(
                            "{joined}.{sub} separates the attribute from the schema URN with '.'; write {}:{sub}",
                            ext.id
                        )));
                    }
                    return Err(invalid(format!("{urn} is not a schema of the {} resource type", rt.kind.as_str())));
                }
            },
        };
        let attr = match extension {
            Some(ext) => ext.attribute(&self.attr.attr),
            None => rt.attribute(&self.attr.attr),
        }
        .ok_or_else(|| {
            invalid(format!("{} is not an attribute of the {} resource type", self.attr.attr, rt.kind.as_str()))
        })?;
        let sub = match self.sub_name() {
            None => None,
            Some(name) => Some(
                attr.sub_attribute(name)
                    .ok_or_else(|| invalid(format!("{} has no sub-attribute {name}", attr.name)))?,
            ),
        };
        if let Some(f) = &self.filter {
            if attr.sub_attributes.is_empty() || !attr.multi_valued {
                return Err(invalid(format!(
                    "{} is not a multi-valued complex attribute; it cannot take a value filter",
                    attr.name
                )));
            }
            for term in f.terms() {
                let p = match term {
                    Filter::Present(p) | Filter::Compare { path: p, .. } => p,
                    _ => continue,
                };
                if p.urn.is_some() || p.sub.is_some() || attr.sub_attribute(&p.attr).is_none() {
                    return Err(invalid(format!(
                        "the value filter names {p}, which is not a sub-attribute of {}",
                        attr.name
                    )));
                }
            }
        }
        Ok(Target { extension, attr, sub })
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ATLASSIAN, RFC};

    #[test]
    fn parses_and_resolves() {
        let rt = &RFC.user;
        for (text, attr, sub) in [
            ("userName", "userName", None),
            ("name.familyName", "name", Some("familyName")),
            ("emails[type eq \"work\"].value", "emails", Some("value")),
            ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "manager", Some("value")),
            ("urn:ietf:params:scim:schemas:core:2.0:User:userName", "userName", None),
            ("EMAILS[TYPE eq \"work\"]", "emails", None),
        ] {
            let p = PatchPath::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let t = p.resolve(rt).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((t.attr.name.as_str(), t.sub.map(|s| s.name.as_str())), (attr, sub), "{text}");
            assert_eq!(PatchPath::parse(&p.to_string()), Ok(p), "{text} round trip");
        }
    }

    #[test]
    fn refuses_what_the_schema_lacks() {
        let rt = &ATLASSIAN.user;
        let e = PatchPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager")
            .expect("parses")
            .resolve(&RFC.user)
            .expect_err("dot form");
        assert!(e.message.contains("write urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"), "{e}");
        for bad in ["favouriteColour", "name.nickname", "emails[display2 eq \"x\"]", "userName[value eq \"x\"]"] {
            assert!(PatchPath::parse(bad).and_then(|p| p.resolve(rt)).is_err(), "{bad}");
        }
        for bad in [
            "",
            ".",
            "attr.",
            "urn:attr",
            "attr[].subAttr",
            "emails[type eq \"work\"].too.deep",
            "emails[type eq \"work\"],",
        ] {
            assert!(PatchPath::parse(bad).is_err(), "{bad:?}");
        }
    }
}
