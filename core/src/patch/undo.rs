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

use serde_json::{Map, Value};

use super::apply::unassigned;
use super::{OpKind, Operation};
use crate::path::PatchPath;

/// One saved part of the resource.
enum Saved {
    /// Every top-level member named `name` (any ASCII case), as it was.
    Top { name: String, entries: Vec<(String, Value)> },
    /// Every member named `inner` of the object at top-level key `outer` (spelled as the resource
    /// spells it), as it was.
    Inner { outer: String, inner: String, entries: Vec<(String, Value)> },
}

/// Saved parts of the resource; disabled when apply works on its own copy anyway.
pub(super) struct UndoLog {
    enabled: bool,
    saved: Vec<Saved>,
}

fn matching<'m>(m: &'m Map<String, Value>, name: &'m str) -> impl Iterator<Item = (&'m String, &'m Value)> {
    m.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name))
}

impl UndoLog {
    pub(super) fn new(enabled: bool) -> UndoLog {
        UndoLog { enabled, saved: Vec::new() }
    }

    /// Saves what `op` may change, unless it was saved before.
    pub(super) fn before(&mut self, res: &Value, op: &Operation, renames: bool) {
        let (true, Value::Object(root)) = (self.enabled, res) else { return };
        match &op.path {
            Some(path) => self.save_path(root, path),
            None => {
                if let Some(Value::Object(members)) = &op.value {
                    for key in members.keys() {
                        self.save_top(root, key);
                        if let Ok(path) = PatchPath::parse(key) {
                            self.save_path(root, &path);
                        }
                        if key.contains(':') {
                            self.save_top(root, "schemas");
                        }
                    }
                }
            }
        }
        if renames && op.op != OpKind::Remove {
            self.save_top(root, "name");
        }
    }

    /// Saves the whole `name`, for an operation after which the stale `name.formatted` goes.
    pub(super) fn before_names(&mut self, res: &Value) {
        if let (true, Value::Object(root)) = (self.enabled, res) {
            self.save_top(root, "name");
        }
    }

    fn save_path(&mut self, root: &Map<String, Value>, path: &PatchPath) {
        let attr = path.attr.attr.as_str();
        match &path.attr.urn {
            Some(urn) => {
                // The attribute at the top level too: a core schema URN names a core attribute.
                self.save_top(root, attr);
                self.save_top(root, &format!("{urn}:{attr}"));
                if !self.save_inner(root, urn, attr) {
                    self.save_top(root, urn);
                    self.save_top(root, "schemas");
                }
            }
            None => match path.sub_name() {
                Some(sub) if path.filter.is_none() && self.save_inner(root, attr, sub) => {}
                _ => self.save_top(root, attr),
            },
        }
    }

    fn save_top(&mut self, root: &Map<String, Value>, name: &str) {
        let seen = self.saved.iter().any(|s| matches!(s, Saved::Top { name: n, .. } if n.eq_ignore_ascii_case(name)));
        if !seen {
            let entries = matching(root, name).map(|(k, v)| (k.clone(), v.clone())).collect();
            self.saved.push(Saved::Top { name: name.to_string(), entries });
        }
    }

    /// Saves member `inner` of the object at `outer`, when `outer` is one object spelled one way;
    /// returns whether it is (else the caller saves all of `outer`).
    fn save_inner(&mut self, root: &Map<String, Value>, outer: &str, inner: &str) -> bool {
        let mut found = matching(root, outer);
        let (Some((key, Value::Object(object))), None) = (found.next(), found.next()) else { return false };
        // An object whose other members are all unassigned may be removed by the operation (an
        // emptied attribute is unassigned), and those members with it: save all of it then.
        if !object.iter().any(|(k, v)| !k.eq_ignore_ascii_case(inner) && !unassigned(v)) {
            return false;
        }
        let seen = self.saved.iter().any(|s| match s {
            Saved::Top { name, .. } => name.eq_ignore_ascii_case(outer),
            Saved::Inner { outer: o, inner: i, .. } => o == key && i.eq_ignore_ascii_case(inner),
        });
        if !seen {
            let entries = matching(object, inner).map(|(k, v)| (k.clone(), v.clone())).collect();
            self.saved.push(Saved::Inner { outer: key.clone(), inner: inner.to_string(), entries });
        }
        true
    }

    /// Puts the saved parts back, last saved first: the resource is as it was before the first
    /// operation. (serde_json's map is sorted, so members put back take their old places.)
    pub(super) fn restore(self, res: &mut Value) {
        let Value::Object(root) = res else { return };
        for saved in self.saved.into_iter().rev() {
            match saved {
                Saved::Top { name, entries } => {
                    root.retain(|k, _| !k.eq_ignore_ascii_case(&name));
                    root.extend(entries);
                }
                Saved::Inner { outer, inner, entries } => {
                    let slot = root.entry(outer).or_insert_with(|| Value::Object(Map::new()));
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Value::Object(object) = slot {
                        object.retain(|k, _| !k.eq_ignore_ascii_case(&inner));
                        object.extend(entries);
                    }
                }
            }
        }
    }
}
