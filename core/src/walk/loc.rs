//! Locations inside a body, kept as a linked list on the stack while walking.
//!
//! Nothing is allocated while a location is only passed down; the JSON pointer and the SCIM
//! attribute path are built only when an issue needs them, so valid input pays nothing.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

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

    /// Calls `f` with the segments from the root down, gathered by following the parents in a
    /// loop into an array on the stack (a `Vec` only past [`SHALLOW`] segments; locations are at
    /// most `limits.max_depth`, ≤ 100, deep).
    fn with_segs<R>(&self, f: impl FnOnce(&[Seg<'a>]) -> R) -> R {
        let mut shallow = [Seg::Index(0); SHALLOW];
        let mut n = 0;
        let mut cur = Some(self);
        while let Some(loc) = cur {
            if let Some(seg) = loc.seg {
                if n == SHALLOW {
                    return f(&self.segs_deep());
                }
                shallow[n] = seg;
                n += 1;
            }
            cur = loc.parent;
        }
        shallow[..n].reverse();
        f(&shallow[..n])
    }

    fn segs_deep(&self) -> Vec<Seg<'a>> {
        let mut segs = Vec::new();
        let mut cur = Some(self);
        while let Some(loc) = cur {
            segs.extend(loc.seg);
            cur = loc.parent;
        }
        segs.reverse();
        segs
    }

    /// The RFC 6901 JSON pointer (`/emails/1/value`).
    pub(crate) fn pointer(&self) -> String {
        let mut out = String::new();
        self.with_segs(|segs| {
            out.reserve(pointer_len(segs));
            write_pointer(segs, &mut out);
        });
        out
    }

    /// The SCIM attribute path (`emails[1].value`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`).
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        self.with_segs(|segs| {
            out.reserve(path_len(segs));
            write_path(segs, &mut out);
        });
        out
    }

    /// Appends the path then the pointer to `out`, reserving room for both and `extra` bytes more
    /// at once; returns where each ends in `out`.
    pub(crate) fn write_path_and_pointer(&self, out: &mut String, extra: usize) -> (usize, usize) {
        self.with_segs(|segs| {
            out.reserve(path_len(segs) + pointer_len(segs) + extra);
            write_path(segs, out);
            let path_end = out.len();
            write_pointer(segs, out);
            (path_end, out.len())
        })
    }
}

/// Segments gathered on the stack before [`Loc::with_segs`] falls back to a `Vec`.
const SHALLOW: usize = 8;

/// The pointer's length, escapes aside (they are rare).
fn pointer_len(segs: &[Seg<'_>]) -> usize {
    segs.iter()
        .map(|seg| {
            1 + match *seg {
                Seg::Key { key, .. } => key.len(),
                Seg::Index(i) => digits(i),
            }
        })
        .sum()
}

fn write_pointer(segs: &[Seg<'_>], out: &mut String) {
    for seg in segs {
        out.push('/');
        match *seg {
            Seg::Key { key, .. } => push_escaped(out, key),
            Seg::Index(i) => push_index(out, i),
        }
    }
}

fn path_len(segs: &[Seg<'_>]) -> usize {
    segs.iter()
        .map(|seg| match *seg {
            Seg::Key { name, .. } => name.len() + 1,
            Seg::Index(i) => digits(i) + 2,
        })
        .sum()
}

fn write_path(segs: &[Seg<'_>], out: &mut String) {
    let start = out.len();
    let mut after_urn = false;
    for seg in segs {
        match *seg {
            Seg::Key { name, urn, .. } => {
                if out.len() > start {
                    out.push(if after_urn { ':' } else { '.' });
                }
                out.push_str(name);
                after_urn = urn;
            }
            Seg::Index(i) => {
                out.push('[');
                push_index(out, i);
                out.push(']');
                after_urn = false;
            }
        }
    }
}

/// Appends `i` in decimal (indices are nearly always one digit; `write!` costs more than the
/// rest of a pointer).
fn push_index(out: &mut String, i: usize) {
    if i < 10 {
        out.push(char::from(b'0' + i as u8));
    } else {
        let _ = write!(out, "{i}");
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
    if memchr::memchr2(b'~', b'/', key.as_bytes()).is_none() {
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

/// The value at a JSON pointer, as `Value::pointer` finds it. serde_json's copies every reference
/// token into a new string to unescape it; this borrows the tokens that hold no escape (a
/// PatchOp's values are looked up by pointer, a dozen tokens for four operations).
pub(crate) fn at_pointer<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    tokens(pointer)?.try_fold(value, |v, token| match v {
        Value::Object(m) => m.get(token.as_ref()),
        Value::Array(a) => a.get(index(&token)?),
        _ => None,
    })
}

/// [`at_pointer`], for changing the value (as `Value::pointer_mut`).
pub(crate) fn at_pointer_mut<'v>(value: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    tokens(pointer)?.try_fold(value, |v, token| match v {
        Value::Object(m) => m.get_mut(token.as_ref()),
        Value::Array(a) => a.get_mut(index(&token)?),
        _ => None,
    })
}

/// A pointer's reference tokens, unescaped (RFC 6901 §4: `~1` then `~0`); `None` when it is
/// neither empty nor starts with `/`.
fn tokens(pointer: &str) -> Option<impl Iterator<Item = Cow<'_, str>>> {
    let rest = match pointer.strip_prefix('/') {
        Some(rest) => Some(rest),
        None if pointer.is_empty() => None,
        None => return None,
    };
    Some(rest.into_iter().flat_map(|r| r.split('/')).map(|t| match t.contains('~') {
        true => Cow::Owned(t.replace("~1", "/").replace("~0", "~")),
        false => Cow::Borrowed(t),
    }))
}

/// An array index as a pointer writes it: digits, no sign, no leading zero (as serde_json reads it).
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same values serde_json's `pointer` and `pointer_mut` find, for every kind of token.
    #[test]
    fn pointers_find_what_serde_json_finds() {
        let mut value = serde_json::json!({"a": [1, {"b/c": {"d~e": 2}, "": 3}], "0": {"1": 4}, "~1": 5, "f": null});
        let pointers = [
            "",
            "/",
            "/a",
            "/a/0",
            "/a/1",
            "/a/1/b~1c",
            "/a/1/b~1c/d~0e",
            "/a/1/",
            "/a/01",
            "/a/+1",
            "/a/-1",
            "/a/2",
            "/a/1/b/c",
            "/0",
            "/0/1",
            "/~01",
            "/~1",
            "/f",
            "/f/g",
            "a",
            "/a/0/x",
            "/a/18446744073709551616",
            "//",
        ];
        for p in pointers {
            assert_eq!(at_pointer(&value, p), value.pointer(p), "{p:?}");
            let expected = value.clone().pointer_mut(p).map(|v| v.clone());
            assert_eq!(at_pointer_mut(&mut value, p).map(|v| v.clone()), expected, "{p:?}");
        }
    }

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
        let ten = one.index(10);
        let mut both = String::from("x");
        assert_eq!(ten.write_path_and_pointer(&mut both, 0), (14, 26));
        assert_eq!(both, "xemails[1][10]/Emails/1/10");
    }

    /// Past the segments gathered on the stack, the same texts from the `Vec`.
    #[test]
    fn deep_locations() {
        fn nest(loc: &Loc<'_>, left: usize, expect: &mut Vec<(String, String)>) {
            expect.push((loc.pointer(), loc.path()));
            if left > 0 {
                nest(&loc.key("a/b", "a").index(left), left - 1, expect);
            }
        }
        let mut got = Vec::new();
        nest(&Loc::ROOT, 12, &mut got);
        let mut pointer = String::new();
        let mut path = String::new();
        for (depth, (p, q)) in got.iter().enumerate().skip(1) {
            pointer.push_str(&format!("/a~1b/{}", 13 - depth));
            if depth > 1 {
                path.push('.');
            }
            path.push_str(&format!("a[{}]", 13 - depth));
            assert_eq!((p, q), (&pointer, &path), "depth {depth}");
        }
        assert_eq!(got.len(), 13);
    }
}
