//! Messages in a business's WhatsApp groups (Meta's Groups messaging): the
//! business sends text, media and non-authentication templates to a group
//! through `POST /{phone-number-id}/messages` (`recipient_type: "group"`), and
//! its status (`sent` or `failed`) names the group; a participant's message
//! reaches the business as an ordinary inbound message carrying `group_id`.
//! Groups have no customer-service window: a business may write at any time
//! and a participant's message opens no 1:1 window.

use serde_json::{Value, json};

use super::groups::ConsumerGroupError;
use super::messaging::{
    Direction, InboundRefusal, MessageStatus, SendRefusal, TemplateSend, WaMessage,
};
use crate::world::encode::EncodedJson;
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;

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
        let phone = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .filter(|p| p.is_registered())
            .ok_or(SendRefusal::NotRegistered)?;
        let waba_id = phone.waba_id.clone();
        if self
            .whatsapp
            .groups
            .get(&outbound.group_id)
            .is_none_or(|g| g.phone_number_id != phone_number_id)
        {
            return Err(SendRefusal::UnknownGroup);
        }
        let rendered = match &outbound.template {
            Some(send) => {
                let (rendered, category) = self.render_template(&waba_id, send)?;
                if category == "authentication" {
                    return Err(SendRefusal::NotForGroups);
                }
                Some(rendered)
            }
            None => None,
        };
        self.check_rate_limits(phone_number_id, &outbound.group_id)?;
        let id = self.ids.wamid(&outbound.group_id, false);
        let error = self.media_failure(&outbound.message);
        let message = WaMessage {
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
        };
        self.events.emit(
            message.time,
            EventPayload::WhatsappGroupStatus {
                waba_id,
                phone_number_id: phone_number_id.to_owned(),
                message_id: id.clone(),
                group_id: outbound.group_id,
                status: message.status,
                error: message.error.clone(),
                biz_opaque_callback_data: message.biz_opaque_callback_data.clone(),
            },
        );
        self.whatsapp.messaging.messages.insert(id.clone(), message);
        Ok(id)
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
        let phone_number_id = group.phone_number_id.clone();
        message["group_id"] = json!(group_id);
        self.receive_message(consumer, &phone_number_id, message)
            .map_err(GroupWriteRefusal::Inbound)
    }
}
