//! Properties of the mapping layer that single vectors cannot show: no panic on any record, a
//! mapped user maps to itself, the report's normalized body is the user, and shared use across
//! threads.

use atlscim_core::mapping::{Mapping, PRESETS, join_display_name, reconcile_name, split_display_name};
use atlscim_core::{Body, Profile};
use serde_json::{Map, Value, json};

/// A small deterministic generator of arbitrary JSON (xorshift), biased towards the attribute
/// names the presets read, so that wrong types reach every transform.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn value(&mut self, depth: u32) -> Value {
        const KEYS: &[&str] = &[
            "id",
            "userPrincipalName",
            "mail",
            "givenName",
            "surname",
            "displayName",
            "accountEnabled",
            "jobTitle",
            "department",
            "businessPhones",
            "mobilePhone",
            "preferredLanguage",
            "mailboxSettings",
            "timeZone",
            "language",
            "locale",
            "profile",
            "login",
            "email",
            "firstName",
            "lastName",
            "status",
            "timezone",
            "primaryPhone",
            "name",
            "emails",
            "value",
            "active",
            "userName",
        ];
        const STRINGS: &[&str] = &[
            "",
            " ",
            "Pacific Standard Time",
            "PST",
            "+05:30",
            "en_US",
            "da, en;q=x",
            "*",
            "ACTIVE",
            "weird",
            "a@b.c",
            "Jane Doe",
            "山田太郎",
            "Dr.",
            ",",
            "(",
            "\"",
            "True",
            "q=1",
            "x@",
            "US/Pacific",
            "\u{0}",
        ];
        match self.next() % if depth > 3 { 5 } else { 7 } {
            0 => Value::Null,
            1 => Value::Bool(self.next().is_multiple_of(2)),
            2 => json!(self.next() % 1000),
            3 | 4 => Value::String(self.pick(STRINGS).to_string()),
            5 => (0..self.next() % 4).map(|_| self.value(depth + 1)).collect(),
            _ => {
                let mut m = Map::new();
                for _ in 0..self.next() % 8 {
                    let key = self.pick(KEYS).to_string();
                    m.insert(key, self.value(depth + 1));
                }
                Value::Object(m)
            }
        }
    }
}

#[test]
fn arbitrary_records_never_panic() {
    let profile = Profile::atlassian();
    let mappings: Vec<&Mapping> = PRESETS.iter().map(|p| Mapping::preset(p.name).expect("preset")).collect();
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let record = g.value(0);
        for m in &mappings {
            let (user, report) = profile.map_user(&record, m);
            assert!(user.is_object());
            let _ = report.to_json(Some(&Body::Value(&user)));
        }
        let (group, _) = profile.map_group(&record, record.get("members"));
        assert!(group.is_object());
    }
}

#[test]
fn normalizers_never_panic() {
    let mut g = Gen(42);
    for _ in 0..2000 {
        let s = match g.value(2) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let _ = atlscim_core::mapping::normalize_timezone(&s);
        let _ = atlscim_core::mapping::normalize_locale(&s);
        let _ = atlscim_core::mapping::parse_accept_language(&s);
        let _ = atlscim_core::mapping::normalize_email(&s);
        let parts = split_display_name(&s);
        let _ = join_display_name(&parts.given, &parts.family);
    }
}

fn entra_record() -> Value {
    json!({
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "accountEnabled": true,
        "companyName": "Contoso",
        "department": "Retail",
        "displayName": "Adele Vance",
        "givenName": "Adele",
        "jobTitle": "Retail Manager",
        "mail": "AdeleV@Contoso.com",
        "preferredLanguage": "en-AU",
        "surname": "Vance",
        "userPrincipalName": "AdeleV@contoso.com",
        "mailboxSettings": {"timeZone": "AUS Eastern Standard Time"}
    })
}

#[test]
fn a_mapped_user_maps_to_itself() {
    // The generic preset reads SCIM names, so a user mapped from Entra and mapped again is a
    // fixed point: nothing the first mapping sends would be changed by a second pass, the same
    // property a sync needs to never flip-flop.
    let profile = Profile::atlassian();
    let (user, report) = profile.map_user(&entra_record(), Mapping::preset("entra").expect("preset"));
    assert!(report.valid(), "{}", report.summary(10));
    assert_eq!(user["timezone"], "Australia/Sydney");
    assert_eq!(user["preferredLanguage"], "en-GB");
    let (again, report) = profile.map_user(&user, Mapping::preset("generic").expect("preset"));
    assert_eq!(again, user);
    assert!(report.issues().is_empty(), "{}", report.summary(10));
}

#[test]
fn the_report_normalizes_to_the_user_and_serializes() {
    let profile = Profile::atlassian();
    let (user, report) = profile.map_user(&entra_record(), Mapping::preset("entra").expect("preset"));
    let body = Body::Value(&user);
    assert_eq!(report.normalized_value(Some(&body)), Some(user.clone()));
    let json = report.to_json_value(Some(&body));
    assert_eq!(json["valid"], true);
    assert_eq!(json["normalized"], user);
    let rules: Vec<&str> =
        json["issues"].as_array().expect("issues").iter().filter_map(|i| i["rule"].as_str()).collect();
    assert_eq!(rules, ["ATL-U-004", "MAP-003", "ATL-U-012"]);
}

#[test]
fn a_lenient_fix_of_the_check_is_applied_to_the_returned_user() {
    let mapping = Mapping::from_json(&json!({"attributes": [
        {"target": "userName", "from": "mail", "required": true},
        {"target": "emails[type eq \"work\"].value", "from": "mail"},
        {"target": "addresses[type eq \"work\"].locality", "from": "office"}
    ]}))
    .expect("valid mapping");
    let (user, report) = Profile::atlassian().map_user(&json!({"mail": "kim@example.com", "office": "B1"}), &mapping);
    assert!(user.get("addresses").is_none(), "the check drops what Atlassian does not store: {user}");
    assert_eq!(report.issues()[0].rule().id(), "ATL-U-011");
    assert!(!report.changes_body());
}

#[test]
fn the_display_name_rule_is_a_fixed_point() {
    // What map_user sends is what apply_patch and diff will see; reconciling it again must not
    // change it, or the sync flip-flops.
    for (d, g, f) in [
        (Some("Bob Smith"), Some("Robert"), Some("Smith")),
        (Some("Mary Jane Watson"), Some("Mary"), Some("Jane Watson")),
        (None, Some("Ludwig"), Some("van Beethoven")),
        (Some("Dr. Martin Luther King Jr."), None, None),
        (Some("山田 太郎"), None, None),
        (Some("Doe, Jane"), Some("J."), None),
    ] {
        let once = reconcile_name(d, g, f);
        let twice = reconcile_name(once.display_name.as_deref(), once.given.as_deref(), once.family.as_deref());
        assert_eq!((twice.display_name, twice.given, twice.family), (once.display_name, once.given, once.family));
    }
}

#[test]
fn mappings_and_profiles_are_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Mapping>();
    let profile = Profile::atlassian();
    let mapping = Mapping::preset("entra").expect("preset");
    let record = entra_record();
    let (expected, _) = profile.map_user(&record, mapping);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    assert_eq!(profile.map_user(&record, mapping).0, expected);
                }
            });
        }
    });
}

#[test]
fn presets_print_as_json_that_loads_back() {
    for name in PRESETS.iter().map(|p| p.name) {
        let m = Mapping::preset(name).expect("preset");
        let text = serde_json::to_string_pretty(&m.to_json()).expect("json");
        assert_eq!(&Mapping::from_json_str(&text).expect("loads"), m);
        assert!(!m.description().is_empty());
    }
    assert!(Mapping::preset("ENTRA").is_ok(), "preset names ignore case");
}

#[test]
fn every_preset_has_a_vector_file_that_runs_it() {
    // Adding a preset is one JSON text in the preset table and one vector file: this keeps the
    // second half of that recipe from being forgotten.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    for preset in PRESETS {
        let path = dir.join(format!("map_{}.json", preset.name));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file: serde_json::Value = serde_json::from_str(&text).expect("vector JSON");
        assert_eq!(file["kind"], "map", "{}", path.display());
        let runs = file["cases"].as_array().into_iter().flatten().filter(|c| c["mapping"] == preset.name).count();
        assert!(runs > 0, "{} has no case with \"mapping\": {:?}", path.display(), preset.name);
    }
}

/// A record or member of the wrong JSON type is named by its kind: a group record that is a
/// (non-empty) string is "a string", not "an empty string" (one wording for every kind, shared
/// with the config and the mapping loader); a member that is a blank string is "an empty string".
#[test]
fn records_and_members_of_the_wrong_type_are_named_by_their_kind() {
    let profile = Profile::atlassian();
    let detail = |report: &atlscim_core::Report, rule: &str| {
        report.issues().iter().find(|i| i.rule().id() == rule).map(|i| i.detail().to_string())
    };
    let (_, report) = profile.map_group(&json!("Engineering"), None);
    assert_eq!(
        detail(&report, "MAP-001").as_deref(),
        Some("the record must be a JSON object (one group), got a string")
    );
    let (_, report) = profile.map_user(&json!([1]), Mapping::preset("entra").expect("the entra preset"));
    assert_eq!(
        detail(&report, "MAP-001").as_deref(),
        Some("the record must be a JSON object (one user), got an array")
    );
    let (_, report) = profile.map_group(&json!({"displayName": "Eng"}), Some(&json!([" ", 7])));
    let members: Vec<String> =
        report.issues().iter().filter(|i| i.rule().id() == "MAP-005").map(|i| i.detail().to_string()).collect();
    assert!(members[0].contains("is an empty string, not a user object"), "{members:?}");
    assert!(members[1].contains("is a number, not a user object"), "{members:?}");
    let (_, report) = profile.map_group(&json!({"displayName": "Eng"}), Some(&json!("alice")));
    assert!(
        detail(&report, "MAP-005").is_some_and(|d| d.starts_with("members is a string, not an array")),
        "{report:?}"
    );
}
