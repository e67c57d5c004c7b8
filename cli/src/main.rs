//! `atlscim`: check SCIM requests for Atlassian Cloud from a shell or a CI job.
//!
//! Exit status: 0 when every request is valid, 1 when any is invalid, 2 on a usage or I/O error.

mod envelope;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use atlscim_core::{Profile, Report, Severity};
use clap::{Parser, Subcommand, ValueEnum};
use envelope::{Envelope, Source};

#[derive(Parser)]
#[command(
    name = "atlscim",
    version,
    about = "Checks and shapes SCIM 2.0 requests for Atlassian Cloud user provisioning"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check request envelopes: {"method", "path", "body", "current"?}, one per file or one per
    /// line (NDJSON). A body given as a string is sent as that text, so broken JSON can be checked.
    Check {
        /// Config file (JSON, the same config every binding takes).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// A verified domain of the organization (repeatable); added to the config's.
        #[arg(long = "verified-domain", value_name = "DOMAIN")]
        verified_domains: Vec<String>,
        /// Output: text for people, json for one report per line.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A request file, a directory of them (*.json, *.ndjson, *.jsonl), or - for standard input.
        #[arg(value_name = "FILE|DIR|-")]
        input: PathBuf,
    },
    /// List every rule atlscim enforces.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

/// A usage or I/O problem: exit status 2.
struct Fatal(String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Fatal {
        Fatal(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { config, verified_domains, format, input } => {
            check(config.as_deref(), &verified_domains, format, &input)
        }
        Command::Rules { format } => rules(format).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Fatal(message)) => {
            eprintln!("atlscim: {message}");
            ExitCode::from(2)
        }
    }
}

fn profile(config: Option<&Path>, domains: &[String]) -> Result<Profile, Fatal> {
    let mut profile = match config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
            Profile::from_config_json(&text).map_err(|e| Fatal(format!("{}: {e}", path.display())))?
        }
        None => Profile::atlassian(),
    };
    for d in domains {
        profile = profile
            .with_verified_domain(d, false)
            .map_err(|e| Fatal(format!("--verified-domain {d}: {}", e.message)))?;
    }
    Ok(profile)
}

/// Totals over all requests checked.
#[derive(Default)]
struct Tally {
    requests: usize,
    invalid: usize,
}

fn check(config: Option<&Path>, domains: &[String], format: Format, input: &Path) -> Result<bool, Fatal> {
    let profile = profile(config, domains)?;
    let sources = envelope::sources(input)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut tally = Tally::default();
    let many = sources.len() > 1;
    for source in &sources {
        let text = source.read()?;
        for (line, envelope) in envelope::parse_all(&text).map_err(|e| Fatal(format!("{}: {e}", source.name())))? {
            let request = envelope.request();
            let report = profile.check(&request);
            tally.requests += 1;
            if !report.valid() {
                tally.invalid += 1;
            }
            let name = source.located(line);
            match format {
                Format::Json => write_json(&mut out, &report, &envelope, many.then_some(name.as_str()))?,
                Format::Text => write_text(&mut out, &report, &envelope, &name)?,
            }
        }
    }
    if format == Format::Text && tally.requests != 1 {
        writeln!(
            out,
            "{} requests: {} valid, {} invalid",
            tally.requests,
            tally.requests - tally.invalid,
            tally.invalid
        )?;
    }
    out.flush()?;
    Ok(tally.invalid == 0)
}

fn write_json(
    out: &mut impl Write,
    report: &Report,
    envelope: &Envelope<'_>,
    source: Option<&str>,
) -> Result<(), Fatal> {
    let body = envelope.body();
    let json = report.to_json(body.as_ref());
    match source {
        // Several inputs: each report line says where it came from.
        Some(source) => {
            let mut value = report.to_json_value(body.as_ref());
            if let serde_json::Value::Object(m) = &mut value {
                m.insert("source".into(), source.into());
            }
            writeln!(out, "{value}")?;
        }
        None => writeln!(out, "{json}")?,
    }
    Ok(())
}

fn write_text(out: &mut impl Write, report: &Report, envelope: &Envelope<'_>, name: &str) -> Result<(), Fatal> {
    let verdict = match report.status() {
        None => "valid".to_string(),
        Some(status) => format!("INVALID, Atlassian would answer {status}"),
    };
    writeln!(out, "{name}: {} {} — {verdict}", envelope.method, envelope.path)?;
    for issue in report.issues() {
        let at = if issue.path.is_empty() { String::new() } else { format!(" at {}", issue.path) };
        let scim_type = issue.scim_type().map(|t| format!(" [{t}]")).unwrap_or_default();
        writeln!(out, "  {:<7} {}{at}{scim_type}: {}", issue.severity.as_str(), issue.rule.id, issue.detail)?;
        if issue.severity != Severity::Info {
            writeln!(out, "          what to do: {}", issue.rule.advice)?;
        }
    }
    Ok(())
}

fn rules(format: RulesFormat) -> Result<(), Fatal> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        RulesFormat::Markdown => write!(out, "{}", atlscim_core::rules::markdown())?,
        RulesFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(atlscim_core::RULES)?)?,
        RulesFormat::Text => {
            for r in atlscim_core::RULES {
                writeln!(out, "{:<10} {:<7} {}", r.id, r.severity.as_str(), r.summary)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

impl Source {
    fn located(&self, line: Option<usize>) -> String {
        match line {
            Some(n) => format!("{}:{n}", self.name()),
            None => self.name(),
        }
    }
}
