//! Pre-verified phone numbers: a business portfolio (usually a solution
//! partner) adds numbers it owns (`POST /{business-id}/add_phone_numbers`),
//! proves each with a one-time code exactly as a business number is proved
//! (`request_code` / `verify_code`, the same limits, the same phone inbox),
//! shares verified ones with partner businesses and deletes those no WABA
//! uses. A number is `IN_USE` once a WABA of the sandbox has it.
//!
//! Time limits, as Meta documents them, on the virtual clock: a verification
//! lasts 90 days while no WABA claims the number (then `EXPIRED`, to verify
//! again); a verified number may be verified again only in the last 45 days
//! of that; a number never verified within 90 days of being added leaves the
//! pool.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::inbox::CodeMethod;
use super::registration::{
    CODE_TTL_SECONDS, CodeRefusal, PendingCode, RegistrationError, Verification, display_number,
};
use crate::world::clock::graph_time;
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::{calling_code, phone_digits};

/// Numbers one business may keep pre-verified (metasim's bound).
pub const PREVERIFIED_PER_BUSINESS_MAX: usize = 1_000;
/// Partners one number may be shared with (metasim's bound).
pub const PARTNERS_MAX: usize = 100;
/// How long a verification lasts while no WABA claims the number.
pub const VERIFICATION_LASTS_SECONDS: i64 = 90 * 86_400;
/// A verified number may be verified again this long before it would expire.
pub const REVERIFY_WINDOW_SECONDS: i64 = 45 * 86_400;
/// How long an added number may stay unverified before it leaves the pool.
pub const UNVERIFIED_KEPT_SECONDS: i64 = 90 * 86_400;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PreverifiedNumber {
    pub id: String,
    pub business_id: String,
    /// E.164 digits without `+`.
    pub digits: String,
    /// `PENDING`, `VERIFIED` or `EXPIRED` (a code that ran out while pending).
    pub verification_status: String,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default)]
    pub verification: Verification,
    /// When a code last verified it (kept after the verification expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<i64>,
    /// Businesses it is shared with, in sharing order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<String>,
}

impl PreverifiedNumber {
    /// The calling code and ISO country, when metasim knows the code.
    pub fn country(&self) -> Option<(&'static str, &'static str)> {
        calling_code(&self.digits)
    }

    /// When the current verification lapses unless a WABA claims the number.
    pub fn verification_expiry(&self) -> Option<i64> {
        let verified_at = self.verified_at?;
        (self.verification_status == "VERIFIED")
            .then(|| verified_at.saturating_add(VERIFICATION_LASTS_SECONDS))
    }

    /// Meta's `code_verification_status`: `VERIFIED`, `EXPIRED` (a
    /// verification or a code that ran out) or `NOT_VERIFIED`.
    pub fn code_verification_status(&self) -> &'static str {
        match self.verification_status.as_str() {
            "VERIFIED" => "VERIFIED",
            "EXPIRED" => "EXPIRED",
            _ => "NOT_VERIFIED",
        }
    }

    /// As Meta shows it: `+1 555-010-0001`, or `+{cc} {rest}`.
    pub fn display_phone_number(&self) -> String {
        match self.country() {
            Some((cc, _)) => display_number(cc, &self.digits[cc.len()..]),
            None => format!("+{}", self.digits),
        }
    }
}

/// id -> pre-verified number.
pub type PreverifiedNumbers = BTreeMap<String, PreverifiedNumber>;

/// Why a pre-verified number call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreverifiedError {
    /// A parameter is missing or malformed (the text says which).
    Invalid(String),
    /// The number is pre-verified or in a WABA already.
    Exists(String),
    /// A step of the code verification (Meta's codes).
    Code(RegistrationError),
    /// The number is in use by a WABA or shared: it cannot go.
    InUse,
}

impl Sandbox {
    /// Whether a WABA of the sandbox has this number.
    pub fn preverified_in_use(&self, number: &PreverifiedNumber) -> bool {
        self.whatsapp
            .phone_numbers
            .values()
            .any(|p| p.digits == number.digits)
    }

    /// `POST /{business-id}/add_phone_numbers`: a new, unverified number.
    pub fn add_preverified_number(
        &mut self,
        business_id: &str,
        phone_number: &str,
    ) -> Result<String, PreverifiedError> {
        let digits = phone_digits(phone_number);
        if !(8..=15).contains(&digits.len()) {
            return Err(PreverifiedError::Invalid(format!(
                "Invalid phone number: {phone_number:?} is not an E.164 number"
            )));
        }
        let owned = self
            .whatsapp
            .preverified
            .values()
            .filter(|n| n.business_id == business_id)
            .count();
        if owned >= PREVERIFIED_PER_BUSINESS_MAX {
            return Err(PreverifiedError::Invalid(format!(
                "A business may have at most {PREVERIFIED_PER_BUSINESS_MAX} pre-verified numbers"
            )));
        }
        let taken = self
            .whatsapp
            .preverified
            .values()
            .any(|n| n.digits == digits)
            || self
                .whatsapp
                .phone_numbers
                .values()
                .any(|p| p.digits == digits);
        if taken {
            return Err(PreverifiedError::Exists(digits));
        }
        let id = self.allocate_node(NodeKind::PreverifiedPhoneNumber);
        let now = self.clock.now();
        self.whatsapp.preverified.insert(
            id.clone(),
            PreverifiedNumber {
                id: id.clone(),
                business_id: business_id.to_owned(),
                digits,
                verification_status: "PENDING".into(),
                created_at: now,
                updated_at: now,
                verification: Verification::default(),
                verified_at: None,
                partners: Vec::new(),
            },
        );
        Ok(id)
    }

    fn preverified_mut(&mut self, id: &str) -> Result<&mut PreverifiedNumber, PreverifiedError> {
        self.whatsapp
            .preverified
            .get_mut(id)
            .ok_or_else(|| PreverifiedError::Invalid(format!("Unknown pre-verified number {id}")))
    }

    /// `POST /{pre-verified-id}/request_code`: a fresh code to the phone (a
    /// verified number only in the last 45 days of its verification).
    pub fn request_preverified_code(
        &mut self,
        id: &str,
        method: CodeMethod,
        language: &str,
    ) -> Result<(), PreverifiedError> {
        let now = self.clock.now();
        if let Some(expiry) = self.preverified_mut(id)?.verification_expiry() {
            let reverify_from = expiry.saturating_sub(REVERIFY_WINDOW_SECONDS);
            if now < reverify_from {
                return Err(PreverifiedError::Invalid(format!(
                    "This number is verified until {}; it may be verified again from {}",
                    graph_time(expiry),
                    graph_time(reverify_from)
                )));
            }
        }
        self.preverified_mut(id)?
            .verification
            .count_code_request(now)
            .map_err(PreverifiedError::Code)?;
        let code = self.ids.code(6);
        let digits = self.preverified_mut(id)?.digits.clone();
        self.send_code(&digits, &code, method, language);
        self.preverified_mut(id)?.verification.pending_code = Some(PendingCode {
            code,
            expires_at: now + CODE_TTL_SECONDS,
        });
        Ok(())
    }

    /// `POST /{pre-verified-id}/verify_code`: a matching, current code verifies it.
    pub fn verify_preverified_code(
        &mut self,
        id: &str,
        code: &str,
    ) -> Result<(), PreverifiedError> {
        let now = self.clock.now();
        let number = self.preverified_mut(id)?;
        let outcome = number.verification.take_code(code, now);
        match outcome {
            Ok(()) => {
                number.verification_status = "VERIFIED".into();
                number.verified_at = Some(now);
            }
            Err(CodeRefusal::Expired) if number.verification_status != "VERIFIED" => {
                number.verification_status = "EXPIRED".into();
            }
            Err(_) => {}
        }
        number.updated_at = now;
        outcome.map_err(|_| PreverifiedError::Code(RegistrationError::CodeNotVerified))
    }

    /// `POST /{business-id}/share_preverified_numbers`: a verified number of
    /// this business, shared with another business of the sandbox.
    pub fn share_preverified_number(
        &mut self,
        business_id: &str,
        id: &str,
        partner: &str,
    ) -> Result<(), PreverifiedError> {
        if partner == business_id || !self.accounts.businesses.contains_key(partner) {
            return Err(PreverifiedError::Invalid(format!(
                "Param partner_business_id must be another business - got \"{partner}\"."
            )));
        }
        let now = self.clock.now();
        let number = self
            .whatsapp
            .preverified
            .get_mut(id)
            .filter(|n| n.business_id == business_id)
            .ok_or_else(|| {
                PreverifiedError::Invalid(format!(
                    "Param preverified_id must be a pre-verified number of this business - got \"{id}\"."
                ))
            })?;
        if number.verification_status != "VERIFIED" {
            return Err(PreverifiedError::Invalid(
                "Only a verified number may be shared".into(),
            ));
        }
        if !number.partners.iter().any(|p| p == partner) {
            if number.partners.len() >= PARTNERS_MAX {
                return Err(PreverifiedError::Invalid(format!(
                    "A number may be shared with at most {PARTNERS_MAX} businesses"
                )));
            }
            number.partners.push(partner.to_owned());
            number.updated_at = now;
        }
        Ok(())
    }

    /// What the virtual clock has done to the pool: unclaimed verifications
    /// past 90 days expire, numbers never verified within 90 days of being
    /// added leave it.
    pub fn run_due_preverified(&mut self) {
        let now = self.clock.now();
        let lapsed = |number: &PreverifiedNumber| {
            let expired = number.verification_expiry().is_some_and(|at| at <= now);
            let unverified_too_long = number.verified_at.is_none()
                && number.created_at.saturating_add(UNVERIFIED_KEPT_SECONDS) <= now;
            expired || unverified_too_long
        };
        let due: Vec<String> = self
            .whatsapp
            .preverified
            .values()
            .filter(|number| lapsed(number))
            .map(|number| number.id.clone())
            .collect();
        for id in due {
            let number = &self.whatsapp.preverified[&id];
            if self.preverified_in_use(number) {
                continue;
            }
            let Some(expiry) = number.verification_expiry() else {
                self.whatsapp.preverified.remove(&id);
                self.registry.remove(&id);
                continue;
            };
            if let Some(number) = self.whatsapp.preverified.get_mut(&id) {
                number.verification_status = "EXPIRED".into();
                number.updated_at = expiry;
            }
        }
    }

    /// `DELETE /{pre-verified-id}`: only a number no WABA uses.
    pub fn delete_preverified_number(&mut self, id: &str) -> Result<(), PreverifiedError> {
        let number = self.whatsapp.preverified.get(id).ok_or_else(|| {
            PreverifiedError::Invalid(format!("Unknown pre-verified number {id}"))
        })?;
        if self.preverified_in_use(number) {
            return Err(PreverifiedError::InUse);
        }
        self.whatsapp.preverified.remove(id);
        self.registry.remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn a_number_is_added_once_verified_by_code_and_deleted_when_unused() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let business = sandbox.handles["business"].clone();
        assert!(matches!(
            sandbox.add_preverified_number(&business, "12"),
            Err(PreverifiedError::Invalid(_))
        ));
        let demo_digits = sandbox
            .whatsapp
            .phone_numbers
            .values()
            .next()
            .unwrap()
            .digits
            .clone();
        assert!(matches!(
            sandbox.add_preverified_number(&business, &demo_digits),
            Err(PreverifiedError::Exists(_))
        ));
        let id = sandbox
            .add_preverified_number(&business, "+1 (555) 010-4242")
            .unwrap();
        assert!(matches!(
            sandbox.add_preverified_number(&business, "15550104242"),
            Err(PreverifiedError::Exists(_))
        ));
        sandbox
            .request_preverified_code(&id, CodeMethod::Sms, "en_US")
            .unwrap();
        let code = sandbox.whatsapp.preverified[&id]
            .verification
            .pending_code
            .clone()
            .unwrap()
            .code;
        assert!(sandbox.verify_preverified_code(&id, "000000x").is_err());
        sandbox.verify_preverified_code(&id, &code).unwrap();
        assert_eq!(
            sandbox.whatsapp.preverified[&id].verification_status,
            "VERIFIED"
        );
        sandbox.delete_preverified_number(&id).unwrap();
        assert!(sandbox.whatsapp.preverified.is_empty());
    }
}
