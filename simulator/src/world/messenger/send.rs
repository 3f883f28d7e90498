//! What a Page sends through the Send API: a message to a person by PSID,
//! within the standard 24-hour window or with a message tag (`HUMAN_AGENT`:
//! 7 days), and sender actions (mark seen, typing on, typing off). The
//! person receives it at once; the Page's apps get the `message_echoes` and
//! `message_deliveries` webhooks Meta sends.

use serde_json::{Map, Value, json};

use crate::world::sandbox::Sandbox;
use crate::world::shared::conversations::{Message, Reach, SenderAction, WindowRefusal};

/// A message the API layer checked, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct PageMessage {
    /// What the person receives, as webhooks show it: `text` or
    /// `attachments`, and the Send API's `quick_replies` as sent.
    pub content: Value,
    pub reach: Reach,
    /// The sender's `metadata`, echoed back.
    pub metadata: Option<String>,
    /// The app whose token sent it.
    pub app_id: String,
}

/// Why a send was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendRefusal {
    /// The id is no PSID of this Page.
    UnknownRecipient(String),
    Window(WindowRefusal),
}

/// The echo's `message`: `is_echo`, `app_id` (a number), `metadata` when
/// given, `mid`, then what was sent (quick replies are not echoed).
fn echo_object(mid: &str, message: &PageMessage) -> Value {
    let mut echo = Map::new();
    echo.insert("is_echo".into(), json!(true));
    let app_id = message
        .app_id
        .parse::<u64>()
        .map_or_else(|_| json!(message.app_id), Value::from);
    echo.insert("app_id".into(), app_id);
    if let Some(metadata) = &message.metadata {
        echo.insert("metadata".into(), json!(metadata));
    }
    echo.insert("mid".into(), json!(mid));
    for key in ["text", "attachments"] {
        if let Some(value) = message.content.get(key) {
            echo.insert(key.into(), value.clone());
        }
    }
    Value::Object(echo)
}

impl Sandbox {
    /// The Facebook user a PSID of this Page stands for.
    pub fn person_of_psid(&self, page_id: &str, psid: &str) -> Option<&str> {
        self.messenger
            .psids
            .get(psid)
            .filter(|scoped| scoped.account == page_id)
            .map(|scoped| scoped.person.as_str())
    }

    /// The conversation id of a Page and a PSID, if the window allows `reach`.
    fn open_conversation(
        &self,
        page_id: &str,
        psid: &str,
        reach: Reach,
    ) -> Result<String, SendRefusal> {
        let user = self
            .person_of_psid(page_id, psid)
            .ok_or_else(|| SendRefusal::UnknownRecipient(psid.to_owned()))?;
        let conversation = self
            .messenger
            .conversations
            .between(page_id, user)
            .ok_or(SendRefusal::Window(WindowRefusal::Closed))?;
        let now_ms = self.clock.now().saturating_mul(1000);
        conversation
            .may_send(now_ms, reach)
            .map_err(SendRefusal::Window)?;
        Ok(conversation.id.clone())
    }

    /// Send a message to a PSID; answers its message id.
    pub fn messenger_send(
        &mut self,
        page_id: &str,
        psid: &str,
        message: PageMessage,
    ) -> Result<String, SendRefusal> {
        let conversation = self.open_conversation(page_id, psid, message.reach)?;
        let user = self
            .person_of_psid(page_id, psid)
            .unwrap_or_default()
            .to_owned();
        let now = self.clock.now();
        let time_ms = self.messenger.conversations.stamp(now);
        let mid = self.messenger_mid(true);
        let echo = json!({ "message": echo_object(&mid, &message) });
        self.page_event(
            page_id,
            "message_echoes",
            page_id,
            Some(psid),
            time_ms,
            echo,
        );
        let delivery = json!({ "delivery": { "mids": [mid], "watermark": time_ms } });
        self.page_event(page_id, "message_deliveries", psid, None, time_ms, delivery);
        let mut kept = Message::new(
            &conversation,
            page_id,
            &user,
            time_ms,
            &mid,
            message.content,
        );
        kept.app_id = Some(message.app_id);
        kept.metadata = message.metadata;
        kept.tag = match message.reach {
            Reach::Tag(tag) => Some(tag),
            Reach::Standard => None,
        };
        self.keep_messenger_message(kept);
        Ok(mid)
    }

    /// A sender action, inside the standard window. Marking seen reads
    /// everything the person sent.
    pub fn messenger_sender_action(
        &mut self,
        page_id: &str,
        psid: &str,
        action: SenderAction,
    ) -> Result<(), SendRefusal> {
        let id = self.open_conversation(page_id, psid, Reach::Standard)?;
        if action != SenderAction::MarkSeen {
            return Ok(());
        }
        let conversations = &self.messenger.conversations;
        let newest = conversations.get(&id).and_then(|c| {
            conversations
                .messages_in(c)
                .filter(|m| m.from == c.person)
                .map(|m| m.time_ms)
                .max()
        });
        if let Some(c) = self.messenger.conversations.get_mut(&id) {
            c.account_read_ms = newest.or(c.account_read_ms);
        }
        Ok(())
    }
}
