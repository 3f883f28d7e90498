//! Phone routes: what a phone received by SMS or voice call — where a test
//! reads the verification code Meta sent, as a person reads their phone.
//! Paged as a log: the newest page first, `after=0` from the start.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::control::listing::{Listing, Start, cursors};
use crate::api::control::{Answer, SimPath, SimSandbox};
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::shared::phone::phone_digits;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/phones/{digits}/sms",
        get(phone_messages),
    )
}

/// A phone's messages, paged as a log (newest page first); a message's
/// cursor is its place in the inbox, counted from 1.
async fn phone_messages(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    listing.only(&[])?;
    let (window, data) = {
        let sandbox = lock(&shared);
        let messages = sandbox
            .whatsapp
            .phone_inboxes
            .messages(&phone_digits(&digits));
        let window = listing.window(messages.len(), |i| i + 1, Start::Newest)?;
        let data: Vec<Value> = messages[window.range.clone()]
            .iter()
            .map(|message| {
                json!({
                    "time": message.time,
                    "iso": iso8601(message.time),
                    "channel": message.channel,
                    "from": message.sender,
                    "text": message.text,
                    "code": message.code,
                    "language": message.language,
                })
            })
            .collect();
        window.fit_items(data)
    };
    let range = &window.range;
    let keys = cursors(
        (!range.is_empty()).then(|| range.start + 1),
        Some(range.end),
    );
    listing.answer(&data, &window, keys)
}
