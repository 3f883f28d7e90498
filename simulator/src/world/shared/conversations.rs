//! Conversations as Messenger and Instagram keep them: two sides — a
//! business account (a Page, an Instagram professional account) and a
//! person, or two people — the messages between them in order, with
//! millisecond times, what each side has read, reactions, and the messaging
//! window the person's last action opens. Each product keeps its own
//! [`Conversations`]; the rules they share (the standard window, message
//! tags, retention, reaction names) are here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The standard messaging window: 24 hours after the person's last message.
pub const STANDARD_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// The `HUMAN_AGENT` tag's window: 7 days after the person's last message.
pub const HUMAN_AGENT_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;
/// How many messages a conversation keeps: older ones are dropped (and stop
/// being Graph nodes), so nothing grows without bound.
pub const RETAINED_MESSAGES: usize = 1000;

/// Message tags: reasons Meta allows a message outside the standard window.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageTag {
    HumanAgent,
    AccountUpdate,
    ConfirmedEventUpdate,
    PostPurchaseUpdate,
    CustomerFeedback,
}

impl MessageTag {
    pub const ALL: [MessageTag; 5] = [
        MessageTag::AccountUpdate,
        MessageTag::ConfirmedEventUpdate,
        MessageTag::CustomerFeedback,
        MessageTag::HumanAgent,
        MessageTag::PostPurchaseUpdate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MessageTag::HumanAgent => "HUMAN_AGENT",
            MessageTag::AccountUpdate => "ACCOUNT_UPDATE",
            MessageTag::ConfirmedEventUpdate => "CONFIRMED_EVENT_UPDATE",
            MessageTag::PostPurchaseUpdate => "POST_PURCHASE_UPDATE",
            MessageTag::CustomerFeedback => "CUSTOMER_FEEDBACK",
        }
    }

    pub fn parse(text: &str) -> Option<MessageTag> {
        Self::ALL.into_iter().find(|tag| tag.name() == text)
    }

    /// How long after the person's last message the tag may be used; `None`:
    /// any time once the person has written (metasim's choice for the tags
    /// whose window Meta does not state).
    pub fn window_ms(self) -> Option<i64> {
        match self {
            MessageTag::HumanAgent | MessageTag::CustomerFeedback => Some(HUMAN_AGENT_WINDOW_MS),
            _ => None,
        }
    }
}

/// What a business message relies on to reach the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Inside the standard window (`RESPONSE`, `UPDATE`).
    Standard,
    /// A message tag (`MESSAGE_TAG`).
    Tag(MessageTag),
}

/// Why a business message may not go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRefusal {
    /// The window (or the tag's) closed.
    Closed,
}

/// What a business shows the person besides messages (`sender_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderAction {
    MarkSeen,
    TypingOn,
    TypingOff,
}

impl SenderAction {
    pub fn parse(text: &str) -> Option<SenderAction> {
        match text {
            "mark_seen" => Some(SenderAction::MarkSeen),
            "typing_on" => Some(SenderAction::TypingOn),
            "typing_off" => Some(SenderAction::TypingOff),
            _ => None,
        }
    }
}

/// Meta's reaction names and the emoji each stands for.
pub const REACTIONS: [(&str, &str); 7] = [
    ("like", "\u{1f44d}"),
    ("love", "\u{2764}"),
    ("smile", "\u{1f606}"),
    ("wow", "\u{1f62e}"),
    ("sad", "\u{1f622}"),
    ("angry", "\u{1f620}"),
    ("dislike", "\u{1f44e}"),
];

/// `(reaction, emoji)` for a reaction name or an emoji (`other` for an
/// emoji without a name); `None` for anything else.
pub fn reaction_of(given: &str) -> Option<(String, String)> {
    if let Some((name, emoji)) = REACTIONS
        .iter()
        .find(|(name, emoji)| *name == given || *emoji == given)
    {
        return Some(((*name).to_owned(), (*emoji).to_owned()));
    }
    let is_emoji = !given.is_empty()
        && given.chars().count() <= 4
        && given.chars().all(|c| !c.is_ascii() && !c.is_alphanumeric());
    is_emoji.then(|| ("other".to_owned(), given.to_owned()))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Conversation {
    pub id: String,
    /// The business account (a Page or an Instagram professional account)
    /// or, between two people, the one who wrote first.
    pub account: String,
    /// The person on the other side.
    pub person: String,
    /// The person's id as the account sees it (a PSID or an IGSID); between
    /// two people, the person's own id.
    pub scoped_id: String,
    /// Message ids, oldest first.
    pub messages: Vec<String>,
    pub updated_ms: i64,
    /// When the person last wrote, tapped a button or reacted (what opens the window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_acted_ms: Option<i64>,
    /// The person has read what the account sent up to this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_read_ms: Option<i64>,
    /// The account has read what the person sent up to this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_read_ms: Option<i64>,
}

impl Conversation {
    pub fn new(id: String, account: &str, person: &str, scoped_id: String) -> Self {
        Self {
            id,
            account: account.to_owned(),
            person: person.to_owned(),
            scoped_id,
            messages: Vec::new(),
            updated_ms: 0,
            person_acted_ms: None,
            person_read_ms: None,
            account_read_ms: None,
        }
    }

    /// The other side of the conversation from `side`.
    pub fn other(&self, side: &str) -> &str {
        if side == self.account {
            &self.person
        } else {
            &self.account
        }
    }

    /// Whether the account may send now, relying on `reach`.
    pub fn may_send(&self, now_ms: i64, reach: Reach) -> Result<(), WindowRefusal> {
        let span = match reach {
            Reach::Standard => Some(STANDARD_WINDOW_MS),
            Reach::Tag(tag) => tag.window_ms(),
        };
        match (self.person_acted_ms, span) {
            (Some(last), Some(span)) if now_ms < last.saturating_add(span) => Ok(()),
            (Some(_), None) => Ok(()),
            _ => Err(WindowRefusal::Closed),
        }
    }

    /// When the standard window closes (`None` before the person acted).
    pub fn window_closes_ms(&self) -> Option<i64> {
        self.person_acted_ms
            .map(|last| last.saturating_add(STANDARD_WINDOW_MS))
    }
}

/// A postback: the person tapped a button.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Postback {
    pub title: String,
    pub payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    pub id: String,
    pub conversation: String,
    /// The sender's own id (a Page, an Instagram account, a person).
    pub from: String,
    pub to: String,
    pub time_ms: i64,
    /// Meta's message members as webhooks carry them, besides `mid`: `text`,
    /// `attachments`, `quick_reply`, `reply_to`, … (for a postback, its
    /// title as `text`).
    pub content: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postback: Option<Postback>,
    /// The app that sent it through the API (absent: sent in Meta's apps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<MessageTag>,
    /// Written in Messenger by this Facebook user through their linked
    /// Instagram account (Accounts Center).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_messenger: Option<String>,
    /// The recipient's reaction: `(reaction, emoji)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<(String, String)>,
}

impl Message {
    /// A plain message: no postback, app, metadata, tag or reaction.
    pub fn new(
        conversation: &str,
        from: &str,
        to: &str,
        time_ms: i64,
        id: &str,
        content: Value,
    ) -> Self {
        Self {
            id: id.to_owned(),
            conversation: conversation.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            time_ms,
            content,
            postback: None,
            app_id: None,
            metadata: None,
            tag: None,
            via_messenger: None,
            reaction: None,
        }
    }

    /// The text a person reads in the bubble.
    pub fn text(&self) -> Option<&str> {
        self.content.get("text").and_then(Value::as_str)
    }
}

/// A message written before the sandbox starts (a fixture's
/// `messenger_messages` and `instagram_messages`): who wrote to whom (handles)
/// and how long before the clock start.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PastMessage {
    pub from: String,
    pub to: String,
    pub text: String,
    /// Seconds before the clock start (default 0: at the start).
    #[serde(default)]
    pub seconds_ago: u32,
}

/// The conversations of one product, and their messages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Conversations {
    pub conversations: BTreeMap<String, Box<Conversation>>,
    pub messages: BTreeMap<String, Box<Message>>,
    /// `{account}/{person}` -> conversation id.
    pairs: BTreeMap<String, String>,
    /// The last millisecond time handed out.
    last_ms: i64,
}

fn pair(account: &str, person: &str) -> String {
    format!("{account}/{person}")
}

impl Conversations {
    /// A millisecond time for something happening now (`now` in seconds):
    /// never earlier than the last one, so events keep their order.
    pub fn stamp(&mut self, now: i64) -> i64 {
        self.last_ms = now.saturating_mul(1000).max(self.last_ms.saturating_add(1));
        self.last_ms
    }

    /// A millisecond time for something that happened at `seconds` (the
    /// `nth` thing then), which later stamps never precede.
    pub fn note_time(&mut self, seconds: i64, nth: usize) -> i64 {
        let ms = seconds
            .saturating_mul(1000)
            .saturating_add(i64::try_from(nth % 1000).unwrap_or(0));
        self.last_ms = self.last_ms.max(ms);
        ms
    }

    /// The conversation of this account and person.
    pub fn between(&self, account: &str, person: &str) -> Option<&Conversation> {
        self.conversations
            .get(self.pairs.get(&pair(account, person))?)
            .map(Box::as_ref)
    }

    /// The conversation of two sides, whichever started it.
    pub fn of_pair(&self, one: &str, other: &str) -> Option<&Conversation> {
        self.between(one, other)
            .or_else(|| self.between(other, one))
    }

    pub fn get(&self, id: &str) -> Option<&Conversation> {
        self.conversations.get(id).map(Box::as_ref)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Conversation> {
        self.conversations.get_mut(id).map(Box::as_mut)
    }

    pub fn start(&mut self, conversation: Conversation) {
        self.pairs.insert(
            pair(&conversation.account, &conversation.person),
            conversation.id.clone(),
        );
        self.conversations
            .insert(conversation.id.clone(), Box::new(conversation));
    }

    /// Add a message at the end of its conversation (which moves to its
    /// time); answers the ids of the oldest messages retention dropped.
    pub fn push(&mut self, message: Message) -> Vec<String> {
        let Some(conversation) = self.conversations.get_mut(&message.conversation) else {
            return Vec::new();
        };
        conversation.updated_ms = conversation.updated_ms.max(message.time_ms);
        conversation.messages.push(message.id.clone());
        let excess = conversation
            .messages
            .len()
            .saturating_sub(RETAINED_MESSAGES);
        let dropped: Vec<String> = conversation.messages.drain(..excess).collect();
        for id in &dropped {
            self.messages.remove(id);
        }
        self.messages.insert(message.id.clone(), Box::new(message));
        dropped
    }

    pub fn message(&self, id: &str) -> Option<&Message> {
        self.messages.get(id).map(Box::as_ref)
    }

    pub fn message_mut(&mut self, id: &str) -> Option<&mut Message> {
        self.messages.get_mut(id).map(Box::as_mut)
    }

    /// A conversation's messages, oldest first.
    pub fn messages_in<'a>(
        &'a self,
        conversation: &'a Conversation,
    ) -> impl Iterator<Item = &'a Message> {
        conversation
            .messages
            .iter()
            .filter_map(|id| self.messages.get(id).map(Box::as_ref))
    }

    /// Whether `reader` (a side of the message's conversation) has read it.
    pub fn read_by(&self, message: &Message, reader: &str) -> bool {
        let read_up_to = self.get(&message.conversation).and_then(|c| {
            if c.person == reader {
                c.person_read_ms
            } else {
                c.account_read_ms
            }
        });
        read_up_to.is_some_and(|at| message.time_ms <= at)
    }

    /// Everything `person` received, oldest first.
    pub fn received_by(&self, person: &str) -> Vec<&Message> {
        let mut received: Vec<&Message> = self
            .messages
            .values()
            .map(Box::as_ref)
            .filter(|m| m.to == person)
            .collect();
        received.sort_by(|a, b| (a.time_ms, &a.id).cmp(&(b.time_ms, &b.id)));
        received
    }

    /// The conversations one side is in, most recent first.
    pub fn of_side(&self, side: &str) -> Vec<&Conversation> {
        let mut found: Vec<&Conversation> = self
            .conversations
            .values()
            .map(Box::as_ref)
            .filter(|c| c.account == side || c.person == side)
            .collect();
        found.sort_by(|a, b| (b.updated_ms, &b.id).cmp(&(a.updated_ms, &a.id)));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(id: &str, time_ms: i64) -> Message {
        Message::new("c", "p", "a", time_ms, id, json!({ "text": id }))
    }

    #[test]
    fn windows_follow_the_persons_last_action() {
        let mut c = Conversation::new("c".into(), "a", "p", "s".into());
        assert_eq!(c.may_send(0, Reach::Standard), Err(WindowRefusal::Closed));
        assert_eq!(
            c.may_send(0, Reach::Tag(MessageTag::AccountUpdate)),
            Err(WindowRefusal::Closed),
            "no tag starts a conversation"
        );
        c.person_acted_ms = Some(1_000);
        assert!(c.may_send(STANDARD_WINDOW_MS, Reach::Standard).is_ok());
        assert!(
            c.may_send(STANDARD_WINDOW_MS + 1_000, Reach::Standard)
                .is_err()
        );
        let human = Reach::Tag(MessageTag::HumanAgent);
        assert!(c.may_send(HUMAN_AGENT_WINDOW_MS, human).is_ok());
        assert!(c.may_send(HUMAN_AGENT_WINDOW_MS + 1_000, human).is_err());
        assert!(
            c.may_send(i64::MAX, Reach::Tag(MessageTag::PostPurchaseUpdate))
                .is_ok()
        );
        assert_eq!(c.window_closes_ms(), Some(STANDARD_WINDOW_MS + 1_000));
    }

    #[test]
    fn stamps_increase_and_retention_drops_the_oldest() {
        let mut all = Conversations::default();
        assert_eq!(all.stamp(5), 5_000);
        assert_eq!(all.stamp(5), 5_001);
        assert_eq!(all.stamp(6), 6_000);
        all.start(Conversation::new("c".into(), "a", "p", "s".into()));
        assert_eq!(all.of_pair("p", "a").map(|c| c.id.as_str()), Some("c"));
        for i in 0..RETAINED_MESSAGES {
            assert!(all.push(message(&format!("m{i}"), i as i64)).is_empty());
        }
        assert_eq!(all.push(message("last", 5_000)), ["m0"]);
        assert!(all.message("m0").is_none());
        assert_eq!(all.messages.len(), RETAINED_MESSAGES);
        assert_eq!(all.get("c").unwrap().updated_ms, 5_000);
        assert_eq!(all.received_by("a").last().unwrap().id, "last");
    }

    #[test]
    fn reactions_by_name_or_emoji() {
        assert_eq!(
            reaction_of("love"),
            Some(("love".into(), "\u{2764}".into()))
        );
        assert_eq!(
            reaction_of("\u{1f44d}"),
            Some(("like".into(), "\u{1f44d}".into()))
        );
        assert_eq!(
            reaction_of("\u{1f331}"),
            Some(("other".into(), "\u{1f331}".into()))
        );
        assert_eq!(reaction_of("hug"), None);
        assert_eq!(reaction_of(""), None);
    }
}
