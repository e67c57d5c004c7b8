//! Faults on demand: what a connector must survive, on the requests it chooses.
//!
//! A spec is rules separated by `;`, each `KIND[=ARG][,KEY=VALUE]...`:
//!
//! | kind | answer |
//! |---|---|
//! | `429[=SECONDS]` | 429 with `Retry-After: SECONDS` (default 1), `X-RateLimit-Reset` as an ISO time; `retry-after=date` sends an HTTP date instead |
//! | `500`, `503` | that status with a SCIM Error body |
//! | `latency=MS` | the answer is delayed by MS milliseconds |
//! | `expired[=401\|403]` | the API key is refused as expired (Atlassian's Failure body) |
//! | `lost` | a write is applied, then the answer is lost (the connection closes without one): the retry meets the 409 |
//!
//! Options: `method=POST` (only that method), `path=/Users` (only targets containing the text),
//! `after=N` (let the first N matching requests through), `times=N` (then fault only the next N).
//! Example: `429=2,times=1;lost,method=POST,path=/Users,times=1;latency=20`.

use std::time::{Duration, SystemTime};

use atlscim_core::directory::{Answer, timestamp};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    RateLimited { seconds: u64, http_date: bool },
    Status(u16),
    Latency(u64),
    Expired(u16),
    Lost,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    kind: Kind,
    method: Option<String>,
    path: Option<String>,
    after: u64,
    times: Option<u64>,
    /// Matching requests seen so far.
    seen: u64,
    text: String,
}

/// The faults in force.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    rules: Vec<Rule>,
}

/// What the faults do to one request.
#[derive(Debug, Default)]
pub struct Decision {
    pub delay: Duration,
    /// An answer in place of the directory's.
    pub answer: Option<Answer>,
    /// Apply a write, then lose its answer.
    pub lost: bool,
    /// The rules that fired, for the request log.
    pub fired: Vec<String>,
}

fn number(text: &str, what: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| format!("{what} must be a whole number, got {text:?}"))
}

impl Faults {
    /// Parses a spec (see the module documentation); an empty spec means no faults.
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut rules = Vec::new();
        for text in spec.split(';').map(str::trim).filter(|t| !t.is_empty()) {
            let mut parts = text.split(',').map(str::trim);
            let head = parts.next().unwrap_or("");
            let (name, arg) = match head.split_once('=') {
                Some((n, a)) => (n.trim(), Some(a.trim())),
                None => (head, None),
            };
            let mut kind = match name.to_ascii_lowercase().as_str() {
                "429" => Kind::RateLimited {
                    seconds: arg.map(|a| number(a, "429's seconds")).transpose()?.unwrap_or(1),
                    http_date: false,
                },
                "500" | "503" if arg.is_none() => Kind::Status(if name == "500" { 500 } else { 503 }),
                "latency" => Kind::Latency(number(arg.ok_or("latency needs milliseconds: latency=MS")?, "latency")?),
                "expired" => match arg.unwrap_or("401") {
                    "401" => Kind::Expired(401),
                    "403" => Kind::Expired(403),
                    other => return Err(format!("expired takes 401 or 403, got {other:?}")),
                },
                "lost" if arg.is_none() => Kind::Lost,
                _ => {
                    return Err(format!(
                        "unknown fault {head:?}: expected 429[=S], 500, 503, latency=MS, expired[=401|403] or lost"
                    ));
                }
            };
            let mut rule = Rule {
                kind: Kind::Lost,
                method: None,
                path: None,
                after: 0,
                times: None,
                seen: 0,
                text: text.to_string(),
            };
            for option in parts {
                let (k, v) = option.split_once('=').ok_or(format!("option {option:?} must be KEY=VALUE"))?;
                match (k.trim(), v.trim()) {
                    ("method", m) => rule.method = Some(m.to_ascii_uppercase()),
                    ("path", p) => rule.path = Some(p.to_string()),
                    ("after", n) => rule.after = number(n, "after")?,
                    ("times", n) => rule.times = Some(number(n, "times")?),
                    ("retry-after", "date") => match &mut kind {
                        Kind::RateLimited { http_date, .. } => *http_date = true,
                        _ => return Err("retry-after=date goes with 429".into()),
                    },
                    ("retry-after", "seconds") => {}
                    _ => {
                        return Err(format!(
                            "unknown option {option:?}: expected method, path, after, times or retry-after"
                        ));
                    }
                }
            }
            rule.kind = kind;
            rules.push(rule);
        }
        Ok(Faults { rules })
    }

    /// The rules as given, one per entry.
    pub fn describe(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.text.clone()).collect()
    }

    /// Decides what happens to a request (and counts it against the rules that match).
    pub fn decide(&mut self, method: &str, target: &str, now: SystemTime) -> Decision {
        let mut d = Decision::default();
        for rule in &mut self.rules {
            if rule.method.as_deref().is_some_and(|m| !m.eq_ignore_ascii_case(method))
                || rule.path.as_deref().is_some_and(|p| !target.contains(p))
            {
                continue;
            }
            rule.seen += 1;
            let index = rule.seen;
            if index <= rule.after || rule.times.is_some_and(|t| index > rule.after + t) {
                continue;
            }
            let fired = match &rule.kind {
                Kind::Latency(ms) => {
                    d.delay += Duration::from_millis(*ms);
                    true
                }
                Kind::Lost => {
                    let write = !method.eq_ignore_ascii_case("GET");
                    d.lost |= write;
                    write
                }
                _ if d.answer.is_some() => false,
                Kind::RateLimited { seconds, http_date } => {
                    d.answer = Some(rate_limited(*seconds, *http_date, now));
                    true
                }
                Kind::Status(status) => {
                    let detail = if *status == 503 { "Service Unavailable" } else { "Internal Server Error" };
                    d.answer = Some(Answer::scim_error(*status, None, detail));
                    true
                }
                Kind::Expired(status) => {
                    d.answer = Some(crate::auth::refused(*status, crate::auth::EXPIRED));
                    true
                }
            };
            if fired {
                d.fired.push(rule.text.clone());
            }
        }
        d
    }
}

fn rate_limited(seconds: u64, http_date: bool, now: SystemTime) -> Answer {
    let reset = now + Duration::from_secs(seconds);
    let since_epoch = reset.duration_since(SystemTime::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    let retry_after = if http_date { httpdate::fmt_http_date(reset) } else { seconds.to_string() };
    Answer::scim_error(429, None, "Too many requests: slow down and retry after the time given")
        .with_header("Retry-After", retry_after)
        .with_header("X-RateLimit-Limit", "0")
        .with_header("X-RateLimit-Remaining", "0")
        .with_header("X-RateLimit-Reset", timestamp(since_epoch.ceil()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_counts() {
        let mut f = Faults::parse("429=2,times=1;lost,method=POST,path=/Users;latency=5,after=1").expect("spec");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let first = f.decide("POST", "/scim/directory/d/Users", now);
        let a = first.answer.expect("429 first");
        assert_eq!(a.status, 429);
        assert_eq!(a.header("Retry-After"), Some("2"));
        assert_eq!(a.header("X-RateLimit-Reset"), Some("2023-11-14T22:13:22.000Z"));
        assert!(first.lost && first.delay.is_zero());
        let second = f.decide("POST", "/scim/directory/d/Users", now);
        assert!(second.answer.is_none() && second.lost);
        assert_eq!(second.delay, Duration::from_millis(5));
        assert!(!f.decide("GET", "/x", now).lost);
    }

    #[test]
    fn http_dates_and_errors() {
        let mut f = Faults::parse("429=30,retry-after=date").expect("spec");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let a = f.decide("GET", "/", now).answer.expect("429");
        assert_eq!(a.header("Retry-After"), Some("Tue, 14 Nov 2023 22:13:50 GMT"));
        assert!(Faults::parse("418").is_err());
        assert!(Faults::parse("latency").is_err());
        assert!(Faults::parse("500,colour=red").is_err());
        assert_eq!(Faults::parse(" ").map(|f| f.describe().len()), Ok(0));
    }
}
