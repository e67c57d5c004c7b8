//! Request envelopes: `{"method", "path", "body", "current"?}` read from files, directories or
//! standard input, one per file or one per line.

use std::io::Read;
use std::path::{Path, PathBuf};

use atlscim_core::{Body, Request};
use serde_json::Value;
use serde_json::value::RawValue;

/// Where requests come from.
pub enum Source {
    File(PathBuf),
    Stdin,
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
        }
    }

    pub fn read(&self) -> Result<String, super::Fatal> {
        match self {
            Source::File(p) => std::fs::read_to_string(p).map_err(|e| super::Fatal(format!("{}: {e}", p.display()))),
            Source::Stdin => {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| super::Fatal(format!("standard input: {e}")))?;
                Ok(s)
            }
        }
    }
}

/// The files to read: the input itself, every request file in a directory (sorted), or stdin.
pub fn sources(input: &Path) -> Result<Vec<Source>, super::Fatal> {
    if input.as_os_str() == "-" {
        return Ok(vec![Source::Stdin]);
    }
    let meta = std::fs::metadata(input).map_err(|e| super::Fatal(format!("{}: {e}", input.display())))?;
    if !meta.is_dir() {
        return Ok(vec![Source::File(input.to_path_buf())]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(input)
        .map_err(|e| super::Fatal(format!("{}: {e}", input.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json" || x == "ndjson" || x == "jsonl"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(super::Fatal(format!("{}: no *.json, *.ndjson or *.jsonl files", input.display())));
    }
    Ok(files.into_iter().map(Source::File).collect())
}

/// One request as written in a file. The body stays raw JSON text so it is checked from bytes.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope<'a> {
    pub method: String,
    pub path: String,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
    #[serde(default)]
    current: Option<Value>,
    /// Free text for people reading the file; ignored.
    #[serde(default, rename = "description")]
    _description: Option<String>,
    /// The unescaped text of a body written as a JSON string.
    #[serde(skip)]
    text: Option<String>,
}

impl<'a> Envelope<'a> {
    /// The body to check. A body written as a JSON string is the request's raw text (so that
    /// examples can show broken JSON); anything else is checked as the JSON written.
    pub fn body(&self) -> Option<Body<'_>> {
        match &self.text {
            Some(text) => Some(Body::Json(text.as_bytes())),
            None => self.body.map(|raw| Body::Json(raw.get().as_bytes())),
        }
    }

    pub fn request(&self) -> Request<'_> {
        Request { method: &self.method, path: &self.path, body: self.body(), current: self.current.as_ref() }
    }

    fn prepare(mut self) -> Envelope<'a> {
        if let Some(raw) = self.body.filter(|r| r.get().starts_with('"')) {
            self.text = serde_json::from_str::<String>(raw.get()).ok();
        }
        self
    }
}

/// Parses a file: one envelope (a JSON object, possibly pretty-printed) or NDJSON of them.
/// Returns each envelope with its line number when the file is NDJSON.
pub fn parse_all(text: &str) -> Result<Vec<(Option<usize>, Envelope<'_>)>, String> {
    if let Ok(one) = serde_json::from_str::<Envelope<'_>>(text) {
        return Ok(vec![(None, one.prepare())]);
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let env = serde_json::from_str::<Envelope<'_>>(line)
            .map_err(|e| format!("line {}: not a request envelope: {e}", i + 1))?;
        out.push((Some(i + 1), env.prepare()));
    }
    if out.is_empty() {
        return Err("no request envelope".to_string());
    }
    Ok(out)
}
