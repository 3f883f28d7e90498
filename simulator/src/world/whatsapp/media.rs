//! Media of a business phone number: uploads (with Meta's types and sizes),
//! media that consumers send, short-lived download URLs signed per sandbox,
//! and expiry on the virtual clock (uploads 30 days, inbound media 7 days,
//! URLs 5 minutes).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

pub const UPLOAD_LIFETIME: i64 = 30 * 24 * 3600;
pub const INBOUND_LIFETIME: i64 = 7 * 24 * 3600;
pub const URL_LIFETIME: i64 = 5 * 60;

const MB: usize = 1024 * 1024;

/// Supported MIME types and their maximum size (Meta's media limits).
const SUPPORTED: [(&str, usize); 17] = [
    ("audio/aac", 16 * MB),
    ("audio/amr", 16 * MB),
    ("audio/mpeg", 16 * MB),
    ("audio/mp4", 16 * MB),
    ("audio/ogg", 16 * MB),
    ("text/plain", 100 * MB),
    ("application/pdf", 100 * MB),
    ("application/vnd.ms-powerpoint", 100 * MB),
    ("application/msword", 100 * MB),
    ("application/vnd.ms-excel", 100 * MB),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        100 * MB,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        100 * MB,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        100 * MB,
    ),
    ("image/jpeg", 5 * MB),
    ("image/png", 5 * MB),
    ("image/webp", 500 * 1024),
    ("video/mp4", 16 * MB),
];

/// Also accepted: 3GPP video.
const VIDEO_3GPP: (&str, usize) = ("video/3gpp", 16 * MB);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Media {
    pub id: String,
    pub phone_number_id: String,
    pub mime_type: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub file_size: usize,
    /// The bytes, base64 (so snapshots stay JSON).
    pub data: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaError {
    UnsupportedType(String),
    TooLarge { mime_type: String, max: usize },
}

fn limit_for(mime_type: &str) -> Option<usize> {
    SUPPORTED
        .iter()
        .chain([&VIDEO_3GPP])
        .find(|(m, _)| *m == mime_type)
        .map(|(_, max)| *max)
}

impl Media {
    pub fn bytes(&self) -> Vec<u8> {
        STANDARD.decode(&self.data).unwrap_or_default()
    }
}

impl Sandbox {
    fn store_media(
        &mut self,
        phone_number_id: &str,
        mime_type: &str,
        bytes: &[u8],
        lifetime: i64,
    ) -> Media {
        let now = self.clock.now();
        let id = self.allocate_node(NodeKind::Media);
        let media = Media {
            id: id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            mime_type: mime_type.to_owned(),
            sha256: hex::encode(Sha256::digest(bytes)),
            file_size: bytes.len(),
            data: STANDARD.encode(bytes),
            created_at: now,
            expires_at: now.saturating_add(lifetime),
        };
        self.whatsapp.media.insert(id, media.clone());
        media
    }

    /// `POST /{phone-number-id}/media`: keep a file for 30 days.
    pub fn upload_media(
        &mut self,
        phone_number_id: &str,
        mime_type: &str,
        bytes: &[u8],
    ) -> Result<Media, MediaError> {
        let max = limit_for(mime_type)
            .ok_or_else(|| MediaError::UnsupportedType(mime_type.to_owned()))?;
        if bytes.len() > max {
            return Err(MediaError::TooLarge {
                mime_type: mime_type.to_owned(),
                max,
            });
        }
        Ok(self.store_media(phone_number_id, mime_type, bytes, UPLOAD_LIFETIME))
    }

    /// A file a consumer sends: synthetic bytes of the declared type, kept 7 days.
    pub fn receive_media(&mut self, phone_number_id: &str, mime_type: &str) -> Media {
        let bytes = format!(
            "metasim inbound {mime_type} #{}",
            self.whatsapp.media.len() + 1
        )
        .into_bytes();
        self.store_media(phone_number_id, mime_type, &bytes, INBOUND_LIFETIME)
    }

    /// Media that exists and has not expired.
    pub fn live_media(&self, id: &str) -> Option<&Media> {
        let now = self.clock.now();
        self.whatsapp.media.get(id).filter(|m| now < m.expires_at)
    }

    pub fn delete_media(&mut self, id: &str) -> bool {
        self.registry.remove(id);
        self.whatsapp.media.remove(id).is_some()
    }

    /// The signature of a download URL: only this sandbox's URLs verify.
    fn url_hash(&self, id: &str, expires: i64) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.seed.to_le_bytes());
        hasher.update(self.id.as_bytes());
        hasher.update(id.as_bytes());
        hasher.update(expires.to_le_bytes());
        URL_SAFE_NO_PAD.encode(&hasher.finalize()[..18])
    }

    /// The query of a download URL valid for 5 minutes from now.
    pub fn media_url_query(&self, id: &str) -> String {
        self.media_url_query_at(id, self.clock.now())
    }

    /// The download query of a URL issued at `issued` (a webhook's time).
    pub fn media_url_query_at(&self, id: &str, issued: i64) -> String {
        let expires = issued + URL_LIFETIME;
        format!("mid={id}&ext={expires}&hash={}", self.url_hash(id, expires))
    }

    /// The media a download URL names, if the URL is genuine and still valid.
    /// Whether a download URL for `id` is genuine and not expired.
    pub fn download_url_valid(&self, id: &str, expires: i64, hash: &str) -> bool {
        self.url_hash(id, expires) == hash && self.clock.now() < expires
    }

    pub fn media_for_url(&self, id: &str, expires: i64, hash: &str) -> Option<&Media> {
        let genuine = self.url_hash(id, expires) == hash;
        (genuine && self.clock.now() < expires)
            .then(|| self.live_media(id))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn sandbox() -> (Sandbox, String) {
        let sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        (sandbox, phone)
    }

    #[test]
    fn uploads_are_checked_and_expire() {
        let (mut sandbox, phone) = sandbox();
        let media = sandbox.upload_media(&phone, "image/png", b"png!").unwrap();
        assert_eq!(media.file_size, 4);
        assert_eq!(media.sha256, hex::encode(Sha256::digest(b"png!")));
        assert_eq!(media.bytes(), b"png!");
        assert_eq!(
            sandbox.upload_media(&phone, "image/gif", b"x"),
            Err(MediaError::UnsupportedType("image/gif".into()))
        );
        let big = vec![0u8; 500 * 1024 + 1];
        assert!(matches!(
            sandbox.upload_media(&phone, "image/webp", &big),
            Err(MediaError::TooLarge { .. })
        ));
        sandbox.clock.advance(UPLOAD_LIFETIME);
        assert!(sandbox.live_media(&media.id).is_none());
    }

    #[test]
    fn urls_are_signed_and_short_lived() {
        let (mut sandbox, phone) = sandbox();
        let media = sandbox
            .upload_media(&phone, "application/pdf", b"%PDF")
            .unwrap();
        let query = sandbox.media_url_query(&media.id);
        let parts: Vec<&str> = query
            .split('&')
            .map(|p| p.split_once('=').unwrap().1)
            .collect();
        let expires: i64 = parts[1].parse().unwrap();
        assert!(
            sandbox
                .media_for_url(&media.id, expires, parts[2])
                .is_some()
        );
        assert!(
            sandbox
                .media_for_url(&media.id, expires, "forged")
                .is_none()
        );
        sandbox.clock.advance(URL_LIFETIME);
        assert!(
            sandbox
                .media_for_url(&media.id, expires, parts[2])
                .is_none()
        );
        assert!(sandbox.delete_media(&media.id));
        assert!(!sandbox.delete_media(&media.id));
    }
}
