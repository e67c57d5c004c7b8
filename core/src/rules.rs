//! The rule registry: every rule atlscim enforces, once.
//!
//! A rule carries its stable id, the severity it has when it fires in its strictest form, the HTTP
//! status and `scimType` the server would answer, a one-line summary, its source and a short
//! example. `atlscim rules` and `docs/rules.md` are generated from [`RULES`]; nothing else spells a
//! rule out. Ids are `RFC-…` for RFC 7643/7644 and `ATL-…` for Atlassian's documented behaviour
//! (the ids of reference/atlassian-scim.md §11).

use serde::Serialize;

use crate::report::Severity;

/// One rule. Issues point at their rule; the rule's status and scimType are what an issue reports
/// when it is an error.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// The HTTP status the server would answer (errors only).
    pub status: Option<u16>,
    /// The RFC 7644 §3.12 scimType the server would answer, where it sends one.
    pub scim_type: Option<&'static str>,
    pub summary: &'static str,
    pub source: &'static str,
    pub example: &'static str,
    /// What to do about it, in one sentence.
    pub advice: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $status:expr, $scim:expr,
       $summary:literal, $source:literal, $example:literal, $advice:literal;)*) => {
        $(
            #[doc = $summary]
            pub static $name: Rule = Rule {
                id: $id,
                severity: Severity::$sev,
                status: $status,
                scim_type: $scim,
                summary: $summary,
                source: $source,
                example: $example,
                advice: $advice,
            };
        )*
        /// Every rule, in id order.
        pub static RULES: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    ATL_U_001 = "ATL-U-001", Error, Some(400), Some("invalidValue"),
        "POST and PUT /Users must carry a non-empty string userName.",
        "Atlassian OpenAPI (create/replace body: \"The userName is required\"); Atlassian /Schemas userName required:true",
        r#"{"schemas":[…User], "emails":[…]} (no userName)"#,
        "Send the user's sign-in name (usually the work email) as userName.";
    ATL_U_002 = "ATL-U-002", Error, Some(400), Some("invalidValue"),
        "POST and PUT /Users must carry a non-empty emails array.",
        "Atlassian OpenAPI; Atlassian /Schemas emails required:true",
        r#""emails": []"#,
        "Send at least one email, marked primary.";
    ATL_U_003 = "ATL-U-003", Error, Some(400), None,
        "Exactly one emails[] entry must have primary: true.",
        "Atlassian OpenAPI (\"One value must be marked as primary\"); Atlassian answers 400 \"Resource [USER] One email address need to be marked as primary.\" with no scimType",
        r#""emails": [{"value":"a@example.com"}] (no primary)"#,
        "Mark exactly one email \"primary\": true (the work email).";
    ATL_U_004 = "ATL-U-004", Error, Some(400), Some("invalidValue"),
        "Every emails[].value must be a syntactically valid address (HTML5 rules, RFC 5321 lengths, IDNA domain).",
        "Atlassian links accounts by email; syntax per WHATWG HTML \"valid e-mail address\" and RFC 5321 §4.5.3.1",
        r#""value": "jane.doe@""#,
        "Fix the address at the source, or map a different source attribute to emails.";
    ATL_U_005 = "ATL-U-005", Warning, None, None,
        "emails[].type should be work, home or other, with at most one email per type.",
        "Atlassian /Schemas canonicalValues; Entra ID requires type values to be unique within a multi-valued attribute",
        r#"[{"type":"work",…},{"type":"work",…}]"#,
        "Use type work, home or other, and one email per type.";
    ATL_U_006 = "ATL-U-006", Error, Some(400), Some("invalidValue"),
        "No two emails[] may have the same value (compared ignoring case).",
        "Atlassian OpenAPI (emails uniqueItems); email addresses are case-insensitive in practice",
        r#"[{"value":"A@example.com"},{"value":"a@example.com"}]"#,
        "Send each address once.";
    ATL_U_010 = "ATL-U-010", Warning, None, None,
        "Read-only attributes (id, meta, groups, atlassianAccountId) sent by a client are ignored by Atlassian; normalized drops them.",
        "Atlassian OpenAPI (readOnly properties); RFC 7643 §7 mutability readOnly",
        r#""groups": [] in a POST /Users"#,
        "Leave read-only attributes out of requests; send normalized.";
    ATL_U_011 = "ATL-U-011", Warning, None, None,
        "Attributes Atlassian's schema does not have (addresses, locale, roles, password, enterprise manager, …) are not stored; normalized drops them.",
        "Atlassian /Schemas lists no such attribute (reference/atlassian-scim.md §2.2)",
        r#""addresses": [{…}]"#,
        "Map the value to an attribute Atlassian stores, or stop sending it; send normalized.";
    ATL_U_014 = "ATL-U-014", Warning, None, None,
        "phoneNumbers[].type should be work, home, mobile, fax, pager or other.",
        "Atlassian /Schemas canonicalValues for phoneNumbers.type",
        r#""type": "cell""#,
        "Use type work, home, mobile, fax, pager or other.";
    ATL_U_015 = "ATL-U-015", Warning, None, None,
        "department and organization belong in the enterprise 2.0 extension; top-level copies must agree with it.",
        "Atlassian OpenAPI lists them top-level and in the extension; Atlassian /Schemas and the Entra mapping use the extension",
        r#""department": "Sales" at the top level"#,
        "Send department and organization inside the enterprise extension.";
    ATL_U_016 = "ATL-U-016", Error, Some(400), Some("invalidSyntax"),
        "schemas must contain the core User URN and every extension URN used; enterprise 2.1 and atlassian-external 1.1 are normalized to 2.0 and 1.0.",
        "Atlassian OpenAPI and /Schemas (enterprise:2.0, atlassian-external:1.0); RFC 7643 §3; go-atlassian sends 2.1/1.1",
        r#""schemas": ["urn:ietf:params:scim:schemas:extension:enterprise:2.1:User"]"#,
        "List the core User URN and every extension you use, with Atlassian's versions (enterprise 2.0, atlassian-external 1.0).";
    ATL_U_017 = "ATL-U-017", Error, Some(400), Some("invalidValue"),
        "active must be a JSON boolean; the strings \"true\"/\"false\" are normalized in lenient mode.",
        "Atlassian OpenAPI (active boolean, true when omitted); Entra ID sends \"False\"",
        r#""active": "False""#,
        "Send active as true or false without quotes.";
    ATL_U_021 = "ATL-U-021", Warning, None, None,
        "PUT /Users/{id} replaces the whole user: attributes the current user has and the PUT leaves out are cleared.",
        "Atlassian OpenAPI (PUT: \"unspecified values are cleared\")",
        r#"PUT without "title" when the current user has one"#,
        "Send every attribute the user should keep, or change only what differs with PATCH.";
    RFC_A_001 = "RFC-A-001", Error, Some(400), Some("invalidSyntax"),
        "An attribute no schema of the resource type defines.",
        "RFC 7643 §2.1, §3; RFC 7644 §3.12 invalidSyntax",
        r#""favouriteColour": "blue""#,
        "Check the attribute name's spelling, or put it inside the extension that defines it.";
    RFC_A_002 = "RFC-A-002", Error, Some(400), Some("invalidSyntax"),
        "The same attribute twice in one object (names are case-insensitive).",
        "RFC 7643 §2.1 (attribute names are case-insensitive); RFC 8259 §4",
        r#"{"userName":"a","UserName":"b"}"#,
        "Send each attribute once.";
    RFC_A_003 = "RFC-A-003", Error, Some(400), Some("invalidValue"),
        "A required attribute is missing, null, empty or blank.",
        "RFC 7643 §2.2 (required), §2.5 (null and [] mean unassigned); RFC 7644 §3.12 invalidValue",
        r#"POST /Groups without displayName"#,
        "Send the attribute with a non-blank value.";
    RFC_A_004 = "RFC-A-004", Warning, None, None,
        "A read-only attribute sent by a client; the server ignores it and normalized drops it.",
        "RFC 7643 §7 (mutability readOnly); RFC 7644 §3.3",
        r#""meta": {"resourceType":"User"} in a POST"#,
        "Leave read-only attributes out of requests; send normalized.";
    RFC_J_001 = "RFC-J-001", Error, Some(400), Some("invalidSyntax"),
        "The body is not valid UTF-8 JSON.",
        "RFC 7644 §3.1, §3.12 invalidSyntax; RFC 8259",
        r#"{"userName": "a",}"#,
        "Send UTF-8 JSON; check the body with a JSON parser.";
    RFC_J_002 = "RFC-J-002", Error, Some(400), Some("invalidSyntax"),
        "A resource body must be a JSON object.",
        "RFC 7644 §3.3, §3.5.1",
        r#"["userName"]"#,
        "Send the resource as a JSON object.";
    RFC_J_003 = "RFC-J-003", Error, Some(400), Some("invalidSyntax"),
        "JSON nested deeper than limits.max_depth.",
        "atlscim limit (config limits.max_depth, default 32)",
        r#"{"a":[[[[[…]]]]]}"#,
        "Flatten the body, or raise limits.max_depth if the nesting is legitimate.";
    RFC_J_004 = "RFC-J-004", Error, Some(413), None,
        "A body larger than limits.max_body_bytes.",
        "atlscim limit (config limits.max_body_bytes, default 16 MiB); HTTP 413",
        "a 20 MB body",
        "Send fewer resources per request, or raise limits.max_body_bytes.";
    RFC_J_005 = "RFC-J-005", Error, Some(400), Some("invalidValue"),
        "A string value longer than limits.max_string_bytes.",
        "atlscim limit (config limits.max_string_bytes, default 64 KiB)",
        r#""displayName": "<10 MB of text>""#,
        "Shorten the value, or raise limits.max_string_bytes.";
    RFC_R_001 = "RFC-R-001", Error, Some(404), None,
        "The path is not a SCIM endpoint atlscim knows (/Users, /Users/{id}, /Groups, /Groups/{id}).",
        "RFC 7644 §3.2; Atlassian user provisioning API endpoints",
        "POST /Accounts",
        "Send resources to /Users or /Groups under the directory base URL.";
    RFC_R_002 = "RFC-R-002", Error, Some(405), None,
        "The method is not allowed on the path (POST goes to a collection, PUT/PATCH/DELETE to one resource).",
        "RFC 7644 §3.2",
        "PUT /Users",
        "POST to /Users or /Groups; PUT, PATCH and DELETE to /Users/{id} or /Groups/{id}.";
    RFC_R_003 = "RFC-R-003", Info, None, None,
        "atlscim does not yet check the body of this kind of request; only its JSON syntax was checked.",
        "atlscim scope",
        "PATCH /Users/2819c223",
        "Nothing to do; later atlscim versions check these requests fully.";
    RFC_S_001 = "RFC-S-001", Error, Some(400), Some("invalidSyntax"),
        "schemas must be an array of strings containing the resource type's core schema URN.",
        "RFC 7643 §3 (schemas REQUIRED), §3.1",
        r#""schemas": "urn:ietf:params:scim:schemas:core:2.0:User""#,
        "Send schemas as an array that contains the resource's core schema URN.";
    RFC_S_002 = "RFC-S-002", Error, Some(400), Some("invalidSyntax"),
        "Every extension used in the body must be listed in schemas (added in lenient mode).",
        "RFC 7643 §3",
        r#"enterprise attributes without the enterprise URN in schemas"#,
        "Add the extension's URN to schemas.";
    RFC_S_003 = "RFC-S-003", Error, Some(400), Some("invalidValue"),
        "schemas lists a URN that is not a schema of this resource type.",
        "RFC 7643 §3; RFC 7644 §3.12",
        r#""schemas": […User, "urn:example:unknown"]"#,
        "Remove the URN, or move the attributes to a schema the resource type has.";
    RFC_T_001 = "RFC-T-001", Error, Some(400), Some("invalidValue"),
        "A value of the wrong type for the attribute: the wrong JSON type, or a dateTime that is not xsd:dateTime.",
        "RFC 7643 §2.3 data types (§2.3.5 dateTime), §2.4 multi-valued attributes",
        r#""emails": {"value":"a@example.com"}"#,
        "Send the value with the type the schema gives the attribute.";
    RFC_T_002 = "RFC-T-002", Error, Some(400), Some("invalidValue"),
        "A boolean sent as the string \"true\" or \"false\" (any case); normalized to a boolean in lenient mode.",
        "RFC 7643 §2.3.2; Entra ID sends \"True\"/\"False\"",
        r#""primary": "True""#,
        "Send true or false without quotes.";
    RFC_V_001 = "RFC-V-001", Warning, None, None,
        "A value outside the attribute's canonicalValues (a case-only difference is normalized in lenient mode).",
        "RFC 7643 §2.3.1, §7 canonicalValues",
        r#""type": "Work""#,
        "Use one of the canonical values where one fits.";
    RFC_V_002 = "RFC-V-002", Error, Some(400), Some("invalidValue"),
        "At most one value of a multi-valued attribute may be primary.",
        "RFC 7643 §2.4",
        r#"two phoneNumbers with "primary": true"#,
        "Mark one value primary at most.";
}

/// Finds a rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The registry as a Markdown document: the source of docs/rules.md.
pub fn markdown() -> String {
    let mut out = String::from(
        "# atlscim rules\n\n\
         Generated from the rule registry (`core/src/rules.rs`) by `atlscim rules --format markdown`; \
         a test fails when this file is stale.\n\n\
         Severity is the rule's strictest form: an `error` means Atlassian (or any RFC 7644 server) \
         would reject the request with the status and scimType shown; a `warning` means it would be \
         accepted but something is lost or harmful; `info` reports a lenient fix atlscim applied to \
         `normalized`. Rules with an error severity report `info` instead when lenient mode fixed the \
         problem.\n\n\
         | id | severity | status | scimType | rule | what to do | source | example |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let cell = |s: &str| s.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | `{}` |\n",
            r.id,
            r.severity.as_str(),
            r.status.map_or_else(|| "—".to_string(), |s| s.to_string()),
            r.scim_type.unwrap_or("—"),
            cell(r.summary),
            cell(r.advice),
            cell(r.source),
            cell(r.example).replace('`', "'"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sorted() {
        for pair in RULES.windows(2) {
            assert!(pair[0].id < pair[1].id, "{} must sort before {}", pair[0].id, pair[1].id);
        }
    }

    #[test]
    fn errors_carry_a_status() {
        for r in RULES {
            if r.severity == Severity::Error {
                assert!(r.status.is_some(), "{} is an error without a status", r.id);
            }
        }
    }
}
