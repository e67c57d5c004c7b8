//! Language tags: `locale`, `preferredLanguage`, and Atlassian's product languages.
//!
//! SCIM's `locale` is a BCP 47 language tag and `preferredLanguage` uses the HTTP Accept-Language
//! syntax (RFC 7643 §4.1.2, RFC 9110 §12.5.4). Identity providers send both loosely: Java-style
//! `en_US`, lower-case regions, deprecated codes (`iw` for Hebrew), or a whole list
//! (`da, en-GB;q=0.8`). [`normalize_locale`] parses one tag with ICU4X, writes it in canonical case
//! and replaces deprecated codes by CLDR's aliases; [`parse_accept_language`] reads a list and keeps
//! each malformed item's index for the report.
//!
//! Atlassian's products speak 26 languages ([`ATLASSIAN_LANGUAGES`]). Any other tag is stored but
//! shows the product in its default language, so [`nearest_atlassian_language`] finds the closest
//! product language along CLDR's fallback chains (`fr-CA` → `fr-FR`, `en-AU` → `en-GB` because
//! CLDR's parent of `en-AU` is the British-based `en-001`, `nb` and `nn` → `no-NO`,
//! `zh-HK` → `zh-TW` because both are Traditional Chinese).

use std::fmt;
use std::sync::LazyLock;

use icu_locale::fallback::{LocaleFallbackConfig, LocaleFallbacker};
use icu_locale::{Locale, LocaleCanonicalizer, LocaleExpander};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

/// The languages Atlassian's products offer (Atlassian's Forge "supported locale codes", 26
/// locales), with their English names. Confluence does not offer `pt-PT`.
pub const ATLASSIAN_LANGUAGES: [(&str, &str); 26] = [
    ("zh-CN", "Chinese (Simplified)"),
    ("zh-TW", "Chinese (Traditional)"),
    ("cs-CZ", "Czech"),
    ("da-DK", "Danish"),
    ("nl-NL", "Dutch"),
    ("en-US", "English (United States)"),
    ("en-GB", "English (United Kingdom)"),
    ("et-EE", "Estonian"),
    ("fi-FI", "Finnish"),
    ("fr-FR", "French"),
    ("de-DE", "German"),
    ("hu-HU", "Hungarian"),
    ("is-IS", "Icelandic"),
    ("it-IT", "Italian"),
    ("ja-JP", "Japanese"),
    ("ko-KR", "Korean"),
    ("no-NO", "Norwegian (Bokmål)"),
    ("pl-PL", "Polish"),
    ("pt-BR", "Portuguese (Brazil)"),
    ("pt-PT", "Portuguese (Portugal)"),
    ("ro-RO", "Romanian"),
    ("ru-RU", "Russian"),
    ("sk-SK", "Slovak"),
    ("tr-TR", "Turkish"),
    ("es-ES", "Spanish"),
    ("sv-SE", "Swedish"),
];

/// A checked BCP 47 language tag in canonical form. Serializes as
/// `{"tag", "language", "script", "region"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct LanguageTag {
    /// The whole tag, canonical (`en-US`, `he`, `sr-Latn`, `en-US-u-ca-gregory`).
    pub tag: String,
    /// The language subtag (`en`).
    pub language: String,
    pub script: Option<String>,
    pub region: Option<String>,
}

impl LanguageTag {
    fn from_locale(locale: &Locale) -> LanguageTag {
        LanguageTag {
            tag: locale.to_string(),
            language: locale.id.language.as_str().to_string(),
            script: locale.id.script.map(|s| s.as_str().to_string()),
            region: locale.id.region.map(|r| r.as_str().to_string()),
        }
    }

    fn locale(&self) -> Option<Locale> {
        Locale::try_from_str(&self.tag).ok()
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

/// Why a value is not a usable language tag.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LocaleError {
    /// Empty or blank.
    Empty,
    /// Not a well-formed BCP 47 tag.
    Malformed { input: String, suggestion: Option<String> },
    /// `und` (undetermined), `C` or `POSIX`: no language at all.
    NoLanguage { input: String },
}

impl LocaleError {
    /// The tag to use instead, where one can be told.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            LocaleError::Malformed { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }

    /// A short stable name for the kind of error.
    pub fn kind(&self) -> &'static str {
        match self {
            LocaleError::Empty => "empty",
            LocaleError::Malformed { .. } => "malformed",
            LocaleError::NoLanguage { .. } => "no_language",
        }
    }
}

impl fmt::Display for LocaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocaleError::Empty => f.write_str("the language tag is empty"),
            LocaleError::Malformed { input, suggestion } => {
                write!(f, "{input:?} is not a BCP 47 language tag (language[-Script][-REGION], e.g. en-US)")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean {s}?")?;
                }
                Ok(())
            }
            LocaleError::NoLanguage { input } => {
                write!(f, "{input:?} names no language; send a language tag such as en-US")
            }
        }
    }
}

impl std::error::Error for LocaleError {}

/// Parses one language tag and writes it canonically: case (`en-us` → `en-US`), separators
/// (`en_US` → `en-US`), POSIX leftovers (`en_US.UTF-8` → `en-US`) and CLDR aliases
/// (`iw` → `he`, `in` → `id`, `sh` → `sr-Latn`).
///
/// ```
/// use atlscim_core::mapping::normalize_locale;
///
/// assert_eq!(normalize_locale("en_us").unwrap().tag, "en-US");
/// assert_eq!(normalize_locale("iw").unwrap().tag, "he");
/// assert!(normalize_locale("English").is_err());
/// ```
pub fn normalize_locale(input: &str) -> Result<LanguageTag, LocaleError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(LocaleError::Empty);
    }
    // POSIX locales carry an encoding and a modifier (`de_DE.UTF-8@euro`) that are not part of
    // the language.
    let base = trimmed.split(['.', '@']).next().unwrap_or(trimmed);
    if base.eq_ignore_ascii_case("c") || base.eq_ignore_ascii_case("posix") {
        return Err(LocaleError::NoLanguage { input: trimmed.to_string() });
    }
    let dashed = base.replace('_', "-");
    let mut locale = Locale::try_from_str(&dashed)
        .map_err(|_| LocaleError::Malformed { input: trimmed.to_string(), suggestion: suggest_tag(trimmed) })?;
    if locale.id.language.is_unknown() {
        return Err(LocaleError::NoLanguage { input: trimmed.to_string() });
    }
    LocaleCanonicalizer::new_extended().canonicalize(&mut locale);
    Ok(LanguageTag::from_locale(&locale))
}

/// A tag for a language written out by name (`English`, `german`): the Atlassian language of that
/// name.
fn suggest_tag(input: &str) -> Option<String> {
    let word = input.split(['(', ',']).next().unwrap_or(input).trim();
    if word.len() < 4 {
        return None;
    }
    ATLASSIAN_LANGUAGES
        .iter()
        .find(|(_, name)| name.split(' ').next().is_some_and(|n| n.eq_ignore_ascii_case(word)))
        .map(|(tag, _)| (*tag).to_string())
}

/// One item of an Accept-Language list. Serializes as `{"index", "tag", "quality"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageRange {
    /// Position in the list, counting from 0 and skipping empty items.
    pub index: usize,
    /// The tag; `None` for the wildcard `*`.
    pub tag: Option<LanguageTag>,
    /// The weight `q` in thousandths (1000 when absent).
    pub quality: u16,
}

/// Why one item of an Accept-Language list was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AcceptLanguageErrorKind {
    /// The language range is not a tag.
    Tag(LocaleError),
    /// The weight is not `q=` followed by 0 to 1 with at most three decimals.
    Quality(String),
    /// A parameter other than `q`.
    Parameter(String),
}

/// A malformed item of an Accept-Language list, located by its index. Serializes as
/// `{"index", "item", "detail"}`, the detail being the readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AcceptLanguageError {
    pub(crate) index: usize,
    pub(crate) item: String,
    pub(crate) kind: AcceptLanguageErrorKind,
}

impl AcceptLanguageError {
    /// The item's index in the list (0-based).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The item as written.
    pub fn item(&self) -> &str {
        &self.item
    }

    /// Why the item was not used.
    pub fn kind(&self) -> &AcceptLanguageErrorKind {
        &self.kind
    }
}

impl fmt::Display for AcceptLanguageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "item {} ({:?}): ", self.index, self.item)?;
        match &self.kind {
            AcceptLanguageErrorKind::Tag(e) => write!(f, "{e}"),
            AcceptLanguageErrorKind::Quality(q) => {
                write!(f, "the weight {q:?} must be q= followed by a number from 0 to 1 with at most three decimals")
            }
            AcceptLanguageErrorKind::Parameter(p) => {
                write!(f, "unexpected parameter {p:?}; only q= is allowed after a language")
            }
        }
    }
}

impl std::error::Error for AcceptLanguageError {}

impl Serialize for AcceptLanguageError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AcceptLanguageError", 3)?;
        s.serialize_field("index", &self.index)?;
        s.serialize_field("item", &self.item)?;
        s.serialize_field("detail", &self.to_string())?;
        s.end()
    }
}

/// An Accept-Language list: the usable items in their order, and the malformed ones. Serializes
/// as `{"best", "ranges", "errors"}`, `best` being [`AcceptLanguage::best`]: the shape every
/// binding returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcceptLanguage {
    pub ranges: Vec<LanguageRange>,
    pub errors: Vec<AcceptLanguageError>,
}

impl AcceptLanguage {
    /// The preferred language: the tag with the highest weight (the first of equals), ignoring
    /// `*` and items weighted 0 ("not acceptable").
    pub fn best(&self) -> Option<&LanguageTag> {
        let mut best: Option<&LanguageRange> = None;
        for r in &self.ranges {
            if r.tag.is_some() && r.quality > 0 && best.is_none_or(|b| r.quality > b.quality) {
                best = Some(r);
            }
        }
        best.and_then(|r| r.tag.as_ref())
    }
}

impl Serialize for AcceptLanguage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AcceptLanguage", 3)?;
        s.serialize_field("best", &self.best())?;
        s.serialize_field("ranges", &self.ranges)?;
        s.serialize_field("errors", &self.errors)?;
        s.end()
    }
}

/// Reads an Accept-Language list (`da, en-GB;q=0.8, en;q=0.7`). Never fails: malformed items are
/// listed in `errors` with their index, and the others are still used. A single tag is a list of
/// one.
///
/// ```
/// use atlscim_core::mapping::parse_accept_language;
///
/// let list = parse_accept_language("da, en-gb;q=0.8, xx-;q=0.9, en;q=0.7");
/// assert_eq!(list.best().map(|t| t.tag.as_str()), Some("da"));
/// assert_eq!(list.errors[0].index(), 2);
/// ```
pub fn parse_accept_language(input: &str) -> AcceptLanguage {
    let mut out = AcceptLanguage::default();
    for (index, item) in input.split(',').map(str::trim).filter(|i| !i.is_empty()).enumerate() {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim();
        let mut quality = 1000;
        let mut error = None;
        for param in parts {
            let param = param.trim();
            match param.split_once('=') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("q") => match parse_quality(value.trim()) {
                    Some(q) => quality = q,
                    None => error = Some(AcceptLanguageErrorKind::Quality(param.to_string())),
                },
                _ => error = Some(AcceptLanguageErrorKind::Parameter(param.to_string())),
            }
        }
        let tag = if range == "*" {
            Ok(None)
        } else {
            normalize_locale(range).map(Some).map_err(AcceptLanguageErrorKind::Tag)
        };
        match (tag, error) {
            (Ok(tag), None) => out.ranges.push(LanguageRange { index, tag, quality }),
            (Err(kind), _) | (Ok(_), Some(kind)) => {
                out.errors.push(AcceptLanguageError { index, item: item.to_string(), kind })
            }
        }
    }
    out
}

/// RFC 9110 §12.4.2: `0[.ddd]` or `1[.000]`, in thousandths.
fn parse_quality(q: &str) -> Option<u16> {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths =
        frac.bytes().chain(std::iter::repeat(b'0')).take(3).fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The CLDR fallback chain of a tag without its extensions, most specific first, without `und`:
/// `en-AU` → `[en-AU, en-001, en]`.
fn chain(locale: &Locale) -> Vec<String> {
    let fallbacker = LocaleFallbacker::new().for_config(LocaleFallbackConfig::default());
    let mut it = fallbacker.fallback_for(locale.into());
    let mut out = Vec::with_capacity(4);
    // Chains are three or four steps; the bound only guards against a data surprise.
    for _ in 0..8 {
        let step = it.get().to_string();
        if step == "und" {
            break;
        }
        out.push(step);
        it.step();
    }
    out
}

/// The Atlassian languages with their own fallback chains, computed once.
static ATLASSIAN_CHAINS: LazyLock<Vec<(&'static str, Vec<String>)>> = LazyLock::new(|| {
    ATLASSIAN_LANGUAGES
        .iter()
        .filter_map(|(tag, _)| Locale::try_from_str(tag).ok().map(|l| (*tag, chain(&l))))
        .collect()
});

/// The Atlassian product language closest to `tag`, if any shares its language.
///
/// Walks the tag's CLDR fallback chain (`es-MX` → `es-419` → `es`) and takes the first step that
/// is also on the chain of an Atlassian language; when two share that step (`en` is on the chain of
/// both `en-US` and `en-GB`), the language's likely region decides (`en` → `en-US`, `pt` → `pt-BR`).
///
/// ```
/// use atlscim_core::mapping::{nearest_atlassian_language, normalize_locale};
///
/// let nearest = |s: &str| nearest_atlassian_language(&normalize_locale(s).unwrap());
/// assert_eq!(nearest("fr-CA"), Some("fr-FR"));
/// assert_eq!(nearest("nb"), Some("no-NO"));
/// assert_eq!(nearest("en-AU"), Some("en-GB"));
/// assert_eq!(nearest("ar-SA"), None);
/// ```
pub fn nearest_atlassian_language(tag: &LanguageTag) -> Option<&'static str> {
    let locale = tag.locale()?;
    // Compare on language, script and region only.
    let bare = Locale::from(locale.id.clone());
    for step in chain(&bare) {
        let hits: Vec<&'static str> =
            ATLASSIAN_CHAINS.iter().filter(|(_, c)| c.contains(&step)).map(|(t, _)| *t).collect();
        match hits.as_slice() {
            [] => continue,
            [one] => return Some(one),
            several => return Some(likely(&bare, several)),
        }
    }
    None
}

/// Among Atlassian languages that tie, the one in the region the tag most likely means, else the
/// one in the region its bare language most likely means.
fn likely(locale: &Locale, candidates: &[&'static str]) -> &'static str {
    let expander = LocaleExpander::new_common();
    let region_of = |id: &mut icu_locale::LanguageIdentifier| {
        expander.maximize(id);
        id.region.map(|r| r.as_str().to_string())
    };
    let mut full = locale.id.clone();
    let mut bare = icu_locale::LanguageIdentifier::from(locale.id.language);
    for region in [region_of(&mut full), region_of(&mut bare)].into_iter().flatten() {
        if let Some(hit) = candidates.iter().find(|c| c.ends_with(&format!("-{region}"))) {
            return hit;
        }
    }
    candidates[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> String {
        normalize_locale(s).map(|t| t.tag).unwrap_or_else(|e| format!("error: {}", e.kind()))
    }

    #[test]
    fn tags_are_written_canonically() {
        for (input, want) in [
            ("en-US", "en-US"),
            ("en-us", "en-US"),
            ("EN", "en"),
            ("en_US", "en-US"),
            ("zh_tw", "zh-TW"),
            ("de_DE.UTF-8@euro", "de-DE"),
            ("iw", "he"),
            ("in-ID", "id-ID"),
            ("sh", "sr-Latn"),
            ("art-lojban", "jbo"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("en-US-u-ca-gregory", "en-US-u-ca-gregory"),
            (" fr-CA ", "fr-CA"),
        ] {
            assert_eq!(tag(input), want, "{input}");
        }
        let t = normalize_locale("pt_br").expect("tag");
        assert_eq!((t.language.as_str(), t.region.as_deref(), t.script), ("pt", Some("BR"), None));
    }

    #[test]
    fn malformed_tags_are_refused() {
        for (input, kind) in [
            ("", "empty"),
            ("english", "malformed"),
            ("en-", "malformed"),
            ("i-klingon", "malformed"),
            ("x-private", "malformed"),
            ("en--US", "malformed"),
            ("und", "no_language"),
            ("C", "no_language"),
            ("POSIX", "no_language"),
        ] {
            assert_eq!(tag(input), format!("error: {kind}"), "{input:?}");
        }
        assert_eq!(normalize_locale("German").expect_err("name").suggestion(), Some("de-DE"));
        assert!(normalize_locale("English").expect_err("name").to_string().contains("did you mean en-US?"));
    }

    #[test]
    fn accept_language_lists() {
        let list = parse_accept_language("da, en-gb;q=0.8, en;q=0.7");
        assert_eq!(list.best().map(|t| t.tag.as_str()), Some("da"));
        assert_eq!(list.ranges.iter().map(|r| r.quality).collect::<Vec<_>>(), [1000, 800, 700]);
        let list = parse_accept_language("en;q=0.5, de-DE;q=0.9, fr;q=0.9");
        assert_eq!(list.best().map(|t| t.tag.as_str()), Some("de-DE"), "highest q wins, first of equals");
        let list = parse_accept_language("*, fr;q=0");
        assert_eq!(list.best(), None, "a wildcard and a refused language give no preference");
        let list = parse_accept_language("en-US,,  ,fr;q=1.5, es;level=1, 12;q=0.3, de;Q=0.2");
        assert_eq!(list.errors.iter().map(|e| e.index).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(matches!(list.errors[0].kind, AcceptLanguageErrorKind::Quality(_)));
        assert!(matches!(list.errors[1].kind, AcceptLanguageErrorKind::Parameter(_)));
        assert!(matches!(list.errors[2].kind, AcceptLanguageErrorKind::Tag(_)));
        assert_eq!(list.ranges.iter().map(|r| r.index).collect::<Vec<_>>(), [0, 4]);
        assert!(list.errors[0].to_string().starts_with("item 1 (\"fr;q=1.5\")"));
        for q in ["0", "0.", "0.5", "0.123", "1", "1.000"] {
            assert!(parse_quality(q).is_some(), "{q}");
        }
        for q in ["", "1.001", "0.1234", "2", ".5", "-0", "0,5", "1e0"] {
            assert!(parse_quality(q).is_none(), "{q}");
        }
        assert_eq!(parse_accept_language("").best(), None);
    }

    #[test]
    fn accept_language_serializes_as_the_bindings_return_it() {
        let got = serde_json::to_value(parse_accept_language("*;q=0.1, en-gb;q=0.8, fr;q=2")).expect("serializes");
        assert_eq!(got["best"]["tag"], "en-GB");
        assert_eq!(got["ranges"][0], serde_json::json!({"index": 0, "tag": null, "quality": 100}));
        assert_eq!(got["ranges"][1]["tag"]["region"], "GB");
        assert_eq!(got["ranges"][1]["quality"], 800);
        assert_eq!(got["errors"][0]["index"], 2);
        assert_eq!(got["errors"][0]["item"], "fr;q=2");
        assert!(got["errors"][0]["detail"].as_str().is_some_and(|d| d.starts_with("item 2 (\"fr;q=2\")")));
        assert_eq!(got.as_object().map(|o| o.len()), Some(3), "best, ranges, errors and nothing else");
    }

    #[test]
    fn nearest_atlassian_language_follows_cldr() {
        let nearest = |s: &str| normalize_locale(s).ok().and_then(|t| nearest_atlassian_language(&t));
        for (input, want) in [
            ("en-US", Some("en-US")),
            ("en", Some("en-US")),
            ("en-GB", Some("en-GB")),
            ("en-AU", Some("en-GB")),
            ("en-IN", Some("en-GB")),
            ("en-CA", Some("en-US")),
            ("fr-CA", Some("fr-FR")),
            ("fr", Some("fr-FR")),
            ("de-CH", Some("de-DE")),
            ("es-MX", Some("es-ES")),
            ("pt", Some("pt-BR")),
            ("pt-AO", Some("pt-PT")),
            ("pt-PT", Some("pt-PT")),
            ("zh", Some("zh-CN")),
            ("zh-SG", Some("zh-CN")),
            ("zh-HK", Some("zh-TW")),
            ("zh-Hant", Some("zh-TW")),
            ("nb", Some("no-NO")),
            ("nb-NO", Some("no-NO")),
            ("nn", Some("no-NO")),
            ("no", Some("no-NO")),
            ("ja", Some("ja-JP")),
            ("en-US-u-ca-gregory", Some("en-US")),
            ("ar-SA", None),
            ("sr-Latn", None),
        ] {
            assert_eq!(nearest(input), want, "{input}");
        }
        for (tag, _) in ATLASSIAN_LANGUAGES {
            assert_eq!(nearest(tag), Some(tag), "every Atlassian language is its own nearest");
        }
    }
}
