//! Server-wide state: the sandboxes (each behind its own lock), the index that
//! maps an access token to its sandbox, and the server configuration.
//!
//! Lock order: the token index is never held while a sandbox lock is taken;
//! a sandbox lock may be held while the index is updated.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::changes::Changes;
use super::error::GraphError;
use super::versions::VersionPolicy;
use super::webhooks::reach;
use crate::world::clock::ClockMode;
use crate::world::fixture::{Fixture, shared_demo_fixture};
use crate::world::retention::Retention;
use crate::world::sandbox::{Delivery, Sandbox, SandboxOptions};
use crate::world::whatsapp::devices::DeviceSettings;
use crate::world::whatsapp::messaging::MessagingLimits;
use crate::world::whatsapp::templates::lifecycle::TemplateReview;

/// Largest request body metasim reads (bigger ones get a Meta-shaped 413).
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// How long a client has to send a request's headers (unless configured).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest snapshot metasim exports, and so imports (`PUT …/snapshot`).
pub const DEFAULT_SNAPSHOT_LIMIT: usize = 1024 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub versions: VersionPolicy,
    pub body_limit: usize,
    /// The largest snapshot exported and imported: an export that would be
    /// larger is refused, so whatever was exported can be imported back.
    pub snapshot_limit: usize,
    /// The token every control-plane request must carry (`--admin-token`);
    /// none: the control plane answers loopback host names only.
    pub admin_token: Option<String>,
    /// Host names the control plane answers besides loopback ones (`*`: any).
    pub allowed_hosts: Vec<String>,
    /// The only hosts webhooks and handshakes may reach (`--webhook-host`);
    /// none: any host.
    pub webhook_hosts: Option<Vec<String>>,
    /// How long a client has to send a request's headers.
    pub header_timeout: Duration,
    /// How long a client has to send a request's body.
    pub body_timeout: Duration,
    /// The retention of sandboxes created without one (`--retain-*`).
    pub retention: Retention,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            versions: VersionPolicy::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            snapshot_limit: DEFAULT_SNAPSHOT_LIMIT,
            admin_token: None,
            allowed_hosts: Vec::new(),
            webhook_hosts: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: Duration::from_secs(60),
            retention: Retention::default(),
        }
    }
}

pub type SharedSandbox = Arc<Mutex<Sandbox>>;

/// Lock a sandbox. A poisoned lock still holds consistent data (world calls
/// do not panic half-way), so it is used as is.
pub fn lock(sandbox: &SharedSandbox) -> MutexGuard<'_, Sandbox> {
    sandbox
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn wall_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Which sandbox holds each token (looked up on every Graph call), and the
/// tokens of each sandbox. Seeded per process; nothing iterates it.
#[derive(Default)]
struct TokenIndex {
    by_token: HashMap<String, String, foldhash::fast::RandomState>,
    by_sandbox: HashMap<String, Vec<String>, foldhash::fast::RandomState>,
}

struct Inner {
    config: ServerConfig,
    sandboxes: RwLock<BTreeMap<String, SharedSandbox>>,
    tokens: RwLock<TokenIndex>,
    next_id: AtomicU64,
    /// One keep-alive HTTP client for every webhook delivery and handshake,
    /// built on first use (building it loads TLS roots: not on the start path).
    http: std::sync::OnceLock<reqwest::Client>,
    /// Sandboxes whose outbox is being flushed right now (one flush at a time keeps order).
    flushing: Mutex<std::collections::HashSet<String>>,
    /// Change signals for live views (the stream route).
    changes: Changes,
}

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// What the control plane accepts to create a sandbox.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSandbox {
    /// Name the sandbox (letters, digits, `-`, `_`); generated otherwise.
    pub id: Option<String>,
    pub seed: Option<u64>,
    pub fixture: Option<Fixture>,
    pub delivery: Option<Delivery>,
    pub clock: Option<ClockMode>,
    pub journal_limit: Option<usize>,
    /// WhatsApp throughput and pair limits (defaults: 80/s, bursts of 20 then one per 6 s).
    pub messaging_limits: Option<MessagingLimits>,
    /// How templates are reviewed (default: approved 60 virtual seconds after submission).
    pub template_review: Option<TemplateReview>,
    /// How long WhatsApp devices may stay unused (defaults: 14 days for the
    /// primary, 30 for a companion).
    pub devices: Option<DeviceSettings>,
    /// How much of what grows with use is kept (default: the server's, see `--retain-*`).
    pub retention: Option<Retention>,
}

/// What a test needs to use a sandbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SandboxInfo {
    pub id: String,
    pub seed: u64,
    pub handles: BTreeMap<String, String>,
    pub tokens: BTreeMap<String, String>,
    pub app_secrets: BTreeMap<String, String>,
}

impl SandboxInfo {
    pub fn of(sandbox: &Sandbox) -> Self {
        Self {
            id: sandbox.id.clone(),
            seed: sandbox.seed,
            handles: sandbox.handles.clone(),
            tokens: sandbox.token_handles.clone(),
            app_secrets: sandbox.app_secrets(),
        }
    }
}

fn valid_sandbox_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl AppState {
    pub fn new(config: ServerConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                sandboxes: RwLock::new(BTreeMap::new()),
                tokens: RwLock::new(TokenIndex::default()),
                next_id: AtomicU64::new(1),
                http: std::sync::OnceLock::new(),
                flushing: Mutex::new(std::collections::HashSet::new()),
                changes: Changes::default(),
            }),
        }
    }

    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    pub fn changes(&self) -> &Changes {
        &self.inner.changes
    }

    pub fn http(&self) -> &reqwest::Client {
        self.inner.http.get_or_init(|| {
            // A redirect may lead only where a webhook may go.
            let allowed = self.inner.config.webhook_hosts.clone();
            let redirects =
                reqwest::redirect::Policy::custom(move |attempt| {
                    match reach::refusal(allowed.as_deref(), attempt.url().as_str()) {
                        Some(refused) => attempt.error(refused),
                        None if attempt.previous().len() >= 10 => attempt.stop(),
                        None => attempt.follow(),
                    }
                });
            reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(32)
                .redirect(redirects)
                .build()
                .unwrap_or_default()
        })
    }

    /// Claim the right to flush a sandbox's outbox; false if a flush is running.
    pub fn begin_flush(&self, sid: &str) -> bool {
        self.inner
            .flushing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(sid.to_owned())
    }

    pub fn end_flush(&self, sid: &str) {
        self.inner
            .flushing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(sid);
    }

    pub fn create_sandbox(&self, request: CreateSandbox) -> Result<SandboxInfo, GraphError> {
        let id = match request.id {
            Some(id) if !valid_sandbox_id(&id) => {
                return Err(GraphError::sim_invalid(
                    "id: use 1 to 64 letters, digits, '-' or '_'",
                ));
            }
            Some(id) => id,
            None => loop {
                let candidate = format!(
                    "sandbox-{}",
                    self.inner.next_id.fetch_add(1, Ordering::Relaxed)
                );
                if self.sandbox(&candidate).is_none() {
                    break candidate;
                }
            },
        };
        let defaults = SandboxOptions::default();
        let options = SandboxOptions {
            delivery: request.delivery.unwrap_or(defaults.delivery),
            clock: request.clock.unwrap_or(defaults.clock),
            journal_limit: request.journal_limit.unwrap_or(defaults.journal_limit),
            messaging_limits: request
                .messaging_limits
                .unwrap_or(defaults.messaging_limits),
            template_review: request.template_review.unwrap_or(defaults.template_review),
            devices: request.devices.unwrap_or(defaults.devices),
            retention: request.retention.unwrap_or(self.config().retention),
        };
        options
            .check()
            .map_err(|refused| GraphError::sim_invalid(refused.message))?;
        let fixture = request.fixture.map_or_else(shared_demo_fixture, Arc::new);
        let sandbox = Sandbox::create(&id, request.seed.unwrap_or(0), options, fixture, wall_now())
            .map_err(|e| GraphError::sim_invalid(format!("fixture.{e}")))?;
        let info = SandboxInfo::of(&sandbox);
        let mut sandboxes = self
            .inner
            .sandboxes
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if sandboxes.contains_key(&id) {
            return Err(GraphError::sim_conflict(format!(
                "A sandbox with id {id:?} already exists"
            )));
        }
        self.check_token_conflicts(&sandbox)?;
        self.reindex_tokens(&sandbox);
        sandboxes.insert(id, Arc::new(Mutex::new(sandbox)));
        Ok(info)
    }

    pub fn sandbox(&self, id: &str) -> Option<SharedSandbox> {
        self.inner
            .sandboxes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Every sandbox, by id.
    pub fn sandboxes(&self) -> Vec<SharedSandbox> {
        self.inner
            .sandboxes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Every sandbox with its id, by id.
    pub fn sandboxes_by_id(&self) -> Vec<(String, SharedSandbox)> {
        self.inner
            .sandboxes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(id, sandbox)| (id.clone(), sandbox.clone()))
            .collect()
    }

    pub fn delete_sandbox(&self, id: &str) -> bool {
        let removed = self
            .inner
            .sandboxes
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        if removed.is_some() {
            self.inner.changes.replaced(id);
            let mut index = self.inner.tokens.write().unwrap_or_else(|p| p.into_inner());
            for token in index.by_sandbox.remove(id).unwrap_or_default() {
                index.by_token.remove(&token);
            }
        }
        removed.is_some()
    }

    /// Refuse a sandbox state whose tokens belong to another live sandbox.
    pub fn check_token_conflicts(&self, sandbox: &Sandbox) -> Result<(), GraphError> {
        let index = self.inner.tokens.read().unwrap_or_else(|p| p.into_inner());
        for token in sandbox.tokens.keys() {
            if let Some(owner) = index.by_token.get(token)
                && *owner != sandbox.id
            {
                return Err(GraphError::sim_conflict(format!(
                    "A token of this state belongs to the live sandbox {owner:?}; delete it or use another seed"
                )));
            }
        }
        Ok(())
    }

    /// Keep the token index in step after a call: tokens are only ever added
    /// between resets and restores, so an unchanged count means nothing to do.
    pub fn index_tokens(&self, sandbox: &Sandbox) {
        let known = {
            let index = self.inner.tokens.read().unwrap_or_else(|p| p.into_inner());
            index.by_sandbox.get(&sandbox.id).map_or(0, Vec::len)
        };
        if known != sandbox.tokens.len() {
            self.reindex_tokens(sandbox);
        }
    }

    /// Rebuild a sandbox's part of the token index (after create, reset, restore).
    pub fn reindex_tokens(&self, sandbox: &Sandbox) {
        let mut index = self.inner.tokens.write().unwrap_or_else(|p| p.into_inner());
        for token in index.by_sandbox.remove(&sandbox.id).unwrap_or_default() {
            index.by_token.remove(&token);
        }
        let tokens: Vec<String> = sandbox.tokens.keys().cloned().collect();
        for token in &tokens {
            index.by_token.insert(token.clone(), sandbox.id.clone());
        }
        index.by_sandbox.insert(sandbox.id.clone(), tokens);
    }

    pub fn sandbox_for_token(&self, token: &str) -> Option<SharedSandbox> {
        let id = self
            .inner
            .tokens
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .by_token
            .get(token)
            .cloned()?;
        self.sandbox(&id)
    }
}
