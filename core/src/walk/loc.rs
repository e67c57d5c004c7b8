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

    /// Calls `f` on each segment from the root down. Recursion is bounded: locations are only
    /// made for attributes the schema knows, at most `limits.max_depth` (≤ 128) deep.
    fn for_each(&self, f: &mut impl FnMut(Seg<'a>)) {
        if let Some(parent) = self.parent {
            parent.for_each(f);
        }
        if let Some(seg) = self.seg {
            f(seg);
        }
    }

    /// The RFC 6901 JSON pointer (`/emails/1/value`).
    pub(crate) fn pointer(&self) -> String {
        // Sized first (escapes aside, which are rare), so the string is allocated once.
        let mut len = 0;
        self.for_each(&mut |seg| {
            len += 1 + match seg {
                Seg::Key { key, .. } => key.len(),
                Seg::Index(i) => digits(i),
            }
        });
        let mut out = String::with_capacity(len);
        self.for_each(&mut |seg| match seg {
            Seg::Key { key, .. } => {
                out.push('/');
                push_escaped(&mut out, key);
            }
            Seg::Index(i) => {
                let _ = write!(out, "/{i}");
            }
        });
        out
    }

    /// The SCIM attribute path (`emails[1].value`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`).
    pub(crate) fn path(&self) -> String {
        let mut len = 0;
        self.for_each(&mut |seg| {
            len += match seg {
                Seg::Key { name, .. } => name.len() + 1,
                Seg::Index(i) => digits(i) + 2,
            }
        });
        let mut out = String::with_capacity(len);
        let mut after_urn = false;
        self.for_each(&mut |seg| match seg {
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
        });
        out
    }
}

fn digits(mut i: usize) -> usize {
    let mut n = 1;
    while i >= 10 {
        i /= 10;
        n += 1;
    }
    n
}

/// Appends `key` escaped for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub(crate) fn push_escaped(out: &mut String, key: &str) {
    if !key.bytes().any(|b| matches!(b, b'~' | b'/')) {
        out.push_str(key);
        return;
    }
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
