//! Where a professional account was `@`-mentioned, as Meta's
//! `mentioned_media` and `mentioned_comment` read it: a post whose caption
//! names the account, posted by someone else; a comment whose text names
//! it, written by someone else on someone else's post. These are the
//! mentions `media.rs` reports with the `mentions` webhook.

use super::media::mentions;
use super::{InstagramComment, InstagramMedia};
use crate::world::sandbox::Sandbox;

/// Whether `text` names the account `username`.
fn names(text: &str, username: &str) -> bool {
    mentions(text).contains(&username)
}

impl Sandbox {
    fn username_of(&self, account: &str) -> Option<&str> {
        self.instagram
            .accounts
            .get(account)
            .map(|a| a.username.as_str())
    }

    /// Post `media_id`, when its caption mentions `account` (not its own).
    pub fn media_mentioning(&self, account: &str, media_id: &str) -> Option<&InstagramMedia> {
        let username = self.username_of(account)?;
        self.instagram.media.get(media_id).filter(|media| {
            media.owner != account
                && media
                    .caption
                    .as_deref()
                    .is_some_and(|caption| names(caption, username))
        })
    }

    /// Comment `comment_id`, when its text mentions `account`, written by
    /// another account on another account's post.
    pub fn comment_mentioning(&self, account: &str, comment_id: &str) -> Option<&InstagramComment> {
        let username = self.username_of(account)?;
        let comment = self.instagram.comments.get(comment_id)?;
        let media_owner = &self.instagram.media.get(&comment.media_id)?.owner;
        (comment.from != account && media_owner != account && names(&comment.text, username))
            .then_some(comment)
    }
}
