//! The WhatsApp Business Platform: WhatsApp Business Accounts (WABAs), their
//! business phone numbers and the number lifecycle (add, verify by code,
//! register, deregister), the phones' SMS/voice inboxes, message templates,
//! messaging with its window, limits and statuses, the consumers on the
//! other end, every account's devices, and numbers used in the WhatsApp
//! Business app (coexistence with the Cloud API). Graph views in `nodes.rs`,
//! the fixture part in `fixture.rs`.

pub mod activities;
pub mod analytics;
pub mod assignments;
pub mod automation;
pub mod billing;
pub mod block_list;
pub mod business_app;
pub mod business_usernames;
pub mod call_analytics;
pub mod call_codecs;
pub mod call_hours;
pub mod call_icons;
pub mod call_log;
pub mod call_media;
pub mod call_restrictions;
pub mod call_rules;
pub mod call_settings;
pub mod callbacks;
pub mod calls;
pub mod commerce;
pub mod compliance;
pub mod consumers;
pub mod credit_allocations;
pub mod credit_lines;
pub mod derived_nodes;
pub mod devices;
pub mod encrypted_messages;
pub mod encryption;
pub mod fixture;
pub mod flow_exchange;
pub mod flow_health;
pub mod flow_lifecycle;
pub mod flows;
pub mod frequency_cap;
pub mod group_analytics;
pub mod group_members;
pub mod group_messages;
pub mod group_photos;
pub mod group_pins;
pub mod group_policy;
pub mod groups;
pub mod health;
pub mod history;
pub mod identity;
pub mod identity_keys;
pub mod inbound_media;
pub mod inbox;
pub mod media;
pub mod messaging;
pub mod nodes;
pub mod oba;
pub mod official;
pub mod parent_bsuids;
pub mod payload_encryption;
pub mod portfolio;
pub mod preverified;
pub mod profile;
pub mod qr_codes;
pub mod qr_images;
pub mod rate_card;
pub mod registration;
pub mod schedules;
pub mod settings;
pub mod settings_webhook;
pub mod solution_webhooks;
pub mod solutions;
pub mod template_clicks;
pub mod template_groups;
pub mod templates;
pub mod time_zones;
pub mod waba;
pub mod waba_settings;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use consumers::Consumer;
pub use waba::{PhoneNumber, Waba};

use business_app::BusinessAppState;
use devices::DevicesState;
use flows::Flow;
use identity::IdentityState;
use inbox::PhoneInboxes;
use media::Media;
use messaging::Messaging;
use templates::Template;

/// Everything WhatsApp of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WhatsappState {
    /// WABA id -> WABA.
    pub wabas: BTreeMap<String, Box<Waba>>,
    /// Phone number id -> business phone number.
    pub phone_numbers: BTreeMap<String, Box<PhoneNumber>>,
    /// Phone digits -> consumer.
    pub consumers: BTreeMap<String, Consumer>,
    /// What every phone received by SMS or voice call (verification codes).
    #[serde(default)]
    pub phone_inboxes: PhoneInboxes,
    /// Template id -> template.
    #[serde(default)]
    pub templates: BTreeMap<String, Box<Template>>,
    #[serde(default)]
    pub messaging: Messaging,
    /// Media id -> uploaded or received media.
    #[serde(default)]
    pub media: BTreeMap<String, Media>,
    /// Exchanges and contact books: who may see a consumer's phone number.
    #[serde(default)]
    pub identity: IdentityState,
    /// Flow id -> WhatsApp Flow.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flows: BTreeMap<String, Box<Flow>>,
    /// Flow message id -> a consumer's pass through it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flow_sessions: BTreeMap<String, flow_exchange::sessions::FlowSession>,
    /// What Flows' endpoints were asked, by hour (the `metric` field).
    #[serde(
        default,
        skip_serializing_if = "flow_exchange::metrics::FlowMetrics::is_empty"
    )]
    pub flow_metrics: flow_exchange::metrics::FlowMetrics,
    /// Every account's primary and linked companion devices.
    #[serde(default, skip_serializing_if = "DevicesState::is_empty")]
    pub devices: DevicesState,
    /// Numbers used in the WhatsApp Business app, and their coexistence
    /// with the Cloud API.
    #[serde(default, skip_serializing_if = "BusinessAppState::is_empty")]
    pub business_app: BusinessAppState,
    /// Phone number id -> when it was added to its WABA (`last_onboarded_time`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub added_at: BTreeMap<String, i64>,
    /// Phone number id -> the apps' webhook callback overrides for it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phone_overrides: callbacks::PhoneOverrides,
    /// Phone number id -> the users it blocked.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub block_lists: block_list::BlockLists,
    /// Phone number id -> its conversational components.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub automations: automation::Automations,
    /// Phone number id -> its commerce settings, once changed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub commerce: commerce::CommerceSettingsByPhone,
    /// Phone number id -> its business compliance information.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compliance: compliance::ComplianceByPhone,
    /// Phone number id -> its business public key (Flows encryption).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub public_keys: encryption::PublicKeys,
    /// Phone number id -> its Official Business Account application.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub oba: oba::ObaApplications,
    /// Phone number id -> its business username.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub business_usernames: business_usernames::BusinessUsernames,
    /// Schedules of every WABA.
    #[serde(default)]
    pub schedules: schedules::Schedules,
    /// WABA id -> the users assigned to it with their tasks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assignments: assignments::Assignments,
    /// Message QR codes of every number.
    #[serde(default)]
    pub qr_codes: qr_codes::QrCodes,
    /// Marketing templates each consumer received lately (frequency capping).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub marketing_received: frequency_cap::MarketingDeliveries,
    /// The groups of every number.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: groups::Groups,
    /// Participants joining and leaving groups, oldest first (`group_analytics`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_membership: Vec<group_analytics::MembershipChange>,
    /// Numbers Meta admitted to the Groups API without an Official Business
    /// Account (its early-access allowlist).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub groups_allowlist: group_policy::GroupsAllowlist,
    /// Pre-verified numbers of every business portfolio.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub preverified: preverified::PreverifiedNumbers,
    /// Multi-Partner Solutions and the intents that move WABAs onto them.
    #[serde(default, skip_serializing_if = "solutions::SolutionsState::is_empty")]
    pub solutions: solutions::SolutionsState,
    /// Call permissions, their limits, and the calls going on.
    #[serde(default, skip_serializing_if = "calls::CallsState::is_empty")]
    pub calls: calls::CallsState,
    /// Credit lines of every business portfolio.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credit_lines: credit_lines::CreditLines,
    /// The sharings of credit lines with client WABAs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credit_allocations: credit_allocations::CreditAllocations,
    /// Template groups of every WABA.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub template_groups: template_groups::TemplateGroups,
    /// Business portfolios Meta enrolled for parent BSUIDs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parent_bsuid_accounts: parent_bsuids::ParentBsuidAccounts,
    /// What delivered messages cost: Meta's card, or markets replaced.
    #[serde(default, skip_serializing_if = "rate_card::RateCard::is_meta")]
    pub rate_card: rate_card::RateCard,
    /// Taps on templates' buttons, per template, day and button.
    #[serde(
        default,
        skip_serializing_if = "template_clicks::TemplateClicks::is_empty"
    )]
    pub template_clicks: template_clicks::TemplateClicks,
}
