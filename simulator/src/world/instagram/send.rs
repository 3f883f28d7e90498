//! What a professional account sends through the API (the Page's token, or
//! its own Instagram-login token): messages to an IGSID inside the 24-hour
//! window or with the `HUMAN_AGENT` tag (7 days), sender actions, and the
//! one private reply a comment's author may get within 7 days. Nothing goes
//! while the account has "Allow access to messages" off. The person gets the
//! message at once; the account's apps get the `messages` echo.

use serde_json::Value;

use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{
    HUMAN_AGENT_WINDOW_MS, Reach, SenderAction, WindowRefusal,
};

/// A message the API layer checked, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountMessage {
    /// What the person receives, as webhooks show it.
    pub content: Value,
    pub reach: Reach,
    pub app_id: String,
}

/// Why a send was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSendRefusal {
    /// The id is no IGSID of this account.
    UnknownRecipient(String),
    /// "Allow access to messages" is off.
    AccessOff,
    Window(WindowRefusal),
    UnknownComment(String),
    /// The comment already had its private reply.
    AlreadyReplied(String),
}

impl Sandbox {
    /// The conversation of an account and an IGSID, if apps may send in it.
    fn instagram_thread(
        &self,
        account: &str,
        igsid: &str,
    ) -> Result<(String, String), AccountSendRefusal> {
        let access = self
            .instagram
            .accounts
            .get(account)
            .is_some_and(|a| a.allow_access_to_messages);
        if !access {
            return Err(AccountSendRefusal::AccessOff);
        }
        let person = self
            .person_of_igsid(account, igsid)
            .ok_or_else(|| AccountSendRefusal::UnknownRecipient(igsid.to_owned()))?;
        let conversation = self
            .instagram
            .conversations
            .between(account, person)
            .ok_or(AccountSendRefusal::Window(WindowRefusal::Closed))?;
        Ok((conversation.id.clone(), person.to_owned()))
    }

    /// Send to an IGSID of `account`; answers the message id.
    pub fn instagram_send(
        &mut self,
        account: &str,
        igsid: &str,
        message: AccountMessage,
    ) -> Result<String, AccountSendRefusal> {
        let (conversation, person) = self.instagram_thread(account, igsid)?;
        let now_ms = self.clock.now().saturating_mul(1000);
        if let Some(c) = self.instagram.conversations.get(&conversation) {
            c.may_send(now_ms, message.reach)
                .map_err(AccountSendRefusal::Window)?;
        }
        let mut kept = self.new_instagram_message(&conversation, account, &person, message.content);
        kept.app_id = Some(message.app_id);
        if let Reach::Tag(tag) = message.reach {
            kept.tag = Some(tag);
        }
        Ok(self.deliver_instagram(&conversation, kept).mid)
    }

    /// A sender action inside the standard window; `mark_seen` reads
    /// everything the person sent.
    pub fn instagram_sender_action(
        &mut self,
        account: &str,
        igsid: &str,
        action: SenderAction,
    ) -> Result<(), AccountSendRefusal> {
        let (conversation, person) = self.instagram_thread(account, igsid)?;
        let now_ms = self.clock.now().saturating_mul(1000);
        let conversations = &self.instagram.conversations;
        let Some(c) = conversations.get(&conversation) else {
            return Ok(());
        };
        c.may_send(now_ms, Reach::Standard)
            .map_err(AccountSendRefusal::Window)?;
        if action != SenderAction::MarkSeen {
            return Ok(());
        }
        let newest = conversations
            .messages_in(c)
            .filter(|m| m.from == person)
            .map(|m| m.time_ms)
            .max();
        if let Some(c) = self.instagram.conversations.get_mut(&conversation) {
            c.account_read_ms = newest.or(c.account_read_ms);
        }
        Ok(())
    }

    /// The private reply to a comment on one of `account`'s posts: once per
    /// comment, within 7 days of it, whatever the messaging window. Answers
    /// the author's IGSID and the message id.
    pub fn instagram_private_reply(
        &mut self,
        account: &str,
        comment_id: &str,
        content: Value,
        app_id: &str,
    ) -> Result<(String, String), AccountSendRefusal> {
        let comment = self
            .instagram
            .comments
            .get(comment_id)
            .filter(|c| {
                self.instagram
                    .media
                    .get(&c.media_id)
                    .is_some_and(|m| m.owner == account)
            })
            .ok_or_else(|| AccountSendRefusal::UnknownComment(comment_id.to_owned()))?;
        if comment.private_reply.is_some() {
            return Err(AccountSendRefusal::AlreadyReplied(comment_id.to_owned()));
        }
        let now = self.clock.now();
        if now.saturating_mul(1000)
            >= comment.timestamp.saturating_mul(1000) + HUMAN_AGENT_WINDOW_MS
        {
            return Err(AccountSendRefusal::Window(WindowRefusal::Closed));
        }
        let author = comment.from.clone();
        if !self
            .instagram
            .accounts
            .get(account)
            .is_some_and(|a| a.allow_access_to_messages)
        {
            return Err(AccountSendRefusal::AccessOff);
        }
        let igsid = self.igsid_for(account, &author);
        let conversation = self.instagram_conversation(account, &author);
        let mut kept = self.new_instagram_message(&conversation, account, &author, content);
        kept.app_id = Some(app_id.to_owned());
        let mid = self.deliver_instagram(&conversation, kept).mid;
        if let Some(comment) = self.instagram.comments.get_mut(comment_id) {
            comment.private_reply = Some(mid.clone());
        }
        Ok((igsid, mid))
    }
}
