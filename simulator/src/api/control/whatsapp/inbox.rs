//! `GET /_sim/sandboxes/{sid}/whatsapp/consumers/{digits}/inbox`: what a
//! consumer received, oldest first — the business messages that reached
//! them (failed ones never did), those delivered to them in the groups they
//! are in now (with `group_id`, their own `delivered`/`read` status and,
//! while the business keeps it pinned, `pinned_until`), and
//! the messages of Meta's official senders
//! — paged as a log: the newest page first, `after=0` from the start.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use super::consumers::no_consumer;
use crate::api::control::listing::{Listing, Start, cursors};
use crate::api::control::{Answer, SimPath, SimSandbox};
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::messaging::{Direction, MessageStatus, WaMessage};
use crate::world::whatsapp::official::OfficialMessage;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}/inbox",
        get(inbox),
    )
}

/// One message in the inbox: from a business number or an official sender.
enum Received<'a> {
    Business(&'a WaMessage),
    Official(&'a OfficialMessage),
}

impl Received<'_> {
    fn seq(&self) -> u64 {
        match self {
            Received::Business(message) => message.seq,
            Received::Official(message) => message.seq,
        }
    }

    fn view(&self, sandbox: &Sandbox, digits: &str) -> Value {
        match self {
            Received::Business(m) => {
                let phone = sandbox.whatsapp.phone_numbers.get(&m.phone_number_id);
                let message = m.message.to_value();
                let kind = message["type"].as_str().unwrap_or_default();
                let text = m
                    .rendered
                    .clone()
                    .or_else(|| message["text"]["body"].as_str().map(str::to_owned));
                let mut entry = json!({
                    "id": m.id,
                    "from": phone.map(|p| p.digits.clone()),
                    "from_name": phone.map(|p| p.verified_name.clone()),
                    "verified": phone.is_some_and(|p| p.is_official_business_account),
                    "phone_number_id": m.phone_number_id,
                    "type": kind,
                    "text": text,
                    "message": message,
                    "time": m.time,
                    "iso": iso8601(m.time),
                    "status": m.status,
                });
                if let Some(receipt) = m.receipts.iter().find(|r| r.participant == digits) {
                    entry["group_id"] = json!(m.consumer);
                    entry["status"] = json!(receipt.status);
                    let pins = sandbox.group_pins(&m.consumer);
                    if let Some(pin) = pins.iter().find(|p| p.message_id == m.id) {
                        entry["pinned_until"] = json!(pin.expires_at);
                    }
                }
                entry
            }
            // Meta's own senders show a verified name and no number.
            Received::Official(m) => {
                let mut entry = json!({
                    "id": m.id,
                    "from": null,
                    "from_name": m.sender,
                    "verified": true,
                    "official": true,
                    "type": "text",
                    "text": m.text,
                    "message": { "type": "text", "text": { "body": m.text } },
                    "time": m.time,
                    "iso": iso8601(m.time),
                    "status": "delivered",
                });
                if let Some(code) = &m.code {
                    entry["code"] = json!(code);
                }
                entry
            }
        }
    }
}

/// Everything `digits` received, in the order it happened.
fn received<'a>(sandbox: &'a Sandbox, digits: &str) -> Vec<Received<'a>> {
    let messaging = &sandbox.whatsapp.messaging;
    let business = messaging
        .messages
        .values()
        .filter(|m| {
            m.direction == Direction::Outbound
                && m.status != MessageStatus::Failed
                && (m.consumer == digits
                    || (m.receipts.iter().any(|r| r.participant == digits)
                        && sandbox
                            .whatsapp
                            .groups
                            .get(&m.consumer)
                            .is_some_and(|g| g.participants.iter().any(|p| p == digits))))
        })
        .map(Received::Business);
    let official = messaging
        .official
        .iter()
        .filter(|m| m.consumer == digits)
        .map(Received::Official);
    let mut all: Vec<Received<'a>> = business.chain(official).collect();
    all.sort_by_key(Received::seq);
    all
}

async fn inbox(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    listing.only(&[])?;
    let digits = phone_digits(&digits);
    // Views of the page only, built under the lock; encoded outside it.
    let (data, window, keys) = {
        let sandbox = lock(&shared);
        if !sandbox.whatsapp.consumers.contains_key(&digits) {
            return Err(no_consumer(&digits));
        }
        let all = received(&sandbox, &digits);
        let window = listing.window(all.len(), |i| all[i].seq(), Start::Newest)?;
        let data: Vec<Value> = all[window.range.clone()]
            .iter()
            .map(|message| message.view(&sandbox, &digits))
            .collect();
        let (window, data) = window.fit_items(data);
        let page = &all[window.range.clone()];
        let keys = cursors(
            page.first().map(Received::seq),
            page.last().map(Received::seq),
        );
        (data, window, keys)
    };
    listing.answer(&data, &window, keys)
}
