//! The built-in mappings: one table, each preset a name, a description and the same JSON a custom
//! mapping uses (so each is also an example of the format; `Mapping::preset(name).to_json()`
//! prints it). Adding a preset is one JSON file here, one entry in [`PRESETS`], and one vector
//! file in tests/vectors/ (`map_<name>.json`); `atlscim presets` lists the table.
//!
//! - `entra`: Microsoft Graph user objects. Atlassian's fixed Entra mapping
//!   (reference/atlassian-scim.md §7.1) with Graph's attribute names (`id`, `surname`,
//!   `mobilePhone`, `businessPhones`) and the provisioning names as fallbacks (`objectId`,
//!   `mobile`, `telephoneNumber`), plus what Graph has and Atlassian stores: `companyName` as the
//!   organization, the mailbox settings' time zone (a Windows id or an IANA name) and language.
//! - `okta`: Okta users as the Users API returns them (`{id, status, profile}`) or their profiles
//!   alone, with Okta's profile attribute names; `status` gives `active` through the preset's
//!   `okta_status` value map (Okta Users API statuses).
//! - `generic`: records whose attributes carry SCIM names, flat (`givenName`, `email`) or nested
//!   as SCIM writes them (`name.givenName`).
//!
//! A preset's JSON may also say how its identity provider writes groups, for `map_group`:
//! `"groups": {"name": [paths to the group's name], "group_when": {"at": key, "ends_with": text}}`
//! (or `"one_of": [texts]`), the marker telling a group member from a user. `map_group` reads
//! every preset's shape (a connector need not say which provider a group came from): names are
//! tried in table order, and a member is a group when any preset's marker says so (or it has
//! `members` of its own). Texts compare ignoring ASCII case.

use std::sync::LazyLock;

use serde_json::{Map, Value};

/// A built-in mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The name [`super::Mapping::preset`] takes (case is ignored).
    pub name: &'static str,
    /// What records it maps; the loaded mapping's description.
    pub description: &'static str,
    /// The mapping, in the format [`super::Mapping::from_json`] reads (without `description`,
    /// which comes from the table, and without `extends`: a preset would wait on itself).
    pub json: &'static str,
}

/// Every preset, in the order lists and errors give them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "entra",
        description: "Microsoft Entra ID: Microsoft Graph user objects",
        json: include_str!("presets/entra.json"),
    },
    Preset {
        name: "okta",
        description: "Okta: users from the Users API ({id, status, profile}) or their profiles alone",
        json: include_str!("presets/okta.json"),
    },
    Preset {
        name: "generic",
        description: "Generic: records whose attributes carry SCIM names, flat or nested",
        json: include_str!("presets/generic.json"),
    },
];

/// How a preset's identity provider writes groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupShape {
    /// Paths (object keys) to the group's name, tried in order.
    pub names: Vec<Vec<String>>,
    /// The key whose text marks a member as a group, and the test on it.
    pub marker: Option<(String, Marker)>,
}

/// How a member's marker text says "group".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Marker {
    EndsWith(String),
    OneOf(Vec<String>),
}

impl GroupShape {
    /// Whether a member object is a group by this shape's marker.
    pub(crate) fn marks_group(&self, member: &Map<String, Value>) -> bool {
        let Some((at, marker)) = &self.marker else { return false };
        let Some(text) = member.get(at).and_then(Value::as_str) else { return false };
        match marker {
            Marker::EndsWith(end) => text.to_ascii_lowercase().ends_with(end.as_str()),
            Marker::OneOf(texts) => texts.iter().any(|t| t.eq_ignore_ascii_case(text)),
        }
    }

    fn parse(value: &Value) -> Result<GroupShape, String> {
        let shape = "groups is {\"name\": [paths], \"group_when\": {\"at\": key, \"ends_with\" or \"one_of\": …}}";
        let Value::Object(obj) = value else { return Err(shape.to_string()) };
        if obj.keys().any(|k| k != "name" && k != "group_when") {
            return Err(format!("unknown key; {shape}"));
        }
        let names = match obj.get("name") {
            Some(Value::Array(paths)) => paths
                .iter()
                .map(|p| match p.as_str() {
                    Some(p) if !p.is_empty() && !p.split('.').any(str::is_empty) => {
                        Ok(p.split('.').map(str::to_string).collect())
                    }
                    _ => Err(format!("name lists dotted paths of object keys, got {p}")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(format!("name is required; {shape}")),
        };
        let marker = match obj.get("group_when") {
            None => None,
            Some(Value::Object(when)) => {
                let Some(Value::String(at)) = when.get("at") else {
                    return Err(format!("group_when needs at; {shape}"));
                };
                let marker = match (when.get("ends_with"), when.get("one_of"), when.len()) {
                    (Some(Value::String(end)), None, 2) => Marker::EndsWith(end.to_ascii_lowercase()),
                    (None, Some(Value::Array(texts)), 2) => Marker::OneOf(
                        texts
                            .iter()
                            .map(|t| t.as_str().map(str::to_string).ok_or("one_of lists texts".to_string()))
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err(format!("group_when has at and one of ends_with or one_of; {shape}")),
                };
                Some((at.clone(), marker))
            }
            Some(_) => return Err(shape.to_string()),
        };
        Ok(GroupShape { names, marker })
    }
}

/// A preset's JSON split into its user mapping and its group shape (if it has one).
pub(crate) fn split(preset: &Preset) -> Result<(Value, Option<GroupShape>), String> {
    let mut value: Value = serde_json::from_str(preset.json).map_err(|e| format!("not valid JSON: {e}"))?;
    let groups = value.as_object_mut().and_then(|o| o.remove("groups"));
    let shape = groups.as_ref().map(GroupShape::parse).transpose().map_err(|e| format!("groups: {e}"))?;
    Ok((value, shape))
}

/// Every preset's group shape, in table order. A preset whose shape does not parse adds none here;
/// loading the preset reports why (and a test loads every preset).
pub(crate) static GROUP_SHAPES: LazyLock<Vec<GroupShape>> =
    LazyLock::new(|| PRESETS.iter().filter_map(|p| split(p).ok()?.1).collect());

/// The preset of a name, ignoring case and surrounding space.
pub(crate) fn find(name: &str) -> Option<(usize, &'static Preset)> {
    PRESETS.iter().enumerate().find(|(_, p)| p.name.eq_ignore_ascii_case(name.trim()))
}

/// The preset names, comma-separated, for messages.
pub(crate) fn names() -> String {
    PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_preset_splits_into_a_mapping_and_a_group_shape() {
        for preset in PRESETS {
            let (user, shape) = split(preset).unwrap_or_else(|e| panic!("{}: {e}", preset.name));
            assert!(user.get("groups").is_none() && user.get("attributes").is_some(), "{}", preset.name);
            assert!(shape.is_some(), "{} has a group shape", preset.name);
        }
        assert_eq!(GROUP_SHAPES.len(), PRESETS.len());
    }

    #[test]
    fn group_markers_tell_groups_from_users() {
        let is_group = |v: Value| GROUP_SHAPES.iter().any(|s| s.marks_group(v.as_object().expect("object")));
        assert!(is_group(json!({"@odata.type": "#microsoft.graph.Group"})));
        assert!(!is_group(json!({"@odata.type": "#microsoft.graph.user"})));
        assert!(is_group(json!({"type": "okta_group"})));
        assert!(is_group(json!({"type": "Group"})));
        assert!(!is_group(json!({"type": "User"})));
        assert!(!is_group(json!({"type": 5})));
    }

    #[test]
    fn malformed_group_shapes_are_errors() {
        for bad in [
            json!([]),
            json!({"name": "displayName"}),
            json!({"name": ["a..b"]}),
            json!({"name": ["n"], "group_when": {"at": "type"}}),
            json!({"name": ["n"], "group_when": {"at": "type", "one_of": [1]}}),
            json!({"name": ["n"], "group_when": {"at": "t", "ends_with": "x", "one_of": []}}),
            json!({"name": ["n"], "extra": 1}),
        ] {
            assert!(GroupShape::parse(&bad).is_err(), "{bad}");
        }
    }
}
