//! The fixture format: the people, accounts and tokens a sandbox starts with.
//!
//! Every entity has a `handle` (a name chosen by the fixture author); the
//! sandbox answers with `handles: {handle: id}` and `tokens: {handle: token}` so
//! tests never hard-code generated ids. Ids may be pinned with `id`; otherwise
//! they come from the sandbox's seeded generator. The full reference is
//! `docs/fixtures.md`; `scenarios/fixtures/demo.json` is the demo fixture and is
//! compiled into the binary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The demo fixture, shipped in the binary (same file as `scenarios/fixtures/demo.json`).
pub const DEMO_FIXTURE_JSON: &str = include_str!("../../../scenarios/fixtures/demo.json");

pub fn demo_fixture() -> Fixture {
    serde_json::from_str(DEMO_FIXTURE_JSON).expect("the shipped demo fixture is valid")
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
    #[serde(default)]
    pub tokens: Vec<TokenFixture>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Pin the app secret; generated from the seed and sandbox id otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// "Require App Secret": every call must carry a valid `appsecret_proof`.
    #[serde(default)]
    pub require_appsecret_proof: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BusinessFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Handle of the Facebook user who owns the business portfolio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SystemUserFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Handle of the business the system user belongs to.
    pub business: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_line_address: Option<String>,
    /// Facebook users with a role on the Page (they see it in `/me/accounts`).
    #[serde(default)]
    pub roles: Vec<PageRoleFixture>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageRoleFixture {
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstagramFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `BUSINESS`, `MEDIA_CREATOR` or `PERSONAL`.
    #[serde(default = "default_account_type")]
    pub account_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biography: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default)]
    pub followers_count: u64,
    #[serde(default)]
    pub follows_count: u64,
    #[serde(default)]
    pub media_count: u64,
    /// Handle of the Facebook Page this professional account is linked to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The phone number on the account (offered for the WhatsApp contact option).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Contact options already on the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactFixture>,
}

/// Contact options a professional Instagram account starts with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactFixture {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A WhatsApp number already verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whatsapp: Option<String>,
}

fn default_account_type() -> String {
    "BUSINESS".to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WabaFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// Handle of the owning business portfolio.
    pub business: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumberFixture>,
    #[serde(default)]
    pub templates: Vec<TemplateFixture>,
}

/// A message template that already exists in the WABA.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateFixture {
    pub name: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    #[serde(default = "default_template_status")]
    pub status: String,
    /// Components as Meta's create call takes them.
    pub components: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

fn default_language() -> String {
    "en_US".to_owned()
}

fn default_template_status() -> String {
    "APPROVED".to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumberFixture {
    pub handle: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// As Meta shows it, e.g. `+1 555-010-0001`.
    pub display_phone_number: String,
    pub verified_name: String,
    /// Verified by code and registered with the Cloud API (ready to send).
    #[serde(default)]
    pub registered: bool,
    /// Two-step verification PIN (6 digits) when registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_rating: Option<String>,
    /// The WhatsApp business profile consumers see.
    #[serde(default)]
    pub profile: crate::world::whatsapp::profile::BusinessProfile,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsumerFixture {
    pub handle: String,
    /// E.164 digits without `+`.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub on_whatsapp: bool,
    /// A WhatsApp username (3–35 of `a-z 0-9 . _`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TokenFixture {
    pub handle: String,
    /// Handle of the user, system user or Page the token acts as.
    pub subject: String,
    /// Handle of the app that issued the token.
    pub app: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Granular scopes: scope -> handles of the objects it is limited to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, Vec<String>>,
    /// Seconds from the clock start until expiry; never expires when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// Pin the token string; generated otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}
