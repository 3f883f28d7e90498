//! How a WhatsApp number becomes an Instagram professional account's contact
//! option: a code sent by the official "Facebook Business" sender to that
//! number's WhatsApp inbox, typed back into Instagram; and what a visitor
//! tapping "Contact" sees.
//!
//! Meta documents no numbers for this flow; metasim's choices (all in
//! docs/linking.md): 6-digit codes valid 10 minutes, a new code at most every
//! 60 seconds and it replaces the previous one, 5 wrong entries lock the
//! code (ask for a new one).

use crate::world::instagram::InstagramAccount;
use crate::world::instagram::contact_options::{PublicContact, WhatsappCode};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::{is_e164_length, phone_digits};
use crate::world::whatsapp::official::FACEBOOK_BUSINESS;

pub const CODE_LENGTH: usize = 6;
pub const CODE_TTL_SECONDS: i64 = 600;
pub const RESEND_AFTER_SECONDS: i64 = 60;
pub const MAX_WRONG_ATTEMPTS: u32 = 5;

/// A code on its way, as the control plane reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentCode {
    pub phone: String,
    pub expires_at: i64,
    pub resend_after: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContactError {
    UnknownAccount(String),
    NotProfessional(String),
    NoPhone,
    InvalidPhone(String),
    NotOnWhatsapp(String),
    ResendTooSoon { retry_after: i64 },
    NoPendingCode,
    CodeExpired,
    WrongCode { attempts_left: u32 },
    TooManyAttempts,
    NoWhatsapp,
}

impl ContactError {
    pub fn message(&self) -> String {
        match self {
            ContactError::UnknownAccount(id) => {
                format!("No Instagram account with id {id:?} in this sandbox")
            }
            ContactError::NotProfessional(id) => format!(
                "Instagram account {id} is a personal account: contact options need a professional (business or creator) account"
            ),
            ContactError::NoPhone => {
                "phone is required: the account has no phone number of its own".into()
            }
            ContactError::InvalidPhone(phone) => {
                format!("phone must be a number with country code (8 to 15 digits), got {phone:?}")
            }
            ContactError::NotOnWhatsapp(digits) => format!(
                "+{digits} has no WhatsApp account, so no code could be sent; use a number that is on WhatsApp"
            ),
            ContactError::ResendTooSoon { retry_after } => format!(
                "A code was sent less than {RESEND_AFTER_SECONDS} seconds ago; ask again in {retry_after} seconds"
            ),
            ContactError::NoPendingCode => {
                "No code is waiting: send a code to a WhatsApp number first".into()
            }
            ContactError::CodeExpired => format!(
                "The code has expired (codes last {} minutes); send a new one",
                CODE_TTL_SECONDS / 60
            ),
            ContactError::WrongCode { attempts_left } => format!(
                "That code isn't right; {attempts_left} attempt(s) left before you need a new code"
            ),
            ContactError::TooManyAttempts => {
                format!("Too many wrong codes ({MAX_WRONG_ATTEMPTS}); send a new code")
            }
            ContactError::NoWhatsapp => "The account has no WhatsApp contact option".into(),
        }
    }
}

impl Sandbox {
    /// A professional account, or the error for any other id.
    fn professional(&self, ig_id: &str) -> Result<&InstagramAccount, ContactError> {
        let account = self
            .instagram
            .accounts
            .get(ig_id)
            .ok_or_else(|| ContactError::UnknownAccount(ig_id.to_owned()))?;
        if account.is_professional() {
            Ok(account)
        } else {
            Err(ContactError::NotProfessional(ig_id.to_owned()))
        }
    }

    fn professional_mut(&mut self, ig_id: &str) -> Result<&mut InstagramAccount, ContactError> {
        self.professional(ig_id)?;
        self.instagram
            .accounts
            .get_mut(ig_id)
            .map(Box::as_mut)
            .ok_or_else(|| ContactError::UnknownAccount(ig_id.to_owned()))
    }

    /// The contact options of a professional account (a visitor sees email,
    /// phone and WhatsApp; never the code still waiting).
    pub fn instagram_contact(&self, ig_id: &str) -> Result<&PublicContact, ContactError> {
        Ok(&self.professional(ig_id)?.contact.public)
    }

    /// "Send code": to `phone`, or to the account's own number.
    pub fn send_whatsapp_contact_code(
        &mut self,
        ig_id: &str,
        phone: Option<&str>,
    ) -> Result<SentCode, ContactError> {
        let now = self.clock.now();
        let account = self.professional(ig_id)?;
        let typed = match phone {
            Some(phone) => phone.to_owned(),
            None => account.phone.clone().ok_or(ContactError::NoPhone)?,
        };
        let digits = phone_digits(&typed);
        if !is_e164_length(&digits) {
            return Err(ContactError::InvalidPhone(typed));
        }
        if let Some(pending) = &account.contact.pending_whatsapp {
            let wait = pending
                .sent_at
                .saturating_add(RESEND_AFTER_SECONDS)
                .saturating_sub(now);
            if wait > 0 {
                return Err(ContactError::ResendTooSoon { retry_after: wait });
            }
        }
        if !self
            .whatsapp
            .consumers
            .get(&digits)
            .is_some_and(|c| c.on_whatsapp)
        {
            return Err(ContactError::NotOnWhatsapp(digits));
        }
        let code = self.ids.code(CODE_LENGTH);
        let text = format!(
            "{code} is your Instagram code to add this WhatsApp number to your profile. Don't share it."
        );
        self.deliver_official_message(&digits, FACEBOOK_BUSINESS, text, Some(code.clone()));
        let pending = WhatsappCode {
            phone: digits.clone(),
            code,
            sent_at: now,
            expires_at: now.saturating_add(CODE_TTL_SECONDS),
            wrong_attempts: 0,
        };
        let sent = SentCode {
            phone: digits,
            expires_at: pending.expires_at,
            resend_after: now.saturating_add(RESEND_AFTER_SECONDS),
        };
        self.professional_mut(ig_id)?.contact.pending_whatsapp = Some(pending);
        Ok(sent)
    }

    /// Type the code into Instagram; the number becomes the WhatsApp option.
    pub fn verify_whatsapp_contact_code(
        &mut self,
        ig_id: &str,
        code: &str,
    ) -> Result<String, ContactError> {
        let now = self.clock.now();
        let contact = &mut self.professional_mut(ig_id)?.contact;
        let pending = contact
            .pending_whatsapp
            .as_mut()
            .ok_or(ContactError::NoPendingCode)?;
        if pending.wrong_attempts >= MAX_WRONG_ATTEMPTS {
            return Err(ContactError::TooManyAttempts);
        }
        if now >= pending.expires_at {
            return Err(ContactError::CodeExpired);
        }
        if pending.code != code.trim() {
            pending.wrong_attempts = pending.wrong_attempts.saturating_add(1);
            return Err(match MAX_WRONG_ATTEMPTS - pending.wrong_attempts {
                0 => ContactError::TooManyAttempts,
                attempts_left => ContactError::WrongCode { attempts_left },
            });
        }
        let phone = pending.phone.clone();
        contact.public.whatsapp = Some(phone.clone());
        contact.pending_whatsapp = None;
        Ok(phone)
    }

    /// Remove the WhatsApp contact option (and any code still waiting).
    pub fn remove_whatsapp_contact(&mut self, ig_id: &str) -> Result<String, ContactError> {
        let contact = &mut self.professional_mut(ig_id)?.contact;
        let removed = contact
            .public
            .whatsapp
            .take()
            .ok_or(ContactError::NoWhatsapp)?;
        contact.pending_whatsapp = None;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    fn sandbox() -> (Sandbox, String) {
        let sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let ig = sandbox.handles["instagram"].clone();
        (sandbox, ig)
    }

    fn pending_code(sandbox: &Sandbox, ig: &str) -> String {
        sandbox.instagram.accounts[ig]
            .contact
            .pending_whatsapp
            .as_ref()
            .unwrap()
            .code
            .clone()
    }

    #[test]
    fn a_code_sent_to_whatsapp_verifies_the_number() {
        let (mut sandbox, ig) = sandbox();
        let sent = sandbox
            .send_whatsapp_contact_code(&ig, Some("+1 555 010 9999"))
            .unwrap();
        assert_eq!(sent.phone, "15550109999");
        let code = pending_code(&sandbox, &ig);
        assert_eq!(code.len(), CODE_LENGTH);
        let message = sandbox.whatsapp.messaging.official.last().unwrap();
        assert_eq!(message.sender, FACEBOOK_BUSINESS);
        assert!(message.text.starts_with(&code));
        assert_eq!(
            sandbox.verify_whatsapp_contact_code(&ig, "000000x"),
            Err(ContactError::WrongCode { attempts_left: 4 })
        );
        assert_eq!(
            sandbox.verify_whatsapp_contact_code(&ig, &code).unwrap(),
            "15550109999"
        );
        assert_eq!(
            sandbox.instagram_contact(&ig).unwrap().whatsapp.as_deref(),
            Some("15550109999")
        );
    }

    #[test]
    fn expiry_resend_and_lockout() {
        let (mut sandbox, ig) = sandbox();
        sandbox
            .send_whatsapp_contact_code(&ig, Some("15550109999"))
            .unwrap();
        let first = pending_code(&sandbox, &ig);
        assert!(matches!(
            sandbox.send_whatsapp_contact_code(&ig, Some("15550109999")),
            Err(ContactError::ResendTooSoon { retry_after: 60 })
        ));
        sandbox.clock.advance(60);
        sandbox
            .send_whatsapp_contact_code(&ig, Some("15550109999"))
            .unwrap();
        assert_ne!(
            pending_code(&sandbox, &ig),
            first,
            "a new code replaces the old"
        );
        for _ in 0..4 {
            sandbox.verify_whatsapp_contact_code(&ig, "x").unwrap_err();
        }
        assert_eq!(
            sandbox.verify_whatsapp_contact_code(&ig, "x"),
            Err(ContactError::TooManyAttempts)
        );
        let code = pending_code(&sandbox, &ig);
        assert_eq!(
            sandbox.verify_whatsapp_contact_code(&ig, &code),
            Err(ContactError::TooManyAttempts),
            "locked even with the right code"
        );
        sandbox.clock.advance(60);
        sandbox
            .send_whatsapp_contact_code(&ig, Some("15550109999"))
            .unwrap();
        sandbox.clock.advance(CODE_TTL_SECONDS);
        let code = pending_code(&sandbox, &ig);
        assert_eq!(
            sandbox.verify_whatsapp_contact_code(&ig, &code),
            Err(ContactError::CodeExpired)
        );
    }

    #[test]
    fn numbers_without_whatsapp_get_nothing() {
        let (mut sandbox, ig) = sandbox();
        assert_eq!(
            sandbox.send_whatsapp_contact_code(&ig, Some("15550001234")),
            Err(ContactError::NotOnWhatsapp("15550001234".into()))
        );
        assert!(sandbox.whatsapp.messaging.official.is_empty());
        assert_eq!(
            sandbox.remove_whatsapp_contact(&ig),
            Err(ContactError::NoWhatsapp)
        );
    }
}
