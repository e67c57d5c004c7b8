//! Lenient fixes, recorded while walking and applied afterwards to the body's text.
//!
//! The walk never builds a tree, and neither does applying its fixes: [`rewrite`] copies the
//! checked JSON text, descending only into the members and elements that a fix points into, and
//! writes each fix in place. Its memory is the output (about the size of the body) and the list
//! of fixes; a tree of a body of many small objects would be dozens of times its text. A body
//! held as a `Value` (a binding's own objects) is written out, rewritten and read back
//! ([`apply`]), so there is one implementation of what each fix does; only a few values replaced,
//! none inside another, are put in a copy directly ([`values_replaced`], held to the text's
//! result by a unit test; it says where they differ), or into a copy of the one value a caller
//! needs ([`fixed_at`]: the PatchOp reader's operation values, each fixed alone).
//!
//! Pointers are those of the body as checked: fixes never remove array elements, so no pointer
//! shifts under another.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::loc::{at_pointer, at_pointer_mut, push_escaped};
use crate::syntax::json_text;

/// One fix, as the walk records it ([`Fixes::push`] stores it compactly).
#[derive(Debug, Clone)]
pub(crate) enum Fix {
    /// Put `value` at `pointer` (a string boolean made a boolean, a canonical value's case).
    Replace { pointer: String, value: Value },
    /// Drop the object member at `pointer` (read-only or unsupported attributes).
    Remove { pointer: String },
    /// Rename the top-level member `from` to `to` (an extension URN alias); when `to` is there
    /// too, the members of `from` join it (those `to` already has win).
    RenameTop { from: String, to: String },
    /// Add a URN to `schemas`, creating the attribute when it is missing.
    AddSchema { urn: String },
    /// Move a top-level attribute into an extension object (what the extension already says
    /// wins).
    MoveIntoExtension { from: String, urn: &'static str, name: &'static str },
}

/// The fixes of one check. A body can hold a fix in every few bytes (millions of `"Work"` types
/// to lower-case), so the per-value fixes are kept as text: each pointer and replacement value
/// (as JSON) one after another, in chunks that are filled before the next is made (a growing
/// string would keep up to twice its length), and an entry of four numbers per fix.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fixes(Option<Box<Store>>);

#[derive(Debug, Clone, Default)]
struct Store {
    text: Vec<String>,
    at: Vec<Vec<At>>,
    count: usize,
    /// The few fixes of the top-level object (renames, moves, URNs added to schemas).
    top: Vec<Fix>,
}

/// A replace or a remove: the pointer is `text[chunk][start..start + pointer]`, followed by the
/// replacement value's JSON (`value` bytes; a remove has none).
#[derive(Debug, Clone, Copy)]
struct At {
    chunk: u32,
    start: u32,
    pointer: u32,
    /// The value's length, or `REMOVE`.
    value: u32,
}

const REMOVE: u32 = u32::MAX;
const TEXT_CHUNK: usize = 64 * 1024;
const AT_CHUNK: usize = 4096;

impl Fix {
    /// What an issue's detail adds when lenient mode applied this fix.
    pub(crate) fn done(&self) -> &'static str {
        match self {
            Fix::AddSchema { .. } => " (added in normalized)",
            Fix::MoveIntoExtension { .. } => "; moved there in normalized",
            Fix::Replace { .. } | Fix::Remove { .. } | Fix::RenameTop { .. } => " (fixed in normalized)",
        }
    }
}

impl Fixes {
    /// Records a fix (the store is made on the first: most checks need none).
    pub(crate) fn push(&mut self, fix: Fix) {
        self.0.get_or_insert_default().push(fix);
    }

    /// Records the removal of the member at `pointer`, copying the pointer (no `Fix` is built).
    pub(crate) fn push_remove(&mut self, pointer: &str) {
        self.0.get_or_insert_default().push_pointed(pointer, None);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |s| s.count + s.top.len())
    }

    /// The fixes as data (see [`crate::Report::fixes_json`]): the per-value fixes in the order
    /// they were recorded, then the top-level ones.
    pub(crate) fn to_json(&self) -> Value {
        let Some(store) = self.0.as_deref() else { return Value::Array(Vec::new()) };
        let mut out = Vec::with_capacity(store.count + store.top.len());
        for i in 0..store.count as u32 {
            let at = store.entry(i);
            let path = Value::from(store.pointer(at));
            out.push(match store.value(at) {
                // The value was written from a Value, so it reads back.
                Some(v) => serde_json::json!({"op": "replace", "path": path, "value": serde_json::from_str::<Value>(v).unwrap_or(Value::Null)}),
                None => serde_json::json!({"op": "remove", "path": path}),
            });
        }
        for fix in &store.top {
            out.push(match fix {
                Fix::Replace { pointer, value } => {
                    serde_json::json!({"op": "replace", "path": pointer, "value": value})
                }
                Fix::Remove { pointer } => serde_json::json!({"op": "remove", "path": pointer}),
                Fix::RenameTop { from, to } => serde_json::json!({"op": "rename", "from": from, "to": to}),
                Fix::AddSchema { urn } => serde_json::json!({"op": "addSchema", "value": urn}),
                Fix::MoveIntoExtension { from, urn, name } => {
                    serde_json::json!({"op": "moveIntoExtension", "from": from, "to": urn, "name": name})
                }
            });
        }
        Value::Array(out)
    }
}

impl Store {
    fn push(&mut self, fix: Fix) {
        match fix {
            Fix::Replace { pointer, value } => self.push_pointed(&pointer, Some(&json_text(&value))),
            Fix::Remove { pointer } => self.push_pointed(&pointer, None),
            top => self.top.push(top),
        }
    }

    fn push_pointed(&mut self, pointer: &str, value: Option<&str>) {
        let value_len = value.map_or(0, str::len);
        let need = pointer.len() + value_len;
        // A pointer or value of 4 GiB is not a fix any body within the limits needs.
        let (Ok(pointer_len), Ok(value_len)) = (u32::try_from(pointer.len()), u32::try_from(value_len)) else {
            return;
        };
        if value_len == REMOVE {
            return;
        }
        if self.text.last().is_none_or(|t| t.capacity() - t.len() < need) {
            // Small first (most bodies need a fix or two), doubling up to a fixed size.
            let size = self.text.last().map_or(256, |t| (t.capacity() * 2).min(TEXT_CHUNK));
            self.text.push(String::with_capacity(need.max(size)));
        }
        let chunk = self.text.len() - 1;
        let Some(text) = self.text.last_mut() else { return };
        let Ok(start) = u32::try_from(text.len()) else { return };
        text.push_str(pointer);
        if let Some(v) = value {
            text.push_str(v);
        }
        if self.at.last().is_none_or(|a| a.len() == AT_CHUNK) {
            // The first starts with room for a typical user's fixes and grows as needed; the
            // others are made full size.
            self.at.push(Vec::with_capacity(if self.at.is_empty() { 8 } else { AT_CHUNK }));
        }
        let at = At {
            chunk: chunk as u32,
            start,
            pointer: pointer_len,
            value: if value.is_some() { value_len } else { REMOVE },
        };
        if let Some(a) = self.at.last_mut() {
            a.push(at);
            self.count += 1;
        }
    }

    fn entry(&self, i: u32) -> &At {
        let i = i as usize;
        &self.at[i / AT_CHUNK][i % AT_CHUNK]
    }

    fn pointer(&self, at: &At) -> &str {
        let start = at.start as usize;
        &self.text[at.chunk as usize][start..start + at.pointer as usize]
    }

    fn value(&self, at: &At) -> Option<&str> {
        let start = (at.start + at.pointer) as usize;
        (at.value != REMOVE).then(|| &self.text[at.chunk as usize][start..start + at.value as usize])
    }
}

/// Applies the fixes to a body held as a value (see the module documentation).
pub(crate) fn apply(body: &mut Value, fixes: &Fixes) {
    if !fixes.is_empty() {
        *body = fixed(body, fixes);
    }
}

/// A copy of `body` with the fixes applied.
pub(crate) fn fixed(body: &Value, fixes: &Fixes) -> Value {
    let Some(store) = fixes.0.as_deref() else { return body.clone() };
    if let Some(replaced) = values_replaced(body, store) {
        return replaced;
    }
    rewrite(&json_text(body), fixes).and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_else(|| body.clone())
}

/// At most this many fixes take [`values_replaced`]'s way (it compares every pair of pointers).
const FEW: usize = 16;

/// `fixed` without the text's round trip, for the common case of a value held as a `Value`: a
/// few values replaced (a PatchOp's `op` names and string booleans), each at a pointer the body
/// has, none inside another. Replaced in the order recorded on a copy, they give what
/// [`rewrite`] writes: a later replace at the same pointer wins in both. (One difference: the
/// text is read back with serde_json's limit of 128 levels, past which `fixed` keeps the body
/// unfixed, while a copy has no limit. Only a `Value` built in Rust and given straight to
/// `Profile::read_patch` or `apply_patch` can be that deep: text is refused when parsed, and a
/// checked body past `limits.max_depth`, at most 100.) Anything else (a remove, a top-level fix,
/// a pointer the body lacks or one inside another's value, where the text's reading decides)
/// returns `None` and goes through the text, the one implementation of every fix. The round
/// trip costs about 3 readings of the body.
fn values_replaced(body: &Value, store: &Store) -> Option<Value> {
    let (replaces, n) = few_replaces(store)?;
    let mut copy = body.clone();
    for (pointer, value) in &replaces[..n] {
        *at_pointer_mut(&mut copy, pointer)? = serde_json::from_str(value).ok()?;
    }
    Some(copy)
}

/// The value at `pointer` in `body` with the fixes applied: what `fixed(body, fixes)` holds at
/// `pointer`, copying only that value. `None` when the fixes are not what [`values_replaced`]
/// takes, when one replaces a value `pointer` lies inside, and when `body` has no value at
/// `pointer`: the caller then takes it from [`fixed`]. (It may answer where `values_replaced`
/// declines only for a replace elsewhere, at a pointer the body lacks: the text ignores those.)
pub(crate) fn fixed_at(body: &Value, fixes: &Fixes, pointer: &str) -> Option<Value> {
    let Some(store) = fixes.0.as_deref() else { return at_pointer(body, pointer).cloned() };
    let (replaces, n) = few_replaces(store)?;
    if replaces[..n].iter().any(|(at, _)| inside(at, pointer)) {
        return None;
    }
    let mut value = at_pointer(body, pointer)?.clone();
    for (at, replacement) in &replaces[..n] {
        if *at == pointer {
            value = serde_json::from_str(replacement).ok()?;
        } else if inside(pointer, at) {
            *at_pointer_mut(&mut value, &at[pointer.len()..])? = serde_json::from_str(replacement).ok()?;
        }
    }
    Some(value)
}

/// Whether the pointer `inner` lies inside the value at `outer`.
fn inside(outer: &str, inner: &str) -> bool {
    inner.len() > outer.len() && inner.starts_with(outer) && inner.as_bytes()[outer.len()] == b'/'
}

/// The fixes as (pointer, replacement JSON) pairs, in the order recorded, and how many there
/// are, when they are what [`values_replaced`] takes: at most [`FEW`] value replaces, none at
/// the top, none at the root, none inside another.
fn few_replaces(store: &Store) -> Option<([(&str, &str); FEW], usize)> {
    if !store.top.is_empty() || store.count > FEW {
        return None;
    }
    let mut replaces = [("", ""); FEW];
    for (i, slot) in replaces.iter_mut().enumerate().take(store.count) {
        let at = store.entry(i as u32);
        *slot = (store.pointer(at), store.value(at)?);
    }
    let listed = &replaces[..store.count];
    if listed.iter().any(|(p, _)| p.is_empty() || listed.iter().any(|(q, _)| inside(p, q))) {
        return None;
    }
    Some((replaces, store.count))
}

/// The checked JSON text `text` with the fixes applied; `None` if it is not JSON (it always is
/// once checked).
pub(crate) fn rewrite(text: &str, fixes: &Fixes) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    rewrite_into(text, fixes, &mut out).then_some(out)
}

/// [`rewrite`], appending to `out`; false (and `out` as it was) if `text` is not JSON.
pub(crate) fn rewrite_into(text: &str, fixes: &Fixes, out: &mut String) -> bool {
    let empty = Store::default();
    let plan = Plan::new(fixes.0.as_deref().unwrap_or(&empty));
    let mut pointer = String::new();
    let len = out.len();
    let ok = plan.value(text.trim(), &mut pointer, out, true).is_ok();
    if !ok {
        out.truncate(len);
    }
    ok
}

/// The fixes, indexed for the walk over the text.
struct Plan<'f> {
    fixes: &'f Store,
    /// Indexes of `fixes.at`, sorted by pointer (stable: a later replace wins).
    sorted: Vec<u32>,
    renames: Vec<(&'f str, &'f str)>,
    moves: Vec<(&'f str, &'static str, &'static str)>,
    schemas: Vec<&'f str>,
}

type Result<T> = std::result::Result<T, serde_json::Error>;

impl<'f> Plan<'f> {
    fn new(fixes: &'f Store) -> Plan<'f> {
        // (Fewer than 2^32 fixes: each takes a byte of the body at least.)
        let mut sorted: Vec<u32> = (0..fixes.count as u32).collect();
        sorted.sort_by(|&a, &b| fixes.pointer(fixes.entry(a)).cmp(fixes.pointer(fixes.entry(b))));
        let mut plan = Plan { fixes, sorted, renames: Vec::new(), moves: Vec::new(), schemas: Vec::new() };
        for fix in &fixes.top {
            match fix {
                Fix::RenameTop { from, to } => plan.renames.push((from, to)),
                Fix::MoveIntoExtension { from, urn, name } => plan.moves.push((from, urn, name)),
                Fix::AddSchema { urn } => {
                    if !plan.schemas.iter().any(|u| u.eq_ignore_ascii_case(urn)) {
                        plan.schemas.push(urn);
                    }
                }
                Fix::Replace { .. } | Fix::Remove { .. } => {}
            }
        }
        plan
    }

    fn pointer_of(&self, i: u32) -> &'f str {
        self.fixes.pointer(self.fixes.entry(i))
    }

    /// The fixes at exactly `pointer`, in the order they were recorded.
    fn exact(&self, pointer: &str) -> impl DoubleEndedIterator<Item = &'f At> + '_ {
        let start = self.sorted.partition_point(|&i| self.pointer_of(i) < pointer);
        let end = start + self.sorted[start..].partition_point(|&i| self.pointer_of(i) == pointer);
        self.sorted[start..end].iter().map(|&i| self.fixes.entry(i))
    }

    fn removed(&self, pointer: &str) -> bool {
        self.exact(pointer).any(|at| at.value == REMOVE)
    }

    fn replacement(&self, pointer: &str) -> Option<&'f str> {
        self.exact(pointer).rev().find_map(|at| self.fixes.value(at))
    }

    /// Whether a fix may point at `pointer` or inside its value (`false` for certain): one search
    /// where `removed`, `replacement` and `below` take five, for the members most fixes leave alone.
    fn touched(&self, pointer: &str) -> bool {
        let start = self.sorted.partition_point(|&i| self.pointer_of(i) < pointer);
        self.sorted.get(start).is_some_and(|&i| self.pointer_of(i).starts_with(pointer))
    }

    /// Whether a fix points inside the value at `pointer`.
    fn below(&self, pointer: &mut String) -> bool {
        pointer.push('/');
        let found = self.touched(pointer);
        pointer.pop();
        found
    }

    fn value(&self, raw: &str, pointer: &mut String, out: &mut String, root: bool) -> Result<()> {
        if let Some(v) = self.replacement(pointer) {
            out.push_str(v);
            return Ok(());
        }
        let top = root && !(self.renames.is_empty() && self.moves.is_empty() && self.schemas.is_empty());
        if !top && !self.below(pointer) {
            out.push_str(raw);
            return Ok(());
        }
        match raw.as_bytes().first() {
            Some(b'{') if top => self.top(raw, pointer, out),
            Some(b'{') => {
                out.push('{');
                let mut first = true;
                self.members(raw, pointer, out, &mut first, &mut |_| true)?;
                out.push('}');
                Ok(())
            }
            Some(b'[') => {
                out.push('[');
                let mut i = 0usize;
                each_element(raw, &mut |element| {
                    if i > 0 {
                        out.push(',');
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    let _ = write!(pointer, "{i}");
                    let r = if self.touched(pointer) {
                        self.value(element.get(), pointer, out, false)
                    } else {
                        out.push_str(element.get());
                        Ok(())
                    };
                    pointer.truncate(len);
                    i += 1;
                    r
                })?;
                out.push(']');
                Ok(())
            }
            _ => {
                out.push_str(raw);
                Ok(())
            }
        }
    }

    /// Writes the members of the object `raw` (at `pointer`) that `keep` accepts and no fix
    /// removes, each with its fixes.
    fn members(
        &self,
        raw: &str,
        pointer: &mut String,
        out: &mut String,
        first: &mut bool,
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Result<()> {
        each_member(raw, &mut |key, value| {
            let len = pointer.len();
            pointer.push('/');
            push_escaped(pointer, key);
            let r = if !self.touched(pointer) {
                // No fix here or inside: the member as written (what `value` would copy).
                if keep(key) {
                    write_key(out, first, key);
                    out.push_str(value.get());
                }
                Ok(())
            } else if self.removed(pointer) || !keep(key) {
                Ok(())
            } else {
                write_key(out, first, key);
                self.value(value.get(), pointer, out, false)
            };
            pointer.truncate(len);
            r
        })
    }

    /// The top-level object, where members are renamed, moved into an extension, and URNs added
    /// to `schemas`.
    fn top(&self, raw: &str, pointer: &mut String, out: &mut String) -> Result<()> {
        // What the object holds, read once before writing: the moved values (the last of a key
        // wins, as in a parsed object), which keys exist, whether schemas is there.
        let mut moved: Vec<Option<&str>> = vec![None; self.moves.len()];
        let mut keys_present: Vec<&str> = Vec::new();
        let mut has_schemas = false;
        each_member(raw, &mut |key, value| {
            if let Some(i) = self.moves.iter().position(|(from, ..)| *from == key) {
                moved[i] = Some(value.get());
            }
            for (from, to) in &self.renames {
                for k in [*from, *to] {
                    if k == key && !keys_present.contains(&k) {
                        keys_present.push(k);
                    }
                }
            }
            for (_, urn, _) in &self.moves {
                if *urn == key && !keys_present.contains(urn) {
                    keys_present.push(urn);
                }
            }
            has_schemas |= key.eq_ignore_ascii_case("schemas");
            Ok(())
        })?;
        let present = |k: &str| keys_present.contains(&k);
        out.push('{');
        let mut first = true;
        if !has_schemas && !self.schemas.is_empty() {
            write_key(out, &mut first, "schemas");
            out.push_str(&Value::from(self.schemas.clone()).to_string());
        }
        let mut extension_written: Vec<String> = Vec::new();
        each_member(raw, &mut |key, value| {
            let len = pointer.len();
            pointer.push('/');
            push_escaped(pointer, key);
            let r = (|| {
                if self.removed(pointer) || self.moves.iter().any(|(from, ..)| *from == key) {
                    return Ok(());
                }
                let rename = self.renames.iter().find(|(from, _)| *from == key);
                let name = rename.map_or(key, |(_, to)| *to);
                if rename.is_some() && present(name) {
                    // Written with the member it joins.
                    return Ok(());
                }
                if extension_written.iter().any(|w| w == name) {
                    return Ok(());
                }
                write_key(out, &mut first, name);
                let joins = self.renames.iter().filter(|(from, to)| *to == name && *from != key && present(from));
                let joining: Vec<&str> = joins.map(|(from, _)| *from).collect();
                let moving: Vec<usize> =
                    (0..self.moves.len()).filter(|&i| self.moves[i].1 == name && moved[i].is_some()).collect();
                if key.eq_ignore_ascii_case("schemas") && !self.schemas.is_empty() && value.get().starts_with('[') {
                    return self.schemas_array(value.get(), pointer, out);
                }
                if joining.is_empty() && moving.is_empty() {
                    return self.value(value.get(), pointer, out, false);
                }
                extension_written.push(name.to_string());
                if !value.get().starts_with('{') {
                    // Not an object: what joins it is dropped, as a parsed object would do.
                    return self.value(value.get(), pointer, out, false);
                }
                self.joined(raw, key, value.get(), pointer, &joining, &moving, &moved, out)
            })();
            pointer.truncate(len);
            r
        })?;
        // Moves into an extension the body does not have yet.
        let mut created: Vec<&str> = Vec::new();
        for (i, (_, urn, name)) in self.moves.iter().enumerate() {
            let Some(v) = moved[i] else { continue };
            if present(urn) || self.renames.iter().any(|(from, to)| to == urn && present(from)) {
                continue;
            }
            if created.contains(urn) {
                continue;
            }
            created.push(urn);
            write_key(out, &mut first, urn);
            out.push('{');
            let mut inner_first = true;
            write_key(out, &mut inner_first, name);
            self.moved_value(i, v, pointer, out)?;
            for (j, (_, u2, n2)) in self.moves.iter().enumerate().skip(i + 1) {
                if let (true, Some(v2)) = (u2 == urn, moved[j]) {
                    write_key(out, &mut inner_first, n2);
                    self.moved_value(j, v2, pointer, out)?;
                }
            }
            out.push('}');
        }
        out.push('}');
        Ok(())
    }

    fn moved_value(&self, i: usize, raw: &str, pointer: &mut String, out: &mut String) -> Result<()> {
        let len = pointer.len();
        pointer.push('/');
        push_escaped(pointer, self.moves[i].0);
        let r = self.value(raw, pointer, out, false);
        pointer.truncate(len);
        r
    }

    /// An extension object written with the members of its renamed alias and the attributes
    /// moved into it; the members it has already win.
    #[allow(clippy::too_many_arguments)]
    fn joined(
        &self,
        top: &str,
        key: &str,
        own: &str,
        pointer: &mut String,
        joining: &[&str],
        moving: &[usize],
        moved: &[Option<&str>],
        out: &mut String,
    ) -> Result<()> {
        out.push('{');
        let mut first = true;
        let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        self.members(own, pointer, out, &mut first, &mut |k| {
            seen.insert(k.to_string());
            true
        })?;
        let _ = key;
        for from in joining {
            // The alias's members, at the alias's own pointers.
            let mut alias_pointer = String::new();
            alias_pointer.push('/');
            push_escaped(&mut alias_pointer, from);
            each_member(top, &mut |k, v| {
                if k == *from && v.get().starts_with('{') {
                    self.members(v.get(), &mut alias_pointer, out, &mut first, &mut |k| seen.insert(k.to_string()))?;
                }
                Ok(())
            })?;
        }
        for &i in moving {
            let name = self.moves[i].2;
            if let Some(v) = moved[i]
                && seen.insert(name.to_string())
            {
                write_key(out, &mut first, name);
                self.moved_value(i, v, &mut String::new(), out)?;
            }
        }
        out.push('}');
        Ok(())
    }

    /// `schemas` with the URNs the fixes add (compared ignoring case, after the entries' own
    /// fixes).
    fn schemas_array(&self, raw: &str, pointer: &mut String, out: &mut String) -> Result<()> {
        let mut listed = vec![false; self.schemas.len()];
        out.push('[');
        let mut i = 0usize;
        each_element(raw, &mut |element| {
            if i > 0 {
                out.push(',');
            }
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&i.to_string());
            let start = out.len();
            let r = self.value(element.get(), pointer, out, false);
            if let Ok(Value::String(s)) = serde_json::from_str::<Value>(&out[start..]) {
                for (j, urn) in self.schemas.iter().enumerate() {
                    listed[j] |= urn.eq_ignore_ascii_case(&s);
                }
            }
            pointer.truncate(len);
            i += 1;
            r
        })?;
        for (j, urn) in self.schemas.iter().enumerate() {
            if !listed[j] {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(*urn).to_string());
                i += 1;
            }
        }
        out.push(']');
        Ok(())
    }
}

fn write_key(out: &mut String, first: &mut bool, key: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    // serde_json escapes only `"`, `\` and control characters: a key with none is written as it
    // is, without building a `Value` and a string for it.
    if key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(key);
        out.push('"');
    } else {
        out.push_str(&Value::from(key).to_string());
    }
    out.push(':');
}

/// Calls `f` on each member of the JSON object `raw`, in order, without building it.
fn each_member<'de>(raw: &'de str, f: &mut dyn FnMut(&str, &'de RawValue) -> Result<()>) -> Result<()> {
    struct Members<'a, 'de>(&'a mut dyn FnMut(&str, &'de RawValue) -> Result<()>);
    impl<'de> Visitor<'de> for Members<'_, 'de> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            while let Some(key) = map.next_key_seed::<KeySeed>(KeySeed)? {
                let key: Cow<'de, str> = key;
                let value: &'de RawValue = map.next_value()?;
                (self.0)(&key, value).map_err(de::Error::custom)?;
            }
            Ok(())
        }
    }
    serde_json::Deserializer::from_str(raw).deserialize_map(Members(f))
}

/// Calls `f` on each element of the JSON array `raw`, in order, without building it.
fn each_element<'de>(raw: &'de str, f: &mut dyn FnMut(&'de RawValue) -> Result<()>) -> Result<()> {
    struct Elements<'a, 'de>(&'a mut dyn FnMut(&'de RawValue) -> Result<()>);
    impl<'de> Visitor<'de> for Elements<'_, 'de> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            while let Some(element) = seq.next_element::<&'de RawValue>()? {
                (self.0)(element).map_err(de::Error::custom)?;
            }
            Ok(())
        }
    }
    serde_json::Deserializer::from_str(raw).deserialize_seq(Elements(f))
}

/// Object keys, borrowed from the input when the deserializer allows.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store(fixes: &[Fix]) -> Fixes {
        let mut store = Fixes::default();
        for f in fixes {
            store.push(f.clone());
        }
        store
    }

    fn fixed(body: Value, fixes: &[Fix]) -> Value {
        let text = rewrite(&body.to_string(), &store(fixes)).expect("JSON");
        serde_json::from_str(&text).expect("rewritten JSON")
    }

    #[test]
    fn replaces_and_removes_where_pointed() {
        let body = json!({"a": {"b": [1, {"c": "True", "d": 2}]}, "e/f": 1, "g": 3});
        let fixes = [
            Fix::Replace { pointer: "/a/b/1/c".into(), value: json!(true) },
            Fix::Remove { pointer: "/a/b/1/d".into() },
            Fix::Remove { pointer: "/e~1f".into() },
            Fix::Replace { pointer: "/nothing/there".into(), value: json!(1) },
        ];
        assert_eq!(fixed(body, &fixes), json!({"a": {"b": [1, {"c": true}]}, "g": 3}));
    }

    #[test]
    fn untouched_members_are_copied_as_written() {
        let text = r#"{"a": 1.50, "b" : [ 1 ], "c": "x"}"#;
        let out = rewrite(text, &store(&[Fix::Remove { pointer: "/c".into() }])).expect("JSON");
        assert_eq!(out, r#"{"a":1.50,"b":[ 1 ]}"#);
    }

    /// Keys are written again as serde_json escapes them (or as they are, when they need no
    /// escape); members and elements no fix touches are copied as written.
    #[test]
    fn keys_escaped_and_untouched_values_copied() {
        let text = r#"{"a\"b": 1, "c\\d": {"x": "True"}, "é\u0001": 2, "plain": [1, {"y": "x"}]}"#;
        let fix = Fix::Replace { pointer: "/c\\d/x".into(), value: json!(true) };
        let out = rewrite(text, &store(&[fix])).expect("JSON");
        assert_eq!(out, r#"{"a\"b":1,"c\\d":{"x":true},"é\u0001":2,"plain":[1, {"y": "x"}]}"#);
        let fix = Fix::Replace { pointer: "/0/a".into(), value: json!(true) };
        assert_eq!(
            rewrite(r#"[{"a": "True"}, 2, [3 ], {"b" :1}]"#, &store(&[fix])).expect("JSON"),
            r#"[{"a":true},2,[3 ],{"b" :1}]"#
        );
    }

    #[test]
    fn schemas_renames_and_moves() {
        let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let alias = "urn:ietf:params:scim:schemas:extension:enterprise:2.1:User";
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", alias], "department": "R&D",
                          alias: {"employeeNumber": "7"}});
        let fixes = [
            Fix::Replace { pointer: "/schemas/1".into(), value: json!(ent) },
            Fix::RenameTop { from: alias.into(), to: ent.into() },
            Fix::MoveIntoExtension {
                from: "department".into(),
                urn: crate::schema::ENTERPRISE_URN,
                name: "department",
            },
            Fix::AddSchema { urn: ent.into() },
        ];
        assert_eq!(
            fixed(body, &fixes),
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ent],
                   ent: {"employeeNumber": "7", "department": "R&D"}})
        );
        // No schemas at all, an extension created by a move.
        let fixes = [
            Fix::AddSchema { urn: "urn:ietf:params:scim:schemas:core:2.0:User".into() },
            Fix::MoveIntoExtension {
                from: "department".into(),
                urn: crate::schema::ENTERPRISE_URN,
                name: "department",
            },
            Fix::AddSchema { urn: ent.into() },
        ];
        assert_eq!(
            fixed(json!({"department": "R&D", "userName": "a"}), &fixes),
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ent], "userName": "a", ent: {"department": "R&D"}})
        );
    }

    #[test]
    fn an_alias_joins_the_extension_it_repeats() {
        let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let alias = "urn:ietf:params:scim:schemas:extension:enterprise:2.1:User";
        let body = json!({alias: {"employeeNumber": "7", "costCenter": "9"}, ent: {"employeeNumber": "1"}});
        let fixes = [Fix::RenameTop { from: alias.into(), to: ent.into() }];
        assert_eq!(fixed(body, &fixes), json!({ent: {"employeeNumber": "1", "costCenter": "9"}}));
    }

    #[test]
    fn the_whole_body_can_be_replaced() {
        let fixes = [Fix::Replace { pointer: String::new(), value: json!({"Operations": []}) }];
        assert_eq!(fixed(json!({"operations": [1]}), &fixes), json!({"Operations": []}));
    }

    #[test]
    fn a_value_is_fixed_like_text() {
        let mut v = json!({"active": "True"});
        apply(&mut v, &store(&[Fix::Replace { pointer: "/active".into(), value: json!(true) }]));
        assert_eq!(v, json!({"active": true}));
    }

    /// `values_replaced` gives what the text gives wherever it answers, and declines what only
    /// the text's reading decides.
    #[test]
    fn values_are_replaced_as_the_text_replaces_them() {
        let body = json!({"Operations": [{"op": "Replace", "path": "active", "value": "False"},
                                         {"op": "Add", "value": {"a/b": 1, "c~d": [1, 2]}}], "x": {"y": null}});
        let replace = |pointer: &str, value: Value| Fix::Replace { pointer: pointer.into(), value };
        let cases: Vec<(Vec<Fix>, bool)> = vec![
            // An Entra ID PatchOp's fixes: taken.
            (
                vec![
                    replace("/Operations/0/op", json!("replace")),
                    replace("/Operations/0/value", json!(false)),
                    replace("/Operations/1/op", json!("add")),
                ],
                true,
            ),
            // Escaped keys, an array element, the same pointer twice (the later wins).
            (
                vec![
                    replace("/Operations/1/value/a~1b", json!(2)),
                    replace("/Operations/1/value/c~0d/1", json!("x")),
                    replace("/x/y", json!(1)),
                    replace("/x/y", json!([true])),
                ],
                true,
            ),
            // A whole value replaced: what lies below it is the replacement's.
            (vec![replace("/Operations/1/value", json!({"c~d": [3, 4]}))], true),
            // Declined: a pointer the body lacks, one inside another, the root, a remove, a
            // top-level fix, an index written with a leading zero.
            (vec![replace("/nothing/there", json!(1))], false),
            (vec![replace("/x", json!({"y": 2})), replace("/x/y", json!(3))], false),
            (vec![replace("/x/y", json!(3)), replace("/x", json!({"y": 2}))], false),
            (vec![replace("", json!({}))], false),
            (vec![replace("/x/y", json!(1)), Fix::Remove { pointer: "/Operations/1".into() }], false),
            (vec![replace("/x/y", json!(1)), Fix::AddSchema { urn: "urn:x".into() }], false),
            (vec![replace("/Operations/01/op", json!("add"))], false),
        ];
        for (fixes, taken) in cases {
            let stored = store(&fixes);
            let fast = values_replaced(&body, stored.0.as_deref().expect("fixes"));
            assert_eq!(fast.is_some(), taken, "{fixes:?}");
            let text = fixed(body.clone(), &fixes);
            if let Some(fast) = fast {
                assert_eq!(fast, text, "{fixes:?}");
            }
            assert_eq!(super::fixed(&body, &stored), text, "{fixes:?}");
            // One value of the fixed body, copied alone: what the fixed copy holds there,
            // wherever values_replaced answers (and the body has that value).
            let pointers = [
                "",
                "/Operations",
                "/Operations/0",
                "/Operations/0/value",
                "/Operations/1/value",
                "/Operations/1/value/c~0d",
                "/Operations/1/value/c~0d/1",
                "/x",
                "/x/y",
            ];
            for pointer in pointers {
                let alone = fixed_at(&body, &stored, pointer);
                // It may answer where values_replaced declines for a fix elsewhere (a pointer
                // the body lacks), never the other way, and declines below a replace.
                let below_a_fix =
                    fixes.iter().any(|f| matches!(f, Fix::Replace { pointer: at, .. } if inside(at, pointer)));
                assert!(alone.is_some() || !taken || below_a_fix, "{fixes:?} at {pointer}");
                assert!(alone.is_none() || !below_a_fix, "{fixes:?} at {pointer}");
                if let Some(alone) = alone {
                    assert_eq!(Some(&alone), at_pointer(&text, pointer), "{fixes:?} at {pointer}");
                }
            }
            assert_eq!(fixed_at(&body, &stored, "/nothing"), None);
        }
        assert_eq!(fixed_at(&body, &Fixes::default(), "/x"), Some(json!({"y": null})));
        // Past serde_json's 128 levels a copy still takes the replaces (reading the text back
        // cannot: the body would come back unfixed).
        let mut deep = json!("x");
        for _ in 0..130 {
            deep = json!([deep]);
        }
        let body = json!({"op": "Replace", "deep": deep});
        let stored = store(&[replace("/op", json!("replace"))]);
        assert_eq!(super::fixed(&body, &stored)["op"], json!("replace"));
        // More fixes than FEW go through the text.
        let many: Vec<Fix> = (0..=FEW).map(|_| replace("/x/y", json!(1))).collect();
        assert!(values_replaced(&body, store(&many).0.as_deref().expect("fixes")).is_none());
    }
}
