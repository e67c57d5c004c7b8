//! `--db FILE`: the directory kept in SQLite, one transaction per request.
//!
//! The directory stays in memory and answers from there; the store holds every record in the
//! form an export holds it (what GET answers), written in the same transaction before the answer
//! leaves, so a server killed at any moment restarts with every write it acknowledged. WAL with
//! `synchronous=NORMAL` survives the process dying (the case the crash test covers); a power
//! loss may lose the last transactions, which is the documented trade of NORMAL.

use std::path::Path;

use atlscim_core::directory::{Change, Directory};
use rusqlite::{Connection, OptionalExtension, params};

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the store for `directory_id`. A store written for another
    /// directory id is refused, so two directories never mix.
    pub fn open(path: &Path, directory_id: &str) -> Result<Store, String> {
        let at = |e: rusqlite::Error| format!("{}: {e}", path.display());
        let conn = Connection::open(path).map_err(at)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(at)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(at)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS directory (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS resources (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 id TEXT NOT NULL UNIQUE,
                 kind TEXT NOT NULL,
                 record TEXT NOT NULL);",
        )
        .map_err(at)?;
        let stored: Option<String> =
            conn.query_row("SELECT value FROM directory WHERE key = 'id'", [], |r| r.get(0)).optional().map_err(at)?;
        match stored {
            Some(id) if id != directory_id => {
                return Err(format!(
                    "{} holds directory {id}, not {directory_id}: pass --directory-id {id} or another file",
                    path.display()
                ));
            }
            Some(_) => {}
            None => {
                conn.execute("INSERT INTO directory (key, value) VALUES ('id', ?1)", params![directory_id])
                    .map_err(at)?;
            }
        }
        Ok(Store { conn })
    }

    /// Whether the store holds no resource yet.
    pub fn is_empty(&self) -> Result<bool, String> {
        let n: i64 =
            self.conn.query_row("SELECT count(*) FROM resources", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        Ok(n == 0)
    }

    /// Loads every stored record into the directory: users first, in the order they were first
    /// written, then groups.
    pub fn load_into(&self, directory: &mut Directory) -> Result<usize, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM resources ORDER BY kind = 'Group', seq")
            .map_err(|e| e.to_string())?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| e.to_string())?;
        let mut n = 0;
        for row in rows {
            let text = row.map_err(|e| e.to_string())?;
            let value = serde_json::from_str(&text).map_err(|e| format!("a stored record is not JSON: {e}"))?;
            directory.load_record(&value).map_err(|e| format!("a stored record: {}", e.message()))?;
            n += 1;
        }
        Ok(n)
    }

    /// Writes one request's changes in one transaction.
    pub fn apply(&mut self, changes: &[Change]) -> Result<(), String> {
        if changes.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO resources (id, kind, record) VALUES (?1, ?2, ?3)
                     ON CONFLICT(id) DO UPDATE SET record = excluded.record",
                )
                .map_err(|e| e.to_string())?;
            let mut delete = tx.prepare_cached("DELETE FROM resources WHERE id = ?1").map_err(|e| e.to_string())?;
            for c in changes {
                match &c.record {
                    Some(record) => upsert.execute(params![c.id, c.kind.as_str(), record.to_string()]),
                    None => delete.execute(params![c.id]),
                }
                .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }

    /// Writes the whole directory (after a reset or a seed), replacing what was stored.
    pub fn replace_all(&mut self, directory: &Directory) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        tx.execute("DELETE FROM resources", []).map_err(|e| e.to_string())?;
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO resources (id, kind, record) VALUES (?1, ?2, ?3)")
                .map_err(|e| e.to_string())?;
            for (kind, records) in [("User", directory.users()), ("Group", directory.groups())] {
                for r in records {
                    let id = r["id"].as_str().unwrap_or_default().to_string();
                    insert.execute(params![id, kind, r.to_string()]).map_err(|e| e.to_string())?;
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }
}
