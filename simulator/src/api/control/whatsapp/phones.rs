//! Phone routes: what a phone received by SMS or voice call — where a test
//! reads the verification code Meta sent, as a person reads their phone.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;

use crate::api::control::{Answer, SimPath, SimSandbox, ok};
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::shared::phone::phone_digits;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/phones/{digits}/sms",
        get(phone_messages),
    )
}

async fn phone_messages(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    let data: Vec<_> = sandbox
        .whatsapp
        .phone_inboxes
        .messages(&phone_digits(&digits))
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
    ok(StatusCode::OK, json!({ "data": data }))
}
