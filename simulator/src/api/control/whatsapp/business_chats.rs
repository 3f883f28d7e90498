//! A WhatsApp Business app device's chats: one per consumer, newest first,
//! both sides in order — what consumers wrote, what the business sent from
//! the app (`sent_from: "app"`, with the device) and, once the number is on
//! the Cloud API, what the integration sent (`sent_from: "api"`) — limited to
//! the messages that reached the device.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::chats::message_bubble;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::devices::Device;
use crate::world::whatsapp::messaging::{Direction, WaMessage};

fn bubble(sandbox: &Sandbox, message: &WaMessage) -> Value {
    let from_me = message.direction == Direction::Outbound;
    let mut bubble = message_bubble(message, from_me);
    if from_me {
        match sandbox.whatsapp.business_app.sent_from_app.get(&message.id) {
            Some(device) => {
                bubble["sent_from"] = json!("app");
                bubble["device_id"] = json!(device);
            }
            None => bubble["sent_from"] = json!("api"),
        }
    }
    bubble
}

/// The chats of the business number `phone_number_id` as `device` holds them.
pub(super) fn business_device_chats(
    sandbox: &Sandbox,
    phone_number_id: &str,
    device: &Device,
) -> Value {
    // consumer -> (newest place, bubbles)
    let mut chats: BTreeMap<&str, (u64, Vec<Value>)> = BTreeMap::new();
    for message in sandbox.whatsapp.messaging.in_order() {
        if message.phone_number_id != phone_number_id || !device.holds(message.seq, message.time) {
            continue;
        }
        let chat = chats.entry(&message.consumer).or_default();
        chat.0 = message.seq;
        chat.1.push(bubble(sandbox, message));
    }
    let mut list: Vec<(&str, (u64, Vec<Value>))> = chats.into_iter().collect();
    list.sort_by_key(|(_, (newest, _))| std::cmp::Reverse(*newest));
    let chats: Vec<Value> = list
        .into_iter()
        .map(|(consumer, (_, messages))| {
            json!({
                "chat": consumer,
                "name": sandbox.whatsapp.consumers.get(consumer).and_then(|c| c.name.clone()),
                "messages": messages,
            })
        })
        .collect();
    json!(chats)
}
