//! Business usernames: the one optional, unique `@name` a business phone
//! number can adopt, shown to WhatsApp users beside (never instead of) its
//! number. Set with `POST /{phone-number-id}/username` (or the `username`
//! parameter of `POST /{phone-number-id}`), read on the number's `username`
//! field and edge, removed with `DELETE`. Names follow Meta's format, compare
//! case-insensitively, and belong to one number at a time: another number
//! of the same business portfolio takes one over only with
//! `transfer_action=force_transfer`. Each change reaches the WABA's
//! `business_username_update` webhook (`approved`, or `deleted` for the
//! number that lost its name). Not the consumers' usernames (those are in
//! `consumers.rs`).

use std::collections::BTreeMap;

use serde_json::json;

use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::subscriptions::WebhookObject;

/// Phone number id -> its username, as the business wrote it.
pub type BusinessUsernames = BTreeMap<String, String>;

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 35;

/// Endings Meta refuses because they read as web addresses.
const DOMAIN_SUFFIXES: &[&str] = &[
    ".com", ".org", ".net", ".edu", ".gov", ".mil", ".us", ".in", ".html",
];

/// Why a username was not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsernameRefusal {
    /// Meta's 100 `Param Invalid`: the reason, for `error_user_msg`.
    Format(&'static str),
    /// 133010: the number is not registered with the Cloud API.
    NotRegistered,
    /// 147001: a number of another business portfolio holds it.
    Unavailable,
    /// 147005: another number of the same portfolio holds it.
    HeldInPortfolio,
}

/// Meta's format rules for a username (a business's, and a consumer's
/// too), or the first one `name` breaks.
pub fn check_format(name: &str) -> Result<(), &'static str> {
    let length = name.chars().count();
    let lower = name.to_ascii_lowercase();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&length) {
        Err("A username has 3 to 35 characters")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    {
        Err("A username has only letters, digits, periods and underscores")
    } else if !name.chars().any(|c| c.is_ascii_alphabetic()) {
        Err("A username has at least one letter")
    } else if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        Err("A username neither starts nor ends with a period, nor has two in a row")
    } else if lower.starts_with("www") {
        Err("A username does not start with www")
    } else if DOMAIN_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        Err("A username does not end with a domain suffix such as .com")
    } else {
        Ok(())
    }
}

impl Sandbox {
    /// The number's username, if it has one.
    pub fn business_username(&self, phone_number_id: &str) -> Option<&String> {
        self.whatsapp.business_usernames.get(phone_number_id)
    }

    /// Give the number `name`, taking it from another number of the same
    /// portfolio when `force_transfer`. Setting the name it has is a no-op.
    pub fn set_business_username(
        &mut self,
        phone_number_id: &str,
        name: &str,
        force_transfer: bool,
    ) -> Result<(), UsernameRefusal> {
        check_format(name).map_err(UsernameRefusal::Format)?;
        if !self.phone_is_registered(phone_number_id) {
            return Err(UsernameRefusal::NotRegistered);
        }
        let holder = self
            .whatsapp
            .business_usernames
            .iter()
            .find(|(id, held)| *id != phone_number_id && held.eq_ignore_ascii_case(name))
            .map(|(id, _)| id.clone());
        if let Some(holder) = holder {
            if self.business_of_phone(&holder) != self.business_of_phone(phone_number_id) {
                return Err(UsernameRefusal::Unavailable);
            }
            if !force_transfer {
                return Err(UsernameRefusal::HeldInPortfolio);
            }
            self.remove_business_username(&holder);
        }
        let previous = self
            .whatsapp
            .business_usernames
            .insert(phone_number_id.to_owned(), name.to_owned());
        if previous.as_deref() != Some(name) {
            self.username_update(phone_number_id, Some(name));
        }
        Ok(())
    }

    /// Drop the number's username; whether it had one.
    pub fn remove_business_username(&mut self, phone_number_id: &str) -> bool {
        let had = self
            .whatsapp
            .business_usernames
            .remove(phone_number_id)
            .is_some();
        if had {
            self.username_update(phone_number_id, None);
        }
        had
    }

    /// Names the number could adopt, from its verified name's words
    /// (joined, by a period, by an underscore): those in Meta's format that
    /// no other number holds.
    pub fn username_suggestions(&self, phone_number_id: &str) -> Vec<String> {
        let Some(phone) = self.whatsapp.phone_numbers.get(phone_number_id) else {
            return Vec::new();
        };
        let words: Vec<String> = phone
            .verified_name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let mut suggestions: Vec<String> = Vec::new();
        for joint in ["", ".", "_"] {
            let name = words.join(joint);
            let taken = self
                .whatsapp
                .business_usernames
                .iter()
                .any(|(id, held)| id != phone_number_id && held.eq_ignore_ascii_case(&name));
            if check_format(&name).is_ok() && !taken && !suggestions.contains(&name) {
                suggestions.push(name);
            }
        }
        suggestions
    }

    /// The `business_username_update` webhook of the number's WABA:
    /// `approved` with the name, or `deleted` without one.
    fn username_update(&mut self, phone_number_id: &str, name: Option<&str>) {
        let Some(phone) = self.whatsapp.phone_numbers.get(phone_number_id) else {
            return;
        };
        let mut value = json!({ "display_phone_number": phone.digits });
        match name {
            Some(name) => {
                value["username"] = json!(name);
                value["status"] = json!("approved");
            }
            None => value["status"] = json!("deleted"),
        }
        let payload = EventPayload::AccountChange {
            object: WebhookObject::WhatsappBusinessAccount,
            account_id: phone.waba_id.clone(),
            field: "business_username_update".to_owned(),
            value,
        };
        let now = self.clock.now();
        self.events.emit(now, payload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_rules() {
        for good in ["luckyshrub", "lucky.shrub", "Lucky_Shrub2", "abc", "a23"] {
            assert_eq!(check_format(good), Ok(()), "{good}");
        }
        let long = "a".repeat(36);
        for bad in [
            "ab",
            &long,
            "lucky shrub",
            "lucky-shrub",
            "123",
            "_1.2",
            ".lucky",
            "lucky.",
            "lucky..shrub",
            "wwwshrub",
            "WWW.shrub",
            "shrub.com",
            "shrub.IN",
            "ünïcode",
        ] {
            assert!(check_format(bad).is_err(), "{bad}");
        }
    }
}
