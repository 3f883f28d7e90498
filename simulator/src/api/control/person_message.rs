//! What a person types or taps in Messenger or Instagram, as the control
//! plane takes it — the Send API's own message shape: `text`, `attachment`
//! (or `attachments`), `quick_reply` `{"payload"}`, `reply_to` `{"mid"}` —
//! checked and turned into the webhook's shape (`text`, `attachments`,
//! `quick_reply`, `reply_to`, in that order); buttons tapped; and how the
//! control plane answers a person's action or its refusal.

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Answer, ok};
use crate::api::error::GraphError;
use crate::api::send_api::{PAYLOAD_MAX, TEXT_MAX, TITLE_MAX};
use crate::world::links::cross_app::CrossAppRefusal;
use crate::world::shared::person_refusal::PersonRefusal;

/// Attachment types a person sends in Messenger.
pub const MESSENGER_TYPES: &[&str] = &["image", "video", "audio", "file"];
/// A person's refused action, as the control plane answers it.
pub fn person_refusal(error: PersonRefusal) -> GraphError {
    let message = error.message();
    match error {
        PersonRefusal::UnknownPerson(..) | PersonRefusal::UnknownMessage(_) => {
            GraphError::sim_not_found(message)
        }
        PersonRefusal::NotReceived(_) | PersonRefusal::NotProfessional(_) => {
            GraphError::sim_refused(403, message)
        }
        PersonRefusal::NothingToRead => GraphError::sim_conflict(message),
        _ => GraphError::sim_invalid(message),
    }
}

/// A refused message between Messenger and Instagram (Accounts Center).
pub fn cross_app_refusal(error: CrossAppRefusal) -> GraphError {
    let message = error.message();
    match error {
        CrossAppRefusal::Person(refusal) => person_refusal(refusal),
        CrossAppRefusal::NotLinked(_) => {
            GraphError::sim_refused(403, message).with_data(json!({ "reason": "not_linked" }))
        }
        CrossAppRefusal::MessagesOff(_) => GraphError::sim_refused(403, message)
            .with_data(json!({ "reason": "direct_messages_off" })),
    }
}

/// A tapped button: a postback to `to`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tap {
    pub to: String,
    pub title: String,
    pub payload: String,
}

impl Tap {
    pub fn check(&self) -> Result<(), GraphError> {
        if self.title.is_empty() || self.title.chars().count() > TITLE_MAX {
            return Err(invalid(format!(
                "title must be 1 to {TITLE_MAX} characters"
            )));
        }
        if self.payload.is_empty() || self.payload.chars().count() > PAYLOAD_MAX {
            return Err(invalid(format!(
                "payload must be 1 to {PAYLOAD_MAX} characters"
            )));
        }
        Ok(())
    }
}

/// 201 `{"mid", <scoped>: id}`: what a person's message or tap produced.
pub fn created(mid: &str, scoped: &str, id: Option<&str>) -> Answer {
    let mut body = json!({ "mid": mid });
    body[scoped] = json!(id);
    ok(StatusCode::CREATED, body)
}

/// Attachment types a person sends in Instagram (shares of posts and
/// reels, story mentions, `ig_post` beside `share`).
pub const INSTAGRAM_TYPES: &[&str] = &[
    "image",
    "video",
    "audio",
    "file",
    "share",
    "story_mention",
    "ig_reel",
    "ig_post",
];

fn invalid(detail: impl AsRef<str>) -> GraphError {
    GraphError::sim_invalid(detail)
}

fn attachment(value: &Value, place: &str, types: &[&str]) -> Result<Value, GraphError> {
    let kind = value["type"].as_str().unwrap_or_default();
    if !types.contains(&kind) {
        return Err(invalid(format!(
            "{place}.type must be one of {}, got {kind:?}",
            types.join(", ")
        )));
    }
    let url = value
        .pointer("/payload/url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .ok_or_else(|| invalid(format!("{place}.payload.url must be an http(s) URL")))?;
    let mut payload = value["payload"].clone();
    payload["url"] = json!(url);
    Ok(json!({ "type": kind, "payload": payload }))
}

/// Check a person's `message` (attachments of `types`); `reply_to` may also
/// name a story when `stories` (Instagram story replies).
pub fn person_message(value: &Value, types: &[&str], stories: bool) -> Result<Value, GraphError> {
    let object = value
        .as_object()
        .ok_or_else(|| invalid("message must be an object"))?;
    let known = [
        "text",
        "attachment",
        "attachments",
        "quick_reply",
        "reply_to",
    ];
    if let Some(unknown) = object.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(invalid(format!(
            "message.{unknown}: a person's message has {}",
            known.join(", ")
        )));
    }
    let mut content = Map::new();
    if let Some(text) = object.get("text") {
        let text = text
            .as_str()
            .filter(|t| !t.is_empty() && t.chars().count() <= TEXT_MAX)
            .ok_or_else(|| invalid(format!("message.text must be 1 to {TEXT_MAX} characters")))?;
        content.insert("text".into(), json!(text));
    }
    let mut attachments = Vec::new();
    if let Some(single) = object.get("attachment") {
        attachments.push(attachment(single, "message.attachment", types)?);
    }
    if let Some(list) = object.get("attachments") {
        let list = list
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| invalid("message.attachments must be a non-empty array"))?;
        for (i, item) in list.iter().enumerate() {
            attachments.push(attachment(
                item,
                &format!("message.attachments[{i}]"),
                types,
            )?);
        }
    }
    if !attachments.is_empty() {
        content.insert("attachments".into(), json!(attachments));
    }
    if content.is_empty() {
        return Err(invalid("message needs text or an attachment"));
    }
    if let Some(reply) = object.get("quick_reply") {
        let payload = reply["payload"]
            .as_str()
            .filter(|p| !p.is_empty() && p.chars().count() <= PAYLOAD_MAX)
            .ok_or_else(|| {
                invalid(format!(
                    "message.quick_reply.payload must be 1 to {PAYLOAD_MAX} characters"
                ))
            })?;
        if !content.contains_key("text") {
            return Err(invalid(
                "message.quick_reply comes with the text of the tapped reply",
            ));
        }
        content.insert("quick_reply".into(), json!({ "payload": payload }));
    }
    if let Some(reply_to) = object.get("reply_to") {
        let mid = reply_to["mid"].as_str().filter(|m| !m.is_empty());
        let story = reply_to.get("story").filter(|_| stories);
        match (mid, story) {
            (Some(mid), _) => {
                content.insert("reply_to".into(), json!({ "mid": mid }));
            }
            (None, Some(story)) => {
                let url = story["url"].as_str().filter(|u| u.starts_with("http"));
                let id = story["id"].as_str().filter(|i| !i.is_empty());
                let (Some(url), Some(id)) = (url, id) else {
                    return Err(invalid("message.reply_to.story needs url and id"));
                };
                content.insert(
                    "reply_to".into(),
                    json!({ "story": { "url": url, "id": id } }),
                );
            }
            (None, None) if stories => {
                return Err(invalid("message.reply_to needs mid (or story: {url, id})"));
            }
            (None, None) => return Err(invalid("message.reply_to.mid is required")),
        }
    }
    Ok(Value::Object(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_out_in_the_webhooks_order() {
        let message =
            json!({"reply_to": {"mid": "m_1"}, "quick_reply": {"payload": "A"}, "text": "Yes"});
        assert_eq!(
            person_message(&message, MESSENGER_TYPES, false)
                .unwrap()
                .to_string(),
            r#"{"text":"Yes","quick_reply":{"payload":"A"},"reply_to":{"mid":"m_1"}}"#
        );
        let photo =
            json!({"attachment": {"type": "image", "payload": {"url": "https://x.example/a.jpg"}}});
        assert_eq!(
            person_message(&photo, MESSENGER_TYPES, false).unwrap(),
            json!({"attachments": [{"type": "image", "payload": {"url": "https://x.example/a.jpg"}}]})
        );
        let share = json!({"attachment": {"type": "share", "payload": {"url": "https://instagram.com/p/1"}}});
        assert!(person_message(&share, MESSENGER_TYPES, false).is_err());
        assert!(person_message(&share, &["share"], true).is_ok());
        let story = json!({"text": "Love it", "reply_to": {"story": {"url": "https://x.example/s", "id": "1"}}});
        assert!(person_message(&story, MESSENGER_TYPES, true).is_ok());
        assert!(person_message(&story, MESSENGER_TYPES, false).is_err());
        assert!(person_message(&json!({}), MESSENGER_TYPES, false).is_err());
        assert!(
            person_message(&json!({"text": "x", "sticker": 1}), MESSENGER_TYPES, false).is_err()
        );
    }
}
