//! Domain events: what a change in the world reports, in the order it
//! happened. Every change that Meta reports by webhook is recorded here; the
//! webhook engine turns these into Meta's payloads. The log is part of the
//! snapshot, so delivery state survives export/import.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::bounds::{ascending, counter, in_range};
use crate::world::retention::over_limit;
use crate::world::shared::Invalid;
use crate::world::webhooks::subscriptions::WebhookObject;
use crate::world::whatsapp::business_app::onboarding::Disconnection;
use crate::world::whatsapp::business_app::sync::{HistoryPart, SyncedContact};
use crate::world::whatsapp::consumers::MarketingPreference;
use crate::world::whatsapp::group_messages::GroupRecipient;
use crate::world::whatsapp::messaging::MessageStatus;

/// Why a WhatsApp message failed (the `errors[]` entry of a failed status).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StatusError {
    pub code: i64,
    pub title: String,
    pub details: String,
}

/// `pricing` of a WhatsApp status (per-message pricing).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pricing {
    pub billable: bool,
    pub pricing_model: String,
    /// `regular`, `free_customer_service` or `free_entry_point`.
    #[serde(rename = "type")]
    pub pricing_type: String,
    /// `marketing`, `utility`, `authentication` or `service`.
    pub category: String,
}

fn is_false(value: &bool) -> bool {
    !value
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventPayload {
    /// A status of a message the business sent: sent, delivered, read or failed.
    WhatsappStatus {
        waba_id: String,
        phone_number_id: String,
        message_id: String,
        status: MessageStatus,
        /// The consumer's phone digits (`recipient_id`); absent when the message
        /// went to a BSUID and the phone may not be shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient: Option<String>,
        /// The message was addressed by BSUID (`recipient`), not by phone.
        #[serde(default, skip_serializing_if = "is_false")]
        addressed_by_user_id: bool,
        /// The consumer's business-scoped user id.
        recipient_user_id: String,
        /// Their parent BSUID, when the portfolio is enrolled for one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient_parent_user_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pricing: Option<Pricing>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<StatusError>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        biz_opaque_callback_data: Option<String>,
    },
    /// A message a consumer sent to a business number.
    WhatsappInbound {
        waba_id: String,
        phone_number_id: String,
        message_id: String,
        /// The consumer's phone digits (`from` / `wa_id`); absent when the
        /// business number may not see the phone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        from_user_id: String,
        /// Their parent BSUID, when the portfolio is enrolled for one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_parent_user_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// The consumer's identity key hash, when the number checks identity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        identity_key_hash: Option<String>,
        /// The message as Meta's webhook shows it after `from`/`id`/`timestamp`:
        /// `{"type": "text", "text": {...}, "context"?: {...}}`.
        message: Value,
    },
    /// A Messenger or Instagram messaging event (`entry[].messaging[]`): a
    /// message, postback, read, reaction… from `sender_id` to the account.
    MessagingEvent {
        /// `page` or `instagram`.
        object: WebhookObject,
        /// The Page or Instagram professional account.
        account_id: String,
        /// The webhook field (`messages`, `messaging_postbacks`, `message_reads`, …).
        field: String,
        /// Who acted: the person's page- or Instagram-scoped id, or the
        /// account itself for an echo.
        sender_id: String,
        /// `recipient.id` when it is not the account (the person, on an echo).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient_id: Option<String>,
        /// Meta's messaging times are milliseconds.
        time_ms: i64,
        /// The event's own members: `{"message": {…}}`, `{"postback": {…}}`, …
        event: Value,
    },
    /// A change on a Page or Instagram account (`entry[].changes[]`): feed,
    /// comments, mentions, business-info fields.
    AccountChange {
        object: WebhookObject,
        account_id: String,
        field: String,
        value: Value,
    },
    /// A change to a WhatsApp group of a business number: `field` is
    /// `group_lifecycle_update`, `group_participants_update`,
    /// `group_settings_update` or `group_status_update`; `group` is the
    /// `groups[]` item.
    WhatsappGroup {
        waba_id: String,
        phone_number_id: String,
        field: String,
        group: Value,
    },
    /// The status of a business message to a group (`statuses[]` with
    /// `recipient_type: "group"`), on the `messages` field: `sent` or
    /// `failed` for the group, `delivered` or `read` for the participants
    /// named (one aggregated webhook, a status and a contact each), or
    /// `failed` for those it could not reach (a status each, no contacts).
    WhatsappGroupStatus {
        waba_id: String,
        phone_number_id: String,
        message_id: String,
        group_id: String,
        status: MessageStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<StatusError>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        biz_opaque_callback_data: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        participants: Vec<GroupRecipient>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pricing: Option<Pricing>,
    },
    /// A WhatsApp call's event (`calls[]`: `connect`, `terminate`) or the
    /// status of a business-initiated call (`statuses[]`: `RINGING`,
    /// `ACCEPTED`, `REJECTED`), on the `calls` field.
    WhatsappCall {
        waba_id: String,
        phone_number_id: String,
        /// The user's phone digits.
        consumer: String,
        item: Value,
        /// `item` is a `statuses[]` item, not a `calls[]` one.
        status: bool,
    },
    /// A template's review outcome or lifecycle change
    /// (`message_template_status_update`).
    WhatsappTemplateStatus {
        waba_id: String,
        template_id: String,
        name: String,
        language: String,
        category: String,
        /// `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, `DELETED`, …
        event: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// What the event adds: `rejection_info`, `other_info` (pauses) or
        /// `disable_info`, as members of an object.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        info: Option<Value>,
    },
    /// A message a business onboarded from the WhatsApp Business app sent
    /// from the app or a companion (`smb_message_echoes`).
    WhatsappMessageEcho {
        waba_id: String,
        phone_number_id: String,
        message_id: String,
        /// The consumer's phone digits.
        to: String,
        to_user_id: String,
        /// Their parent BSUID, when the portfolio is enrolled for one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_parent_user_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// Meta's message object: `{"type": "text", "text": {…}}`.
        message: Value,
    },
    /// A consumer stopped or resumed the marketing messages of a business
    /// number's portfolio (`user_preferences`).
    WhatsappUserPreference {
        waba_id: String,
        phone_number_id: String,
        /// The consumer's phone digits; absent when the business number may
        /// not see the phone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wa_id: Option<String>,
        user_id: String,
        /// Their parent BSUID, when the portfolio is enrolled for one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent_user_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        preference: MarketingPreference,
    },
    /// The business's WhatsApp Business app contacts (`smb_app_state_sync`).
    WhatsappAppStateSync {
        waba_id: String,
        phone_number_id: String,
        contacts: Vec<SyncedContact>,
    },
    /// One webhook of the business's chat history (`history`).
    WhatsappHistory {
        waba_id: String,
        phone_number_id: String,
        part: HistoryPart,
    },
    /// A change of the WABA's connection (`account_update`): a coexistence
    /// number disconnected (`PARTNER_REMOVED` with `disconnection_info`) or
    /// offboarded (`ACCOUNT_OFFBOARDED`).
    WhatsappAccountUpdate {
        waba_id: String,
        /// The business number's digits, on the events that carry it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone_number: Option<String>,
        event: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        disconnection: Option<Disconnection>,
    },
    /// A Multi-Partner Solution was created or changed status
    /// (`partner_solutions`): one event per party app, addressed to the
    /// business portfolio that owns it.
    WhatsappSolution {
        business_id: String,
        app_id: String,
        solution_id: String,
        /// `SOLUTION_CREATED` or `SOLUTION_UPDATED`.
        event: String,
        /// `INITIATED`, `ACTIVE`, `REJECTED`, `PENDING_DEACTIVATION`, `DEACTIVATED`.
        status: String,
    },
    /// A business number's calling settings changed (`account_settings_update`,
    /// `type: phone_number_settings`); `settings` is the
    /// `phone_number_settings` object.
    WhatsappPhoneSettings {
        waba_id: String,
        phone_number_id: String,
        settings: Value,
    },
    /// A change of one of the WABA's Flows (`flows`): `value` is Meta's
    /// (`{"event", "message", "flow_id", …}`).
    WhatsappFlow { waba_id: String, value: Value },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    pub seq: u64,
    pub time: i64,
    #[serde(flatten)]
    pub payload: EventPayload,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EventLog {
    next_seq: u64,
    events: Vec<Event>,
    /// Events dropped by retention, all older than the first one kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    dropped: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

impl EventLog {
    /// Refuse a log (from a snapshot) whose events are not in order up to its
    /// next sequence number, or whose counter is out of range.
    pub fn check(&self) -> Result<(), Invalid> {
        counter("events.next_seq", self.next_seq)?;
        in_range("events.dropped", self.dropped, 0, self.next_seq)?;
        ascending(
            "events",
            self.events.iter().map(|event| event.seq),
            self.next_seq,
        )
    }

    /// The seq of the newest event ever emitted (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn emit(&mut self, time: i64, payload: EventPayload) {
        self.next_seq = self.next_seq.saturating_add(1);
        self.events.push(Event {
            seq: self.next_seq,
            time,
            payload,
        });
    }

    /// How many events retention dropped (the oldest ones).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Keep the newest `limit` events, dropping older ones once they are
    /// routed (at or below `routed_upto`); cut back in steps (see [`over_limit`]).
    pub fn keep_newest(&mut self, limit: usize, routed_upto: u64) {
        if !over_limit(self.events.len(), limit) {
            return;
        }
        let routed = self.events.partition_point(|e| e.seq <= routed_upto);
        let cut = (self.events.len() - limit).min(routed);
        self.events.drain(..cut);
        self.dropped = self.dropped.saturating_add(cut as u64);
    }

    pub fn all(&self) -> &[Event] {
        &self.events
    }

    /// The events after `seq` (seqs start at 1 and grow by one, so this is a slice).
    pub fn after(&self, seq: u64) -> &[Event] {
        let start = self.events.partition_point(|e| e.seq <= seq);
        &self.events[start..]
    }
}
