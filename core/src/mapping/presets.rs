//! The built-in mappings, written in the same JSON a custom mapping uses (so each is also an
//! example of the format; `Mapping::preset(name).to_json()` prints it).
//!
//! - `entra`: Microsoft Graph user objects. Atlassian's fixed Entra mapping
//!   (reference/atlassian-scim.md §7.1) with Graph's attribute names (`id`, `surname`,
//!   `mobilePhone`, `businessPhones`) and the provisioning names as fallbacks (`objectId`,
//!   `mobile`, `telephoneNumber`), plus what Graph has and Atlassian stores: `companyName` as the
//!   organization, the mailbox settings' time zone (a Windows id or an IANA name) and language.
//! - `okta`: Okta users as the Users API returns them (`{id, status, profile}`) or their profiles
//!   alone, with Okta's profile attribute names; `status` gives `active`.
//! - `generic`: records whose attributes carry SCIM names, flat (`givenName`, `email`) or nested
//!   as SCIM writes them (`name.givenName`).

const ENTRA: &str = r#"{
  "description": "Microsoft Entra ID: Microsoft Graph user objects",
  "attributes": [
    {"target": "externalId", "from": {"coalesce": ["id", "objectId"]}},
    {"target": "userName", "from": {"coalesce": ["userPrincipalName", "mail"]}, "required": true},
    {"target": "emails[type eq \"work\"].value", "from": {"email": {"coalesce": ["mail", "userPrincipalName"]}}, "required": true},
    {"target": "name.givenName", "from": "givenName"},
    {"target": "name.familyName", "from": "surname"},
    {"target": "displayName", "from": "displayName"},
    {"target": "title", "from": "jobTitle"},
    {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "from": "department"},
    {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization", "from": "companyName"},
    {"target": "active", "from": {"boolean": "accountEnabled"}},
    {"target": "phoneNumbers[type eq \"work\"].value", "from": {"coalesce": ["businessPhones[0]", "telephoneNumber"]}},
    {"target": "phoneNumbers[type eq \"mobile\"].value", "from": {"coalesce": ["mobilePhone", "mobile"]}},
    {"target": "preferredLanguage", "from": {"atlassian_language": {"coalesce": ["preferredLanguage", "mailboxSettings.language.locale"]}}},
    {"target": "timezone", "from": {"timezone": "mailboxSettings.timeZone"}}
  ]
}"#;

const OKTA: &str = r#"{
  "description": "Okta: users from the Users API ({id, status, profile}) or their profiles alone",
  "roots": ["profile", ""],
  "attributes": [
    {"target": "externalId", "from": "id"},
    {"target": "userName", "from": "login", "required": true},
    {"target": "emails[type eq \"work\"].value", "from": {"email": {"coalesce": ["email", "login"]}}, "required": true},
    {"target": "name.givenName", "from": "firstName"},
    {"target": "name.familyName", "from": "lastName"},
    {"target": "name.middleName", "from": "middleName"},
    {"target": "name.honorificPrefix", "from": "honorificPrefix"},
    {"target": "name.honorificSuffix", "from": "honorificSuffix"},
    {"target": "displayName", "from": "displayName"},
    {"target": "nickName", "from": "nickName"},
    {"target": "title", "from": "title"},
    {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "from": "department"},
    {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization", "from": "organization"},
    {"target": "active", "from": {"okta_status": "status"}},
    {"target": "phoneNumbers[type eq \"work\"].value", "from": "primaryPhone"},
    {"target": "phoneNumbers[type eq \"mobile\"].value", "from": "mobilePhone"},
    {"target": "preferredLanguage", "from": {"atlassian_language": {"coalesce": ["preferredLanguage", "locale"]}}},
    {"target": "timezone", "from": {"timezone": "timezone"}}
  ]
}"#;

const GENERIC: &str = r#"{
  "description": "Generic: records whose attributes carry SCIM names, flat or nested",
  "attributes": [
    {"target": "externalId", "from": {"coalesce": ["externalId", "id"]}},
    {"target": "userName", "from": {"coalesce": ["userName", "email"]}, "required": true},
    {"target": "emails[type eq \"work\"].value", "from": {"email": {"coalesce": ["email", "emails[0].value", "userName"]}}, "required": true},
    {"target": "name.givenName", "from": {"coalesce": ["name.givenName", "givenName"]}},
    {"target": "name.familyName", "from": {"coalesce": ["name.familyName", "familyName"]}},
    {"target": "name.middleName", "from": {"coalesce": ["name.middleName", "middleName"]}},
    {"target": "name.honorificPrefix", "from": {"coalesce": ["name.honorificPrefix", "honorificPrefix"]}},
    {"target": "name.honorificSuffix", "from": {"coalesce": ["name.honorificSuffix", "honorificSuffix"]}},
    {"target": "displayName", "from": "displayName"},
    {"target": "nickName", "from": "nickName"},
    {"target": "title", "from": "title"},
    {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "from": {"coalesce": ["department", "[\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"].department"]}},
    {"target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization", "from": {"coalesce": ["organization", "[\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"].organization"]}},
    {"target": "urn:scim:schemas:extension:atlassian-custom:1.0:Attributes:basedIn", "from": "basedIn"},
    {"target": "active", "from": {"boolean": "active"}},
    {"target": "phoneNumbers[type eq \"work\"].value", "from": "phoneNumber"},
    {"target": "phoneNumbers[type eq \"mobile\"].value", "from": "mobilePhone"},
    {"target": "preferredLanguage", "from": {"atlassian_language": {"coalesce": ["preferredLanguage", "locale"]}}},
    {"target": "timezone", "from": {"timezone": "timezone"}}
  ]
}"#;

/// The JSON text of a preset.
pub(crate) fn text(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "entra" => Some(ENTRA),
        "okta" => Some(OKTA),
        "generic" => Some(GENERIC),
        _ => None,
    }
}
