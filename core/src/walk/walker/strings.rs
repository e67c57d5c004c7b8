//! Rules on string values that depend on the attribute: canonical values, email syntax, and the
//! Atlassian time zone and language rules with their lenient fixes.

use super::*;

/// Checks on string values that depend on the attribute: canonical values, and the Atlassian
/// rules its schema tags the attribute with.
pub(super) fn string_rules(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    let attr = ctx.attr;
    if !attr.canonical_values.is_empty() && !attr.canonical_values.iter().any(|c| c == s) {
        let rule = w.rule_at(&rules::RFC_V_001, Some(attr), ctx.parent, ctx.top);
        match attr.canonical_for(s) {
            Some(canonical) => {
                let detail = format!("{s:?} is written {canonical:?} in the schema's canonical values");
                let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::from(canonical) };
                w.found(rule, Severity::Warning, ctx.loc, detail, Some(fix));
            }
            None => {
                let detail = format!("{s:?} is not one of {}", attr.canonical_values.join(", "));
                w.found(rule, Severity::Warning, ctx.loc, detail, None);
            }
        }
    }
    // Which Atlassian rule applies is a tag on Atlassian's schema (`schema::AtlassianCheck`); an
    // attribute of the RFC schemas has none.
    match attr.check {
        Some(AtlassianCheck::Timezone) if ctx.top => timezone_rule(w, ctx, s),
        Some(AtlassianCheck::PreferredLanguage) if ctx.top => language_rule(w, ctx, s),
        Some(AtlassianCheck::PhotoValue) if ctx.parent.is_some() => super::super::photos::url_rule(w, ctx.loc, s),
        Some(AtlassianCheck::EmailValue) if ctx.parent.is_some() => email_rule(w, ctx, s),
        _ => {}
    }
}

/// ATL-U-004: an email address's syntax, and its domain in the form IDNA gives it.
fn email_rule(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    if let Err(e) = email::parse(s) {
        w.issue(Severity::Error, &rules::ATL_U_004, ctx.loc, format!("{s:?} is not a valid email address: {e}"));
    } else if let Some(mapped) = email::mapped_address(s) {
        // A look-alike domain (full-width letters, another full stop): the same domain to IDNA,
        // another text to whoever reads it or compares it as text.
        let detail = format!("{s:?} is written {mapped:?}: IDNA (UTS 46) maps its domain to that A-label");
        let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::String(mapped) };
        w.found(&rules::ATL_U_004, rules::ATL_U_004.severity, ctx.loc, detail, Some(fix));
    }
}

/// The names on Atlassian's time zone list (CLDR's canonical region-based ids and UTC), from
/// ICU4X's data.
static CANONICAL_ZONES: std::sync::LazyLock<rustc_hash::FxHashSet<String>> = std::sync::LazyLock::new(|| {
    icu_time::zone::iana::IanaParserExtended::new()
        .iter_all()
        .filter(|z| z.normalized == z.canonical && crate::normalize::timezone::is_on_atlassian_list(z.canonical))
        .map(|z| z.canonical.to_string())
        .chain(["UTC".to_string()])
        .collect()
});

/// ATL-U-012: a time zone on Atlassian's list, a canonical region-based IANA name or UTC
/// (legacy names, `Etc/UTC`, `GMT` and Windows ids are rewritten in lenient mode); Atlassian
/// silently ignores any other value.
fn timezone_rule(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    // Connectors nearly always send a canonical name: one set lookup instead of a parse.
    if CANONICAL_ZONES.contains(s) {
        return;
    }
    match crate::normalize::timezone::normalize_timezone(s) {
        Ok(tz) if tz.canonical == s => {}
        Ok(tz) => {
            let detail = format!(
                "{s:?} is not on Atlassian's time zone list, so Atlassian would silently ignore it; it is written {:?}",
                tz.canonical
            );
            let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::String(tz.canonical) };
            w.found(&rules::ATL_U_012, Severity::Warning, ctx.loc, detail, Some(fix));
        }
        Err(e) => {
            let detail = format!("{e}; Atlassian accepts a time zone not on its list and silently ignores it");
            w.issue(Severity::Warning, &rules::ATL_U_012, ctx.loc, detail)
        }
    }
}

/// ATL-U-013: one BCP 47 language tag (`en_US` and an Accept-Language list are rewritten in
/// lenient mode, the list to its preferred language).
fn language_rule(w: &mut Walker<'_, '_>, ctx: &Ctx<'_>, s: &str) {
    if is_plain_canonical_tag(s) {
        return;
    }
    let tag = match crate::normalize::locale::normalize_locale(s) {
        Ok(tag) => tag.tag,
        Err(e) => match crate::normalize::locale::parse_accept_language(s).best() {
            Some(best) if s.contains([',', ';']) => best.to_string(),
            _ => return w.issue(Severity::Warning, &rules::ATL_U_013, ctx.loc, e.to_string()),
        },
    };
    if tag != s {
        let detail = format!("{s:?} is written {tag:?} (one BCP 47 language tag)");
        let fix = Fix::Replace { pointer: ctx.loc.pointer(), value: Value::String(tag) };
        w.found(&rules::ATL_U_013, Severity::Warning, ctx.loc, detail, Some(fix));
    }
}

/// `en`, `fr-CA`, `zh-TW`: a language subtag in lower case with an optional region in upper case
/// is already a canonical BCP 47 tag, so the common case needs no ICU parse. (Deprecated language
/// codes such as `iw` are three letters or fewer too, so only two-letter codes ICU leaves alone
/// pass: `iw`, `in`, `ji` and `jw` are not.)
fn is_plain_canonical_tag(s: &str) -> bool {
    let b = s.as_bytes();
    let language = |l: &[u8]| {
        l.len() == 2 && l.iter().all(u8::is_ascii_lowercase) && !matches!(l, b"iw" | b"in" | b"ji" | b"jw" | b"mo")
    };
    match b {
        [a, b2] => language(&[*a, *b2]),
        [a, b2, b'-', r1, r2] => language(&[*a, *b2]) && r1.is_ascii_uppercase() && r2.is_ascii_uppercase(),
        _ => false,
    }
}
