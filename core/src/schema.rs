//! SCIM schemas as data.
//!
//! The schemas live in `core/schemas/*.json` as the same documents a SCIM `/Schemas` endpoint
//! returns (RFC 7643 §7): the RFC 7643 User, Group and EnterpriseUser schemas, and Atlassian's
//! own versions of them as its `/Schemas` endpoint describes them (a subset of the RFC's, plus two
//! Atlassian extensions). They are parsed once, on first use, into [`SchemaSet`]s whose attribute
//! characteristics (type, multiValued, required, mutability, caseExact, canonicalValues, …) drive
//! every generic check; no attribute has hand-written validation code except where Atlassian
//! documents a rule about it.
//!
//! Attribute names and schema URNs are case-insensitive (RFC 7643 §2.1), so every lookup here
//! ignores ASCII case.

use std::sync::LazyLock;

use serde::Deserialize;

/// Schema URN of the core User resource (RFC 7643 §4.1).
pub const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Schema URN of the core Group resource (RFC 7643 §4.2).
pub const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// Schema URN of the Enterprise User extension (RFC 7643 §4.3).
pub const ENTERPRISE_URN: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Atlassian's read-only extension carrying the linked `atlassianAccountId`.
pub const ATLASSIAN_EXTERNAL_URN: &str = "urn:scim:schemas:extension:atlassian-external:1.0";
/// Atlassian's custom-attribute extension (`basedIn`).
pub const ATLASSIAN_CUSTOM_URN: &str = "urn:scim:schemas:extension:atlassian-custom:1.0:Attributes";
/// Message URN of a PATCH request (RFC 7644 §3.5.2).
pub const PATCH_OP_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// Message URN of an error response (RFC 7644 §3.12).
pub const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The data type of an attribute (RFC 7643 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum AttrType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

impl AttrType {
    /// The name RFC 7643 uses for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Boolean => "boolean",
            AttrType::Decimal => "decimal",
            AttrType::Integer => "integer",
            AttrType::DateTime => "dateTime",
            AttrType::Binary => "binary",
            AttrType::Reference => "reference",
            AttrType::Complex => "complex",
        }
    }
}

/// Whether and when a client may write an attribute (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

/// When a service provider returns an attribute (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

/// How a service provider enforces uniqueness (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

/// One attribute definition with its characteristics.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: AttrType,
    pub multi_valued: bool,
    #[serde(default)]
    pub description: String,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    #[serde(default)]
    pub canonical_values: Vec<String>,
    #[serde(default)]
    pub reference_types: Vec<String>,
    #[serde(default)]
    pub sub_attributes: Attributes,
    /// The Atlassian rule that runs where this attribute is walked: set on Atlassian's schemas
    /// when they are built ([`ATLASSIAN`]), never read from a schema document, so the walk asks
    /// the attribute which Atlassian rule applies instead of asking the profile.
    #[serde(skip)]
    pub(crate) check: Option<AtlassianCheck>,
    /// In a schema set that narrows another ([`SchemaSet::narrows`]), the attribute of that set
    /// at the same place: linked when the set is built, so the walk does not look it up by name
    /// for every member it reads.
    #[serde(skip)]
    pub(crate) rfc: Option<&'static Attribute>,
    /// What the walk keeps of this attribute's value when it meets it in an object, known from
    /// the name when the schema is read, so the walk does not compare names for every member.
    #[serde(skip)]
    pub(crate) gathered: Option<Gathered>,
}

/// The sub-attributes whose values the walk keeps: an element's `value`, `type`, `primary` and
/// `$ref` (for the rules on multi-valued attributes), and `name`'s `givenName` and `familyName`
/// (for the display-name rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gathered {
    Value,
    Type,
    Primary,
    Ref,
    GivenName,
    FamilyName,
}

impl Gathered {
    fn of(name: &str) -> Option<Gathered> {
        [
            ("value", Gathered::Value),
            ("type", Gathered::Type),
            ("primary", Gathered::Primary),
            ("$ref", Gathered::Ref),
            ("givenName", Gathered::GivenName),
            ("familyName", Gathered::FamilyName),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, g)| g)
    }
}

/// The Atlassian rules that run at a tagged attribute of Atlassian's schemas: in the walk, and
/// where a PatchOp reaches the attribute (read, applied, or built by a diff). Their homes are in
/// `walk/` and `patch/`; the schema only says where they apply, so neither asks the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtlassianCheck {
    /// A User's `timezone`: on Atlassian's list (ATL-U-012).
    Timezone,
    /// A User's `preferredLanguage`: one of Atlassian's languages (ATL-U-013).
    PreferredLanguage,
    /// A User's `emails`: exactly one primary, one email per type, no address twice
    /// (ATL-U-003/005/006); a PATCH that replaces them with the same emails is dropped (ATL-U-022).
    Emails,
    /// `emails[].value`: the address's syntax and IDNA form (ATL-U-004).
    EmailValue,
    /// A User's `photos`: a type on each photo, at most one primary (ATL-U-024).
    Photos,
    /// `photos[].value`: an https URL (ATL-U-024).
    PhotoValue,
    /// A Group's `members`: the member rules of `walk/groups.rs`, the count for the group size
    /// limit, and the warning on a PATCH that replaces the whole membership (ATL-G-008).
    Members,
    /// A Group's `displayName`: Atlassian does not rename a synced group (ATL-G-002), in a
    /// PATCH or a diff.
    GroupName,
    /// A User's `displayName`: Atlassian overwrites `name.givenName` and `name.familyName` from it
    /// when a PATCH sets it (ATL-U-020; `ApplyOptions::display_name_overwrites_names`).
    DisplayName,
    /// An enterprise attribute Atlassian's OpenAPI also lists at the top level of a User
    /// (`department`, `organization`).
    AlsoAtTop,
}

impl ResourceType {
    /// Whether the core attribute `name` of this resource type carries the Atlassian check
    /// `check` (never, in RFC 7643's schemas).
    pub(crate) fn core_tagged(&self, name: &str, check: AtlassianCheck) -> bool {
        self.core.attribute(name).is_some_and(|a| a.check == Some(check))
    }
}

impl Attribute {
    /// Looks up a sub-attribute by name, ignoring ASCII case.
    pub fn sub_attribute(&self, name: &str) -> Option<&Attribute> {
        self.sub_attributes.find(name)
    }

    /// Whether the name matches, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.len() == name.len() && self.name.eq_ignore_ascii_case(name)
    }

    /// The canonical value equal to `value` ignoring case, if `value` is not canonical as sent.
    pub fn canonical_for(&self, value: &str) -> Option<&str> {
        self.canonical_values.iter().find(|c| c.eq_ignore_ascii_case(value)).map(String::as_str)
    }
}

/// A list of attribute definitions with a lookup index.
///
/// Lookups ignore ASCII case. Each attribute's name length and lower-cased first byte are packed
/// into one `u16` key, and a small open-addressing table maps keys to the attributes' indexes, so
/// a lookup hashes the key, probes a slot or two and compares names only for a candidate whose
/// length and first letter match — usually the attribute itself, by `same_bytes`. The walk
/// looks up every member it meets; against a scan of the keys and `memcmp`, this takes 1.7 % off
/// the rfc check of the benchmark user (instructions, `make bench-instructions`).
#[derive(Debug, Default)]
pub struct Attributes {
    list: Vec<Attribute>,
    keys: Vec<u16>,
    /// Indexes into `list` by the hash of their key (linear probing, [`EMPTY`] where none);
    /// a power of two at least twice the attributes, or empty when there are none.
    slots: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

fn lookup_key(name: &str) -> u16 {
    let len = name.len().min(255) as u16;
    let first = name.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    (len << 8) | u16::from(first)
}

/// The first slot to probe for `key` in a table of `mask + 1` slots (Fibonacci hashing: the
/// high bits of the product mix both the length and the letter).
fn slot_of(key: u16, mask: usize) -> usize {
    (u32::from(key).wrapping_mul(0x9E37_79B1) >> 16) as usize & mask
}

/// `a == b` for the short names of attributes, without a call to `memcmp`: two overlapping
/// words compared for 4 to 16 bytes (nearly every attribute name), the slices' `==` otherwise.
#[inline]
fn same_bytes(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word8 = |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| w.try_into().ok()).map(u64::from_ne_bytes);
    let word4 = |s: &[u8], at: usize| s.get(at..at + 4).and_then(|w| w.try_into().ok()).map(u32::from_ne_bytes);
    match n {
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        _ => a == b,
    }
}

impl Attributes {
    /// Tags the attribute named `name` (as the schema writes it) with an Atlassian check.
    fn tag(&mut self, name: &str, check: AtlassianCheck) -> &mut Attribute {
        let attr = self.list.iter_mut().find(|a| a.name == name);
        let attr = attr.unwrap_or_else(|| panic!("Atlassian's schema has no attribute {name}"));
        attr.check = Some(check);
        attr
    }

    /// Links each attribute, and its sub-attributes, to the attribute of the same name in `wider`
    /// (the same place in the schemas these narrow), when there is one.
    fn link(&mut self, wider: &dyn Fn(&str) -> Option<&'static Attribute>) {
        for attr in &mut self.list {
            attr.rfc = wider(&attr.name);
            let subs = attr.rfc.map(|w| &w.sub_attributes);
            attr.sub_attributes.link(&|name| subs.and_then(|s| s.find(name)));
        }
    }

    fn new(mut list: Vec<Attribute>) -> Attributes {
        for attr in &mut list {
            attr.gathered = Gathered::of(&attr.name);
        }
        let keys: Vec<u16> = list.iter().map(|a| lookup_key(&a.name)).collect();
        let mut slots = Vec::new();
        if !keys.is_empty() {
            slots = vec![EMPTY; (keys.len() * 2).next_power_of_two()];
            let mask = slots.len() - 1;
            // Inserted in list order, so of two names equal but for case, the probe meets the
            // first one listed first, as a scan of the list would.
            for (i, &key) in keys.iter().enumerate() {
                let mut at = slot_of(key, mask);
                while slots[at] != EMPTY {
                    at = (at + 1) & mask;
                }
                slots[at] = i as u32; // a schema of 4 billion attributes is refused long before
            }
        }
        Attributes { list, keys, slots }
    }

    /// Finds an attribute by name, ignoring ASCII case.
    pub fn find(&self, name: &str) -> Option<&Attribute> {
        self.position(name).map(|(_, a)| a)
    }

    /// Like [`Attributes::find`], also giving the attribute's index in the list.
    pub fn position(&self, name: &str) -> Option<(usize, &Attribute)> {
        if self.slots.is_empty() {
            return None;
        }
        let key = lookup_key(name);
        let mask = self.slots.len() - 1;
        let mut at = slot_of(key, mask);
        loop {
            let i = self.slots[at];
            if i == EMPTY {
                return None;
            }
            let i = i as usize;
            // Clients nearly always write names as the schema does: try the exact bytes first.
            if self.keys[i] == key
                && (same_bytes(&self.list[i].name, name) || self.list[i].name.eq_ignore_ascii_case(name))
            {
                return Some((i, &self.list[i]));
            }
            at = (at + 1) & mask;
        }
    }
}

impl std::ops::Deref for Attributes {
    type Target = [Attribute];
    fn deref(&self) -> &[Attribute] {
        &self.list
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Attributes, D::Error> {
        Vec::<Attribute>::deserialize(d).map(Attributes::new)
    }
}

/// A schema document: the core schema of a resource type or an extension.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub attributes: Attributes,
}

impl Schema {
    /// Looks up a top-level attribute of this schema, ignoring case.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.find(name)
    }
}

/// Which kind of resource an endpoint serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    User,
    Group,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::User => "User",
            ResourceKind::Group => "Group",
        }
    }
}

/// A resource type (RFC 7643 §6): its core schema, the common attributes every resource has
/// (`id`, `externalId`, `meta`) and the extensions it allows.
#[derive(Debug)]
pub struct ResourceType {
    pub kind: ResourceKind,
    pub core: Schema,
    /// The RFC 7643 §3.1 common attributes, kept apart so that `/Schemas` documents stay as the
    /// RFC prints them.
    pub common: Attributes,
    pub extensions: Vec<Schema>,
}

impl ResourceType {
    /// A top-level attribute of the core schema or a common attribute, ignoring case.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.core.attributes.find(name).or_else(|| self.common.find(name))
    }

    /// Links every attribute to the one at the same place in `wider`, the resource type these
    /// schemas narrow ([`Attribute::rfc`]).
    fn link(&mut self, wider: &'static ResourceType) {
        self.core.attributes.link(&|name| wider.attribute(name));
        self.common.link(&|name| wider.attribute(name));
        for ext in &mut self.extensions {
            let same = wider.extension(&ext.id);
            ext.attributes.link(&|name| same.and_then(|s| s.attribute(name)));
        }
    }

    /// The extension schema with this URN, ignoring case.
    pub fn extension(&self, urn: &str) -> Option<&Schema> {
        self.extensions.iter().find(|s| s.id.len() == urn.len() && s.id.eq_ignore_ascii_case(urn))
    }
}

/// The resource types one profile knows.
#[derive(Debug)]
pub struct SchemaSet {
    pub user: ResourceType,
    pub group: ResourceType,
    /// The schemas this set narrows: an attribute of theirs that is not one of these is one the
    /// server does not store (Atlassian's narrow RFC 7643's; RFC 7643's narrow none).
    pub(crate) narrows: Option<&'static SchemaSet>,
    /// Extension URNs clients send with the wrong version, and the URN the server uses.
    pub(crate) urn_aliases: &'static [(&'static str, &'static str)],
}

/// Extension URNs that clients send with the wrong version, and the URN Atlassian uses
/// (reference/atlassian-scim.md §2.1, contradiction 5).
const ATLASSIAN_URN_ALIASES: &[(&str, &str)] = &[
    ("urn:ietf:params:scim:schemas:extension:enterprise:2.1:User", ENTERPRISE_URN),
    ("urn:scim:schemas:extension:atlassian-external:1.1", ATLASSIAN_EXTERNAL_URN),
];

impl SchemaSet {
    pub fn resource(&self, kind: ResourceKind) -> &ResourceType {
        match kind {
            ResourceKind::User => &self.user,
            ResourceKind::Group => &self.group,
        }
    }
}

#[derive(Deserialize)]
struct CommonDocument {
    attributes: Attributes,
}

// The documents are part of the crate; a test parses every one of them, so a mistake in them is
// caught before release rather than at a user's first call.
fn parse_schema(text: &str) -> Schema {
    serde_json::from_str(text).expect("bundled schema documents are valid (tested)")
}

fn common() -> Attributes {
    serde_json::from_str::<CommonDocument>(COMMON_JSON)
        .expect("bundled common attributes are valid (tested)")
        .attributes
}

const COMMON_JSON: &str = include_str!("../schemas/common.json");

/// The RFC 7643 schema documents, as `/Schemas` would return them.
pub const RFC_DOCUMENTS: [&str; 3] = [
    include_str!("../schemas/rfc7643/user.json"),
    include_str!("../schemas/rfc7643/group.json"),
    include_str!("../schemas/rfc7643/enterprise_user.json"),
];

/// Atlassian's schema documents, as its `/Schemas` endpoint describes them
/// (reference/atlassian-scim.md §2, §3, §9).
pub const ATLASSIAN_DOCUMENTS: [&str; 5] = [
    include_str!("../schemas/atlassian/user.json"),
    include_str!("../schemas/atlassian/group.json"),
    include_str!("../schemas/atlassian/enterprise_user.json"),
    include_str!("../schemas/atlassian/atlassian_external.json"),
    include_str!("../schemas/atlassian/atlassian_custom.json"),
];

/// RFC 7643 as written.
pub static RFC: LazyLock<SchemaSet> = LazyLock::new(|| {
    let [user, group, enterprise] = RFC_DOCUMENTS.map(parse_schema);
    SchemaSet {
        user: ResourceType { kind: ResourceKind::User, core: user, common: common(), extensions: vec![enterprise] },
        group: ResourceType { kind: ResourceKind::Group, core: group, common: common(), extensions: vec![] },
        narrows: None,
        urn_aliases: &[],
    }
});

/// The enterprise attributes Atlassian's OpenAPI also lists at the top level of a User (tagged
/// [`AtlassianCheck::AlsoAtTop`]); the walk and the placement rule (ATL-U-015) index by it.
pub(crate) const ENTERPRISE_ALSO_AT_TOP: [&str; 2] = ["department", "organization"];

/// What Atlassian Cloud's user provisioning API supports, its attributes tagged with the
/// Atlassian rules that run where they are walked.
pub static ATLASSIAN: LazyLock<SchemaSet> = LazyLock::new(|| {
    let [mut user, mut group, mut enterprise, external, custom] = ATLASSIAN_DOCUMENTS.map(parse_schema);
    use AtlassianCheck::*;
    let attrs = &mut user.attributes;
    attrs.tag("timezone", Timezone);
    attrs.tag("preferredLanguage", PreferredLanguage);
    attrs.tag("emails", Emails).sub_attributes.tag("value", EmailValue);
    attrs.tag("photos", Photos).sub_attributes.tag("value", PhotoValue);
    attrs.tag("displayName", DisplayName);
    group.attributes.tag("members", Members);
    group.attributes.tag("displayName", GroupName);
    for name in ENTERPRISE_ALSO_AT_TOP {
        enterprise.attributes.tag(name, AlsoAtTop);
    }
    let rfc: &'static SchemaSet = &RFC;
    let mut set = SchemaSet {
        user: ResourceType {
            kind: ResourceKind::User,
            core: user,
            common: common(),
            extensions: vec![enterprise, external, custom],
        },
        group: ResourceType { kind: ResourceKind::Group, core: group, common: common(), extensions: vec![] },
        narrows: Some(rfc),
        urn_aliases: ATLASSIAN_URN_ALIASES,
    };
    set.user.link(&rfc.user);
    set.group.link(&rfc.group);
    set
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The index finds what a scan of the list finds: the first attribute whose name equals the
    /// one asked for ignoring ASCII case, or none.
    #[test]
    fn lookups_find_what_a_scan_of_the_list_finds() {
        let mut names: Vec<String> =
            ["userName", "name", "displayName", "a", "ab", "AB", "Ab", "", "x", "nickName", "emails", "eMails"]
                .map(String::from)
                .to_vec();
        names.extend((0..40).map(|i| format!("attr{i}")));
        names.push("l".repeat(300));
        names.push(format!("{}m", "l".repeat(299)));
        let json: Vec<serde_json::Value> = names
            .iter()
            .map(|n| {
                serde_json::json!({"name": n, "type": "string", "multiValued": false, "required": false,
                    "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none"})
            })
            .collect();
        let attrs: Attributes = serde_json::from_value(serde_json::Value::Array(json)).expect("attributes");
        let scan = |q: &str| names.iter().position(|n| n.eq_ignore_ascii_case(q));
        let mut queries: Vec<String> = names.clone();
        queries.extend(names.iter().map(|n| n.to_uppercase()));
        queries.extend(["nope", "attr40", "userNam", "userNamee", "EMAILS", "l"].map(String::from));
        queries.push("L".repeat(300));
        for q in &queries {
            assert_eq!(attrs.position(q).map(|(i, _)| i), scan(q), "{q:?}");
        }
        assert!(Attributes::default().find("name").is_none());
        for n in 0..=20 {
            let a: String = (0..n).map(|i| char::from(b'a' + i as u8)).collect();
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                assert!(!same_bytes(&a, std::str::from_utf8(&b).expect("ASCII")), "{a} at {at}");
            }
            assert!(!same_bytes(&a, &format!("{a}z")));
        }
    }

    #[test]
    fn atlassian_checks_are_tagged_on_atlassian_schemas_only() {
        let user = &ATLASSIAN.user.core;
        assert_eq!(user.attribute("timezone").and_then(|a| a.check), Some(AtlassianCheck::Timezone));
        let emails = user.attribute("emails").expect("emails");
        assert_eq!(emails.check, Some(AtlassianCheck::Emails));
        assert_eq!(emails.sub_attribute("value").and_then(|a| a.check), Some(AtlassianCheck::EmailValue));
        // phoneNumbers.value is another attribute named `value`: untagged.
        assert_eq!(user.attribute("phoneNumbers").and_then(|a| a.sub_attribute("value")).and_then(|a| a.check), None);
        assert_eq!(ATLASSIAN.group.core.attribute("members").and_then(|a| a.check), Some(AtlassianCheck::Members));
        assert_eq!(
            ATLASSIAN.group.core.attribute("displayName").and_then(|a| a.check),
            Some(AtlassianCheck::GroupName)
        );
        assert_eq!(user.attribute("displayName").and_then(|a| a.check), Some(AtlassianCheck::DisplayName));
        let ent = ATLASSIAN.user.extension(ENTERPRISE_URN).expect("enterprise");
        assert_eq!(ent.attribute("department").and_then(|a| a.check), Some(AtlassianCheck::AlsoAtTop));
        assert_eq!(ATLASSIAN.narrows.map(|s| s.user.core.id.as_str()), Some(USER_URN));
        // RFC 7643's schemas carry no Atlassian rule, narrow nothing and know no aliases.
        fn untagged(attrs: &Attributes) -> bool {
            attrs.iter().all(|a| a.check.is_none() && untagged(&a.sub_attributes))
        }
        let rfc = [&RFC.user.core, &RFC.group.core].into_iter().chain(&RFC.user.extensions);
        assert!(rfc.into_iter().all(|s| untagged(&s.attributes)));
        assert!(RFC.narrows.is_none() && RFC.urn_aliases.is_empty());
    }

    #[test]
    fn atlassian_attributes_are_linked_to_the_rfc_attribute_at_the_same_place() {
        fn same(a: Option<&'static Attribute>, b: Option<&Attribute>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        fn check(attrs: &Attributes, wider: Option<&'static Attributes>, linked: &mut usize) {
            for a in attrs.iter() {
                assert!(same(a.rfc, wider.and_then(|w| w.find(&a.name))), "{}", a.name);
                *linked += usize::from(a.rfc.is_some());
                check(&a.sub_attributes, a.rfc.map(|r| &r.sub_attributes), linked);
            }
        }
        let mut linked = 0;
        for (ours, theirs) in [(&ATLASSIAN.user, &RFC.user), (&ATLASSIAN.group, &RFC.group)] {
            for a in ours.core.attributes.iter().chain(ours.common.iter()) {
                assert!(same(a.rfc, theirs.attribute(&a.name)), "{}", a.name);
                check(&a.sub_attributes, a.rfc.map(|r| &r.sub_attributes), &mut linked);
            }
            for ext in &ours.extensions {
                check(&ext.attributes, theirs.extension(&ext.id).map(|s| &s.attributes), &mut linked);
            }
        }
        assert!(linked > 20, "{linked} sub-attributes linked");
        assert!(ATLASSIAN.user.core.attribute("emails").and_then(|a| a.rfc).is_some());
        assert!(RFC.user.core.attribute("emails").and_then(|a| a.rfc).is_none());
    }

    #[test]
    fn bundled_documents_parse() {
        assert_eq!(RFC.user.core.id, USER_URN);
        assert_eq!(RFC.group.core.id, GROUP_URN);
        assert_eq!(ATLASSIAN.user.extensions.len(), 3);
        assert!(ATLASSIAN.user.extension(ATLASSIAN_CUSTOM_URN).is_some());
    }

    #[test]
    fn lookups_ignore_case() {
        let user = &RFC.user;
        assert_eq!(user.attribute("USERNAME").map(|a| a.name.as_str()), Some("userName"));
        assert_eq!(user.attribute("ExternalId").map(|a| a.name.as_str()), Some("externalId"));
        assert!(user.extension(&ENTERPRISE_URN.to_uppercase()).is_some());
        let emails = user.attribute("emails").expect("emails");
        assert!(emails.multi_valued);
        assert_eq!(emails.sub_attribute("TYPE").map(|a| a.canonical_values.len()), Some(3));
    }

    #[test]
    fn atlassian_marks_what_its_schemas_say() {
        let user = &ATLASSIAN.user;
        assert!(user.attribute("emails").is_some_and(|a| a.required));
        assert!(user.attribute("addresses").is_none(), "addresses are not in Atlassian's schema");
        assert_eq!(ATLASSIAN.group.core.attribute("displayName").map(|a| a.mutability), Some(Mutability::Immutable));
        let ext = user.extension(ATLASSIAN_EXTERNAL_URN).expect("external extension");
        assert_eq!(ext.attribute("atlassianAccountId").map(|a| a.mutability), Some(Mutability::ReadOnly));
    }
}
