//! ATL-A-001: a request path given as a full URL must start with the directory's base URL.
//!
//! Atlassian serves SCIM at `https://api.atlassian.com/scim/directory/{directoryId}` (reference
//! §1.1); config `base_url` holds that template (a local endpoint or a proxy may be configured)
//! and `directory_id` the id, when known. A full URL is accepted when it is exactly the base URL
//! followed by a SCIM endpoint (`/Users…`, `/Groups…`, …), and reported when it repeats a segment
//! (`…/Users/Users`, a base URL that already ended in `/Users`), points at another host or API
//! (the admin API, the old `/scim/v1` form), lacks the directory id, or names another directory.
//! A path without scheme and host is checked as before: it is relative to the base URL.

use crate::profile::Profile;
use crate::report::Report;
use crate::rules;

/// The endpoints Atlassian serves under the base URL (the first segment after it).
const ENDPOINTS: [&str; 7] = ["Users", "Groups", "ServiceProviderConfig", "Schemas", "ResourceTypes", "Bulk", "Me"];

/// Splits `scheme://host/path` into the scheme and host (lower case) and the path.
fn split_url(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find('/').unwrap_or(rest.len());
    let (host, path) = rest.split_at(end);
    Some((format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()), path))
}

fn is_endpoint(segment: &str) -> bool {
    ENDPOINTS.iter().any(|e| e.eq_ignore_ascii_case(segment))
}

/// The path relative to the base URL (with its query) when `path` is a full URL that starts with
/// it, `path` itself when it has no scheme and host, or the ATL-A-001 report. Atlassian's rule
/// (through [`super::atlassian::ServerRules::relative_path`]); the rfc profile takes the path as
/// given.
pub(crate) fn relative<'a>(profile: &Profile, path: &'a str) -> Result<&'a str, Report> {
    // Byte searches over the few bytes of a relative path (nearly every request's): str's
    // pattern searchers cost more to set up than the search.
    let before_query = &path.as_bytes()[..path.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(path.len())];
    if !before_query.windows(3).any(|w| w == b"://") {
        return Ok(path);
    }
    let fail = |why: String| Err(super::single(&rules::ATL_A_001, why));
    let base = profile.base_url.as_str();
    let (Some((origin, url_path)), Some((base_origin, base_path))) = (split_url(path), split_url(base)) else {
        return fail(format!("{path:?} is not a URL this check can read (config base_url is {base})"));
    };
    if origin != base_origin {
        return fail(format!("{path:?} points at {origin}, not at the directory's base URL {base} (config base_url)"));
    }
    let url_segments: Vec<&str> = url_path.split(['?', '#']).next().unwrap_or("").split('/').skip(1).collect();
    let base_segments: Vec<&str> = base_path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let mut i = 0;
    for want in &base_segments {
        let got = url_segments.get(i).copied().unwrap_or("");
        if *want == "{id}" {
            if got.is_empty() || is_endpoint(got) {
                return fail(format!(
                    "{path:?} lacks the directory id: SCIM requests go to {base}/Users…, {{id}} being the id shown with the directory's API key"
                ));
            }
            if let Some(id) = &profile.directory_id
                && got != id
            {
                return fail(format!(
                    "{path:?} names directory {got:?}, but this directory is {id:?} (config directory_id)"
                ));
            }
        } else if got != *want {
            let other = if url_segments.first().is_some_and(|s| s.eq_ignore_ascii_case("admin")) {
                "the organization admin API, not the SCIM directory API"
            } else if url_segments.first() == Some(&"scim") && url_segments.get(1).is_some_and(|s| s.starts_with('v')) {
                "an old /scim/v1 form of the API"
            } else {
                "another API"
            };
            return fail(format!("{path:?} is {other}: SCIM requests go to {base}/Users… (config base_url)"));
        }
        i += 1;
    }
    let rest = &url_segments[i.min(url_segments.len())..];
    if let Some(w) = rest.windows(2).find(|w| !w[0].is_empty() && w[0].eq_ignore_ascii_case(w[1])) {
        return fail(format!(
            "{path:?} repeats the segment {:?}: the base URL is {base}, and the request path goes after it once",
            w[0]
        ));
    }
    match rest.first() {
        Some(first) if is_endpoint(first) => {}
        _ => {
            return fail(format!(
                "{path:?} does not name a SCIM endpoint after the base URL: {base}/Users… or {base}/Groups… (config base_url)"
            ));
        }
    }
    // Everything from the endpoint's `/` on, query included.
    let offset = path.len() - url_path.len() + base_path_len(url_path, i);
    Ok(&path[offset..])
}

/// The length of the first `n` segments of `path` (`/a/b/c`, 2 → 4).
fn base_path_len(path: &str, n: usize) -> usize {
    let mut len = 0;
    for segment in path.split('/').skip(1).take(n) {
        len += 1 + segment.len();
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rel(config: serde_json::Value, path: &str) -> Result<String, String> {
        let profile = Profile::from_config(&config).expect("config");
        super::super::atlassian::server_rules(&profile)
            .relative_path(&profile, path)
            .map(str::to_string)
            .map_err(|r| r.issues()[0].detail().to_string())
    }

    #[test]
    fn full_urls_against_the_base() {
        let d = json!({});
        assert_eq!(
            rel(d.clone(), "https://api.atlassian.com/scim/directory/d-1/Users/abc?x=1"),
            Ok("/Users/abc?x=1".into())
        );
        assert_eq!(rel(d.clone(), "HTTPS://API.atlassian.com/scim/directory/d-1/Groups"), Ok("/Groups".into()));
        assert_eq!(rel(d.clone(), "/Users"), Ok("/Users".into()));
        assert!(
            rel(d.clone(), "https://api.atlassian.com/scim/directory/d-1/Users/Users")
                .is_err_and(|e| e.contains("repeats"))
        );
        assert!(
            rel(d.clone(), "https://api.atlassian.com/scim/directory/Users")
                .is_err_and(|e| e.contains("lacks the directory id"))
        );
        assert!(
            rel(d.clone(), "https://api.atlassian.com/admin/v1/orgs/o/directory/d/Users")
                .is_err_and(|e| e.contains("admin API"))
        );
        assert!(rel(d.clone(), "https://api.atlassian.com/scim/v1/Users").is_err_and(|e| e.contains("/scim/v1")));
        assert!(rel(d.clone(), "https://example.com/scim/directory/d-1/Users").is_err_and(|e| e.contains("points at")));
        assert!(rel(d, "https://api.atlassian.com/scim/directory/d-1/scim/directory/d-1/Users").is_err());
        let id = json!({"directory_id": "d-1"});
        assert!(rel(id.clone(), "https://api.atlassian.com/scim/directory/d-1/Users").is_ok());
        assert!(
            rel(id, "https://api.atlassian.com/scim/directory/d-2/Users").is_err_and(|e| e.contains("directory_id"))
        );
        let local = json!({"base_url": "http://127.0.0.1:8080/scim/directory/{id}/"});
        assert_eq!(rel(local.clone(), "http://127.0.0.1:8080/scim/directory/x/Users"), Ok("/Users".into()));
        assert!(rel(local, "https://api.atlassian.com/scim/directory/x/Users").is_err());
        // The RFC profile takes any URL, as before.
        assert_eq!(
            rel(json!({"profile": "rfc"}), "https://scim.example.com/v2/Users"),
            Ok("https://scim.example.com/v2/Users".into())
        );
    }
}
