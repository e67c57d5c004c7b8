//! Reading a whole JSON value (a PatchOp message) with `limits.max_depth` enforced and located.
//!
//! A resource body is walked without building a tree, and the walk stops at the depth limit with
//! RFC-J-003 where it happens. A PatchOp message is read whole first; this reader gives it the
//! same limit and the same kind of location, instead of serde_json's unlocated "recursion limit
//! exceeded" at 128 levels (the limit's ceiling, 100, is below serde_json's, so this one always
//! speaks first). The location names object members and the elements of an array that is a
//! member's value (`/Operations/0/value/emails/0`), not the indexes of arrays nested in arrays,
//! which mean nothing to a reader (10,000 nested arrays in `value` are located at
//! `/Operations/0/value/0`, the outermost element).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::report::Issue;
use crate::walk::loc::Loc;
use crate::walk::walker;

/// Reads a value from `de`, refusing containers nested deeper than `max_depth` (the root
/// container is level 1). On `Err`, the issue is set when the depth limit stopped the read; a
/// syntax error leaves it `None` and is in the error.
pub(crate) fn read_value<'de, D: Deserializer<'de>>(
    de: D,
    max_depth: usize,
) -> Result<Value, (D::Error, Option<Issue>)> {
    let mut too_deep = None;
    let root = Loc::ROOT;
    let seed = Read { max: max_depth, depth: 0, loc: &root, member: true, too_deep: &mut too_deep };
    seed.deserialize(de).map_err(|e| (e, too_deep))
}

/// Where a value already in memory (a binding's object, a Rust caller's `Value`) is nested
/// deeper than `max_depth`, as the issue [`read_value`] would give for its text. The walk stops
/// one level past the limit, so its own recursion is bounded by the limit.
pub(crate) fn too_deep(value: &Value, max_depth: usize) -> Option<Issue> {
    fn walk(v: &Value, depth: usize, max: usize, loc: &Loc<'_>, member: bool) -> Option<Issue> {
        if !(v.is_array() || v.is_object()) {
            return None;
        }
        if depth + 1 > max {
            return Some(depth_issue(loc, max));
        }
        match v {
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let at = if member { loc.index(i) } else { *loc };
                walk(item, depth + 1, max, &at, false)
            }),
            Value::Object(m) => m.iter().find_map(|(k, item)| walk(item, depth + 1, max, &loc.key(k, k), true)),
            _ => None,
        }
    }
    walk(value, 0, max_depth, &Loc::ROOT, true)
}

fn depth_issue(loc: &Loc<'_>, max: usize) -> Issue {
    walker::too_deep(loc, max)
}

struct Read<'l, 's> {
    max: usize,
    /// Levels of containers around the value being read.
    depth: usize,
    loc: &'l Loc<'l>,
    /// Whether the value is an object member's value or at the root (its array elements get an
    /// index in the location), rather than an element of an array.
    member: bool,
    too_deep: &'s mut Option<Issue>,
}

impl Read<'_, '_> {
    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        if self.depth + 1 > self.max {
            *self.too_deep = Some(depth_issue(self.loc, self.max));
            return Err(E::custom("nested too deeply"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Read<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Read<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let at = if self.member { self.loc.index(items.len()) } else { *self.loc };
            let seed = Read { max: self.max, depth: self.depth + 1, loc: &at, member: false, too_deep: self.too_deep };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let at = self.loc.key(&key, &key);
            let seed = Read { max: self.max, depth: self.depth + 1, loc: &at, member: true, too_deep: self.too_deep };
            let value = map.next_value_seed(seed)?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, max: usize) -> Result<Value, Option<(String, String)>> {
        let mut de = serde_json::Deserializer::from_str(text);
        read_value(&mut de, max).map_err(|(_, issue)| issue.map(|i| (i.pointer().to_string(), i.path().to_string())))
    }

    #[test]
    fn reads_within_the_limit_and_locates_past_it() {
        let text = r#"{"Operations":[{"op":"add","value":{"title":[["x"]]}}]}"#;
        // Levels: message, Operations, operation, value, title's array, the inner array.
        assert_eq!(read(text, 6), Ok(serde_json::from_str(text).expect("json")));
        // The inner array is the one too deep: the first element of title's value.
        let at = Some(("/Operations/0/value/title/0".to_string(), "Operations[0].value.title[0]".to_string()));
        assert_eq!(read(text, 5), Err(at));
        let value: Value = serde_json::from_str(text).expect("json");
        assert!(too_deep(&value, 6).is_none());
        assert_eq!(
            too_deep(&value, 5).map(|i| i.pointer().to_string()),
            Some("/Operations/0/value/title/0".to_string())
        );
    }

    #[test]
    fn arrays_in_arrays_are_located_at_their_member() {
        let deep = format!(r#"{{"Operations":[{{"value":{}{}}}]}}"#, "[".repeat(10_000), "]".repeat(10_000));
        let at = Some(("/Operations/0/value/0".to_string(), "Operations[0].value[0]".to_string()));
        assert_eq!(read(&deep, 32), Err(at.clone()));
        let value: Value =
            serde_json::from_str(&format!(r#"{{"Operations":[{{"value":{}{}}}]}}"#, "[".repeat(90), "]".repeat(90)))
                .expect("json");
        assert_eq!(too_deep(&value, 32).map(|i| (i.pointer().to_string(), i.path().to_string())), at);
        assert!(matches!(read("{\"a\":", 32), Err(None)), "a syntax error is not a depth issue");
    }
}
