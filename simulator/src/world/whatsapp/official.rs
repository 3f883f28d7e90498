//! Messages from Meta's own official business accounts — not sent by any
//! Cloud API number of the sandbox. "Facebook Business" sends the codes that
//! verify a WhatsApp number for an Instagram profile's contact options: a
//! verified sender whose phone number the consumer never sees.

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;

/// The official sender of Meta's verification codes on WhatsApp.
pub const FACEBOOK_BUSINESS: &str = "Facebook Business";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OfficialMessage {
    /// Its place among all messages (business and official) of the sandbox.
    pub seq: u64,
    pub id: String,
    /// The consumer's phone digits.
    pub consumer: String,
    pub sender: String,
    pub text: String,
    /// The one-time code the text carries, for tests to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub time: i64,
}

impl Sandbox {
    /// Put a text from an official sender (with the code it carries, if
    /// any) in a consumer's WhatsApp inbox.
    pub fn deliver_official_message(
        &mut self,
        consumer: &str,
        sender: &str,
        text: String,
        code: Option<String>,
    ) {
        let id = self.ids.wamid(consumer, false);
        let message = OfficialMessage {
            seq: self.whatsapp.messaging.next_seq(),
            id,
            consumer: consumer.to_owned(),
            sender: sender.to_owned(),
            text,
            code,
            time: self.clock.now(),
        };
        self.whatsapp.messaging.official.push(message);
    }
}
