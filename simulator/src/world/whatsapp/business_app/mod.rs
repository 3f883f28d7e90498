//! Numbers used in the WhatsApp Business app, and their coexistence with the
//! Cloud API. A business-app number is a WhatsApp account like a consumer's
//! (a primary phone and up to four companions) whose chats live in the app;
//! onboarding it to a WABA with Embedded Signup puts it on the Cloud API too,
//! without `/register`, and from then on app and API mirror each other.
//! Onboarding, the sync deadline and disconnection are in `onboarding.rs`;
//! messages sent and received in the app in `messaging.rs`; the contact and
//! history synchronization (`POST /{phone-number-id}/smb_app_data`) in
//! `sync.rs`.
//!
//! Each number has its phone number id from the start — the id it has on the
//! Cloud API once onboarded — so that its chats keep their place across
//! onboarding; the Graph API cannot reach it before it joins a WABA.

pub mod messaging;
pub mod onboarding;
pub mod sync;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PhoneNumber;
use super::registration::display_number;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::{calling_code, is_e164_length, phone_digits};
use onboarding::{Disconnection, Onboarding};

/// The fixed throughput of a number used with both the WhatsApp Business app
/// and the Cloud API (messages per second).
pub const COEXISTENCE_THROUGHPUT_PER_SECOND: u32 = 20;

/// One number used in the WhatsApp Business app.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AppNumber {
    pub phone_number_id: String,
    pub created_at: i64,
    /// While the number is also on the Cloud API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding: Option<Onboarding>,
    /// The last time it left the Cloud API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnection: Option<Disconnection>,
}

/// Every WhatsApp Business app number of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BusinessAppState {
    /// Digits -> the number.
    pub numbers: BTreeMap<String, AppNumber>,
    /// wamid -> the device it was sent from, for every message a business
    /// sent in the app (the others went through the Cloud API).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sent_from_app: BTreeMap<String, String>,
}

impl BusinessAppState {
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }
}

/// Why a WhatsApp Business app number action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppNumberError {
    InvalidPhone(String),
    /// The verified name must have 1 to 256 characters.
    InvalidName,
    /// A business number with these digits exists already.
    Exists(String),
    /// A consumer is registered with these digits.
    IsConsumer(String),
    UnknownNumber(String),
    UnknownWaba(String),
    /// The number is on the Cloud API already.
    AlreadyConnected,
    /// The number is not on the Cloud API.
    NotConnected,
}

impl Sandbox {
    /// A number starts being used in the WhatsApp Business app: registered on
    /// its phone, not on the Cloud API.
    pub fn create_business_app_number(
        &mut self,
        phone: &str,
        verified_name: &str,
    ) -> Result<String, AppNumberError> {
        let digits = phone_digits(phone);
        if !is_e164_length(&digits) {
            return Err(AppNumberError::InvalidPhone(phone.to_owned()));
        }
        let name = verified_name.trim();
        if !(1..=256).contains(&name.chars().count()) {
            return Err(AppNumberError::InvalidName);
        }
        if self.whatsapp.consumers.contains_key(&digits) {
            return Err(AppNumberError::IsConsumer(digits));
        }
        if self
            .whatsapp
            .phone_numbers
            .values()
            .any(|p| p.digits == digits)
        {
            return Err(AppNumberError::Exists(digits));
        }
        let (cc, local) = match calling_code(&digits) {
            Some((code, _)) => (code, &digits[code.len()..]),
            None => ("", digits.as_str()),
        };
        let id = self.allocate_node(NodeKind::PhoneNumber);
        let display = display_number(cc, local);
        let number = PhoneNumber {
            // Verified and named in the app.
            code_verification_status: "VERIFIED".into(),
            name_status: "APPROVED".into(),
            ..PhoneNumber::added(id.clone(), "", display, digits.clone(), name)
        };
        self.whatsapp
            .phone_numbers
            .insert(id.clone(), Box::new(number));
        let now = self.clock.now();
        self.whatsapp.business_app.numbers.insert(
            digits.clone(),
            AppNumber {
                phone_number_id: id,
                created_at: now,
                onboarding: None,
                disconnection: None,
            },
        );
        self.register_first_phone(&digits);
        Ok(digits)
    }

    /// The WhatsApp Business app number a phone number id belongs to, with its digits.
    pub fn app_number_of_phone(&self, phone_number_id: &str) -> Option<(&str, &AppNumber)> {
        let digits = &self.whatsapp.phone_numbers.get(phone_number_id)?.digits;
        let number = self.whatsapp.business_app.numbers.get(digits)?;
        Some((digits.as_str(), number))
    }

    /// The phone number id of the WhatsApp Business app number `digits`.
    pub fn app_phone_number_id(&self, digits: &str) -> Option<&str> {
        self.whatsapp
            .business_app
            .numbers
            .get(digits)
            .map(|n| n.phone_number_id.as_str())
    }

    /// Is the number used in the WhatsApp Business app (`is_on_biz_app`)?
    pub fn is_on_biz_app(&self, phone_number_id: &str) -> bool {
        self.app_number_of_phone(phone_number_id).is_some()
    }

    /// Is the WhatsApp Business app number `digits` on the Cloud API now?
    pub fn coexistence_connected(&self, digits: &str) -> bool {
        self.whatsapp
            .business_app
            .numbers
            .get(digits)
            .is_some_and(|n| n.onboarding.is_some())
    }

    /// May the Graph API reach this phone number? Only once it is in a WABA
    /// (a WhatsApp Business app number before onboarding is not).
    pub fn phone_number_in_a_waba(&self, phone_number_id: &str) -> bool {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| !p.waba_id.is_empty())
    }

    /// Messages per second a business number may send: the sandbox's limit,
    /// capped at the fixed coexistence value for WhatsApp Business app numbers.
    pub fn throughput_limit(&self, phone_number_id: &str) -> u32 {
        let limit = self.options.messaging_limits.throughput_per_second;
        if limit > 0 && self.is_on_biz_app(phone_number_id) {
            limit.min(COEXISTENCE_THROUGHPUT_PER_SECOND)
        } else {
            limit
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    pub(crate) const SHOP: &str = "15550123456";

    /// The demo sandbox with the WhatsApp Business app number [`SHOP`].
    pub(crate) fn with_shop() -> Sandbox {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        sandbox
            .create_business_app_number("+1 555-012-3456", "Corner Shop")
            .unwrap();
        sandbox
    }

    #[test]
    fn a_business_app_number_is_an_account_off_the_cloud_api() {
        let sandbox = with_shop();
        let number = &sandbox.whatsapp.business_app.numbers[SHOP];
        let phone = &sandbox.whatsapp.phone_numbers[&number.phone_number_id];
        assert_eq!(phone.display_phone_number, "+1 555-012-3456");
        assert!(!phone.is_registered());
        assert!(sandbox.is_on_biz_app(&number.phone_number_id));
        assert!(!sandbox.phone_number_in_a_waba(&number.phone_number_id));
        assert!(!sandbox.coexistence_connected(SHOP));
        assert_eq!(
            sandbox.devices_of(SHOP).unwrap().primary().unwrap().id,
            "15550123456:0"
        );
        assert_eq!(sandbox.throughput_limit(&number.phone_number_id), 20);
    }

    #[test]
    fn business_app_numbers_are_checked() {
        let mut sandbox = with_shop();
        assert_eq!(
            sandbox.create_business_app_number("15550123456", "Again"),
            Err(AppNumberError::Exists(SHOP.into()))
        );
        assert_eq!(
            sandbox.create_business_app_number("15550109999", "Alice's shop"),
            Err(AppNumberError::IsConsumer("15550109999".into()))
        );
        assert_eq!(
            sandbox.create_business_app_number("12", "Tiny"),
            Err(AppNumberError::InvalidPhone("12".into()))
        );
        assert_eq!(
            sandbox.create_business_app_number("15550123457", "  "),
            Err(AppNumberError::InvalidName)
        );
    }
}
