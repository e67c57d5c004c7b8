//! The HTTP face: thin handlers that authenticate, apply faults, hand the request to the core's
//! `Directory`, persist what it changed and log the request. Limits are layers (`net.rs`,
//! `router`), not code here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime};

use atlscim_core::directory::{Answer, CONTENT_TYPE, Directory, timestamp};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Value, json};

use crate::faults::Faults;
use crate::log::RequestLog;
use crate::store::Store;

/// Everything the handlers share.
#[derive(Debug)]
pub struct App {
    pub directory: RwLock<Directory>,
    pub store: Option<Mutex<Store>>,
    pub token: String,
    pub faults: Mutex<Faults>,
    pub log: RequestLog,
}

/// Set by a handler to lose its answer: the connection's writes fail from then on, so the client
/// gets no answer at all (see `net.rs`).
#[derive(Debug, Clone)]
pub struct LoseAnswer(pub Arc<AtomicBool>);

pub fn now_seconds(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

impl App {
    /// Applies one request to the directory (reads in parallel, writes one at a time) and, with
    /// a store, writes what changed before the answer goes out.
    pub fn handle(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8], now: f64) -> Answer {
        if method.eq_ignore_ascii_case("GET") {
            return match self.directory.read() {
                Ok(d) => d.handle_read(target),
                Err(_) => poisoned(),
            };
        }
        let Ok(mut d) = self.directory.write() else { return poisoned() };
        let mut answer = d.handle(method, target, headers, body, now);
        if let Some(store) = &self.store
            && !answer.changes.is_empty()
        {
            let written = store
                .lock()
                .map_err(|_| "the store lock is poisoned".to_string())
                .and_then(|mut s| s.apply(&answer.changes));
            if let Err(e) = written {
                // The write is in memory but not on disk: say so rather than acknowledge it.
                return Answer::scim_error(500, None, format!("the write could not be stored: {e}"));
            }
            answer.changes.clear();
        }
        answer
    }

    pub fn reset(&self) -> Result<(), String> {
        let mut d = self.directory.write().map_err(|_| "poisoned")?;
        d.reset();
        if let Some(store) = &self.store {
            store.lock().map_err(|_| "poisoned")?.replace_all(&d)?;
        }
        Ok(())
    }
}

fn poisoned() -> Answer {
    Answer::scim_error(500, None, "the directory is unavailable after an earlier failure")
}

/// The answer as an HTTP response.
pub fn respond(answer: Answer) -> Response {
    let mut response = match &answer.body {
        Some(body) => Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default())),
        None => Response::new(Body::empty()),
    };
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in &answer.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::try_from(v.as_str())) {
            response.headers_mut().append(k, v);
        }
    }
    response
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/scim/directory/{*rest}", any(scim))
        .route("/admin/state", get(admin_state))
        .route("/admin/export", get(admin_export))
        .route("/admin/reset", post(admin_reset))
        .route("/admin/requests", get(admin_requests).delete(admin_clear_requests))
        .route("/admin/faults", get(admin_faults).put(admin_set_faults).delete(admin_clear_faults))
        .fallback(unknown_path)
        .with_state(app)
}

fn header_pairs(headers: &HeaderMap) -> Vec<(&str, &str)> {
    headers.iter().filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))).collect()
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

async fn scim(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    let now = SystemTime::now();
    let lose = request.extensions().get::<LoseAnswer>().cloned();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_string();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    let mut entry = json!({"time": timestamp(now_seconds(now)), "method": method, "path": target});
    let decision = match crate::auth::check(authorization(&parts.headers), &app.token) {
        Some(refusal) => {
            return finish(&app, entry, started, refusal, false, None);
        }
        None => app.faults.lock().map(|mut f| f.decide(&method, &target, now)).unwrap_or_default(),
    };
    if !decision.fired.is_empty() {
        entry["faults"] = json!(decision.fired);
    }
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    if let Some(answer) = decision.answer {
        return finish(&app, entry, started, answer, false, None);
    }
    // The body-limit layer makes an over-long body fail here; anything else is the client's IO.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            let answer = too_large(&e.to_string());
            return finish(&app, entry, started, answer, false, None);
        }
    };
    let headers = header_pairs(&parts.headers);
    let answer = app.handle(&method, &target, &headers, &bytes, now_seconds(now));
    let lost = decision.lost && (200..300).contains(&answer.status);
    if lost && let Some(LoseAnswer(flag)) = &lose {
        flag.store(true, Ordering::SeqCst);
    }
    finish(&app, entry, started, answer, lost, Some(&bytes))
}

fn too_large(why: &str) -> Answer {
    if why.contains("length limit") {
        Answer::scim_error(413, None, "The request body is too large")
    } else {
        Answer::scim_error(400, Some("invalidSyntax"), format!("the request body could not be read: {why}"))
    }
}

fn finish(app: &App, mut entry: Value, started: Instant, answer: Answer, lost: bool, body: Option<&Bytes>) -> Response {
    entry["status"] = json!(answer.status);
    entry["ms"] = json!((started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0);
    if lost {
        entry["lost"] = json!(true);
    }
    if let Some(b) = body.filter(|b| !b.is_empty() && b.len() <= 64 * 1024) {
        entry["body"] =
            serde_json::from_slice(b).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()));
    }
    app.log.push(entry);
    respond(answer)
}

async fn unknown_path(request: Request) -> Response {
    let path = request.uri().path().to_string();
    respond(Answer::scim_error(
        404,
        None,
        format!("{path} is not a path of this server: SCIM is under /scim/directory/{{directoryId}}"),
    ))
}

/// The admin surface takes the same bearer token.
fn admin_auth(app: &App, headers: &HeaderMap) -> Option<Response> {
    crate::auth::check(authorization(headers), &app.token).map(respond)
}

async fn admin_state(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    let Ok(d) = app.directory.read() else { return respond(poisoned()) };
    let consistency = match d.consistency() {
        Ok(()) => Value::String("ok".into()),
        Err(e) => Value::String(e),
    };
    let body = json!({"directoryId": d.directory_id(), "baseUrl": d.base_url(), "users": d.users(), "groups": d.groups(), "consistency": consistency});
    respond(Answer::json(200, body))
}

async fn admin_export(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    let Ok(d) = app.directory.read() else { return respond(poisoned()) };
    let mut out = Vec::new();
    if let Err(e) = d.export_ndjson(&mut out) {
        return respond(Answer::scim_error(500, None, e.to_string()));
    }
    ([(header::CONTENT_TYPE, "application/x-ndjson")], out).into_response()
}

async fn admin_reset(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    match app.reset() {
        Ok(()) => respond(Answer::no_content()),
        Err(e) => respond(Answer::scim_error(500, None, e)),
    }
}

async fn admin_requests(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    let mut out = String::new();
    for e in app.log.entries() {
        out.push_str(&e.to_string());
        out.push('\n');
    }
    ([(header::CONTENT_TYPE, "application/x-ndjson")], out).into_response()
}

async fn admin_clear_requests(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    app.log.clear();
    respond(Answer::no_content())
}

async fn admin_faults(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    let rules = app.faults.lock().map(|f| f.describe()).unwrap_or_default();
    respond(Answer::json(200, json!({"faults": rules})))
}

/// PUT /admin/faults with a spec as the body (text, see `faults.rs`): replaces the faults.
async fn admin_set_faults(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    let spec = String::from_utf8_lossy(&body);
    match Faults::parse(&spec) {
        Ok(f) => {
            let rules = f.describe();
            if let Ok(mut current) = app.faults.lock() {
                *current = f;
            }
            respond(Answer::json(200, json!({"faults": rules})))
        }
        Err(e) => respond(Answer::scim_error(400, Some("invalidValue"), e)),
    }
}

async fn admin_clear_faults(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(r) = admin_auth(&app, &headers) {
        return r;
    }
    if let Ok(mut f) = app.faults.lock() {
        *f = Faults::default();
    }
    respond(Answer::no_content())
}

/// Gives bare answers from the limit layers (413 from the body limit, 408 from the request
/// timeout) Atlassian's SCIM Error shape.
pub fn shape_bare_errors(response: Response) -> Response {
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let detail = match status.as_u16() {
        413 => "The request body is too large".to_string(),
        408 => "The request took too long".to_string(),
        s => status.canonical_reason().map_or_else(|| format!("HTTP {s}"), str::to_string),
    };
    let mut shaped = respond(Answer::scim_error(status.as_u16(), None, detail));
    if let Ok(v) = HeaderValue::from_str(CONTENT_TYPE) {
        shaped.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    shaped
}
