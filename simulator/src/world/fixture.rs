//! The fixture format: the people, accounts and tokens a sandbox starts with.
//!
//! Every entity has a `handle` (a name chosen by the fixture author); the
//! sandbox answers with `handles: {handle: id}` and `tokens: {handle: token}` so
//! tests never hard-code generated ids. Ids may be pinned with `id`; otherwise
//! they come from the sandbox's seeded generator. The full reference is
//! `docs/fixtures.md`; `scenarios/fixtures/demo.json` is the demo fixture and is
//! compiled into the binary.
//!
//! Each product declares and loads its own part (`world/<product>/fixture.rs`);
//! this module holds the top-level shape, the load order, and what loading
//! shares: handles, pinned ids, and the error that names the place.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::accounts::fixture::{AppFixture, BusinessFixture, SystemUserFixture, UserFixture};
use super::auth::tokens::TokenFixture;
use super::instagram::fixture::InstagramFixture;
use super::nodes::NodeKind;
use super::pages::fixture::PageFixture;
use super::sandbox::Sandbox;
use super::shared::conversations::PastMessage;
use super::whatsapp::fixture::{ConsumerFixture, WabaFixture};
use super::whatsapp::rate_card::Replacement;

/// The demo fixture, shipped in the binary (same file as `scenarios/fixtures/demo.json`).
pub const DEMO_FIXTURE_JSON: &str = include_str!("../../../scenarios/fixtures/demo.json");

/// The demo fixture, parsed once per process and shared by every sandbox
/// created without a fixture of its own.
pub fn shared_demo_fixture() -> std::sync::Arc<Fixture> {
    static DEMO: std::sync::LazyLock<std::sync::Arc<Fixture>> = std::sync::LazyLock::new(|| {
        let fixture = serde_json::from_str(DEMO_FIXTURE_JSON);
        std::sync::Arc::new(fixture.expect("the shipped demo fixture is valid"))
    });
    DEMO.clone()
}

/// A copy of the demo fixture, to change before building a sandbox from it.
pub fn demo_fixture() -> Fixture {
    Fixture::clone(&shared_demo_fixture())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Where the virtual clock starts: unix seconds or RFC 3339. Default 2026-01-01T00:00:00Z.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_start: Option<serde_json::Value>,
    #[serde(default)]
    pub users: Vec<UserFixture>,
    #[serde(default)]
    pub apps: Vec<AppFixture>,
    #[serde(default)]
    pub businesses: Vec<BusinessFixture>,
    #[serde(default)]
    pub system_users: Vec<SystemUserFixture>,
    #[serde(default)]
    pub pages: Vec<PageFixture>,
    #[serde(default)]
    pub instagram_accounts: Vec<InstagramFixture>,
    #[serde(default)]
    pub whatsapp_business_accounts: Vec<WabaFixture>,
    #[serde(default)]
    pub whatsapp_consumers: Vec<ConsumerFixture>,
    /// Markets whose per-message rates replace Meta's (analytics' `cost`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whatsapp_rate_card: Option<Replacement>,
    #[serde(default)]
    pub tokens: Vec<TokenFixture>,
    /// Messages Facebook users wrote to Pages before the sandbox started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messenger_messages: Vec<PastMessage>,
    /// Direct messages Instagram accounts wrote before the sandbox started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instagram_messages: Vec<PastMessage>,
}

/// A fixture that cannot be built: where (`pages[0].roles[1].user`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    pub place: String,
    pub problem: String,
}

impl FixtureError {
    pub fn at(place: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            place: place.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

impl std::error::Error for FixtureError {}

impl Sandbox {
    /// Build everything the fixture describes, in the order references need:
    /// people and apps, businesses, Pages, Instagram, WhatsApp, tokens, then
    /// the conversations people had already started (their ids are derived,
    /// never drawn).
    pub(crate) fn load(&mut self, fixture: &Fixture) -> Result<(), FixtureError> {
        self.load_users(&fixture.users)?;
        self.load_apps(&fixture.apps)?;
        self.load_businesses(&fixture.businesses)?;
        self.link_app_owners(&fixture.apps)?;
        self.load_system_users(&fixture.system_users)?;
        self.load_pages(&fixture.pages)?;
        self.load_instagram_accounts(&fixture.instagram_accounts)?;
        self.load_wabas(&fixture.whatsapp_business_accounts)?;
        self.load_consumers(&fixture.whatsapp_consumers)?;
        if let Some(replacement) = &fixture.whatsapp_rate_card {
            self.whatsapp.rate_card =
                self.whatsapp
                    .rate_card
                    .replaced_by(replacement)
                    .map_err(|invalid| {
                        FixtureError::at(
                            format!("whatsapp_rate_card.{}", invalid.field),
                            invalid.message,
                        )
                    })?;
        }
        for (i, token) in fixture.tokens.iter().enumerate() {
            self.add_token(&format!("tokens[{i}]"), token)?;
        }
        self.load_messenger_messages(&fixture.messenger_messages)?;
        self.load_instagram_messages(&fixture.instagram_messages)?;
        Ok(())
    }

    /// A node id for a fixture entity: the pinned one (numeric, unused), or
    /// a fresh one; registered as `kind`.
    pub(crate) fn fixture_node(
        &mut self,
        kind: NodeKind,
        pinned: Option<&str>,
        place: &str,
    ) -> Result<String, FixtureError> {
        match pinned {
            None => Ok(self.allocate_node(kind)),
            Some(id) if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) => {
                Err(FixtureError::at(
                    format!("{place}.id"),
                    format!("Graph ids are numeric strings, got {id:?}"),
                ))
            }
            Some(id) if self.registry.contains_key(id) => Err(FixtureError::at(
                format!("{place}.id"),
                format!("{id} is already used"),
            )),
            Some(id) => {
                self.registry.insert(id.to_owned(), kind);
                Ok(id.to_owned())
            }
        }
    }

    /// Name `id` by the fixture author's handle.
    pub(crate) fn name_handle(
        &mut self,
        handle: &str,
        id: &str,
        place: &str,
    ) -> Result<(), FixtureError> {
        if handle.is_empty() {
            return Err(FixtureError::at(
                format!("{place}.handle"),
                "must not be empty",
            ));
        }
        if self
            .handles
            .insert(handle.to_owned(), id.to_owned())
            .is_some()
        {
            return Err(FixtureError::at(
                format!("{place}.handle"),
                format!("{handle:?} is used twice"),
            ));
        }
        Ok(())
    }

    /// The id behind a handle, if the handle names a node of one of `kinds`.
    pub(crate) fn resolve_handle(
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
                Err(FixtureError::at(
                    place,
                    format!(
                        "{handle:?} is not the handle of any {} in this fixture",
                        wanted.join(" or ")
                    ),
                ))
            }
        }
    }

    /// The optional handle at `place`, resolved.
    pub(crate) fn resolve_optional_handle(
        &self,
        handle: Option<&String>,
        kinds: &[NodeKind],
        place: &str,
    ) -> Result<Option<String>, FixtureError> {
        handle
            .map(|handle| self.resolve_handle(handle, kinds, place))
            .transpose()
    }
}
