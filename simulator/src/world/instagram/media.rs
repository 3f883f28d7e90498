//! An account's posts and the comments on them: posting (the account's
//! `media_count` grows), commenting and replying, and the `instagram`
//! webhooks Meta sends professional accounts — `comments` for a comment on
//! their media (the commenter by IGSID), `mentions` for an `@username` of
//! theirs in a comment or caption elsewhere — and the private reply a
//! business may send once to a comment's author.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::world::events::EventPayload;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;
use crate::world::webhooks::subscriptions::WebhookObject;

/// The longest caption or comment Instagram takes.
pub const TEXT_MAX: usize = 2200;
/// The media types a post may have.
pub const MEDIA_TYPES: [&str; 3] = ["IMAGE", "VIDEO", "CAROUSEL_ALBUM"];
/// Where a post appears (`media_product_type`).
pub const PRODUCT_TYPES: [&str; 3] = ["FEED", "REELS", "STORY"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InstagramMedia {
    pub id: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    pub media_type: String,
    pub media_product_type: String,
    pub media_url: String,
    pub timestamp: i64,
    pub like_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InstagramComment {
    pub id: String,
    pub media_id: String,
    /// The commenting account.
    pub from: String,
    pub text: String,
    pub timestamp: i64,
    /// The same moment in milliseconds, ordered with the account's messages.
    #[serde(default)]
    pub time_ms: i64,
    /// The comment this one answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// The private reply the media's owner sent its author (one per comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_reply: Option<String>,
}

/// A post as its owner makes it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMedia {
    #[serde(default)]
    pub caption: Option<String>,
    /// `IMAGE` (default), `VIDEO` or `CAROUSEL_ALBUM`.
    #[serde(default)]
    pub media_type: Option<String>,
    /// `FEED` (default), `REELS` or `STORY`.
    #[serde(default)]
    pub media_product_type: Option<String>,
    #[serde(default)]
    pub media_url: Option<String>,
}

fn check_text(field: &str, text: &str) -> Result<(), Invalid> {
    let length = text.chars().count();
    if text.trim().is_empty() || length > TEXT_MAX {
        return Err(Invalid::new(
            field,
            format!("{field}: must be 1 to {TEXT_MAX} characters, got {length}"),
        ));
    }
    Ok(())
}

fn one_of(field: &str, given: Option<String>, allowed: &[&str]) -> Result<String, Invalid> {
    let value = given.unwrap_or_else(|| allowed[0].to_owned());
    if allowed.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!(
                "{field}: must be one of {}, got {value:?}",
                allowed.join(", ")
            ),
        ))
    }
}

/// The usernames `@`-mentioned in a text.
pub fn mentions(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '@'))
        .filter_map(|word| word.strip_prefix('@'))
        .map(|name| name.trim_end_matches('.'))
        .filter(|name| !name.is_empty())
        .collect()
}

impl Sandbox {
    /// Report a change of a professional account (`comments`, `mentions`).
    fn instagram_change(&mut self, account: &str, field: &str, value: Value) {
        if !self
            .instagram
            .accounts
            .get(account)
            .is_some_and(|a| a.is_professional())
        {
            return;
        }
        let now = self.clock.now();
        self.events.emit(
            now,
            EventPayload::AccountChange {
                object: WebhookObject::Instagram,
                account_id: account.to_owned(),
                field: field.to_owned(),
                value,
            },
        );
    }

    /// `mentions` for every professional account named in `text` but `except`.
    fn report_mentions(&mut self, text: &str, except: &[&str], value: &Value) {
        let named: Vec<String> = mentions(text)
            .into_iter()
            .filter_map(|name| self.instagram_by_username(name).map(|a| a.id.clone()))
            .filter(|id| !except.contains(&id.as_str()))
            .collect();
        for account in named {
            self.instagram_change(&account, "mentions", value.clone());
        }
    }

    /// `owner` posts; answers the media id.
    pub fn post_instagram_media(&mut self, owner: &str, new: NewMedia) -> Result<String, Invalid> {
        if !self.instagram.accounts.contains_key(owner) {
            return Err(Invalid::new(
                "owner",
                format!("No Instagram account with id {owner:?}"),
            ));
        }
        if let Some(caption) = &new.caption {
            check_text("caption", caption)?;
        }
        let media_type = one_of("media_type", new.media_type, &MEDIA_TYPES)?;
        let product = one_of("media_product_type", new.media_product_type, &PRODUCT_TYPES)?;
        let id = self.allocate_node(NodeKind::InstagramMedia);
        let media_url = new
            .media_url
            .unwrap_or_else(|| format!("https://scontent.cdninstagram.com/v/{id}/media.jpg"));
        let media = InstagramMedia {
            id: id.clone(),
            owner: owner.to_owned(),
            caption: new.caption.clone(),
            media_type,
            media_product_type: product,
            media_url,
            timestamp: self.clock.now(),
            like_count: 0,
        };
        self.instagram.media.insert(id.clone(), media);
        if let Some(account) = self.instagram.accounts.get_mut(owner) {
            account.media_count += 1;
        }
        if let Some(caption) = &new.caption {
            self.report_mentions(caption, &[owner], &json!({ "media_id": id }));
        }
        Ok(id)
    }

    /// `author` comments on a post (or answers a comment on it with `parent_id`).
    pub fn comment_on_instagram(
        &mut self,
        author: &str,
        media_id: &str,
        text: &str,
        parent_id: Option<&str>,
    ) -> Result<String, Invalid> {
        if !self.instagram.accounts.contains_key(author) {
            return Err(Invalid::new(
                "author",
                format!("No Instagram account with id {author:?}"),
            ));
        }
        let media = self
            .instagram
            .media
            .get(media_id)
            .ok_or_else(|| {
                Invalid::new(
                    "media_id",
                    format!("media_id: no post with id {media_id:?}"),
                )
            })?
            .clone();
        check_text("text", text)?;
        if let Some(parent) = parent_id {
            let top_level = self
                .instagram
                .comments
                .get(parent)
                .is_some_and(|c| c.media_id == media_id && c.parent_id.is_none());
            if !top_level {
                return Err(Invalid::new(
                    "parent_id",
                    format!("parent_id: {parent:?} is not a top-level comment of this post"),
                ));
            }
        }
        let id = self.allocate_node(NodeKind::InstagramComment);
        let now = self.clock.now();
        let comment = InstagramComment {
            id: id.clone(),
            media_id: media_id.to_owned(),
            from: author.to_owned(),
            text: text.to_owned(),
            timestamp: now,
            time_ms: self.instagram.conversations.stamp(now),
            parent_id: parent_id.map(str::to_owned),
            private_reply: None,
        };
        self.instagram.comments.insert(id.clone(), comment);
        if author != media.owner && self.is_professional_account(&media.owner) {
            let igsid = self.igsid_for(&media.owner, author);
            let username = self.instagram.accounts[author].username.clone();
            let mut value = json!({
                "id": id,
                "text": text,
                "from": { "id": igsid, "username": username },
                "media": { "id": media_id, "media_product_type": media.media_product_type },
            });
            if let Some(parent) = parent_id {
                value["parent_id"] = json!(parent);
            }
            self.instagram_change(&media.owner, "comments", value);
        }
        let value = json!({ "media_id": media_id, "comment_id": id });
        self.report_mentions(text, &[author, &media.owner], &value);
        Ok(id)
    }

    /// Whether an account is professional.
    pub fn is_professional_account(&self, id: &str) -> bool {
        self.instagram
            .accounts
            .get(id)
            .is_some_and(|a| a.is_professional())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_in_text() {
        assert_eq!(
            mentions("Love it @luckyshrub! cc @ana.plants."),
            ["luckyshrub", "ana.plants"]
        );
        assert!(mentions("write to mail@x.example").is_empty());
    }
}
