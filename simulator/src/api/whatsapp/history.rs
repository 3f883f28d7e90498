//! `GET /{phone-number-id}/message_history[?message_id=]`: the messages the
//! number sent, each with its history id and statuses; `GET
//! /{message-history-id}/events[?status_filter=]`: one message's statuses,
//! as `{"cursor", "node": {"id", "delivery_status", "occurrence_timestamp",
//! "status_timestamp", "error_description"?}}`. Both paged.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::lists::paged;
use crate::api::paging::cursor;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::world::auth::AccessToken;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::history::history_id;

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let sandbox = &*op.sandbox;
    let wanted = op.request.param_str("message_id");
    let messages = sandbox.sent_messages(op.id, wanted.as_deref());
    let ids: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
    paged(&op, "message_history", &ids, |wamid| {
        let events: Vec<Value> = sandbox
            .history_events(wamid)
            .iter()
            .map(|e| e.to_json())
            .collect();
        json!({ "id": history_id(wamid), "message_id": wamid, "events": { "data": events } })
    })
}

/// `GET /{message-history-id}/events`, for a history id (not a registered
/// node) of a number the token may send from.
pub fn events(
    sandbox: &Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    history: &str,
) -> Result<Value, GraphError> {
    let message = sandbox
        .message_of_history(history)
        .ok_or_else(|| GraphError::unsupported("GET", history))?;
    let scope = "whatsapp_business_messaging";
    let waba = sandbox.permission_target(&message.phone_number_id);
    if !token.has_scope(scope) || !token.scope_covers(scope, waba) {
        return Err(GraphError::unsupported("GET", history));
    }
    let filter = request.param_list("status_filter");
    let data: Vec<Value> = sandbox
        .history_events(&message.id)
        .into_iter()
        .filter(|e| {
            filter
                .as_ref()
                .is_none_or(|wanted| wanted.iter().any(|w| w == e.delivery_status))
        })
        .map(|e| {
            let mut node = json!({
                "id": e.id,
                "delivery_status": e.delivery_status,
                "occurrence_timestamp": e.timestamp,
                "status_timestamp": e.timestamp,
            });
            if let Some(error) = &e.error_description {
                node["error_description"] = json!(error);
            }
            json!({ "cursor": cursor(&e.id), "node": node })
        })
        .collect();
    Ok(json!({ "data": data }))
}
