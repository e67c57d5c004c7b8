//! The rule registry: every rule atlscim enforces, once.
//!
//! A rule carries its stable id, the severity it has when it fires in its strictest form, the HTTP
//! status and `scimType` the server would answer, a one-line summary, its source and a short
//! example. `atlscim rules` and `docs/rules.md` are generated from [`RULES`]; nothing else spells a
//! rule out. Ids are `RFC-…` for RFC 7643/7644, `ATL-…` for Atlassian's documented behaviour
//! (the ids of reference/atlassian-scim.md §11, plus ATL-D for DELETE), and `MAP-…` for what
//! mapping an identity provider's record finds.

use serde::Serialize;

use crate::schema::ResourceKind;

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A lenient fix atlscim applied to `normalized`.
    Info,
    /// Accepted, but something is ignored, lost or harmful.
    Warning,
    /// Atlassian (or any RFC 7644 server) would reject the request.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One rule. Issues point at their rule; the rule's status and scimType are what an issue reports
/// when it is an error.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub(crate) id: &'static str,
    pub(crate) severity: Severity,
    pub(crate) status: Option<u16>,
    pub(crate) scim_type: Option<&'static str>,
    pub(crate) status_inferred: bool,
    pub(crate) summary: &'static str,
    pub(crate) source: &'static str,
    pub(crate) example: &'static str,
    pub(crate) advice: &'static str,
}

impl Rule {
    /// The rule's id, e.g. `ATL-U-007` or `RFC-F-001`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The severity the rule reports at (a lenient profile may report lower).
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The HTTP status the server would answer (errors only).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The RFC 7644 §3.12 scimType the server would answer, where it sends one.
    pub fn scim_type(&self) -> Option<&'static str> {
        self.scim_type
    }

    /// Whether `status` and `scim_type` are inferred rather than documented: Atlassian does not
    /// document its answer (reference/atlassian-scim.md §11 marks it `?`, or gives none), and the
    /// one shown is RFC 7644's for the case.
    pub fn status_inferred(&self) -> bool {
        self.status_inferred
    }

    /// One line: what the rule checks.
    pub fn summary(&self) -> &'static str {
        self.summary
    }

    /// Where the rule comes from (an RFC section, Atlassian's documentation, an observation).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// A body or value that breaks the rule.
    pub fn example(&self) -> &'static str {
        self.example
    }

    /// What to do about it, in one sentence.
    pub fn advice(&self) -> &'static str {
        self.advice
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $status:expr, $scim:expr,
       $summary:literal, $source:literal, $example:literal, $advice:literal;)*) => {
        $(
            // The summary is data (it holds `[USER]`, `<site>`…), so the doc names the rule only.
            #[doc = concat!("Rule `", $id, "`; its summary, source and advice are in the registry.")]
            pub static $name: Rule = Rule {
                id: $id,
                severity: Severity::$sev,
                status: $status,
                scim_type: $scim,
                status_inferred: status_inferred($id),
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

/// The Atlassian rules whose status (or scimType) Atlassian does not document: reference §11
/// marks the answer `?` (ATL-U-001, -002, -004, -006, -016, -017, ATL-P-001 to -005, ATL-G-001),
/// or "undocumented" for a rule that is an error only in one form (ATL-U-014's second primary),
/// calls it undocumented (ATL-G-002, ATL-G-006), or gives none (ATL-Q-002, ATL-Q-003); and the
/// rules added since whose answer no source gives (ATL-A-001, ATL-U-024). The status shown is
/// RFC 7644's for the case. RFC rules are the RFC's own and never inferred.
const INFERRED_STATUS: [&str; 19] = [
    "ATL-A-001",
    "ATL-G-001",
    "ATL-G-002",
    "ATL-G-006",
    "ATL-P-001",
    "ATL-P-002",
    "ATL-P-003",
    "ATL-P-004",
    "ATL-P-005",
    "ATL-Q-002",
    "ATL-Q-003",
    "ATL-U-001",
    "ATL-U-002",
    "ATL-U-004",
    "ATL-U-006",
    "ATL-U-014",
    "ATL-U-016",
    "ATL-U-017",
    "ATL-U-024",
];

/// Whether `id` is in [`INFERRED_STATUS`] (a `const fn`, so each rule's field is set at compile
/// time from its id).
const fn status_inferred(id: &str) -> bool {
    let mut i = 0;
    while i < INFERRED_STATUS.len() {
        let (a, b) = (INFERRED_STATUS[i].as_bytes(), id.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

rules! {
    ATL_A_001 = "ATL-A-001", Error, Some(404), None,
        "A request path given as a full URL must be the directory's base URL (config base_url, https://api.atlassian.com/scim/directory/{id}) followed by the endpoint: not a repeated segment (…/Users/Users), another host or API (the admin API, an old /scim/v1 form), a missing directory id, or another directory than config directory_id. A path without scheme and host is relative to the base URL.",
        "Atlassian: directory base URL shown with the SCIM API key (reference/atlassian-scim.md §1.1, §11); Atlassian OpenAPI paths /scim/directory/{directoryId}/…",
        "https://api.atlassian.com/scim/directory/3f2a…/Users/Users",
        "Use the directory base URL exactly as Atlassian shows it with the API key, and append /Users or /Groups once.";
    ATL_D_001 = "ATL-D-001", Warning, None, None,
        "DELETE /Users/{id} unlinks the user from the identity provider, deactivates the managed account and deletes the SCIM record for good (the id answers 404 afterwards); PATCH active false is the reversible way.",
        "Atlassian OpenAPI (newer text: unlink, deactivate, delete the SCIM record; older text: deactivate, reactivatable; config delete_semantics picks)",
        "DELETE /Users/2819c223",
        "To suspend a user, send PATCH {\"op\":\"replace\",\"path\":\"active\",\"value\":false} instead.";
    ATL_D_002 = "ATL-D-002", Warning, None, None,
        "DELETE /Groups/{id} removes the group from the organization's directory and sites: members lose the product access and permissions it granted.",
        "Atlassian OpenAPI (group deletion)",
        "DELETE /Groups/e9e30dba",
        "Check which product access the group grants before deleting it.";
    ATL_G_001 = "ATL-G-001", Error, Some(400), Some("invalidValue"),
        "POST and PUT /Groups must carry a non-empty displayName.",
        "Atlassian OpenAPI and /Schemas (displayName required)",
        r#"{"schemas":[…Group],"members":[]}"#,
        "Send the group's name as displayName.";
    ATL_G_002 = "ATL-G-002", Error, Some(400), Some("mutability"),
        "A synced group cannot be renamed: replacing displayName with a different name is refused; the same name is a no-op.",
        "Atlassian OpenAPI (rename unsupported), Atlassian /Schemas displayName mutability immutable; Entra ID reports renames as not applied",
        r#"{"op":"replace","path":"displayName","value":"New name"}"#,
        "Create a new group, move the members, then delete the old group.";
    ATL_G_003 = "ATL-G-003", Error, Some(409), Some("uniqueness"),
        "A group whose name is already in the organization (config known_groups, compared ignoring case) cannot be created.",
        "Atlassian OpenAPI (409 \"A group with same name already exists\"); Okta: \"Resource [GROUP]: with displayName already exists.\"",
        r#"POST /Groups {"displayName":"jira-software-users"} when it exists"#,
        "Link the existing group (GET /Groups?filter=displayName eq \"…\"), or pick another name.";
    ATL_G_004 = "ATL-G-004", Warning, None, None,
        "A group named like a default access, built-in or protected group (site-admins, org-admins, jira-users-<site>, …, plus config reserved_groups) is created but not synced to the site.",
        "Atlassian OpenAPI (default and built-in group names), default groups and blocklisted admin groups documentation",
        r#""displayName": "confluence-users-acme""#,
        "Use a name of your own; grant product access to it in Atlassian Administration.";
    ATL_G_005 = "ATL-G-005", Error, Some(400), Some("invalidValue"),
        "members[].value must be a SCIM user id of the same directory (not an email or an Atlassian account id), and a $ref must point to …/Users/{value}; unknown members answer PUT 400 \"users referenced do not exist\" and PATCH 404.",
        "Atlassian OpenAPI (PUT group 400, PATCH group 404)",
        r#""members": [{"value": "bjensen@example.com"}]"#,
        "Send the id Atlassian gave the user (from its POST /Users answer or GET /Users?filter=…).";
    ATL_G_006 = "ATL-G-006", Error, Some(400), Some("invalidValue"),
        "Atlassian has no nested groups: members must be users, not groups.",
        "Atlassian: too many users per group / nested groups are flattened; /Schemas members",
        r#""members": [{"value":"e9e30dba","type":"Group"}]"#,
        "Flatten nested groups into their users (map_group does).";
    ATL_G_007 = "ATL-G-007", Warning, None, None,
        "A group above limits.users_per_group (35,000; 50,000 on request) does not sync its extra users.",
        "Atlassian: user provisioning limits (35,000 users per group)",
        "a members list of 40,000",
        "Split the group, or ask Atlassian support for the higher limit and raise limits.users_per_group.";
    ATL_G_008 = "ATL-G-008", Warning, None, None,
        "replace with path members replaces the whole membership: every member not listed is removed.",
        "RFC 7644 §3.5.2.3; Okta's full group push",
        r#"{"op":"replace","path":"members","value":[…]}"#,
        "Send add and remove operations for the members that changed.";
    ATL_G_009 = "ATL-G-009", Info, None, None,
        "A remove with a value list (Entra ID's form for group members) is rewritten as one remove per value with a value filter, members[value eq \"…\"].",
        "Entra ID sends remove with path members and a value list; Okta and RFC 7644 §3.5.2.2 use a value filter",
        r#"{"op":"Remove","path":"members","value":[{"value":"2819c223"}]}"#,
        "Nothing to do: send normalized.";
    ATL_L_001 = "ATL-L-001", Warning, None, None,
        "A directory above limits.users_per_directory (150,000) stops syncing new users.",
        "Atlassian: user provisioning limits (150,000 users per directory; older limits 5,000 and 70,000)",
        "the 150,001st POST /Users of a batch",
        "Reduce the users in scope, or ask Atlassian about higher limits and raise limits.users_per_directory.";
    ATL_P_001 = "ATL-P-001", Error, Some(400), Some("invalidSyntax"),
        "A PATCH body's schemas must contain urn:ietf:params:scim:api:messages:2.0:PatchOp.",
        "RFC 7644 §3.5.2; Atlassian's PATCH example",
        r#""schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]"#,
        "List urn:ietf:params:scim:api:messages:2.0:PatchOp in schemas.";
    ATL_P_002 = "ATL-P-002", Error, Some(400), Some("invalidSyntax"),
        "A PATCH body needs a non-empty Operations array (operations is accepted and written Operations).",
        "RFC 7644 §3.5.2; Atlassian's OpenAPI names it operations, its example and every identity provider Operations",
        r#""Operations": []"#,
        "Send at least one operation under Operations.";
    ATL_P_003 = "ATL-P-003", Error, Some(400), Some("invalidSyntax"),
        "op must be add, replace or remove; other capitalisations (Entra ID's Add, Replace, Remove) are written in lower case in lenient mode.",
        "RFC 7644 §3.5.2; Entra ID sends capitalised ops",
        r#""op": "Update""#,
        "Use add, replace or remove.";
    ATL_P_004 = "ATL-P-004", Error, Some(400), Some("invalidValue"),
        "add and replace need a value; without a path the value must be an object (Okta's path-less replace is rewritten with paths in lenient mode); remove takes no value (Entra ID's remove by value is rewritten in lenient mode).",
        "RFC 7644 §3.5.2.1–3; Okta sends path-less replace, Entra ID remove with a value",
        r#"{"op":"add","path":"title"}"#,
        "Give add and replace a value, and remove a path without a value.";
    ATL_P_005 = "ATL-P-005", Error, Some(400), Some("invalidPath"),
        "A User PATCH path must name an attribute Atlassian supports (userName, displayName, name.*, emails, phoneNumbers, title, …).",
        "Atlassian /Schemas; reference/atlassian-scim.md §11",
        r#""path": "addresses[type eq \"work\"].locality""#,
        "Patch only attributes Atlassian stores.";
    ATL_Q_001 = "ATL-Q-001", Error, Some(400), Some("invalidFilter"),
        "Atlassian filters users only by userName eq or externalId eq, and groups only by displayName eq: one term, nothing else.",
        "Atlassian OpenAPI (\"a single exact match\"); Atlassian KB on filtering users",
        r#"GET /Users?filter=emails.value eq "a@example.com""#,
        "Filter on userName or externalId (groups: displayName) with eq, and filter the rest yourself.";
    ATL_Q_002 = "ATL-Q-002", Error, Some(400), Some("invalidValue"),
        "startIndex must be a whole number of at least 1; count above 100 is clamped to Atlassian's page size (a warning).",
        "Atlassian OpenAPI (startIndex 1-based); Atlassian KB (100 results per page)",
        "GET /Users?startIndex=0&count=500",
        "Page with startIndex=1, 101, 201, … and count at most 100.";
    ATL_Q_003 = "ATL-Q-003", Error, Some(400), Some("invalidValue"),
        "Atlassian supports no sorting (sortBy, sortOrder), no /Bulk and no /Me.",
        "Atlassian ServiceProviderConfig (sort, bulk unsupported)",
        "GET /Users?sortBy=userName",
        "Sort on your side; send one request per resource.";
    ATL_Q_004 = "ATL-Q-004", Warning, None, None,
        "attributes and excludedAttributes are mutually exclusive.",
        "Atlassian OpenAPI; RFC 7644 §3.9",
        "GET /Users?attributes=userName&excludedAttributes=emails",
        "Send one of them.";
    ATL_Q_005 = "ATL-Q-005", Warning, None, None,
        "attributes and excludedAttributes must name attributes of the resource type (attr, attr.sub or urn:…:attr, comma-separated); Atlassian cannot return or leave out what it does not have.",
        "RFC 7644 §3.9, §3.10 (attribute notation); Atlassian /Schemas",
        "GET /Users?attributes=userName,emails.vaule",
        "Spell the names as the schema does (atlscim rules, /Schemas).";
    ATL_R_001 = "ATL-R-001", Info, None, None,
        "Reading Atlassian's answers: 429 waits for Retry-After or X-RateLimit-Reset, 500 and 503 are retried with backoff, 401 and 403 mean the credential was rejected (the SCIM API key expired — keys expire a year after creation — was regenerated, or is wrong), which retrying does not fix.",
        "Atlassian OpenAPI (500/503 retryable; Failure body for 401/403); Atlassian admin APIs (429 with X-RateLimit headers); Atlassian support: SCIM API keys expire one year after creation",
        "HTTP 429 Retry-After: 30",
        "Use classify_response to decide.";
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
        "Every emails[].value must be a syntactically valid address (HTML5 rules, RFC 5321 lengths, IDNA domain) without invisible characters (default-ignorable, zero-width, bidirectional controls); a domain that IDNA maps to another text (full-width letters, 。 for the dot) is written as its A-label in lenient mode.",
        "Atlassian links accounts by email; syntax per WHATWG HTML \"valid e-mail address\" and RFC 5321 §4.5.3.1; UTS 46 non-transitional mapping; Unicode Default_Ignorable_Code_Point and Bidi_Control",
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
    ATL_U_007 = "ATL-U-007", Error, Some(409), Some("uniqueness"),
        "userName and the primary email must be unique ignoring case across a batch: Atlassian answers the second with a 409.",
        "Atlassian /Schemas (userName uniqueness server, caseExact false); one email per Atlassian account",
        "two POST /Users with userName a@example.com and A@example.com",
        "Send each user once; merge the duplicates at the source.";
    ATL_U_008 = "ATL-U-008", Error, Some(409), Some("uniqueness"),
        "A user whose userName or email already belongs to another account (config known_user_names, known_emails) is refused: \"Resource [USER]: with email[…] already exists.\"",
        "Atlassian KB: 409 when updating an email via provisioning",
        r#"POST /Users with an email another account has"#,
        "Find the existing account (GET /Users?filter=userName eq \"…\") and link or update it.";
    ATL_U_009 = "ATL-U-009", Warning, None, None,
        "externalId is kept byte-exact (case counts): a PUT or PATCH that changes it, even only in case, relinks the user to another identity-provider record.",
        "Atlassian OpenAPI (externalId caseExact, set by the identity provider); reference/atlassian-scim.md §11; Entra ID recommends its immutable objectId",
        r#"current externalId "AbC-1" → PATCH replace externalId "abc-1""#,
        "Send the identity provider's immutable id unchanged; change externalId only to relink the user on purpose.";
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
    ATL_U_012 = "ATL-U-012", Warning, None, None,
        "timezone must be on Atlassian's list, which atlscim takes to be ICU's canonical region-based IANA ids (Area/Location) plus UTC: Atlassian accepts any other value and silently ignores it. Windows ids, legacy links, other cases, Etc/UTC, GMT and EST5EDT are mapped to the name on the list (the warning names it); Etc/* offsets, other offsets (GMT+8), abbreviations (EST), a city without its area (Sydney) and an area alone (Asia) are warnings, with a suggestion where one is certain.",
        "Atlassian KB: how to set the timezone for managed accounts via SCIM (values not on Atlassian's list, such as GMT, Sydney, GMT+8, Asia, are accepted and not applied); Atlassian OpenAPI and /Schemas (timezone, example America/Los_Angeles); RFC 7643 §4.1.1; CLDR time zone data (ICU4X)",
        r#""timezone": "GMT+8""#,
        "Send the region-based IANA name of the user's location, e.g. America/Los_Angeles, or UTC.";
    ATL_U_013 = "ATL-U-013", Warning, None, None,
        "preferredLanguage should be a BCP 47 language tag (en-US), or an Accept-Language list whose preferred tag is sent; en_US, case and deprecated codes are normalized.",
        "Atlassian /Schemas (preferredLanguage); RFC 7643 §4.1.2; RFC 9110 §12.5.4; BCP 47",
        r#""preferredLanguage": "english""#,
        "Send a language tag such as en-US.";
    ATL_U_014 = "ATL-U-014", Error, Some(400), Some("invalidValue"),
        "phoneNumbers[].type should be work, home, mobile, fax, pager or other (a warning); at most one phone number may be primary (an error).",
        "Atlassian /Schemas canonicalValues for phoneNumbers.type; RFC 7643 §2.4 (at most one primary); reference/atlassian-scim.md §11",
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
    ATL_U_018 = "ATL-U-018", Error, Some(400), Some("invalidValue"),
        "A user whose primary email is outside the verified domains linked to this directory (config verified_domains; with several identity-provider directories only the directory linked to a user's email domain may update the user) is an external user: created, but later attribute changes are not applied (config require_verified_domain makes it the older 400); with current, a PUT or PATCH to such a user is a warning that Atlassian will not apply it and may drop its SCIM group memberships. Off when verified_domains is empty.",
        "Atlassian (users outside verified domains sync since 2020-11-15; Entra connector limitations); Atlassian support: an attribute update to an account the organization does not manage removes its SCIM groups (reference/atlassian-scim.md §13); older API text: 400",
        r#""emails": [{"value":"jane@gmail.com","primary":true}]"#,
        "Verify and claim the domain in Atlassian Administration, or accept that the account stays unmanaged.";
    ATL_U_019 = "ATL-U-019", Warning, None, None,
        "Changing a user's primary email from a verified domain linked to this directory (config verified_domains) to one that is not unlinks the Atlassian account and drops its SCIM group memberships (PUT, and PATCH judged against current). Off when verified_domains is empty.",
        "Atlassian KB (email change to an unverified domain), ACCESS-2172, ACCESS-1737",
        "current bjensen@example.com → new bjensen@gmail.com",
        "Claim the new domain first, or keep the email on a verified domain.";
    ATL_U_020 = "ATL-U-020", Warning, None, None,
        "displayName overwrites name.givenName and name.familyName at Atlassian, and is built from them when empty: a display name that disagrees with the names makes every sync change them again.",
        "Atlassian KB (email change not reflected: the display name overwrites first and last name); PingFederate Atlassian connector (empty display name is given + family)",
        r#"{"displayName":"Bob Smith","name":{"givenName":"Robert","familyName":"Smith"}}"#,
        "Send a displayName that is the given name and family name joined, or let atlscim derive the names from it.";
    ATL_U_021 = "ATL-U-021", Warning, None, None,
        "PUT /Users/{id} replaces the whole user: attributes the current user has and the PUT leaves out are cleared.",
        "Atlassian OpenAPI (PUT: \"unspecified values are cleared\")",
        r#"PUT without "title" when the current user has one"#,
        "Send every attribute the user should keep, or change only what differs with PATCH.";
    ATL_U_022 = "ATL-U-022", Warning, None, None,
        "A PATCH that replaces emails with the emails the user already has can fail with a 400 about the primary email; normalized drops it.",
        "Atlassian bug ID-8027 (replacing unchanged emails answers \"One email address need to be marked as primary\")",
        r#"{"op":"replace","path":"emails","value":[…the same emails…]}"#,
        "Send email operations only when the emails change.";
    ATL_U_023 = "ATL-U-023", Error, Some(404), None,
        "After DELETE, the user's id is gone: any later request for it answers 404 (create the user again with POST).",
        "Atlassian OpenAPI (DELETE deletes the SCIM record; later calls 404)",
        "DELETE /Users/2819c223 then PATCH /Users/2819c223 in one batch",
        "POST the user again and use its new id.";
    ATL_U_024 = "ATL-U-024", Error, Some(400), Some("invalidValue"),
        "photos is [{value: an https URL, type: \"photo\", primary?}]: Atlassian fetches the URL (HEAD and GET answering image/jpeg) and syncs the photo of type photo; another URL or type is accepted but the photo is not synced (a warning), and more than one primary is an error.",
        "Atlassian support: Sync user profile photos to your organization (reference/atlassian-scim.md §13); RFC 7643 §4.1.2 photos, §2.4 at most one primary",
        r#""photos": [{"value": "http://cdn.example.com/p.jpg", "type": "thumbnail"}]"#,
        "Send one https URL that answers with a JPEG, as type photo, marked primary.";
    MAP_001 = "MAP-001", Error, Some(400), Some("invalidValue"),
        "A value the mapping marks required has no usable source in the record (or the record is not a JSON object); the user cannot be built.",
        "atlscim mapping (\"required\": true; the presets require userName and the work email)",
        r#"an Entra user with neither userPrincipalName nor mail"#,
        "Fill the source attribute in the identity provider, or map the target from another attribute.";
    MAP_002 = "MAP-002", Warning, None, None,
        "A source value could not be used for its target (the wrong JSON type, or a transform refused it); the attribute is left out.",
        "atlscim mapping",
        r#""accountEnabled": "maybe""#,
        "Fix the value at the source, or change the mapping's transform.";
    MAP_003 = "MAP-003", Warning, None, None,
        "preferredLanguage is not one of Atlassian's 26 product languages; the nearest one is sent when one shares the language (fr-CA → fr-FR, nb → no-NO).",
        "Atlassian Forge supported locale codes (26 locales); CLDR parent locales and likely subtags (ICU4X)",
        r#""preferredLanguage": "fr-CA""#,
        "Nothing to do if the nearest language suits the user; otherwise set one of Atlassian's languages at the source.";
    MAP_004 = "MAP-004", Info, None, None,
        "A nested group in the membership was flattened: its users were added to the group itself (Atlassian groups cannot contain groups).",
        "Atlassian: no nested groups in Cloud, flatten before syncing (reference/atlassian-scim.md §3)",
        r##"members: [{"@odata.type":"#microsoft.graph.group", "members":[…]}]"##,
        "Nothing to do: send the flattened group.";
    MAP_005 = "MAP-005", Warning, None, None,
        "A group member could not be used: no id, not a user or group, a nested group without its members, a cycle, or nesting too deep.",
        "atlscim group mapping; Atlassian members must be user ids (ATL-G-005, ATL-G-006)",
        r#"members: [{"displayName":"Jane"}]"#,
        "Give every member its id (scimId for the Atlassian SCIM id), and expand nested groups' members.";
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
    RFC_F_001 = "RFC-F-001", Error, Some(400), Some("invalidFilter"),
        "The filter does not parse (RFC 7644 §3.4.2.2): the detail gives the character offset and what was expected.",
        "RFC 7644 §3.4.2.2, §3.12 invalidFilter",
        r#"userName eq 'bjensen'"#,
        "Quote string values with double quotes and use the RFC operators.";
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
    RFC_J_006 = "RFC-J-006", Warning, None, None,
        "More issues than limits.max_issues were found: the report keeps that many (errors first, then warnings, then infos; each in report order) and this last issue says how many more there were, by severity and rule.",
        "atlscim limit (config limits.max_issues, default 1,000): a report's size is bounded whatever the body",
        "a 16 MB body of 8 million wrongly typed values",
        "Fix the errors shown and check again, or raise limits.max_issues to see more at once.";
    RFC_P_001 = "RFC-P-001", Error, Some(400), Some("invalidSyntax"),
        "A PATCH operation must be an object with op, and optionally path and value; nothing else.",
        "RFC 7644 §3.5.2",
        r#"{"op":"add","path":"title","value":"x","from":"nickName"}"#,
        "Send each operation as {\"op\", \"path\", \"value\"}.";
    RFC_P_002 = "RFC-P-002", Error, Some(400), Some("invalidPath"),
        "The path is not a string, does not parse, or names no attribute of the resource type (an enterprise path written with '.' gets a hint).",
        "RFC 7644 §3.5.2, §3.10, §3.12 invalidPath",
        r#""path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager""#,
        "Write paths as attr, attr.sub, urn:…:attr or attr[filter].sub with the schema's names.";
    RFC_P_003 = "RFC-P-003", Error, Some(400), Some("mutability"),
        "The operation writes a read-only attribute, or replaces or removes an immutable one.",
        "RFC 7643 §7 mutability; RFC 7644 §3.5.2",
        r#"{"op":"replace","path":"id","value":"x"}"#,
        "Leave read-only and immutable attributes out of PATCH.";
    RFC_P_004 = "RFC-P-004", Error, Some(400), Some("noTarget"),
        "The operation has no target: a remove without a path, a replace whose value filter matches nothing (strict mode; lenient mode creates the value, as Entra ID expects), or an add through a value filter that matches several values.",
        "RFC 7644 §3.5.2.2, §3.5.2.3 noTarget",
        r#"{"op":"remove","path":"emails[type eq \"fax\"]"}"#,
        "Give remove a path, and check value filters against the current resource.";
    RFC_P_005 = "RFC-P-005", Error, Some(400), Some("invalidValue"),
        "The operation removes a required attribute, or gives a value that does not fit the attribute.",
        "RFC 7644 §3.5.2.2, §3.12 invalidValue",
        r#"{"op":"remove","path":"userName"}"#,
        "Keep required attributes; send values of the attribute's type.";
    RFC_P_006 = "RFC-P-006", Error, Some(413), None,
        "A PATCH with more operations than limits.max_operations, more values for one multi-valued attribute than limits.max_patch_values, or operations that would write more than limits.max_body_bytes into the resource (a value copied into every value of a large multi-valued attribute, such as emails.type or members through a filter).",
        "atlscim limits (config limits.max_operations, default 1,000; limits.max_patch_values, default 10,000; limits.max_body_bytes, default 16 MiB); Atlassian documents none",
        "a PATCH adding 50,000 members",
        "Split the change into several PATCH requests.";
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
    RFC_R_003 = "RFC-R-003", Error, Some(400), None,
        "HTTP methods are case-sensitive: `post` is not POST.",
        "RFC 7231 §4.1 (\"The method token is case-sensitive\"). Status 400, not 405: 405 is for a method the server knows but the resource does not allow (RFC 7231 §6.5.5), and `post` is no method it knows; front ends such as nginx refuse a request line whose method is not upper case as malformed (400) before any SCIM handler sees it. An origin server reached directly would answer 501 (RFC 7231 §4.1, RFC 7644 §3.12)",
        "post /Users",
        "Send the method in upper case: GET, POST, PUT, PATCH or DELETE.";
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

/// ATL-G-005 as a PATCH meets it: Atlassian answers a member that is not a user id of the
/// directory with 404 to a PATCH (400 to a PUT, [`ATL_G_005`]). The same rule, so it is not listed
/// in [`RULES`] a second time; only the status differs.
pub static ATL_G_005_PATCH: Rule = Rule { status: Some(404), scim_type: None, ..copy_of(&ATL_G_005) };

/// Where an Atlassian rule takes an RFC rule's place in a body.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At {
    /// The top-level attribute of the core schema so named.
    Top(&'static str),
    /// Any sub-attribute of the complex attribute so named.
    Under(&'static str),
    /// Anywhere in a body of the resource type.
    Anywhere,
}

/// An Atlassian rule that refines an RFC rule: where the Atlassian profile checks a body of `kind`
/// `at` that place (or, for `Anywhere`, a PatchOp message for a resource of `kind`), a breach of
/// `rfc` is reported as `atl` (reference §11 names the Atlassian rule for the case); the rfc
/// profile reports `rfc`.
#[derive(Debug)]
pub(crate) struct Refinement {
    pub rfc: &'static Rule,
    pub atl: &'static Rule,
    pub kind: ResourceKind,
    pub at: At,
}

/// Every refinement, the one list the walk consults (first match wins).
pub(crate) static REFINEMENTS: &[Refinement] = {
    use At::{Anywhere, Top, Under};
    use ResourceKind::{Group, User};
    const fn r(rfc: &'static Rule, atl: &'static Rule, kind: ResourceKind, at: At) -> Refinement {
        Refinement { rfc, atl, kind, at }
    }
    &[
        // A required attribute missing.
        r(&RFC_A_003, &ATL_G_001, Group, Top("displayName")),
        r(&RFC_A_003, &ATL_U_001, User, Top("userName")),
        r(&RFC_A_003, &ATL_U_002, User, Top("emails")),
        // A value of the wrong JSON type.
        r(&RFC_T_001, &ATL_U_001, User, Top("userName")),
        r(&RFC_T_001, &ATL_U_002, User, Top("emails")),
        r(&RFC_T_001, &ATL_U_017, User, Top("active")),
        // A boolean sent as a string.
        r(&RFC_T_002, &ATL_U_017, User, Top("active")),
        // A value outside the canonical values.
        r(&RFC_V_001, &ATL_U_005, User, Under("emails")),
        r(&RFC_V_001, &ATL_U_014, User, Under("phoneNumbers")),
        r(&RFC_V_001, &ATL_U_024, User, Under("photos")),
        // A second primary value.
        r(&RFC_V_002, &ATL_U_014, User, Top("phoneNumbers")),
        // A read-only attribute sent.
        r(&RFC_A_004, &ATL_U_010, User, Anywhere),
        // `schemas` malformed, missing a URN, or naming a schema the resource type does not have.
        r(&RFC_S_001, &ATL_U_016, User, Anywhere),
        r(&RFC_S_002, &ATL_U_016, User, Anywhere),
        r(&RFC_S_003, &ATL_U_016, User, Anywhere),
        // A PatchOp `remove` without a path.
        r(&RFC_P_004, &ATL_P_004, User, Anywhere),
        r(&RFC_P_004, &ATL_P_004, Group, Anywhere),
    ]
};

/// The rule a breach of `rfc` is reported as where a profile with these `refinements` (the
/// Atlassian profile's are [`REFINEMENTS`], the rfc profile has none) checks `attr` (a top-level
/// attribute when `top`, a sub-attribute of `parent` otherwise) in a body of `kind`: the
/// Atlassian rule refining it there, or `rfc` itself.
pub(crate) fn refined(
    refinements: &[Refinement],
    rfc: &'static Rule,
    kind: ResourceKind,
    attr: Option<&str>,
    parent: Option<&str>,
    top: bool,
) -> &'static Rule {
    let named = |name: Option<&str>, want: &str| name.is_some_and(|n| n.eq_ignore_ascii_case(want));
    refinements
        .iter()
        .find(|r| {
            std::ptr::eq(r.rfc, rfc)
                && r.kind == kind
                && match r.at {
                    At::Top(name) => top && named(attr, name),
                    At::Under(name) => named(parent, name),
                    At::Anywhere => true,
                }
        })
        .map_or(rfc, |r| r.atl)
}

/// How an answer of Atlassian names the rule that refused a request: by words its error detail
/// holds (every one, compared in lower case), or by its status alone where the detail says
/// nothing more. Part of a rule's metadata, so `classify_response` names no rule itself.
#[derive(Debug)]
pub(crate) enum Answer {
    Detail(&'static [&'static str]),
    Status(&'static [u16]),
}

/// Atlassian's answers and their rules, the one list `classify_response` reads (first match
/// wins): a rate limit, server error or rejected credential is the retry rule whatever its
/// detail; then the details Atlassian writes for a rule (reference §5.1 and each rule's summary);
/// then a bare 404 or 409.
pub(crate) static ANSWERS: &[(Answer, &Rule)] = {
    use Answer::{Detail, Status};
    &[
        (Status(&[429, 500, 502, 503, 504, 401, 403]), &ATL_R_001),
        (Detail(&["need to be marked as primary"]), &ATL_U_003),
        (Detail(&["with email[", "already exists"]), &ATL_U_008),
        (Detail(&["with displayname already exists"]), &ATL_G_003),
        (Detail(&["invalid filter"]), &ATL_Q_001),
        (Detail(&["users referenced do not exist"]), &ATL_G_005),
        (Status(&[404]), &ATL_U_023),
        (Status(&[409]), &ATL_U_007),
    ]
};

/// The rule an answer of Atlassian with `status` and error `detail` corresponds to, when one of
/// [`ANSWERS`] matches it.
pub(crate) fn answered(status: u16, detail: Option<&str>) -> Option<&'static Rule> {
    let detail = detail.unwrap_or_default().to_ascii_lowercase();
    ANSWERS
        .iter()
        .find(|(answer, _)| match answer {
            Answer::Detail(words) => words.iter().all(|w| detail.contains(w)),
            Answer::Status(statuses) => statuses.contains(&status),
        })
        .map(|(_, rule)| *rule)
}

/// The fields of a rule, for a variant of it that differs in a field or two.
const fn copy_of(r: &Rule) -> Rule {
    Rule {
        id: r.id,
        severity: r.severity,
        status: r.status,
        scim_type: r.scim_type,
        status_inferred: r.status_inferred,
        summary: r.summary,
        source: r.source,
        example: r.example,
        advice: r.advice,
    }
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
         A status marked *(inferred)* is one Atlassian does not document (reference/atlassian-scim.md \
         §11 marks it `?`): atlscim reports RFC 7644's answer for the case, and Atlassian may answer \
         otherwise.\n\n\
         | id | severity | status | scimType | rule | what to do | source | example |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let cell = |s: &str| s.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | `{}` |\n",
            r.id,
            r.severity.as_str(),
            match (r.status, r.status_inferred) {
                (None, _) => "—".to_string(),
                (Some(s), false) => s.to_string(),
                (Some(s), true) => format!("{s} *(inferred)*"),
            },
            r.scim_type.unwrap_or("—"),
            cell(r.summary),
            cell(r.advice),
            cell(r.source),
            cell(r.example).replace('`', "'"),
        ));
    }
    out.push_str(DISAGREEMENTS);
    out
}

/// Where Atlassian's sources contradict each other (reference/atlassian-scim.md §10): the rule,
/// the behaviour atlscim follows, and the config that selects the other.
const DISAGREEMENTS: &str = "
## Where Atlassian's sources disagree

atlscim follows the current behaviour and, where users may still meet the older one, offers it
as a config key.

| topic | rule | atlscim follows | the other behaviour |
|---|---|---|---|
| users outside verified domains | ATL-U-018 | current: created as external users (a warning) | older API text: refused with 400 — `require_verified_domain: true` |
| DELETE /Users/{id} | ATL-D-001 | current: unlink, deactivate, delete the SCIM record (a warning) | older text: deactivate, reactivatable — `delete_semantics: \"deactivate\"` (an info) |
| users per directory | ATL-L-001 | 150,000 | 5,000 and 70,000 (older), 1,000,000 (platform maximum) — `limits.users_per_directory` |
| users per group | ATL-G-007 | 35,000 | 20,000, 50,000 (on request), 290,000 (platform maximum) — `limits.users_per_group` |
| extension URN versions | ATL-U-016 | enterprise 2.0, atlassian-external 1.0 (what /Schemas and responses use) | 2.1 / 1.1 (go-atlassian) are accepted and rewritten, with an info |
| PATCH body key | ATL-P-002 | `Operations` is sent | `operations` (Atlassian's OpenAPI schema) is accepted and rewritten, with an info |
| page size | ATL-Q-002 | 100 results per page (the KB) | `maxResults` 10,000 in ServiceProviderConfig is not relied on |
| unknown group members | ATL-G-005 | the OpenAPI: PATCH answers 404, PUT 400 \"users referenced do not exist\" | — |
| PATCH of an attribute Atlassian does not store | ATL-P-005 | lenient: the operation is dropped with a warning (real Entra ID mappings send manager, addresses, roles); the body as sent is taken to get 400 (`sentStatus`) | strict (`lenient: false`): the 400 `invalidPath` error |
| a PUT without `current` naming a known userName or email | ATL-U-008 | a warning: it may be the user's own | with `current` showing a change: 409 |
| profile photos | ATL-U-024 | current (support: \"Sync user profile photos\"): `photos` is stored, its shape checked | older: absent from /Schemas, dropped as unsupported (ATL-U-011) |
| time zones | ATL-U-012 | current (KB on setting the time zone via SCIM): only names on Atlassian's list apply; atlscim takes it to be ICU's canonical region-based ids plus `UTC`, and warns for the rest | /Schemas and RFC 7643: any IANA name, `Etc/GMT+8` included |
| group names that clash with site groups | ATL-G-004 | current: default access and built-in names are created but not synced (a warning) | older: any site-group name failed to propagate — list such names in `reserved_groups` |
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refinements_map_an_rfc_rule_to_an_atlassian_rule() {
        for r in REFINEMENTS {
            assert!(r.rfc.id.starts_with("RFC-") && r.atl.id.starts_with("ATL-"), "{} -> {}", r.rfc.id, r.atl.id);
        }
    }

    #[test]
    fn refined_picks_the_atlassian_rule_only_where_the_table_says() {
        use ResourceKind::{Group, User};
        // A top-level attribute, by name ignoring case; not when nested.
        assert_eq!(refined(REFINEMENTS, &RFC_T_001, User, Some("username"), None, true).id, "ATL-U-001");
        assert_eq!(refined(REFINEMENTS, &RFC_T_001, User, Some("userName"), None, false).id, "RFC-T-001");
        assert_eq!(refined(REFINEMENTS, &RFC_T_001, Group, Some("userName"), None, true).id, "RFC-T-001");
        assert_eq!(refined(REFINEMENTS, &RFC_A_003, Group, Some("displayName"), None, true).id, "ATL-G-001");
        // Under a parent, whatever the attribute.
        assert_eq!(refined(REFINEMENTS, &RFC_V_001, User, Some("type"), Some("phoneNumbers"), false).id, "ATL-U-014");
        assert_eq!(refined(REFINEMENTS, &RFC_V_001, User, Some("type"), Some("addresses"), false).id, "RFC-V-001");
        // Anywhere in a User; never in a Group.
        assert_eq!(refined(REFINEMENTS, &RFC_A_004, User, None, None, false).id, "ATL-U-010");
        assert_eq!(refined(REFINEMENTS, &RFC_A_004, Group, None, None, false).id, "RFC-A-004");
        // A PatchOp `remove` without a path, for either resource type; the rfc profile's own.
        assert_eq!(refined(REFINEMENTS, &RFC_P_004, Group, None, None, false).id, "ATL-P-004");
        assert_eq!(refined(REFINEMENTS, &RFC_P_004, User, None, None, false).id, "ATL-P-004");
        assert_eq!(refined(&[], &RFC_P_004, User, None, None, false).id, "RFC-P-004");
        // An RFC rule with no refinement stays itself.
        assert_eq!(refined(REFINEMENTS, &RFC_A_002, User, Some("userName"), None, true).id, "RFC-A-002");
    }

    #[test]
    fn answers_are_matched_in_lower_case_and_in_order() {
        // The detail is lower-cased before it is matched: a word with a capital never matches.
        for (answer, rule) in ANSWERS {
            if let Answer::Detail(words) = answer {
                assert!(words.iter().all(|w| *w == w.to_ascii_lowercase()), "{}: {words:?}", rule.id);
            }
        }
        let id = |status, detail| answered(status, detail).map(|r| r.id);
        assert_eq!(id(409, Some("Resource [USER]: with email[a@b.example] already exists.")), Some("ATL-U-008"));
        assert_eq!(id(409, Some("Group with displayName already exists")), Some("ATL-G-003"));
        // Every word must be there, and a status-only answer follows the details.
        assert_eq!(id(409, Some("with email[x] is taken")), Some("ATL-U-007"));
        assert_eq!(id(404, None), Some("ATL-U-023"));
        // A rate limit is the retry rule whatever its detail says.
        assert_eq!(id(429, Some("Invalid filter")), Some("ATL-R-001"));
        assert_eq!(id(400, Some("Invalid filter: userName eq")), Some("ATL-Q-001"));
        assert_eq!(id(400, Some("something else")), None);
    }

    #[test]
    fn ids_are_unique_and_sorted() {
        for pair in RULES.windows(2) {
            assert!(pair[0].id < pair[1].id, "{} must sort before {}", pair[0].id, pair[1].id);
        }
    }

    #[test]
    fn inferred_statuses_are_atlassian_errors() {
        for id in INFERRED_STATUS {
            let r = rule(id).unwrap_or_else(|| panic!("{id} is not a rule"));
            assert!(r.status_inferred && r.status.is_some(), "{id}");
        }
        assert!(!ATL_U_003.status_inferred && !ATL_G_005.status_inferred && !RFC_P_004.status_inferred);
        assert_eq!(RULES.iter().filter(|r| r.status_inferred).count(), INFERRED_STATUS.len());
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
