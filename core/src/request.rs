//! Requests: what a connector is about to send.

use serde_json::Value;

use crate::schema::ResourceKind;

/// A request body, as bytes of JSON text or as an already parsed value.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// UTF-8 JSON text. Checked in one pass without building a tree; `limits.max_body_bytes` is
    /// its length.
    Json(&'a [u8]),
    /// A parsed JSON value; `limits.max_body_bytes` is its compact JSON size.
    Value(&'a Value),
}

/// One SCIM request: method, path (with query string), body and, optionally, the resource as
/// Atlassian holds it now (`current`), which some rules need (a PUT that would clear attributes,
/// a group rename, an email moving to an unverified domain).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub body: Option<Body<'a>>,
    pub current: Option<&'a Value>,
}

impl<'a> Request<'a> {
    /// A request with a JSON text body.
    pub fn json(method: &'a str, path: &'a str, body: &'a [u8]) -> Request<'a> {
        Request { method, path, body: Some(Body::Json(body)), current: None }
    }

    /// A request with a parsed body.
    pub fn value(method: &'a str, path: &'a str, body: &'a Value) -> Request<'a> {
        Request { method, path, body: Some(Body::Value(body)), current: None }
    }

    /// The same request, with the resource as Atlassian holds it now.
    pub fn with_current(mut self, current: &'a Value) -> Request<'a> {
        self.current = Some(current);
        self
    }
}

/// The HTTP methods SCIM uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    const ALL: [Method; 5] = [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete];

    /// Parses a method name. Methods are case-sensitive (RFC 7231 §4.1): `post` is not POST
    /// ([`Method::parse_ignoring_case`] finds what was meant, for a hint).
    pub fn parse(method: &str) -> Option<Method> {
        let m = method.trim();
        Method::ALL.into_iter().find(|method| method.as_str() == m)
    }

    /// The method a wrongly cased name means (`post` → POST): for a hint, never to send.
    pub fn parse_ignoring_case(method: &str) -> Option<Method> {
        let m = method.trim();
        Method::ALL.into_iter().find(|method| method.as_str().eq_ignore_ascii_case(m))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Where a request goes: a resource collection or one resource, plus the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub kind: ResourceKind,
    /// The resource id for `/Users/{id}` and `/Groups/{id}`.
    pub id: Option<&'a str>,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
}

impl<'a> Endpoint<'a> {
    /// Parses a request path. The path may be relative to the directory base URL (`/Users/…`) or
    /// carry the base: `/scim/directory/{directoryId}/Users` or the whole
    /// `https://api.atlassian.com/scim/directory/{directoryId}/Users`. Resource type names are
    /// matched ignoring case. Returns `None` for anything that is not `/Users[/{id}]` or
    /// `/Groups[/{id}]`.
    pub fn parse(path: &'a str) -> Option<Endpoint<'a>> {
        // Byte searches: a path is a few bytes, and str's pattern searchers cost more to set up
        // than such a search (the two parses of a check's path were 3 % of an export's check).
        let (path, query) = match path.bytes().position(|b| b == b'?') {
            Some(i) => (&path[..i], Some(&path[i + 1..])),
            None => (path, None),
        };
        let path = &path[..path.len() - path.bytes().rev().take_while(|&b| b == b'/').count()];
        let (rest, last) = split_last_segment(path);
        if let Some(kind) = resource_kind(last) {
            return Some(Endpoint { kind, id: None, query });
        }
        let (_, kind_segment) = split_last_segment(rest?);
        let kind = resource_kind(kind_segment)?;
        let id = Some(last).filter(|id| !id.is_empty());
        Some(Endpoint { kind, id, query })
    }

    /// The query string's parameters, percent-decoded (`+` read as a space), in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.map(query_pairs).unwrap_or_default()
    }
}

/// `a/b/c` → (Some("a/b"), "c"); a path without `/` is its own last segment, with nothing
/// before it.
fn split_last_segment(path: &str) -> (Option<&str>, &str) {
    match path.bytes().rposition(|b| b == b'/') {
        Some(i) => (Some(&path[..i]), &path[i + 1..]),
        None => (None, path),
    }
}

fn resource_kind(segment: &str) -> Option<ResourceKind> {
    if segment.eq_ignore_ascii_case("Users") {
        Some(ResourceKind::User)
    } else if segment.eq_ignore_ascii_case("Groups") {
        Some(ResourceKind::Group)
    } else {
        None
    }
}

/// `a=1&b=x%20y` → [("a", "1"), ("b", "x y")], percent-decoded, `+` read as a space.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                match hex.and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path parse as first written, with str's searchers: the oracle of the byte searches.
    fn parse_with_str_searchers(path: &str) -> Option<Endpoint<'_>> {
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let path = path.trim_end_matches('/');
        let mut segments = path.rsplit('/');
        let last = segments.next()?;
        let (kind_segment, id) = match resource_kind(last) {
            Some(kind) => return Some(Endpoint { kind, id: None, query }),
            None => (segments.next()?, Some(last)),
        };
        let kind = resource_kind(kind_segment)?;
        Some(Endpoint { kind, id: id.filter(|id| !id.is_empty()), query })
    }

    #[test]
    fn paths_parse_as_the_str_searchers_parsed_them() {
        let parts = ["", "/", "//", "Users", "users", "Groups", "x", "é", "?", "?a=1", "/Users?", "%2F", "Users/"];
        let mut paths = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    let path = format!("{a}{b}{c}");
                    let key = |e: Option<Endpoint<'_>>| {
                        e.map(|e| (e.kind, e.id.map(str::to_string), e.query.map(str::to_string)))
                    };
                    assert_eq!(key(Endpoint::parse(&path)), key(parse_with_str_searchers(&path)), "{path:?}");
                    paths += 1;
                }
            }
        }
        assert_eq!(paths, parts.len().pow(3));
    }

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("/Users").expect("users");
        assert_eq!((e.kind, e.id, e.query), (ResourceKind::User, None, None));
        let e = Endpoint::parse("/Groups/9f1c?excludedAttributes=members").expect("group");
        assert_eq!((e.kind, e.id, e.query), (ResourceKind::Group, Some("9f1c"), Some("excludedAttributes=members")));
        let e = Endpoint::parse("https://api.atlassian.com/scim/directory/d-1/Users/abc").expect("full url");
        assert_eq!((e.kind, e.id), (ResourceKind::User, Some("abc")));
        let e = Endpoint::parse("/users?filter=userName%20eq%20%22a%22").expect("lower case");
        assert_eq!(e.kind, ResourceKind::User);
        assert!(Endpoint::parse("/Accounts").is_none());
        assert!(Endpoint::parse("/Users/a/b").is_none());
        assert!(Endpoint::parse("").is_none());
    }

    #[test]
    fn methods_are_case_sensitive() {
        assert_eq!(Method::parse("PATCH"), Some(Method::Patch));
        assert_eq!(Method::parse("patch"), None);
        assert_eq!(Method::parse("Patch"), None);
        assert_eq!(Method::parse_ignoring_case("patch"), Some(Method::Patch));
        assert_eq!(Method::parse("FETCH"), None);
        assert_eq!(Method::parse_ignoring_case("FETCH"), None);
    }

    #[test]
    fn decodes_queries() {
        assert_eq!(
            query_pairs("filter=userName%20eq%20%22a%40b.c%22&count=10"),
            vec![("filter".to_string(), "userName eq \"a@b.c\"".to_string()), ("count".to_string(), "10".to_string())]
        );
        assert_eq!(percent_decode("a+b%2"), "a b%2");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
