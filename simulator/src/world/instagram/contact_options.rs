//! The contact options a professional Instagram account shows visitors
//! (email, phone, WhatsApp), and the code still waiting while a WhatsApp
//! number is being verified. How a number gets verified is a cross-product
//! flow: `world/links/instagram_whatsapp.rs`.

use serde::{Deserialize, Serialize};

/// What a visitor tapping "Contact" may use (the fixture's shape too).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PublicContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A WhatsApp number already verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whatsapp: Option<String>,
}

/// An account's contact options (numbers as digits) and the code still
/// waiting for a WhatsApp number.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ContactOptions {
    #[serde(flatten)]
    pub public: PublicContact,
    /// The code sent for a WhatsApp number not verified yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_whatsapp: Option<WhatsappCode>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WhatsappCode {
    /// The number being verified, as digits.
    pub phone: String,
    pub code: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub wrong_attempts: u32,
}
