//! The discovery endpoints as Atlassian serves them: /ServiceProviderConfig (reference §1.4, the
//! captured answer), /ResourceTypes and /Schemas (the schema documents the profile checks with,
//! `crate::schema`). No filtering, paging or sorting on them (reference §1.2).

use serde_json::{Value, json};

use super::Directory;
use super::answer::{Answer, list_response};
use crate::profile::ProfileKind;
use crate::schema::{ATLASSIAN_DOCUMENTS, RFC_DOCUMENTS, ResourceKind};

const SPC_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

/// The answer for a discovery path, or `None` when the path is not one.
pub(super) fn route(d: &Directory, method: &str, rel: &str) -> Option<Answer> {
    let path = rel.split('?').next().unwrap_or("").trim_end_matches('/');
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let first = parts.next().unwrap_or("");
    let rest = parts.next();
    let is = |name: &str| first.eq_ignore_ascii_case(name);
    if !(is("ServiceProviderConfig") || is("ResourceTypes") || is("Schemas")) {
        return None;
    }
    if !method.trim().eq_ignore_ascii_case("GET") {
        let detail = format!("{} is not allowed on /{first}: it is read-only", method.trim());
        return Some(Answer::scim_error(405, None, detail));
    }
    Some(if is("ServiceProviderConfig") {
        match rest {
            None => Answer::json(200, service_provider_config(d)),
            Some(_) => not_found(rel),
        }
    } else if is("ResourceTypes") {
        let types = [resource_type(d, ResourceKind::User), resource_type(d, ResourceKind::Group)];
        match rest {
            None => Answer::json(200, list_response(2, 1, types.to_vec())),
            Some(name) => {
                match types.into_iter().find(|t| t["id"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(name))) {
                    Some(t) => Answer::json(200, t),
                    None => not_found(rel),
                }
            }
        }
    } else {
        let schemas = schemas(d);
        match rest {
            None => Answer::json(200, list_response(schemas.len(), 1, schemas)),
            Some(urn) => {
                match schemas.into_iter().find(|s| s["id"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(urn))) {
                    Some(s) => Answer::json(200, s),
                    None => not_found(rel),
                }
            }
        }
    })
}

fn not_found(rel: &str) -> Answer {
    Answer::scim_error(404, None, format!("{rel} does not exist"))
}

fn service_provider_config(d: &Directory) -> Value {
    json!({
        "schemas": [SPC_URN],
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": 10000},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication scheme using the OAuth Bearer Token Standard",
        }],
        "meta": {
            "location": format!("{}/ServiceProviderConfig", d.base_url),
            "resourceType": "ServiceProviderConfig",
        },
    })
}

fn resource_type(d: &Directory, kind: ResourceKind) -> Value {
    let rt = d.profile.schemas().resource(kind);
    let extensions: Vec<Value> = rt.extensions.iter().map(|e| json!({"schema": e.id, "required": false})).collect();
    let name = kind.as_str();
    json!({
        "schemas": [RESOURCE_TYPE_URN],
        "id": name,
        "name": name,
        "endpoint": format!("/{name}s"),
        "description": match kind { ResourceKind::User => "User Account", ResourceKind::Group => "Group" },
        "schema": rt.core.id,
        "schemaExtensions": extensions,
        "meta": {"location": format!("{}/ResourceTypes/{name}", d.base_url), "resourceType": "ResourceType"},
    })
}

/// The schema documents, each with its `meta`.
fn schemas(d: &Directory) -> Vec<Value> {
    let documents: &[&str] = match d.profile.kind() {
        ProfileKind::Atlassian => &ATLASSIAN_DOCUMENTS,
        ProfileKind::Rfc => &RFC_DOCUMENTS,
    };
    documents
        .iter()
        .filter_map(|text| serde_json::from_str::<Value>(text).ok())
        .map(|mut s| {
            let id = s["id"].as_str().unwrap_or_default().to_string();
            if let Value::Object(m) = &mut s {
                m.insert(
                    "meta".into(),
                    json!({"resourceType": "Schema", "location": format!("{}/Schemas/{id}", d.base_url)}),
                );
            }
            s
        })
        .collect()
}
