//! The webhooks of a WhatsApp Business app number on the Cloud API
//! (coexistence), in Meta's shapes with business-scoped user ids:
//! `smb_message_echoes` (what the business sent from the app or a
//! companion; the parent BSUID as `to_parent_user_id` and the contact's
//! `parent_user_id` once the portfolio is enrolled, as in `history`), `smb_app_state_sync` (its contacts), `history` (its chats in
//! phases and chunks, recent media, or the 2593109 refusal) and
//! `account_update` (`PARTNER_REMOVED` with `disconnection_info`,
//! `ACCOUNT_OFFBOARDED`).

use serde_json::{Map, Value, json};

use super::payloads::user_ids;
use crate::world::events::{Event, EventPayload};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::calling_code;
use crate::world::whatsapp::business_app::sync::{
    HistoryMessage, HistoryPart, HistoryThread, SyncedContact,
};

/// The text of the 2593109 entry of a declined history.
const HISTORY_OFF: &str =
    "History sync is turned off by the business from the WhatsApp Business App";

/// `{"type": …, <type>: …}` spread into `item` after the fields already there.
fn spread(item: &mut Map<String, Value>, message: &Value) {
    if let Value::Object(fields) = message {
        for (key, value) in fields {
            item.insert(key.clone(), value.clone());
        }
    }
}

/// A contact's `profile` / `context` extras: the username when there is one,
/// and the country of the phone number.
fn identity(mut object: Map<String, Value>, phone: &str, username: Option<&String>) -> Value {
    if let Some(username) = username {
        object.insert("username".into(), json!(username));
    }
    if let Some((_, country)) = calling_code(phone) {
        object.insert("country_code".into(), json!(country));
    }
    Value::Object(object)
}

/// `contacts[]` of an echo or a media history webhook.
fn contact(
    phone: &str,
    user_id: &str,
    parent: Option<&String>,
    username: Option<&String>,
) -> Value {
    let mut contact = Map::new();
    contact.insert("profile".into(), identity(Map::new(), phone, username));
    contact.insert("wa_id".into(), json!(phone));
    user_ids(&mut contact, "", user_id, parent);
    Value::Object(contact)
}

impl Sandbox {
    /// A message the business sent, as `message_echoes[]` shows it.
    fn echo_item(
        &self,
        from: &str,
        to: &str,
        (to_user_id, to_parent): (&str, Option<&String>),
        id: &str,
        time: i64,
    ) -> Map<String, Value> {
        let mut item = Map::new();
        item.insert("from".into(), json!(from));
        item.insert("to".into(), json!(to));
        user_ids(&mut item, "to_", to_user_id, to_parent);
        item.insert("id".into(), json!(id));
        item.insert("timestamp".into(), json!(time.to_string()));
        item
    }

    /// One message of a history thread: media as a placeholder.
    fn history_item(
        &self,
        business: &str,
        thread: &HistoryThread,
        message: &HistoryMessage,
    ) -> Value {
        let mut item = Map::new();
        if message.from_business {
            item.insert("from".into(), json!(business));
            item.insert("to".into(), json!(thread.consumer));
        } else {
            item.insert("from".into(), json!(thread.consumer));
            user_ids(
                &mut item,
                "from_",
                &thread.user_id,
                thread.parent_user_id.as_ref(),
            );
        }
        item.insert("id".into(), json!(message.id));
        item.insert("timestamp".into(), json!(message.time.to_string()));
        match message.message["type"].as_str() {
            Some("image" | "video" | "audio" | "document" | "sticker") => {
                item.insert("type".into(), json!("media_placeholder"));
            }
            _ => spread(&mut item, &message.message),
        }
        item.insert(
            "history_context".into(),
            json!({ "status": message.status }),
        );
        Value::Object(item)
    }

    /// The business number's digits.
    fn business_digits(&self, phone_number_id: &str) -> String {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map(|p| p.digits.clone())
            .unwrap_or_default()
    }

    fn history_value(&self, phone_number_id: &str, part: &HistoryPart) -> Value {
        let business = self.business_digits(phone_number_id);
        let mut value =
            json!({ "messaging_product": "whatsapp", "metadata": self.metadata(phone_number_id) });
        match part {
            HistoryPart::Chunk {
                phase,
                chunk_order,
                progress,
                threads,
            } => {
                let threads: Vec<Value> = threads
                    .iter()
                    .map(|thread| {
                        let mut context = Map::new();
                        context.insert("wa_id".into(), json!(thread.consumer));
                        user_ids(
                            &mut context,
                            "",
                            &thread.user_id,
                            thread.parent_user_id.as_ref(),
                        );
                        let messages: Vec<Value> = thread
                            .messages
                            .iter()
                            .map(|m| self.history_item(&business, thread, m))
                            .collect();
                        json!({
                            "id": thread.consumer,
                            "context": identity(context, &thread.consumer, thread.username.as_ref()),
                            "messages": messages,
                        })
                    })
                    .collect();
                value["history"] = json!([{
                    "metadata": { "phase": phase, "chunk_order": chunk_order, "progress": progress },
                    "threads": threads,
                }]);
            }
            HistoryPart::Media { thread } => {
                value["contacts"] = json!([contact(
                    &thread.consumer,
                    &thread.user_id,
                    thread.parent_user_id.as_ref(),
                    thread.username.as_ref()
                )]);
                for message in &thread.messages {
                    let (key, mut item) = if message.from_business {
                        let item = self.echo_item(
                            &business,
                            &thread.consumer,
                            (&thread.user_id, thread.parent_user_id.as_ref()),
                            &message.id,
                            message.time,
                        );
                        ("message_echoes", item)
                    } else {
                        let mut item = Map::new();
                        item.insert("from".into(), json!(thread.consumer));
                        user_ids(
                            &mut item,
                            "from_",
                            &thread.user_id,
                            thread.parent_user_id.as_ref(),
                        );
                        item.insert("id".into(), json!(message.id));
                        item.insert("timestamp".into(), json!(message.time.to_string()));
                        ("messages", item)
                    };
                    spread(&mut item, &message.message);
                    value[key] = json!([item]);
                }
            }
            HistoryPart::Declined => {
                value["history"] = json!([{ "errors": [{
                    "code": 2_593_109,
                    "title": HISTORY_OFF,
                    "message": HISTORY_OFF,
                    "error_data": { "details": "History sharing is turned off by the business" },
                }]}]);
            }
        }
        value
    }

    fn state_sync_value(
        &self,
        phone_number_id: &str,
        contacts: &[SyncedContact],
        time: i64,
    ) -> Value {
        let items: Vec<Value> = contacts
            .iter()
            .map(|c| {
                let mut contact = Map::new();
                if let Some(name) = &c.full_name {
                    contact.insert("full_name".into(), json!(name));
                    let first = name.split_whitespace().next().unwrap_or(name);
                    contact.insert("first_name".into(), json!(first));
                }
                contact.insert("phone_number".into(), json!(c.phone));
                user_ids(&mut contact, "", &c.user_id, c.parent_user_id.as_ref());
                json!({
                    "type": "contact",
                    "contact": identity(contact, &c.phone, c.username.as_ref()),
                    "action": "add",
                    "metadata": { "timestamp": time.to_string() },
                })
            })
            .collect();
        json!({
            "messaging_product": "whatsapp",
            "metadata": self.metadata(phone_number_id),
            "state_sync": items,
        })
    }

    /// The `value` and `entry[].time` of a coexistence event's change (the
    /// other events are not).
    pub(super) fn coexistence_value(&self, event: &Event) -> Option<(Value, Option<i64>)> {
        match &event.payload {
            EventPayload::WhatsappMessageEcho {
                phone_number_id,
                message_id,
                to,
                to_user_id,
                to_parent_user_id,
                username,
                message,
                ..
            } => {
                let business = self.business_digits(phone_number_id);
                let parent = to_parent_user_id.as_ref();
                let mut item =
                    self.echo_item(&business, to, (to_user_id, parent), message_id, event.time);
                spread(&mut item, message);
                let value = json!({
                    "messaging_product": "whatsapp",
                    "metadata": self.metadata(phone_number_id),
                    "contacts": [contact(to, to_user_id, parent, username.as_ref())],
                    "message_echoes": [item],
                });
                Some((value, None))
            }
            EventPayload::WhatsappAppStateSync {
                phone_number_id,
                contacts,
                ..
            } => Some((
                self.state_sync_value(phone_number_id, contacts, event.time),
                None,
            )),
            EventPayload::WhatsappHistory {
                phone_number_id,
                part,
                ..
            } => Some((self.history_value(phone_number_id, part), None)),
            EventPayload::WhatsappAccountUpdate {
                phone_number,
                event: what,
                disconnection,
                ..
            } => {
                let mut value = Map::new();
                if let Some(phone) = phone_number {
                    value.insert("phone_number".into(), json!(phone));
                }
                value.insert("event".into(), json!(what));
                if let Some(d) = disconnection {
                    value.insert(
                        "disconnection_info".into(),
                        json!({ "reason": d.reason, "initiated_by": d.initiated_by }),
                    );
                }
                Some((Value::Object(value), Some(event.time)))
            }
            _ => None,
        }
    }
}
