//! Message history of a business number (`/{phone-number-id}/message_history`,
//! `/{message-history-id}/events`): for each message the number sent, the
//! statuses it went through (`SENT`, `DELIVERED`, `READ`, `FAILED`) with their
//! times and, for a failure, why. A history id is derived from the message's
//! wamid, so it draws no id and needs no registry entry.

use serde_json::{Value, json};

use super::messaging::{Direction, MessageStatus, WaMessage};
use crate::world::events::EventPayload;
use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;

/// One status of a message, as its history shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: String,
    pub delivery_status: &'static str,
    pub timestamp: i64,
    pub error_description: Option<String>,
}

impl HistoryEvent {
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "id": self.id,
            "delivery_status": self.delivery_status,
            "timestamp": self.timestamp,
        });
        if let Some(error) = &self.error_description {
            out["error_description"] = json!(error);
        }
        out
    }
}

/// The message history id of a wamid.
pub fn history_id(wamid: &str) -> String {
    derived_digits(&["message_history", wamid], 16)
}

fn delivery_status(status: MessageStatus) -> Option<&'static str> {
    match status {
        MessageStatus::Sent => Some("SENT"),
        MessageStatus::Delivered => Some("DELIVERED"),
        MessageStatus::Read => Some("READ"),
        MessageStatus::Failed => Some("FAILED"),
        MessageStatus::Accepted | MessageStatus::Received => None,
    }
}

impl Sandbox {
    /// The messages the number sent (only `message_id` when given), in order.
    pub fn sent_messages(
        &self,
        phone_number_id: &str,
        message_id: Option<&str>,
    ) -> Vec<&WaMessage> {
        self.whatsapp
            .messaging
            .in_order()
            .into_iter()
            .filter(|m| m.phone_number_id == phone_number_id && m.direction == Direction::Outbound)
            .filter(|m| message_id.is_none_or(|id| m.id == id))
            .collect()
    }

    /// The sent message a history id names.
    pub fn message_of_history(&self, history: &str) -> Option<&WaMessage> {
        self.whatsapp
            .messaging
            .messages
            .values()
            .find(|m| m.direction == Direction::Outbound && history_id(&m.id) == history)
    }

    /// The statuses of a message, oldest first.
    pub fn history_events(&self, wamid: &str) -> Vec<HistoryEvent> {
        self.events
            .all()
            .iter()
            .filter_map(|event| match &event.payload {
                EventPayload::WhatsappStatus {
                    message_id,
                    status,
                    error,
                    ..
                } if message_id == wamid => Some(HistoryEvent {
                    id: derived_digits(&["history_event", wamid, &event.seq.to_string()], 16),
                    delivery_status: delivery_status(*status)?,
                    timestamp: event.time,
                    error_description: error
                        .as_ref()
                        .map(|e| format!("({}) {}: {}", e.code, e.title, e.details)),
                }),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::messaging::{Outbound, SendChannel};

    #[test]
    fn a_sent_message_has_its_statuses() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let outbound = Outbound {
            to: "15550109999".into(),
            message: json!({ "type": "text", "text": { "body": "Hi" } }),
            template: None,
            biz_opaque_callback_data: None,
            by_user_id: false,
            channel: SendChannel::CloudApi,
            recipient_identity_key_hash: None,
        };
        let wamid = sandbox.send_message(&phone, outbound).unwrap();
        let sent = sandbox.sent_messages(&phone, None);
        assert_eq!(sent.len(), 1);
        let history = history_id(&wamid);
        assert_eq!(sandbox.message_of_history(&history).unwrap().id, wamid);
        let events = sandbox.history_events(&wamid);
        assert_eq!(events.len(), 1, "the window is closed: failed");
        assert_eq!(events[0].delivery_status, "FAILED");
        assert!(
            events[0]
                .error_description
                .as_deref()
                .unwrap()
                .starts_with("(131047)")
        );
    }
}
