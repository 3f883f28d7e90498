//! What an Instagram account's owner does in the app, as control routes:
//! write a Direct message to any account (`…/messages`, story replies and
//! shares included), tap a button (`…/postbacks`), react (`…/reactions`),
//! see a conversation (`…/read`), post (`…/media`), comment
//! (`…/comments`), turn "Allow access to messages" on or off
//! (`…/settings`), and see what they received (`…/inbox`) and wrote
//! (`…/sent`).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::users::known_account;
use crate::api::control::directory::instagram_view;
use crate::api::control::facebook::{Reaction, in_order, inbox_entry, sent_entries};
use crate::api::control::listing::Listing;
use crate::api::control::listing::{Start, built};
use crate::api::control::person_message::{
    INSTAGRAM_TYPES, Tap, created, cross_app_refusal, person_message, person_refusal,
};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::instagram::media::NewMedia;
use crate::world::sandbox::Sandbox;

pub fn routes() -> Router<AppState> {
    let user = "/_sim/sandboxes/{sid}/instagram/users/{ig_id}";
    Router::new()
        .route(&format!("{user}/messages"), post(write))
        .route(&format!("{user}/postbacks"), post(postback))
        .route(&format!("{user}/reactions"), post(react))
        .route(&format!("{user}/read"), post(read))
        .route(&format!("{user}/inbox"), get(inbox))
        .route(&format!("{user}/sent"), get(sent))
        .route(&format!("{user}/media"), post(post_media))
        .route(&format!("{user}/comments"), post(comment))
        .route(&format!("{user}/settings"), post(settings))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    to: String,
    message: Value,
}

async fn write(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Write>,
) -> Answer {
    let content = person_message(&request.message, INSTAGRAM_TYPES, true)?;
    let mut sandbox = lock(&shared);
    let sent = if sandbox.accounts.users.contains_key(&request.to) {
        sandbox
            .cross_app_write_to_facebook(&ig_id, &request.to, content)
            .map_err(cross_app_refusal)?
    } else {
        sandbox
            .instagram_write(&ig_id, &request.to, content)
            .map_err(person_refusal)?
    };
    created(&sent.mid, "igsid", sent.igsid.as_deref())
}

async fn postback(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(tap): SimJson<Tap>,
) -> Answer {
    tap.check()?;
    let mut sandbox = lock(&shared);
    let sent = sandbox
        .instagram_postback(&ig_id, &tap.to, &tap.title, &tap.payload)
        .map_err(person_refusal)?;
    created(&sent.mid, "igsid", sent.igsid.as_deref())
}

async fn react(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Reaction>,
) -> Answer {
    let reaction = request.read()?;
    let mut sandbox = lock(&shared);
    sandbox
        .instagram_react(&ig_id, &request.mid, reaction)
        .map_err(person_refusal)?;
    ok(StatusCode::OK, json!({ "success": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Read {
    from: String,
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Read>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let mid = sandbox
        .instagram_seen(&ig_id, &request.from)
        .map_err(person_refusal)?;
    ok(StatusCode::OK, json!({ "success": true, "mid": mid }))
}

/// Everything an Instagram account received, oldest first; a message
/// written in Messenger says so (`sent_from`), with the writer's Facebook
/// name when they share their profile.
fn instagram_inbox(sandbox: &Sandbox, user_path: &str, ig_id: &str) -> Vec<Value> {
    let conversations = &sandbox.instagram.conversations;
    conversations
        .received_by(ig_id)
        .into_iter()
        .map(|message| {
            let read = conversations.read_by(message, ig_id);
            let mut entry = inbox_entry(sandbox, user_path, "instagram", message, read);
            if message.via_messenger.is_some() {
                entry["sent_from"] = json!("messenger");
                if let Some(name) = sandbox.messenger_writer_name(message) {
                    entry["from"]["name"] = json!(name);
                }
            }
            entry
        })
        .collect()
}

async fn inbox(
    SimSandbox(shared): SimSandbox,
    SimPath((sid, ig_id)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::Newest, |sandbox| {
        known_account(sandbox, &ig_id)?;
        let user_path = format!("/_sim/sandboxes/{sid}/instagram/users/{ig_id}");
        Ok(instagram_inbox(sandbox, &user_path, &ig_id))
    })
}

/// What the account wrote (from Messenger too, through Accounts Center).
async fn sent(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::Newest, |sandbox| {
        known_account(sandbox, &ig_id)?;
        Ok(in_order(sent_entries(
            sandbox,
            &sandbox.instagram.conversations,
            "instagram",
            |m| m.from == ig_id,
        )))
    })
}

async fn post_media(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<NewMedia>,
) -> Answer {
    let mut sandbox = lock(&shared);
    known_account(&sandbox, &ig_id)?;
    let id = sandbox
        .post_instagram_media(&ig_id, request)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Comment {
    media_id: String,
    text: String,
    #[serde(default)]
    parent_id: Option<String>,
}

async fn comment(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Comment>,
) -> Answer {
    let mut sandbox = lock(&shared);
    known_account(&sandbox, &ig_id)?;
    let id = sandbox
        .comment_on_instagram(
            &ig_id,
            &request.media_id,
            &request.text,
            request.parent_id.as_deref(),
        )
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    allow_access_to_messages: bool,
}

async fn settings(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Settings>,
) -> Answer {
    let mut sandbox = lock(&shared);
    known_account(&sandbox, &ig_id)?;
    if let Some(account) = sandbox.instagram.accounts.get_mut(&ig_id) {
        account.allow_access_to_messages = request.allow_access_to_messages;
    }
    ok(
        StatusCode::OK,
        instagram_view(known_account(&sandbox, &ig_id)?),
    )
}
