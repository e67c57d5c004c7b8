//! Applying PATCH operations to a resource (RFC 7644 §3.5.2), all or nothing.
//!
//! [`apply_in_place`] changes the caller's resource, keeping an undo log of the parts the
//! operations touch (undo.rs: attributes and members of complex attributes; for a multi-valued
//! attribute taken into the open value list, open.rs, the values its journal in values.rs keeps
//! before their first change); [`apply`] runs on a copy. Either way the first
//! error is returned and the resource is left as it was. Attribute names match ignoring case.
//! With a schema, whether an attribute is multi-valued or complex comes from it; without one
//! (custom resources), from the data.
//!
//! Semantics, operation by operation:
//! - add: a multi-valued attribute gets the new values appended (values already there are not
//!   repeated); a complex attribute gets the given sub-attributes merged in; anything else is set.
//! - replace: a multi-valued attribute is replaced as a whole; a complex attribute keeps the
//!   sub-attributes the value does not give (RFC 7644 §3.5.2.3); null removes.
//! - remove: the attribute, the sub-attribute, or the values a filter matches.
//! - `attr[filter]` names the values the filter matches; `attr[filter].sub` their sub-attribute.
//!   When nothing matches, add creates the value from the filter's `eq` terms (what Entra ID
//!   expects of `emails[type eq "work"].value`); so does replace in lenient mode, while strict
//!   replace answers noTarget; remove removes nothing. An add through a filter must match at most
//!   one value.
//! - When a value becomes primary, the others of the attribute stop being primary (RFC 7643 §2.4).
//!
//! Consecutive operations on one multi-valued attribute (adds, and anything through a value
//! filter) share one indexed copy of its values ([`ValueList`], taken out of the resource as the
//! open list, open.rs), so K operations on a group of N members cost about K + N, not K × N.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::names::{changes_names, drop_stale_formatted, kind_sets_display_name, overwrite_names};
use super::open::{Form, ListForm, Lists, list_form};
use super::undo::{Reach, UndoLog};
use super::values::{ValueList, is_primary};
use super::{OpKind, Operation, PatchError};
use crate::filter::{CompValue, CompareOp, Filter};
use crate::path::{PatchPath, Target};
use crate::rules;
use crate::schema::{Attribute, ResourceType};
use crate::syntax::compact_len;

/// How to apply operations.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// A replace through an unmatched value filter creates the value (Entra ID) rather than
    /// failing with noTarget.
    pub lenient: bool,
    /// Atlassian's rule for Users: a new display name overwrites the given and family names
    /// unless they agree with it (see [`crate::mapping::reconcile_name`]).
    pub display_name_overwrites_names: bool,
    /// The most bytes of values the operations may write into the resource, counting a value
    /// once for every value it is written into (`emails.type` writes into every email): a
    /// PATCH of a few bytes could otherwise copy a long value into each of 35,000 members.
    /// Past it the PATCH is refused (RFC-P-006) before anything is copied. The profile sets
    /// `limits.max_body_bytes`.
    pub max_written_bytes: usize,
}

impl Default for ApplyOptions {
    fn default() -> ApplyOptions {
        ApplyOptions { lenient: false, display_name_overwrites_names: false, max_written_bytes: usize::MAX }
    }
}

/// Applies operations to a copy of a resource and returns it. `rt` gives the schema (`None`: infer
/// from the data).
pub fn apply(
    resource: &Value,
    operations: &[Operation],
    rt: Option<&ResourceType>,
    options: ApplyOptions,
) -> Result<Value, PatchError> {
    if !resource.is_object() {
        return Err(not_an_object());
    }
    let mut res = resource.clone();
    // The copy is dropped on failure: nothing to undo.
    run(&mut res, operations, rt, options, &mut UndoLog::new(false))?;
    Ok(res)
}

/// Applies operations to a resource where it lies, all or nothing: on an error the resource is
/// put back as it was (only the parts the operations touch are copied, so a PATCH costs less than
/// a copy of the resource).
pub fn apply_in_place(
    resource: &mut Value,
    operations: &[Operation],
    rt: Option<&ResourceType>,
    options: ApplyOptions,
) -> Result<(), PatchError> {
    if !resource.is_object() {
        return Err(not_an_object());
    }
    let mut undo = UndoLog::new(true);
    let result = run(resource, operations, rt, options, &mut undo);
    if result.is_err() {
        undo.restore(resource);
    }
    result
}

fn not_an_object() -> PatchError {
    PatchError::at(&rules::RFC_J_002, 0, "the resource to patch must be a JSON object")
}

/// The operations in order on `res`, saving what each may change in `undo` first.
fn run<'s>(
    res: &mut Value,
    operations: &'s [Operation],
    rt: Option<&'s ResourceType>,
    options: ApplyOptions,
    undo: &mut UndoLog<'s>,
) -> Result<(), PatchError> {
    let budget = std::cell::Cell::new(options.max_written_bytes);
    let mut lists = Lists { open: None, undo };
    let result = run_operations(res, operations, rt, options, &budget, &mut lists);
    if let Some(o) = lists.open.take() {
        match result {
            Ok(()) => o.put_back(res),
            // The list's journal holds what the attribute was; the log puts it back from there.
            Err(_) => lists.undo.settle_given_up(o.key, o.list),
        }
    }
    result
}

fn run_operations<'s>(
    res: &mut Value,
    operations: &'s [Operation],
    rt: Option<&'s ResourceType>,
    options: ApplyOptions,
    budget: &std::cell::Cell<usize>,
    lists: &mut Lists<'s, '_>,
) -> Result<(), PatchError> {
    let lenient = options.lenient;
    for (i, op) in operations.iter().enumerate() {
        let ctx = Ctx { rt, lenient, index: i, budget, max_written: options.max_written_bytes };
        // The path resolved once: whether the open list runs the operation decides what the undo
        // log saves first.
        let target = match &op.path {
            Some(path) => ctx.target(path)?,
            None => None,
        };
        let reach = match (&op.path, target) {
            (Some(p), _) if list_form(target, p, op.op, op.value.as_ref()).is_some() => Reach::Listed,
            (_, Some(Target { extension: Some(_), .. })) => Reach::Extension,
            _ => Reach::Any,
        };
        let renames = options.display_name_overwrites_names && kind_sets_display_name(op);
        lists.undo.before(res, op, renames, reach);
        let formatted_goes = options.display_name_overwrites_names && changes_names(op);
        if formatted_goes {
            lists.undo.before_names(res);
        }
        match (&op.path, op.op) {
            (None, OpKind::Remove) => return Err(PatchError::at(&rules::RFC_P_004, i, "remove needs a path")),
            (None, kind) => {
                let Some(Value::Object(members)) = &op.value else {
                    return Err(PatchError::at(
                        &rules::ATL_P_004,
                        i,
                        "an operation without a path needs an object value",
                    ));
                };
                for (key, value) in members {
                    ctx.pathless_member(res, lists, kind, key, value)?;
                }
            }
            (Some(path), kind) => ctx.run(res, lists, kind, path, target, op.value.as_ref())?,
        }
        if renames {
            overwrite_names(res);
        }
        if formatted_goes {
            drop_stale_formatted(res);
        }
    }
    Ok(())
}

struct Ctx<'s, 'b> {
    rt: Option<&'s ResourceType>,
    lenient: bool,
    index: usize,
    /// Bytes the operations may still write (see [`ApplyOptions::max_written_bytes`]).
    budget: &'b std::cell::Cell<usize>,
    max_written: usize,
}

/// The key `m` spells `name` with: `name` itself if it is there (borrowed: no copy in the common
/// case), else the first that matches ignoring ASCII case.
pub(super) fn key_of<'n>(m: &Map<String, Value>, name: &'n str) -> Option<Cow<'n, str>> {
    if m.contains_key(name) {
        return Some(Cow::Borrowed(name));
    }
    m.keys().find(|k| k.eq_ignore_ascii_case(name)).map(|k| Cow::Owned(k.clone()))
}

/// Sets member `key` of `m`: what `Map::insert` does, without copying a key that is there.
pub(super) fn set(m: &mut Map<String, Value>, key: &str, v: Value) {
    match m.get_mut(key) {
        Some(slot) => *slot = v,
        None => {
            m.insert(key.to_string(), v);
        }
    }
}

/// RFC 7643 §2.5: null, `[]` and `{}` (of unassigned members) mean unassigned.
pub(super) fn unassigned(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.values().all(unassigned),
        _ => false,
    }
}

impl<'s> Ctx<'s, '_> {
    fn err(&self, rule: &'static rules::Rule, detail: impl Into<String>) -> PatchError {
        PatchError::at(rule, self.index, detail)
    }

    /// Counts `copies` copies of `value` against the budget, before they are made.
    fn charge(&self, copies: usize, value: Option<&Value>) -> Result<(), PatchError> {
        let Some(value) = value.filter(|_| copies > 0) else { return Ok(()) };
        let bytes = compact_len(value).saturating_mul(copies);
        match self.budget.get().checked_sub(bytes) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(self.err(
                &rules::RFC_P_006,
                format!(
                    "the operations would write {} bytes into the resource (this one copies {} bytes into {copies} {}); at most {} may be written (limits.max_body_bytes)",
                    (self.max_written - self.budget.get()).saturating_add(bytes),
                    bytes / copies,
                    if copies == 1 { "value" } else { "values" },
                    self.max_written,
                ),
            )),
        }
    }

    fn pathless_member(
        &self,
        res: &mut Value,
        lists: &mut Lists<'s, '_>,
        kind: OpKind,
        key: &str,
        value: &Value,
    ) -> Result<(), PatchError> {
        let is_extension = match self.rt {
            Some(rt) => rt.extension(key).is_some(),
            None => key.to_ascii_lowercase().starts_with("urn:") && value.is_object(),
        };
        if is_extension {
            if let Value::Object(members) = value {
                for (k, v) in members {
                    self.pathless_member(res, lists, kind, &format!("{key}:{k}"), v)?;
                }
            }
            return Ok(());
        }
        let path = PatchPath::parse(key).map_err(|e| self.err(e.rule(), e.message))?;
        let target = self.target(&path)?;
        if let Some(t) = target
            && t.attr.mutability == crate::schema::Mutability::ReadOnly
        {
            lists.put_back_if(res, |o| std::ptr::eq(o.attr, t.attr));
            // Unchanged read-only values (Okta repeats the id) are ignored; changes refused.
            let current = res.as_object().and_then(|m| key_of(m, &t.attr.name)).and_then(|k| res.get(&*k));
            if current == Some(value) {
                return Ok(());
            }
            return Err(self.err(&rules::RFC_P_003, format!("{key} is read-only")));
        }
        self.run(res, lists, kind, &path, target, Some(value))
    }

    /// One operation with a path (`target`: what it names, resolved): on the open list when it is
    /// one the list runs (taking the attribute out of the resource first if another is open), else
    /// on the resource (putting the open list back first if the operation may read or write it).
    fn run(
        &self,
        res: &mut Value,
        lists: &mut Lists<'s, '_>,
        kind: OpKind,
        path: &PatchPath,
        target: Option<Target<'s>>,
        value: Option<&Value>,
    ) -> Result<(), PatchError> {
        match list_form(target, path, kind, value) {
            Some(ListForm { form: Form::Nothing, .. }) => Ok(()),
            Some(ListForm { attr, form }) => {
                let o = lists.take(res, attr);
                match form {
                    Form::Add(v) => self.add_values(&mut o.list, v),
                    Form::Filtered { filter, sub } => {
                        self.filtered_values(&mut o.list, &o.key, Some(attr), filter, sub.as_deref(), kind, value)?
                    }
                    Form::Nothing => {}
                }
                Ok(())
            }
            None => {
                lists.put_back_if(res, |o| path.attr.attr.eq_ignore_ascii_case(&o.attr.name));
                self.apply_path(res, kind, path, target, value)
            }
        }
    }

    /// `add attr` on a multi-valued attribute: values already there are not added again (RFC
    /// 7644 §3.5.2.1).
    fn add_values(&self, list: &mut ValueList, value: &Value) {
        let new: Vec<Value> = match value {
            Value::Array(items) => items.clone(),
            v => vec![v.clone()],
        };
        let touched: Vec<usize> = new.into_iter().filter_map(|v| list.push_new(v)).collect();
        keep_one_primary(list, &touched);
    }

    fn target(&self, path: &PatchPath) -> Result<Option<Target<'s>>, PatchError> {
        match self.rt {
            None => Ok(None),
            Some(rt) => path.resolve(rt).map(Some).map_err(|e| self.err(e.rule(), e.message)),
        }
    }

    fn apply_path(
        &self,
        res: &mut Value,
        kind: OpKind,
        path: &PatchPath,
        target: Option<Target<'s>>,
        value: Option<&Value>,
    ) -> Result<(), PatchError> {
        let attr_def = target.map(|t| t.attr);
        let Value::Object(root) = res else { return Ok(()) };
        // The object that holds the attribute: the resource, or an extension object.
        let extension_urn = match (&path.attr.urn, target) {
            (Some(_), Some(t)) => t.extension.map(|e| e.id.as_str()),
            (Some(urn), None) => {
                let is_core = root.get("schemas").and_then(Value::as_array).is_some_and(|s| {
                    s.first().and_then(Value::as_str).is_some_and(|first| first.eq_ignore_ascii_case(urn))
                }) || urn.to_ascii_lowercase().ends_with(":core:2.0:user")
                    || urn.to_ascii_lowercase().ends_with(":core:2.0:group");
                (!is_core).then_some(urn.as_str())
            }
            (None, _) => None,
        };
        let container: &mut Map<String, Value> = match extension_urn {
            None => root,
            Some(urn) => {
                let key = key_of(root, urn);
                if key.is_none() && kind == OpKind::Remove {
                    return Ok(());
                }
                if key.is_none() {
                    add_schema(root, urn);
                }
                let key = key.unwrap_or(Cow::Borrowed(urn));
                if !root.contains_key(&*key) {
                    root.insert(key.to_string(), Value::Object(Map::new()));
                }
                let Some(slot) = root.get_mut(&*key) else { return Ok(()) };
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                match slot {
                    Value::Object(m) => m,
                    _ => return Ok(()),
                }
            }
        };
        let name = attr_def.map_or(path.attr.attr.as_str(), |a| a.name.as_str());
        let key = key_of(container, name).unwrap_or(Cow::Borrowed(name));
        let sub = path.sub_name().map(|s| target.and_then(|t| t.sub).map_or(s, |d| d.name.as_str()));
        match (&path.filter, sub) {
            (None, None) => self.whole(container, &key, attr_def, kind, value),
            (None, Some(sub)) => self.sub_attribute(container, &key, sub, kind, value),
            (Some(filter), sub) => self.filtered(container, &key, attr_def, filter, sub, kind, value),
        }?;
        if extension_urn.is_some() && container.is_empty() {
            // An extension left with nothing in it is unassigned.
            if let (Some(urn), Value::Object(root)) = (extension_urn, res)
                && let Some(k) = key_of(root, urn)
            {
                root.remove(&*k);
            }
        }
        Ok(())
    }

    fn multi(&self, def: Option<&Attribute>, existing: Option<&Value>, value: Option<&Value>) -> bool {
        match def {
            Some(d) => d.multi_valued,
            None => existing.is_some_and(Value::is_array) || value.is_some_and(Value::is_array),
        }
    }

    /// The whole attribute: `attr`.
    fn whole(
        &self,
        m: &mut Map<String, Value>,
        key: &str,
        def: Option<&Attribute>,
        kind: OpKind,
        value: Option<&Value>,
    ) -> Result<(), PatchError> {
        if kind != OpKind::Remove {
            self.charge(1, value)?;
        }
        let existing = m.get(key);
        let multi = self.multi(def, existing, value);
        match kind {
            OpKind::Remove => {
                m.remove(key);
            }
            _ if value.is_none_or(Value::is_null) => {
                if kind == OpKind::Replace {
                    m.remove(key);
                }
            }
            OpKind::Add if multi => {
                let Some(value) = value.filter(|v| v.as_array().is_none_or(|a| !a.is_empty())) else {
                    return Ok(());
                };
                let mut list = ValueList::from_slot(m.remove(key));
                self.add_values(&mut list, value);
                m.insert(key.to_string(), Value::Array(list.into_values()));
            }
            OpKind::Replace if multi => {
                let new: Vec<Value> = match value {
                    Some(Value::Array(items)) => items.clone(),
                    Some(v) => vec![v.clone()],
                    None => Vec::new(),
                };
                if new.is_empty() {
                    m.remove(key);
                } else {
                    m.insert(key.to_string(), Value::Array(new));
                }
            }
            _ => match (m.get_mut(key), value) {
                // A complex attribute keeps the sub-attributes the value does not give.
                (Some(Value::Object(existing)), Some(Value::Object(new))) => {
                    for (k, v) in new {
                        let k2 = key_of(existing, k).unwrap_or(Cow::Borrowed(k));
                        if v.is_null() {
                            existing.remove(&*k2);
                        } else {
                            set(existing, &k2, v.clone());
                        }
                    }
                }
                (_, Some(v)) => {
                    m.insert(key.to_string(), v.clone());
                }
                (_, None) => {}
            },
        }
        Ok(())
    }

    /// `attr.sub` without a filter: the sub-attribute of a complex attribute (of every value of a
    /// multi-valued one).
    fn sub_attribute(
        &self,
        m: &mut Map<String, Value>,
        key: &str,
        sub: &str,
        kind: OpKind,
        value: Option<&Value>,
    ) -> Result<(), PatchError> {
        let remove = kind == OpKind::Remove || value.is_none_or(Value::is_null);
        if remove && !m.contains_key(key) {
            return Ok(());
        }
        let slot = m.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        let objects: Vec<&mut Map<String, Value>> = match slot {
            Value::Object(o) => vec![o],
            Value::Array(items) => items.iter_mut().filter_map(Value::as_object_mut).collect(),
            other => {
                *other = Value::Object(Map::new());
                other.as_object_mut().into_iter().collect()
            }
        };
        if !remove {
            self.charge(objects.len(), value)?;
        }
        for o in objects {
            let k = key_of(o, sub).unwrap_or(Cow::Borrowed(sub));
            if remove {
                o.remove(&*k);
            } else if let Some(v) = value {
                set(o, &k, v.clone());
            }
        }
        if m.get(key).is_some_and(unassigned) {
            m.remove(key);
        }
        Ok(())
    }

    /// `attr[filter]` and `attr[filter].sub`.
    #[allow(clippy::too_many_arguments)]
    fn filtered(
        &self,
        m: &mut Map<String, Value>,
        key: &str,
        def: Option<&Attribute>,
        filter: &Filter,
        sub: Option<&str>,
        kind: OpKind,
        value: Option<&Value>,
    ) -> Result<(), PatchError> {
        let mut list = ValueList::from_slot(m.remove(key));
        let result = self.filtered_values(&mut list, key, def, filter, sub, kind, value);
        if !list.is_empty() {
            m.insert(key.to_string(), Value::Array(list.into_values()));
        }
        result
    }

    /// An add (or a lenient replace) through a value filter that matches nothing: the filter's
    /// `eq` terms describe the value to create (Entra ID's `emails[type eq "work"].value`).
    #[allow(clippy::too_many_arguments)]
    fn create_from_filter(
        &self,
        items: &mut ValueList,
        key: &str,
        filter: &Filter,
        sub: Option<&str>,
        kind: OpKind,
        value: Value,
        touched: &mut Vec<usize>,
    ) -> Result<(), PatchError> {
        if kind == OpKind::Replace && !self.lenient {
            return Err(self.err(&rules::RFC_P_004, format!("{key}[{filter}] matches no value to replace")));
        }
        if value == Value::Array(Vec::new()) {
            return Ok(());
        }
        // Entra ID: a value filter that matches nothing names the value to create.
        let Some(mut created) = element_from_filter(filter) else {
            return Err(self.err(&rules::RFC_P_004, format!("{key}[{filter}] matches no value, and its filter does not describe one to create (only eq terms joined by and do)")));
        };
        match (sub, value) {
            (Some(sub), v) => {
                created.insert(sub.to_string(), v);
            }
            (None, Value::Object(o)) => {
                for (k, v) in o {
                    created.insert(k, v);
                }
            }
            (None, other) => {
                return Err(self
                    .err(&rules::RFC_P_005, format!("the value for {key}[{filter}] must be an object, got {other}")));
            }
        }
        touched.push(items.push(Value::Object(created)));
        Ok(())
    }

    /// `attr[filter]` and `attr[filter].sub` on the attribute's values.
    #[allow(clippy::too_many_arguments)]
    fn filtered_values(
        &self,
        items: &mut ValueList,
        key: &str,
        def: Option<&Attribute>,
        filter: &Filter,
        sub: Option<&str>,
        kind: OpKind,
        value: Option<&Value>,
    ) -> Result<(), PatchError> {
        let matching = items.matching(filter, def.map(|d| &d.sub_attributes));
        let mut touched = Vec::new();
        let result = (|| {
            match kind {
                // A remove whose filter matches nothing removes nothing: RFC 7644 does not call it
                // an error, and Okta removes members that may already be gone.
                OpKind::Remove => match sub {
                    None => matching.iter().for_each(|&i| items.remove(i)),
                    Some(sub) => {
                        for &i in &matching {
                            items.edit(i, |v| {
                                if let Some(o) = v.as_object_mut()
                                    && let Some(k) = key_of(o, sub)
                                {
                                    o.remove(&*k);
                                }
                            });
                        }
                    }
                },
                OpKind::Add | OpKind::Replace => {
                    self.charge(matching.len().max(1), value)?;
                    let value = value.cloned().unwrap_or(Value::Null);
                    if matching.is_empty() {
                        return self.create_from_filter(items, key, filter, sub, kind, value, &mut touched);
                    }
                    if kind == OpKind::Add && sub.is_some() && matching.len() > 1 {
                        // add names one value; several matches make it ambiguous.
                        return Err(self.err(
                            &rules::RFC_P_004,
                            format!(
                                "{key}[{filter}] matches {} values; an add through a value filter must name one",
                                matching.len()
                            ),
                        ));
                    }
                    match sub {
                        Some(sub) => {
                            for &i in &matching {
                                items.edit(i, |v| {
                                    if let Some(o) = v.as_object_mut() {
                                        let k = key_of(o, sub).unwrap_or(Cow::Borrowed(sub));
                                        if value.is_null() {
                                            o.remove(&*k);
                                        } else {
                                            set(o, &k, value.clone());
                                        }
                                    }
                                });
                                touched.push(i);
                            }
                        }
                        // Replacing the matching values with nothing removes them.
                        None if value == Value::Array(Vec::new()) => matching.iter().for_each(|&i| items.remove(i)),
                        None if !value.is_object() => {
                            // A multi-valued attribute of simple values (`schemas[value eq "…"]`):
                            // the matching values are replaced by the new one.
                            if matching.iter().any(|&i| items.get(i).is_some_and(Value::is_object)) {
                                return Err(self.err(
                                    &rules::RFC_P_005,
                                    format!("the value for {key}[{filter}] must be an object"),
                                ));
                            }
                            for &i in &matching {
                                items.edit(i, |v| *v = value.clone());
                            }
                            items.dedup();
                        }
                        None => {
                            let Value::Object(new) = value else { return Ok(()) };
                            for &i in &matching {
                                items.edit(i, |v| match (kind, v.as_object_mut()) {
                                    (OpKind::Replace, _) => *v = Value::Object(new.clone()),
                                    (_, Some(o)) => {
                                        for (k, nv) in &new {
                                            let k2 = key_of(o, k).unwrap_or(Cow::Borrowed(k));
                                            set(o, &k2, nv.clone());
                                        }
                                    }
                                    (_, None) => {}
                                });
                                touched.push(i);
                            }
                        }
                    }
                }
            }
            Ok(())
        })();
        keep_one_primary(items, &touched);
        result
    }
}

/// The value a filter of `eq` terms joined by `and` describes: `type eq "work"` → `{"type":"work"}`.
fn element_from_filter(filter: &Filter) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    fn walk(f: &Filter, out: &mut Map<String, Value>) -> bool {
        match f {
            Filter::And(operands) => operands.iter().all(|f| walk(f, out)),
            Filter::Compare { path, op: CompareOp::Eq, value } if path.urn.is_none() && path.sub.is_none() => {
                if matches!(value, CompValue::Null) {
                    return true;
                }
                out.insert(path.attr.clone(), value.to_json());
                true
            }
            _ => false,
        }
    }
    walk(filter, &mut out).then_some(out)
}

/// RFC 7643 §2.4: when one of `touched` became primary, the other values stop being primary.
fn keep_one_primary(items: &mut ValueList, touched: &[usize]) {
    let Some(&winner) = touched.iter().rev().find(|&&i| items.get(i).is_some_and(is_primary)) else { return };
    for i in items.primaries() {
        if i != winner {
            items.edit(i, |v| {
                if let Some(o) = v.as_object_mut()
                    && let Some(k) = key_of(o, "primary")
                {
                    set(o, &k, Value::Bool(false));
                }
            });
        }
    }
}

fn add_schema(root: &mut Map<String, Value>, urn: &str) {
    if let Some(Value::Array(schemas)) = root.get_mut("schemas")
        && !schemas.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
    {
        schemas.push(Value::from(urn));
    }
}
