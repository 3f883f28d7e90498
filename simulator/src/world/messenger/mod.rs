//! Messenger: conversations between Pages and the Facebook users who write
//! to them (and between people), page-scoped ids, what people do in
//! Messenger (`people.rs`), what a Page sends through the Send API
//! (`send.rs`), the Page's Messenger profile (`profile.rs`) and saved
//! attachments (`attachments.rs`). Every Page-side event is reported as a
//! `page` webhook (`entry[].messaging[]`, millisecond times). The Graph
//! views are in `nodes.rs`, the fixture part in `fixture.rs`.

pub mod attachments;
pub mod fixture;
pub mod nodes;
pub mod people;
pub mod profile;
pub mod send;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::events::EventPayload;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Conversation, Conversations, Message};
use crate::world::shared::scoped_ids::ScopedIds;
use crate::world::webhooks::subscriptions::WebhookObject;

pub use attachments::SavedAttachment;
pub use profile::MessengerProfile;

/// Every Messenger thing of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MessengerState {
    /// Page ↔ person conversations (Graph nodes) and person ↔ person ones.
    #[serde(default)]
    pub conversations: Conversations,
    /// Page-scoped ids (PSIDs).
    #[serde(default)]
    pub psids: ScopedIds,
    /// page id -> its Messenger profile (greeting, Get Started, menu, ice breakers).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, MessengerProfile>,
    /// attachment id -> an attachment a Page saved for reuse.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachments: BTreeMap<String, SavedAttachment>,
}

/// The length of a Messenger message id after its `m_`.
pub(crate) const MID_LENGTH: usize = 86;

impl Sandbox {
    /// The PSID of a Facebook user for a Page (given out the first time).
    pub fn psid_for(&mut self, page_id: &str, user_id: &str) -> String {
        if let Some(psid) = self.messenger.psids.find(page_id, user_id) {
            return psid.to_owned();
        }
        let psid = self.derive_scoped_id(NodeKind::PageScopedUser, page_id, user_id);
        self.messenger.psids.insert(psid.clone(), page_id, user_id);
        psid
    }

    /// The conversation of `account` (a Page, or the person writing first)
    /// and `person`, started if there is none. Page conversations are nodes.
    pub(crate) fn messenger_conversation(&mut self, account: &str, person: &str) -> String {
        if let Some(existing) = self.messenger.conversations.of_pair(account, person) {
            return existing.id.clone();
        }
        let is_page = self.node_kind(account) == Some(NodeKind::Page);
        let id = self.derive_id(
            NodeKind::Conversation,
            &format!("{account}/{person}"),
            is_page,
        );
        let scoped = if is_page {
            self.psid_for(account, person)
        } else {
            person.to_owned()
        };
        self.messenger
            .conversations
            .start(Conversation::new(id.clone(), account, person, scoped));
        id
    }

    /// A fresh message id, registered as a node when the conversation is a Page's.
    fn messenger_mid(&mut self, node: bool) -> String {
        let (prefix, _) = NodeKind::Message.id_shape();
        let mid = format!("{prefix}{}", self.ids.opaque(MID_LENGTH));
        if node {
            self.registry.insert(mid.clone(), NodeKind::Message);
        }
        mid
    }

    /// Store a message; the ids retention drops stop being nodes.
    pub(crate) fn keep_messenger_message(&mut self, message: Message) {
        for dropped in self.messenger.conversations.push(message) {
            self.registry.remove(&dropped);
        }
    }

    /// Report a Page-side event as a `page` webhook (`recipient` defaults to the Page).
    pub(crate) fn page_event(
        &mut self,
        page_id: &str,
        field: &str,
        sender: &str,
        recipient: Option<&str>,
        time_ms: i64,
        event: Value,
    ) {
        let now = self.clock.now();
        self.events.emit(
            now,
            EventPayload::MessagingEvent {
                object: WebhookObject::Page,
                account_id: page_id.to_owned(),
                field: field.to_owned(),
                sender_id: sender.to_owned(),
                recipient_id: recipient.map(str::to_owned),
                time_ms,
                event,
            },
        );
    }
}
