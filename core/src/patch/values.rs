//! The values of one multi-valued attribute while PATCH operations run on it.
//!
//! A group holds up to 35,000 members and one PATCH up to 1,000 operations on them; Entra ID
//! removes members by value, which reads as one `members[value eq "…"]` remove per member.
//! Scanning the list for every operation costs operations × members. Instead the list is taken
//! out of the resource once and indexed, lazily, by what operations look values up by:
//!
//! - each value's JSON text, which an add compares new values against (RFC 7644 §3.5.2.1: values
//!   already there are not added again);
//! - for each sub-attribute an `eq` term of a value filter names (`value`, `type`, `display`),
//!   the string each value holds there, in the form strings compare in ([`fold_key`]);
//! - which values are primary, so that making one primary demotes the others without a scan.
//!
//! A removed value leaves a hole until the list is put back, so positions stay put and removing
//! costs O(1). The indexes only narrow the search: every candidate is still matched against the
//! whole filter with [`filter::element_matches`], so an operation reaches exactly the values a scan
//! would. Values whose sub-attribute is not a plain string (a boolean, which a lenient filter
//! compares with `"true"`, an array, a string read as a dateTime) are candidates for every
//! lookup.
//!
//! For an in-place PATCH the list can keep a journal ([`ValueList::journaled`]): each value the
//! operations change or remove is saved before its first change, by position, so a failed PATCH
//! puts back the attribute as it was ([`ValueList::into_original`]) having copied only the values
//! it touched, not all of them (one email of a user's emails, a few members of a group's 35,000).

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::filter::eval::{fold_key, instant};
use crate::filter::{self, CompValue, CompareOp, Filter};
use crate::schema::{AttrType, Attributes};
use crate::syntax::json_text;

/// The values of one multi-valued attribute, with their indexes.
#[derive(Debug, Default)]
pub(super) struct ValueList {
    /// The values in order; `None` where one was removed.
    items: Vec<Option<Value>>,
    live: usize,
    /// JSON text of each value → how many values have it. Built by the first add.
    texts: Option<HashMap<String, usize>>,
    /// Sub-attribute name (lower case) → its index. Built by the first filter naming it.
    by_sub: HashMap<String, SubIndex>,
    /// Positions of the values that are primary.
    primaries: BTreeSet<usize>,
    /// Up to this many values a filter scans them all rather than building a sub-attribute
    /// index (building it costs more than the scan for the few emails of a user).
    scan_up_to: usize,
    /// What the values were before they changed, when an undo log needs them.
    journal: Option<Journal>,
}

/// The values a journaled list held when it was taken, as far as they changed since.
#[derive(Debug, Default)]
struct Journal {
    /// How many values the list held; values pushed after are new and need no saving.
    len: usize,
    /// Values as they were before their first change or removal, with their positions, in the
    /// order saved.
    saved: Vec<(usize, Value)>,
    /// Which of the first 64 positions are in `saved`; `more` has the rest, 64 to a word (a user's
    /// emails fit in `first`, so journaling them allocates nothing but `saved`).
    first: u64,
    more: Vec<u64>,
    /// All the values as they were, once an operation renumbered them ([`ValueList::dedup`]).
    whole: Option<Vec<Value>>,
}

impl Journal {
    /// Marks position `i` saved; returns whether it needs saving (an old value not saved yet).
    fn mark(&mut self, i: usize) -> bool {
        if i >= self.len || self.whole.is_some() {
            return false;
        }
        let (word, bit) = match i.checked_sub(64) {
            None => (&mut self.first, i),
            Some(j) => {
                if self.more.is_empty() {
                    self.more = vec![0; (self.len - 64).div_ceil(64)];
                }
                (&mut self.more[j / 64], j % 64)
            }
        };
        let new = *word & (1 << bit) == 0;
        *word |= 1 << bit;
        new
    }
}

/// [`ValueList::scan_up_to`] for lists taken out of a resource.
const SCAN_UP_TO: usize = 16;

#[derive(Debug, Default)]
struct SubIndex {
    /// Whether strings there may compare as dateTimes (the schema does not say they are strings).
    instants: bool,
    by_key: HashMap<String, BTreeSet<usize>>,
    /// Values the key cannot describe: candidates for every lookup.
    irregular: BTreeSet<usize>,
}

/// What a value holds in one sub-attribute, for the index.
enum SubKey {
    /// Nothing an `eq` with a string could match (absent, null, a number, an object).
    None,
    Key(String),
    Irregular,
}

fn sub_key(item: &Value, sub: &str, instants: bool) -> SubKey {
    let held = match item {
        Value::Object(m) => {
            let mut named = m.iter().filter(|(k, _)| k.eq_ignore_ascii_case(sub)).map(|(_, v)| v);
            match (named.next(), named.next()) {
                (None, _) => return SubKey::None,
                (Some(v), None) => v,
                // Which of two spellings a filter reads depends on how it spells the name.
                (Some(_), Some(_)) => return SubKey::Irregular,
            }
        }
        // A value of a multi-valued simple attribute is addressed as `value`.
        other if sub == "value" => other,
        _ => return SubKey::None,
    };
    match held {
        Value::String(s) if !(instants && instant(s).is_some()) => SubKey::Key(fold_key(s)),
        Value::Bool(_) | Value::Array(_) | Value::String(_) => SubKey::Irregular,
        Value::Null | Value::Number(_) | Value::Object(_) => SubKey::None,
    }
}

/// Whether a value is primary (RFC 7643 §2.4), read as apply writes it.
pub(super) fn is_primary(v: &Value) -> bool {
    // The member apply's `key_of` picks (this spelling, else the first that matches ignoring
    // case), found without copying its key.
    let held = v.as_object().and_then(|o| {
        o.get("primary").or_else(|| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("primary")).map(|(_, v)| v))
    });
    held == Some(&Value::Bool(true))
}

/// An `eq` term of the filter's top-level `and` chain that an index can answer: a sub-attribute
/// compared with a string. Gives the sub-attribute (lower case) and the string's key.
fn indexed_term(filter: &Filter) -> Option<(String, &str)> {
    let mut pending = vec![filter];
    while let Some(f) = pending.pop() {
        match f {
            // Operands pushed last to first, so the first is looked at first.
            Filter::And(operands) => pending.extend(operands.iter().rev()),
            Filter::Compare { path, op: CompareOp::Eq, value: CompValue::String(s) }
                if path.urn.is_none() && path.sub.is_none() =>
            {
                return Some((path.attr.to_ascii_lowercase(), s));
            }
            _ => {}
        }
    }
    None
}

impl ValueList {
    /// The values an attribute holds: null and absent are none, a lone value is one.
    pub(super) fn from_slot(slot: Option<Value>) -> ValueList {
        let items: Vec<Value> = match slot {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![other],
        };
        let mut list = ValueList {
            live: items.len(),
            items: items.into_iter().map(Some).collect(),
            scan_up_to: SCAN_UP_TO,
            ..Default::default()
        };
        list.primaries = (0..list.items.len()).filter(|&i| list.get(i).is_some_and(is_primary)).collect();
        list
    }

    /// The values left, in order.
    pub(super) fn into_values(self) -> Vec<Value> {
        self.items.into_iter().flatten().collect()
    }

    /// The list, keeping from now on the values it held as they were (see the module's doc).
    pub(super) fn journaled(self) -> ValueList {
        ValueList { journal: Some(Journal { len: self.items.len(), ..Journal::default() }), ..self }
    }

    /// The values the list held when it was journaled, as they were then; `None` if it was not.
    pub(super) fn into_original(mut self) -> Option<Vec<Value>> {
        let journal = self.journal.take()?;
        Some(match journal.whole {
            Some(whole) => whole,
            None => original(journal.len, journal.saved, |i| self.items[i].take()),
        })
    }

    /// [`ValueList::into_original`], copied: the list keeps its values.
    pub(super) fn original_cloned(&self) -> Option<Vec<Value>> {
        let journal = self.journal.as_ref()?;
        Some(match &journal.whole {
            Some(whole) => whole.clone(),
            None => original(journal.len, journal.saved.clone(), |i| self.items[i].clone()),
        })
    }

    /// Saves value `i` in the journal before its first change.
    fn keep_old(&mut self, i: usize) {
        if let Some(journal) = &mut self.journal
            && journal.mark(i)
            && let Some(v) = &self.items[i]
        {
            journal.saved.push((i, v.clone()));
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub(super) fn get(&self, i: usize) -> Option<&Value> {
        self.items.get(i).and_then(Option::as_ref)
    }

    /// Appends a value; returns its position.
    pub(super) fn push(&mut self, v: Value) -> usize {
        self.items.push(Some(v));
        self.live += 1;
        let i = self.items.len() - 1;
        self.index(i);
        i
    }

    /// Appends a value unless one with the same JSON text is there; returns its position if added.
    pub(super) fn push_new(&mut self, v: Value) -> Option<usize> {
        if self.texts.is_none() {
            let mut texts: HashMap<String, usize> = HashMap::with_capacity(self.live);
            for v in self.items.iter().flatten() {
                *texts.entry(json_text(v)).or_default() += 1;
            }
            self.texts = Some(texts);
        }
        if self.texts.as_ref().is_some_and(|t| t.contains_key(&json_text(&v))) {
            return None;
        }
        Some(self.push(v))
    }

    pub(super) fn remove(&mut self, i: usize) {
        if self.get(i).is_some() {
            self.unindex(i);
            let old = self.items[i].take();
            self.live -= 1;
            // A value removed is kept as it is, not copied.
            if let (Some(journal), Some(old)) = (&mut self.journal, old)
                && journal.mark(i)
            {
                journal.saved.push((i, old));
            }
        }
    }

    /// Changes a value in place, keeping the indexes true.
    pub(super) fn edit(&mut self, i: usize, change: impl FnOnce(&mut Value)) {
        if self.get(i).is_none() {
            return;
        }
        self.keep_old(i);
        self.unindex(i);
        if let Some(v) = self.items[i].as_mut() {
            change(v);
        }
        self.index(i);
    }

    /// Positions of the primary values, in order.
    pub(super) fn primaries(&self) -> Vec<usize> {
        self.primaries.iter().copied().collect()
    }

    /// Drops repeated neighbours (`Vec::dedup` over the values left). Rebuilds the list: the one
    /// operation that costs a pass over every value (replacing values of a multi-valued simple
    /// attribute through a filter).
    pub(super) fn dedup(&mut self) {
        // Positions change: the journal keeps every value as it was instead.
        let mut journal = self.journal.take();
        if let Some(j) = journal.as_mut().filter(|j| j.whole.is_none()) {
            j.whole = Some(original(j.len, std::mem::take(&mut j.saved), |i| self.items[i].clone()));
        }
        let mut values = std::mem::take(self).into_values();
        values.dedup();
        *self = ValueList { journal, ..ValueList::from_slot(Some(Value::Array(values))) };
    }

    /// Positions, in order, of the values `filter` matches (`subs`: the attribute's
    /// sub-attributes, for caseExact and types).
    pub(super) fn matching(&mut self, filter: &Filter, subs: Option<&Attributes>) -> Vec<usize> {
        let matches = |v: &Value| filter::element_matches(filter, v, subs, true);
        if self.items.len() <= self.scan_up_to && self.by_sub.is_empty() {
            return (0..self.items.len()).filter(|&i| self.get(i).is_some_and(matches)).collect();
        }
        let candidates: Vec<usize> = match indexed_term(filter) {
            Some((sub, literal)) => {
                let index = self.sub_index(&sub, subs);
                if index.instants && instant(literal).is_some() {
                    // A dateTime literal matches other spellings of the same instant.
                    (0..self.items.len()).collect()
                } else {
                    let keyed = index.by_key.get(&fold_key(literal)).into_iter().flatten();
                    let mut c: Vec<usize> = keyed.chain(&index.irregular).copied().collect();
                    c.sort_unstable();
                    c
                }
            }
            None => (0..self.items.len()).collect(),
        };
        candidates.into_iter().filter(|&i| self.get(i).is_some_and(matches)).collect()
    }

    fn sub_index(&mut self, sub: &str, subs: Option<&Attributes>) -> &SubIndex {
        if !self.by_sub.contains_key(sub) {
            // As the evaluator decides: strings compare as instants unless the schema says the
            // sub-attribute is of another type.
            let instants = subs.and_then(|a| a.find(sub)).is_none_or(|d| d.ty == AttrType::DateTime);
            let mut index = SubIndex { instants, ..SubIndex::default() };
            for (i, v) in self.items.iter().enumerate() {
                if let Some(v) = v {
                    index.insert(i, v, sub);
                }
            }
            self.by_sub.insert(sub.to_string(), index);
        }
        &self.by_sub[sub]
    }

    fn index(&mut self, i: usize) {
        let Some(v) = self.items[i].as_ref() else { return };
        if let Some(texts) = &mut self.texts {
            *texts.entry(json_text(v)).or_default() += 1;
        }
        for (sub, index) in &mut self.by_sub {
            index.insert(i, v, sub);
        }
        if is_primary(v) {
            self.primaries.insert(i);
        }
    }

    fn unindex(&mut self, i: usize) {
        let Some(v) = self.items[i].as_ref() else { return };
        if let Some(texts) = &mut self.texts {
            let text = json_text(v);
            if let Some(n) = texts.get_mut(&text) {
                *n -= 1;
                if *n == 0 {
                    texts.remove(&text);
                }
            }
        }
        for (sub, index) in &mut self.by_sub {
            match sub_key(v, sub, index.instants) {
                SubKey::None => {}
                SubKey::Key(k) => {
                    if let Some(at) = index.by_key.get_mut(&k) {
                        at.remove(&i);
                        if at.is_empty() {
                            index.by_key.remove(&k);
                        }
                    }
                }
                SubKey::Irregular => {
                    index.irregular.remove(&i);
                }
            }
        }
        self.primaries.remove(&i);
    }
}

/// The `len` values a journaled list held: the saved ones where they changed, else the value
/// still at that position (`at` gives it: a position never saved was never changed or removed).
fn original(len: usize, mut saved: Vec<(usize, Value)>, mut at: impl FnMut(usize) -> Option<Value>) -> Vec<Value> {
    saved.sort_unstable_by_key(|(i, _)| *i);
    let mut saved = saved.into_iter().peekable();
    (0..len)
        .filter_map(|i| match saved.next_if(|(j, _)| *j == i) {
            Some((_, old)) => Some(old),
            None => at(i),
        })
        .collect()
}

impl SubIndex {
    fn insert(&mut self, i: usize, v: &Value, sub: &str) {
        match sub_key(v, sub, self.instants) {
            SubKey::None => {}
            SubKey::Key(k) => {
                self.by_key.entry(k).or_default().insert(i);
            }
            SubKey::Irregular => {
                self.irregular.insert(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A list that indexes however few values it holds, so that the tests reach the indexes.
    fn list(v: Value) -> ValueList {
        ValueList { scan_up_to: 0, ..ValueList::from_slot(Some(v)) }
    }

    fn scan(items: &[Value], f: &Filter) -> Vec<usize> {
        (0..items.len()).filter(|&i| filter::element_matches(f, &items[i], None, true)).collect()
    }

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let items = vec![
            json!({"value": "A1", "type": "User"}),
            json!({"Value": "a1"}),
            json!({"value": true}),
            json!({"value": ["x", "a1"]}),
            json!({"value": "2024-01-15T18:30:45Z"}),
            json!({"value": "b2", "VALUE": "a1"}),
            json!({"value": 5}),
            json!({"value": null}),
            json!("a1"),
            json!({"display": "a1"}),
        ];
        for text in [
            "value eq \"a1\"",
            "value eq \"A1\" and type eq \"User\"",
            "value eq \"true\"",
            "VALUE eq \"x\"",
            "value eq \"2024-01-15T12:30:45-06:00\"",
            "type eq \"user\" and value eq \"a1\"",
            "value co \"1\"",
            "display eq \"A1\" or value eq \"b2\"",
        ] {
            let f = filter::parse(text).expect(text);
            let mut l = list(Value::Array(items.clone()));
            assert_eq!(l.matching(&f, None), scan(&items, &f), "{text}");
            // A short list scans instead of indexing: the same values.
            let mut short = ValueList::from_slot(Some(Value::Array(items.clone())));
            assert!(items.len() <= short.scan_up_to);
            assert_eq!(short.matching(&f, None), scan(&items, &f), "{text}, scanned");
            assert!(short.by_sub.is_empty(), "{text}: a short list builds no index");
        }
    }

    #[test]
    fn indexes_follow_removes_and_edits() {
        let mut l = list(json!([{"value": "a", "primary": true}, {"value": "b"}, {"value": "c"}]));
        let f = |t: &str| filter::parse(t).expect(t);
        assert_eq!(l.matching(&f("value eq \"b\""), None), vec![1]);
        l.remove(1);
        assert!(l.matching(&f("value eq \"b\""), None).is_empty());
        l.edit(2, |v| v["value"] = json!("B"));
        assert_eq!(l.matching(&f("value eq \"b\""), None), vec![2]);
        assert_eq!(l.push_new(json!({"value": "c"})), Some(3), "c is no longer there");
        assert_eq!(l.push_new(json!({"value": "B"})), None, "B is");
        assert_eq!(l.primaries(), vec![0]);
        l.edit(0, |v| v["primary"] = json!(false));
        assert!(l.primaries().is_empty());
        assert_eq!(
            l.into_values(),
            vec![json!({"value": "a", "primary": false}), json!({"value": "B"}), json!({"value": "c"})]
        );
    }
}
