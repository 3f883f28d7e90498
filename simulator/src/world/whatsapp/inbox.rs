//! The SMS and voice inbox of every phone number in the sandbox — where Meta's
//! one-time codes arrive. Tests read it through the control plane
//! (`GET /_sim/sandboxes/{sid}/phones/{digits}/sms`), as a person reads their phone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a code is delivered (`code_method` of `request_code`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum CodeMethod {
    Sms,
    Voice,
}

impl CodeMethod {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "SMS" => Some(Self::Sms),
            "VOICE" => Some(Self::Voice),
            _ => None,
        }
    }
}

/// One SMS or voice call a phone received.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneMessage {
    pub time: i64,
    pub channel: CodeMethod,
    pub sender: String,
    /// What the person reads (or hears).
    pub text: String,
    /// The code in it, for tests.
    pub code: String,
    pub language: String,
}

impl PhoneMessage {
    /// A WhatsApp Business verification code as Meta sends it.
    pub fn verification_code(time: i64, channel: CodeMethod, code: &str, language: &str) -> Self {
        let text = match channel {
            CodeMethod::Sms => {
                let (first, second) = code.split_at(code.len() / 2);
                format!(
                    "Your WhatsApp Business code: {first}-{second}\n\nDon't share this code with others."
                )
            }
            CodeMethod::Voice => {
                let digits: Vec<String> = code.chars().map(String::from).collect();
                format!(
                    "Your WhatsApp Business code is {}. Again, your code is {}.",
                    digits.join(", "),
                    digits.join(", ")
                )
            }
        };
        Self {
            time,
            channel,
            sender: "WhatsApp".to_owned(),
            text,
            code: code.to_owned(),
            language: language.to_owned(),
        }
    }
}

/// phone digits -> what that phone received, oldest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PhoneInboxes(BTreeMap<String, Vec<PhoneMessage>>);

impl PhoneInboxes {
    pub fn deliver(&mut self, digits: &str, message: PhoneMessage) {
        self.0.entry(digits.to_owned()).or_default().push(message);
    }

    pub fn messages(&self, digits: &str) -> &[PhoneMessage] {
        self.0.get(digits).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_like_meta_messages() {
        let sms = PhoneMessage::verification_code(0, CodeMethod::Sms, "123456", "en_US");
        assert!(sms.text.starts_with("Your WhatsApp Business code: 123-456"));
        let voice = PhoneMessage::verification_code(0, CodeMethod::Voice, "123456", "en");
        assert!(voice.text.contains("1, 2, 3, 4, 5, 6"));
        let mut inboxes = PhoneInboxes::default();
        inboxes.deliver("155", sms.clone());
        assert_eq!(inboxes.messages("155"), [sms]);
        assert!(inboxes.messages("999").is_empty());
        assert_eq!(CodeMethod::parse("voice"), Some(CodeMethod::Voice));
        assert_eq!(CodeMethod::parse("fax"), None);
    }
}
