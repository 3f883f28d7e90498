//! What a Facebook user does in Messenger: write to a Page or to another
//! person (text, attachments, a quick reply's payload, a reply to an earlier
//! message), tap a button (a postback), react to a message, read what a Page
//! sent. Each action on a Page's conversation opens (or keeps open) the
//! Page's messaging window — except reading — and is reported to the Page's
//! apps as the `page` webhook Meta sends: `messages`, `messaging_postbacks`,
//! `message_reactions`, `message_reads`.

use serde_json::{Map, Value, json};

use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Message, Postback};
use crate::world::shared::person_refusal::PersonRefusal;

/// What an action produced: the message id and, on a Page's conversation,
/// the person's page-scoped id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub mid: String,
    pub psid: Option<String>,
}

/// The webhook `message` object: `mid` first, then the content as sent.
fn message_object(mid: &str, content: &Value) -> Value {
    let mut message = Map::new();
    message.insert("mid".into(), json!(mid));
    if let Value::Object(members) = content {
        for (key, value) in members {
            message.insert(key.clone(), value.clone());
        }
    }
    Value::Object(message)
}

impl Sandbox {
    fn known_user(&self, user_id: &str) -> Result<(), PersonRefusal> {
        if self.accounts.users.contains_key(user_id) {
            Ok(())
        } else {
            Err(PersonRefusal::UnknownPerson(
                "Facebook user",
                user_id.to_owned(),
            ))
        }
    }

    /// The Page or person `to` names, checked.
    fn messenger_recipient(&self, user_id: &str, to: &str) -> Result<bool, PersonRefusal> {
        self.known_user(user_id)?;
        if to == user_id {
            return Err(PersonRefusal::ToSelf);
        }
        match self.node_kind(to) {
            Some(NodeKind::Page) => Ok(true),
            Some(NodeKind::User) => Ok(false),
            _ => Err(PersonRefusal::UnknownRecipient(to.to_owned())),
        }
    }

    /// The person writes `content` (`text`, `attachments`, `quick_reply`,
    /// `reply_to` — the webhook's members) to a Page or another person.
    pub fn messenger_write(
        &mut self,
        user_id: &str,
        to: &str,
        content: Value,
    ) -> Result<Written, PersonRefusal> {
        let to_page = self.messenger_recipient(user_id, to)?;
        let conversation = self.messenger_conversation(to, user_id);
        if let Some(reply) = content.pointer("/reply_to/mid").and_then(Value::as_str) {
            let known = self
                .messenger
                .conversations
                .message(reply)
                .is_some_and(|m| m.conversation == conversation);
            if !known {
                return Err(PersonRefusal::UnknownReply(reply.to_owned()));
            }
        }
        let now = self.clock.now();
        let time_ms = self.messenger.conversations.stamp(now);
        let mid = self.messenger_mid(to_page);
        let event = json!({ "message": message_object(&mid, &content) });
        self.keep_person_message(Message::new(
            &conversation,
            user_id,
            to,
            time_ms,
            &mid,
            content,
        ));
        if !to_page {
            return Ok(Written { mid, psid: None });
        }
        let psid = self.psid_for(to, user_id);
        self.page_event(to, "messages", &psid, None, time_ms, event);
        Ok(Written {
            mid,
            psid: Some(psid),
        })
    }

    /// Keep a message the person sent; on the account's side of a Page
    /// conversation it opens the window.
    fn keep_person_message(&mut self, message: Message) {
        if let Some(c) = self.messenger.conversations.get_mut(&message.conversation)
            && c.person == message.from
        {
            c.person_acted_ms = Some(message.time_ms);
        }
        self.keep_messenger_message(message);
    }

    /// The person taps a button (or Get Started) of a Page: a postback.
    pub fn messenger_postback(
        &mut self,
        user_id: &str,
        page_id: &str,
        title: &str,
        payload: &str,
    ) -> Result<Written, PersonRefusal> {
        if !self.messenger_recipient(user_id, page_id)? {
            return Err(PersonRefusal::UnknownRecipient(page_id.to_owned()));
        }
        let conversation = self.messenger_conversation(page_id, user_id);
        let now = self.clock.now();
        let time_ms = self.messenger.conversations.stamp(now);
        let mid = self.messenger_mid(true);
        let postback = Postback {
            title: title.to_owned(),
            payload: payload.to_owned(),
        };
        let event = json!({ "postback": { "mid": mid, "title": title, "payload": payload } });
        let mut message = Message::new(
            &conversation,
            user_id,
            page_id,
            time_ms,
            &mid,
            json!({ "text": title }),
        );
        message.postback = Some(postback);
        self.keep_person_message(message);
        let psid = self.psid_for(page_id, user_id);
        self.page_event(page_id, "messaging_postbacks", &psid, None, time_ms, event);
        Ok(Written {
            mid,
            psid: Some(psid),
        })
    }

    /// The person reacts to a message they received (`None`: takes the
    /// reaction back). Answers the message's sender.
    pub fn messenger_react(
        &mut self,
        user_id: &str,
        mid: &str,
        reaction: Option<(String, String)>,
    ) -> Result<String, PersonRefusal> {
        self.known_user(user_id)?;
        let message = self
            .messenger
            .conversations
            .message(mid)
            .ok_or_else(|| PersonRefusal::UnknownMessage(mid.to_owned()))?;
        if message.to != user_id {
            return Err(PersonRefusal::NotReceived(mid.to_owned()));
        }
        let (sender, conversation) = (message.from.clone(), message.conversation.clone());
        let now = self.clock.now();
        let time_ms = self.messenger.conversations.stamp(now);
        let event = match &reaction {
            Some((name, emoji)) => {
                json!({ "reaction": { "mid": mid, "action": "react", "reaction": name, "emoji": emoji } })
            }
            None => json!({ "reaction": { "mid": mid, "action": "unreact" } }),
        };
        if let Some(message) = self.messenger.conversations.message_mut(mid) {
            message.reaction = reaction;
        }
        if self.node_kind(&sender) == Some(NodeKind::Page) {
            if let Some(c) = self.messenger.conversations.get_mut(&conversation) {
                c.person_acted_ms = Some(time_ms);
            }
            let psid = self.psid_for(&sender, user_id);
            self.page_event(&sender, "message_reactions", &psid, None, time_ms, event);
        }
        Ok(sender)
    }

    /// The person reads everything `other` (a Page or a person) sent them;
    /// answers the watermark: the time of the newest message read.
    pub fn messenger_read(&mut self, user_id: &str, other: &str) -> Result<i64, PersonRefusal> {
        let to_page = self.messenger_recipient(user_id, other)?;
        let conversations = &self.messenger.conversations;
        let conversation = conversations
            .of_pair(other, user_id)
            .ok_or(PersonRefusal::NothingToRead)?;
        let watermark = conversations
            .messages_in(conversation)
            .filter(|m| m.to == user_id)
            .map(|m| m.time_ms)
            .max()
            .ok_or(PersonRefusal::NothingToRead)?;
        let id = conversation.id.clone();
        if let Some(c) = self.messenger.conversations.get_mut(&id) {
            if c.person == user_id {
                c.person_read_ms = Some(watermark);
            } else {
                c.account_read_ms = Some(watermark);
            }
        }
        if to_page {
            let now = self.clock.now();
            let time_ms = self.messenger.conversations.stamp(now);
            let psid = self.psid_for(other, user_id);
            let event = json!({ "read": { "watermark": watermark } });
            self.page_event(other, "message_reads", &psid, None, time_ms, event);
        }
        Ok(watermark)
    }
}
