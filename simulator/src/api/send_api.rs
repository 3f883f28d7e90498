//! The Send API's request as Messenger and Instagram share it: `recipient`,
//! `messaging_type` (with `tag`), `sender_action`, `notification_type`, and
//! the `message` — text, an attachment by URL or saved id (image, audio,
//! video, file), a button or generic template, quick replies, metadata —
//! read from JSON or form bodies and checked with Meta's errors. What the
//! person receives comes out in the webhook's shape.

use serde_json::{Map, Value, json};

use super::error::GraphError;
use super::request::GraphRequest;
use crate::world::shared::conversations::{MessageTag, Reach};

/// The longest text message.
pub const TEXT_MAX: usize = 2000;
/// Quick replies per message.
pub const QUICK_REPLIES_MAX: usize = 13;
/// A quick reply's or button's longest title.
pub const TITLE_MAX: usize = 20;
/// The longest payload (quick replies, postback buttons) and metadata.
pub const PAYLOAD_MAX: usize = 1000;
/// A button template's longest text.
pub const BUTTON_TEXT_MAX: usize = 640;
/// Buttons per template or element.
pub const BUTTONS_MAX: usize = 3;
/// Elements of a generic template.
pub const ELEMENTS_MAX: usize = 10;
/// A generic element's longest title and subtitle.
pub const ELEMENT_TEXT_MAX: usize = 80;

/// Who a send is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A PSID or IGSID.
    Id(String),
    /// A private reply to an Instagram comment.
    Comment(String),
}

/// An attachment to send: by URL or by a saved attachment's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    Url { url: String, reusable: bool },
    Saved(String),
}

/// A checked `message`: what the person receives (webhook shape, without
/// the media that still needs resolving), and the media to resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedMessage {
    pub content: Value,
    pub media: Option<(String, MediaSource)>,
    pub metadata: Option<String>,
}

impl CheckedMessage {
    /// The content with the media attached at `url`.
    pub fn with_media_url(mut self, kind: &str, url: &str) -> Value {
        self.content["attachments"] = json!([{ "type": kind, "payload": { "url": url } }]);
        self.content
    }
}

fn bad(detail: impl AsRef<str>) -> GraphError {
    GraphError::invalid_parameter(detail)
}

/// `recipient` as given (JSON, or a form field holding JSON).
pub fn recipient(request: &GraphRequest) -> Result<Recipient, GraphError> {
    let value = request
        .param_json("recipient")
        .ok_or_else(|| bad("The parameter recipient is required"))??;
    let object = value
        .as_object()
        .ok_or_else(|| bad("Param recipient must be a JSON object"))?;
    if let Some(comment) = object.get("comment_id") {
        return id_string(comment).map(Recipient::Comment).ok_or_else(|| {
            bad("Param recipient[comment_id] must be a valid ID string (e.g., \"123\")")
        });
    }
    match object.get("id") {
        Some(id) => id_string(id)
            .map(Recipient::Id)
            .ok_or_else(|| bad("Param recipient[id] must be a valid ID string (e.g., \"123\")")),
        None if object.contains_key("user_ref") || object.contains_key("phone_number") => {
            Err(no_matching_user())
        }
        None => Err(bad("The parameter recipient[id] is required")),
    }
}

/// An id as a string of digits (JSON numbers are taken too, as Meta does).
fn id_string(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

/// `(#100) No matching user found` (100/2018001).
pub fn no_matching_user() -> GraphError {
    bad("No matching user found").with_subcode(2018001)
}

/// `messaging_type` (default `RESPONSE`) and `tag` → what the send relies on.
/// `tags` are the tags the product takes.
pub fn reach(request: &GraphRequest, tags: &[MessageTag]) -> Result<Reach, GraphError> {
    let kind = request.param_str("messaging_type");
    match kind.as_deref().unwrap_or("RESPONSE") {
        "RESPONSE" | "UPDATE" | "UTILITY" => Ok(Reach::Standard),
        "MESSAGE_TAG" => {
            let tag = request.param_str("tag").ok_or_else(|| {
                bad("The parameter tag is required when messaging_type is MESSAGE_TAG")
            })?;
            tags.iter()
                .copied()
                .find(|t| t.name() == tag)
                .map(Reach::Tag)
                .ok_or_else(|| {
                    let names: Vec<&str> = tags.iter().map(|t| t.name()).collect();
                    bad(format!(
                        "Param tag must be one of {{{}}} - got \"{tag}\".",
                        names.join(", ")
                    ))
                })
        }
        other => Err(bad(format!(
            "Param messaging_type must be one of {{RESPONSE, UPDATE, MESSAGE_TAG, UTILITY}} - got \"{other}\"."
        ))),
    }
}

/// `notification_type`, when given, must be one of Meta's.
pub fn check_notification_type(request: &GraphRequest) -> Result<(), GraphError> {
    match request.param_str("notification_type").as_deref() {
        None | Some("REGULAR" | "SILENT_PUSH" | "NO_PUSH") => Ok(()),
        Some(other) => Err(bad(format!(
            "Param notification_type must be one of {{REGULAR, SILENT_PUSH, NO_PUSH}} - got \"{other}\"."
        ))),
    }
}

fn text_within(
    value: &Value,
    name: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, GraphError> {
    match value {
        Value::Null if !required => Ok(None),
        Value::String(text) if !text.is_empty() && text.chars().count() <= max => {
            Ok(Some(text.clone()))
        }
        Value::String(text) if text.chars().count() > max => Err(bad(format!(
            "Length of param {name} must be less than or equal to {max}"
        ))),
        _ => Err(bad(format!("The parameter {name} is required"))),
    }
}

fn check_buttons(buttons: &Value, place: &str, required: bool) -> Result<(), GraphError> {
    let list = match buttons {
        Value::Null if !required => return Ok(()),
        Value::Array(list) if (1..=BUTTONS_MAX).contains(&list.len()) => list,
        _ => {
            return Err(bad(format!(
                "Param {place} must be an array of 1 to {BUTTONS_MAX} buttons"
            )));
        }
    };
    for (i, button) in list.iter().enumerate() {
        let at = format!("{place}[{i}]");
        text_within(&button["title"], &format!("{at}[title]"), TITLE_MAX, true)?;
        match button["type"].as_str() {
            Some("web_url") => {
                text_within(&button["url"], &format!("{at}[url]"), 2000, true)?;
            }
            Some("postback" | "phone_number") => {
                text_within(
                    &button["payload"],
                    &format!("{at}[payload]"),
                    PAYLOAD_MAX,
                    true,
                )?;
            }
            other => {
                return Err(bad(format!(
                    "Param {at}[type] must be one of {{web_url, postback, phone_number}} - got \"{}\".",
                    other.unwrap_or_default()
                )));
            }
        }
    }
    Ok(())
}

fn check_template(payload: &Value) -> Result<(), GraphError> {
    const PLACE: &str = "message[attachment][payload]";
    match payload["template_type"].as_str() {
        Some("button") => {
            text_within(
                &payload["text"],
                &format!("{PLACE}[text]"),
                BUTTON_TEXT_MAX,
                true,
            )?;
            check_buttons(&payload["buttons"], &format!("{PLACE}[buttons]"), true)
        }
        Some("generic") => {
            let elements = payload["elements"]
                .as_array()
                .filter(|e| (1..=ELEMENTS_MAX).contains(&e.len()))
                .ok_or_else(|| {
                    bad(format!(
                        "Param {PLACE}[elements] must be an array of 1 to {ELEMENTS_MAX} elements"
                    ))
                })?;
            for (i, element) in elements.iter().enumerate() {
                let at = format!("{PLACE}[elements][{i}]");
                text_within(
                    &element["title"],
                    &format!("{at}[title]"),
                    ELEMENT_TEXT_MAX,
                    true,
                )?;
                text_within(
                    &element["subtitle"],
                    &format!("{at}[subtitle]"),
                    ELEMENT_TEXT_MAX,
                    false,
                )?;
                check_buttons(&element["buttons"], &format!("{at}[buttons]"), false)?;
            }
            Ok(())
        }
        Some(other) => Err(bad(format!(
            "Param {PLACE}[template_type] {other:?}: metasim simulates the button and generic templates"
        ))),
        None => Err(bad(format!(
            "The parameter {PLACE}[template_type] is required"
        ))),
    }
}

fn check_quick_replies(value: &Value) -> Result<(), GraphError> {
    let replies = value
        .as_array()
        .filter(|r| (1..=QUICK_REPLIES_MAX).contains(&r.len()))
        .ok_or_else(|| {
            bad(format!(
                "Param message[quick_replies] must be an array of 1 to {QUICK_REPLIES_MAX} quick replies"
            ))
        })?;
    for (i, reply) in replies.iter().enumerate() {
        let at = format!("message[quick_replies][{i}]");
        match reply["content_type"].as_str() {
            Some("text") => {
                text_within(&reply["title"], &format!("{at}[title]"), TITLE_MAX, true)?;
                text_within(
                    &reply["payload"],
                    &format!("{at}[payload]"),
                    PAYLOAD_MAX,
                    true,
                )?;
            }
            Some("user_phone_number" | "user_email") => {}
            other => {
                return Err(bad(format!(
                    "Param {at}[content_type] must be one of {{text, user_phone_number, user_email}} - got \"{}\".",
                    other.unwrap_or_default()
                )));
            }
        }
    }
    Ok(())
}

/// The media of an attachment: its URL or saved id.
fn media_source(payload: &Value) -> Result<MediaSource, GraphError> {
    const PLACE: &str = "message[attachment][payload]";
    if let Some(id) = payload.get("attachment_id") {
        return id_string(id).map(MediaSource::Saved).ok_or_else(|| {
            bad(format!(
                "Param {PLACE}[attachment_id] must be a valid ID string"
            ))
        });
    }
    let url = payload["url"]
        .as_str()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let url = url.ok_or_else(|| {
        bad(format!(
            "Param {PLACE}[url] must be a valid URL (or give attachment_id)"
        ))
    })?;
    Ok(MediaSource::Url {
        url: url.to_owned(),
        reusable: payload["is_reusable"] == json!(true),
    })
}

/// The `attachment` of a message or an upload: media or a template.
pub fn attachment(value: &Value) -> Result<(String, Result<MediaSource, Value>), GraphError> {
    let kind = value["type"]
        .as_str()
        .ok_or_else(|| bad("The parameter message[attachment][type] is required"))?;
    let payload = &value["payload"];
    if !payload.is_object() {
        return Err(bad(
            "The parameter message[attachment][payload] is required",
        ));
    }
    match kind {
        "image" | "audio" | "video" | "file" => Ok((kind.to_owned(), Ok(media_source(payload)?))),
        "template" => {
            check_template(payload)?;
            Ok((kind.to_owned(), Err(payload.clone())))
        }
        other => Err(bad(format!(
            "Param message[attachment][type] must be one of {{image, audio, video, file, template}} - got \"{other}\"."
        ))),
    }
}

/// Check `message` (required unless the send is a sender action).
pub fn message(request: &GraphRequest) -> Result<CheckedMessage, GraphError> {
    let value = request
        .param_json("message")
        .ok_or_else(|| bad("The parameter message is required"))??;
    let object = value
        .as_object()
        .ok_or_else(|| bad("Param message must be a JSON object"))?;
    let text = object.get("text").filter(|t| !t.is_null());
    let attachment_value = object.get("attachment").filter(|a| !a.is_null());
    let mut content = Map::new();
    let mut media = None;
    match (text, attachment_value) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "Only one of message[text] and message[attachment] can be set",
            ));
        }
        (None, None) => {
            return Err(bad(
                "Message cannot be empty, must provide valid attachment or text",
            ));
        }
        (Some(text), None) => {
            let text = text_within(text, "message[text]", TEXT_MAX, true)?;
            content.insert("text".into(), json!(text));
        }
        (None, Some(attachment_value)) => match attachment(attachment_value)? {
            (kind, Ok(source)) => media = Some((kind, source)),
            (kind, Err(payload)) => {
                content.insert(
                    "attachments".into(),
                    json!([{ "type": kind, "payload": payload }]),
                );
            }
        },
    }
    if let Some(replies) = object.get("quick_replies").filter(|q| !q.is_null()) {
        check_quick_replies(replies)?;
        content.insert("quick_replies".into(), replies.clone());
    }
    let metadata = match object.get("metadata") {
        None | Some(Value::Null) => None,
        Some(value) => text_within(value, "message[metadata]", PAYLOAD_MAX, true)?,
    };
    Ok(CheckedMessage {
        content: Value::Object(content),
        media,
        metadata,
    })
}

/// `(#10) This message is sent outside of allowed window…` with `subcode`
/// (2018278 on Messenger) and this HTTP status.
pub fn outside_window(http_status: u16, subcode: i64) -> GraphError {
    GraphError::new(
        http_status,
        "OAuthException",
        10,
        "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
    )
    .with_subcode(subcode)
}

/// `(#230) Requires {permission} permission to manage the object`.
pub fn requires_permission(permission: &str) -> GraphError {
    GraphError::new(
        403,
        "OAuthException",
        230,
        format!("(#230) Requires {permission} permission to manage the object"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_checked() {
        let button = json!({"template_type": "button", "text": "Pick", "buttons": [
            {"type": "postback", "title": "Yes", "payload": "YES"},
            {"type": "web_url", "title": "Shop", "url": "https://shop.example"}]});
        assert!(check_template(&button).is_ok());
        let four = json!({"template_type": "button", "text": "Pick", "buttons": [
            {"type": "postback", "title": "a", "payload": "a"}, {"type": "postback", "title": "b", "payload": "b"},
            {"type": "postback", "title": "c", "payload": "c"}, {"type": "postback", "title": "d", "payload": "d"}]});
        assert!(
            check_template(&four)
                .unwrap_err()
                .message
                .contains("1 to 3 buttons")
        );
        let generic = json!({"template_type": "generic", "elements": [{"title": "Fern", "subtitle": "Green"}]});
        assert!(check_template(&generic).is_ok());
        let receipt = json!({"template_type": "receipt"});
        assert!(check_template(&receipt).is_err());
    }

    #[test]
    fn quick_replies_are_checked() {
        assert!(
            check_quick_replies(&json!([{"content_type": "text", "title": "Yes", "payload": "Y"}]))
                .is_ok()
        );
        assert!(check_quick_replies(&json!([{"content_type": "user_email"}])).is_ok());
        let long = json!([{"content_type": "text", "title": "x".repeat(21), "payload": "Y"}]);
        assert!(
            check_quick_replies(&long)
                .unwrap_err()
                .message
                .contains("less than or equal to 20")
        );
        let many: Vec<Value> = (0..14)
            .map(|i| json!({"content_type": "text", "title": i.to_string(), "payload": "p"}))
            .collect();
        assert!(check_quick_replies(&json!(many)).is_err());
    }
}
