//! One isolated tenant: its seed, clock, id generator, every entity, the
//! request journal, fault rules and usage counters.
//!
//! A sandbox is built from a [`Fixture`]; `reset` rebuilds it from the same
//! fixture, seed and clock start. The whole struct serializes to the snapshot
//! format, so export → import → export is byte-identical and a restored
//! sandbox continues with the same next ids and the same clock.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::accounts::{App, Business, FacebookUser, SystemUser};
use super::auth::{AccessToken, Invalidation, TokenKind};
use super::clock::{Clock, ClockMode, DEFAULT_START, parse_instant};
use super::events::EventLog;
use super::faults::Faults;
use super::fixture::{ContactFixture, Fixture, PageFixture, TokenFixture, WabaFixture};
use super::ids::IdGenerator;
use super::instagram::{ContactOptions, InstagramAccount};
use super::journal::{DEFAULT_JOURNAL_LIMIT, Journal};
use super::links::Links;
use super::nodes::NodeKind;
use super::pages::{ALL_PAGE_TASKS, Page};
use super::usage::Usage;
use super::webhooks::handshakes::PendingHandshake;
use super::webhooks::outbox::WebhookState;
use super::whatsapp::consumers::ConsumerError;
use super::whatsapp::identity::IdentityState;
use super::whatsapp::inbox::PhoneInboxes;
use super::whatsapp::media::Media;
use super::whatsapp::messaging::{Messaging, MessagingLimits};
use super::whatsapp::registration::Verification;
use super::whatsapp::template_management::{TemplateReview, parameter_format};
use super::whatsapp::templates::Template;
use super::whatsapp::{Consumer, PhoneNumber, Waba, phone_digits};

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
}

fn default_journal_limit() -> usize {
    DEFAULT_JOURNAL_LIMIT
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            delivery: Delivery::Manual,
            clock: ClockMode::Virtual,
            journal_limit: DEFAULT_JOURNAL_LIMIT,
            messaging_limits: MessagingLimits::default(),
            template_review: TemplateReview::default(),
        }
    }
}

/// A fixture that cannot be built, with the place of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureError(pub String);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sandbox {
    pub id: String,
    pub seed: u64,
    pub options: SandboxOptions,
    /// The fixture the sandbox was built from (what `reset` rebuilds).
    pub fixture: Fixture,
    pub clock: Clock,
    pub ids: IdGenerator,
    /// id -> kind, for every Graph node of the sandbox.
    pub registry: BTreeMap<String, NodeKind>,
    /// fixture handle -> id (phone digits for consumers).
    pub handles: BTreeMap<String, String>,
    /// fixture token handle -> token string.
    pub token_handles: BTreeMap<String, String>,
    pub users: BTreeMap<String, FacebookUser>,
    pub businesses: BTreeMap<String, Business>,
    pub system_users: BTreeMap<String, SystemUser>,
    pub apps: BTreeMap<String, App>,
    /// token string -> token (shared, so a call holds its token without copying it).
    pub tokens: BTreeMap<String, Arc<AccessToken>>,
    pub pages: BTreeMap<String, Page>,
    pub instagram_accounts: BTreeMap<String, InstagramAccount>,
    pub wabas: BTreeMap<String, Waba>,
    pub phone_numbers: BTreeMap<String, PhoneNumber>,
    /// phone digits -> consumer.
    pub consumers: BTreeMap<String, Consumer>,
    /// What every phone received by SMS or voice call (verification codes).
    #[serde(default)]
    pub phone_inboxes: PhoneInboxes,
    /// template id -> template.
    #[serde(default)]
    pub templates: BTreeMap<String, Template>,
    #[serde(default)]
    pub messaging: Messaging,
    /// media id -> uploaded or received media.
    #[serde(default)]
    pub media: BTreeMap<String, Media>,
    /// Exchanges and contact books: who may see a consumer's phone number.
    #[serde(default)]
    pub identity: IdentityState,
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
}

impl Sandbox {
    /// Build a sandbox from a fixture. `wall_now` is only used by realtime clocks.
    pub fn create(
        id: &str,
        seed: u64,
        options: SandboxOptions,
        fixture: Fixture,
        wall_now: i64,
    ) -> Result<Self, FixtureError> {
        let start = match &fixture.clock_start {
            None => DEFAULT_START,
            Some(value) => {
                let text = value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| value.to_string());
                parse_instant(&text).ok_or_else(|| {
                    FixtureError(format!(
                        "clock_start: expected unix seconds or an RFC 3339 time, got {value}"
                    ))
                })?
            }
        };
        let mut sandbox = Sandbox {
            id: id.to_owned(),
            seed,
            clock: Clock::new(options.clock, start, wall_now),
            journal: Journal::new(options.journal_limit),
            options,
            fixture: fixture.clone(),
            ids: IdGenerator::new(seed),
            registry: BTreeMap::new(),
            handles: BTreeMap::new(),
            token_handles: BTreeMap::new(),
            users: BTreeMap::new(),
            businesses: BTreeMap::new(),
            system_users: BTreeMap::new(),
            apps: BTreeMap::new(),
            tokens: BTreeMap::new(),
            pages: BTreeMap::new(),
            instagram_accounts: BTreeMap::new(),
            wabas: BTreeMap::new(),
            phone_numbers: BTreeMap::new(),
            consumers: BTreeMap::new(),
            phone_inboxes: PhoneInboxes::default(),
            templates: BTreeMap::new(),
            messaging: Messaging::default(),
            media: BTreeMap::new(),
            identity: IdentityState::default(),
            links: Links::default(),
            pending_handshakes: Vec::new(),
            webhooks: WebhookState::default(),
            events: EventLog::default(),
            faults: Faults::default(),
            usage: Usage::default(),
        };
        sandbox.load(&fixture)?;
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

    /// Allocate a fresh node id of `kind` (or take the pinned one) and register it.
    pub fn allocate_node(
        &mut self,
        kind: NodeKind,
        pinned: Option<&str>,
        place: &str,
    ) -> Result<String, FixtureError> {
        let id = match pinned {
            Some(id) if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(FixtureError(format!(
                    "{place}.id: Graph ids are numeric strings, got {id:?}"
                )));
            }
            Some(id) if self.registry.contains_key(id) => {
                return Err(FixtureError(format!("{place}.id: {id} is already used")));
            }
            Some(id) => id.to_owned(),
            None => {
                let (prefix, len) = kind.id_shape();
                loop {
                    let candidate = self.ids.numeric_id(prefix, len);
                    if !self.registry.contains_key(&candidate) {
                        break candidate;
                    }
                }
            }
        };
        self.registry.insert(id.clone(), kind);
        Ok(id)
    }

    fn name_handle(&mut self, handle: &str, id: &str, place: &str) -> Result<(), FixtureError> {
        if handle.is_empty() {
            return Err(FixtureError(format!("{place}.handle: must not be empty")));
        }
        if self
            .handles
            .insert(handle.to_owned(), id.to_owned())
            .is_some()
        {
            return Err(FixtureError(format!(
                "{place}.handle: {handle:?} is used twice"
            )));
        }
        Ok(())
    }

    /// The id behind a handle, if the handle names a node of one of `kinds`.
    fn resolve(
        &self,
        handle: &str,
        kinds: &[NodeKind],
        place: &str,
    ) -> Result<String, FixtureError> {
        let id = self.handles.get(handle);
        match id.and_then(|id| self.registry.get(id).map(|kind| (id, kind))) {
            Some((id, kind)) if kinds.contains(kind) => Ok(id.clone()),
            _ => {
                let mut wanted: Vec<&str> = kinds.iter().map(|k| k.type_name()).collect();
                wanted.dedup();
                Err(FixtureError(format!(
                    "{place}: {handle:?} is not the handle of any {} in this fixture",
                    wanted.join(" or ")
                )))
            }
        }
    }

    fn load(&mut self, fixture: &Fixture) -> Result<(), FixtureError> {
        let created = self.clock.now();
        for (i, user) in fixture.users.iter().enumerate() {
            let place = format!("users[{i}]");
            let id = self.allocate_node(NodeKind::User, user.id.as_deref(), &place)?;
            self.name_handle(&user.handle, &id, &place)?;
            self.users.insert(
                id.clone(),
                FacebookUser {
                    id,
                    name: user.name.clone(),
                    email: user.email.clone(),
                },
            );
        }
        for (i, app) in fixture.apps.iter().enumerate() {
            let place = format!("apps[{i}]");
            let id = self.allocate_node(NodeKind::App, app.id.as_deref(), &place)?;
            self.name_handle(&app.handle, &id, &place)?;
            let scope = format!("{}/{}", self.id, id);
            let secret = app
                .secret
                .clone()
                .unwrap_or_else(|| self.ids.app_secret(&scope));
            let app = App {
                id: id.clone(),
                name: app.name.clone(),
                secret,
                require_appsecret_proof: app.require_appsecret_proof,
            };
            let app_token = AccessToken {
                token: app.app_token(),
                kind: TokenKind::App,
                subject_id: id.clone(),
                app_id: id.clone(),
                user_id: None,
                derived_from: None,
                scopes: vec![],
                targets: BTreeMap::new(),
                issued_at: created,
                expires_at: None,
                invalidated: None,
            };
            self.tokens
                .insert(app_token.token.clone(), Arc::new(app_token));
            self.apps.insert(id, app);
        }
        for (i, business) in fixture.businesses.iter().enumerate() {
            let place = format!("businesses[{i}]");
            let owner = match &business.owner {
                Some(handle) => {
                    Some(self.resolve(handle, &[NodeKind::User], &format!("{place}.owner"))?)
                }
                None => None,
            };
            let id = self.allocate_node(NodeKind::Business, business.id.as_deref(), &place)?;
            self.name_handle(&business.handle, &id, &place)?;
            self.businesses.insert(
                id.clone(),
                Business {
                    id,
                    name: business.name.clone(),
                    owner_user_id: owner,
                    verification_status: business
                        .verification_status
                        .clone()
                        .unwrap_or_else(|| "not_verified".to_owned()),
                    created_time: created,
                },
            );
        }
        for (i, user) in fixture.system_users.iter().enumerate() {
            let place = format!("system_users[{i}]");
            let business_id = self.resolve(
                &user.business,
                &[NodeKind::Business],
                &format!("{place}.business"),
            )?;
            let id = self.allocate_node(NodeKind::SystemUser, user.id.as_deref(), &place)?;
            self.name_handle(&user.handle, &id, &place)?;
            self.system_users.insert(
                id.clone(),
                SystemUser {
                    id,
                    name: user.name.clone(),
                    business_id,
                },
            );
        }
        for (i, page) in fixture.pages.iter().enumerate() {
            self.load_page(i, page)?;
        }
        for (i, ig) in fixture.instagram_accounts.iter().enumerate() {
            let place = format!("instagram_accounts[{i}]");
            if !matches!(
                ig.account_type.as_str(),
                "BUSINESS" | "MEDIA_CREATOR" | "PERSONAL"
            ) {
                return Err(FixtureError(format!(
                    "{place}.account_type: expected BUSINESS, MEDIA_CREATOR or PERSONAL, got {:?}",
                    ig.account_type
                )));
            }
            let page_id = match &ig.page {
                Some(handle) => {
                    Some(self.resolve(handle, &[NodeKind::Page], &format!("{place}.page"))?)
                }
                None => None,
            };
            let id = self.allocate_node(NodeKind::InstagramUser, ig.id.as_deref(), &place)?;
            self.name_handle(&ig.handle, &id, &place)?;
            if let Some(page_id) = &page_id {
                if ig.account_type == "PERSONAL" {
                    return Err(FixtureError(format!(
                        "{place}.page: only professional accounts can be linked to a Page"
                    )));
                }
                if let Some(page) = self.pages.get_mut(page_id) {
                    page.instagram_business_account = Some(id.clone());
                }
            }
            let contact = ig.contact.clone().unwrap_or_default();
            if ig.account_type == "PERSONAL" && contact != ContactFixture::default() {
                return Err(FixtureError(format!(
                    "{place}.contact: only professional accounts have contact options"
                )));
            }
            let digits = |phone: &Option<String>| phone.as_deref().map(phone_digits);
            let ig_id = self.ids.numeric_id("7", 10);
            self.instagram_accounts.insert(
                id.clone(),
                InstagramAccount {
                    id,
                    ig_id,
                    username: ig.username.clone(),
                    name: ig.name.clone(),
                    account_type: ig.account_type.clone(),
                    biography: ig.biography.clone(),
                    website: ig.website.clone(),
                    followers_count: ig.followers_count,
                    follows_count: ig.follows_count,
                    media_count: ig.media_count,
                    page_id,
                    phone: digits(&ig.phone),
                    contact: ContactOptions {
                        email: contact.email,
                        phone: digits(&contact.phone),
                        whatsapp: digits(&contact.whatsapp),
                        pending_whatsapp: None,
                    },
                },
            );
        }
        for (i, waba) in fixture.whatsapp_business_accounts.iter().enumerate() {
            self.load_waba(i, waba)?;
        }
        for (i, consumer) in fixture.whatsapp_consumers.iter().enumerate() {
            let place = format!("whatsapp_consumers[{i}]");
            let created = self
                .create_consumer(&consumer.phone, consumer.name.clone(), consumer.on_whatsapp, consumer.username.clone())
                .map_err(|error| match error {
                    ConsumerError::InvalidPhone(phone) => {
                        FixtureError(format!("{place}.phone: expected an E.164 number (8 to 15 digits), got {phone:?}"))
                    }
                    ConsumerError::Exists(phone) => FixtureError(format!("{place}.phone: {phone} is used twice")),
                    ConsumerError::InvalidUsername(name) => FixtureError(format!(
                        "{place}.username: {name:?} is not a WhatsApp username (3-35 of a-z 0-9 . _)"
                    )),
                })?;
            self.name_handle(&consumer.handle, &created.phone, &place)?;
        }
        for (i, token) in fixture.tokens.iter().enumerate() {
            self.add_token(&format!("tokens[{i}]"), token)?;
        }
        Ok(())
    }

    fn load_page(&mut self, i: usize, page: &PageFixture) -> Result<(), FixtureError> {
        let place = format!("pages[{i}]");
        let mut roles = BTreeMap::new();
        for (r, role) in page.roles.iter().enumerate() {
            let user = self.resolve(
                &role.user,
                &[NodeKind::User],
                &format!("{place}.roles[{r}].user"),
            )?;
            let tasks = role
                .tasks
                .clone()
                .unwrap_or_else(|| ALL_PAGE_TASKS.iter().map(|t| (*t).to_owned()).collect());
            roles.insert(user, tasks);
        }
        let id = self.allocate_node(NodeKind::Page, page.id.as_deref(), &place)?;
        self.name_handle(&page.handle, &id, &place)?;
        let mut built = Page {
            about: page.about.clone(),
            description: page.description.clone(),
            emails: page.emails.clone(),
            phone: page.phone.clone(),
            website: page.website.clone(),
            hours: page.hours.clone(),
            single_line_address: page.single_line_address.clone(),
            ..Page::new(id.clone(), page.name.clone(), roles)
        };
        if let Some(category) = &page.category {
            built.category = category.clone();
        }
        self.pages.insert(id, built);
        Ok(())
    }

    fn load_waba(&mut self, i: usize, waba: &WabaFixture) -> Result<(), FixtureError> {
        let place = format!("whatsapp_business_accounts[{i}]");
        let business_id = self.resolve(
            &waba.business,
            &[NodeKind::Business],
            &format!("{place}.business"),
        )?;
        let id = self.allocate_node(
            NodeKind::WhatsappBusinessAccount,
            waba.id.as_deref(),
            &place,
        )?;
        self.name_handle(&waba.handle, &id, &place)?;
        let namespace = {
            let hex = self.ids.app_secret("template-namespace");
            format!(
                "{}_{}_{}_{}_{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            )
        };
        self.wabas.insert(
            id.clone(),
            Waba {
                id: id.clone(),
                name: waba.name.clone(),
                business_id,
                currency: waba.currency.clone().unwrap_or_else(|| "USD".to_owned()),
                timezone_id: waba.timezone_id.clone().unwrap_or_else(|| "1".to_owned()),
                country: waba.country.clone().unwrap_or_else(|| "US".to_owned()),
                message_template_namespace: namespace,
                account_review_status: "APPROVED".to_owned(),
                ownership_type: "SELF".to_owned(),
                subscribed_apps: Vec::new(),
            },
        );
        for (p, phone) in waba.phone_numbers.iter().enumerate() {
            let place = format!("{place}.phone_numbers[{p}]");
            let digits = phone_digits(&phone.display_phone_number);
            if digits.len() < 8 || digits.len() > 15 {
                return Err(FixtureError(format!(
                    "{place}.display_phone_number: expected an E.164 number, got {:?}",
                    phone.display_phone_number
                )));
            }
            if let Some(pin) = &phone.pin
                && (pin.len() != 6 || !pin.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(FixtureError(format!("{place}.pin: expected 6 digits")));
            }
            let phone_id =
                self.allocate_node(NodeKind::PhoneNumber, phone.id.as_deref(), &place)?;
            self.name_handle(&phone.handle, &phone_id, &place)?;
            let registered = phone.registered;
            let state = |yes: &str, no: &str| if registered { yes } else { no }.to_owned();
            self.phone_numbers.insert(
                phone_id.clone(),
                PhoneNumber {
                    id: phone_id,
                    waba_id: id.clone(),
                    display_phone_number: phone.display_phone_number.clone(),
                    digits,
                    verified_name: phone.verified_name.clone(),
                    code_verification_status: state("VERIFIED", "NOT_VERIFIED"),
                    name_status: state("APPROVED", "PENDING_REVIEW"),
                    quality_rating: phone
                        .quality_rating
                        .clone()
                        .unwrap_or_else(|| state("GREEN", "UNKNOWN")),
                    platform_type: state("CLOUD_API", "NOT_APPLICABLE"),
                    status: state("CONNECTED", "PENDING"),
                    throughput_level: state("STANDARD", "NOT_APPLICABLE"),
                    messaging_limit_tier: state("TIER_1K", "TIER_NOT_SET"),
                    account_mode: "LIVE".to_owned(),
                    pin: if registered { phone.pin.clone() } else { None },
                    is_official_business_account: false,
                    verification: Verification::default(),
                    profile: phone.profile.clone(),
                    settings: Default::default(),
                },
            );
        }
        for (t, template) in waba.templates.iter().enumerate() {
            let place = format!("{place}.templates[{t}]");
            let template_id =
                self.allocate_node(NodeKind::MessageTemplate, template.id.as_deref(), &place)?;
            self.templates.insert(
                template_id.clone(),
                Template {
                    id: template_id,
                    waba_id: id.clone(),
                    name: template.name.clone(),
                    language: template.language.clone(),
                    category: template.category.clone(),
                    status: template.status.clone(),
                    components: template.components.clone(),
                    parameter_format: parameter_format(&template.components),
                    rejected_reason: None,
                    review_due: None,
                    created_seq: self.templates.len() as u64 + 1,
                    created_at: 0,
                },
            );
        }
        Ok(())
    }

    /// Issue a token described like a fixture token; returns the token string.
    /// `place` names it in errors.
    pub fn add_token(&mut self, place: &str, token: &TokenFixture) -> Result<String, FixtureError> {
        let subject = self.resolve(
            &token.subject,
            &[NodeKind::User, NodeKind::SystemUser, NodeKind::Page],
            &format!("{place}.subject"),
        )?;
        let app_id = self.resolve(&token.app, &[NodeKind::App], &format!("{place}.app"))?;
        let mut targets = BTreeMap::new();
        for (scope, handles) in &token.targets {
            let ids = handles
                .iter()
                .map(|h| {
                    self.handles.get(h).cloned().ok_or_else(|| {
                        FixtureError(format!("{place}.targets.{scope}: unknown handle {h:?}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            targets.insert(scope.clone(), ids);
        }
        let kind = match self.registry[&subject] {
            NodeKind::User => TokenKind::User,
            NodeKind::SystemUser => TokenKind::SystemUser,
            _ => TokenKind::Page,
        };
        let issued_at = self.clock.now();
        let expires_at = token.expires_in.map(|secs| issued_at + secs);
        let string = match &token.token {
            Some(pinned) => pinned.clone(),
            None => self.ids.access_token(&self.id.clone()),
        };
        if self.tokens.contains_key(&string) || self.token_handles.contains_key(&token.handle) {
            return Err(FixtureError(format!(
                "{place}: token or handle {:?} is used twice",
                token.handle
            )));
        }
        self.token_handles
            .insert(token.handle.clone(), string.clone());
        let access = AccessToken {
            token: string.clone(),
            kind,
            subject_id: subject.clone(),
            app_id: app_id.clone(),
            user_id: None,
            derived_from: None,
            scopes: token.scopes.clone(),
            targets,
            issued_at,
            expires_at,
            invalidated: None,
        };
        self.tokens.insert(string.clone(), Arc::new(access.clone()));
        if kind == TokenKind::User && access.has_scope("pages_show_list") {
            self.issue_page_tokens(&access, None);
        }
        Ok(string)
    }

    /// Invalidate the token with this handle (and the Page tokens derived from a
    /// user token). False when no token has the handle.
    pub fn invalidate_token(&mut self, handle: &str, reason: Invalidation) -> bool {
        let Some(string) = self.token_handles.get(handle).cloned() else {
            return false;
        };
        let Some(token) = self.tokens.get(&string).cloned() else {
            return false;
        };
        for other in self.tokens.values_mut() {
            let derived = other.kind == TokenKind::Page
                && other.user_id.as_deref() == Some(token.subject_id.as_str())
                && other.app_id == token.app_id;
            if other.token == string || (token.kind == TokenKind::User && derived) {
                Arc::make_mut(other).invalidated = Some(reason);
            }
        }
        true
    }

    /// A user token with `pages_show_list` yields a Page token for each Page the
    /// user has a role on (what `/me/accounts` hands out); `only` limits it to
    /// one Page (one created later).
    pub(crate) fn issue_page_tokens(&mut self, user_token: &AccessToken, only: Option<&str>) {
        let page_ids: Vec<String> = self
            .pages
            .values()
            .filter(|page| page.roles.contains_key(&user_token.subject_id))
            .filter(|page| only.is_none_or(|id| page.id == id))
            .map(|page| page.id.clone())
            .collect();
        for page_id in page_ids {
            let string = self.ids.access_token(&self.id.clone());
            self.tokens.insert(
                string.clone(),
                Arc::new(AccessToken {
                    token: string,
                    kind: TokenKind::Page,
                    subject_id: page_id,
                    app_id: user_token.app_id.clone(),
                    user_id: Some(user_token.subject_id.clone()),
                    derived_from: Some(user_token.token.clone()),
                    scopes: user_token.scopes.clone(),
                    targets: BTreeMap::new(),
                    issued_at: user_token.issued_at,
                    expires_at: None,
                    invalidated: None,
                }),
            );
        }
    }

    /// Do whatever has come due on the clock (automatic template reviews).
    /// Called before every Graph call and after the clock moves.
    pub fn run_due(&mut self) {
        self.run_due_reviews();
        self.route_events();
    }

    /// app handle -> app secret.
    pub fn app_secrets(&self) -> BTreeMap<String, String> {
        self.handles
            .iter()
            .filter_map(|(handle, id)| {
                self.apps
                    .get(id)
                    .map(|app| (handle.clone(), app.secret.clone()))
            })
            .collect()
    }

    /// How many of each thing the sandbox holds (for the control plane).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("users", self.users.len()),
            ("businesses", self.businesses.len()),
            ("system_users", self.system_users.len()),
            ("apps", self.apps.len()),
            ("tokens", self.tokens.len()),
            ("pages", self.pages.len()),
            ("instagram_accounts", self.instagram_accounts.len()),
            ("whatsapp_business_accounts", self.wabas.len()),
            ("phone_numbers", self.phone_numbers.len()),
            ("whatsapp_consumers", self.consumers.len()),
            ("message_templates", self.templates.len()),
            ("messages", self.messaging.messages.len()),
            ("events", self.events.all().len()),
            ("journal_entries", self.journal.len()),
            ("faults", self.faults.rules().len()),
        ])
    }
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
        let page = &sandbox.pages[&sandbox.handles["page"]];
        assert_eq!(
            page.instagram_business_account.as_ref(),
            Some(&sandbox.handles["instagram"])
        );
        let phone = &sandbox.phone_numbers[&sandbox.handles["phone_number"]];
        assert!(phone.is_registered());
        // one Page token for the owner's user token
        assert_eq!(
            sandbox
                .tokens
                .values()
                .filter(|t| t.kind == TokenKind::Page)
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
        assert!(err.0.starts_with("pages[0].roles[0].user"), "{}", err.0);
        let mut fixture = demo_fixture();
        fixture.users[0].id = Some("abc".into());
        let err = Sandbox::create("t", 0, SandboxOptions::default(), fixture, 0).unwrap_err();
        assert!(err.0.starts_with("users[0].id"), "{}", err.0);
    }
}
