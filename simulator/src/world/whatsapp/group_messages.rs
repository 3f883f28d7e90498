//! Messages in a business's WhatsApp groups (Meta's Groups messaging): the
//! business sends text, media and non-authentication templates to a group
//! through `POST /{phone-number-id}/messages` (`recipient_type: "group"`);
//! its `sent` or `failed` status names the group, and each participant it
//! reached reports `delivered` at once (one aggregated webhook) and `read`
//! when they read it; those it cannot reach (not on WhatsApp, or a block
//! either way) report `failed` with 131026 in another. A participant's
//! message reaches the business as an ordinary inbound message carrying
//! `group_id`; it opens (or refreshes) a 24-hour customer-service window with the whole
//! group, never a 1:1 one: inside it the business may send free-form
//! messages (free, as are utility templates); outside it only templates,
//! and a free-form send is accepted and then fails with 131047.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::groups::ConsumerGroupError;
use super::messaging::{
    Direction, InboundRefusal, MessageStatus, Receipt, SendRefusal, TemplateSend, WaMessage,
    reengagement_failure, undeliverable_failure,
};
use crate::world::encode::EncodedJson;
use crate::world::events::{EventPayload, Pricing, StatusError};
use crate::world::sandbox::Sandbox;

/// A participant as a `delivered` or `read` group status names them: the
/// phone only when the business number may see it, always the BSUID.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupRecipient {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<String>,
    pub user_id: String,
    /// Their parent BSUID, when the portfolio is enrolled for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// Meta's group pricing (`group_marketing`, `group_utility`, `group_service`):
/// each delivery of a billable message is billed. Free-form messages (sent
/// only in the group's window) are free, and so is a utility template sent
/// while the window is open, as in 1:1 chats.
fn group_pricing(category: &str, window_open: bool) -> Pricing {
    let billable = !(category == "service" || (category == "utility" && window_open));
    Pricing {
        billable,
        pricing_model: "PMP".to_owned(),
        pricing_type: if billable {
            "regular"
        } else {
            "free_customer_service"
        }
        .to_owned(),
        category: format!("group_{category}"),
    }
}

/// What one group status webhook reports.
struct GroupStatus {
    status: MessageStatus,
    error: Option<StatusError>,
    pricing: Option<Pricing>,
}

/// What the business sends to a group, after the API layer checked its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupOutbound {
    pub group_id: String,
    /// Meta's message object (`type`, the type's object, `context`).
    pub message: Value,
    pub template: Option<TemplateSend>,
    pub biz_opaque_callback_data: Option<String>,
}

/// Why a participant's message did not reach the business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupWriteRefusal {
    Group(ConsumerGroupError),
    Inbound(InboundRefusal),
}

impl Sandbox {
    /// The business sends a message to one of its number's groups. Returns
    /// the new wamid; a message that cannot be delivered is a `failed` status.
    pub fn send_group_message(
        &mut self,
        phone_number_id: &str,
        outbound: GroupOutbound,
    ) -> Result<String, SendRefusal> {
        let waba_id = self.group_send_allowed(phone_number_id, &outbound.group_id)?;
        let (rendered, category) = match &outbound.template {
            Some(send) => {
                let (rendered, category) = self.render_template(&waba_id, send)?;
                if category == "authentication" {
                    return Err(SendRefusal::NotForGroups);
                }
                (Some(rendered), category)
            }
            None => (None, "service".to_owned()),
        };
        self.check_rate_limits(phone_number_id, &outbound.group_id)?;
        let id = self.ids.wamid(&outbound.group_id, false);
        let window_open = self.window_open(phone_number_id, &outbound.group_id);
        let error = self
            .media_failure(&outbound.message)
            .or_else(|| (outbound.template.is_none() && !window_open).then(reengagement_failure));
        let mut message = WaMessage {
            seq: self.whatsapp.messaging.next_seq(),
            id: id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            consumer: outbound.group_id.clone(),
            direction: Direction::Outbound,
            message: EncodedJson::from_value(&outbound.message),
            rendered,
            time: self.clock.now(),
            status: if error.is_some() {
                MessageStatus::Failed
            } else {
                MessageStatus::Sent
            },
            error,
            pricing: None,
            biz_opaque_callback_data: outbound.biz_opaque_callback_data,
            addressed_by_user_id: false,
            receipts: Vec::new(),
        };
        self.emit_group_status(&message, &[]);
        if message.status == MessageStatus::Sent {
            message.pricing = Some(group_pricing(&category, window_open));
            // Everyone in the group who can receive it now does, as a 1:1
            // message is delivered the moment it is sent; the others (not on
            // WhatsApp, or a block either way) fail with 131026, unbilled.
            let (reached, unreachable): (Vec<String>, Vec<String>) = self
                .whatsapp
                .groups
                .get(&outbound.group_id)
                .map(|g| g.participants.clone())
                .unwrap_or_default()
                .into_iter()
                .partition(|p| self.reachable(phone_number_id, p));
            message.receipts = reached
                .iter()
                .map(|participant| Receipt {
                    participant: participant.clone(),
                    status: MessageStatus::Delivered,
                })
                .collect();
            if !reached.is_empty() {
                self.emit_group_status(&message, &reached);
            }
            if !unreachable.is_empty() {
                let recipients = self.group_recipients(phone_number_id, &unreachable);
                let failed = GroupStatus {
                    status: MessageStatus::Failed,
                    error: Some(undeliverable_failure()),
                    pricing: None,
                };
                self.emit_group_event(&message, failed, recipients);
            }
        }
        self.whatsapp.messaging.messages.insert(id.clone(), message);
        Ok(id)
    }

    /// May this number send into the group (registered, eligible for groups,
    /// its own group, not suspended)? Returns the number's WABA.
    pub(super) fn group_send_allowed(
        &self,
        phone_number_id: &str,
        group_id: &str,
    ) -> Result<String, SendRefusal> {
        let phone = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .filter(|p| p.is_registered())
            .ok_or(SendRefusal::NotRegistered)?;
        let waba_id = phone.waba_id.clone();
        self.groups_eligibility(phone_number_id)
            .map_err(SendRefusal::GroupsIneligible)?;
        if self
            .whatsapp
            .groups
            .get(group_id)
            .is_none_or(|g| g.phone_number_id != phone_number_id)
        {
            return Err(SendRefusal::UnknownGroup);
        }
        if self.group_suspended(group_id) {
            return Err(SendRefusal::GroupSuspended);
        }
        Ok(waba_id)
    }

    /// The group status of `message`: for the group when `participants` is
    /// empty, else one aggregated status of those participants (their
    /// receipts' status).
    fn emit_group_status(&mut self, message: &WaMessage, participants: &[String]) {
        let recipients = self.group_recipients(&message.phone_number_id, participants);
        let status = participants
            .first()
            .and_then(|first| message.receipts.iter().find(|r| &r.participant == first))
            .map_or(message.status, |r| r.status);
        let outcome = GroupStatus {
            status,
            error: message.error.clone(),
            pricing: (!recipients.is_empty())
                .then(|| message.pricing.clone())
                .flatten(),
        };
        self.emit_group_event(message, outcome, recipients);
    }

    /// Participants as a group status names them.
    fn group_recipients(
        &self,
        phone_number_id: &str,
        participants: &[String],
    ) -> Vec<GroupRecipient> {
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        participants
            .iter()
            .map(|digits| {
                let person = self.whatsapp.consumers.get(digits);
                GroupRecipient {
                    wa_id: self
                        .phone_visible(phone_number_id, digits)
                        .then(|| digits.clone()),
                    user_id: self.bsuid(digits, &business),
                    parent_user_id: self.parent_bsuid(digits, &business),
                    name: person.and_then(|p| p.name.clone()),
                    username: person.and_then(|p| p.username.clone()),
                }
            })
            .collect()
    }

    fn emit_group_event(
        &mut self,
        message: &WaMessage,
        outcome: GroupStatus,
        participants: Vec<GroupRecipient>,
    ) {
        let waba_id = self
            .whatsapp
            .groups
            .get(&message.consumer)
            .map(|g| g.waba_id.clone())
            .unwrap_or_default();
        let now = self.clock.now();
        self.events.emit(
            now,
            EventPayload::WhatsappGroupStatus {
                waba_id,
                phone_number_id: message.phone_number_id.clone(),
                message_id: message.id.clone(),
                group_id: message.consumer.clone(),
                status: outcome.status,
                error: outcome.error,
                biz_opaque_callback_data: message.biz_opaque_callback_data.clone(),
                pricing: outcome.pricing,
                participants,
            },
        );
    }

    /// A participant reads the business's messages in a group (all they
    /// have not read, or the given wamids): each becomes `read` for them,
    /// one status webhook per message. Returns how many changed.
    pub fn participant_reads_group(
        &mut self,
        consumer: &str,
        group_id: &str,
        ids: Option<&[String]>,
    ) -> Result<usize, ConsumerGroupError> {
        let group = self.whatsapp.groups.get(group_id).ok_or_else(|| {
            ConsumerGroupError::Unknown(format!("No WhatsApp group {group_id:?}"))
        })?;
        if !group.participants.iter().any(|p| p == consumer) {
            return Err(ConsumerGroupError::Refused(format!(
                "{consumer} is not a participant of group {group_id}"
            )));
        }
        let unread = |m: &&WaMessage| {
            m.direction == Direction::Outbound
                && m.consumer == group_id
                && m.receipts
                    .iter()
                    .any(|r| r.participant == consumer && r.status == MessageStatus::Delivered)
        };
        let targets: Vec<String> = self
            .whatsapp
            .messaging
            .in_order()
            .into_iter()
            .filter(unread)
            .filter(|m| ids.is_none_or(|ids| ids.contains(&m.id)))
            .map(|m| m.id.clone())
            .collect();
        let reader = [consumer.to_owned()];
        for id in &targets {
            let Some(message) = self.whatsapp.messaging.messages.get_mut(id) else {
                continue;
            };
            for receipt in &mut message.receipts {
                if receipt.participant == consumer {
                    receipt.status = MessageStatus::Read;
                }
            }
            let message = message.clone();
            self.emit_group_status(&message, &reader);
        }
        Ok(targets.len())
    }

    /// A participant writes in a group: the business receives it with the
    /// group's id. Returns the new wamid.
    pub fn consumer_writes_to_group(
        &mut self,
        consumer: &str,
        group_id: &str,
        mut message: Value,
    ) -> Result<String, GroupWriteRefusal> {
        let group = self.whatsapp.groups.get(group_id).ok_or_else(|| {
            GroupWriteRefusal::Group(ConsumerGroupError::Unknown(format!(
                "No WhatsApp group {group_id:?}"
            )))
        })?;
        if !group.participants.iter().any(|p| p == consumer) {
            return Err(GroupWriteRefusal::Group(ConsumerGroupError::Refused(
                format!("{consumer} is not a participant of group {group_id}"),
            )));
        }
        if group.suspended {
            return Err(GroupWriteRefusal::Group(ConsumerGroupError::Refused(
                format!("WhatsApp suspended group {group_id}: nobody writes in it"),
            )));
        }
        let phone_number_id = group.phone_number_id.clone();
        message["group_id"] = json!(group_id);
        self.receive_message(consumer, &phone_number_id, message)
            .map_err(GroupWriteRefusal::Inbound)
    }
}
