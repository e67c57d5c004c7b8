//! The flags of `atlscim serve` (the CLI crate mounts them as its `serve` subcommand).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use atlscim_core::Profile;

use crate::{DEFAULT_DIRECTORY_ID, Limits, ServerConfig};

/// Serve a local SCIM endpoint that answers as Atlassian's user provisioning API does.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Where to listen. Loopback unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The directory id in the base URL /scim/directory/{id}.
    #[arg(long = "directory-id", default_value = DEFAULT_DIRECTORY_ID)]
    pub directory_id: String,
    /// The bearer token clients must send; a random one is generated and printed when absent.
    #[arg(long)]
    pub token: Option<String>,
    /// Profile config file (JSON, the config every binding takes: verified_domains, limits, …).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keep the state in this SQLite file (WAL), so a restarted server has every acknowledged write.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Start from this NDJSON export (when the store is empty).
    #[arg(long, value_name = "EXPORT.ndjson")]
    pub seed: Option<PathBuf>,
    /// Faults on demand, e.g. '429=2,times=1;lost,method=POST;latency=20' (docs/server.md).
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Append every request to this NDJSON file.
    #[arg(long = "request-log", value_name = "FILE")]
    pub request_log: Option<PathBuf>,
    /// Most open connections at once.
    #[arg(long = "max-connections", default_value_t = 1024)]
    pub max_connections: usize,
    /// Seconds a client has to send its request head (slow clients are cut off).
    #[arg(long = "header-timeout", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a whole request may take (408 beyond).
    #[arg(long = "request-timeout", default_value_t = 30)]
    pub request_timeout: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Ids from this seed instead of random ones (reproducible tests).
    #[arg(long = "id-seed", hide = true)]
    pub id_seed: Option<u64>,
}

impl ServeArgs {
    pub fn into_config(self) -> Result<ServerConfig, String> {
        let profile = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
                Profile::from_config_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => Profile::atlassian(),
        };
        let limits = Limits {
            max_body_bytes: profile.limits().max_body_bytes,
            max_connections: self.max_connections,
            header_timeout: Duration::from_secs(self.header_timeout.max(1)),
            request_timeout: Duration::from_secs(self.request_timeout.max(1)),
            ..Limits::default()
        };
        Ok(ServerConfig {
            addr: self.addr,
            directory_id: self.directory_id,
            token: self.token,
            profile,
            db: self.db,
            seed: self.seed,
            faults: self.faults,
            request_log: self.request_log,
            id_seed: self.id_seed,
            limits,
            threads: self.threads.max(1),
        })
    }
}
