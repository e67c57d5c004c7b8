//! `atlscim`: check SCIM requests for Atlassian Cloud from a shell or a CI job.
//!
//! Exit status: 0 when every request is valid, 1 when any is invalid, 2 on a usage or I/O error.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod envelope;
mod in_place;
mod map;
mod sync;
mod terminal;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::IsTerminal;

use atlscim_core::{Batch, Profile, Report, Severity};
use clap::{Parser, Subcommand, ValueEnum};
use envelope::{Envelope, Source};
use terminal::{escaped, escaped_json};

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
        /// Print only the totals and the issue counts by rule (for large exports).
        #[arg(long)]
        summary_only: bool,
        /// A request file, a directory of them (*.json, *.ndjson, *.jsonl), or - for standard input.
        #[arg(value_name = "FILE|DIR|-")]
        input: PathBuf,
    },
    /// Map identity-provider records (NDJSON, a JSON array, or a Graph page) to SCIM Users:
    /// SCIM NDJSON to standard output, one report per record to standard error.
    Map {
        /// entra, okta, generic, or a mapping file (JSON).
        #[arg(long, value_name = "PRESET|FILE")]
        mapping: String,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// How the reports on standard error are written.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Records file, or - for standard input.
        input: PathBuf,
    },
    /// Apply a PatchOp message to a resource and print the result (RFC 7644 §3.5.2, all or
    /// nothing, with the profile's semantics).
    Patch {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// User or Group.
        #[arg(long = "resource-type", value_enum, ignore_case = true, default_value_t = Kind::User)]
        resource_type: Kind,
        /// The resource (JSON file, or - for standard input).
        resource: PathBuf,
        /// The PatchOp message (JSON file).
        patch: PathBuf,
    },
    /// Print the PatchOp messages that turn CURRENT into DESIRED, to be sent in order: NDJSON, one
    /// message per line (one in the common case, more when the change is larger than one message
    /// may be under the limits; nothing when equal).
    Diff {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long = "resource-type", value_enum, ignore_case = true, default_value_t = Kind::User)]
        resource_type: Kind,
        current: PathBuf,
        desired: PathBuf,
    },
    /// Parse a filter and print its canonical form and tree; with --match, say whether a resource
    /// matches it (exit 0 when it does, 1 when not).
    Filter {
        /// The filter, e.g. 'emails[type eq "work"].value eq "a@example.com"'.
        filter: String,
        /// A resource (JSON file) to evaluate the filter against.
        #[arg(long = "match", value_name = "FILE")]
        matches: Option<PathBuf>,
        /// Refuse what identity providers send outside the RFC 7644 grammar.
        #[arg(long)]
        strict: bool,
    },
    /// Serve a local SCIM endpoint that answers as Atlassian's provisioning API does (state,
    /// uniqueness, 404 after DELETE, faults on demand): point a connector at it to test.
    Serve(atlscim_server::ServeArgs),
    /// List the built-in mappings (`--mapping NAME`), or print one as mapping JSON to start a
    /// custom mapping from.
    Presets {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// A preset to print in full, as the mapping JSON `--mapping FILE` takes.
        name: Option<String>,
    },
    /// Plan the change from Atlassian's directory (CURRENT: an export, NDJSON or list pages) to
    /// the identity provider's (EXPORT, mapped): the steps and the risk report. Exit 1 when the
    /// guard rails refuse the plan.
    Plan {
        /// entra, okta, generic, a mapping file, or scim (the export holds SCIM resources).
        #[arg(long, value_name = "PRESET|FILE")]
        mapping: String,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The directory as it is now (`atlscim serve`'s /admin/export, or GET /Users and /Groups pages).
        #[arg(long, value_name = "FILE")]
        current: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also write the plan (JSON) to this file.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        flags: sync::PlanFlags,
        /// The identity provider's export.
        export: PathBuf,
    },
    /// Read the directory, plan, and carry the plan out over HTTPS (429/5xx retried, 409 after a
    /// retry reconciled, 401/403 stop); resumable with --state.
    Sync(sync::SyncArgs),
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
enum Kind {
    User,
    Group,
}

impl Kind {
    fn resource_kind(self) -> atlscim_core::schema::ResourceKind {
        match self {
            Kind::User => atlscim_core::schema::ResourceKind::User,
            Kind::Group => atlscim_core::schema::ResourceKind::Group,
        }
    }
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
        Command::Check { config, verified_domains, format, summary_only, input } => {
            check(config.as_deref(), &verified_domains, format, summary_only, &input)
        }
        Command::Map { mapping, config, format, input } => {
            let format = match format {
                Format::Text => map::ReportFormat::Text,
                Format::Json => map::ReportFormat::Json,
            };
            map::run(&mapping, config.as_deref(), format, &input).map_err(Fatal)
        }
        Command::Patch { config, resource_type, resource, patch } => {
            patch_command(config.as_deref(), resource_type, &resource, &patch)
        }
        Command::Diff { config, resource_type, current, desired } => {
            diff_command(config.as_deref(), resource_type, &current, &desired)
        }
        Command::Filter { filter, matches, strict } => filter_command(&filter, matches.as_deref(), strict),
        Command::Presets { format, name } => presets(format, name.as_deref()).map(|()| true),
        Command::Rules { format } => rules(format).map(|()| true),
        Command::Plan { mapping, config, current, format, output, flags, export } => profile(config.as_deref(), &[])
            .and_then(|p| {
                sync::plan_command(&p, &mapping, &export, &current, &flags, format == Format::Json, output.as_deref())
                    .map_err(Fatal)
            }),
        Command::Sync(args) => {
            profile(args.config.as_deref(), &[]).and_then(|p| sync::sync_command(&args, &p).map_err(Fatal))
        }
        Command::Serve(args) => {
            args.into_config().and_then(atlscim_server::run_until_signal).map(|()| true).map_err(Fatal)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Fatal(message)) => {
            eprintln!("atlscim: {}", escaped(&message));
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
            .map_err(|e| Fatal(format!("--verified-domain {d}: {}", e.message())))?;
    }
    Ok(profile)
}

/// Checks every request of the input as one batch (so the batch rules apply across files and
/// lines), streaming: one envelope is in memory at a time.
fn check(
    config: Option<&Path>,
    domains: &[String],
    format: Format,
    summary_only: bool,
    input: &Path,
) -> Result<bool, Fatal> {
    let profile = profile(config, domains)?;
    let sources = envelope::sources(input)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut batch = Batch::new(&profile);
    let progress = std::io::stderr().is_terminal();
    let many = sources.len() > 1;
    let show_progress = |batch: &Batch<'_>| {
        let n = batch.summary().requests;
        if progress && n % 10_000 == 0 {
            eprint!("\ratlscim: {n} requests checked");
        }
    };
    for source in &sources {
        if summary_only {
            // Nothing is printed per request: a plain envelope's body is checked where it lies
            // in its line (in_place.rs), any other read as below.
            source.for_each_text(|line, text| {
                if in_place::check(text, &mut batch).is_none() {
                    batch.check(&source.envelope(line, text)?.request());
                }
                show_progress(&batch);
                Ok(())
            })?;
            continue;
        }
        source.for_each(|line, envelope| {
            let report = batch.check(&envelope.request());
            show_progress(&batch);
            let name = source.located(line);
            match format {
                Format::Json => {
                    write_json(&mut out, &report, envelope, (many || line.is_some()).then_some(name.as_str()))
                }
                Format::Text => write_text(&mut out, &report, envelope, &name),
            }
        })?;
    }
    if progress && batch.summary().requests >= 10_000 {
        eprintln!();
    }
    let summary = batch.summary();
    if format == Format::Text && (summary.requests != 1 || summary_only) {
        writeln!(out, "{} requests: {} valid, {} invalid", summary.requests, summary.valid, summary.invalid)?;
        if !summary.by_rule.is_empty() {
            writeln!(out, "issues by rule:")?;
            for (rule, count) in &summary.by_rule {
                let what = atlscim_core::rules::rule(rule).map_or("", |r| r.summary());
                writeln!(out, "  {rule:<10} {count:>8}  {what}")?;
            }
        }
    } else if format == Format::Json && summary_only {
        writeln!(out, "{}", summary.to_json())?;
    }
    out.flush()?;
    if profile.kind() == atlscim_core::ProfileKind::Atlassian && profile.verified_domains().is_empty() {
        // Once per run, on stderr (the output stays the reports): the two rules cannot judge
        // a domain without knowing which ones are linked to the directory.
        eprintln!(
            "atlscim: no verified domains configured (verified_domains, --verified-domain): ATL-U-018 and ATL-U-019 are off"
        );
    }
    Ok(summary.invalid == 0)
}

fn write_json(
    out: &mut impl Write,
    report: &Report,
    envelope: &Envelope<'_>,
    source: Option<&str>,
) -> Result<(), Fatal> {
    let body = envelope.body();
    // Several inputs: each report line says where it came from. Written straight to text, never
    // through a tree of the report (its normalized body can be megabytes of small objects).
    let json = match source {
        Some(source) => report.to_json_with_source(body.as_ref(), source),
        None => report.to_json(body.as_ref()),
    };
    writeln!(out, "{}", escaped_json(&json))?;
    Ok(())
}

fn write_text(out: &mut impl Write, report: &Report, envelope: &Envelope<'_>, name: &str) -> Result<(), Fatal> {
    let verdict = match (report.status(), report.sent_status()) {
        (None, _) if report.nothing_to_send() => "valid, nothing to send (every operation was dropped)".to_string(),
        // Lenient mode fixed what Atlassian would refuse: only normalized is accepted.
        (None, Some(sent)) => format!("valid as normalized (the body as sent would get {sent})"),
        (None, None) => "valid".to_string(),
        (Some(status), _) => format!("INVALID, Atlassian would answer {status}"),
    };
    // The method, path, file name and issues come from the input: escaped for the terminal.
    let (name, method, path) = (escaped(name), escaped(&envelope.method), escaped(&envelope.path));
    writeln!(out, "{name}: {method} {path} — {verdict}")?;
    for issue in report.issues() {
        let at = if issue.path().is_empty() { String::new() } else { format!(" at {}", escaped(issue.path())) };
        let scim_type = issue.scim_type().map(|t| format!(" [{t}]")).unwrap_or_default();
        let detail = escaped(issue.detail());
        writeln!(out, "  {:<7} {}{at}{scim_type}: {detail}", issue.severity().as_str(), issue.rule().id())?;
        if issue.severity() != Severity::Info {
            writeln!(out, "          what to do: {}", issue.rule().advice())?;
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<serde_json::Value, Fatal> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| {
        Fatal(format!("{}: not JSON: {}", path.display(), atlscim_core::JsonSyntaxError::new(&e, text.as_bytes())))
    })
}

/// Writes a line to standard output. A write that fails (a closed pipe: `atlscim patch … | head`)
/// is an I/O error, exit status 2, where `println!` would panic.
fn print_line(text: &str) -> Result<(), Fatal> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

fn patch_command(config: Option<&Path>, kind: Kind, resource: &Path, patch: &Path) -> Result<bool, Fatal> {
    let profile = profile(config, &[])?;
    let (mut resource, patch) = (read_json(resource)?, read_json(patch)?);
    match profile.apply_patch_in_place(&mut resource, &patch, kind.resource_kind()) {
        Ok(()) => {
            print_line(&escaped_json(&serde_json::to_string_pretty(&resource)?))?;
            Ok(true)
        }
        Err(e) => {
            eprintln!("atlscim: the PATCH cannot be applied: {}", escaped(&e.to_string()));
            Ok(false)
        }
    }
}

fn diff_command(config: Option<&Path>, kind: Kind, current: &Path, desired: &Path) -> Result<bool, Fatal> {
    let profile = profile(config, &[])?;
    let (current, desired) = (read_json(current)?, read_json(desired)?);
    let messages = match profile.diff(&current, &desired, kind.resource_kind()) {
        Ok(messages) => messages,
        Err(e) => {
            eprintln!("atlscim: no PATCH gives the desired resource: {}", escaped(&e.to_string()));
            return Ok(false);
        }
    };
    if messages.is_empty() {
        eprintln!("atlscim: no differences");
    }
    // One compact message per line (NDJSON), to be sent in order.
    for message in &messages {
        print_line(&escaped_json(&serde_json::to_string(message)?))?;
    }
    Ok(true)
}

fn filter_command(text: &str, resource: Option<&Path>, strict: bool) -> Result<bool, Fatal> {
    let limits = atlscim_core::filter::FilterLimits { lenient: !strict, ..Default::default() };
    let filter = match atlscim_core::filter::parse_with(text, &limits) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("atlscim: {}", escaped(&e.to_string()));
            eprintln!("  {}", escaped(text));
            eprintln!("  {}^", " ".repeat(e.offset()));
            return Ok(false);
        }
    };
    match resource {
        None => {
            print_line(&escaped(&filter.to_string()))?;
            print_line(&escaped_json(&serde_json::to_string_pretty(&filter.to_json())?))?;
            Ok(true)
        }
        Some(path) => {
            let resource = read_json(path)?;
            let matched = atlscim_core::filter::matches_with(
                &filter,
                &resource,
                &atlscim_core::filter::EvalOptions { resource_type: None, lenient: !strict },
            );
            print_line(&matched.to_string())?;
            Ok(matched)
        }
    }
}

/// The preset table, or one preset as mapping JSON.
fn presets(format: Format, name: Option<&str>) -> Result<(), Fatal> {
    use atlscim_core::mapping::{Mapping, PRESETS};
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if let Some(name) = name {
        let mapping = Mapping::preset(name)?;
        writeln!(out, "{}", serde_json::to_string_pretty(&mapping.to_json())?)?;
    } else if format == Format::Json {
        let list: Vec<_> =
            PRESETS.iter().map(|p| serde_json::json!({"name": p.name, "description": p.description})).collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
    } else {
        for p in PRESETS {
            writeln!(out, "{:<8} {}", p.name, p.description)?;
        }
    }
    out.flush()?;
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
                writeln!(out, "{:<10} {:<7} {}", r.id(), r.severity().as_str(), r.summary())?;
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
