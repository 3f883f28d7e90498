//! What a Facebook user does in Messenger, as control routes: write to a
//! Page or another person (`…/messages`), tap a button (`…/postbacks`),
//! react (`…/reactions`), read a conversation (`…/read`), and see what they
//! received (`…/inbox`), with what each quick reply or button sends when
//! tapped, and what they wrote (`…/sent`). The Page side sees these as
//! webhooks and on the Graph API.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::users::known_user;
use crate::api::control::listing::{Listing, Start, built};
use crate::api::control::person_message::{
    MESSENGER_TYPES, Tap, created, cross_app_refusal, person_message, person_refusal,
};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Conversations, Message, reaction_of};

pub fn routes() -> Router<AppState> {
    let user = "/_sim/sandboxes/{sid}/facebook/users/{user_id}";
    Router::new()
        .route(&format!("{user}/messages"), post(write))
        .route(&format!("{user}/postbacks"), post(postback))
        .route(&format!("{user}/reactions"), post(react))
        .route(&format!("{user}/read"), post(read))
        .route(&format!("{user}/inbox"), get(inbox))
        .route(&format!("{user}/sent"), get(sent))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    to: String,
    message: Value,
}

async fn write(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Write>,
) -> Answer {
    let content = person_message(&request.message, MESSENGER_TYPES, false)?;
    let mut sandbox = lock(&shared);
    if sandbox.instagram.accounts.contains_key(&request.to) {
        let sent = sandbox
            .cross_app_write(&user_id, &request.to, content)
            .map_err(cross_app_refusal)?;
        return created(&sent.mid, "psid", None);
    }
    let written = sandbox
        .messenger_write(&user_id, &request.to, content)
        .map_err(person_refusal)?;
    created(&written.mid, "psid", written.psid.as_deref())
}

async fn postback(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    SimJson(tap): SimJson<Tap>,
) -> Answer {
    tap.check()?;
    let mut sandbox = lock(&shared);
    let written = sandbox
        .messenger_postback(&user_id, &tap.to, &tap.title, &tap.payload)
        .map_err(person_refusal)?;
    created(&written.mid, "psid", written.psid.as_deref())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub mid: String,
    /// A reaction name (`love`, `like`, …) or an emoji; absent to take it back.
    #[serde(default)]
    pub reaction: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
}

impl Reaction {
    /// `Some((reaction, emoji))` to react, `None` to take it back.
    pub fn read(&self) -> Result<Option<(String, String)>, GraphError> {
        match (self.action.as_deref().unwrap_or("react"), &self.reaction) {
            ("unreact", _) => Ok(None),
            ("react", Some(given)) => reaction_of(given).map(Some).ok_or_else(|| {
                GraphError::sim_invalid(format!(
                    "reaction: {given:?} is not a reaction (like, love, smile, wow, sad, angry, dislike) or an emoji"
                ))
            }),
            ("react", None) => Err(GraphError::sim_invalid("reaction is required to react")),
            (other, _) => Err(GraphError::sim_invalid(format!(
                "action must be react or unreact, got {other:?}"
            ))),
        }
    }
}

async fn react(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Reaction>,
) -> Answer {
    let reaction = request.read()?;
    let mut sandbox = lock(&shared);
    sandbox
        .messenger_react(&user_id, &request.mid, reaction)
        .map_err(person_refusal)?;
    ok(StatusCode::OK, json!({ "success": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Read {
    /// The Page or person whose messages are read.
    from: String,
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Read>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let watermark = sandbox
        .messenger_read(&user_id, &request.from)
        .map_err(person_refusal)?;
    ok(
        StatusCode::OK,
        json!({ "success": true, "watermark": watermark }),
    )
}

/// Who sent a message, as the inbox shows it.
pub(super) fn sender(sandbox: &Sandbox, id: &str) -> Value {
    if let Some(account) = sandbox.instagram.accounts.get(id) {
        return json!({ "id": id, "name": account.display_name(), "username": account.username,
                       "type": "instagram_user" });
    }
    let kind = match sandbox.node_kind(id) {
        Some(NodeKind::Page) => "page",
        _ => "facebook_user",
    };
    json!({ "id": id, "name": sandbox.node_name(id), "type": kind })
}

/// What tapping each quick reply and template button of a message sends.
fn taps(user_path: &str, message: &Message) -> (Vec<Value>, Vec<Value>) {
    let to = &message.from;
    let quick_replies = message.content["quick_replies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|reply| reply["content_type"] == "text")
        .map(|reply| {
            let body = json!({ "to": to, "message": {
                "text": reply["title"], "quick_reply": { "payload": reply["payload"] } } });
            json!({ "label": reply["title"], "tap": { "path": format!("{user_path}/messages"), "body": body } })
        })
        .collect();
    let payload = message.content.pointer("/attachments/0/payload");
    let buttons = payload
        .and_then(|p| p["buttons"].as_array().cloned())
        .unwrap_or_else(|| {
            payload
                .and_then(|p| p["elements"].as_array())
                .into_iter()
                .flatten()
                .flat_map(|e| e["buttons"].as_array().cloned().unwrap_or_default())
                .collect()
        })
        .iter()
        .map(|button| match button["type"].as_str() {
            Some("web_url") => json!({ "label": button["title"], "link": button["url"] }),
            _ => {
                let body = json!({ "to": to, "title": button["title"], "payload": button["payload"] });
                json!({ "label": button["title"], "tap": { "path": format!("{user_path}/postbacks"), "body": body } })
            }
        })
        .collect();
    (quick_replies, buttons)
}

/// One received message as the person's inbox shows it.
pub fn inbox_entry(
    sandbox: &Sandbox,
    user_path: &str,
    platform: &str,
    message: &Message,
    read: bool,
) -> Value {
    let mut entry = json!({
        "mid": message.id,
        "platform": platform,
        "conversation_id": message.conversation,
        "from": sender(sandbox, &message.from),
        "text": message.text(),
        "message": message.content,
        "time_ms": message.time_ms,
        "iso": iso8601(message.time_ms / 1000),
        "read": read,
        "reaction": message.reaction.as_ref().map(|(_, emoji)| emoji),
    });
    let (quick_replies, buttons) = taps(user_path, message);
    if !quick_replies.is_empty() {
        entry["quick_replies"] = json!(quick_replies);
    }
    if !buttons.is_empty() {
        entry["buttons"] = json!(buttons);
    }
    entry
}

/// Everything the user received in Messenger, oldest first: from Pages and
/// people, and the Instagram messages their Accounts Center link mirrors.
fn unified_inbox(sandbox: &Sandbox, user_path: &str, user_id: &str) -> Vec<Value> {
    let messenger = &sandbox.messenger.conversations;
    let mut entries: Vec<(i64, Value)> = messenger
        .received_by(user_id)
        .into_iter()
        .map(|m| {
            let read = messenger.read_by(m, user_id);
            (
                m.time_ms,
                inbox_entry(sandbox, user_path, "messenger", m, read),
            )
        })
        .collect();
    let instagram = &sandbox.instagram.conversations;
    entries.extend(
        sandbox
            .mirrored_instagram_messages(user_id)
            .into_iter()
            .map(|m| {
                let read = instagram.read_by(m, &m.to);
                (
                    m.time_ms,
                    inbox_entry(sandbox, user_path, "instagram", m, read),
                )
            }),
    );
    entries.sort_by_key(|(time_ms, _)| *time_ms);
    entries.into_iter().map(|(_, entry)| entry).collect()
}

async fn inbox(
    SimSandbox(shared): SimSandbox,
    SimPath((sid, user_id)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::Newest, |sandbox| {
        known_user(sandbox, &user_id)?;
        let user_path = format!("/_sim/sandboxes/{sid}/facebook/users/{user_id}");
        Ok(unified_inbox(sandbox, &user_path, &user_id))
    })
}

/// What `writer` wrote in `conversations` (on `platform`), oldest first, as
/// a sent log shows it: to whom, and whether they read it.
pub fn sent_entries(
    sandbox: &Sandbox,
    conversations: &Conversations,
    platform: &str,
    writer: impl Fn(&Message) -> bool,
) -> Vec<(i64, String, Value)> {
    conversations
        .messages
        .values()
        .filter(|m| writer(m))
        .map(|m| {
            let entry = json!({
                "mid": m.id,
                "platform": platform,
                "conversation_id": m.conversation,
                "to": sender(sandbox, &m.to),
                "text": m.text().or(m.postback.as_ref().map(|p| p.title.as_str())),
                "message": m.content,
                "time_ms": m.time_ms,
                "iso": iso8601(m.time_ms / 1000),
                "read": conversations.read_by(m, &m.to),
            });
            (m.time_ms, m.id.clone(), entry)
        })
        .collect()
}

/// Entries in order of time (then id).
pub fn in_order(mut entries: Vec<(i64, String, Value)>) -> Vec<Value> {
    entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    entries.into_iter().map(|(_, _, entry)| entry).collect()
}

/// What the user wrote in Messenger: to Pages and people, and to Instagram
/// accounts through their Accounts Center link.
async fn sent(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::Newest, |sandbox| {
        known_user(sandbox, &user_id)?;
        let mut entries = sent_entries(
            sandbox,
            &sandbox.messenger.conversations,
            "messenger",
            |m| m.from == user_id,
        );
        entries.extend(sent_entries(
            sandbox,
            &sandbox.instagram.conversations,
            "instagram",
            |m| m.via_messenger.as_deref() == Some(user_id.as_str()),
        ));
        Ok(in_order(entries))
    })
}
