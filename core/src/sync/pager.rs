//! `Pager`: reading a whole list endpoint (`GET /Users`, `GET /Groups`) page by page, without
//! doing I/O. The caller sends [`Pager::next_path`] with its HTTP client (waiting out 429s and
//! retrying 5xx as it does for any request) and feeds each 200 answer's body to
//! [`Pager::feed`], which gives the page's resources and moves on (`startIndex` + the resources
//! read) until a page is empty or `totalResults` is reached. A listing that never ends is cut
//! at `max_pages`.

use serde_json::Value;

use super::types::SyncError;

/// Resources asked for per page (Atlassian answers at most 100).
pub const PAGE_SIZE: usize = 100;

/// Pages read at most before a listing counts as endless (10 million resources at 100 a page).
pub const MAX_PAGES: usize = 100_000;

/// Where a paged read of one collection stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Pager {
    collection: String,
    count: usize,
    start: usize,
    pages: usize,
    max_pages: usize,
    done: bool,
}

impl Pager {
    /// A read of `collection` (`Users` or `Groups`), `count` resources a page (at least 1).
    pub fn new(collection: &str, count: usize) -> Pager {
        Pager {
            collection: collection.to_string(),
            count: count.max(1),
            start: 1,
            pages: 0,
            max_pages: MAX_PAGES,
            done: false,
        }
    }

    /// The same, stopping with an error after `max_pages` pages (at least 1).
    pub fn with_max_pages(mut self, max_pages: usize) -> Pager {
        self.max_pages = max_pages.max(1);
        self
    }

    /// The path (relative to the directory's base URL) of the next page, or None when every
    /// page has been read.
    pub fn next_path(&self) -> Option<String> {
        (!self.done).then(|| format!("/{}?startIndex={}&count={}", self.collection, self.start, self.count))
    }

    /// Whether every page has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Takes the body of the 200 answer to [`Pager::next_path`]: its `Resources` (none when
    /// absent), in order. Fails (kind `input`) on a body that is not a JSON object, when fed after
    /// the last page, and when the listing goes past `max_pages`.
    pub fn feed(&mut self, body: &[u8]) -> Result<Vec<Value>, SyncError> {
        let Some(path) = self.next_path() else {
            return Err(SyncError::new("input", format!("/{}: every page has been read", self.collection)));
        };
        let page: Value =
            serde_json::from_slice(body).map_err(|e| SyncError::new("input", format!("GET {path}: {e}")))?;
        let Value::Object(mut page) = page else {
            return Err(SyncError::new("input", format!("GET {path}: not a ListResponse")));
        };
        let resources = match page.remove("Resources") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let total = page.get("totalResults").and_then(Value::as_u64).unwrap_or(0);
        self.pages += 1;
        self.start += resources.len();
        if resources.is_empty() || self.start as u64 > total {
            self.done = true;
        } else if self.pages >= self.max_pages {
            return Err(SyncError::new(
                "input",
                format!(
                    "GET {path}: more than {} pages of {}: the listing does not end",
                    self.max_pages, self.collection
                ),
            ));
        }
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u64, ids: &[&str]) -> Vec<u8> {
        let items: Vec<Value> = ids.iter().map(|i| serde_json::json!({"id": i})).collect();
        serde_json::json!({"totalResults": total, "Resources": items}).to_string().into_bytes()
    }

    #[test]
    fn pages_advance_by_what_was_read_until_the_total() {
        let mut p = Pager::new("Users", 2);
        assert_eq!(p.next_path().as_deref(), Some("/Users?startIndex=1&count=2"));
        assert_eq!(p.feed(&page(5, &["a", "b"])).map(|r| r.len()), Ok(2));
        assert_eq!(p.next_path().as_deref(), Some("/Users?startIndex=3&count=2"));
        // A server may answer fewer than asked: the next page starts after what came.
        assert_eq!(p.feed(&page(5, &["c"])).map(|r| r.len()), Ok(1));
        assert_eq!(p.next_path().as_deref(), Some("/Users?startIndex=4&count=2"));
        assert_eq!(p.feed(&page(5, &["d", "e"])).map(|r| r[1]["id"].clone()), Ok(serde_json::json!("e")));
        assert!(p.is_done() && p.next_path().is_none());
        assert_eq!(p.feed(&page(5, &[])).map_err(|e| e.kind), Err("input"));
    }

    #[test]
    fn an_empty_page_or_no_total_ends_and_bad_bodies_and_endless_listings_fail() {
        let mut p = Pager::new("Groups", 100);
        assert_eq!(p.feed(&page(10, &[])).map(|r| r.len()), Ok(0));
        assert!(p.is_done());
        let mut p = Pager::new("Groups", 100);
        assert_eq!(p.feed(br#"{"Resources": [{"id": "g"}]}"#).map(|r| r.len()), Ok(1));
        assert!(p.is_done(), "no totalResults: one page");
        let mut p = Pager::new("Users", 100);
        assert_eq!(p.feed(b"<html>").map_err(|e| e.kind), Err("input"));
        assert_eq!(
            p.feed(b"[]").map_err(|e| e.detail),
            Err("GET /Users?startIndex=1&count=100: not a ListResponse".into())
        );
        let mut p = Pager::new("Users", 1).with_max_pages(2);
        assert!(p.feed(&page(1000, &["a"])).is_ok());
        let e = p.feed(&page(1000, &["b"])).map(|_| ()).map_err(|e| e.detail);
        assert!(e.is_err_and(|d| d.contains("more than 2 pages")));
    }
}
