//! Value maps: tables from an identity provider's values to SCIM values, declared as data in a
//! mapping's `value_maps` (Okta's user statuses to `active`, in the `okta` preset).
//!
//! ```json
//! "value_maps": {
//!   "okta_status": {"of": "an Okta user status", "values": [["ACTIVE", true], ["SUSPENDED", false]]}
//! }
//! ```
//!
//! A declared map is used like a transform, by its name: `{"okta_status": "status"}`. Source
//! values match a key ignoring surrounding space and ASCII case; a value with no key is left out
//! with a warning listing the keys. `values` is a list of pairs, so the keys keep their order in
//! messages. The maps the presets declare can be used in every mapping.

use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value};

use super::presets::PRESETS;
use super::spec::MappingError;

/// One declared value map.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueMap {
    /// The name expressions use it by.
    pub name: String,
    /// What the source values are, for messages: "an Okta user status".
    pub of: String,
    /// Source value → the value written, in the order declared.
    pub values: Vec<(String, Value)>,
}

impl ValueMap {
    /// The value a source text maps to.
    pub(crate) fn get(&self, text: &str) -> Option<&Value> {
        let text = text.trim();
        self.values.iter().find(|(k, _)| k.eq_ignore_ascii_case(text)).map(|(_, v)| v)
    }

    /// The keys, comma-separated, for messages.
    pub(crate) fn keys(&self) -> String {
        self.values.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
    }

    fn parse(name: &str, value: &Value) -> Result<ValueMap, String> {
        let shape = "a value map is {\"of\": \"what the values are\", \"values\": [[\"source value\", value], …]}";
        let Value::Object(obj) = value else { return Err(shape.to_string()) };
        if let Some(key) = obj.keys().find(|k| !["of", "values"].contains(&k.as_str())) {
            return Err(format!("unknown key {key:?}; {shape}"));
        }
        let of = match obj.get("of") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => return Err(format!("of must be a non-empty string; {shape}")),
        };
        let Some(Value::Array(items)) = obj.get("values") else {
            return Err(format!("values must be an array of pairs; {shape}"));
        };
        let mut values: Vec<(String, Value)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let pair = item.as_array().filter(|p| p.len() == 2);
            let Some((Value::String(key), to)) = pair.map(|p| (&p[0], &p[1])) else {
                return Err(format!("values[{i}] must be a pair [\"source value\", value]"));
            };
            if to.is_null() {
                return Err(format!("values[{i}] maps {key:?} to null; leave the key out instead"));
            }
            if values.iter().any(|(k, _)| k.eq_ignore_ascii_case(key.trim())) {
                return Err(format!("values[{i}]: {key:?} is listed twice (keys ignore case)"));
            }
            values.push((key.trim().to_string(), to.clone()));
        }
        if values.is_empty() {
            return Err("values must list at least one pair".to_string());
        }
        Ok(ValueMap { name: name.to_string(), of, values })
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("of".into(), Value::String(self.of.clone()));
        let pairs = self.values.iter().map(|(k, v)| Value::Array(vec![Value::String(k.clone()), v.clone()]));
        m.insert("values".into(), pairs.collect());
        Value::Object(m)
    }
}

/// The `value_maps` of a mapping; `reserved` says whether a name is taken by an operation.
pub(crate) fn parse_all(value: &Value, reserved: impl Fn(&str) -> bool) -> Result<Vec<Arc<ValueMap>>, MappingError> {
    let Value::Object(obj) = value else {
        return Err(MappingError::new("value_maps", "must be an object of named value maps"));
    };
    obj.iter()
        .map(|(name, v)| {
            let entry = format!("value_maps.{name}");
            if name.is_empty() || reserved(name) {
                return Err(MappingError::new(entry, "the name is empty or taken by an operation or transform"));
            }
            ValueMap::parse(name, v).map(Arc::new).map_err(|m| MappingError::new(entry, m))
        })
        .collect()
}

/// `value_maps` as [`parse_all`] reads it.
pub(crate) fn to_json(maps: &[Arc<ValueMap>]) -> Value {
    Value::Object(maps.iter().map(|m| (m.name.clone(), m.to_json())).collect())
}

/// The value maps the presets declare, usable by every mapping (a custom mapping could always say
/// `{"okta_status": …}`). A preset whose maps do not parse adds none here; loading it reports why.
pub(crate) static PRESET_VALUE_MAPS: LazyLock<Vec<Arc<ValueMap>>> = LazyLock::new(|| {
    PRESETS
        .iter()
        .filter_map(|p| serde_json::from_str::<Value>(p.json).ok()?.get("value_maps").cloned())
        .filter_map(|v| parse_all(&v, |_| false).ok())
        .flatten()
        .collect()
});
