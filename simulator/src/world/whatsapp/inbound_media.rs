//! Media a consumer sends, as Meta's inbound webhook shows it: a media id,
//! the MIME type (a voice note's `audio/ogg; codecs=opus`), the SHA-256 of
//! the file in base64, and for audio whether it is a `voice` note, for
//! stickers whether they are `animated` (what the consumer's message gives
//! is kept); the webhook adds a lookaside `url` to download it, signed for
//! five virtual minutes from the webhook's time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::world::sandbox::Sandbox;

/// Meta's host for media downloads; metasim serves the same path itself.
pub const LOOKASIDE_URL: &str = "https://lookaside.fbsbx.com/whatsapp_business/attachments/";

/// The MIME type Meta gives a kind of media when the consumer's app does
/// not say.
fn default_mime(kind: &str) -> Option<&'static str> {
    match kind {
        "image" => Some("image/jpeg"),
        "video" => Some("video/mp4"),
        "audio" => Some("audio/ogg; codecs=opus"),
        "document" => Some("application/pdf"),
        "sticker" => Some("image/webp"),
        _ => None,
    }
}

/// A hex SHA-256 (as media keep it) in base64 (as inbound webhooks show it).
fn base64_digest(hex_digest: &str) -> String {
    STANDARD.encode(hex::decode(hex_digest).unwrap_or_default())
}

impl Sandbox {
    /// Complete the media of an inbound message (`{"type": "image", "image":
    /// {...}}`) unless the consumer's message already names a media id.
    pub(crate) fn complete_media(&mut self, phone_number_id: &str, message: &mut Value) {
        let kind = message["type"].as_str().unwrap_or_default().to_owned();
        let Some(mime) = default_mime(&kind) else {
            return;
        };
        let Some(content) = message.get_mut(&kind).and_then(Value::as_object_mut) else {
            return;
        };
        if content.contains_key("id") {
            return;
        }
        let mime = content
            .get("mime_type")
            .and_then(Value::as_str)
            .unwrap_or(mime)
            .to_owned();
        let media = self.receive_media(phone_number_id, &mime);
        content.insert("id".into(), json!(media.id));
        content.insert("mime_type".into(), json!(media.mime_type));
        content.insert("sha256".into(), json!(base64_digest(&media.sha256)));
        keep_flag(content, &kind, "audio", "voice");
        keep_flag(content, &kind, "sticker", "animated");
    }
}

/// The webhook's download `url` of the media an inbound message carries,
/// issued at `time` (none for a message without media metasim keeps).
pub fn webhook_media_url(sandbox: &Sandbox, message: &Value, time: i64) -> Option<String> {
    let kind = message["type"].as_str()?;
    default_mime(kind)?;
    let id = message[kind]["id"].as_str()?;
    sandbox
        .whatsapp
        .media
        .contains_key(id)
        .then(|| format!("{LOOKASIDE_URL}?{}", sandbox.media_url_query_at(id, time)))
}

/// `false` for a media kind's flag the consumer's message did not set.
fn keep_flag(content: &mut Map<String, Value>, kind: &str, of: &str, flag: &str) {
    if kind == of && !content.get(flag).is_some_and(Value::is_boolean) {
        content.insert(flag.into(), json!(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn inbound_media_reads_like_meta_webhooks() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let mut voice = json!({ "type": "audio", "audio": { "voice": true } });
        sandbox.complete_media(&phone, &mut voice);
        let audio = &voice["audio"];
        assert_eq!(audio["mime_type"], "audio/ogg; codecs=opus");
        assert_eq!(audio["voice"], true);
        let digest = STANDARD.decode(audio["sha256"].as_str().unwrap()).unwrap();
        assert_eq!(digest.len(), 32);
        let media = &sandbox.whatsapp.media[audio["id"].as_str().unwrap()];
        assert_eq!(hex::encode(digest), media.sha256);
        let url = webhook_media_url(&sandbox, &voice, 10).unwrap();
        assert!(
            url.starts_with(LOOKASIDE_URL) && url.contains("&ext=310&"),
            "{url}"
        );
        let mut sticker = json!({ "type": "sticker", "sticker": {} });
        sandbox.complete_media(&phone, &mut sticker);
        assert_eq!(sticker["sticker"]["animated"], false);
        let mut given = json!({ "type": "image", "image": { "id": "1" } });
        sandbox.complete_media(&phone, &mut given);
        assert_eq!(given, json!({ "type": "image", "image": { "id": "1" } }));
        assert_eq!(webhook_media_url(&sandbox, &given, 0), None);
    }
}
