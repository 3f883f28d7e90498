//! One isolated tenant: its seed, clock, id generator, id registry and
//! tokens, one state struct per product (`accounts`, `pages`, `instagram`,
//! `whatsapp`, `messenger`), the links between products, webhooks and events, the request
//! journal, fault rules and usage counters.
//!
//! A sandbox is built from a [`Fixture`]; `reset` rebuilds it from the same
//! fixture, seed and clock start. The whole struct serializes to the snapshot
//! format, so export → import → export is byte-identical and a restored
//! sandbox continues with the same next ids and the same clock.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::accounts::AccountsState;
use super::auth::AccessToken;
use super::bounds::in_range;
use super::clock::{Clock, ClockMode, DEFAULT_START, parse_instant};
use super::events::EventLog;
use super::faults::Faults;
use super::fixture::{Fixture, FixtureError};
use super::ids::IdGenerator;
use super::instagram::InstagramState;
use super::journal::{DEFAULT_JOURNAL_LIMIT, Journal, MAX_JOURNAL_LIMIT};
use super::links::Links;
use super::messenger::MessengerState;
use super::nodes::NodeKind;
use super::pages::PagesState;
use super::retention::Retention;
use super::shared::Invalid;
use super::usage::Usage;
use super::webhooks::handshakes::PendingHandshake;
use super::webhooks::outbox::WebhookState;
use super::whatsapp::WhatsappState;
use super::whatsapp::devices::DeviceSettings;
use super::whatsapp::messaging::MessagingLimits;
use super::whatsapp::templates::lifecycle::TemplateReview;

/// How webhooks leave the sandbox (the delivery engine reads this).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    #[default]
    Manual,
    Auto,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SandboxOptions {
    #[serde(default)]
    pub delivery: Delivery,
    #[serde(default)]
    pub clock: ClockMode,
    #[serde(default = "default_journal_limit")]
    pub journal_limit: usize,
    #[serde(default)]
    pub messaging_limits: MessagingLimits,
    #[serde(default)]
    pub template_review: TemplateReview,
    /// How long WhatsApp devices may stay unused.
    #[serde(default)]
    pub devices: DeviceSettings,
    /// How much of what grows with use is kept (events, messages, delivery bodies).
    #[serde(default)]
    pub retention: Retention,
}

fn default_journal_limit() -> usize {
    DEFAULT_JOURNAL_LIMIT
}

impl SandboxOptions {
    /// Refuse options out of range; the message names the field and its bounds.
    pub fn check(&self) -> Result<(), Invalid> {
        in_range("journal_limit", self.journal_limit, 1, MAX_JOURNAL_LIMIT)?;
        self.messaging_limits.check()?;
        self.retention.check()?;
        self.template_review.check()
    }
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            delivery: Delivery::Manual,
            clock: ClockMode::Virtual,
            journal_limit: DEFAULT_JOURNAL_LIMIT,
            messaging_limits: MessagingLimits::default(),
            template_review: TemplateReview::default(),
            devices: DeviceSettings::default(),
            retention: Retention::default(),
        }
    }
}

/// The version of the snapshot format (`GET …/snapshot`); a snapshot of
/// another version is refused with a message naming both.
pub const SNAPSHOT_FORMAT: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sandbox {
    pub id: String,
    pub seed: u64,
    pub options: SandboxOptions,
    /// The fixture the sandbox was built from (what `reset` rebuilds),
    /// shared: every demo sandbox holds the same one.
    pub fixture: Arc<Fixture>,
    pub clock: Clock,
    pub ids: IdGenerator,
    /// id -> kind, for every Graph node of the sandbox.
    pub registry: BTreeMap<String, NodeKind>,
    /// fixture handle -> id (phone digits for consumers).
    pub handles: BTreeMap<String, String>,
    /// fixture token handle -> token string.
    pub token_handles: BTreeMap<String, String>,
    /// token string -> token (shared, so a call holds its token without copying it).
    pub tokens: BTreeMap<String, Arc<AccessToken>>,
    /// Facebook users, business portfolios, system users and apps.
    pub accounts: AccountsState,
    pub pages: PagesState,
    pub instagram: InstagramState,
    pub whatsapp: WhatsappState,
    /// Messenger: conversations, page-scoped ids, Messenger profiles.
    #[serde(default)]
    pub messenger: MessengerState,
    /// Links made in Meta's apps (WhatsApp number ↔ Facebook Page).
    #[serde(default)]
    pub links: Links,
    /// Handshakes to perform before the current call answers (transient).
    #[serde(skip)]
    pub pending_handshakes: Vec<PendingHandshake>,
    /// Webhook subscriptions, delivery settings and the outbox.
    #[serde(default)]
    pub webhooks: WebhookState,
    /// Everything Meta reports by webhook, in order.
    #[serde(default)]
    pub events: EventLog,
    pub journal: Journal,
    pub faults: Faults,
    pub usage: Usage,
    /// [`SNAPSHOT_FORMAT`] when the snapshot was taken (last, so a snapshot
    /// still opens with the sandbox's id).
    pub snapshot_format: u32,
}

impl Sandbox {
    /// Build a sandbox from a fixture. `wall_now` is only used by realtime clocks.
    pub fn create(
        id: &str,
        seed: u64,
        options: SandboxOptions,
        fixture: impl Into<Arc<Fixture>>,
        wall_now: i64,
    ) -> Result<Self, FixtureError> {
        let fixture = fixture.into();
        let start = match &fixture.clock_start {
            None => DEFAULT_START,
            Some(value) => {
                let text = value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| value.to_string());
                parse_instant(&text).ok_or_else(|| {
                    FixtureError::at(
                        "clock_start",
                        format!("expected unix seconds or an RFC 3339 time, got {value}"),
                    )
                })?
            }
        };
        let mut sandbox = Sandbox {
            id: id.to_owned(),
            seed,
            clock: Clock::new(options.clock, start, wall_now),
            journal: Journal::new(options.journal_limit),
            options,
            // Set once loaded: the fixture is read, then kept for `reset`.
            fixture: Arc::default(),
            ids: IdGenerator::new(seed),
            registry: BTreeMap::new(),
            handles: BTreeMap::new(),
            token_handles: BTreeMap::new(),
            tokens: BTreeMap::new(),
            accounts: AccountsState::default(),
            pages: PagesState::default(),
            instagram: InstagramState::default(),
            whatsapp: WhatsappState::default(),
            messenger: MessengerState::default(),
            links: Links::default(),
            pending_handshakes: Vec::new(),
            webhooks: WebhookState::default(),
            events: EventLog::default(),
            faults: Faults::default(),
            usage: Usage::default(),
            snapshot_format: SNAPSHOT_FORMAT,
        };
        sandbox.load(&fixture)?;
        sandbox.fixture = fixture;
        Ok(sandbox)
    }

    /// The same sandbox as right after creation: same fixture, seed and clock start.
    pub fn reset(&self, wall_now: i64) -> Result<Self, FixtureError> {
        Self::create(
            &self.id,
            self.seed,
            self.options.clone(),
            self.fixture.clone(),
            wall_now,
        )
    }

    /// Allocate a fresh node id of `kind` and register it.
    pub fn allocate_node(&mut self, kind: NodeKind) -> String {
        let (prefix, len) = kind.id_shape();
        let id = loop {
            let candidate = self.ids.numeric_id(prefix, len);
            if !self.registry.contains_key(&candidate) {
                break candidate;
            }
        };
        self.registry.insert(id.clone(), kind);
        id
    }

    /// Do whatever has come due on the clock (automatic template reviews,
    /// devices logged out for inactivity, WhatsApp Business app numbers
    /// offboarded for not synchronizing, calls nobody answered). Called
    /// before every Graph call and after the clock moves.
    pub fn run_due(&mut self) {
        self.run_due_reviews();
        self.run_due_devices();
        self.run_due_preverified();
        self.run_due_calls();
        self.route_events();
    }

    /// app handle -> app secret.
    pub fn app_secrets(&self) -> BTreeMap<String, String> {
        self.handles
            .iter()
            .filter_map(|(handle, id)| {
                self.accounts
                    .apps
                    .get(id)
                    .map(|app| (handle.clone(), app.secret.clone()))
            })
            .collect()
    }

    /// How many of each thing the sandbox holds (for the control plane), and
    /// how many fell out of retention.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("users", self.accounts.users.len()),
            ("businesses", self.accounts.businesses.len()),
            ("system_users", self.accounts.system_users.len()),
            ("apps", self.accounts.apps.len()),
            ("tokens", self.tokens.len()),
            ("pages", self.pages.pages.len()),
            ("instagram_accounts", self.instagram.accounts.len()),
            ("whatsapp_business_accounts", self.whatsapp.wabas.len()),
            ("phone_numbers", self.whatsapp.phone_numbers.len()),
            ("whatsapp_consumers", self.whatsapp.consumers.len()),
            ("message_templates", self.whatsapp.templates.len()),
            ("messages", self.whatsapp.messaging.messages.len()),
            ("events", self.events.all().len()),
            ("events_dropped", count(self.events.dropped())),
            ("messages_dropped", count(self.whatsapp.messaging.dropped())),
            (
                "delivery_bodies_dropped",
                count(self.webhooks.bodies_dropped()),
            ),
            ("journal_entries", self.journal.len()),
            ("faults", self.faults.rules().len()),
        ])
    }
}

/// A count kept as `u64`, shown beside `usize` counts.
fn count(dropped: u64) -> usize {
    usize::try_from(dropped).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;

    fn demo(seed: u64) -> Sandbox {
        Sandbox::create("t", seed, SandboxOptions::default(), demo_fixture(), 0).unwrap()
    }

    #[test]
    fn demo_fixture_builds_every_handle() {
        let sandbox = demo(0);
        for handle in [
            "owner",
            "app",
            "business",
            "system_user",
            "page",
            "instagram",
            "waba",
            "phone_number",
            "alice",
            "bob",
        ] {
            assert!(sandbox.handles.contains_key(handle), "{handle}");
        }
        assert!(sandbox.token_handles.contains_key("system_user_token"));
        let page = &sandbox.pages.pages[&sandbox.handles["page"]];
        assert_eq!(
            page.instagram_business_account.as_ref(),
            Some(&sandbox.handles["instagram"])
        );
        let phone = &sandbox.whatsapp.phone_numbers[&sandbox.handles["phone_number"]];
        assert!(phone.is_registered());
        // one Page token for the owner's user token
        assert_eq!(
            sandbox
                .tokens
                .values()
                .filter(|t| t.kind == crate::world::auth::TokenKind::Page)
                .count(),
            1
        );
    }

    #[test]
    fn same_seed_same_sandbox_other_seed_other_ids() {
        assert_eq!(demo(5), demo(5));
        assert_ne!(demo(5).handles, demo(6).handles);
    }

    #[test]
    fn reset_rebuilds_the_initial_state() {
        let original = demo(1);
        let mut changed = original.clone();
        changed.clock.advance(100);
        changed.ids.trace_id();
        assert_eq!(changed.reset(0).unwrap(), original);
    }

    #[test]
    fn snapshot_round_trip_is_byte_identical() {
        let sandbox = demo(2);
        let first = serde_json::to_string(&sandbox).unwrap();
        let restored: Sandbox = serde_json::from_str(&first).unwrap();
        assert_eq!(serde_json::to_string(&restored).unwrap(), first);
    }

    #[test]
    fn fixture_errors_point_at_the_field() {
        let mut fixture = demo_fixture();
        fixture.pages[0].roles[0].user = "nobody".into();
        let err = Sandbox::create("t", 0, SandboxOptions::default(), fixture, 0).unwrap_err();
        assert_eq!(err.place, "pages[0].roles[0].user");
        let mut fixture = demo_fixture();
        fixture.users[0].id = Some("abc".into());
        let err = Sandbox::create("t", 0, SandboxOptions::default(), fixture, 0).unwrap_err();
        assert_eq!(err.place, "users[0].id");
    }
}
