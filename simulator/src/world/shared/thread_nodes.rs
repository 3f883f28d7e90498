//! The Graph views Messenger and Instagram conversations share: a
//! conversation (`UnifiedThread`: participants, message count, unread
//! count, snippet, updated time, whether the account can reply, its folder
//! and thread key) and its
//! messages (`Message`: created time, from, to, text, attachments,
//! reactions), newest first. Each product says how a side is shown
//! (`{"name", "email", "id"}` on Messenger, `{"username", "id"}` on
//! Instagram) and which scoped id stands for the person.

use serde_json::{Value, json};

use super::conversations::{Conversation, Conversations, Message};
use crate::world::clock::graph_time;
use crate::world::ids::derived_digits;
use crate::world::nodes::{EdgeItem, FieldList, Fields};

/// How long a snippet may be.
const SNIPPET_MAX: usize = 100;

/// How a product shows one side of a conversation.
pub type Party<'a> = &'a dyn Fn(&str) -> Value;

/// `{"data": [...]}` of the sides `ids` (the person by their scoped id).
fn parties(party: Party<'_>, ids: &[&str]) -> Value {
    json!({ "data": ids.iter().map(|id| party(id)).collect::<Vec<_>>() })
}

/// The id a side is shown by: the person by their scoped id.
fn shown_id<'a>(conversation: &'a Conversation, side: &'a str) -> &'a str {
    if side == conversation.person {
        &conversation.scoped_id
    } else {
        side
    }
}

/// The fields of a conversation [`conversation_fields`] answers, in both
/// products.
pub const CONVERSATION_FIELDS: &[&str] = &[
    "id",
    "can_reply",
    "folder",
    "former_participants",
    "is_owner",
    "is_subscribed",
    "message_count",
    "participants",
    "scoped_thread_key",
    "senders",
    "snippet",
    "unread_count",
    "updated_time",
];

/// The fields of a conversation Meta leaves out of a one-to-one thread
/// with a person, in both products: a group thread's title, the Facebook
/// group it is linked to, a wallpaper someone chose, and the thread's link
/// in the account's inbox, which metasim does not model.
pub const CONVERSATION_UNSET_FIELDS: &[&str] = &["link", "linked_group", "name", "wallpaper"];

/// A conversation's fields.
pub fn conversation_fields(
    conversations: &Conversations,
    conversation: &Conversation,
    wanted: &[&str],
    now_ms: i64,
    party: Party<'_>,
) -> Option<FieldList> {
    let last = conversation
        .messages
        .last()
        .and_then(|id| conversations.message(id));
    let unread = conversations
        .messages_in(conversation)
        .filter(|m| m.from == conversation.person)
        .filter(|m| {
            conversation
                .account_read_ms
                .is_none_or(|read| m.time_ms > read)
        })
        .count();
    let sides = [
        conversation.scoped_id.as_str(),
        conversation.account.as_str(),
    ];
    Fields::new(&conversation.id, wanted)
        .put("updated_time", || {
            graph_time(conversation.updated_ms / 1000)
        })
        .put("message_count", || conversation.messages.len())
        .put("unread_count", || unread)
        .put_opt("snippet", || {
            last.and_then(Message::text)
                .map(|text| text.chars().take(SNIPPET_MAX).collect::<String>())
        })
        .put("participants", || parties(party, &sides))
        .put("senders", || parties(party, &sides))
        .put("can_reply", || {
            conversation
                .window_closes_ms()
                .is_some_and(|closes| now_ms < closes)
        })
        .put("is_subscribed", || true)
        // Nobody leaves a one-to-one thread, nor owns it as a group's
        // creator does; the business never files it away from the inbox.
        .put("folder", || "inbox")
        .put("former_participants", || json!({ "data": [] }))
        .put("is_owner", || false)
        .put("scoped_thread_key", || {
            format!(
                "t_{}",
                derived_digits(&["scoped_thread_key", &conversation.id], 16)
            )
        })
        .done()
}

/// A conversation's messages, newest first (as Meta lists them).
pub fn conversation_messages(conversation: &Conversation) -> Vec<EdgeItem> {
    conversation
        .messages
        .iter()
        .rev()
        .map(|id| EdgeItem::plain(id))
        .collect()
}

/// The attachments of a message as the Graph API lists them.
fn attachments(message: &Message) -> Option<Value> {
    let items = message.content.get("attachments")?.as_array()?;
    let data: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let kind = item["type"].as_str().unwrap_or("file");
            let url = item.pointer("/payload/url").cloned().unwrap_or(Value::Null);
            let mut out = json!({ "id": format!("{}_{i}", message.id) });
            match kind {
                "image" => out["image_data"] = json!({ "url": url, "preview_url": url }),
                "video" => out["video_data"] = json!({ "url": url, "preview_url": url }),
                _ => out["file_url"] = url,
            }
            out
        })
        .collect();
    Some(json!({ "data": data }))
}

/// The fields of a message [`message_fields`] answers (attachments and
/// reactions once it has them), in both products.
pub const MESSAGE_FIELDS: &[&str] = &[
    "id",
    "created_time",
    "from",
    "to",
    "message",
    "attachments",
    "reactions",
    "is_unsupported",
];

/// A message's fields (`party` shows the sender and recipient).
pub fn message_fields(
    conversation: &Conversation,
    message: &Message,
    wanted: &[&str],
    party: Party<'_>,
) -> Option<FieldList> {
    Fields::new(&message.id, wanted)
        .put("created_time", || graph_time(message.time_ms / 1000))
        .put("from", || party(shown_id(conversation, &message.from)))
        .put("to", || parties(party, &[shown_id(conversation, &message.to)]))
        .put("message", || message.text().unwrap_or_default().to_owned())
        .put_opt("attachments", || attachments(message))
        .put_opt("reactions", || {
            message.reaction.as_ref().map(|(_, emoji)| {
                json!({ "data": [{ "reaction": emoji, "users": [party(shown_id(conversation, &message.to))] }] })
            })
        })
        .put("is_unsupported", || false)
        .done()
}
