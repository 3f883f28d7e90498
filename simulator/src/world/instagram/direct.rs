//! Instagram Direct as people use it: any Instagram account writes to any
//! other (text, attachments, shares, story replies and mentions, a reply to
//! a message), taps a button (a postback), reacts, and sees what was sent.
//! A conversation with a professional account belongs to that account (the
//! person known to it by an Instagram-scoped id, IGSID); between two
//! personal accounts it belongs to neither. What happens in a professional
//! account's conversations is reported to its apps as `instagram` webhooks —
//! `messages` (with `is_echo` for what the account itself sent),
//! `messaging_postbacks`, `message_reactions`, `messaging_seen` — while the
//! account allows access to its messages.

use serde_json::{Map, Value, json};

use crate::world::events::EventPayload;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Conversation, Message, Postback};
use crate::world::shared::person_refusal::PersonRefusal;
use crate::world::webhooks::subscriptions::WebhookObject;

/// The prefix of Instagram message ids (base64 of `ig_item:1:IGMessage`).
pub const MID_PREFIX: &str = "aWdfZAG1faXRlbToxOklHTWVzc2FnZA";
/// The random part's length.
pub const MID_RANDOM: usize = 60;

/// What an action produced: the message id and, to a professional account,
/// the sender's IGSID for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub mid: String,
    pub igsid: Option<String>,
}

impl Sandbox {
    fn known_instagram(
        &self,
        id: &str,
    ) -> Result<&crate::world::instagram::InstagramAccount, PersonRefusal> {
        self.instagram
            .accounts
            .get(id)
            .map(Box::as_ref)
            .ok_or_else(|| PersonRefusal::UnknownPerson("Instagram account", id.to_owned()))
    }

    /// The IGSID of `person` for a professional account (given out the first time).
    pub fn igsid_for(&mut self, account: &str, person: &str) -> String {
        if let Some(igsid) = self.instagram.igsids.find(account, person) {
            return igsid.to_owned();
        }
        let igsid = self.derive_scoped_id(NodeKind::InstagramScopedUser, account, person);
        self.instagram.igsids.insert(igsid.clone(), account, person);
        igsid
    }

    /// The account an IGSID of `account` stands for.
    pub fn person_of_igsid(&self, account: &str, igsid: &str) -> Option<&str> {
        self.instagram
            .igsids
            .get(igsid)
            .filter(|scoped| scoped.account == account)
            .map(|scoped| scoped.person.as_str())
    }

    /// The conversation of two accounts, started if there is none: it
    /// belongs to the professional one (the recipient first), else to the
    /// one who wrote first. Professional accounts' conversations are nodes.
    pub(crate) fn instagram_conversation(&mut self, from: &str, to: &str) -> String {
        if let Some(existing) = self.instagram.conversations.of_pair(from, to) {
            return existing.id.clone();
        }
        let (account, person) =
            if self.is_professional_account(to) || !self.is_professional_account(from) {
                (to, from)
            } else {
                (from, to)
            };
        let professional = self.is_professional_account(account);
        let id = self.derive_id(
            NodeKind::InstagramConversation,
            &format!("{account}/{person}"),
            professional,
        );
        let scoped = if professional {
            self.igsid_for(account, person)
        } else {
            person.to_owned()
        };
        self.instagram
            .conversations
            .start(Conversation::new(id.clone(), account, person, scoped));
        id
    }

    /// A fresh Instagram message id, a node in a professional account's conversation.
    pub(crate) fn instagram_mid(&mut self, node: bool) -> String {
        let mid = format!("{MID_PREFIX}{}", self.ids.opaque(MID_RANDOM));
        if node {
            self.registry
                .insert(mid.clone(), NodeKind::InstagramMessage);
        }
        mid
    }

    /// Keep a message (what the person sent opens the account's window);
    /// the ids retention drops stop being nodes.
    pub(crate) fn keep_instagram_message(&mut self, message: Message) {
        if let Some(c) = self.instagram.conversations.get_mut(&message.conversation)
            && c.person == message.from
        {
            c.person_acted_ms = Some(message.time_ms);
        }
        for dropped in self.instagram.conversations.push(message) {
            self.registry.remove(&dropped);
        }
    }

    /// Report a messaging event of a professional account's conversation as
    /// an `instagram` webhook — while the account allows access to its
    /// messages. `recipient` defaults to the account.
    pub(crate) fn instagram_event(
        &mut self,
        account: &str,
        field: &str,
        sender: &str,
        recipient: Option<&str>,
        time_ms: i64,
        event: Value,
    ) {
        let reachable = self
            .instagram
            .accounts
            .get(account)
            .is_some_and(|a| a.is_professional() && a.allow_access_to_messages);
        if !reachable {
            return;
        }
        let now = self.clock.now();
        self.events.emit(
            now,
            EventPayload::MessagingEvent {
                object: WebhookObject::Instagram,
                account_id: account.to_owned(),
                field: field.to_owned(),
                sender_id: sender.to_owned(),
                recipient_id: recipient.map(str::to_owned),
                time_ms,
                event,
            },
        );
    }

    /// The webhook of a message in `conversation`: from the person,
    /// `messages`; from the account (sent in the app or through the API),
    /// the same field with `is_echo`.
    pub(crate) fn report_instagram_message(&mut self, conversation: &str, message: &Message) {
        let Some(c) = self.instagram.conversations.get(conversation) else {
            return;
        };
        let (account, igsid) = (c.account.clone(), c.scoped_id.clone());
        let mut object = Map::new();
        object.insert("mid".into(), json!(message.id));
        if let Value::Object(members) = &message.content {
            for (key, value) in members {
                if key != "quick_replies" {
                    object.insert(key.clone(), value.clone());
                }
            }
        }
        if message.from == account {
            object.insert("is_echo".into(), json!(true));
            let event = json!({ "message": object });
            self.instagram_event(
                &account,
                "messages",
                &account,
                Some(&igsid),
                message.time_ms,
                event,
            );
        } else {
            let event = json!({ "message": object });
            self.instagram_event(&account, "messages", &igsid, None, message.time_ms, event);
        }
    }

    /// `from` writes `content` (the webhook's members) to `to`.
    pub fn instagram_write(
        &mut self,
        from: &str,
        to: &str,
        content: Value,
    ) -> Result<Sent, PersonRefusal> {
        self.known_instagram(from)?;
        self.known_instagram(to)
            .map_err(|_| PersonRefusal::UnknownRecipient(to.to_owned()))?;
        if from == to {
            return Err(PersonRefusal::ToSelf);
        }
        let conversation = self.instagram_conversation(from, to);
        if let Some(reply) = content.pointer("/reply_to/mid").and_then(Value::as_str) {
            let known = self
                .instagram
                .conversations
                .message(reply)
                .is_some_and(|m| m.conversation == conversation);
            if !known {
                return Err(PersonRefusal::UnknownReply(reply.to_owned()));
            }
        }
        let message = self.new_instagram_message(&conversation, from, to, content);
        Ok(self.deliver_instagram(&conversation, message))
    }

    /// A message of `from` to `to` in `conversation`, stamped now.
    pub(crate) fn new_instagram_message(
        &mut self,
        conversation: &str,
        from: &str,
        to: &str,
        content: Value,
    ) -> Message {
        let node = self
            .instagram
            .conversations
            .get(conversation)
            .is_some_and(|c| self.is_professional_account(&c.account));
        let now = self.clock.now();
        let time_ms = self.instagram.conversations.stamp(now);
        let mid = self.instagram_mid(node);
        Message::new(conversation, from, to, time_ms, &mid, content)
    }

    /// Keep a message, report it, and answer what the sender learns.
    pub(crate) fn deliver_instagram(&mut self, conversation: &str, message: Message) -> Sent {
        self.report_instagram_message(conversation, &message);
        let mid = message.id.clone();
        let from_person = self
            .instagram
            .conversations
            .get(conversation)
            .filter(|c| c.person == message.from && self.is_professional_account(&c.account))
            .map(|c| c.scoped_id.clone());
        self.keep_instagram_message(message);
        Sent {
            mid,
            igsid: from_person,
        }
    }

    /// A person taps a button of a professional account: a postback.
    pub fn instagram_postback(
        &mut self,
        person: &str,
        account: &str,
        title: &str,
        payload: &str,
    ) -> Result<Sent, PersonRefusal> {
        self.known_instagram(person)?;
        self.known_instagram(account)
            .map_err(|_| PersonRefusal::UnknownRecipient(account.to_owned()))?;
        if !self.is_professional_account(account) {
            return Err(PersonRefusal::NotProfessional(account.to_owned()));
        }
        let conversation = self.instagram_conversation(person, account);
        let mut message =
            self.new_instagram_message(&conversation, person, account, json!({ "text": title }));
        message.postback = Some(Postback {
            title: title.to_owned(),
            payload: payload.to_owned(),
        });
        let igsid = self.igsid_for(account, person);
        let event =
            json!({ "postback": { "mid": message.id, "title": title, "payload": payload } });
        self.instagram_event(
            account,
            "messaging_postbacks",
            &igsid,
            None,
            message.time_ms,
            event,
        );
        let mid = message.id.clone();
        self.keep_instagram_message(message);
        Ok(Sent {
            mid,
            igsid: Some(igsid),
        })
    }

    /// `person` reacts to a message they received (`None`: takes it back).
    pub fn instagram_react(
        &mut self,
        person: &str,
        mid: &str,
        reaction: Option<(String, String)>,
    ) -> Result<(), PersonRefusal> {
        self.known_instagram(person)?;
        let message = self
            .instagram
            .conversations
            .message(mid)
            .ok_or_else(|| PersonRefusal::UnknownMessage(mid.to_owned()))?;
        if message.to != person {
            return Err(PersonRefusal::NotReceived(mid.to_owned()));
        }
        let conversation = message.conversation.clone();
        let now = self.clock.now();
        let time_ms = self.instagram.conversations.stamp(now);
        let event = match &reaction {
            Some((name, emoji)) => {
                json!({ "reaction": { "mid": mid, "action": "react", "reaction": name, "emoji": emoji } })
            }
            None => json!({ "reaction": { "mid": mid, "action": "unreact" } }),
        };
        if let Some(message) = self.instagram.conversations.message_mut(mid) {
            message.reaction = reaction;
        }
        let Some(c) = self.instagram.conversations.get_mut(&conversation) else {
            return Ok(());
        };
        if c.person == person {
            c.person_acted_ms = Some(time_ms);
            let (account, igsid) = (c.account.clone(), c.scoped_id.clone());
            self.instagram_event(&account, "message_reactions", &igsid, None, time_ms, event);
        }
        Ok(())
    }

    /// `person` sees everything `other` sent them; answers the last mid seen.
    pub fn instagram_seen(&mut self, person: &str, other: &str) -> Result<String, PersonRefusal> {
        self.known_instagram(person)?;
        let conversations = &self.instagram.conversations;
        let conversation = conversations
            .of_pair(person, other)
            .ok_or(PersonRefusal::NothingToRead)?;
        let last = conversations
            .messages_in(conversation)
            .filter(|m| m.to == person)
            .last()
            .ok_or(PersonRefusal::NothingToRead)?;
        let (mid, read_ms, id) = (last.id.clone(), last.time_ms, conversation.id.clone());
        let Some(c) = self.instagram.conversations.get_mut(&id) else {
            return Ok(mid);
        };
        if c.person == person {
            c.person_read_ms = Some(read_ms);
            let (account, igsid) = (c.account.clone(), c.scoped_id.clone());
            let now = self.clock.now();
            let time_ms = self.instagram.conversations.stamp(now);
            let event = json!({ "read": { "mid": mid } });
            self.instagram_event(&account, "messaging_seen", &igsid, None, time_ms, event);
        } else {
            c.account_read_ms = Some(read_ms);
        }
        Ok(mid)
    }
}
