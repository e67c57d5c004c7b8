//! Request envelopes: `{"method", "path", "body", "current"?}` read from files, directories or
//! standard input: one envelope per file (pretty-printed or not), or one per line (NDJSON),
//! streamed line by line so that memory stays flat however long the input is.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use atlscim_core::{Body, Request};
use serde_json::Value;
use serde_json::value::RawValue;

use super::Fatal;

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

    fn reader(&self) -> Result<Box<dyn BufRead>, Fatal> {
        Ok(match self {
            Source::File(p) => {
                let f = std::fs::File::open(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?;
                Box::new(BufReader::with_capacity(1 << 16, f))
            }
            Source::Stdin => Box::new(BufReader::with_capacity(1 << 16, std::io::stdin())),
        })
    }

    /// Calls `each` with every envelope of the source and its line number (for NDJSON).
    pub fn for_each(
        &self,
        mut each: impl FnMut(Option<usize>, &Envelope<'_>) -> Result<(), Fatal>,
    ) -> Result<(), Fatal> {
        self.for_each_text(|line, text| each(line, &self.envelope(line, text)?))
    }

    /// Calls `each` with the text of every envelope of the source and its line number (for
    /// NDJSON), unread: [`Source::envelope`] reads it.
    pub fn for_each_text(&self, mut each: impl FnMut(Option<usize>, &str) -> Result<(), Fatal>) -> Result<(), Fatal> {
        let mut reader = self.reader()?;
        let mut first = String::new();
        let mut line_no = 0;
        // Skip blank lines; the first line decides: a whole envelope on it means NDJSON.
        loop {
            first.clear();
            if reader.read_line(&mut first).map_err(|e| Fatal(format!("{}: {e}", self.name())))? == 0 {
                return Err(Fatal(format!("{}: no request envelope", self.name())));
            }
            line_no += 1;
            if !first.trim().is_empty() {
                break;
            }
        }
        if serde_json::from_str::<Envelope<'_>>(&first).is_ok() {
            each(Some(line_no), &first)?;
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).map_err(|e| Fatal(format!("{}: {e}", self.name())))? == 0 {
                    return Ok(());
                }
                line_no += 1;
                if !line.trim().is_empty() {
                    each(Some(line_no), &line)?;
                }
            }
        }
        // One envelope spread over several lines.
        let mut text = first;
        reader.read_to_string(&mut text).map_err(|e| Fatal(format!("{}: {e}", self.name())))?;
        each(None, &text)
    }

    /// Reads the envelope of [`Source::for_each_text`]'s `text`, which is line `line` of the
    /// source (NDJSON) or all of it; an error is located in the source.
    pub fn envelope<'a>(&self, line: Option<usize>, text: &'a str) -> Result<Envelope<'a>, Fatal> {
        match serde_json::from_str::<Envelope<'_>>(text) {
            Ok(envelope) => Ok(envelope.prepare()),
            Err(e) => {
                let why = atlscim_core::JsonSyntaxError::new(&e, text.as_bytes());
                Err(Fatal(match line {
                    // Located in the file: its line, and the column in that line.
                    Some(n) => {
                        format!("{}:{n}:{}: not a request envelope: {}", self.name(), why.column(), why.message())
                    }
                    None => format!("{}: not a request envelope: {why}", self.name()),
                }))
            }
        }
    }
}

/// The files to read: the input itself, every request file in a directory (sorted), or stdin.
pub fn sources(input: &Path) -> Result<Vec<Source>, Fatal> {
    if input.as_os_str() == "-" {
        return Ok(vec![Source::Stdin]);
    }
    let meta = std::fs::metadata(input).map_err(|e| Fatal(format!("{}: {e}", input.display())))?;
    if !meta.is_dir() {
        return Ok(vec![Source::File(input.to_path_buf())]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(input)
        .map_err(|e| Fatal(format!("{}: {e}", input.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json" || x == "ndjson" || x == "jsonl"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Fatal(format!("{}: no *.json, *.ndjson or *.jsonl files", input.display())));
    }
    Ok(files.into_iter().map(Source::File).collect())
}

/// One request as written in a file. The body stays raw JSON text so it is checked from bytes.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope<'a> {
    #[serde(borrow)]
    pub method: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub path: std::borrow::Cow<'a, str>,
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
            None => self.body.filter(|raw| raw.get() != "null").map(|raw| Body::Json(raw.get().as_bytes())),
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
