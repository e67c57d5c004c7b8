//! `atlscim serve`: a local SCIM endpoint that answers as Atlassian's provisioning API does.
//!
//! The state and every answer come from atlscim-core's [`Directory`] (sans-IO); this crate is
//! its HTTP face: routes under `/scim/directory/{directoryId}`, a bearer token, limits as
//! layers, a request log, faults on demand, a small admin surface (`/admin/…`) for tests, and
//! `--db` persistence in SQLite. It is its own crate so that the C library and the core link
//! none of it (tokio, hyper, SQLite).
//!
//! [`Server::start`] runs it in-process on its own threads (the Python, C and Go test helpers use
//! it); [`run_until_signal`] is `atlscim serve`.

mod app;
mod auth;
mod cli;
pub mod faults;
mod log;
mod net;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;

use atlscim_core::Profile;
use atlscim_core::directory::{Directory, IdSource, SeededIds, uuid_v4};
use serde_json::Value;
use tokio::sync::watch;

pub use cli::ServeArgs;
pub use faults::Faults;
pub use net::Limits;
pub use store::Store;

use app::App;

/// The directory id `serve` uses when none is given.
pub const DEFAULT_DIRECTORY_ID: &str = "00000000-0000-4000-8000-00000000a71a";

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen (default 127.0.0.1:0 for in-process servers, 127.0.0.1:8080 for `serve`).
    pub addr: SocketAddr,
    pub directory_id: String,
    /// The bearer token; a random one when `None`.
    pub token: Option<String>,
    pub profile: Profile,
    /// SQLite file to keep the state in.
    pub db: Option<PathBuf>,
    /// NDJSON export to start from (when the store is empty).
    pub seed: Option<PathBuf>,
    /// Fault spec (see [`faults`]).
    pub faults: Option<String>,
    pub request_log: Option<PathBuf>,
    /// Ids from a seed instead of the operating system (reproducible tests).
    pub id_seed: Option<u64>,
    pub limits: Limits,
    /// Worker threads of the runtime.
    pub threads: usize,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            directory_id: DEFAULT_DIRECTORY_ID.to_string(),
            token: None,
            profile: Profile::atlassian(),
            db: None,
            seed: None,
            faults: None,
            request_log: None,
            id_seed: None,
            limits: Limits::default(),
            threads: 2,
        }
    }
}

impl ServerConfig {
    /// A config from JSON, as the Python, C and Go helpers pass it: `{"addr", "directory_id",
    /// "token", "config" (the profile config), "db", "seed", "faults", "request_log", "id_seed",
    /// "threads"}`, every key optional; an unknown key is an error naming it.
    pub fn from_json(value: &Value) -> Result<ServerConfig, String> {
        let Value::Object(m) = value else { return Err("the server config must be a JSON object".into()) };
        let mut c = ServerConfig::default();
        let text =
            |k: &str, v: &Value| v.as_str().map(str::to_string).ok_or(format!("server config `{k}` must be a string"));
        for (k, v) in m {
            if v.is_null() {
                continue;
            }
            match k.as_str() {
                "addr" => c.addr = text(k, v)?.parse().map_err(|e| format!("server config `addr`: {e}"))?,
                "directory_id" => c.directory_id = text(k, v)?,
                "token" => c.token = Some(text(k, v)?),
                "config" => c.profile = Profile::from_config(v).map_err(|e| e.to_string())?,
                "db" => c.db = Some(text(k, v)?.into()),
                "seed" => c.seed = Some(text(k, v)?.into()),
                "faults" => c.faults = Some(text(k, v)?),
                "request_log" => c.request_log = Some(text(k, v)?.into()),
                "id_seed" => c.id_seed = Some(v.as_u64().ok_or("server config `id_seed` must be a whole number")?),
                "threads" => {
                    c.threads =
                        v.as_u64().filter(|n| (1..=64).contains(n)).ok_or("server config `threads` must be 1 to 64")?
                            as usize
                }
                _ => {
                    return Err(format!(
                        "unknown server config key `{k}`; expected addr, directory_id, token, config, db, seed, faults, request_log, id_seed, threads"
                    ));
                }
            }
        }
        c.limits.max_body_bytes = c.profile.limits().max_body_bytes;
        Ok(c)
    }
}

/// Random UUID v4 ids from the operating system.
#[derive(Debug)]
struct RandomIds;

impl IdSource for RandomIds {
    fn next_id(&mut self) -> String {
        let mut b = [0u8; 16];
        if getrandom::fill(&mut b).is_err() {
            // Never reached on supported platforms; the clock keeps ids distinct if it is.
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            b = t.to_le_bytes();
        }
        let (hi, lo) = b.split_at(8);
        let word = |s: &[u8]| s.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
        uuid_v4(word(hi), word(lo))
    }
}

/// Builds the shared state: the directory (from the store, or the seed), the store, the faults.
fn build(config: &ServerConfig, base_url: &str) -> Result<(App, String), String> {
    let ids: Box<dyn IdSource> = match config.id_seed {
        Some(seed) => Box::new(SeededIds::new(seed)),
        None => Box::new(RandomIds),
    };
    let mut directory = Directory::new(config.profile.clone(), &config.directory_id, ids).with_base_url(base_url);
    let mut store = config.db.as_deref().map(|p| Store::open(p, &config.directory_id)).transpose()?;
    let seed = |d: &mut Directory| -> Result<(), String> {
        if let Some(path) = &config.seed {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            d.load_ndjson(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    };
    match &mut store {
        Some(s) if !s.is_empty()? => {
            s.load_into(&mut directory)?;
        }
        Some(s) => {
            seed(&mut directory)?;
            s.replace_all(&directory)?;
        }
        None => seed(&mut directory)?,
    }
    directory.record_changes(store.is_some());
    let token = match &config.token {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        Some(_) => return Err("the token must not be empty".into()),
        None => auth::generate_token()?,
    };
    let faults = Faults::parse(config.faults.as_deref().unwrap_or(""))?;
    let log = log::RequestLog::new(config.request_log.as_deref())?;
    let app = App {
        directory: RwLock::new(directory),
        store: store.map(Mutex::new),
        token: token.clone(),
        faults: Mutex::new(faults),
        log,
    };
    Ok((app, token))
}

/// The HTTP service one connection gets — routes, handlers and the limit layers — without a
/// listener, and its token: for the HTTP fuzz target (fuzz/fuzz_targets/http.rs), which sends it
/// requests directly. `base_url` is what `meta.location` uses.
pub fn service(config: &ServerConfig, base_url: &str) -> Result<(axum::Router, String), String> {
    let directory_url = format!("{}/scim/directory/{}", base_url.trim_end_matches('/'), config.directory_id);
    let (app, token) = build(config, &directory_url)?;
    Ok((net::service(app::router(Arc::new(app)), &config.limits), token))
}

/// A server running in-process on its own threads; stops when dropped.
#[derive(Debug)]
pub struct Server {
    url: String,
    directory_url: String,
    token: String,
    app: Arc<App>,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds the address (port 0 picks a free one) and starts serving before returning.
    pub fn start(config: ServerConfig) -> Result<Server, String> {
        let listener = std::net::TcpListener::bind(config.addr).map_err(|e| format!("{}: {e}", config.addr))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{addr}");
        let directory_url = format!("{url}/scim/directory/{}", config.directory_id);
        let (app, token) = build(&config, &directory_url)?;
        let app = Arc::new(app);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.threads.max(1))
            .thread_name("atlscim-serve")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let (tx, rx) = watch::channel(false);
        let router = net::service(app::router(app.clone()), &config.limits);
        let limits = config.limits.clone();
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?
        };
        let thread = std::thread::Builder::new()
            .name("atlscim-serve".into())
            .spawn(move || runtime.block_on(net::serve(listener, router, limits, rx)))
            .map_err(|e| e.to_string())?;
        Ok(Server { url, directory_url, token, app, shutdown: Some(tx), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SCIM base URL a connector is given: `http://127.0.0.1:PORT/scim/directory/{id}`.
    pub fn directory_url(&self) -> &str {
        &self.directory_url
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Every user, as GET answers it.
    pub fn users(&self) -> Vec<Value> {
        self.app.directory.read().map(|d| d.users()).unwrap_or_default()
    }

    pub fn groups(&self) -> Vec<Value> {
        self.app.directory.read().map(|d| d.groups()).unwrap_or_default()
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<Value> {
        self.app.log.entries()
    }

    /// Empties the directory (and the store) and the request log.
    pub fn reset(&self) -> Result<(), String> {
        self.app.log.clear();
        self.app.reset()
    }

    /// Replaces the faults in force.
    pub fn set_faults(&self, spec: &str) -> Result<(), String> {
        let f = Faults::parse(spec)?;
        *self.app.faults.lock().map_err(|_| "poisoned")? = f;
        Ok(())
    }

    /// Whether the directory's indexes match its records.
    pub fn consistency(&self) -> Result<(), String> {
        self.app.directory.read().map_err(|_| "poisoned".to_string())?.consistency()
    }

    /// Stops accepting, closes connections and waits for the threads.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// `atlscim serve`: starts, prints where and with which token, and serves until Ctrl-C or
/// SIGTERM.
pub fn run_until_signal(config: ServerConfig) -> Result<(), String> {
    let generated = config.token.is_none();
    let server = Server::start(config)?;
    println!("atlscim serve: {}", server.directory_url());
    if generated {
        println!("token: {}   (generated; pass --token to choose one)", server.token());
    } else {
        println!("token: as given with --token");
    }
    println!("admin: {}/admin/state, /admin/requests, /admin/reset, /admin/faults (same token)", server.url());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    })?;
    server.stop();
    Ok(())
}
