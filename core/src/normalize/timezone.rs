//! Time zones: IANA names, legacy links and Windows ids, to canonical IANA names.
//!
//! SCIM's `timezone` is an IANA time zone name (RFC 7643 §4.1.1), and Atlassian documents the same
//! (`America/Los_Angeles`). Identity providers send more than that: Okta sends IANA names, in any
//! case; Entra ID's mailbox settings hold Windows ids (`Pacific Standard Time`); old directories
//! hold legacy links (`US/Pacific`, `Asia/Calcutta`). All of these name one zone unambiguously, so
//! [`normalize_timezone`] turns them into the CLDR canonical IANA name.
//!
//! Every fact comes from ICU4X's CLDR data (icu_time): the IANA names and aliases with their
//! canonical forms, and the Windows ids with their "golden" (territory 001) zone. CLDR canonical
//! names change only renames and pure aliases (`Asia/Calcutta` → `Asia/Kolkata`); unlike raw IANA
//! `backward` links they never fold one country's zone into another's (`Europe/Stockholm` stays).
//!
//! What is refused, because it does not name a zone: abbreviations (`PST`, `IST` are ambiguous and
//! say nothing about daylight saving), raw offsets (`+05:30`, and `Z`), Windows display names
//! (`(UTC-08:00) Pacific Time (US & Canada)`) and unknown names. The legacy IANA names that are
//! abbreviations too (`EST`, `MST`, `HST`, `CET`, `EET`, `MET`, `WET`) are refused as well: they are
//! fixed zones (`EST` is UTC−5 all year, CLDR maps it to America/Panama), and a directory that holds
//! one nearly always meant the region's time with daylight saving. Other legacy names (`Cuba`,
//! `NZ`, `GB`) are IANA aliases and are accepted.
//!
//! Atlassian applies a time zone only when it is on its own list, and silently ignores anything
//! else (reference/atlassian-scim.md §13); atlscim takes the list to be CLDR's canonical
//! region-based `Area/Location` ids plus `UTC` ([`is_on_atlassian_list`]), and every name
//! [`normalize_timezone`] gives is on it: `Etc/UTC`, `Etc/GMT`, `GMT`, `Zulu` are written `UTC`,
//! the POSIX-style `EST5EDT` … `PST8PDT` their region's zone, and the fixed offsets `Etc/GMT+8`
//! (and Windows ids that map to them, `UTC-11`) are refused as offsets.
//!
//! Errors carry a suggestion only where one name on the list is certainly meant: the name with
//! its spaces made underscores, the same city under another area (when the city names one zone),
//! the usual zone of a listed abbreviation, `UTC` for a zero offset. Never a name a few letters
//! away: `Z` is not `NZ` (Pacific/Auckland), `Etc/GMT+14` is not `Etc/GMT+1`.

use std::fmt;
use std::sync::LazyLock;

use icu_provider::prelude::*;
use icu_time::TimeZone;
use icu_time::provider::windows::TimezoneIdentifiersWindowsV1;
use icu_time::zone::WindowsParser;
use icu_time::zone::iana::IanaParserExtended;
use serde::Serialize;

/// What kind of name a time zone was given as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimezoneKind {
    /// A canonical IANA name (possibly in another case).
    Iana,
    /// A legacy IANA link or CLDR alias (`US/Pacific`, `Asia/Calcutta`).
    IanaAlias,
    /// A Windows time zone id (`Pacific Standard Time`), as Entra ID and Exchange send them.
    Windows,
}

impl TimezoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimezoneKind::Iana => "iana",
            TimezoneKind::IanaAlias => "iana_alias",
            TimezoneKind::Windows => "windows",
        }
    }
}

/// A recognized time zone. Serializes as `{"name", "canonical", "kind"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timezone {
    /// The name as recognized, in its proper case (`Asia/Calcutta`, `Pacific Standard Time`).
    pub name: String,
    /// The CLDR canonical IANA name: what to send (`Asia/Kolkata`, `America/Los_Angeles`).
    pub canonical: String,
    pub kind: TimezoneKind,
}

/// Why a value is not a usable time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimezoneError {
    /// Empty or blank.
    Empty,
    /// A time zone abbreviation (`PST`, `CET`), ambiguous and silent about daylight saving.
    Abbreviation { input: String, suggestion: Option<String> },
    /// A raw UTC offset (`+05:30`, `UTC-8`), or a zone that is only one (`Etc/GMT+8`, Windows'
    /// `UTC-11`): it says nothing about daylight saving, and is not on Atlassian's list.
    Offset { input: String, suggestion: Option<String> },
    /// A Windows display name (`(UTC-08:00) Pacific Time (US & Canada)`) rather than an id.
    WindowsDisplayName { input: String },
    /// Not a name CLDR knows.
    Unknown { input: String, suggestion: Option<String> },
}

impl TimezoneError {
    /// The name to use instead, where one can be told.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            TimezoneError::Abbreviation { suggestion, .. }
            | TimezoneError::Offset { suggestion, .. }
            | TimezoneError::Unknown { suggestion, .. } => suggestion.as_deref(),
            TimezoneError::Empty | TimezoneError::WindowsDisplayName { .. } => None,
        }
    }

    /// A short stable name for the kind of error (for bindings and reports).
    pub fn kind(&self) -> &'static str {
        match self {
            TimezoneError::Empty => "empty",
            TimezoneError::Abbreviation { .. } => "abbreviation",
            TimezoneError::Offset { .. } => "offset",
            TimezoneError::WindowsDisplayName { .. } => "windows_display_name",
            TimezoneError::Unknown { .. } => "unknown",
        }
    }
}

impl fmt::Display for TimezoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimezoneError::Empty => f.write_str("the time zone is empty"),
            TimezoneError::Abbreviation { input, suggestion } => {
                write!(
                    f,
                    "{input:?} is a time zone abbreviation, not an IANA time zone name: abbreviations are ambiguous and do not say when daylight saving applies"
                )?;
                match suggestion {
                    Some(s) => write!(f, "; send the IANA name of the user's location, for example {s}"),
                    None => f.write_str("; send the IANA name of the user's location (Area/City)"),
                }
            }
            TimezoneError::Offset { input, suggestion } => {
                write!(
                    f,
                    "{input:?} is a UTC offset, not a region-based IANA time zone name: an offset does not say when daylight saving applies; send the IANA name of the user's location (Area/City)"
                )?;
                if let Some(s) = suggestion {
                    write!(f, ", or {s}")?;
                }
                Ok(())
            }
            TimezoneError::WindowsDisplayName { input } => write!(
                f,
                "{input:?} is a Windows time zone display name; send the Windows id (for example Pacific Standard Time) or an IANA name"
            ),
            TimezoneError::Unknown { input, suggestion } => {
                write!(f, "{input:?} is not an IANA time zone name or a Windows time zone id")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean {s}?")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for TimezoneError {}

/// Recognizes a time zone given as an IANA name (any case), a legacy link, or a Windows id (any
/// case), and gives its CLDR canonical IANA name.
///
/// ```
/// use atlscim_core::mapping::{normalize_timezone, TimezoneKind};
///
/// let tz = normalize_timezone("Pacific Standard Time").unwrap();
/// assert_eq!((tz.canonical.as_str(), tz.kind), ("America/Los_Angeles", TimezoneKind::Windows));
/// assert_eq!(normalize_timezone("asia/calcutta").unwrap().canonical, "Asia/Kolkata");
/// assert_eq!(normalize_timezone("PST").unwrap_err().suggestion(), Some("America/Los_Angeles"));
/// ```
pub fn normalize_timezone(input: &str) -> Result<Timezone, TimezoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(TimezoneError::Empty);
    }
    // IANA names never contain spaces; Windows ids nearly always do.
    if let Some(tz) = (!trimmed.contains(' ')).then(|| iana(trimmed)).flatten() {
        if is_fixed_abbreviation_zone(trimmed) {
            return Err(TimezoneError::Abbreviation {
                input: trimmed.to_string(),
                suggestion: abbreviation_suggestion(trimmed).map(str::to_string),
            });
        }
        return onto_atlassian_list(trimmed, tz);
    }
    if let Some(w) = windows(trimmed) {
        let tz = Timezone { name: w.id.clone(), canonical: w.canonical.clone(), kind: TimezoneKind::Windows };
        return onto_atlassian_list(trimmed, tz);
    }
    Err(diagnose(trimmed))
}

/// Whether `name` is on Atlassian's time zone list, as written: a CLDR canonical region-based
/// `Area/Location` id (`America/Los_Angeles`, `America/Argentina/Buenos_Aires`), or `UTC`.
///
/// Atlassian applies a `timezone` only when it is on the list of its account preferences and
/// silently ignores any other value (reference/atlassian-scim.md §13). atlscim takes the list to
/// be ICU's canonical region-based ids plus `UTC`: not `Etc/*` (fixed offsets, `Etc/UTC`), not
/// the POSIX-style `EST5EDT`, not abbreviations, offsets, bare city or area names.
/// [`normalize_timezone`] gives only names on the list.
pub fn is_on_atlassian_list(name: &str) -> bool {
    name == "UTC"
        || (region_based(name) && iana(name).is_some_and(|tz| tz.kind == TimezoneKind::Iana && tz.canonical == name))
}

fn region_based(canonical: &str) -> bool {
    canonical.contains('/') && !canonical.starts_with("Etc/")
}

/// The CLDR canonical names that are not region-based and the name on Atlassian's list they
/// equal: the UTC and GMT zones are `UTC`; the POSIX-style US zones have followed their region's
/// rules since IANA 2024b. The `Etc/GMT±N` fixed offsets have no region and no equal.
const OFF_LIST: [(&str, &str); 6] = [
    ("Etc/UTC", "UTC"),
    ("Etc/GMT", "UTC"),
    ("EST5EDT", "America/New_York"),
    ("CST6CDT", "America/Chicago"),
    ("MST7MDT", "America/Denver"),
    ("PST8PDT", "America/Los_Angeles"),
];

/// A recognized zone, written as the name on Atlassian's list it equals; a fixed offset
/// (`Etc/GMT+8`, Windows' `UTC-11`) has none and is refused as an offset.
fn onto_atlassian_list(input: &str, mut tz: Timezone) -> Result<Timezone, TimezoneError> {
    if let Some((_, on_list)) = OFF_LIST.iter().find(|(c, _)| *c == tz.canonical) {
        if tz.kind == TimezoneKind::Iana && tz.name != *on_list {
            tz.kind = TimezoneKind::IanaAlias;
        }
        if tz.kind == TimezoneKind::IanaAlias && tz.name == *on_list {
            tz.kind = TimezoneKind::Iana;
        }
        tz.canonical = (*on_list).to_string();
        return Ok(tz);
    }
    if !region_based(&tz.canonical) {
        return Err(TimezoneError::Offset { input: input.to_string(), suggestion: None });
    }
    Ok(tz)
}

fn iana(name: &str) -> Option<Timezone> {
    let r = IanaParserExtended::new().parse(name);
    if r.time_zone == TimeZone::UNKNOWN {
        return None;
    }
    let kind = if r.normalized == r.canonical { TimezoneKind::Iana } else { TimezoneKind::IanaAlias };
    Some(Timezone { name: r.normalized.to_string(), canonical: r.canonical.to_string(), kind })
}

/// One Windows id with its golden zone.
#[derive(Debug)]
struct WindowsZone {
    /// The id folded for lookup: ASCII lower case, single spaces.
    key: String,
    /// The id as Windows writes it.
    id: String,
    /// CLDR canonical IANA name of its territory-001 zone.
    canonical: String,
}

/// The Windows ids CLDR maps, listed from ICU4X's own table (its keys are `<id>/<territory>`),
/// so the list follows ICU4X releases instead of being copied by hand.
static WINDOWS: LazyLock<Vec<WindowsZone>> = LazyLock::new(|| {
    let Ok(response) =
        DataProvider::<TimezoneIdentifiersWindowsV1>::load(&icu_time::provider::Baked, Default::default())
    else {
        return Vec::new();
    };
    let parser = WindowsParser::new();
    let iana = IanaParserExtended::new();
    let mut zones: Vec<WindowsZone> = response
        .payload
        .get()
        .map
        .iter()
        .filter_map(|(key, _)| {
            let id = key.strip_suffix("/001")?;
            let tz = parser.parse(id, None)?;
            let canonical = iana.iter().find(|t| t.time_zone == tz)?.canonical;
            Some(WindowsZone { key: fold(id), id: id.to_string(), canonical: canonical.to_string() })
        })
        .collect();
    zones.sort_by(|a, b| a.key.cmp(&b.key));
    zones
});

/// Every Windows time zone id atlscim recognizes (CLDR's windowsZones, through ICU4X), with the
/// canonical IANA name it maps to.
pub fn windows_timezone_ids() -> impl Iterator<Item = (&'static str, &'static str)> {
    WINDOWS.iter().map(|w| (w.id.as_str(), w.canonical.as_str()))
}

fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

fn windows(name: &str) -> Option<&'static WindowsZone> {
    let key = fold(name);
    WINDOWS.binary_search_by(|w| w.key.as_str().cmp(&key)).ok().map(|i| &WINDOWS[i])
}

/// The legacy IANA zones named by an abbreviation: fixed offsets all year, which a directory
/// holding one nearly never meant.
fn is_fixed_abbreviation_zone(s: &str) -> bool {
    ["EST", "MST", "HST", "CET", "EET", "MET", "WET"].iter().any(|z| z.eq_ignore_ascii_case(s))
}

/// An abbreviation: one listed below (any case), or two to five capital letters that are no zone
/// (`XYZT`). A word in lower or mixed case (`Kyiv`, `Lima`) is not an abbreviation but maybe a city.
fn is_abbreviation(s: &str) -> bool {
    abbreviation_suggestion(s).is_some()
        || is_fixed_abbreviation_zone(s)
        || ((2..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase()))
}

/// Common abbreviations and a zone that uses them. These are suggestions only (an abbreviation
/// never names one zone), so they are a short list of the usual cases, not time zone data.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ACDT", "Australia/Adelaide"),
    ("ACST", "Australia/Adelaide"),
    ("AEDT", "Australia/Sydney"),
    ("AEST", "Australia/Sydney"),
    ("AKDT", "America/Anchorage"),
    ("AKST", "America/Anchorage"),
    ("ART", "America/Argentina/Buenos_Aires"),
    ("AST", "America/Halifax"),
    ("AWST", "Australia/Perth"),
    ("BRT", "America/Sao_Paulo"),
    ("BST", "Europe/London"),
    ("CAT", "Africa/Maputo"),
    ("CDT", "America/Chicago"),
    ("CEST", "Europe/Berlin"),
    ("CET", "Europe/Berlin"),
    ("CST", "America/Chicago"),
    ("EAT", "Africa/Nairobi"),
    ("EDT", "America/New_York"),
    ("EEST", "Europe/Athens"),
    ("EET", "Europe/Athens"),
    ("EST", "America/New_York"),
    ("HKT", "Asia/Hong_Kong"),
    ("HST", "Pacific/Honolulu"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("KST", "Asia/Seoul"),
    ("MDT", "America/Denver"),
    ("MET", "Europe/Berlin"),
    ("MSK", "Europe/Moscow"),
    ("MST", "America/Denver"),
    ("NST", "America/St_Johns"),
    ("NZDT", "Pacific/Auckland"),
    ("NZST", "Pacific/Auckland"),
    ("PDT", "America/Los_Angeles"),
    ("PHT", "Asia/Manila"),
    ("PKT", "Asia/Karachi"),
    ("PST", "America/Los_Angeles"),
    ("SAST", "Africa/Johannesburg"),
    ("SGT", "Asia/Singapore"),
    ("WAT", "Africa/Lagos"),
    ("WEST", "Europe/Lisbon"),
    ("WET", "Europe/Lisbon"),
    ("WIB", "Asia/Jakarta"),
];

fn abbreviation_suggestion(s: &str) -> Option<&'static str> {
    ABBREVIATIONS.iter().find(|(a, _)| a.eq_ignore_ascii_case(s)).map(|(_, z)| *z)
}

/// Works out why a name was not recognized, and what to suggest.
fn diagnose(s: &str) -> TimezoneError {
    if let Some(zone) = city(s).filter(|_| abbreviation_suggestion(s).is_none()) {
        return TimezoneError::Unknown { input: s.to_string(), suggestion: Some(zone) };
    }
    if is_abbreviation(s) {
        return TimezoneError::Abbreviation {
            input: s.to_string(),
            suggestion: abbreviation_suggestion(s).map(str::to_string),
        };
    }
    if let Some(minutes) = parse_offset(s) {
        // Only UTC itself is on Atlassian's list; IANA's fixed offsets (Etc/GMT+8) are not, and
        // an offset does not tell which region's zone was meant.
        let suggestion = (minutes == 0).then(|| "UTC".to_string());
        return TimezoneError::Offset { input: s.to_string(), suggestion };
    }
    if s.starts_with('(') && (s.contains("UTC") || s.contains("GMT")) {
        return TimezoneError::WindowsDisplayName { input: s.to_string() };
    }
    TimezoneError::Unknown { input: s.to_string(), suggestion: suggest(s) }
}

/// Parses `+05:30`, `-8`, `UTC+5`, `GMT-08:00`, `+0530` into minutes east of UTC, and `Z`, the
/// RFC 3339 designator of UTC, into 0.
fn parse_offset(s: &str) -> Option<i32> {
    if s.eq_ignore_ascii_case("Z") {
        return Some(0);
    }
    let upper = s.to_ascii_uppercase();
    let rest = upper.strip_prefix("UTC").or_else(|| upper.strip_prefix("GMT")).unwrap_or(&upper).trim_start();
    let (sign, digits) = if let Some(d) = rest.strip_prefix('+') {
        (1, d)
    } else if let Some(d) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('\u{2212}')) {
        (-1, d)
    } else {
        return None;
    };
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || !(h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// The zone the name certainly means, if any: the name with spaces made underscores
/// (`America/New York`), or a city that names one zone, under any area or none (`Los Angeles`,
/// `Europe/Kolkata`, `Kyiv`). Nothing fuzzy: a name a letter away from another is another name.
fn suggest(s: &str) -> Option<String> {
    // No zone name is longer than about 40 bytes; longer input is not worth comparing.
    if s.len() > 64 {
        return None;
    }
    let underscored = s.split_whitespace().collect::<Vec<_>>().join("_");
    if underscored != s
        && let Some(tz) = iana(&underscored)
    {
        return listed(&tz.canonical);
    }
    city(s)
}

/// The canonical zone of every IANA name whose last part is `s`'s city (ignoring case and area),
/// when they are all one zone.
fn city(s: &str) -> Option<String> {
    let underscored = s.split_whitespace().collect::<Vec<_>>().join("_");
    let city = underscored.rsplit('/').next().unwrap_or(&underscored);
    if city.len() < 3 || city.len() > 64 {
        return None;
    }
    let mut zone: Option<&str> = None;
    for t in IanaParserExtended::new().iter_all() {
        let named =
            t.normalized.contains('/') && t.normalized.rsplit('/').next().is_some_and(|c| c.eq_ignore_ascii_case(city));
        if named {
            if zone.is_some_and(|z| z != t.canonical) {
                // Two zones share the city name: none is certainly meant.
                return None;
            }
            zone = Some(t.canonical);
        }
    }
    zone.and_then(listed)
}

/// The name on Atlassian's list a CLDR canonical name is, if any.
fn listed(canonical: &str) -> Option<String> {
    if let Some((_, on_list)) = OFF_LIST.iter().find(|(c, _)| *c == canonical) {
        return Some((*on_list).to_string());
    }
    region_based(canonical).then(|| canonical.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(s: &str) -> String {
        normalize_timezone(s).map(|t| t.canonical).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn iana_names_in_any_case() {
        assert_eq!(canonical("America/Los_Angeles"), "America/Los_Angeles");
        assert_eq!(canonical("america/los_angeles"), "America/Los_Angeles");
        assert_eq!(canonical("  Europe/Stockholm "), "Europe/Stockholm");
        assert_eq!(canonical("UTC"), "UTC");
        assert_eq!(normalize_timezone("UTC").map(|t| t.kind), Ok(TimezoneKind::Iana));
        assert_eq!(
            normalize_timezone("Etc/GMT+5").map_err(|e| (e.kind(), e.suggestion().map(str::to_string))),
            Err(("offset", None))
        );
        let tz = normalize_timezone("EUROPE/berlin").expect("known");
        assert_eq!((tz.name.as_str(), tz.kind), ("Europe/Berlin", TimezoneKind::Iana));
    }

    #[test]
    fn legacy_links_become_canonical_without_folding_countries() {
        for (input, want) in [
            ("US/Pacific", "America/Los_Angeles"),
            ("Asia/Calcutta", "Asia/Kolkata"),
            ("Europe/Kiev", "Europe/Kyiv"),
            ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
            ("America/Godthab", "America/Nuuk"),
            ("US/Pacific-New", "America/Los_Angeles"),
            ("Europe/Oslo", "Europe/Oslo"),
        ] {
            assert_eq!(canonical(input), want, "{input}");
        }
        let tz = normalize_timezone("us/pacific").expect("known");
        assert_eq!((tz.name.as_str(), tz.kind), ("US/Pacific", TimezoneKind::IanaAlias));
    }

    #[test]
    fn every_windows_id_maps_and_folds_case() {
        let ids: Vec<_> = windows_timezone_ids().collect();
        assert!(ids.len() >= 139, "ICU4X lists {} Windows ids", ids.len());
        for (id, iana) in &ids {
            let outcome = |s: &str| normalize_timezone(s).map(|t| t.canonical).map_err(|e| e.kind());
            assert_eq!(outcome(id), outcome(&id.to_ascii_lowercase()), "{id} in lower case");
            assert!(!iana.starts_with("Etc/Unknown"), "{id}");
            match normalize_timezone(id) {
                Ok(tz) => assert!(is_on_atlassian_list(&tz.canonical), "{id} gives {}", tz.canonical),
                Err(e) => assert!(iana.starts_with("Etc/GMT") && e.kind() == "offset", "{id}: {e}"),
            }
        }
        assert_eq!(canonical("Pacific Standard Time"), "America/Los_Angeles");
        assert_eq!(canonical("pacific  standard time "), "America/Los_Angeles");
        assert_eq!(canonical("India Standard Time"), "Asia/Kolkata");
        assert_eq!(canonical("W. Europe Standard Time"), "Europe/Berlin");
        assert_eq!(normalize_timezone("UTC-11").map_err(|e| e.kind()), Err("offset"));
        assert_eq!(canonical("UTC"), "UTC");
        assert_eq!(
            normalize_timezone("turks and caicos standard time").map(|t| t.name),
            Ok("Turks And Caicos Standard Time".to_string())
        );
    }

    #[test]
    fn abbreviations_offsets_and_unknown_names_are_refused_with_suggestions() {
        let e = normalize_timezone("PST").expect_err("abbreviation");
        assert_eq!((e.kind(), e.suggestion()), ("abbreviation", Some("America/Los_Angeles")));
        let e = normalize_timezone("EST").expect_err("legacy abbreviation zone");
        assert_eq!((e.kind(), e.suggestion()), ("abbreviation", Some("America/New_York")));
        assert_eq!(normalize_timezone("cet").map_err(|e| e.kind()), Err("abbreviation"));
        let e = normalize_timezone("+05:30").expect_err("offset");
        assert_eq!((e.kind(), e.suggestion()), ("offset", None));
        assert_eq!(normalize_timezone("UTC+5").expect_err("offset").suggestion(), None);
        assert_eq!(normalize_timezone("GMT-08:00").expect_err("offset").suggestion(), None);
        assert_eq!(normalize_timezone("GMT+8").expect_err("offset").suggestion(), None);
        assert_eq!(
            normalize_timezone("(UTC-08:00) Pacific Time (US & Canada)").map_err(|e| e.kind()),
            Err("windows_display_name")
        );
        let unknown = |s: &str| normalize_timezone(s).expect_err("unknown");
        assert_eq!(unknown("America/Los Angeles").suggestion(), Some("America/Los_Angeles"));
        assert_eq!(unknown("Los Angeles").suggestion(), Some("America/Los_Angeles"));
        assert_eq!(unknown("America/Kolkata").suggestion(), Some("Asia/Kolkata"));
        // Never a name a few letters away.
        assert_eq!(unknown("Europe/Londn").suggestion(), None);
        assert_eq!(unknown("Pacific Standard Tim").suggestion(), None);
        assert_eq!(unknown("America/San_Francisco").suggestion(), None);
        assert_eq!(normalize_timezone("Factory").map_err(|e| e.kind()), Err("unknown"));
        assert_eq!(normalize_timezone("Etc/Unknown").map_err(|e| e.kind()), Err("unknown"));
        assert_eq!(normalize_timezone("  "), Err(TimezoneError::Empty));
        assert!(unknown("PST").to_string().contains("America/Los_Angeles"));
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "/",
            "+",
            "+:",
            "UTC+",
            "+99:99",
            "\u{0}",
            "ü/ß",
            "(UTC",
            &"x".repeat(10_000),
            "+1234567",
            "+€1",
            "-éé",
            "UTC+€",
        ] {
            let _ = normalize_timezone(s);
        }
    }

    #[test]
    fn suggestions_are_certain_or_absent() {
        // Z is UTC's designator (RFC 3339), not a typo of NZ (Pacific/Auckland).
        let e = normalize_timezone("Z").expect_err("an offset");
        assert_eq!((e.kind(), e.suggestion()), ("offset", Some("UTC")));
        // There is no Etc/GMT+14 (UTC−14); Etc/GMT+1 is not it.
        assert_eq!(normalize_timezone("Etc/GMT+14").expect_err("unknown").suggestion(), None);
        assert_eq!(normalize_timezone("UTC-14").expect_err("offset").suggestion(), None);
        assert_eq!(normalize_timezone("UTC+14").expect_err("offset").suggestion(), None);
        // Kyiv is a city, not an abbreviation.
        let e = normalize_timezone("Kyiv").expect_err("a city");
        assert_eq!((e.kind(), e.suggestion()), ("unknown", Some("Europe/Kyiv")));
        assert_eq!(normalize_timezone("lima").expect_err("a city").suggestion(), Some("America/Lima"));
        // Legacy IANA aliases that look like words or codes are zones.
        assert_eq!(canonical("Cuba"), "America/Havana");
        assert_eq!(canonical("NZ"), "Pacific/Auckland");
        // Listed abbreviations keep their usual zone; unknown capitals have none.
        assert_eq!(normalize_timezone("ist").expect_err("abbreviation").suggestion(), Some("Asia/Kolkata"));
        assert_eq!(
            normalize_timezone("QQQ").map_err(|e| (e.kind(), e.suggestion().map(str::to_string))),
            Err(("abbreviation", None))
        );
        // The city decides, whatever the area (a typo there included).
        assert_eq!(normalize_timezone("Amerca/Chicago").expect_err("unknown").suggestion(), Some("America/Chicago"));
        // A name a letter or two from another: nothing.
        for s in ["Europe/Parris", "Asia/Tokio", "Etc/GMT+13", "Pacific/Aukland", "UTC+15"] {
            let e = normalize_timezone(s).expect_err(s);
            assert_eq!(e.suggestion(), None, "{s}: {e}");
        }
    }

    #[test]
    fn only_names_on_atlassians_list() {
        for (input, want) in [
            ("GMT", "UTC"),
            ("Etc/UTC", "UTC"),
            ("Etc/GMT", "UTC"),
            ("Zulu", "UTC"),
            ("Greenwich", "UTC"),
            ("EST5EDT", "America/New_York"),
            ("PST8PDT", "America/Los_Angeles"),
            ("Asia/Kolkata", "Asia/Kolkata"),
        ] {
            assert_eq!(canonical(input), want, "{input}");
            assert!(is_on_atlassian_list(want), "{want}");
        }
        for off in ["Etc/UTC", "Etc/GMT+8", "GMT", "EST5EDT", "Asia", "Sydney", "asia/kolkata", "US/Pacific", "Factory"]
        {
            assert!(!is_on_atlassian_list(off), "{off}");
        }
        assert_eq!(normalize_timezone("Sydney").expect_err("a city").suggestion(), Some("Australia/Sydney"));
        assert_eq!(normalize_timezone("Asia").expect_err("an area").suggestion(), None);
        let e = normalize_timezone("GMT+5").expect_err("an offset");
        assert_eq!((e.kind(), e.suggestion()), ("offset", None));
        // Every recognized IANA name gives a name on the list, or is refused.
        for z in IanaParserExtended::new().iter_all() {
            if let Ok(tz) = normalize_timezone(z.normalized) {
                assert!(is_on_atlassian_list(&tz.canonical), "{} gives {}", z.normalized, tz.canonical);
            }
        }
    }
}
