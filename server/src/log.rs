//! The request log: one JSON object per request (NDJSON), kept in memory for the admin surface
//! and the test helpers, and appended to a file with `--request-log`.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;

/// Entries kept in memory (the oldest go first).
pub const KEEP: usize = 10_000;

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Value>>,
    file: Option<Mutex<File>>,
}

impl RequestLog {
    pub fn new(path: Option<&Path>) -> Result<RequestLog, String> {
        let file = path
            .map(|p| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| format!("{}: {e}", p.display()))
            })
            .transpose()?;
        Ok(RequestLog { entries: Mutex::default(), file: file.map(Mutex::new) })
    }

    pub fn push(&self, entry: Value) {
        if let Some(f) = &self.file
            && let Ok(mut f) = f.lock()
        {
            // The log is for people and tests; a full disk must not fail the request.
            let _ = writeln!(f, "{entry}");
        }
        if let Ok(mut e) = self.entries.lock() {
            if e.len() == KEEP {
                e.pop_front();
            }
            e.push_back(entry);
        }
    }

    pub fn entries(&self) -> Vec<Value> {
        self.entries.lock().map(|e| e.iter().cloned().collect()).unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut e) = self.entries.lock() {
            e.clear();
        }
    }
}
