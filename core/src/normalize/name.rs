//! Display name and given/family name: the one rule every part of atlscim uses.
//!
//! Atlassian keeps one "full name" per account and treats it as the combination of first and last
//! name. When a client sends `displayName`, that value overwrites the first and last name; when
//! `displayName` is empty, Atlassian builds it from `name.givenName` + `name.familyName`
//! (reference/atlassian-scim.md §2.4). A client that sends a display name and first/last names that
//! disagree therefore never sees what it sent: on the next sync its own copy differs from
//! Atlassian's, it sends the update again, Atlassian overwrites it again, and the sync flip-flops
//! forever.
//!
//! So atlscim models Atlassian's state and always sends a fixed point of it ([`reconcile_name`]):
//!
//! - a display name and no first/last name: the names are filled from [`split_display_name`];
//! - first/last names and no display name: the display name is [`join_display_name`];
//! - both, agreeing (the display name is the join of the names, or splits into them): kept as
//!   they are, since the identity provider's names carry more than a split can recover;
//! - both, disagreeing: the display name wins, as it does at Atlassian, and the names become its
//!   split.
//!
//! `map_user`, `apply_patch` and `diff` all go through these functions, so what one produces the
//! others accept unchanged.
//!
//! # How a display name is split
//!
//! Splitting a name is guesswork; these rules make the guess predictable:
//!
//! 1. Whitespace runs become one space and the ends are trimmed. Parenthesized, bracketed and
//!    quoted parts (`Jane Doe (Contractor)`, `Robert "Bob" Smith`) belong to neither name and are
//!    dropped.
//! 2. Trailing comma-separated suffixes are taken off (`John Smith, Jr.`). One remaining comma
//!    means the directory form `Family, Given` (`Doe, Jane`).
//! 3. Leading honorific prefixes (`Dr.`, `Prof`, `Mrs`) and trailing suffixes (`Jr.`, `III`,
//!    `PhD`) are kept apart, never as names.
//! 4. A single word is a given name (mononyms, and scripts written without spaces such as
//!    `山田太郎`, which cannot be split without a dictionary); after a prefix (`Dr. Smith`) it is
//!    a family name.
//! 5. Names written in Han, Kana or Hangul put the family name first (`山田 太郎`: family `山田`).
//!    A katakana name with a middle dot (`ジョン・スミス`) is given-name first.
//! 6. Otherwise the last word is the family name, together with the particles in front of it
//!    (`Ludwig van Beethoven`, `Anna de la Cruz`, `Yves Saint Laurent`) and a Spanish or
//!    Portuguese double surname joined by `y` or `e` (`José García y López`); the first word
//!    always stays the given name. Everything before is the given name (`Mary Jane` Watson).
//!
//! Family-first orders in Latin script other than the comma form (`DUPONT Jean`) are not
//! detected: nothing in the string tells them apart reliably.
//!
//! # How names are joined
//!
//! `given + " " + family`, as Atlassian builds it; when both names are written in Han, Kana or
//! Hangul, family then given with no space (`山田太郎`), as those languages write them.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

/// A display name split into its parts. Absent parts are empty strings or `None`. Serializes as
/// `{"given", "family", "prefix", "suffix"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameParts {
    pub given: String,
    pub family: String,
    /// Honorific prefixes, space-separated (`Dr.`, `Prof. Dr.`).
    pub prefix: Option<String>,
    /// Honorific or generational suffixes, space-separated (`Jr.`, `PhD`).
    pub suffix: Option<String>,
}

/// Collapses whitespace runs to one space and trims the ends.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    if is_collapsed(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `s` is ASCII and already collapsed: no whitespace at the ends, none but single spaces
/// between words (names nearly always are; the copy is then all `collapse_whitespace` does).
fn is_collapsed(s: &str) -> bool {
    let b = s.as_bytes();
    let mut prev_space = true;
    for &c in b {
        if !c.is_ascii() || (c.is_ascii_whitespace() && c != b' ') || c == 0x0b {
            return false;
        }
        let space = c == b' ';
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    !prev_space || b.is_empty()
}

/// Han, Kana and Hangul: scripts whose personal names are written family name first and,
/// joined, without a space.
fn is_east_asian(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x31F0..=0x31FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F | 0x20000..=0x3FFFF)
}

fn all_east_asian(s: &str) -> bool {
    let mut any = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if !is_east_asian(c) {
                return false;
            }
            any = true;
        }
    }
    any
}

/// Honorific prefixes, compared without case and without a trailing dot.
const PREFIXES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "reverend",
    "fr",
    "father",
    "hon",
    "capt",
    "col",
    "gen",
    "lt",
    "maj",
    "sgt",
    "herr",
    "frau",
    "mme",
    "mlle",
];

/// Suffixes, compared without case and without dots (`Ph.D.` is `phd`). Roman numerals are
/// matched in capitals only, so that a given name like `Iv` stays a name.
const SUFFIXES: &[&str] =
    &["jr", "sr", "phd", "md", "dds", "esq", "mba", "cpa", "jd", "obe", "mbe", "cbe", "kbe", "qc", "kc"];
const NUMERALS: &[&str] = &["II", "III", "IV"];

/// Family-name particles. Lower case always counts; the capitalised forms listed in
/// `CAPITAL_PARTICLES` count too (`Van Damme`, `De Niro`, `Al Saud`).
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "dei", "degli", "di", "da", "das", "dos", "do", "du", "la", "le",
    "ter", "ten", "te", "zu", "bin", "binti", "bint", "ibn", "al", "el", "ap", "saint", "st", "st.",
];
const CAPITAL_PARTICLES: &[&str] = &[
    "Van", "Von", "Der", "Den", "De", "Del", "Della", "Di", "Da", "Du", "La", "Le", "Ter", "Ten", "Al", "El", "Bin",
    "Ibn", "Saint", "St", "St.",
];
/// Conjunctions joining two surnames.
const CONJUNCTIONS: &[&str] = &["y", "e", "i"];

fn squash(word: &str) -> String {
    word.chars().filter(|c| *c != '.').flat_map(char::to_lowercase).collect()
}

fn is_prefix(word: &str) -> bool {
    let w = word.strip_suffix('.').unwrap_or(word);
    PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(w))
}

fn is_suffix(word: &str) -> bool {
    let w = word.trim_end_matches(',');
    if NUMERALS.contains(&w) {
        return true;
    }
    // An ASCII word is compared without building its squashed copy; other words may lowercase
    // into ASCII (the Kelvin sign is `k`), so they take the full `squash`.
    if w.is_ascii() {
        let squashed = || w.bytes().filter(|b| *b != b'.').map(|b| b.to_ascii_lowercase());
        return SUFFIXES.iter().any(|s| squashed().eq(s.bytes()));
    }
    SUFFIXES.contains(&squash(w).as_str())
}

fn is_particle(word: &str) -> bool {
    PARTICLES.contains(&word) || CAPITAL_PARTICLES.contains(&word)
}

/// Drops `( … )`, `[ … ]` and quoted parts, which are notes or nicknames, not names.
fn drop_annotations(s: &str) -> Cow<'_, str> {
    if !s.contains(['(', '[', '"', '\u{201C}']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut closing: Option<char> = None;
    for c in s.chars() {
        match closing {
            Some(end) if c == end => {
                closing = None;
                out.push(' ');
            }
            Some(_) => {}
            None => match c {
                '(' => closing = Some(')'),
                '[' => closing = Some(']'),
                '"' => closing = Some('"'),
                '\u{201C}' => closing = Some('\u{201D}'),
                c => out.push(c),
            },
        }
    }
    // An unclosed bracket drops nothing: the text was not an annotation.
    Cow::Owned(if closing.is_some() { s.to_string() } else { out })
}

fn join_words(words: &[&str]) -> String {
    words.join(" ")
}

fn some_joined(words: &[&str]) -> Option<String> {
    (!words.is_empty()).then(|| join_words(words))
}

/// Splits a display name into given name, family name, and honorific prefix and suffix (see the
/// module documentation for the rules).
///
/// ```
/// use atlscim_core::mapping::split_display_name;
///
/// let n = split_display_name("Dr.  Ludwig van Beethoven, Jr.");
/// assert_eq!((n.given.as_str(), n.family.as_str()), ("Ludwig", "van Beethoven"));
/// assert_eq!((n.prefix.as_deref(), n.suffix.as_deref()), (Some("Dr."), Some("Jr.")));
/// assert_eq!(split_display_name("Doe, Jane").family, "Doe");
/// ```
pub fn split_display_name(display: &str) -> NameParts {
    let cleaned = collapse_whitespace(&drop_annotations(display));
    // Comma-separated tail: suffixes (`, Jr.`, `, PhD`).
    let mut segments: Vec<&str> = cleaned.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    // Taken from the end, so collected in reverse and turned round once (inserting each at the
    // front would be quadratic in the number of suffixes).
    let mut suffixes: Vec<&str> = Vec::new();
    while segments.len() > 1 && segments.last().is_some_and(|s| s.split(' ').all(is_suffix)) {
        if let Some(s) = segments.pop() {
            suffixes.push(s);
        }
    }
    suffixes.reverse();
    let joined = segments.join(" ");
    let mut parts = if segments.len() == 2 {
        // `Family, Given`
        let mut given = words_of(segments[1]);
        let prefixes = take_prefixes(&mut given);
        let mut family = words_of(segments[0]);
        take_suffixes(&mut family, &mut suffixes);
        take_suffixes(&mut given, &mut suffixes);
        NameParts {
            given: join_words(&given),
            family: join_words(&family),
            prefix: some_joined(&prefixes),
            suffix: None,
        }
    } else {
        let mut words = words_of(&joined);
        let prefixes = take_prefixes(&mut words);
        take_suffixes(&mut words, &mut suffixes);
        let mut parts = split_words(&words, !prefixes.is_empty());
        parts.prefix = some_joined(&prefixes);
        parts
    };
    parts.suffix = some_joined(&suffixes);
    parts
}

fn words_of(s: &str) -> Vec<&str> {
    s.split(' ').filter(|w| !w.is_empty()).collect()
}

fn take_prefixes<'a>(words: &mut Vec<&'a str>) -> Vec<&'a str> {
    let n = words.iter().take(words.len().saturating_sub(1)).take_while(|w| is_prefix(w)).count();
    words.drain(..n).collect()
}

/// Moves the suffix words at the end of `words` to the front of `suffixes`, in order.
fn take_suffixes<'a>(words: &mut Vec<&'a str>, suffixes: &mut Vec<&'a str>) {
    let mut found = Vec::new();
    while words.len() > 1 && words.last().is_some_and(|w| is_suffix(w)) {
        if let Some(w) = words.pop() {
            found.push(w.trim_end_matches(','));
        }
    }
    found.reverse();
    found.append(suffixes);
    *suffixes = found;
}

fn split_words(words: &[&str], after_prefix: bool) -> NameParts {
    match words {
        [] => NameParts::default(),
        [one] => {
            // A katakana foreign name: given・family.
            if let Some((given, family)) = one.rsplit_once(['\u{30FB}', '\u{00B7}', '\u{FF65}'])
                && !given.is_empty()
                && !family.is_empty()
            {
                return NameParts { given: given.to_string(), family: family.to_string(), ..NameParts::default() };
            }
            if after_prefix {
                NameParts { family: (*one).to_string(), ..NameParts::default() }
            } else {
                NameParts { given: (*one).to_string(), ..NameParts::default() }
            }
        }
        [first, rest @ ..] if words.iter().all(|w| all_east_asian(w)) => {
            NameParts { given: join_words(rest), family: (*first).to_string(), ..NameParts::default() }
        }
        _ => {
            // The family name starts at the last word and takes in the particles and conjoined
            // surnames before it; the first word always stays the given name.
            let mut start = words.len() - 1;
            loop {
                if start >= 2 && is_particle(words[start - 1]) {
                    start -= 1;
                } else if start >= 3 && CONJUNCTIONS.contains(&words[start - 1]) {
                    start -= 2;
                } else {
                    break;
                }
            }
            NameParts {
                given: join_words(&words[..start]),
                family: join_words(&words[start..]),
                ..NameParts::default()
            }
        }
    }
}

/// Builds a display name from given and family name, as Atlassian does when the display name is
/// empty: `given family`, or `familygiven` when both are written in Han, Kana or Hangul. Either
/// part may be empty.
///
/// ```
/// use atlscim_core::mapping::join_display_name;
///
/// assert_eq!(join_display_name(" Jane ", "van  Doe"), "Jane van Doe");
/// assert_eq!(join_display_name("太郎", "山田"), "山田太郎");
/// assert_eq!(join_display_name("", "Doe"), "Doe");
/// ```
pub fn join_display_name(given: &str, family: &str) -> String {
    let (given, family) = (collapse_whitespace(given), collapse_whitespace(family));
    match (given.is_empty(), family.is_empty()) {
        (true, _) => family,
        (_, true) => given,
        _ if all_east_asian(&given) && all_east_asian(&family) => family + &given,
        _ => given + " " + &family,
    }
}

/// What [`reconcile_name`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameOutcome {
    /// Nothing to do: no names, or display name and names agree.
    Unchanged,
    /// No display name: it was built from the names.
    DisplayBuilt,
    /// Missing given or family names were filled from the display name.
    NamesFilled,
    /// The names disagreed with the display name and were replaced by its split (Atlassian would
    /// have overwritten them). Holds the names as they were.
    NamesOverwritten { given: Option<String>, family: Option<String> },
}

/// Display name and names as Atlassian will hold them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciledName {
    pub display_name: Option<String>,
    pub given: Option<String>,
    pub family: Option<String>,
    /// Honorific prefix and suffix found while filling names from the display name.
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub outcome: NameOutcome,
}

fn present(s: Option<&str>) -> Option<String> {
    s.map(collapse_whitespace).filter(|s| !s.is_empty())
}

/// Whether `display` and the names agree the way Atlassian needs them to (they need no change).
pub fn display_name_agrees(display: &str, given: Option<&str>, family: Option<&str>) -> bool {
    let r = reconcile_name(Some(display), given, family);
    r.outcome == NameOutcome::Unchanged
}

/// The first and last name Atlassian will hold when `display` overwrites `given` and `family`
/// (what [`reconcile_name`] reports as [`NameOutcome::NamesOverwritten`]), or `None` when nothing is
/// overwritten. The check reports it on every user with a display name, so the common case is
/// decided without building strings ([`plain_overwrite`]); everything else takes the full rule.
///
/// One reading differs from `reconcile_name`, as the check has always read it: a display name
/// that is `given`, a space and `family` byte for byte agrees, even for names written in Han, Kana
/// or Hangul, which Atlassian joins without the space (`山田 太郎` with given `山田` and family
/// `太郎`: the full rule would call the names overwritten).
pub(crate) fn overwritten_names<'a>(
    display: &'a str,
    given: Option<&str>,
    family: Option<&str>,
) -> Option<(Cow<'a, str>, Cow<'a, str>)> {
    if let Some(decided) = plain_overwrite(display, given, family) {
        return decided.map(|(g, f)| (Cow::Borrowed(g), Cow::Borrowed(f)));
    }
    let r = reconcile_name(Some(display), given, family);
    matches!(r.outcome, NameOutcome::NamesOverwritten { .. })
        .then(|| (Cow::Owned(r.given.unwrap_or_default()), Cow::Owned(r.family.unwrap_or_default())))
}

/// [`overwritten_names`] for ASCII names already collapsed and a display name that splits into two
/// plain words, where [`reconcile_name`]'s answer follows from comparisons alone: `None` when
/// the input is outside that case. ASCII is never East Asian, so the join is `given family`;
/// without brackets, quotes or commas, a display name of two words, the first no honorific
/// prefix and the last no suffix, splits into exactly those two words.
fn plain_overwrite<'a>(
    display: &'a str,
    given: Option<&str>,
    family: Option<&str>,
) -> Option<Option<(&'a str, &'a str)>> {
    // Most users: the display name is `given family` as written, which the check takes as
    // agreeing (see `overwritten_names` for the one case where the full rule would not).
    if given.zip(family).is_some_and(|(g, f)| plainly_joined(display, g, f)) {
        return Some(None);
    }
    if !is_collapsed(display) || !given.is_none_or(is_collapsed) || !family.is_none_or(is_collapsed) {
        return None;
    }
    // `present`: an empty name is no name.
    let (given, family) = (given.filter(|g| !g.is_empty()), family.filter(|f| !f.is_empty()));
    if display.is_empty() || (given.is_none() && family.is_none()) {
        return Some(None);
    }
    let joined_is_display = match (given, family) {
        (Some(g), Some(f)) => plainly_joined(display, g, f),
        (Some(one), None) | (None, Some(one)) => one == display,
        (None, None) => false,
    };
    if joined_is_display {
        return Some(None);
    }
    if display.contains(['(', '[', '"', ',']) {
        return None;
    }
    let (first, last) = display.split_once(' ')?;
    if last.contains(' ') || is_prefix(first) || is_suffix(last) {
        return None;
    }
    let agrees = given.is_none_or(|g| g == first) && family.is_none_or(|f| f == last);
    Some((!agrees).then_some((first, last)))
}

/// Whether `display` is `given`, one space and `family`, byte for byte.
fn plainly_joined(display: &str, given: &str, family: &str) -> bool {
    display.len() == given.len() + 1 + family.len()
        && display.starts_with(given)
        && display.ends_with(family)
        && display.as_bytes()[given.len()] == b' '
}

/// Applies Atlassian's display-name rule (module documentation) to a user's display name and
/// names, giving the values to send so that the next sync sees no difference.
///
/// ```
/// use atlscim_core::mapping::{reconcile_name, NameOutcome};
///
/// let r = reconcile_name(Some("Jane Doe"), Some("Janet"), Some("Doe"));
/// assert_eq!(r.given.as_deref(), Some("Jane"));
/// assert!(matches!(r.outcome, NameOutcome::NamesOverwritten { .. }));
/// let r = reconcile_name(None, Some("Jane"), Some("Doe"));
/// assert_eq!(r.display_name.as_deref(), Some("Jane Doe"));
/// ```
pub fn reconcile_name(display: Option<&str>, given: Option<&str>, family: Option<&str>) -> ReconciledName {
    let (display, given, family) = (present(display), present(given), present(family));
    let unchanged = |display, given, family| ReconciledName {
        display_name: display,
        given,
        family,
        prefix: None,
        suffix: None,
        outcome: NameOutcome::Unchanged,
    };
    let Some(display) = display else {
        if given.is_none() && family.is_none() {
            return unchanged(None, None, None);
        }
        let built = join_display_name(given.as_deref().unwrap_or(""), family.as_deref().unwrap_or(""));
        return ReconciledName {
            display_name: Some(built),
            given,
            family,
            prefix: None,
            suffix: None,
            outcome: NameOutcome::DisplayBuilt,
        };
    };
    let joined = join_display_name(given.as_deref().unwrap_or(""), family.as_deref().unwrap_or(""));
    if !joined.is_empty() && joined == display {
        return unchanged(Some(display), given, family);
    }
    let split = split_display_name(&display);
    let nonempty = |s: String| (!s.is_empty()).then_some(s);
    let (split_given, split_family) = (nonempty(split.given), nonempty(split.family));
    let agrees = |mine: &Option<String>, theirs: &Option<String>| mine.is_none() || mine == theirs;
    if (given.is_some() || family.is_some()) && agrees(&given, &split_given) && agrees(&family, &split_family) {
        let filled = (given.is_none() && split_given.is_some()) || (family.is_none() && split_family.is_some());
        return ReconciledName {
            display_name: Some(display),
            given: given.or(split_given),
            family: family.or(split_family),
            prefix: None,
            suffix: None,
            outcome: if filled { NameOutcome::NamesFilled } else { NameOutcome::Unchanged },
        };
    }
    let outcome = if given.is_none() && family.is_none() {
        NameOutcome::NamesFilled
    } else {
        NameOutcome::NamesOverwritten { given, family }
    };
    ReconciledName {
        display_name: Some(display),
        given: split_given,
        family: split_family,
        prefix: split.prefix,
        suffix: split.suffix,
        outcome,
    }
}

/// Atlassian's one full name: a display name overwrites the first and last name, and without one
/// the display name is built from them (reference §2.4). The formatted name goes when the names
/// change, so it never disagrees with them. What the directory stores and what a sync plan asks
/// Atlassian to hold both go through here, so a plan never fights Atlassian's own rewrite.
pub fn settle_names(attrs: &mut Map<String, Value>) {
    let display = attrs.get("displayName").and_then(Value::as_str).map(str::to_string);
    let name = attrs.get("name").and_then(Value::as_object);
    let get = |k: &str| name.and_then(|n| n.get(k)).and_then(Value::as_str).map(str::to_string);
    let (given, family) = (get("givenName"), get("familyName"));
    let r = reconcile_name(display.as_deref(), given.as_deref(), family.as_deref());
    match r.outcome {
        NameOutcome::Unchanged => {}
        NameOutcome::DisplayBuilt => {
            if let Some(d) = r.display_name {
                attrs.insert("displayName".into(), d.into());
            }
        }
        NameOutcome::NamesFilled | NameOutcome::NamesOverwritten { .. } => {
            let name = attrs.entry("name").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(n) = name {
                for (k, v) in [("givenName", r.given), ("familyName", r.family)] {
                    match v {
                        Some(v) => n.insert(k.into(), v.into()),
                        None => n.remove(k),
                    };
                }
                n.remove("formatted");
            }
        }
    }
}

/// Whether `settle_names` would leave these attributes as they are (no copy needed).
pub fn names_settled(attrs: &Map<String, Value>) -> bool {
    let name = attrs.get("name").and_then(Value::as_object);
    let get = |k: &str| name.and_then(|n| n.get(k)).and_then(Value::as_str);
    let display = attrs.get("displayName").and_then(Value::as_str);
    reconcile_name(display, get("givenName"), get("familyName")).outcome == NameOutcome::Unchanged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, String) {
        let n = split_display_name(s);
        (n.given, n.family)
    }

    fn pair(g: &str, f: &str) -> (String, String) {
        (g.to_string(), f.to_string())
    }

    /// `overwritten_names` decides plain names without `reconcile_name`: every combination of
    /// display name and names here must get the full rule's answer.
    #[test]
    fn overwritten_names_agrees_with_the_full_rule() {
        let displays = [
            "",
            " ",
            "Babs",
            "Babs Jensen",
            "Barbara Jensen",
            "Dr. Jensen",
            "Dr Babs Jensen",
            "Babs Jensen Jr.",
            "Babs Jr.",
            "Babs PhD",
            "Babs III",
            "Babs Ph.D.",
            "Babs van Jensen",
            "Anna de la Cruz",
            "Jensen, Babs",
            "Babs (Contractor) Jensen",
            "Babs \"B\" Jensen",
            "Babs [x]",
            "Babs  Jensen",
            " Babs Jensen",
            "Babs\tJensen",
            "山田 太郎",
            "Jose García",
            "Babs \u{212A}C",
            "Babs kc",
            "Babs Kc.",
            "Mr. Jensen",
            "Babs Mr",
        ];
        let names = [
            None,
            Some(""),
            Some(" "),
            Some("Babs"),
            Some("Barbara"),
            Some("Jensen"),
            Some("Babs Jensen"),
            Some("Babs  Jensen"),
            Some(" Jensen"),
            Some("Jr."),
            Some("太郎"),
            Some("山田"),
            Some("van Jensen"),
        ];
        for display in displays {
            for given in names {
                for family in names {
                    let full = reconcile_name(Some(display), given, family);
                    // The check's reading of `given family` as written (overwritten_names' doc).
                    let joined = given.zip(family).is_some_and(|(g, f)| plainly_joined(display, g, f));
                    let expected = (matches!(full.outcome, NameOutcome::NamesOverwritten { .. }) && !joined)
                        .then(|| (full.given.unwrap_or_default(), full.family.unwrap_or_default()));
                    let fast = overwritten_names(display, given, family).map(|(g, f)| (g.into_owned(), f.into_owned()));
                    assert_eq!(fast, expected, "{display:?} {given:?} {family:?}");
                }
            }
        }
    }

    #[test]
    fn ascii_suffixes_match_as_the_squashed_copy_does() {
        for w in
            ["Jr.", "jr", "JR", "Ph.D.", "P.h.D", "phd.", "Esq", "K.C.", "kc,", "Jrx", "J", "", ".", "III", "iii", "Iv"]
        {
            let t = w.trim_end_matches(',');
            let full = NUMERALS.contains(&t) || SUFFIXES.contains(&squash(t).as_str());
            assert_eq!(is_suffix(w), full, "{w:?}");
        }
        assert!(is_suffix("\u{212A}C"), "the Kelvin sign lowercases to k: the non-ASCII path squashes");
    }

    #[test]
    fn collapse_fast_path_agrees_with_the_full_rule() {
        let full = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in [
            "",
            " ",
            "Jane",
            "Jane Doe",
            " Jane",
            "Jane ",
            "Jane  Doe",
            "Jane\tDoe",
            "Jane\u{b}Doe",
            "Jane\u{c}Doe",
            "Jane\rDoe",
            "Jane\u{1f}Doe",
            "Jane\u{a0}Doe",
            "Jane\u{3000}Doe",
            "Zoë Doe",
            "a b c",
        ] {
            assert_eq!(collapse_whitespace(s), full(s), "{s:?}");
        }
        assert_eq!(drop_annotations("Jane Doe"), "Jane Doe");
        assert_eq!(drop_annotations("Jane (IT) Doe"), "Jane   Doe");
    }

    #[test]
    fn western_names() {
        assert_eq!(split("Jane Doe"), pair("Jane", "Doe"));
        assert_eq!(split("Mary Jane Watson"), pair("Mary Jane", "Watson"));
        assert_eq!(split("  Jane \t  Doe  "), pair("Jane", "Doe"));
        assert_eq!(split("Jean-Claude Van Damme"), pair("Jean-Claude", "Van Damme"));
        assert_eq!(split("Ludwig van Beethoven"), pair("Ludwig", "van Beethoven"));
        assert_eq!(split("Johannes van der Waals"), pair("Johannes", "van der Waals"));
        assert_eq!(split("Anna de la Cruz"), pair("Anna", "de la Cruz"));
        assert_eq!(split("José García y López"), pair("José", "García y López"));
        assert_eq!(split("Yves Saint Laurent"), pair("Yves", "Saint Laurent"));
        assert_eq!(split("Mohammed bin Salman"), pair("Mohammed", "bin Salman"));
        assert_eq!(split("Al Pacino"), pair("Al", "Pacino"));
        assert_eq!(split("Van Morrison"), pair("Van", "Morrison"));
        assert_eq!(split("Robert De Niro"), pair("Robert", "De Niro"));
        assert_eq!(split("Sinéad O'Connor"), pair("Sinéad", "O'Connor"));
    }

    #[test]
    fn prefixes_suffixes_and_commas() {
        let n = split_display_name("Prof. Dr. Anna Schmidt");
        assert_eq!((n.prefix.as_deref(), n.given.as_str(), n.family.as_str()), (Some("Prof. Dr."), "Anna", "Schmidt"));
        let n = split_display_name("Martin Luther King Jr.");
        assert_eq!((n.given.as_str(), n.family.as_str(), n.suffix.as_deref()), ("Martin Luther", "King", Some("Jr.")));
        let n = split_display_name("John Smith, Jr., PhD");
        assert_eq!((n.family.as_str(), n.suffix.as_deref()), ("Smith", Some("Jr. PhD")));
        let n = split_display_name("Henry Ford III");
        assert_eq!((n.family.as_str(), n.suffix.as_deref()), ("Ford", Some("III")));
        assert_eq!(split("Doe, Jane"), pair("Jane", "Doe"));
        assert_eq!(split("van der Berg, Anna Maria"), pair("Anna Maria", "van der Berg"));
        let n = split_display_name("Doe, Dr. Jane");
        assert_eq!((n.prefix.as_deref(), n.given.as_str()), (Some("Dr."), "Jane"));
        let n = split_display_name("Dr. Smith");
        assert_eq!((n.given.as_str(), n.family.as_str()), ("", "Smith"));
        assert_eq!(split("Mr"), pair("Mr", ""), "a lone prefix word is a name");
    }

    #[test]
    fn single_words_annotations_and_scripts_without_spaces() {
        assert_eq!(split("Madonna"), pair("Madonna", ""));
        assert_eq!(split(""), pair("", ""));
        assert_eq!(split("   "), pair("", ""));
        assert_eq!(split("Jane Doe (Contractor)"), pair("Jane", "Doe"));
        assert_eq!(split("Robert \"Bob\" Smith"), pair("Robert", "Smith"));
        assert_eq!(split("Jane Doe [EXT]"), pair("Jane", "Doe"));
        assert_eq!(split("Jane (Doe"), pair("Jane", "(Doe"), "an unclosed bracket is kept");
        assert_eq!(split("山田太郎"), pair("山田太郎", ""));
        assert_eq!(split("山田 太郎"), pair("太郎", "山田"));
        assert_eq!(split("김 민수"), pair("민수", "김"));
        assert_eq!(split("王 小明"), pair("小明", "王"));
        assert_eq!(split("ジョン・スミス"), pair("ジョン", "スミス"));
        assert_eq!(split("Nguyễn Văn An"), pair("Nguyễn Văn", "An"), "Latin script: last word is family");
    }

    #[test]
    fn join_and_split_round_trip() {
        for (given, family) in [("Jane", "Doe"), ("Mary Jane", "Watson"), ("Ludwig", "van Beethoven"), ("Madonna", "")]
        {
            let display = join_display_name(given, family);
            assert_eq!(split(&display), pair(given, family), "{display}");
            assert!(display_name_agrees(&display, Some(given), Some(family).filter(|f| !f.is_empty())));
        }
        assert_eq!(join_display_name("太郎", "山田"), "山田太郎");
        assert_eq!(join_display_name("민수", "김"), "김민수");
        assert_eq!(join_display_name("", ""), "");
    }

    #[test]
    fn reconcile_follows_atlassian() {
        let r = reconcile_name(Some("Jane Doe"), None, None);
        assert_eq!(
            (r.given.as_deref(), r.family.as_deref(), &r.outcome),
            (Some("Jane"), Some("Doe"), &NameOutcome::NamesFilled)
        );
        let r = reconcile_name(None, Some("Jane"), Some("Doe"));
        assert_eq!((r.display_name.as_deref(), &r.outcome), (Some("Jane Doe"), &NameOutcome::DisplayBuilt));
        let r = reconcile_name(Some("Mary Jane Watson"), Some("Mary"), Some("Jane Watson"));
        assert_eq!(r.outcome, NameOutcome::Unchanged, "the join matches, so the IdP's split is kept");
        let r = reconcile_name(Some("Dr. Jane Doe (she/her)"), Some("Jane"), Some("Doe"));
        assert_eq!(r.outcome, NameOutcome::Unchanged);
        let r = reconcile_name(Some("山田 太郎"), Some("太郎"), Some("山田"));
        assert_eq!(r.outcome, NameOutcome::Unchanged);
        let r = reconcile_name(Some("Jane Doe"), Some("Jane"), None);
        assert_eq!((r.family.as_deref(), &r.outcome), (Some("Doe"), &NameOutcome::NamesFilled));
        let r = reconcile_name(Some("Bob Smith"), Some("Robert"), Some("Smith"));
        assert_eq!((r.given.as_deref(), r.family.as_deref()), (Some("Bob"), Some("Smith")));
        assert_eq!(
            r.outcome,
            NameOutcome::NamesOverwritten { given: Some("Robert".into()), family: Some("Smith".into()) }
        );
        let r = reconcile_name(Some("  "), Some(" "), None);
        assert_eq!((r.display_name, r.outcome), (None, NameOutcome::Unchanged));
        let r = reconcile_name(Some("Jane   Doe"), Some("Jane"), Some("Doe"));
        assert_eq!((r.display_name.as_deref(), r.outcome), (Some("Jane Doe"), NameOutcome::Unchanged));
        // A fixed point: reconciling the result again changes nothing.
        for (d, g, f) in [
            (Some("Bob Smith"), Some("Robert"), Some("Smith")),
            (Some("Doe, Jane"), None, None),
            (None, Some("太郎"), Some("山田")),
            (Some("Dr. Smith"), None, None),
            (Some("José García y López"), Some("José"), None),
        ] {
            let r = reconcile_name(d, g, f);
            let again = reconcile_name(r.display_name.as_deref(), r.given.as_deref(), r.family.as_deref());
            assert_eq!(again.outcome, NameOutcome::Unchanged, "{d:?} {g:?} {f:?} → {r:?}");
        }
    }
}
