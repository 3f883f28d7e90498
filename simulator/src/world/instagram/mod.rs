//! Instagram accounts: personal, business or creator (`people.rs`), the
//! contact options a professional account shows visitors, Direct messages
//! between accounts (`direct.rs`) and what a professional account sends
//! through the API (`send.rs`), posts and comments (`media.rs`) and where an
//! account was mentioned in them (`mentioned.rs`). Their Graph
//! views are in `nodes.rs`, their fixture part in `fixture.rs`.

pub mod contact_options;
pub mod direct;
pub mod fixture;
pub mod media;
pub mod mentioned;
pub mod nodes;
pub mod people;
pub mod send;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use contact_options::ContactOptions;
pub use media::{InstagramComment, InstagramMedia};

use crate::world::shared::conversations::Conversations;
use crate::world::shared::scoped_ids::ScopedIds;
use crate::world::shared::standing::{AccountStanding, is_true, yes};

/// Every Instagram account of a sandbox, and their direct messages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct InstagramState {
    /// Instagram account id -> account.
    pub accounts: BTreeMap<String, Box<InstagramAccount>>,
    /// Conversations of professional accounts with people (Graph nodes)
    /// and between people.
    #[serde(default)]
    pub conversations: Conversations,
    /// Instagram-scoped ids (IGSIDs).
    #[serde(default)]
    pub igsids: ScopedIds,
    /// media id -> a post.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub media: BTreeMap<String, InstagramMedia>,
    /// comment id -> a comment on a post.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub comments: BTreeMap<String, InstagramComment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InstagramAccount {
    /// The professional account id used by the Graph API and in webhooks.
    pub id: String,
    /// The legacy Instagram id (`ig_id`).
    pub ig_id: String,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `BUSINESS`, `MEDIA_CREATOR` or `PERSONAL`.
    pub account_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biography: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub followers_count: u64,
    pub follows_count: u64,
    pub media_count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// The phone number on the account (private; offered when choosing
    /// WhatsApp as a contact option), as digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default)]
    pub contact: ContactOptions,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(flatten)]
    pub standing: AccountStanding,
    /// "Allow access to messages" (Settings → Messages → Connected tools):
    /// apps read and send the account's messages only while it is on.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub allow_access_to_messages: bool,
    /// app id -> the webhook fields the app subscribed to on this account
    /// with an Instagram-login token (`/{ig-user-id}/subscribed_apps`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subscribed_apps: BTreeMap<String, Vec<String>>,
}

impl InstagramAccount {
    /// Only business and creator accounts are reachable through the Graph API.
    pub fn is_professional(&self) -> bool {
        self.account_type != "PERSONAL"
    }

    /// The name people see: the account's name, else its username.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.username)
    }
}
