//! `GET /_sim/sandboxes/{sid}/facebook/users/{user-id}/contacts` and
//! `…/notifications`: Messenger's contact list and notifications as the
//! person sees them — with what an Accounts Center link adds from their
//! Instagram account (contacts, messages, comments, mentions), as the
//! link's sync, permissions and settings allow.

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use super::messages::sender;
use super::users::known_user;
use crate::api::control::listing::{Listing, Start, built};
use crate::api::control::{Answer, SimPath, SimSandbox};
use crate::api::state::AppState;
use crate::world::clock::iso8601;

pub fn routes() -> Router<AppState> {
    let user = "/_sim/sandboxes/{sid}/facebook/users/{user_id}";
    Router::new()
        .route(&format!("{user}/contacts"), get(contacts))
        .route(&format!("{user}/notifications"), get(notifications))
}

async fn contacts(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::First, |sandbox| {
        known_user(sandbox, &user_id)?;
        let contacts = sandbox.unified_contacts(&user_id).into_iter();
        Ok(contacts
            .map(|contact| {
                json!({ "id": contact.id, "name": contact.name, "username": contact.username,
                        "platform": contact.platform })
            })
            .collect::<Vec<Value>>())
    })
}

async fn notifications(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::Newest, |sandbox| {
        known_user(sandbox, &user_id)?;
        let notifications = sandbox.messenger_notifications(&user_id).into_iter();
        Ok(notifications
            .map(|n| {
                json!({ "kind": n.kind, "from": sender(sandbox, &n.from), "text": n.text,
                        "time_ms": n.time_ms, "iso": iso8601(n.time_ms / 1000) })
            })
            .collect::<Vec<Value>>())
    })
}
