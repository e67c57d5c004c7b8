//! Locations inside a body, kept as a linked list on the stack while walking.
//!
//! Nothing is allocated while a location is only passed down; the JSON pointer and the SCIM
//! attribute path are built only when an issue needs them, so valid input pays nothing.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    /// An object member: the key as written in the body (for the pointer), the attribute's
    /// canonical name (for the SCIM path), and whether it is a schema URN (children join with ':').
    Key {
        key: &'a str,
        name: &'a str,
        urn: bool,
    },
    Index(usize),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Loc<'a> {
    parent: Option<&'a Loc<'a>>,
    seg: Option<Seg<'a>>,
}

impl<'a> Loc<'a> {
    pub(crate) const ROOT: Loc<'static> = Loc { parent: None, seg: None };

    pub(crate) fn key(&'a self, key: &'a str, name: &'a str) -> Loc<'a> {
        Loc { parent: Some(self), seg: Some(Seg::Key { key, name, urn: false }) }
    }

    pub(crate) fn urn(&'a self, key: &'a str, name: &'a str) -> Loc<'a> {
        Loc { parent: Some(self), seg: Some(Seg::Key { key, name, urn: true }) }
    }

    pub(crate) fn index(&'a self, i: usize) -> Loc<'a> {
        Loc { parent: Some(self), seg: Some(Seg::Index(i)) }
    }

    fn segments(&self) -> Vec<Seg<'a>> {
        let mut segs = Vec::new();
        let mut at = Some(self);
        while let Some(loc) = at {
            if let Some(seg) = loc.seg {
                segs.push(seg);
            }
            at = loc.parent;
        }
        segs.reverse();
        segs
    }

    /// The RFC 6901 JSON pointer (`/emails/1/value`).
    pub(crate) fn pointer(&self) -> String {
        let mut out = String::new();
        for seg in self.segments() {
            match seg {
                Seg::Key { key, .. } => {
                    out.push('/');
                    push_escaped(&mut out, key);
                }
                Seg::Index(i) => {
                    let _ = write!(out, "/{i}");
                }
            }
        }
        out
    }

    /// The SCIM attribute path (`emails[1].value`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`).
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        let mut after_urn = false;
        for seg in self.segments() {
            match seg {
                Seg::Key { name, urn, .. } => {
                    if !out.is_empty() {
                        out.push(if after_urn { ':' } else { '.' });
                    }
                    out.push_str(name);
                    after_urn = urn;
                }
                Seg::Index(i) => {
                    let _ = write!(out, "[{i}]");
                    after_urn = false;
                }
            }
        }
        out
    }
}

/// Appends `key` escaped for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub(crate) fn push_escaped(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_and_path() {
        let root = Loc::ROOT;
        let emails = root.key("Emails", "emails");
        let one = emails.index(1);
        let value = one.key("value", "value");
        assert_eq!(value.pointer(), "/Emails/1/value");
        assert_eq!(value.path(), "emails[1].value");
        let ext = root.urn("urn:x:enterprise:2.0:User", "urn:x:enterprise:2.0:User");
        let dept = ext.key("department", "department");
        assert_eq!(dept.path(), "urn:x:enterprise:2.0:User:department");
        let odd = root.key("a/b~c", "a/b~c");
        assert_eq!(odd.pointer(), "/a~1b~0c");
        assert_eq!(root.pointer(), "");
    }
}
