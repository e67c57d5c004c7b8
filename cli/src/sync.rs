//! `atlscim plan` and `atlscim sync`: the identity provider's export, mapped, planned against
//! Atlassian's directory (an export file, or read over HTTPS), and carried out with the core's
//! sans-IO executor over ureq.
//!
//! The token is read from the environment variable `--token-env` names and only ever put in the
//! `Authorization` header: never printed, logged, or written to the plan or the state file.
//! Plain `http://` is accepted only for loopback hosts (`atlscim serve`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atlscim_core::Profile;
use atlscim_core::mapping::{Mapping, PRESETS};
use atlscim_core::sync::{
    Action, ExecOptions, ExecState, Executor, GonePolicy, HttpResponse, Outcome, PAGE_SIZE, Pager, Plan, PlanOptions,
    Resources, RiskLevel, plan, plan_against_text,
};
use serde_json::{Value, json};

use crate::terminal::escaped;

/// The state file: the plan and the executor's state, so a run resumes where it stopped.
const STATE_FILE_FORMAT: u32 = 1;

/// Guard rails and policy, as flags.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanFlags {
    /// What happens to users gone from the identity provider.
    #[arg(long, value_enum, default_value_t = Gone::Deactivate)]
    pub gone: Gone,
    /// Also deactivate (or delete) current users no identity provider provisioned.
    #[arg(long)]
    pub manage_orphans: bool,
    /// Most deactivations and deletes together.
    #[arg(long, default_value_t = 500)]
    pub max_removals: u64,
    /// Largest share (0–1) of live users deactivated or deleted.
    #[arg(long, default_value_t = 0.10)]
    pub max_removal_share: f64,
    /// Go past the two limits above.
    #[arg(long)]
    pub allow_removals: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Gone {
    Deactivate,
    Delete,
}

impl PlanFlags {
    fn options(&self) -> PlanOptions {
        PlanOptions {
            gone: match self.gone {
                Gone::Deactivate => GonePolicy::Deactivate,
                Gone::Delete => GonePolicy::Delete,
            },
            manage_orphans: self.manage_orphans,
            max_removals: self.max_removals,
            max_removal_share: self.max_removal_share,
            allow_removals: self.allow_removals,
            ..PlanOptions::default()
        }
    }
}

/// The identity provider's export: users and groups (NDJSON, a JSON array, a Microsoft Graph page
/// `{"value": [...]}`, or `{"users": [...], "groups": [...]}`), mapped with `mapping` (a preset,
/// a mapping file, or `scim` for records that are SCIM already). A record is a group when its
/// `@odata.type` says so, when it sits under `groups`, or when it has `members`.
pub fn desired(path: &Path, mapping: &str, profile: &Profile) -> Result<(Resources, Findings), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let sort = |v: Value, into_groups: bool, users: &mut Vec<Value>, groups: &mut Vec<Value>| {
        let odata = v.get("@odata.type").and_then(Value::as_str).unwrap_or("");
        if into_groups || odata.to_ascii_lowercase().ends_with("group") || v.get("members").is_some() {
            groups.push(v);
        } else {
            users.push(v);
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => items.into_iter().for_each(|v| sort(v, false, &mut users, &mut groups)),
        Ok(Value::Object(mut m)) if m.contains_key("value") || m.contains_key("users") || m.contains_key("groups") => {
            for (key, g) in [("value", false), ("users", false), ("groups", true)] {
                if let Some(Value::Array(items)) = m.remove(key) {
                    items.into_iter().for_each(|v| sort(v, g, &mut users, &mut groups));
                }
            }
        }
        Ok(other) => sort(other, false, &mut users, &mut groups),
        Err(_) => {
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value =
                    serde_json::from_str(line).map_err(|e| format!("{}:{}: not JSON: {e}", path.display(), i + 1))?;
                sort(v, false, &mut users, &mut groups);
            }
        }
    }
    if mapping.eq_ignore_ascii_case("scim") {
        return Ok((Resources { users, groups }, Findings::default()));
    }
    let mapping = load_mapping(mapping)?;
    let mut findings = Findings::default();
    let users = users
        .iter()
        .map(|r| {
            let (user, report) = profile.map_user(r, &mapping);
            if !report.valid() {
                findings.invalid.push(label(&user));
            }
            user
        })
        .collect();
    let groups = groups
        .iter()
        .map(|g| {
            let (group, report) = profile.map_group(g, None);
            if report.issues().iter().any(|i| i.rule().id() == "MAP-004") {
                findings.flattened.push(group["displayName"].as_str().unwrap_or_default().to_string());
            }
            group
        })
        .collect();
    Ok((Resources { users, groups }, findings))
}

fn label(user: &Value) -> String {
    ["userName", "externalId"].iter().find_map(|k| user[k].as_str()).unwrap_or("?").to_string()
}

/// What mapping the export found, for the risk report.
#[derive(Debug, Default)]
pub struct Findings {
    /// Groups whose nested groups were flattened into their users (MAP-004).
    flattened: Vec<String>,
    /// Users Atlassian would refuse as mapped (their creates and updates will fail).
    invalid: Vec<String>,
}

impl Findings {
    /// Adds the findings to the plan's risk report (which stays in its order: danger first).
    fn add_to(self, p: &mut Plan) {
        let mut add = |kind: &str, level: RiskLevel, rule: Option<&str>, mut names: Vec<String>, detail: &str| {
            if names.is_empty() {
                return;
            }
            names.sort();
            p.risks.push(atlscim_core::sync::Risk {
                kind: kind.into(),
                level,
                rule: rule.map(str::to_string),
                count: names.len(),
                subjects: names.into_iter().take(100).collect(),
                detail: detail.into(),
            });
        };
        add(
            "nested_group_flattened",
            RiskLevel::Warning,
            Some("MAP-004"),
            self.flattened,
            "nested identity-provider groups were flattened into their users: Atlassian has no nested groups",
        );
        add(
            "invalid_in_export",
            RiskLevel::Danger,
            None,
            self.invalid,
            "users Atlassian would refuse as mapped (see `atlscim map`): their creates and updates will fail",
        );
        p.risks.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.kind.cmp(&b.kind)));
    }
}

fn load_mapping(spec: &str) -> Result<Mapping, String> {
    if PRESETS.iter().any(|p| p.name.eq_ignore_ascii_case(spec.trim())) {
        return Mapping::preset(spec).cloned().map_err(|e| e.to_string());
    }
    let text = std::fs::read_to_string(spec).map_err(|e| {
        format!(
            "--mapping {spec}: not a preset ({}, scim) nor a readable file: {e}",
            PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
        )
    })?;
    Mapping::from_json_str(&text).map_err(|e| format!("{spec}: {e}"))
}

/// `atlscim plan`: prints the plan (text or JSON) and its risk report. Ok(false) (exit 1) when a
/// guard rail refused it.
pub fn plan_command(
    profile: &Profile,
    mapping: &str,
    export: &Path,
    current: &Path,
    flags: &PlanFlags,
    json_out: bool,
    output: Option<&Path>,
) -> Result<bool, String> {
    let (desired, findings) = desired(export, mapping, profile)?;
    let text = std::fs::read_to_string(current).map_err(|e| format!("{}: {e}", current.display()))?;
    // Atlassian's export read compactly (groups' members interned, users kept as their lines).
    let mut p = plan_against_text(profile, &desired, &text, &flags.options())
        .map_err(|e| format!("{}: {e}", current.display()))?;
    findings.add_to(&mut p);
    if let Some(out) = output {
        std::fs::write(out, p.to_json_string()).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    if json_out {
        writeln!(stdout, "{}", crate::terminal::escaped_json(&p.to_json_string())).map_err(|e| e.to_string())?;
    } else {
        write!(stdout, "{}", describe(&p, true)).map_err(|e| e.to_string())?;
    }
    Ok(p.refusal.is_none())
}

/// The plan for people: the summary, the risks, the guard rails' verdict, and the steps.
fn describe(p: &Plan, with_steps: bool) -> String {
    let s = &p.summary;
    let mut out = format!(
        "plan: {} users and {} groups desired, {} users and {} groups current ({} matched, {} unchanged)\n  \
         {} user creates, {} updates, {} deactivations, {} deletes; {} group creates, {} membership updates, {} group deletes; {} steps\n",
        s.desired_users,
        s.desired_groups,
        s.current_users,
        s.current_groups,
        s.matched_users,
        s.unchanged_users,
        s.user_creates,
        s.user_updates,
        s.deactivations,
        s.deletes,
        s.group_creates,
        s.group_updates,
        s.group_deletes,
        p.steps.len()
    );
    if !p.risks.is_empty() {
        out.push_str("risks:\n");
        for r in &p.risks {
            let level = match r.level {
                RiskLevel::Danger => "DANGER ",
                RiskLevel::Warning => "warning",
                RiskLevel::Info => "info   ",
            };
            let rule = r.rule.as_deref().map(|x| format!(" [{x}]")).unwrap_or_default();
            let more = if r.count > r.subjects.len() { format!(", … ({} in all)", r.count) } else { String::new() };
            out.push_str(&format!(
                "  {level} {}{rule}: {} — {}{more}\n",
                r.kind,
                escaped(&r.detail),
                escaped(&r.subjects.iter().take(10).cloned().collect::<Vec<_>>().join(", "))
            ));
        }
    }
    match &p.refusal {
        Some(r) => out.push_str(&format!("REFUSED by the guard rails ({}): {}\n", r.guard, escaped(&r.detail))),
        None => out.push_str("guard rails: passed\n"),
    }
    if with_steps {
        for st in &p.steps {
            let who = st.subject.user_name.as_deref().or(st.subject.display_name.as_deref()).unwrap_or("");
            let deps =
                if st.depends_on.is_empty() { String::new() } else { format!(" (after {})", st.depends_on.join(", ")) };
            out.push_str(&format!(
                "  {} {} {} {} {}{deps}\n",
                st.id,
                st.kind.as_str(),
                st.method,
                escaped(&st.path),
                escaped(who)
            ));
        }
    }
    out
}

/// Arguments of `atlscim sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The directory's SCIM base URL (https://api.atlassian.com/scim/directory/ID; http only to
    /// a loopback address).
    #[arg(long)]
    pub url: String,
    /// Name of the environment variable holding the API key (the key itself is never a flag).
    #[arg(long, value_name = "VAR")]
    pub token_env: String,
    /// entra, okta, generic, a mapping file, or scim (the export holds SCIM resources).
    #[arg(long, value_name = "PRESET|FILE", required_unless_present = "plan")]
    pub mapping: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run a saved plan (`atlscim plan --output`) instead of planning: it is first checked for
    /// drift against the directory as it is now, and refused when it no longer fits.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["mapping", "export"])]
    pub plan: Option<PathBuf>,
    /// Plan and print, send nothing (the directory is still read).
    #[arg(long)]
    pub dry_run: bool,
    /// State file: written after every request; an unfinished run in it is resumed.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Requests per second at most.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Seed of the backoff jitter (default: from the clock).
    #[arg(long)]
    pub jitter_seed: Option<u64>,
    /// Scale every wait by this factor (tests run with waits in milliseconds).
    #[arg(long, default_value_t = 1.0, hide = true)]
    pub wait_scale: f64,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    #[command(flatten)]
    pub flags: PlanFlags,
    /// The identity provider's export.
    #[arg(required_unless_present = "plan")]
    pub export: Option<PathBuf>,
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Whether the URL may be used: https anywhere, http to loopback only.
fn check_url(url: &str) -> Result<String, String> {
    let base = url.trim_end_matches('/').to_string();
    let Some((scheme, rest)) = base.split_once("://") else { return Err(format!("--url {url}: not an absolute URL")) };
    let authority = rest.split('/').next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(h) = host.strip_prefix('[') {
        h.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(base),
        "http" => {
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(base)
            } else {
                Err(format!("--url {url}: plain http is allowed only to a loopback address; use https"))
            }
        }
        _ => Err(format!("--url {url}: the scheme must be https")),
    }
}

struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Client {
    fn new(base: String, token: String, timeout: f64) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A redirect would carry the request elsewhere: none are followed.
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs_f64(timeout.max(0.001))))
            .build();
        Client { agent: config.into(), base, token }
    }

    /// One request; a transport failure is status 0 (the executor treats it as a lost answer).
    fn send(&self, method: &str, path: &str, headers: &[(String, String)], body: Option<&str>) -> HttpResponse {
        let mut req = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        req = req.header("Authorization", format!("Bearer {}", self.token));
        let Ok(req) = req.body(body.unwrap_or("").as_bytes().to_vec()) else { return HttpResponse::default() };
        match self.agent.run(req) {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let headers = r
                    .headers()
                    .iter()
                    .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
                    .collect();
                let body = r.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().unwrap_or_default();
                HttpResponse { status, headers, body }
            }
            Err(_) => HttpResponse::default(),
        }
    }

    /// A GET, retried on 429 (as long as Retry-After says), 5xx and lost answers (backoff), up to
    /// 8 times.
    fn read(&self, path: &str, wait_scale: f64) -> HttpResponse {
        let mut r = HttpResponse::default();
        for attempt in 0..8 {
            r = self.send("GET", path, &[("Accept".into(), "application/scim+json".into())], None);
            let headers: Vec<(&str, &str)> = r.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let c = atlscim_core::classify_response(r.status, r.body.as_bytes(), &headers, Some(now()));
            if r.status != 0 && !c.retryable {
                break;
            }
            let wait = c.retry_after.unwrap_or(f64::from(1u32 << attempt.min(6))).min(300.0);
            std::thread::sleep(Duration::from_secs_f64(wait * wait_scale));
        }
        r
    }

    /// Every user and group, page by page (the core's `Pager`: `startIndex`, `count` 100).
    fn current(&self, wait_scale: f64) -> Result<Resources, String> {
        let mut all = Resources::default();
        for (collection, groups) in [("Users", false), ("Groups", true)] {
            let mut pager = Pager::new(collection, PAGE_SIZE);
            while let Some(path) = pager.next_path() {
                let r = self.read(&path, wait_scale);
                if r.status != 200 {
                    return Err(format!(
                        "GET {path}: status {} {}",
                        r.status,
                        escaped(&r.body.chars().take(200).collect::<String>())
                    ));
                }
                let items = pager.feed(r.body.as_bytes()).map_err(|e| e.detail().to_string())?;
                if groups { all.groups.extend(items) } else { all.users.extend(items) }
            }
        }
        Ok(all)
    }
}

fn write_state(path: &Path, run: &Executor) -> Result<(), String> {
    let doc = json!({"format": STATE_FILE_FORMAT, "plan": run.plan(), "state": run.state()});
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, doc.to_string()).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// An unfinished run saved in the state file, if there is one.
fn saved_run(path: &Path, options: &ExecOptions) -> Result<Option<Executor>, String> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(None) };
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if doc.get("format").and_then(Value::as_u64) != Some(u64::from(STATE_FILE_FORMAT)) {
        return Err(format!("{}: not a state file of format {STATE_FILE_FORMAT}", path.display()));
    }
    let p = Plan::from_json_str(&doc["plan"].to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
    let state: ExecState =
        serde_json::from_value(doc["state"].clone()).map_err(|e| format!("{}: {e}", path.display()))?;
    let run = Executor::resume(p, options.clone(), state).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((!run.is_done()).then_some(run))
}

/// `atlscim sync`. Ok(true) when every step succeeded.
pub fn sync_command(args: &SyncArgs, profile: &Profile) -> Result<bool, String> {
    let base = check_url(&args.url)?;
    let token = std::env::var(&args.token_env)
        .map_err(|_| format!("--token-env {}: the variable is not set", args.token_env))?;
    let client = Client::new(base, token, args.timeout);
    let options = ExecOptions {
        rate_per_second: args.rate,
        jitter_seed: args.jitter_seed.unwrap_or_else(|| now().to_bits()),
        ..ExecOptions::default()
    };
    let mut err = std::io::stderr().lock();
    let mut out = std::io::stdout().lock();
    let resumed = match &args.state {
        Some(path) if !args.dry_run => saved_run(path, &options)?,
        _ => None,
    };
    let mut run = match resumed {
        Some(run) => {
            let _ =
                writeln!(out, "resuming the run saved in {}", args.state.as_deref().unwrap_or(Path::new("")).display());
            run
        }
        None => {
            let current = client.current(args.wait_scale)?;
            let p = match (&args.plan, &args.export, &args.mapping) {
                (Some(saved), _, _) => {
                    let text = std::fs::read_to_string(saved).map_err(|e| format!("{}: {e}", saved.display()))?;
                    let p = Plan::from_json_str(&text).map_err(|e| format!("{}: {e}", saved.display()))?;
                    let drifted = atlscim_core::sync::drift(&p, &current);
                    if !drifted.is_empty() {
                        let _ = writeln!(out, "the saved plan no longer fits the directory (plan again):");
                        for line in &drifted {
                            let _ = writeln!(out, "  {}", escaped(line));
                        }
                        return Ok(false);
                    }
                    p
                }
                (None, Some(export), Some(mapping)) => {
                    let (desired, findings) = desired(export, mapping, profile)?;
                    let mut p = plan(profile, &desired, &current, &args.flags.options());
                    findings.add_to(&mut p);
                    p
                }
                _ => return Err("give --plan FILE, or --mapping and the export".into()),
            };
            let _ = write!(out, "{}", describe(&p, args.dry_run));
            if args.dry_run {
                return Ok(p.refusal.is_none());
            }
            if p.refusal.is_some() {
                return Ok(false);
            }
            Executor::new(p, options).map_err(|e| e.to_string())?
        }
    };
    let total = run.plan().steps.len();
    let tty = std::io::stderr().is_terminal();
    loop {
        let action = run.next(now());
        if let Some(path) = &args.state {
            // Saved before the request goes out: a crash after it finds the step in flight.
            write_state(path, &run)?;
        }
        match action {
            Action::Done => break,
            Action::Wait { seconds } => {
                std::thread::sleep(Duration::from_secs_f64((seconds * args.wait_scale).clamp(0.0, 86_400.0)))
            }
            Action::Send { step, method, path, headers, body } => {
                if tty {
                    let done = run.state().steps.iter().filter(|s| s.outcome != Outcome::Pending).count();
                    let _ = write!(err, "\r\x1b[2K[{done}/{total}] {step} {method} {}", escaped(&path));
                }
                let headers: Vec<(String, String)> = headers.into_iter().collect();
                let r = client.send(&method, &path, &headers, body.as_deref());
                run.feed(&r, now()).map_err(|e| e.to_string())?;
            }
        }
    }
    if let Some(path) = &args.state {
        write_state(path, &run)?;
    }
    if tty {
        let _ = writeln!(err);
    }
    let counts = run.outcome_counts();
    let line: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(out, "sync: {} steps: {}", total, line.join(", "));
    if let Some(why) = &run.state().stopped {
        let _ = writeln!(out, "stopped: {}", escaped(why));
    }
    for (st, s) in run.steps() {
        if !matches!(s.outcome, Outcome::Applied | Outcome::Adopted) {
            let _ = writeln!(
                err,
                "  {} {} {}: {:?} {}",
                st.id,
                st.kind.as_str(),
                escaped(&st.path),
                s.outcome,
                escaped(s.detail.as_deref().unwrap_or(""))
            );
        }
    }
    Ok(counts.keys().all(|k| matches!(*k, "applied" | "adopted")))
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_url("https://api.atlassian.com/scim/directory/x").is_ok());
        assert!(check_url("http://127.0.0.1:8080/scim/directory/x").is_ok());
        assert!(check_url("http://[::1]:8080/").is_ok());
        assert!(check_url("http://localhost:1/").is_ok());
        assert!(check_url("http://example.com/").is_err());
        assert!(check_url("http://127.0.0.1.example.com/").is_err());
        assert!(check_url("http://user@example.com@127.0.0.1/").is_ok());
        assert!(check_url("ftp://127.0.0.1/").is_err());
        assert!(check_url("api.atlassian.com").is_err());
    }
}
