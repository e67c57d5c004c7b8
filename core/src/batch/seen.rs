//! The keys a batch has seen (lower-cased userNames, primary emails), each with the request that
//! first sent it.
//!
//! A batch of Atlassian's 150,000-user directory keeps two such sets, probed at random once or
//! twice per user. As `HashMap<String, usize>` each set was a table of 8.6 MB plus a heap block
//! per key, and a probe touched the table and then the key's block: 66–96 ms per set for the
//! 150,000-user export, mostly cache misses that an instruction count does not see. Here the
//! table holds only entry numbers (2.4 MB for 150,000 keys), the entries (hash, where the key
//! starts in the text, first request) are appended in order, and every key is appended to one
//! text: a probe for a new key reads the table alone, and the text is read only when the hashes
//! are equal, so comparisons stay exact (28–37 ms per set, same data; docs/benchmarks.md).

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// One seen key: its hash, where it starts in [`SeenKeys::text`] (it ends where the next entry's
/// key starts), and the request that first sent it.
struct Seen {
    hash: u64,
    start: usize,
    first: usize,
}

#[derive(Default)]
pub(super) struct SeenKeys {
    text: String,
    entries: Vec<Seen>,
    /// Indexes into `entries`.
    table: HashTable<usize>,
}

impl std::fmt::Debug for SeenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeenKeys").field("keys", &self.entries.len()).finish()
    }
}

impl SeenKeys {
    /// The index of the request that first sent `key`, if one did.
    pub(super) fn first(&self, key: &str) -> Option<usize> {
        let hash = FxBuildHasher.hash_one(key);
        self.table.find(hash, |&i| self.is(i, hash, key)).map(|&i| self.entries[i].first)
    }

    /// Remembers that request `index` sent `key`, unless an earlier request did.
    pub(super) fn insert(&mut self, key: &str, index: usize) {
        let hash = FxBuildHasher.hash_one(key);
        if self.table.find(hash, |&i| self.is(i, hash, key)).is_some() {
            return;
        }
        let number = self.entries.len();
        self.entries.push(Seen { hash, start: self.text.len(), first: index });
        self.text.push_str(key);
        let entries = &self.entries;
        self.table.insert_unique(hash, number, |&i| entries[i].hash);
    }

    /// Whether entry `i` is `key` (whose hash is `hash`); its text is read only when the hashes
    /// agree.
    fn is(&self, i: usize, hash: u64, key: &str) -> bool {
        let seen = &self.entries[i];
        seen.hash == hash && {
            let end = self.entries.get(i + 1).map_or(self.text.len(), |next| next.start);
            &self.text[seen.start..end] == key
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SeenKeys;

    #[test]
    fn keeps_the_first_request_of_each_key_exactly() {
        let mut seen = SeenKeys::default();
        assert_eq!(seen.first("a@example.com"), None);
        seen.insert("a@example.com", 3);
        seen.insert("a@example.com", 9);
        seen.insert("", 4);
        // A key that is a prefix of another, or another's neighbour in the text, is its own key.
        seen.insert("a@example.co", 5);
        assert_eq!(seen.first("a@example.com"), Some(3));
        assert_eq!(seen.first("a@example.co"), Some(5));
        assert_eq!(seen.first(""), Some(4));
        assert_eq!(seen.first("m@example.com"), None);
        assert_eq!(seen.first("A@example.com"), None, "the caller lower-cases; the set compares exactly");
    }

    #[test]
    fn many_keys_survive_the_table_growing() {
        let mut seen = SeenKeys::default();
        for i in 0..20_000 {
            seen.insert(&format!("user{i}@example.com"), i);
        }
        for i in (0..20_000).step_by(997) {
            assert_eq!(seen.first(&format!("user{i}@example.com")), Some(i));
        }
        assert_eq!(seen.first("user20000@example.com"), None);
    }
}
