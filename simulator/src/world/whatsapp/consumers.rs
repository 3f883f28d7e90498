//! The people on the other end: creating consumers, their business-scoped
//! user ids (BSUIDs), and what they decide — blocking a business number or
//! stopping its marketing messages — and whether WhatsApp holds their
//! marketing templates back (the marketing message experiment).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::business_usernames::check_format;
use crate::world::events::EventPayload;
use crate::world::ids::derived_u64;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::{calling_code, phone_digits};
use crate::world::shared::standing::is_false;

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
    /// In Meta's marketing message experiment: marketing templates from any
    /// business fail with 130472 unless a customer-service window is open.
    #[serde(default, skip_serializing_if = "is_false")]
    pub marketing_experiment: bool,
}

/// What a consumer decided about a portfolio's marketing messages.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MarketingPreference {
    Stop,
    Resume,
}

/// ISO 3166 country of a phone number's calling code (the BSUID prefix).
fn country_of(digits: &str) -> &'static str {
    calling_code(digits).map_or("ZZ", |(_, country)| country)
}

/// Why a consumer cannot be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerError {
    InvalidPhone(String),
    Exists(String),
    InvalidUsername(String),
}

/// Meta's username rule (`business_usernames::check_format`, which
/// consumers' usernames share), in lower case. A leading `@` is accepted
/// and kept.
pub fn valid_username(name: &str) -> bool {
    let bare = name.strip_prefix('@').unwrap_or(name);
    !bare.bytes().any(|b| b.is_ascii_uppercase()) && check_format(bare).is_ok()
}

impl Sandbox {
    pub fn create_consumer(
        &mut self,
        phone: &str,
        name: Option<String>,
        on_whatsapp: bool,
        username: Option<String>,
    ) -> Result<Consumer, ConsumerError> {
        let digits = phone_digits(phone);
        if !(8..=15).contains(&digits.len()) {
            return Err(ConsumerError::InvalidPhone(phone.to_owned()));
        }
        if self.whatsapp.consumers.contains_key(&digits) {
            return Err(ConsumerError::Exists(digits));
        }
        if let Some(username) = &username
            && !valid_username(username)
        {
            return Err(ConsumerError::InvalidUsername(username.clone()));
        }
        let consumer = Consumer {
            phone: digits.clone(),
            name,
            on_whatsapp,
            username,
            blocked: BTreeSet::new(),
            marketing_opt_out: BTreeSet::new(),
            marketing_experiment: false,
        };
        self.register_first_phone(&digits);
        self.whatsapp.consumers.insert(digits, consumer.clone());
        Ok(consumer)
    }

    /// The consumer's BSUID for a business portfolio: `US.` + 19 digits, stable
    /// for a seed, different per portfolio.
    pub fn bsuid(&self, phone: &str, business_id: &str) -> String {
        self.scoped_user_id(phone, business_id, "")
    }

    /// The consumer's id within `scope` (a portfolio, or a parent BSUID
    /// account): the country, a period, `infix`, then 19 digits drawn from
    /// the seed, the scope and the phone.
    pub(super) fn scoped_user_id(&self, phone: &str, scope: &str, infix: &str) -> String {
        let draw = derived_u64(self.seed, &[scope.as_bytes(), phone.as_bytes()]);
        // 19 digits, never starting with 0.
        let number = 1_000_000_000_000_000_000 + draw % 9_000_000_000_000_000_000;
        format!("{}.{infix}{number}", country_of(phone))
    }

    /// The consumer blocks (or unblocks) a business number. False when either is unknown.
    pub fn set_blocked(&mut self, consumer: &str, phone_number_id: &str, blocked: bool) -> bool {
        if !self.whatsapp.phone_numbers.contains_key(phone_number_id) {
            return false;
        }
        let Some(person) = self.whatsapp.consumers.get_mut(consumer) else {
            return false;
        };
        if blocked {
            person.blocked.insert(phone_number_id.to_owned());
        } else {
            person.blocked.remove(phone_number_id);
        }
        true
    }

    /// The consumer stops (or resumes) marketing messages from the portfolio
    /// of a business number; a change is reported to the number's WABA
    /// (`user_preferences`). False when either is unknown.
    pub fn set_marketing_opt_out(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
        opt_out: bool,
    ) -> bool {
        let Some(business) = self.business_of_phone(phone_number_id) else {
            return false;
        };
        let Some(person) = self.whatsapp.consumers.get_mut(consumer) else {
            return false;
        };
        let changed = if opt_out {
            person.marketing_opt_out.insert(business.clone())
        } else {
            person.marketing_opt_out.remove(&business)
        };
        if changed {
            let preference = if opt_out {
                MarketingPreference::Stop
            } else {
                MarketingPreference::Resume
            };
            self.emit_user_preference(consumer, phone_number_id, &business, preference);
        }
        true
    }

    fn emit_user_preference(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
        business: &str,
        preference: MarketingPreference,
    ) {
        let (Some(person), Some(phone)) = (
            self.whatsapp.consumers.get(consumer),
            self.whatsapp.phone_numbers.get(phone_number_id),
        ) else {
            return;
        };
        let payload = EventPayload::WhatsappUserPreference {
            waba_id: phone.waba_id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            wa_id: self
                .phone_visible(phone_number_id, consumer)
                .then(|| consumer.to_owned()),
            user_id: self.bsuid(consumer, business),
            parent_user_id: self.parent_bsuid(consumer, business),
            profile_name: person.name.clone(),
            username: person.username.clone(),
            preference,
        };
        self.events.emit(self.clock.now(), payload);
    }

    /// WhatsApp puts the consumer in (or takes them out of) the marketing
    /// message experiment. False when the consumer is unknown.
    pub fn set_marketing_experiment(&mut self, consumer: &str, in_experiment: bool) -> bool {
        let Some(person) = self.whatsapp.consumers.get_mut(consumer) else {
            return false;
        };
        person.marketing_experiment = in_experiment;
        true
    }

    /// The business portfolio a phone number belongs to.
    pub fn business_of_phone(&self, phone_number_id: &str) -> Option<String> {
        let phone = self.whatsapp.phone_numbers.get(phone_number_id)?;
        Some(self.whatsapp.wabas.get(&phone.waba_id)?.business_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn bsuids_are_per_portfolio_and_stable() {
        let sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let a = sandbox.bsuid("15550109999", "1");
        assert_eq!(a, sandbox.bsuid("15550109999", "1"));
        assert_ne!(a, sandbox.bsuid("15550109999", "2"));
        assert!(
            a.starts_with("US.") && a[3..].bytes().all(|b| b.is_ascii_digit()),
            "{a}"
        );
        assert_eq!(a.len(), 3 + 19);
        assert!(sandbox.bsuid("447700900123", "1").starts_with("GB."));
    }

    #[test]
    fn usernames_follow_meta_rules() {
        for good in ["ana.diaz", "@pablomorales", "x_1"] {
            assert!(valid_username(good), "{good}");
        }
        for bad in ["ab", ".ana", "ana.", "a..b", "ANA", "123", "ana-diaz"] {
            assert!(!valid_username(bad), "{bad}");
        }
    }

    #[test]
    fn consumers_are_validated() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        assert!(
            sandbox
                .create_consumer("+44 7700 900123", Some("Zoe".into()), true, None)
                .is_ok()
        );
        assert!(matches!(
            sandbox.create_consumer("447700900123", None, true, None),
            Err(ConsumerError::Exists(_))
        ));
        assert!(matches!(
            sandbox.create_consumer("12", None, true, None),
            Err(ConsumerError::InvalidPhone(_))
        ));
        assert!(matches!(
            sandbox.create_consumer("447700900124", None, true, Some("A".into())),
            Err(ConsumerError::InvalidUsername(_))
        ));
    }
}
