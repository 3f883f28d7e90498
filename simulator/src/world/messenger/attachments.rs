//! Attachments a Page saves for reuse (`/{page-id}/message_attachments`, or
//! a send with `is_reusable`): an image, audio, video or file by URL or
//! uploaded, answered with an `attachment_id` that later sends name instead
//! of the URL.

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// Attachments one Page may keep (metasim's bound; Meta states none).
pub const SAVED_PER_PAGE: usize = 1000;
/// The attachment types the Send API takes by URL or upload.
pub const MEDIA_TYPES: [&str; 4] = ["image", "audio", "video", "file"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SavedAttachment {
    pub id: String,
    pub page_id: String,
    /// `image`, `audio`, `video` or `file`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where the person's app fetches it.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    pub saved_at: i64,
}

impl Sandbox {
    /// Save an attachment of `kind`: by its URL, or uploaded (`url` absent:
    /// metasim gives it a URL on Meta's CDN host). Answers its id.
    pub fn save_attachment(
        &mut self,
        page_id: &str,
        kind: &str,
        url: Option<String>,
        mime_type: Option<String>,
    ) -> Result<String, Invalid> {
        if !MEDIA_TYPES.contains(&kind) {
            return Err(Invalid::new(
                "type",
                format!(
                    "Param message[attachment][type] must be one of {{{}}} - got \"{kind}\".",
                    MEDIA_TYPES.join(", ")
                ),
            ));
        }
        let saved = self
            .messenger
            .attachments
            .values()
            .filter(|a| a.page_id == page_id)
            .count();
        if saved >= SAVED_PER_PAGE {
            return Err(Invalid::new(
                "attachment",
                format!(
                    "This Page already keeps {SAVED_PER_PAGE} saved attachments, the most metasim keeps"
                ),
            ));
        }
        let id = self.ids.numeric_id("1", 16);
        let url = url.unwrap_or_else(|| format!("https://cdn.fbsbx.com/v/t59.2708-21/{id}/{kind}"));
        let attachment = SavedAttachment {
            id: id.clone(),
            page_id: page_id.to_owned(),
            kind: kind.to_owned(),
            url,
            mime_type,
            saved_at: self.clock.now(),
        };
        self.messenger.attachments.insert(id.clone(), attachment);
        Ok(id)
    }

    /// A Page's saved attachment.
    pub fn saved_attachment(&self, page_id: &str, id: &str) -> Option<&SavedAttachment> {
        self.messenger
            .attachments
            .get(id)
            .filter(|a| a.page_id == page_id)
    }
}
