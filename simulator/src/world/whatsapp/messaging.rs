//! Messages between business numbers and consumers: sending (with the
//! 24-hour customer-service window, throughput and pair limits on the virtual
//! clock), the status of each message (sent → delivered → read, or failed with
//! Meta's asynchronous error), inbound messages that open the window, and
//! read receipts both ways. Every status and inbound message is a domain event.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::consumers::Consumer;
use super::official::OfficialMessage;
use serde_json::{Value, json};

use super::templates::{Template, TemplateRefusal};
use crate::world::bounds::{counter, in_range};
use crate::world::encode::EncodedJson;
use crate::world::events::{EventPayload, Pricing, StatusError};
use crate::world::retention::over_limit;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The customer-service window: 24 hours from the consumer's last message.
pub const SERVICE_WINDOW_SECONDS: i64 = 24 * 3600;

/// Messaging limits, per sandbox (0 turns a limit off).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MessagingLimits {
    /// Messages per virtual second per business number (130429 beyond).
    #[serde(default = "default_throughput")]
    pub throughput_per_second: u32,
    /// Messages to one consumer that may go out back to back (131056 beyond)…
    #[serde(default = "default_pair_burst")]
    pub pair_burst: u32,
    /// …after which one more is allowed every this many virtual seconds.
    #[serde(default = "default_pair_interval")]
    pub pair_interval_seconds: i64,
    /// Marketing templates one consumer receives per window (131049 beyond).
    #[serde(
        default = "default_marketing_per_consumer",
        skip_serializing_if = "is_default_marketing_per_consumer"
    )]
    pub marketing_per_consumer: u32,
    #[serde(
        default = "default_marketing_window",
        skip_serializing_if = "is_default_marketing_window"
    )]
    pub marketing_window_seconds: i64,
}

fn default_throughput() -> u32 {
    80
}
fn default_pair_burst() -> u32 {
    20
}
fn default_pair_interval() -> i64 {
    6
}
fn default_marketing_per_consumer() -> u32 {
    2
}
fn is_default_marketing_per_consumer(value: &u32) -> bool {
    *value == default_marketing_per_consumer()
}
fn default_marketing_window() -> i64 {
    24 * 3600
}
fn is_default_marketing_window(value: &i64) -> bool {
    *value == default_marketing_window()
}

impl MessagingLimits {
    /// Refuse limits out of range (Meta's highest throughput is 1,000 messages
    /// a second; an interval is at most a day, a marketing window a year).
    pub fn check(&self) -> Result<(), Invalid> {
        let field = "messaging_limits.throughput_per_second";
        in_range(field, self.throughput_per_second, 0, 100_000)?;
        in_range("messaging_limits.pair_burst", self.pair_burst, 0, 100_000)?;
        let field = "messaging_limits.pair_interval_seconds";
        in_range(field, self.pair_interval_seconds, 0, 86_400)?;
        let field = "messaging_limits.marketing_per_consumer";
        in_range(field, self.marketing_per_consumer, 0, 100_000)?;
        let field = "messaging_limits.marketing_window_seconds";
        in_range(field, self.marketing_window_seconds, 0, 31_536_000)?;
        Ok(())
    }
}

impl Default for MessagingLimits {
    fn default() -> Self {
        Self {
            throughput_per_second: default_throughput(),
            pair_burst: default_pair_burst(),
            pair_interval_seconds: default_pair_interval(),
            marketing_per_consumer: default_marketing_per_consumer(),
            marketing_window_seconds: default_marketing_window(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Outbound,
    Inbound,
}

/// Where a message is: Meta's status names, as webhooks and inboxes show them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Outbound, taken by the API and not yet sent.
    Accepted,
    Sent,
    Delivered,
    Read,
    Failed,
    /// Inbound, not yet read by the business.
    Received,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WaMessage {
    pub seq: u64,
    pub id: String,
    pub phone_number_id: String,
    /// The consumer's phone digits.
    pub consumer: String,
    pub direction: Direction,
    /// Meta's message object: `{"type": "text", "text": {…}, "context"?: {…}}`,
    /// kept as its encoded text (one allocation per message instead of a tree;
    /// `message.to_value()` reads it).
    pub message: EncodedJson,
    /// What the consumer reads, for templates (placeholders filled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendered: Option<String>,
    pub time: i64,
    /// Outbound: `sent`, `delivered`, `read` or `failed`. Inbound: `received` or `read`.
    pub status: MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<StatusError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<Pricing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_opaque_callback_data: Option<String>,
    /// Sent to the consumer's BSUID (`recipient`) rather than to the phone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub addressed_by_user_id: bool,
    /// A message to a group: where it is with each participant it reached
    /// (at most a group's 8), in joining order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<Receipt>,
}

/// Where a group message is with one participant: `delivered` or `read`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Receipt {
    /// The participant's phone digits.
    pub participant: String,
    pub status: MessageStatus,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
struct PairBucket {
    tokens: u32,
    updated: i64,
}

/// All messaging state of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Messaging {
    next_seq: u64,
    pub messages: BTreeMap<String, WaMessage>,
    /// `{phone_number_id}/{consumer}` -> time of the consumer's last message.
    windows: BTreeMap<String, i64>,
    /// phone_number_id -> (virtual second, messages in it).
    throughput: BTreeMap<String, (i64, u32)>,
    /// Messages from Meta's own senders (verification codes), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub official: Vec<OfficialMessage>,
    /// `{phone_number_id}/{consumer}` -> pair-limit bucket.
    pairs: BTreeMap<String, PairBucket>,
    /// Messages dropped by retention (the oldest ones).
    #[serde(default, skip_serializing_if = "is_zero")]
    dropped: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

impl Messaging {
    /// Refuse a counter (from a snapshot) out of range.
    pub fn check(&self) -> Result<(), Invalid> {
        counter("whatsapp.messaging.next_seq", self.next_seq)?;
        in_range("whatsapp.messaging.dropped", self.dropped, 0, self.next_seq)?;
        Ok(())
    }

    /// How many messages retention dropped (the oldest ones).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Keep the newest `limit` messages; cut back in steps (see [`over_limit`]).
    pub fn keep_newest(&mut self, limit: usize) {
        if !over_limit(self.messages.len(), limit) {
            return;
        }
        let mut seqs: Vec<u64> = self.messages.values().map(|m| m.seq).collect();
        let excess = seqs.len() - limit;
        // Seqs are unique: exactly `excess` messages are at or below this one.
        let newest_dropped = *seqs.select_nth_unstable(excess - 1).1;
        self.messages.retain(|_, m| m.seq > newest_dropped);
        self.dropped = self.dropped.saturating_add(excess as u64);
    }

    /// The place of the next message (business or official) in the order of events.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq = self.next_seq.saturating_add(1);
        self.next_seq
    }

    /// The place of the newest message so far (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    /// Messages in the order they happened.
    pub fn in_order(&self) -> Vec<&WaMessage> {
        let mut all: Vec<&WaMessage> = self.messages.values().collect();
        all.sort_by_key(|m| m.seq);
        all
    }
}

fn pair_key(phone_number_id: &str, consumer: &str) -> String {
    format!("{phone_number_id}/{consumer}")
}

/// What the business asks to send, after the API layer checked its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbound {
    /// The recipient's phone digits (resolved from `to` or `recipient`).
    pub to: String,
    /// Meta's message object (`type`, the type's object, `context`).
    pub message: Value,
    /// For templates: name, language and the send's components.
    pub template: Option<TemplateSend>,
    pub biz_opaque_callback_data: Option<String>,
    /// Addressed by BSUID (`recipient`) rather than by phone (`to`).
    pub by_user_id: bool,
    /// Which API sends it.
    pub channel: SendChannel,
    /// The identity key hash the business last saw for the recipient
    /// (`recipient_identity_key_hash`), checked when the number asks.
    pub recipient_identity_key_hash: Option<String>,
}

/// The API a message goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendChannel {
    /// `POST /{phone-number-id}/messages`.
    CloudApi,
    /// `POST /{phone-number-id}/marketing_messages` (Marketing Messages Lite):
    /// marketing templates only.
    MarketingLite,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TemplateSend {
    pub name: String,
    pub language: String,
    pub components: Value,
}

/// Why a send is refused synchronously.
#[derive(Debug, Clone, PartialEq)]
pub enum SendRefusal {
    /// 133010: the sender is not registered with the Cloud API.
    NotRegistered,
    /// 130429: over the number's throughput.
    Throughput,
    /// 131056: too many messages to this consumer too fast.
    PairLimit,
    /// 131062: this message needs a phone number, not a BSUID (authentication templates).
    UserIdNotSupported,
    /// 131021: the recipient is the sending number itself.
    RecipientIsSender,
    /// 131063: the WABA sends marketing templates only through MM Lite.
    MarketingDisabledOnCloudApi,
    /// The Marketing Messages Lite API sends marketing templates only.
    NotMarketing,
    /// 131009: `to` is not a group of this number (unknown or deleted).
    UnknownGroup,
    /// 100: groups take no authentication templates.
    NotForGroups,
    /// 131207: WhatsApp suspended the group.
    GroupSuspended,
    /// 131215: the number may not use the Groups API.
    GroupsIneligible(super::group_policy::Ineligible),
    Template(TemplateRefusal),
}

/// Why an inbound message cannot be delivered to the business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundRefusal {
    UnknownConsumer,
    NotOnWhatsapp,
    UnknownBusinessNumber,
    NumberNotRegistered,
    Blocked,
    /// The business number blocked this consumer.
    BlockedByBusiness,
}

/// Meta's 131026: the recipient cannot receive the message (not on
/// WhatsApp, or a block between them and the business).
pub(super) fn undeliverable_failure() -> StatusError {
    failure(131026, "Message undeliverable", "Message Undeliverable.")
}

/// Meta's 131047: a free-form message outside the customer-service window.
pub(super) fn reengagement_failure() -> StatusError {
    failure(
        131047,
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    )
}

fn failure(code: i64, title: &str, details: &str) -> StatusError {
    StatusError {
        code,
        title: title.to_owned(),
        details: details.to_owned(),
    }
}

impl Sandbox {
    /// Is the 24-hour window between this number and consumer (or one of its
    /// groups, by the group's id) open?
    pub fn window_open(&self, phone_number_id: &str, consumer: &str) -> bool {
        let now = self.clock.now();
        self.whatsapp
            .messaging
            .windows
            .get(&pair_key(phone_number_id, consumer))
            .is_some_and(|last| now < last.saturating_add(SERVICE_WINDOW_SECONDS))
    }

    pub fn find_template(&self, waba_id: &str, name: &str, language: &str) -> Option<&Template> {
        self.whatsapp
            .templates
            .values()
            .map(Box::as_ref)
            .find(|t| t.waba_id == waba_id && t.name == name && t.language == language)
    }

    /// The WABA's template named by `send`, filled: (what the consumer
    /// reads, its category in lower case).
    pub(super) fn render_template(
        &self,
        waba_id: &str,
        send: &TemplateSend,
    ) -> Result<(String, String), SendRefusal> {
        let template = self
            .find_template(waba_id, &send.name, &send.language)
            .ok_or_else(|| {
                SendRefusal::Template(TemplateRefusal::DoesNotExist {
                    name: send.name.clone(),
                    language: send.language.clone(),
                })
            })?;
        let rendered = template
            .render(&send.components)
            .map_err(SendRefusal::Template)?;
        Ok((rendered, template.category.to_ascii_lowercase()))
    }

    pub(super) fn check_rate_limits(
        &mut self,
        phone_number_id: &str,
        consumer: &str,
    ) -> Result<(), SendRefusal> {
        let now = self.clock.now();
        let limits = self.options.messaging_limits;
        let per_second = self.throughput_limit(phone_number_id);
        if per_second > 0 {
            let second = self
                .whatsapp
                .messaging
                .throughput
                .entry(phone_number_id.to_owned())
                .or_insert((now, 0));
            if second.0 != now {
                *second = (now, 0);
            }
            if second.1 >= per_second {
                return Err(SendRefusal::Throughput);
            }
            second.1 = second.1.saturating_add(1);
        }
        if limits.pair_burst > 0 {
            let bucket = self
                .whatsapp
                .messaging
                .pairs
                .entry(pair_key(phone_number_id, consumer))
                .or_insert(PairBucket {
                    tokens: limits.pair_burst,
                    updated: now,
                });
            if limits.pair_interval_seconds > 0 {
                let earned = now.saturating_sub(bucket.updated) / limits.pair_interval_seconds;
                if earned > 0 {
                    bucket.tokens = bucket
                        .tokens
                        .saturating_add(u32::try_from(earned).unwrap_or(u32::MAX))
                        .min(limits.pair_burst);
                    // Keep the part of an interval already waited, unless full.
                    bucket.updated = if bucket.tokens == limits.pair_burst {
                        now
                    } else {
                        bucket
                            .updated
                            .saturating_add(earned.saturating_mul(limits.pair_interval_seconds))
                    };
                }
            }
            if bucket.tokens == 0 {
                return Err(SendRefusal::PairLimit);
            }
            bucket.tokens -= 1;
        }
        Ok(())
    }

    /// `POST /{phone-number-id}/messages`: accept a message and decide its fate.
    /// Returns the new wamid; failures after acceptance are `failed` statuses.
    pub fn send_message(
        &mut self,
        phone_number_id: &str,
        outbound: Outbound,
    ) -> Result<String, SendRefusal> {
        let phone = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .ok_or(SendRefusal::NotRegistered)?;
        if !phone.is_registered() {
            return Err(SendRefusal::NotRegistered);
        }
        if phone.digits == outbound.to {
            return Err(SendRefusal::RecipientIsSender);
        }
        let waba_id = phone.waba_id.clone();
        let (rendered, category) = match &outbound.template {
            Some(send) => {
                let (rendered, category) = self.render_template(&waba_id, send)?;
                (Some(rendered), category)
            }
            None => (None, "service".to_owned()),
        };
        if outbound.by_user_id && category == "authentication" {
            return Err(SendRefusal::UserIdNotSupported);
        }
        match outbound.channel {
            SendChannel::MarketingLite if category != "marketing" => {
                return Err(SendRefusal::NotMarketing);
            }
            SendChannel::CloudApi
                if category == "marketing"
                    && self
                        .whatsapp
                        .wabas
                        .get(&waba_id)
                        .is_some_and(|w| w.settings.disable_marketing_messages_on_cloud_api) =>
            {
                return Err(SendRefusal::MarketingDisabledOnCloudApi);
            }
            _ => {}
        }
        self.check_rate_limits(phone_number_id, &outbound.to)?;
        let id = self.ids.wamid(&outbound.to, false);
        let now = self.clock.now();
        let mut message = WaMessage {
            seq: self.whatsapp.messaging.next_seq(),
            id: id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            consumer: outbound.to.clone(),
            direction: Direction::Outbound,
            message: EncodedJson::from_value(&outbound.message),
            rendered,
            time: now,
            status: MessageStatus::Accepted,
            error: None,
            pricing: None,
            biz_opaque_callback_data: outbound.biz_opaque_callback_data,
            addressed_by_user_id: outbound.by_user_id,
            receipts: Vec::new(),
        };
        let free = category == "service"
            || (category == "utility" && self.window_open(phone_number_id, &outbound.to));
        let failure = self
            .media_failure(&outbound.message)
            .or_else(|| {
                self.delivery_failure(
                    phone_number_id,
                    &outbound.to,
                    outbound.template.is_some(),
                    &category,
                )
            })
            .or_else(|| {
                self.identity_failure(
                    phone_number_id,
                    &outbound.to,
                    outbound.recipient_identity_key_hash.as_deref(),
                )
            })
            .or_else(|| self.payment_failure(&waba_id, !free))
            .or_else(|| self.marketing_cap_failure(&outbound.to, &category));
        match failure {
            Some(error) => {
                message.status = MessageStatus::Failed;
                message.error = Some(error);
                self.emit_status(&waba_id, &message);
            }
            None => {
                if category == "marketing" {
                    self.record_marketing(&outbound.to);
                }
                message.pricing = Some(Pricing {
                    billable: !free,
                    pricing_model: "PMP".to_owned(),
                    pricing_type: if free {
                        "free_customer_service"
                    } else {
                        "regular"
                    }
                    .to_owned(),
                    category,
                });
                // Both statuses name the same recipient: its BSUID is worked out once.
                message.status = MessageStatus::Sent;
                if let Some(sent) = self.status_payload(&waba_id, &message) {
                    let mut delivered = sent.clone();
                    if let EventPayload::WhatsappStatus { status, .. } = &mut delivered {
                        *status = MessageStatus::Delivered;
                    }
                    let now = self.clock.now();
                    self.events.emit(now, sent);
                    self.events.emit(now, delivered);
                }
                message.status = MessageStatus::Delivered;
                self.record_exchange(phone_number_id, &outbound.to);
            }
        }
        self.whatsapp.messaging.messages.insert(id.clone(), message);
        Ok(id)
    }

    /// A media message by `id` whose media does not exist (or expired) fails.
    pub(super) fn media_failure(&self, message: &Value) -> Option<StatusError> {
        let kind = message.get("type").and_then(Value::as_str)?;
        if !matches!(kind, "image" | "audio" | "video" | "document" | "sticker") {
            return None;
        }
        let id = message.get(kind)?.get("id")?.as_str()?;
        self.live_media(id).is_none().then(|| {
            failure(
                131053,
                "Media upload error",
                "Unable to retrieve the media: the media id does not exist or has expired.",
            )
        })
    }

    /// Can the consumer receive this number's messages: on WhatsApp, and no
    /// block either way?
    pub(super) fn reachable(&self, phone_number_id: &str, consumer: &str) -> bool {
        self.whatsapp.consumers.get(consumer).is_some_and(|person| {
            person.on_whatsapp
                && !person.blocked.contains(phone_number_id)
                && !self.business_blocked(phone_number_id, consumer)
        })
    }

    /// The asynchronous failure a message meets, if any.
    fn delivery_failure(
        &self,
        phone_number_id: &str,
        to: &str,
        is_template: bool,
        category: &str,
    ) -> Option<StatusError> {
        let reachable = |_: &&Consumer| self.reachable(phone_number_id, to);
        let Some(consumer) = self.whatsapp.consumers.get(to).filter(reachable) else {
            return Some(undeliverable_failure());
        };
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        if category == "marketing" && consumer.marketing_opt_out.contains(&business) {
            return Some(failure(
                131050,
                "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
                "The recipient stopped marketing messages from this business.",
            ));
        }
        let window_open = self.window_open(phone_number_id, to);
        if category == "marketing" && consumer.marketing_experiment && !window_open {
            return Some(failure(
                130472,
                "User's number is part of an experiment",
                "Failed to send message because this user's phone number is part of an experiment.",
            ));
        }
        if !is_template && !window_open {
            return Some(reengagement_failure());
        }
        None
    }

    fn emit_status(&mut self, waba_id: &str, message: &WaMessage) {
        if let Some(payload) = self.status_payload(waba_id, message) {
            let now = self.clock.now();
            self.events.emit(now, payload);
        }
    }

    /// The status event of `message` as it stands, if it has one.
    fn status_payload(&self, waba_id: &str, message: &WaMessage) -> Option<EventPayload> {
        // What a business sends in the WhatsApp Business app has no Cloud
        // API statuses (an integration hears of it as an echo).
        if self.sent_from_business_app(&message.id) {
            return None;
        }
        let business = self
            .business_of_phone(&message.phone_number_id)
            .unwrap_or_default();
        Some(EventPayload::WhatsappStatus {
            waba_id: waba_id.to_owned(),
            phone_number_id: message.phone_number_id.clone(),
            message_id: message.id.clone(),
            status: message.status,
            recipient: (!message.addressed_by_user_id
                || self.phone_visible(&message.phone_number_id, &message.consumer))
            .then(|| message.consumer.clone()),
            addressed_by_user_id: message.addressed_by_user_id,
            recipient_user_id: self.bsuid(&message.consumer, &business),
            recipient_parent_user_id: self.parent_bsuid(&message.consumer, &business),
            pricing: if message.status == MessageStatus::Failed {
                None
            } else {
                message.pricing.clone()
            },
            error: message.error.clone(),
            biz_opaque_callback_data: message.biz_opaque_callback_data.clone(),
        })
    }

    /// A consumer sends a message to a business number; it opens (or restarts)
    /// the customer-service window.
    pub fn receive_message(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
        mut message: Value,
    ) -> Result<String, InboundRefusal> {
        let person = self
            .whatsapp
            .consumers
            .get(consumer)
            .ok_or(InboundRefusal::UnknownConsumer)?
            .clone();
        if !person.on_whatsapp {
            return Err(InboundRefusal::NotOnWhatsapp);
        }
        let phone = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .ok_or(InboundRefusal::UnknownBusinessNumber)?
            .clone();
        if !phone.is_registered() {
            return Err(InboundRefusal::NumberNotRegistered);
        }
        if person.blocked.contains(phone_number_id) {
            return Err(InboundRefusal::Blocked);
        }
        if self.business_blocked(phone_number_id, consumer) {
            return Err(InboundRefusal::BlockedByBusiness);
        }
        self.complete_media(phone_number_id, &mut message);
        if let Some(context) = message.get_mut("context") {
            let replied_to = context
                .get("message_id")
                .or_else(|| context.get("id"))
                .cloned()
                .unwrap_or(Value::Null);
            *context = json!({ "from": phone.digits, "id": replied_to });
        }
        self.count_quick_reply(consumer, &message);
        let visible = self.phone_visible(phone_number_id, consumer);
        let id = self.ids.wamid(consumer, true);
        let now = self.clock.now();
        // A participant's group message opens (or refreshes) the window of
        // the whole group, not a 1:1 one with that participant.
        let window = message
            .get("group_id")
            .and_then(Value::as_str)
            .unwrap_or(consumer);
        let window = pair_key(phone_number_id, window);
        self.whatsapp.messaging.windows.insert(window, now);
        let record = WaMessage {
            seq: self.whatsapp.messaging.next_seq(),
            id: id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            consumer: consumer.to_owned(),
            direction: Direction::Inbound,
            message: EncodedJson::from_value(&message),
            rendered: None,
            time: now,
            status: MessageStatus::Received,
            error: None,
            pricing: None,
            biz_opaque_callback_data: None,
            addressed_by_user_id: false,
            receipts: Vec::new(),
        };
        self.whatsapp.messaging.messages.insert(id.clone(), record);
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        let payload = EventPayload::WhatsappInbound {
            waba_id: phone.waba_id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            message_id: id.clone(),
            from: visible.then(|| consumer.to_owned()),
            from_user_id: self.bsuid(consumer, &business),
            from_parent_user_id: self.parent_bsuid(consumer, &business),
            profile_name: person.name.clone(),
            username: person.username.clone(),
            identity_key_hash: self.checked_identity_key_hash(phone_number_id, consumer),
            message,
        };
        self.events.emit(now, payload);
        self.record_exchange(phone_number_id, consumer);
        Ok(id)
    }

    /// The consumer reads what they received (all, or the given ids): each
    /// delivered message becomes `read`. Returns how many changed.
    pub fn consumer_reads(&mut self, consumer: &str, ids: Option<&[String]>) -> usize {
        let targets: Vec<String> = self
            .whatsapp
            .messaging
            .in_order()
            .into_iter()
            .filter(|m| {
                m.direction == Direction::Outbound
                    && m.consumer == consumer
                    && m.status == MessageStatus::Delivered
            })
            .filter(|m| ids.is_none_or(|ids| ids.contains(&m.id)))
            .map(|m| m.id.clone())
            .collect();
        for id in &targets {
            let Some(message) = self.whatsapp.messaging.messages.get_mut(id) else {
                continue;
            };
            message.status = MessageStatus::Read;
            let message = message.clone();
            let waba_id = self
                .whatsapp
                .phone_numbers
                .get(&message.phone_number_id)
                .map(|p| p.waba_id.clone())
                .unwrap_or_default();
            self.emit_status(&waba_id, &message);
        }
        targets.len()
    }

    /// The business marks an inbound message read (and, as Meta does, the
    /// earlier messages of that conversation). False when no such message.
    pub fn business_reads(&mut self, phone_number_id: &str, message_id: &str) -> bool {
        let Some(target) = self.whatsapp.messaging.messages.get(message_id).cloned() else {
            return false;
        };
        if target.direction != Direction::Inbound || target.phone_number_id != phone_number_id {
            return false;
        }
        for message in self.whatsapp.messaging.messages.values_mut() {
            if message.direction == Direction::Inbound
                && message.phone_number_id == phone_number_id
                && message.consumer == target.consumer
                && message.seq <= target.seq
            {
                message.status = MessageStatus::Read;
            }
        }
        true
    }
}
