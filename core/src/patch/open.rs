//! The open value list: a core multi-valued attribute taken out of the resource while
//! consecutive operations run on its values (an add of values, anything through a value filter),
//! so that K operations on a group of N members cost about K + N, not K × N (values.rs indexes
//! the values). For an in-place PATCH the list keeps a journal of the values it changes instead
//! of the undo log copying the attribute (undo.rs).

use serde_json::Value;

use super::OpKind;
use super::undo::UndoLog;
use super::values::ValueList;
use crate::filter::Filter;
use crate::path::{PatchPath, Target};
use crate::schema::Attribute;

/// The open value list, if any, and the undo log, which keeps what the list takes out.
pub(super) struct Lists<'s, 'u> {
    /// The multi-valued attribute the last operations worked on, out of the resource while they do.
    pub(super) open: Option<OpenList<'s>>,
    pub(super) undo: &'u mut UndoLog<'s>,
}

impl<'s> Lists<'s, '_> {
    /// Puts the open list back into the resource before the operations end, if `now` says so;
    /// what the list kept for the undo log is settled there first.
    pub(super) fn put_back_if(&mut self, res: &mut Value, now: impl FnOnce(&OpenList<'s>) -> bool) {
        if let Some(o) = self.open.take_if(|o| now(o)) {
            self.undo.settle_put_back(&o.key, &o.list);
            o.put_back(res);
        }
    }

    /// The open list of `attr`, taken out of the resource if it is not open yet.
    pub(super) fn take(&mut self, res: &mut Value, attr: &'s Attribute) -> &mut OpenList<'s> {
        self.put_back_if(res, |o| !std::ptr::eq(o.attr, attr));
        let undo = &mut *self.undo;
        self.open.get_or_insert_with(|| OpenList::take(res, attr, undo))
    }
}

/// A core multi-valued attribute taken out of the resource while operations run on its values.
pub(super) struct OpenList<'s> {
    pub(super) attr: &'s Attribute,
    /// The resource's key for it (its spelling there).
    pub(super) key: String,
    pub(super) list: ValueList,
}

impl<'s> OpenList<'s> {
    fn take(res: &mut Value, attr: &'s Attribute, undo: &mut UndoLog<'s>) -> OpenList<'s> {
        // The resource's spelling of the name, copied only when it is not the schema's.
        let spelled = match res.as_object() {
            Some(m) if !m.contains_key(&attr.name) => m.keys().find(|k| k.eq_ignore_ascii_case(&attr.name)).cloned(),
            _ => None,
        };
        let key = spelled.as_deref().unwrap_or(&attr.name);
        // The undo log copies nothing of it: the list keeps the values it changes.
        let journaled = undo.take_list(res, &attr.name, key);
        // The resource's own key goes back with the values.
        let (key, slot) = match res.as_object_mut().and_then(|m| m.remove_entry(key)) {
            Some((k, v)) => (k, Some(v)),
            None => (key.to_string(), None),
        };
        let list = ValueList::from_slot(slot);
        OpenList { attr, key, list: if journaled { list.journaled() } else { list } }
    }

    /// Writes the values back; an attribute left without values is removed.
    pub(super) fn put_back(self, res: &mut Value) {
        if let Value::Object(root) = res
            && !self.list.is_empty()
        {
            root.insert(self.key, Value::Array(self.list.into_values()));
        }
    }
}

/// What an operation does to a core multi-valued attribute, when the open list can run it.
pub(super) struct ListForm<'s, 'a> {
    pub(super) attr: &'s Attribute,
    pub(super) form: Form<'a>,
}

pub(super) enum Form<'a> {
    /// An add of no values.
    Nothing,
    /// `add attr` with these values.
    Add(&'a Value),
    /// Anything through a value filter: `attr[filter]`, `attr[filter].sub`.
    Filtered { filter: &'a Filter, sub: Option<String> },
}

/// The form of an operation on a core multi-valued attribute that the open list runs, if it is
/// one (an add to the whole attribute, or anything through a value filter); `target` is what the
/// path names.
pub(super) fn list_form<'s, 'a>(
    target: Option<Target<'s>>,
    path: &'a PatchPath,
    kind: OpKind,
    value: Option<&'a Value>,
) -> Option<ListForm<'s, 'a>> {
    let t = target?;
    if t.extension.is_some() || !t.attr.multi_valued {
        return None;
    }
    let form = match (&path.filter, path.sub_name(), kind) {
        (Some(filter), sub, _) => {
            Form::Filtered { filter, sub: sub.map(|s| t.sub.map_or(s, |d| d.name.as_str()).to_string()) }
        }
        (None, None, OpKind::Add) => match value {
            None | Some(Value::Null) => Form::Nothing,
            Some(Value::Array(items)) if items.is_empty() => Form::Nothing,
            Some(v) => Form::Add(v),
        },
        _ => return None,
    };
    Some(ListForm { attr: t.attr, form })
}
