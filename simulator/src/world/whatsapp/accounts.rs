//! WhatsApp Business Accounts (WABAs), their business phone numbers, and the
//! consumers on the other end: plain data.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::profile::BusinessProfile;
use super::registration::Verification;
use super::settings::PhoneSettings;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Waba {
    pub id: String,
    pub name: String,
    pub business_id: String,
    pub currency: String,
    pub timezone_id: String,
    pub country: String,
    pub message_template_namespace: String,
    pub account_review_status: String,
    pub ownership_type: String,
    /// Apps subscribed to this WABA's webhooks, in subscription order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribed_apps: Vec<WabaSubscription>,
}

/// An app's subscription to a WABA's webhooks, with the WABA-level callback
/// override Meta allows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WabaSubscription {
    pub app_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_callback_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneNumber {
    pub id: String,
    pub waba_id: String,
    /// As shown to people, e.g. `+1 555-010-0001`.
    pub display_phone_number: String,
    /// E.164 digits without `+`, e.g. `15550100001`.
    pub digits: String,
    pub verified_name: String,
    pub code_verification_status: String,
    pub name_status: String,
    pub quality_rating: String,
    pub platform_type: String,
    pub status: String,
    pub throughput_level: String,
    pub messaging_limit_tier: String,
    pub account_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    pub is_official_business_account: bool,
    /// Codes, limits and PIN guesses of the verification and registration steps.
    #[serde(default)]
    pub verification: Verification,
    /// What consumers see about the business.
    #[serde(default)]
    pub profile: BusinessProfile,
    #[serde(default)]
    pub settings: PhoneSettings,
}

impl PhoneNumber {
    pub fn is_registered(&self) -> bool {
        self.platform_type == "CLOUD_API"
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Consumer {
    /// E.164 digits without `+`; also the consumer's `wa_id`.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub on_whatsapp: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Business phone number ids this consumer has blocked.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub blocked: BTreeSet<String>,
    /// Business portfolio ids whose marketing messages this consumer stopped.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub marketing_opt_out: BTreeSet<String>,
}

/// Digits of a phone number as typed by people: `+1 555-010-0001` -> `15550100001`.
pub fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_drop_formatting() {
        assert_eq!(super::phone_digits("+1 555-010-0001"), "15550100001");
    }
}
