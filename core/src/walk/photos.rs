//! Atlassian's profile photos (ATL-U-024): `photos` is `[{value: <https URL>, type: "photo",
//! primary?}]`. Atlassian fetches the URL itself (HEAD and GET answering `image/jpeg`), so what a
//! check can see is the shape: an https URL with a host, type `photo`, at most one primary.
//! Reference/atlassian-scim.md §13 ("Sync user profile photos to your organization").

use super::loc::Loc;
use super::walker::Walker;
use crate::rules;
use crate::rules::Severity;

/// Why `url` is not a URL Atlassian can fetch a photo from, if it is not.
fn url_problem(url: &str) -> Option<&'static str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some("is not an absolute URL");
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return Some("is not an https URL");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if host.is_empty() || host.starts_with(':') {
        return Some("has no host");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("holds white space or control characters");
    }
    None
}

/// `photos[].value`: an https URL with a host.
pub(crate) fn url_rule(w: &mut Walker<'_, '_>, loc: &Loc<'_>, url: &str) {
    if let Some(problem) = url_problem(url) {
        let detail =
            format!("{url:?} {problem}: Atlassian fetches the photo from an https URL, so this photo is not synced");
        w.issue(Severity::Warning, &rules::ATL_U_024, loc, detail);
    }
}

/// A photo without `type`: Atlassian syncs the value of type `photo`.
pub(crate) fn missing_type(w: &mut Walker<'_, '_>, loc: &Loc<'_>) {
    let detail = "a photo without type: Atlassian syncs the photo whose type is \"photo\"";
    w.issue(Severity::Warning, &rules::ATL_U_024, loc, detail);
}

/// A second photo marked primary.
pub(crate) fn second_primary(w: &mut Walker<'_, '_>, loc: &Loc<'_>, primaries: usize) {
    let detail =
        format!("photos has {primaries} values marked primary; at most one may be (Atlassian shows one photo)");
    w.issue(Severity::Error, &rules::ATL_U_024, loc, detail);
}

#[cfg(test)]
mod tests {
    use super::url_problem;

    #[test]
    fn urls_atlassian_can_fetch() {
        assert_eq!(url_problem("https://cdn.example.com/p/1.jpg"), None);
        assert_eq!(url_problem("HTTPS://cdn.example.com"), None);
        assert_eq!(url_problem("http://cdn.example.com/p.jpg"), Some("is not an https URL"));
        assert_eq!(url_problem("cdn.example.com/p.jpg"), Some("is not an absolute URL"));
        assert_eq!(url_problem("https:///p.jpg"), Some("has no host"));
        assert_eq!(url_problem("https://user@/p.jpg"), Some("has no host"));
        assert_eq!(url_problem("https://a.example/p q.jpg"), Some("holds white space or control characters"));
    }
}
