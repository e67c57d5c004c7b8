//! `atlscim map --mapping entra|okta|generic|FILE [--config F] RECORDS|-`: identity-provider records
//! in, SCIM Users out.
//!
//! Records are read as NDJSON (one JSON record per line, streamed in constant memory), or, when the
//! input is one JSON document (a pretty-printed record, an array of records, or a Microsoft Graph
//! page `{"value": [...]}`), from that document. Each record's SCIM User is written to standard
//! output as one JSON line, in input order, whether or not it is valid; its report goes to
//! standard error, located by `file:line`. Exit status (returned as `Ok(all_valid)`): 0 when every
//! user is valid, 1 when any is invalid or a line is not JSON, 2 (`Err`) on a usage or I/O error.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use atlscim_core::mapping::{Mapping, PRESETS};
use atlscim_core::{Body, Profile, Report, Severity};
use serde_json::Value;

use crate::terminal::{escaped, escaped_json};

/// How reports are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// For people: the verdict and each issue with what to do.
    #[default]
    Text,
    /// One JSON report per record (the shape every binding gives), with a `source` member.
    Json,
}

/// Maps every record of `input` (a file, or `-` for standard input) with `mapping` (a preset name
/// or a mapping file) under the profile `config` builds (the atlassian profile when `None`),
/// writing users to standard output and reports in `format` to standard error. `Ok(true)` when
/// every user is valid; `Err` is a usage or I/O error (exit 2).
pub fn run(mapping: &str, config: Option<&Path>, format: ReportFormat, input: &Path) -> Result<bool, String> {
    let mapping = load_mapping(mapping)?;
    let profile = load_profile(config)?;
    let name = if input == Path::new("-") { "stdin".to_string() } else { input.display().to_string() };
    let reader: Box<dyn BufRead> = if input == Path::new("-") {
        Box::new(BufReader::new(io::stdin().lock()))
    } else {
        let file = File::open(input).map_err(|e| format!("{name}: {e}"))?;
        Box::new(BufReader::new(file))
    };
    let stdout = io::stdout();
    let stderr = io::stderr();
    let mut run = Run {
        profile: &profile,
        mapping: &mapping,
        format,
        out: BufWriter::new(stdout.lock()),
        err: BufWriter::new(stderr.lock()),
        records: 0,
        invalid: 0,
    };
    run.records_of(reader, &name).map_err(|e| format!("{name}: {e}"))?;
    if format == ReportFormat::Text && run.records != 1 {
        writeln!(run.err, "{} records: {} valid, {} invalid", run.records, run.records - run.invalid, run.invalid)
            .map_err(|e| e.to_string())?;
    }
    run.out.flush().map_err(|e| e.to_string())?;
    run.err.flush().map_err(|e| e.to_string())?;
    Ok(run.invalid == 0)
}

/// A preset by name, or a mapping file.
fn load_mapping(spec: &str) -> Result<Mapping, String> {
    if PRESETS.iter().any(|p| p.name.eq_ignore_ascii_case(spec.trim())) {
        return Mapping::preset(spec).cloned().map_err(|e| e.to_string());
    }
    let path = Path::new(spec);
    if !path.exists() {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        return Err(format!("--mapping {spec}: not a preset ({}) and no such file", names.join(", ")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{spec}: {e}"))?;
    Mapping::from_json_str(&text).map_err(|e| format!("{spec}: {e}"))
}

fn load_profile(config: Option<&Path>) -> Result<Profile, String> {
    match config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Profile::from_config_json(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
        None => Ok(Profile::atlassian()),
    }
}

struct Run<'a, O: Write, E: Write> {
    profile: &'a Profile,
    mapping: &'a Mapping,
    format: ReportFormat,
    out: O,
    err: E,
    records: usize,
    invalid: usize,
}

impl<O: Write, E: Write> Run<'_, O, E> {
    /// Reads records line by line (NDJSON). When the first record line is not JSON on its own, the
    /// input may be one JSON document instead: it is read whole and, if it parses, taken as that.
    fn records_of(&mut self, mut reader: Box<dyn BufRead>, name: &str) -> io::Result<()> {
        let mut line = String::new();
        let mut number = 0;
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            number += 1;
            let text = line.trim();
            if text.is_empty() {
                continue;
            }
            if std::mem::take(&mut first) && serde_json::from_str::<Value>(text).is_err() {
                let mut rest = String::new();
                reader.read_to_string(&mut rest)?;
                let whole = format!("{line}{rest}");
                if let Ok(document) = serde_json::from_str::<Value>(&whole) {
                    return self.document(document, name);
                }
                for (i, l) in whole.lines().enumerate() {
                    self.line(l, name, number + i)?;
                }
                return Ok(());
            }
            self.line(text, name, number)?;
        }
    }

    fn line(&mut self, text: &str, name: &str, number: usize) -> io::Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        let at = format!("{name}:{number}");
        match serde_json::from_str::<Value>(text) {
            Ok(record) => self.one(&record, &at),
            Err(e) => self.unreadable(&at, &e.to_string()),
        }
    }

    /// One JSON document: an array of records, a Graph page `{"value": [...]}`, or one record.
    fn document(&mut self, document: Value, name: &str) -> io::Result<()> {
        let records = match document {
            Value::Array(items) => items,
            Value::Object(mut page) if page.get("value").is_some_and(Value::is_array) && !page.contains_key("id") => {
                match page.remove("value") {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                }
            }
            other => vec![other],
        };
        for (i, record) in records.iter().enumerate() {
            self.one(record, &format!("{name}[{i}]"))?;
        }
        Ok(())
    }

    fn unreadable(&mut self, at: &str, message: &str) -> io::Result<()> {
        self.records += 1;
        self.invalid += 1;
        match self.format {
            ReportFormat::Text => {
                writeln!(self.err, "{}: not a JSON record: {}", escaped(at), escaped(message))
            }
            ReportFormat::Json => {
                let line =
                    serde_json::json!({"source": at, "valid": false, "error": format!("not a JSON record: {message}")});
                writeln!(self.err, "{}", escaped_json(&line.to_string()))
            }
        }
    }

    fn one(&mut self, record: &Value, at: &str) -> io::Result<()> {
        let (user, report) = self.profile.map_user(record, self.mapping);
        self.records += 1;
        if !report.valid() {
            self.invalid += 1;
        }
        // serde_json's writer, not `Display`: half the instructions for every user of an export.
        writeln!(self.out, "{}", escaped_json(&serde_json::to_string(&user).map_err(io::Error::other)?))?;
        match self.format {
            ReportFormat::Json => {
                let mut value = report.to_json_value(Some(&Body::Value(&user)));
                if let Value::Object(m) = &mut value {
                    // The user is on standard output already.
                    m.remove("normalized");
                    m.insert("source".into(), Value::from(at));
                }
                writeln!(self.err, "{}", escaped_json(&serde_json::to_string(&value).map_err(io::Error::other)?))
            }
            ReportFormat::Text => write_text(&mut self.err, &report, at),
        }
    }
}

fn write_text(err: &mut impl Write, report: &Report, at: &str) -> io::Result<()> {
    if report.issues().is_empty() {
        return Ok(());
    }
    let verdict = match report.status() {
        None => "valid".to_string(),
        Some(status) => format!("INVALID, Atlassian would answer {status}"),
    };
    // Paths and details hold the record's own keys and values: escaped for the terminal.
    writeln!(err, "{}: {verdict}", escaped(at))?;
    for issue in report.issues() {
        let path = if issue.path().is_empty() { String::new() } else { format!(" at {}", escaped(issue.path())) };
        let detail = escaped(issue.detail());
        writeln!(err, "  {:<7} {}{path}: {detail}", issue.severity().as_str(), issue.rule().id())?;
        if issue.severity() != Severity::Info {
            writeln!(err, "          what to do: {}", issue.rule().advice())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &str, mapping: &str, format: ReportFormat) -> (String, String, usize, usize) {
        let profile = Profile::atlassian();
        let mapping = load_mapping(mapping).expect("mapping");
        let mut run = Run {
            profile: &profile,
            mapping: &mapping,
            format,
            out: Vec::new(),
            err: Vec::new(),
            records: 0,
            invalid: 0,
        };
        let reader: Box<dyn BufRead> = Box::new(BufReader::new(io::Cursor::new(input.as_bytes().to_vec())));
        run.records_of(reader, "in").expect("no I/O error");
        let out = String::from_utf8(run.out).expect("utf-8");
        let err = String::from_utf8(run.err).expect("utf-8");
        (out, err, run.records, run.invalid)
    }

    #[test]
    fn ndjson_in_scim_out_reports_located_by_line() {
        let input = concat!(
            r#"{"id":"1","userPrincipalName":"a@example.com","mail":"a@example.com","givenName":"A","surname":"B","displayName":"A B"}"#,
            "\n\n",
            r#"{"id":"2","displayName":"No Mail"}"#,
            "\n",
            "not json\n"
        );
        let (out, err, records, invalid) = run_on(input, "entra", ReportFormat::Text);
        assert_eq!((records, invalid), (3, 2));
        let users: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
        assert_eq!(users.len(), 2);
        assert_eq!(users[0]["userName"], "a@example.com");
        assert!(err.contains("in:3: INVALID, Atlassian would answer 400"), "{err}");
        assert!(err.contains("MAP-001 at userName"), "{err}");
        assert!(err.contains("in:4: not a JSON record"), "{err}");
        assert!(!err.contains("in:1:"), "a clean record has no report: {err}");
    }

    #[test]
    fn whole_documents_and_graph_pages() {
        let page = "{\n  \"@odata.context\": \"x\",\n  \"value\": [\n    {\"userPrincipalName\": \"a@example.com\", \"mail\": \"a@example.com\"},\n    {\"userPrincipalName\": \"b@example.com\", \"mail\": \"b@example.com\"}\n  ]\n}\n";
        let (out, _, records, invalid) = run_on(page, "entra", ReportFormat::Text);
        assert_eq!((records, invalid, out.lines().count()), (2, 0, 2));
        let array = "[{\"login\": \"x@example.com\", \"email\": \"x@example.com\"}]";
        let (out, _, records, _) = run_on(array, "okta", ReportFormat::Text);
        assert_eq!((records, out.lines().count()), (1, 1));
        let pretty = "{\n \"login\": \"y@example.com\",\n \"email\": \"y@example.com\"\n}\n";
        let (_, _, records, invalid) = run_on(pretty, "okta", ReportFormat::Text);
        assert_eq!((records, invalid), (1, 0));
    }

    #[test]
    fn json_reports_carry_their_source() {
        let (_, err, _, _) = run_on("{\"displayName\": \"x\"}\n", "okta", ReportFormat::Json);
        let report: Value = serde_json::from_str(err.lines().next().expect("a report")).expect("json");
        assert_eq!((report["source"].as_str(), report["valid"].as_bool()), (Some("in:1"), Some(false)));
        assert!(report.get("normalized").is_none());
    }

    #[test]
    fn bad_mappings_are_usage_errors() {
        assert!(load_mapping("okt").expect_err("unknown").contains("not a preset"));
        assert!(load_mapping("ENTRA").is_ok());
    }
}
