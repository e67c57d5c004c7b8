//! The undo log that makes an in-place PATCH all or nothing.
//!
//! Before an operation runs, what it may change is saved (each thing once, the first time it is
//! touched); when an operation fails, the saved values are put back, last saved first. A PATCH of
//! a few attributes so costs copies of those attributes, not of the whole resource.
//!
//! What an operation may change: the top-level attribute its path names; for `attr.sub` of a
//! complex attribute, or an attribute of an extension object that exists, only that member of it
//! (when another member of the object is assigned, so that the operation cannot remove the object
//! and unassigned members with it); for an extension
//! that does not exist yet, the extension and `schemas` (which gets its URN); for an operation
//! without a path, every member of its value (the same, member by member); and `name` when
//! Atlassian's display-name rule runs after it. Keys match ignoring ASCII case, as apply matches
//! them, so every spelling of a touched member is saved; where an object is spelled more than one
//! way, the whole attribute is saved instead of one member.
//!
//! A core multi-valued attribute that operations run on through the open value list (open.rs's
//! `OpenList`: a value filter, an add of values) is not copied when it is taken out: the list's
//! journal (values.rs) keeps the values the operations change, and its original is settled into
//! the log from there, by moving the values back when the PATCH fails while the list is open, or
//! by copying them when the list goes back into the resource before the PATCH ends (another
//! operation may change the attribute then).
//!
//! Names are borrowed from the operations and the schema, and keys saved with a value are copied
//! only where the resource spells them differently, so saving an attribute allocates no more
//! than its copy.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::apply::unassigned;
use super::values::ValueList;
use super::{OpKind, Operation};
use crate::path::PatchPath;

/// A member name as an operation (or the schema) spells it, borrowed where it can be; a path's URN
/// and attribute stay apart rather than joined into a new string.
#[derive(Clone)]
enum Name<'o> {
    One(Cow<'o, str>),
    /// `urn:attr`.
    Joined(&'o str, &'o str),
}

impl<'o> Name<'o> {
    fn of(name: &'o str) -> Name<'o> {
        Name::One(Cow::Borrowed(name))
    }

    fn len(&self) -> usize {
        match self {
            Name::One(n) => n.len(),
            Name::Joined(urn, attr) => urn.len() + 1 + attr.len(),
        }
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let (first, colon, rest): (&[u8], &[u8], &[u8]) = match self {
            Name::One(n) => (n.as_bytes(), b"", b""),
            Name::Joined(urn, attr) => (urn.as_bytes(), b":", attr.as_bytes()),
        };
        first.iter().chain(colon).chain(rest).copied()
    }

    /// Whether `self` and `other` are the same name, ignoring ASCII case (as apply matches keys).
    fn same(&self, other: &Name<'_>) -> bool {
        self.len() == other.len() && self.bytes().zip(other.bytes()).all(|(a, b)| a.eq_ignore_ascii_case(&b))
    }

    /// Whether the name names member `key` (ignoring ASCII case).
    fn names(&self, key: &str) -> bool {
        match self {
            Name::One(n) => key.eq_ignore_ascii_case(n),
            joined => joined.same(&Name::of(key)),
        }
    }

    /// A copy of `key`, a key this name names: borrowed when the name spells it the same way.
    fn key(&self, key: &str) -> Cow<'o, str> {
        match self {
            Name::One(Cow::Borrowed(n)) if *n == key => Cow::Borrowed(n),
            _ => Cow::Owned(key.to_string()),
        }
    }
}

/// Members saved: each key (as the resource spells it) and its value.
type Entries<'o> = Vec<(Cow<'o, str>, Value)>;

/// One saved part of the resource.
enum Saved<'o> {
    /// Every top-level member `name` names (any ASCII case), as it was; with `pending`, one more,
    /// taken into the open value list, is still to be settled from the list's journal.
    Top { name: Name<'o>, entries: Entries<'o>, pending: Option<Shape> },
    /// Every member `inner` names in the object at top-level key `outer` (spelled as the resource
    /// spells it), as it was.
    Inner { outer: Cow<'o, str>, inner: &'o str, entries: Entries<'o> },
}

/// What a member taken into a value list held ([`ValueList::from_slot`] reads all as a list).
#[derive(Clone, Copy)]
enum Shape {
    Absent,
    Null,
    /// One value, not in an array.
    Lone,
    Array,
}

/// What an operation's path reaches, as resolving it against the schema tells, so that the log
/// saves no more than the operation may change.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// Not known (no schema, no path, a core attribute): whatever the path may name.
    Any,
    /// A core multi-valued attribute the open value list runs the operation on: its journal keeps
    /// the attribute.
    Listed,
    /// An attribute of an extension: only the extension object (and `schemas`, which gets its
    /// URN when the object is new), not a top-level member of the same name.
    Extension,
}

/// Saved parts of the resource; disabled when apply works on its own copy anyway.
pub(super) struct UndoLog<'o> {
    enabled: bool,
    saved: Vec<Saved<'o>>,
}

fn matching<'m>(m: &'m Map<String, Value>, name: &'m Name<'_>) -> impl Iterator<Item = (&'m String, &'m Value)> {
    m.iter().filter(move |(k, _)| name.names(k))
}

impl<'o> UndoLog<'o> {
    pub(super) fn new(enabled: bool) -> UndoLog<'o> {
        UndoLog { enabled, saved: Vec::new() }
    }

    /// Saves what `op` may change, unless it was saved before; `reach`: what its path reaches.
    pub(super) fn before(&mut self, res: &Value, op: &'o Operation, renames: bool, reach: Reach) {
        let (true, Value::Object(root)) = (self.enabled, res) else { return };
        match &op.path {
            Some(path) => self.save_path(root, path, reach),
            None => {
                if let Some(Value::Object(members)) = &op.value {
                    for key in members.keys() {
                        self.save_top(root, Name::of(key));
                        if let Ok(path) = PatchPath::parse(key) {
                            self.save_parsed_path(root, &path);
                        }
                        if key.contains(':') {
                            self.save_top(root, Name::of("schemas"));
                        }
                    }
                }
            }
        }
        if renames && op.op != OpKind::Remove {
            self.save_top(root, Name::of("name"));
        }
    }

    /// Saves the whole `name`, for an operation after which the stale `name.formatted` goes.
    pub(super) fn before_names(&mut self, res: &Value) {
        if let (true, Value::Object(root)) = (self.enabled, res) {
            self.save_top(root, Name::of("name"));
        }
    }

    fn save_path(&mut self, root: &Map<String, Value>, path: &'o PatchPath, reach: Reach) {
        let attr = path.attr.attr.as_str();
        match &path.attr.urn {
            Some(urn) => {
                // The attribute at the top level too: a core schema URN names a core attribute;
                // and a member named by the whole path, where no schema says what the URN is.
                if reach == Reach::Any {
                    self.save_top(root, Name::of(attr));
                    self.save_top(root, Name::Joined(urn, attr));
                }
                if !self.save_inner(root, urn, attr) {
                    self.save_top(root, Name::of(urn));
                    self.save_top(root, Name::of("schemas"));
                }
            }
            None if reach == Reach::Listed => {}
            None => match path.sub_name() {
                Some(sub) if path.filter.is_none() && self.save_inner(root, attr, sub) => {}
                _ => self.save_top(root, Name::of(attr)),
            },
        }
    }

    /// [`UndoLog::save_path`] for a path parsed from a member name of an operation without a
    /// path, which the log cannot borrow names from: it saves what the path names whole.
    fn save_parsed_path(&mut self, root: &Map<String, Value>, path: &PatchPath) {
        let attr = &path.attr.attr;
        let owned = |name: String| Name::One(Cow::Owned(name));
        match &path.attr.urn {
            Some(urn) => {
                for name in [attr.clone(), format!("{urn}:{attr}"), urn.clone()] {
                    self.save_top(root, owned(name));
                }
                self.save_top(root, Name::of("schemas"));
            }
            None => self.save_top(root, owned(attr.clone())),
        }
    }

    fn seen_top(&self, name: &Name<'_>) -> bool {
        self.saved.iter().any(|s| matches!(s, Saved::Top { name: n, .. } if n.same(name)))
    }

    fn save_top(&mut self, root: &Map<String, Value>, name: Name<'o>) {
        if !self.seen_top(&name) {
            let entries = matching(root, &name).map(|(k, v)| (name.key(k), v.clone())).collect();
            self.saved.push(Saved::Top { name, entries, pending: None });
        }
    }
    /// Attribute `name`, spelled `key` in the resource, is about to be taken into a value list:
    /// saves its other spellings, and returns whether the list must keep a journal for the rest
    /// (not when the log is disabled or already holds the attribute).
    pub(super) fn take_list(&mut self, res: &Value, name: &'o str, key: &str) -> bool {
        let (true, Value::Object(root)) = (self.enabled, res) else { return false };
        let name = Name::of(name);
        if self.seen_top(&name) {
            return false;
        }
        let entries =
            matching(root, &name).filter(|(k, _)| k.as_str() != key).map(|(k, v)| (name.key(k), v.clone())).collect();
        let shape = match root.get(key) {
            None => Shape::Absent,
            Some(Value::Null) => Shape::Null,
            Some(Value::Array(_)) => Shape::Array,
            Some(_) => Shape::Lone,
        };
        self.saved.push(Saved::Top { name, entries, pending: Some(shape) });
        true
    }

    /// The PATCH failed with `list`, taken from the resource's `key`, open: settles the attribute
    /// from the list's journal, moving the values back.
    pub(super) fn settle_given_up(&mut self, key: String, list: ValueList) {
        self.settle(Cow::Owned(key), list.into_original());
    }

    /// `list` goes back into the resource's `key` before the PATCH ends, where other operations
    /// may change the attribute: settles it from the journal, copying the values it did not
    /// change.
    pub(super) fn settle_put_back(&mut self, key: &str, list: &ValueList) {
        if let Some(original) = list.original_cloned() {
            self.settle(Cow::Owned(key.to_string()), Some(original));
        }
    }

    /// Completes the pending entry with `original`, the values the attribute held at `key`
    /// (`None`: the list kept no journal, and no entry is pending for it).
    fn settle(&mut self, key: Cow<'o, str>, original: Option<Vec<Value>>) {
        let Some(original) = original else { return };
        let pending = self.saved.iter_mut().rev().find_map(|s| match s {
            Saved::Top { entries, pending: pending @ Some(_), .. } => Some((entries, pending)),
            _ => None,
        });
        let Some((entries, pending)) = pending else { return };
        let value = match pending.take() {
            None | Some(Shape::Absent) => None,
            Some(Shape::Null) => Some(Value::Null),
            Some(Shape::Lone) => original.into_iter().next(),
            Some(Shape::Array) => Some(Value::Array(original)),
        };
        entries.extend(value.map(|v| (key, v)));
    }

    /// Saves member `inner` of the object at `outer`, when `outer` is one object spelled one way;
    /// returns whether it is (else the caller saves all of `outer`).
    fn save_inner(&mut self, root: &Map<String, Value>, outer: &'o str, inner: &'o str) -> bool {
        let outer = Name::of(outer);
        let mut found = matching(root, &outer);
        let (Some((key, Value::Object(object))), None) = (found.next(), found.next()) else { return false };
        // An object whose other members are all unassigned may be removed by the operation (an
        // emptied attribute is unassigned), and those members with it: save all of it then.
        if !object.iter().any(|(k, v)| !k.eq_ignore_ascii_case(inner) && !unassigned(v)) {
            return false;
        }
        let seen = self.saved.iter().any(|s| match s {
            Saved::Top { name, .. } => name.same(&outer),
            Saved::Inner { outer: o, inner: i, .. } => o == key && i.eq_ignore_ascii_case(inner),
        });
        if !seen {
            let inner_name = Name::of(inner);
            let entries = matching(object, &inner_name).map(|(k, v)| (inner_name.key(k), v.clone())).collect();
            self.saved.push(Saved::Inner { outer: outer.key(key), inner, entries });
        }
        true
    }

    /// Puts the saved parts back, last saved first: the resource is as it was before the first
    /// operation. (serde_json's map is sorted, so members put back take their old places.)
    pub(super) fn restore(self, res: &mut Value) {
        let Value::Object(root) = res else { return };
        let owned = |entries: Entries<'o>| entries.into_iter().map(|(k, v)| (k.into_owned(), v));
        for saved in self.saved.into_iter().rev() {
            match saved {
                Saved::Top { name, entries, .. } => {
                    root.retain(|k, _| !name.names(k));
                    root.extend(owned(entries));
                }
                Saved::Inner { outer, inner, entries } => {
                    let slot = root.entry(outer.into_owned()).or_insert_with(|| Value::Object(Map::new()));
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Value::Object(object) = slot {
                        object.retain(|k, _| !k.eq_ignore_ascii_case(inner));
                        object.extend(owned(entries));
                    }
                }
            }
        }
    }
}
