//! metasim: an offline, in-memory, deterministic simulator of Meta's business
//! platform — the Graph API, the WhatsApp Cloud API, Facebook Pages and
//! Messenger, Instagram. Point an integration's Graph base URL at it.
//!
//! Add it to a Rust project's tests (`[dev-dependencies] metasim = { path =
//! "…/simulator" }` or `{ git = "…" }`), then start it in-process, the way
//! wiremock's `MockServer::start()` works:
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = metasim::Simulator::start().await?; // 127.0.0.1:<free port>, stops on drop
//! let sandbox = sim.create_sandbox(metasim::CreateSandbox { seed: Some(7), ..Default::default() })?;
//! let token = &sandbox.tokens["system_user_token"];
//! let phone_number_id = &sandbox.handles["phone_number"];
//! let url = format!("{}/v23.0/{phone_number_id}", sim.url());
//! // GET `url` with `Authorization: Bearer {token}`, as an SDK would.
//! # assert!(url.starts_with("http://127.0.0.1:") && !token.is_empty());
//! # Ok(()) }
//! ```
//!
//! What the crate offers, re-exported here:
//! - [`Simulator`] — a server in-process; [`Simulator::start_intercepting`]
//!   also answers as `https://graph.facebook.com` (docs/https.md).
//! - [`CreateSandbox`], [`SandboxInfo`] — what `POST /_sim/sandboxes` takes
//!   and gives; [`Fixture`] and [`demo_fixture`] for a sandbox's contents;
//!   [`Delivery`] and [`ClockMode`] for its webhook and clock modes.
//! - [`ServerConfig`], [`VersionPolicy`], [`Version`], [`UnversionedMode`] —
//!   server settings.
//! - [`GraphError`] (Meta's error envelope) and [`FixtureError`]; both
//!   implement `std::error::Error`.
//! - [`scenario`] — run scenario files ([`scenario::Suite`]) as `metasim run`
//!   does.
//!
//! The modules below are public for the project's own tests and tools; their
//! layout may change, the re-exports stay.

pub mod api;
pub mod connections;
mod errors;
pub mod home;
pub mod intercept;
pub mod scenario;
pub mod server;
pub mod snapshots;
pub mod state_dir;
pub mod world;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use api::error::GraphError;
pub use api::state::{AppState, CreateSandbox, SandboxInfo, ServerConfig};
pub use api::versions::{UnversionedMode, Version, VersionPolicy};
pub use world::clock::ClockMode;
pub use world::fixture::{DEMO_FIXTURE_JSON, Fixture, FixtureError, demo_fixture};
pub use world::sandbox::Delivery;

/// The README's examples, compiled and run as doctests (`cargo test --doc`).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The id of the sandbox `metasim serve` starts with.
pub const DEFAULT_SANDBOX: &str = "default";

/// A running metasim on 127.0.0.1 with an OS-chosen port; shuts down on drop.
pub struct Simulator {
    url: String,
    state: AppState,
    https: Option<HttpsEndpoint>,
    shutdown: Option<oneshot::Sender<()>>,
}

/// Where an intercepting [`Simulator`] answers as Meta's hosts.
struct HttpsEndpoint {
    tls_port: std::net::SocketAddr,
    ca_certificate: std::path::PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Simulator {
    /// Start with the default configuration and a `default` demo sandbox (seed 0).
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(ServerConfig::default()).await
    }

    pub async fn start_with(config: ServerConfig) -> std::io::Result<Self> {
        Self::launch(config, None).await
    }

    /// Start as [`Simulator::start_with`] does, also answering as Meta's hosts
    /// over HTTPS (as `metasim serve --https`): [`Simulator::url`] is then an
    /// HTTPS proxy for them, and [`Simulator::tls_port`] a TLS port; the
    /// certificates come from the CA kept in `ca_dir` (made if missing).
    pub async fn start_intercepting(
        config: ServerConfig,
        ca_dir: &std::path::Path,
    ) -> std::io::Result<Self> {
        let interception =
            intercept::Interception::prepare(ca_dir).map_err(std::io::Error::other)?;
        Self::launch(config, Some(interception)).await
    }

    async fn launch(
        config: ServerConfig,
        interception: Option<intercept::Interception>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = AppState::new(config);
        state
            .create_sandbox(CreateSandbox {
                id: Some(DEFAULT_SANDBOX.into()),
                ..Default::default()
            })
            .map_err(|e| std::io::Error::other(e.message.clone()))?;
        let mut app = server::router(state.clone());
        let mut https = None;
        if let Some(interception) = interception {
            let tls_listener = TcpListener::bind("127.0.0.1:0").await?;
            let tls_port = tls_listener.local_addr()?;
            let serving = interception.clone();
            let plain = app.clone();
            let task = tokio::spawn(async move {
                serving.serve_tls_port(tls_listener, plain).await;
            });
            https = Some(HttpsEndpoint {
                tls_port,
                ca_certificate: interception.ca_certificate(),
                task,
            });
            app = interception.proxy(app);
        }
        let (tx, rx) = oneshot::channel::<()>();
        let serving = state.clone();
        tokio::spawn(async move {
            let _ = server::serve_app(listener, serving, app, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(Self {
            url,
            state,
            https,
            shutdown: Some(tx),
        })
    }

    /// The TLS port answering as Meta's hosts (intercepting simulators only).
    pub fn tls_port(&self) -> Option<std::net::SocketAddr> {
        self.https.as_ref().map(|https| https.tls_port)
    }

    /// The CA certificate (PEM file) clients trust (intercepting simulators only).
    pub fn ca_certificate(&self) -> Option<&std::path::Path> {
        self.https
            .as_ref()
            .map(|https| https.ca_certificate.as_path())
    }

    /// The variables a child process needs to reach this simulator as
    /// Meta's hosts through its proxy (what `metasim serve --https` prints):
    /// `HTTPS_PROXY`, the trust variables, Node's preload. Empty unless
    /// intercepting.
    pub fn https_exports(&self) -> Vec<(&'static str, String)> {
        self.https.as_ref().map_or_else(Vec::new, |https| {
            intercept::banner::exports(&self.url, &https.ca_certificate).concat()
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:54321` (use it as the Graph base URL).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Create a sandbox directly (same as `POST /_sim/sandboxes`).
    pub fn create_sandbox(
        &self,
        request: CreateSandbox,
    ) -> Result<SandboxInfo, api::error::GraphError> {
        self.state.create_sandbox(request)
    }

    /// Ids, tokens and secrets of an existing sandbox.
    pub fn sandbox(&self, id: &str) -> Option<SandboxInfo> {
        self.state
            .sandbox(id)
            .map(|shared| SandboxInfo::of(&api::state::lock(&shared)))
    }

    /// Run `change` on a sandbox's world under its lock, as one call would —
    /// for in-process tools that build large worlds fast (the benchmark fills
    /// a sandbox with a million messages this way). Nothing of HTTP runs: no
    /// journal entry, no webhook delivery until the next call flushes them.
    pub fn with_sandbox<R>(
        &self,
        id: &str,
        change: impl FnOnce(&mut world::sandbox::Sandbox) -> R,
    ) -> Option<R> {
        let shared = self.state.sandbox(id)?;
        let mut sandbox = api::state::lock(&shared);
        Some(change(&mut sandbox))
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(https) = &self.https {
            https.task.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
