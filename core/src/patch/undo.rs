//! The undo log that makes an in-place PATCH all or nothing.
//!
//! Before an operation runs, the top-level attributes it may change are saved (each once, the
//! first time one is touched); when an operation fails, they are put back. A PATCH of a few
//! attributes so costs copies of those attributes, not of the whole resource.
//!
//! What an operation may change at the top level: the attribute its path names (and, for a path
//! with a URN, the extension object and `schemas`, which gets the URN when the extension is
//! created); for an operation without a path, every member of its value (the same, member by
//! member); and `name` when Atlassian's display-name rule runs after it. Keys match ignoring ASCII
//! case, as apply matches them, so every spelling of a touched attribute is saved.

use serde_json::Value;

use super::{OpKind, Operation};
use crate::path::PatchPath;

/// Saved top-level attributes; disabled when apply works on its own copy anyway.
pub(super) struct UndoLog {
    enabled: bool,
    /// The names saved (as operations spell them).
    names: Vec<String>,
    /// Every resource member whose key is one of `names`, as it was.
    entries: Vec<(String, Value)>,
}

impl UndoLog {
    pub(super) fn new(enabled: bool) -> UndoLog {
        UndoLog { enabled, names: Vec::new(), entries: Vec::new() }
    }

    /// Saves what `op` may change, unless it was saved before.
    pub(super) fn before(&mut self, res: &Value, op: &Operation, renames: bool) {
        if !self.enabled {
            return;
        }
        match &op.path {
            Some(path) => self.save_path(res, path),
            None => {
                if let Some(Value::Object(members)) = &op.value {
                    for key in members.keys() {
                        self.save(res, key);
                        if let Ok(path) = PatchPath::parse(key) {
                            self.save_path(res, &path);
                        }
                        if key.contains(':') {
                            self.save(res, "schemas");
                        }
                    }
                }
            }
        }
        if renames && op.op != OpKind::Remove {
            self.save(res, "name");
        }
    }

    fn save_path(&mut self, res: &Value, path: &PatchPath) {
        self.save(res, &path.attr.attr);
        if let Some(urn) = &path.attr.urn {
            self.save(res, urn);
            self.save(res, &format!("{urn}:{}", path.attr.attr));
            self.save(res, "schemas");
        }
    }

    fn save(&mut self, res: &Value, name: &str) {
        if self.names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return;
        }
        self.names.push(name.to_string());
        if let Value::Object(m) = res {
            let saved = m.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
            self.entries.extend(saved.map(|(k, v)| (k.clone(), v.clone())));
        }
    }

    /// Puts the saved attributes back: the resource is as it was before the first operation.
    /// (serde_json's map is sorted, so members put back take their old places.)
    pub(super) fn restore(self, res: &mut Value) {
        let Value::Object(m) = res else { return };
        m.retain(|k, _| !self.names.iter().any(|n| n.eq_ignore_ascii_case(k)));
        m.extend(self.entries);
    }
}
