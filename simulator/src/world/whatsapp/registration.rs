//! The business phone number lifecycle: add a number to a WABA, prove it with
//! a one-time code (SMS or voice, delivered to the phone's inbox), register it
//! for the Cloud API with a two-step PIN, deregister it — with Meta's limits,
//! all on the sandbox's virtual clock.

use serde::{Deserialize, Serialize};

use super::PhoneNumber;
use super::inbox::{CodeMethod, PhoneMessage};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;

/// How long a one-time code stays valid.
pub const CODE_TTL_SECONDS: i64 = 10 * 60;
/// `request_code` calls allowed per number per rolling 24 hours.
pub const CODE_REQUESTS_PER_DAY: usize = 5;
/// register + deregister calls allowed per number per rolling 72 hours.
pub const REGISTRATIONS_PER_72_HOURS: usize = 10;
/// Wrong PINs in a row before Meta stops accepting guesses (133008).
pub const PIN_GUESSES: u32 = 5;

const DAY: i64 = 24 * 3600;
const SEVENTY_TWO_HOURS: i64 = 72 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PendingCode {
    pub code: String,
    pub expires_at: i64,
}

/// The verification and registration history of one number.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Verification {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_code: Option<PendingCode>,
    /// Times of recent `request_code` calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_requests: Vec<i64>,
    /// Times of recent register/deregister calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registration_calls: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_blocked_until: Option<i64>,
    #[serde(default)]
    pub wrong_pins: u32,
}

impl Verification {
    /// Count a `request_code` call against the daily limit (136024 beyond).
    pub fn count_code_request(&mut self, now: i64) -> Result<(), RegistrationError> {
        self.code_requests.retain(|t| now.saturating_sub(*t) < DAY);
        if self.code_requests.len() >= CODE_REQUESTS_PER_DAY {
            return Err(RegistrationError::TooManyCodeRequests);
        }
        self.code_requests.push(now);
        Ok(())
    }

    /// Check a code against the pending one: `Ok` (and the code is used up)
    /// when it matches in time; otherwise whether it had expired.
    pub fn take_code(&mut self, code: &str, now: i64) -> Result<(), CodeRefusal> {
        match &self.pending_code {
            Some(pending) if pending.code == code.trim() && now < pending.expires_at => {
                self.pending_code = None;
                Ok(())
            }
            Some(pending) if now >= pending.expires_at => Err(CodeRefusal::Expired),
            _ => Err(CodeRefusal::Wrong),
        }
    }
}

/// Why a one-time code did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    Wrong,
    Expired,
}

/// Why a lifecycle step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationError {
    /// A parameter is missing or malformed (the text says which).
    InvalidParameter(String),
    /// The number is already in the sandbox.
    NumberInUse(String),
    /// Too many `request_code` calls (136024).
    TooManyCodeRequests,
    /// Wrong, expired or never-requested code (136025).
    CodeNotVerified,
    /// `register` before the number was verified (133006).
    NotVerified,
    /// Wrong two-step PIN (133005).
    PinMismatch,
    /// Too many wrong PINs (133008).
    TooManyPinGuesses,
    /// Over the register/deregister limit (133016).
    RegistrationLimit,
    /// `deregister` of a number that is not registered.
    NotRegistered,
    /// `deregister` of a number used with both the WhatsApp Business app
    /// and the Cloud API (the business disconnects it in the app instead).
    OnBusinessApp,
}

fn valid_pin(pin: &str) -> bool {
    pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit())
}

/// `+1 555-010-0001` for North American numbers, `+{cc} {number}` elsewhere.
pub fn display_number(cc: &str, number: &str) -> String {
    if cc == "1" && number.len() == 10 {
        format!("+1 {}-{}-{}", &number[..3], &number[3..6], &number[6..])
    } else {
        format!("+{cc} {number}")
    }
}

impl Sandbox {
    fn phone_mut(&mut self, id: &str) -> &mut PhoneNumber {
        self.whatsapp
            .phone_numbers
            .get_mut(id)
            .expect("callers pass a phone number id from the registry")
    }

    /// `POST /{waba-id}/phone_numbers`: a new, unverified number.
    pub fn add_phone_number(
        &mut self,
        waba_id: &str,
        cc: &str,
        number: &str,
        verified_name: &str,
    ) -> Result<String, RegistrationError> {
        let cc = phone_digits(cc);
        let mut local = phone_digits(number);
        if !cc.is_empty() && local.starts_with(&cc) && local.len() > 10 {
            local = local[cc.len()..].to_owned();
        }
        let digits = format!("{cc}{local}");
        if cc.is_empty() || cc.len() > 3 || local.len() < 4 || digits.len() > 15 {
            return Err(RegistrationError::InvalidParameter(format!(
                "Invalid phone number: cc {cc:?} and phone_number {number:?} do not make an E.164 number"
            )));
        }
        if verified_name.trim().is_empty() {
            return Err(RegistrationError::InvalidParameter(
                "The parameter verified_name is required".into(),
            ));
        }
        if self
            .whatsapp
            .phone_numbers
            .values()
            .any(|p| p.digits == digits)
        {
            return Err(RegistrationError::NumberInUse(digits));
        }
        let id = self.allocate_node(NodeKind::PhoneNumber);
        let display = display_number(&cc, &local);
        self.whatsapp.phone_numbers.insert(
            id.clone(),
            Box::new(PhoneNumber::added(
                id.clone(),
                waba_id,
                display,
                digits,
                verified_name,
            )),
        );
        let now = self.clock.now();
        self.whatsapp.added_at.insert(id.clone(), now);
        Ok(id)
    }

    /// Deliver a one-time code to the phone `digits` (its SMS or voice inbox).
    pub fn send_code(&mut self, digits: &str, code: &str, method: CodeMethod, language: &str) {
        let now = self.clock.now();
        self.whatsapp.phone_inboxes.deliver(
            digits,
            PhoneMessage::verification_code(now, method, code, language),
        );
    }

    /// `POST /{phone-number-id}/request_code`: a fresh 6-digit code to the phone's inbox.
    pub fn request_code(
        &mut self,
        id: &str,
        method: CodeMethod,
        language: &str,
    ) -> Result<(), RegistrationError> {
        let now = self.clock.now();
        self.phone_mut(id).verification.count_code_request(now)?;
        let code = self.ids.code(6);
        let phone = self.phone_mut(id);
        let digits = phone.digits.clone();
        self.send_code(&digits, &code, method, language);
        let phone = self.phone_mut(id);
        phone.verification.pending_code = Some(PendingCode {
            code,
            expires_at: now.saturating_add(CODE_TTL_SECONDS),
        });
        Ok(())
    }

    /// `POST /{phone-number-id}/verify_code`: a matching, unexpired code verifies the number.
    pub fn verify_code(&mut self, id: &str, code: &str) -> Result<(), RegistrationError> {
        let now = self.clock.now();
        let phone = self.phone_mut(id);
        match phone.verification.take_code(code, now) {
            Ok(()) => {
                phone.code_verification_status = "VERIFIED".into();
                Ok(())
            }
            Err(CodeRefusal::Expired) => {
                // A number verified earlier stays verified; only a pending
                // verification expires.
                if phone.code_verification_status != "VERIFIED" {
                    phone.code_verification_status = "EXPIRED".into();
                }
                Err(RegistrationError::CodeNotVerified)
            }
            Err(CodeRefusal::Wrong) => Err(RegistrationError::CodeNotVerified),
        }
    }

    /// Count a register/deregister call against the 72-hour limit.
    fn count_registration_call(phone: &mut PhoneNumber, now: i64) -> Result<(), RegistrationError> {
        let verification = &mut phone.verification;
        if verification
            .registration_blocked_until
            .is_some_and(|until| now < until)
        {
            return Err(RegistrationError::RegistrationLimit);
        }
        verification
            .registration_calls
            .retain(|t| now.saturating_sub(*t) < SEVENTY_TWO_HOURS);
        if verification.registration_calls.len() >= REGISTRATIONS_PER_72_HOURS {
            verification.registration_blocked_until = Some(now.saturating_add(SEVENTY_TWO_HOURS));
            return Err(RegistrationError::RegistrationLimit);
        }
        verification.registration_calls.push(now);
        Ok(())
    }

    /// `POST /{phone-number-id}/register`: connect the number to the Cloud API.
    pub fn register_number(&mut self, id: &str, pin: &str) -> Result<(), RegistrationError> {
        if !valid_pin(pin) {
            return Err(RegistrationError::InvalidParameter(
                "Param pin must be 6 digits".into(),
            ));
        }
        let now = self.clock.now();
        let phone = self.phone_mut(id);
        Self::count_registration_call(phone, now)?;
        if phone.code_verification_status != "VERIFIED" {
            return Err(RegistrationError::NotVerified);
        }
        if phone.verification.wrong_pins >= PIN_GUESSES {
            return Err(RegistrationError::TooManyPinGuesses);
        }
        if phone.pin.as_deref().is_some_and(|existing| existing != pin) {
            phone.verification.wrong_pins = phone.verification.wrong_pins.saturating_add(1);
            return Err(RegistrationError::PinMismatch);
        }
        phone.verification.wrong_pins = 0;
        phone.pin = Some(pin.to_owned());
        phone.platform_type = "CLOUD_API".into();
        phone.status = "CONNECTED".into();
        phone.throughput_level = "STANDARD".into();
        if phone.messaging_limit_tier == "TIER_NOT_SET" {
            phone.messaging_limit_tier = "TIER_250".into();
        }
        Ok(())
    }

    /// `POST /{phone-number-id}/deregister`: the number can no longer send.
    pub fn deregister_number(&mut self, id: &str) -> Result<(), RegistrationError> {
        let now = self.clock.now();
        if self.is_on_biz_app(id) && self.phone_mut(id).is_registered() {
            return Err(RegistrationError::OnBusinessApp);
        }
        let phone = self.phone_mut(id);
        if !phone.is_registered() {
            return Err(RegistrationError::NotRegistered);
        }
        Self::count_registration_call(phone, now)?;
        phone.platform_type = "NOT_APPLICABLE".into();
        phone.status = "DISCONNECTED".into();
        phone.throughput_level = "NOT_APPLICABLE".into();
        Ok(())
    }

    /// `POST /{phone-number-id}` with `pin`: set or replace the two-step PIN.
    pub fn set_two_step_pin(&mut self, id: &str, pin: &str) -> Result<(), RegistrationError> {
        if !valid_pin(pin) {
            return Err(RegistrationError::InvalidParameter(
                "Param pin must be 6 digits".into(),
            ));
        }
        let phone = self.phone_mut(id);
        phone.pin = Some(pin.to_owned());
        phone.verification.wrong_pins = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn sandbox_with_new_number() -> (Sandbox, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let id = sandbox
            .add_phone_number(&waba, "1", "5550100002", "Lucky Shrub Two")
            .unwrap();
        (sandbox, id)
    }

    fn last_code(sandbox: &Sandbox, id: &str) -> String {
        let digits = &sandbox.whatsapp.phone_numbers[id].digits;
        sandbox
            .whatsapp
            .phone_inboxes
            .messages(digits)
            .last()
            .unwrap()
            .code
            .clone()
    }

    #[test]
    fn full_lifecycle() {
        let (mut sandbox, id) = sandbox_with_new_number();
        assert_eq!(
            sandbox.whatsapp.phone_numbers[&id].display_phone_number,
            "+1 555-010-0002"
        );
        assert_eq!(
            sandbox.register_number(&id, "111111"),
            Err(RegistrationError::NotVerified)
        );
        sandbox.request_code(&id, CodeMethod::Sms, "en_US").unwrap();
        assert_eq!(
            sandbox.verify_code(&id, "not-it"),
            Err(RegistrationError::CodeNotVerified)
        );
        let code = last_code(&sandbox, &id);
        sandbox.verify_code(&id, &code).unwrap();
        assert_eq!(
            sandbox.verify_code(&id, &code),
            Err(RegistrationError::CodeNotVerified),
            "single use"
        );
        sandbox.register_number(&id, "111111").unwrap();
        assert!(sandbox.whatsapp.phone_numbers[&id].is_registered());
        assert_eq!(
            sandbox.register_number(&id, "222222"),
            Err(RegistrationError::PinMismatch)
        );
        sandbox.deregister_number(&id).unwrap();
        assert_eq!(sandbox.whatsapp.phone_numbers[&id].status, "DISCONNECTED");
        assert_eq!(
            sandbox.deregister_number(&id),
            Err(RegistrationError::NotRegistered)
        );
    }

    #[test]
    fn codes_expire_on_the_virtual_clock() {
        let (mut sandbox, id) = sandbox_with_new_number();
        sandbox.request_code(&id, CodeMethod::Voice, "en").unwrap();
        let code = last_code(&sandbox, &id);
        sandbox.clock.advance(CODE_TTL_SECONDS);
        assert_eq!(
            sandbox.verify_code(&id, &code),
            Err(RegistrationError::CodeNotVerified)
        );
        assert_eq!(
            sandbox.whatsapp.phone_numbers[&id].code_verification_status,
            "EXPIRED"
        );
    }

    #[test]
    fn code_requests_are_limited_per_day() {
        let (mut sandbox, id) = sandbox_with_new_number();
        for _ in 0..CODE_REQUESTS_PER_DAY {
            sandbox.request_code(&id, CodeMethod::Sms, "en").unwrap();
        }
        assert_eq!(
            sandbox.request_code(&id, CodeMethod::Sms, "en"),
            Err(RegistrationError::TooManyCodeRequests)
        );
        sandbox.clock.advance(DAY);
        sandbox.request_code(&id, CodeMethod::Sms, "en").unwrap();
    }

    #[test]
    fn registration_limit_blocks_for_72_hours() {
        let (mut sandbox, id) = sandbox_with_new_number();
        sandbox.request_code(&id, CodeMethod::Sms, "en").unwrap();
        let code = last_code(&sandbox, &id);
        sandbox.verify_code(&id, &code).unwrap();
        for _ in 0..REGISTRATIONS_PER_72_HOURS {
            sandbox.register_number(&id, "123123").unwrap();
        }
        assert_eq!(
            sandbox.register_number(&id, "123123"),
            Err(RegistrationError::RegistrationLimit)
        );
        sandbox.clock.advance(SEVENTY_TWO_HOURS - 1);
        assert_eq!(
            sandbox.register_number(&id, "123123"),
            Err(RegistrationError::RegistrationLimit)
        );
        sandbox.clock.advance(1);
        sandbox.register_number(&id, "123123").unwrap();
    }

    #[test]
    fn wrong_pins_run_out() {
        let sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let mut sandbox = sandbox;
        let id = sandbox.handles["phone_number"].clone();
        for _ in 0..PIN_GUESSES {
            assert_eq!(
                sandbox.register_number(&id, "000000"),
                Err(RegistrationError::PinMismatch)
            );
        }
        assert_eq!(
            sandbox.register_number(&id, "123456"),
            Err(RegistrationError::TooManyPinGuesses)
        );
        sandbox.set_two_step_pin(&id, "654321").unwrap();
        sandbox.register_number(&id, "654321").unwrap();
    }

    #[test]
    fn bad_numbers_and_duplicates() {
        let (mut sandbox, _) = sandbox_with_new_number();
        let waba = sandbox.handles["waba"].clone();
        assert!(matches!(
            sandbox.add_phone_number(&waba, "", "5550100003", "X"),
            Err(RegistrationError::InvalidParameter(_))
        ));
        assert_eq!(
            sandbox.add_phone_number(&waba, "1", "15550100002", "X"),
            Err(RegistrationError::NumberInUse("15550100002".into()))
        );
        assert_eq!(display_number("44", "7700900123"), "+44 7700900123");
    }
}
