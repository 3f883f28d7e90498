//! `GET /_sim/sandboxes/{sid}/whatsapp/consumers/{digits}/chats`: a
//! consumer's phone as a person sees it — one chat per business number (and
//! one per official sender), newest first, each with both sides of the
//! conversation in order, what each bubble reads, its ticks, the
//! customer-service window, and what every button, list row or template
//! quick reply sends when tapped (a control-plane request ready to make).
//! Failed messages never reached the phone and are not in it. The same view
//! of one linked device holds only what reached that device.

use std::collections::BTreeMap;

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use super::consumers::no_consumer;
use crate::api::control::listing::{Listing, MAX_LIMIT, Start, cursors};
use crate::api::control::{Answer, SimPath, SimSandbox};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::devices::Device;
use crate::world::whatsapp::messaging::{
    Direction, MessageStatus, SERVICE_WINDOW_SECONDS, WaMessage,
};
use crate::world::whatsapp::official::OfficialMessage;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}/chats",
        get(chats),
    )
}

/// Messages shown per chat unless `messages_limit` says otherwise.
const MESSAGES_PER_CHAT: usize = 100;

async fn chats(
    SimSandbox(shared): SimSandbox,
    SimPath((sid, digits)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    listing.only(&["messages_limit"])?;
    let per_chat = match listing.param("messages_limit") {
        None => MESSAGES_PER_CHAT,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                GraphError::sim_invalid(format!(
                    "messages_limit must be between 1 and {MAX_LIMIT}, got {text:?}"
                ))
            })?,
    };
    let digits = phone_digits(&digits);
    // Views of the page's chats only, built under the lock; encoded outside it.
    let (window, data, keys) = {
        let sandbox = lock(&shared);
        if !sandbox.whatsapp.consumers.contains_key(&digits) {
            return Err(no_consumer(&digits));
        }
        let phone = Phone {
            sandbox: &sandbox,
            consumer_path: format!("/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}"),
            digits: &digits,
            device: None,
        };
        let chats = phone.chats();
        let window = listing.window(chats.len(), |i| Newer(chats[i].1.last_seq), Start::First)?;
        let data: Vec<Value> = chats[window.range.clone()]
            .iter()
            .map(|(key, chat)| phone.finish(key, chat, per_chat))
            .collect();
        let (window, data) = window.fit_items(data);
        let page = &chats[window.range.clone()];
        let keys = cursors(
            page.first().map(|(_, chat)| Newer(chat.last_seq)),
            page.last().map(|(_, chat)| Newer(chat.last_seq)),
        );
        (window, data, keys)
    };
    listing.answer(&data, &window, keys)
}

/// A chat's cursor: the seq of its newest message. Chats are listed newest
/// first, so a later chat in the list has a smaller one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Newer(u64);

impl Ord for Newer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.cmp(&self.0)
    }
}

impl PartialOrd for Newer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::str::FromStr for Newer {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Newer)
    }
}

impl std::fmt::Display for Newer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The chats as one of the consumer's devices holds them (its inbox), every
/// message of each.
pub(super) fn device_chats(sandbox: &Sandbox, sid: &str, digits: &str, device: &Device) -> Value {
    let phone = Phone {
        sandbox,
        consumer_path: format!("/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}"),
        digits,
        device: Some(device),
    };
    let chats: Vec<Value> = phone
        .chats()
        .iter()
        .map(|(key, chat)| phone.finish(key, chat, usize::MAX))
        .collect();
    Value::Array(chats)
}

/// One consumer's phone in one sandbox.
struct Phone<'a> {
    sandbox: &'a Sandbox,
    digits: &'a str,
    /// The consumer's control-plane path, where taps are sent.
    consumer_path: String,
    /// Only what this device holds (every message of the consumer when `None`).
    device: Option<&'a Device>,
}

/// A chat being assembled: its place in the list (newest message last), its
/// header and its messages (bubbles are made only for the chats shown).
struct Chat<'a> {
    last_seq: u64,
    head: Value,
    /// The newest message the consumer sent in it (opens the window).
    last_inbound: Option<i64>,
    messages: Vec<Said<'a>>,
}

/// A message in a chat: the consumer's or a business number's, or an
/// official sender's.
enum Said<'a> {
    Message(&'a WaMessage),
    Official(&'a OfficialMessage),
}

fn text_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// A message as a chat shows it: what it reads, when, its status.
pub(super) fn message_bubble(message: &WaMessage, from_me: bool) -> Value {
    let body = message.message.to_value();
    json!({
        "id": message.id,
        "from_me": from_me,
        "type": body["type"],
        "text": bubble_text(&body, message.rendered.as_deref()),
        "message": body,
        "time": message.time,
        "iso": iso8601(message.time),
        "status": message.status,
    })
}

/// What a bubble reads: the text, the caption, the title that was tapped…
fn bubble_text(message: &Value, rendered: Option<&str>) -> Option<String> {
    if let Some(rendered) = rendered {
        return Some(rendered.to_owned());
    }
    let kind = message["type"].as_str().unwrap_or_default();
    let content = &message[kind];
    let text = match kind {
        "text" => text_at(content, "/body"),
        "button" => text_at(content, "/text"),
        "interactive" => text_at(content, "/body/text")
            .or_else(|| text_at(content, "/button_reply/title"))
            .or_else(|| text_at(content, "/list_reply/title")),
        "image" | "video" | "document" => {
            text_at(content, "/caption").or_else(|| text_at(content, "/filename"))
        }
        "location" => text_at(content, "/name").or_else(|| text_at(content, "/address")),
        "contacts" => text_at(content, "/0/name/formatted_name"),
        "reaction" => text_at(content, "/emoji"),
        "system" => text_at(content, "/body"),
        _ => None,
    };
    match (text, kind) {
        (None, "location") => Some(format!("{}, {}", content["latitude"], content["longitude"])),
        (text, _) => text.map(str::to_owned),
    }
}

fn same_index(given: &Value, index: usize) -> bool {
    match given {
        Value::String(text) => text.parse::<usize>().ok() == Some(index),
        other => other.as_u64() == Some(index as u64),
    }
}

impl<'a> Phone<'a> {
    /// A tap that sends `message` to the business number, as a reply to `to_id`.
    fn reply(&self, message: &WaMessage, mut reply: Value) -> Value {
        reply["to"] = json!(message.phone_number_id);
        reply["context"] = json!({ "message_id": message.id });
        json!({ "path": format!("{}/messages", self.consumer_path), "body": reply })
    }

    /// Reply buttons and the list of an interactive message.
    fn interactive_taps(&self, message: &WaMessage, bubble: &mut Value) {
        let body = message.message.to_value();
        let interactive = &body["interactive"];
        let action = &interactive["action"];
        match interactive["type"].as_str() {
            Some("button") => {
                let buttons: Vec<Value> = action["buttons"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|button| {
                        let reply = &button["reply"];
                        let tap = self.reply(
                            message,
                            json!({ "type": "interactive", "interactive": {
                                "type": "button_reply",
                                "button_reply": { "id": reply["id"], "title": reply["title"] },
                            }}),
                        );
                        json!({ "label": reply["title"], "tap": tap })
                    })
                    .collect();
                bubble["buttons"] = json!(buttons);
            }
            Some("list") => {
                let sections: Vec<Value> = action["sections"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|section| {
                        let rows: Vec<Value> = section["rows"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|row| self.list_row(message, row))
                            .collect();
                        json!({ "title": section["title"], "rows": rows })
                    })
                    .collect();
                bubble["list"] = json!({ "label": action["button"], "sections": sections });
            }
            Some("cta_url") => {
                let parameters = &action["parameters"];
                bubble["buttons"] = json!([{
                    "label": parameters["display_text"],
                    "link": parameters["url"],
                }]);
            }
            Some("contact_request") => {
                let tap = json!({
                    "path": format!("{}/share_phone", self.consumer_path),
                    "body": { "to": message.phone_number_id },
                });
                bubble["buttons"] = json!([{ "label": "Share phone number", "tap": tap }]);
            }
            _ => {}
        }
    }

    fn list_row(&self, message: &WaMessage, row: &Value) -> Value {
        let mut chosen = json!({ "id": row["id"], "title": row["title"] });
        if let Some(description) = row["description"].as_str() {
            chosen["description"] = json!(description);
        }
        let tap = self.reply(
            message,
            json!({ "type": "interactive", "interactive": {
                "type": "list_reply", "list_reply": chosen,
            }}),
        );
        json!({
            "label": row["title"],
            "description": row["description"],
            "tap": tap,
        })
    }

    /// The template a message used, and its buttons: quick replies send
    /// their payload (the one the send gave that button, or its text).
    fn template_parts(&self, message: &WaMessage, bubble: &mut Value) {
        let body = message.message.to_value();
        let sent = &body["template"];
        let name = sent["name"].as_str().unwrap_or_default();
        let language = text_at(sent, "/language/code").unwrap_or_default();
        let waba = self
            .sandbox
            .whatsapp
            .phone_numbers
            .get(&message.phone_number_id)
            .map(|p| p.waba_id.as_str())
            .unwrap_or_default();
        let Some(template) = self.sandbox.find_template(waba, name, language) else {
            return;
        };
        let components = template.components.as_array().cloned().unwrap_or_default();
        let of_type = |kind: &str| {
            components.iter().find(|c| {
                c["type"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(kind))
            })
        };
        bubble["template"] = json!({
            "name": template.name,
            "language": template.language,
            "category": template.category,
            "header": of_type("HEADER").map(|h| h["format"].as_str().unwrap_or("TEXT")),
            "footer": of_type("FOOTER").is_some(),
        });
        let payload_of = |index: usize| {
            sent["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["type"].as_str() == Some("button"))
                .find(|c| same_index(&c["index"], index))
                .and_then(|c| text_at(c, "/parameters/0/payload"))
        };
        let buttons: Vec<Value> = of_type("BUTTONS")
            .and_then(|b| b["buttons"].as_array())
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(index, button)| {
                let label = button["text"].as_str().unwrap_or_default();
                match button["type"].as_str().unwrap_or_default() {
                    "QUICK_REPLY" => {
                        let payload = payload_of(index).unwrap_or(label);
                        let tap = self.reply(
                            message,
                            json!({ "type": "button", "button": { "payload": payload, "text": label } }),
                        );
                        json!({ "label": label, "tap": tap })
                    }
                    "URL" => json!({ "label": label, "link": button["url"] }),
                    "PHONE_NUMBER" => json!({
                        "label": label,
                        "link": format!("tel:{}", button["phone_number"].as_str().unwrap_or_default()),
                    }),
                    _ => json!({ "label": label }),
                }
            })
            .collect();
        if !buttons.is_empty() {
            bubble["buttons"] = json!(buttons);
        }
    }

    fn bubble(&self, message: &WaMessage) -> Value {
        let from_me = message.direction == Direction::Inbound;
        let mut bubble = message_bubble(message, from_me);
        if !from_me {
            match bubble["type"].as_str() {
                Some("interactive") => self.interactive_taps(message, &mut bubble),
                Some("template") => self.template_parts(message, &mut bubble),
                _ => {}
            }
        }
        bubble
    }

    fn official_bubble(message: &OfficialMessage) -> Value {
        json!({
            "id": message.id,
            "from_me": false,
            "type": "text",
            "text": message.text,
            "message": { "type": "text", "text": { "body": message.text } },
            "time": message.time,
            "iso": iso8601(message.time),
            "status": "delivered",
            "code": message.code,
        })
    }

    fn business_head(&self, phone_number_id: &str) -> Value {
        let number = self.sandbox.whatsapp.phone_numbers.get(phone_number_id);
        json!({
            "chat": phone_number_id,
            "phone_number_id": phone_number_id,
            "name": number.map(|n| n.verified_name.clone()),
            "number": number.map(|n| n.digits.clone()),
            "verified": number.is_some_and(|n| n.is_official_business_account),
            "official": false,
        })
    }

    /// Whether the phone shows the message with this place and time.
    fn shows(&self, seq: u64, time: i64) -> bool {
        self.device.is_none_or(|device| device.holds(seq, time))
    }

    /// Every chat with its key, the chat with the newest message first.
    fn chats(&self) -> Vec<(String, Chat<'a>)> {
        let mut chats: BTreeMap<String, Chat<'a>> = BTreeMap::new();
        for message in self.sandbox.whatsapp.messaging.in_order() {
            let arrived =
                message.direction == Direction::Inbound || message.status != MessageStatus::Failed;
            if message.consumer != self.digits || !arrived || !self.shows(message.seq, message.time)
            {
                continue;
            }
            let chat = chats
                .entry(message.phone_number_id.clone())
                .or_insert_with(|| Chat {
                    last_seq: 0,
                    head: self.business_head(&message.phone_number_id),
                    last_inbound: None,
                    messages: Vec::new(),
                });
            chat.last_seq = message.seq;
            if message.direction == Direction::Inbound {
                chat.last_inbound = Some(message.time);
            }
            chat.messages.push(Said::Message(message));
        }
        for message in &self.sandbox.whatsapp.messaging.official {
            if message.consumer != self.digits || !self.shows(message.seq, message.time) {
                continue;
            }
            let chat = chats
                .entry(format!("official:{}", message.sender))
                .or_insert_with(|| Chat {
                    last_seq: 0,
                    head: json!({
                        "chat": format!("official:{}", message.sender),
                        "phone_number_id": null,
                        "name": message.sender,
                        "number": null,
                        "verified": true,
                        "official": true,
                    }),
                    last_inbound: None,
                    messages: Vec::new(),
                });
            chat.last_seq = message.seq;
            chat.messages.push(Said::Official(message));
        }
        let mut list: Vec<(String, Chat<'a>)> = chats.into_iter().collect();
        list.sort_by_key(|(_, chat)| std::cmp::Reverse(chat.last_seq));
        list
    }

    /// A chat as the answer shows it, with its window and unread count
    /// (business chats only: an official sender is never answered) and its
    /// newest `per_chat` messages (`earlier_messages` counts the others).
    fn finish(&self, key: &str, chat: &Chat<'_>, per_chat: usize) -> Value {
        let mut out = chat.head.clone();
        if out["official"] == json!(false) {
            let closes_at = chat
                .last_inbound
                .map(|t| t.saturating_add(SERVICE_WINDOW_SECONDS));
            out["window"] = json!({
                "open": self.sandbox.window_open(key, self.digits),
                "closes_at": closes_at,
                "closes_iso": closes_at.map(iso8601),
            });
            let unread = chat
                .messages
                .iter()
                .filter(|said| {
                    matches!(said, Said::Message(m)
                        if m.direction == Direction::Outbound && m.status == MessageStatus::Delivered)
                })
                .count();
            out["unread"] = json!(unread);
        }
        let earlier = chat.messages.len().saturating_sub(per_chat);
        let bubbles: Vec<Value> = chat.messages[earlier..]
            .iter()
            .map(|said| match said {
                Said::Message(message) => self.bubble(message),
                Said::Official(message) => Self::official_bubble(message),
            })
            .collect();
        out["messages"] = json!(bubbles);
        if earlier > 0 {
            out["earlier_messages"] = json!(earlier);
        }
        out
    }
}
