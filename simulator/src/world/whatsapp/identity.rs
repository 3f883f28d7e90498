//! Who may see a consumer's phone number (2026 rules for business-scoped user
//! ids): a consumer without a username always shows it; one with a username
//! shows it only to a business number that exchanged a message with that phone
//! in the last 30 days, or to a portfolio whose Meta contact book holds it.
//! Also the contact book itself, sharing a number through a contact request,
//! and a consumer changing number (new BSUIDs, a `user_changed_number` system
//! message).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::consumers::ConsumerError;
use super::messaging::InboundRefusal;
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;

/// How long an exchange with a phone number keeps it visible to a business number.
pub const VISIBILITY_SECONDS: i64 = 30 * 24 * 3600;

/// A portfolio's Meta contact book: on by default; switching it off empties it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ContactBook {
    pub enabled: bool,
    /// Phone digits whose BSUID pairing is stored.
    pub phones: BTreeSet<String>,
}

impl Default for ContactBook {
    fn default() -> Self {
        Self {
            enabled: true,
            phones: BTreeSet::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct IdentityState {
    /// `{phone_number_id}/{consumer}` -> last message exchanged, either way.
    exchanges: BTreeMap<String, i64>,
    /// business id -> contact book.
    pub contact_books: BTreeMap<String, ContactBook>,
}

impl IdentityState {
    /// A business portfolio's contact book (on, and empty, until changed).
    pub fn book_mut(&mut self, business_id: String) -> &mut ContactBook {
        self.contact_books.entry(business_id).or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactBookError {
    /// The BSUID is not one of this portfolio's.
    UnknownUserId,
    /// A parent BSUID: Meta takes only the portfolio's own BSUIDs.
    ParentUserId,
    BookDisabled,
}

fn key(phone_number_id: &str, consumer: &str) -> String {
    format!("{phone_number_id}/{consumer}")
}

impl Sandbox {
    /// May this business number see the consumer's phone number right now?
    pub fn phone_visible(&self, phone_number_id: &str, consumer: &str) -> bool {
        let Some(person) = self.whatsapp.consumers.get(consumer) else {
            return true;
        };
        if person.username.is_none() {
            return true;
        }
        let now = self.clock.now();
        let recent = self
            .whatsapp
            .identity
            .exchanges
            .get(&key(phone_number_id, consumer))
            .is_some_and(|at| now.saturating_sub(*at) < VISIBILITY_SECONDS);
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        let in_book = self
            .whatsapp
            .identity
            .contact_books
            .get(&business)
            .is_none_or(|book| book.enabled)
            && self
                .whatsapp
                .identity
                .contact_books
                .get(&business)
                .is_some_and(|book| book.phones.contains(consumer));
        recent || in_book
    }

    /// A message went between the number and the consumer's phone: it counts
    /// for 30 days, and the portfolio's contact book (if on) stores the pair.
    pub fn record_exchange(&mut self, phone_number_id: &str, consumer: &str) {
        let now = self.clock.now();
        self.whatsapp
            .identity
            .exchanges
            .insert(key(phone_number_id, consumer), now);
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        let book = self.whatsapp.identity.book_mut(business);
        if book.enabled {
            book.phones.insert(consumer.to_owned());
        }
    }

    /// Switch a portfolio's contact book on or off (off deletes its entries).
    pub fn set_contact_book(&mut self, business_id: &str, enabled: bool) -> bool {
        if !self.accounts.businesses.contains_key(business_id) {
            return false;
        }
        let book = self
            .whatsapp
            .identity
            .contact_books
            .entry(business_id.to_owned())
            .or_default();
        book.enabled = enabled;
        if !enabled {
            book.phones.clear();
        }
        true
    }

    /// `DELETE /{phone-number-id}/contact_book?bsuid=…`: whether an entry was deleted.
    pub fn delete_contact(
        &mut self,
        phone_number_id: &str,
        bsuid: &str,
    ) -> Result<bool, ContactBookError> {
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        let Some(phone) = self
            .consumer_named_by(phone_number_id, bsuid, false)
            .map(str::to_owned)
        else {
            return Err(match self.consumer_named_by(phone_number_id, bsuid, true) {
                Some(_) => ContactBookError::ParentUserId,
                None => ContactBookError::UnknownUserId,
            });
        };
        let book = self.whatsapp.identity.book_mut(business);
        if !book.enabled {
            return Err(ContactBookError::BookDisabled);
        }
        Ok(book.phones.remove(&phone))
    }

    /// The consumer taps "share" on a contact request: an inbound `contacts`
    /// message with `origin: contact_request`, and the pair in the contact book.
    pub fn share_phone(
        &mut self,
        consumer: &str,
        phone_number_id: &str,
    ) -> Result<String, InboundRefusal> {
        let person = self
            .whatsapp
            .consumers
            .get(consumer)
            .ok_or(InboundRefusal::UnknownConsumer)?
            .clone();
        let name = person
            .name
            .clone()
            .unwrap_or_else(|| format!("+{consumer}"));
        let message = json!({ "type": "contacts", "contacts": [{
            "origin": "contact_request",
            "name": { "formatted_name": name, "first_name": name },
            "phones": [{ "phone": format!("+{consumer}"), "wa_id": consumer, "type": "CELL" }],
        }]});
        let id = self.receive_message(consumer, phone_number_id, message)?;
        let business = self.business_of_phone(phone_number_id).unwrap_or_default();
        self.whatsapp
            .identity
            .book_mut(business)
            .phones
            .insert(consumer.to_owned());
        Ok(id)
    }

    /// The consumer moves to a new phone number: new BSUIDs everywhere, and a
    /// `user_changed_number` system message to every business number they
    /// exchanged messages with.
    pub fn change_number(&mut self, old: &str, new: &str) -> Result<(), ConsumerError> {
        if self.whatsapp.consumers.contains_key(new) {
            return Err(ConsumerError::Exists(new.to_owned()));
        }
        if !(8..=15).contains(&new.len()) || !new.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConsumerError::InvalidPhone(new.to_owned()));
        }
        let mut person = self
            .whatsapp
            .consumers
            .remove(old)
            .ok_or_else(|| ConsumerError::InvalidPhone(old.to_owned()))?;
        person.phone = new.to_owned();
        self.whatsapp
            .consumers
            .insert(new.to_owned(), person.clone());
        self.move_devices_to_new_number(old, new);
        let talked_to: Vec<String> = self
            .whatsapp
            .identity
            .exchanges
            .keys()
            .filter_map(|k| k.strip_suffix(&format!("/{old}")).map(str::to_owned))
            .collect();
        let now = self.clock.now();
        for phone_number_id in talked_to {
            let Some(waba_id) = self
                .whatsapp
                .phone_numbers
                .get(&phone_number_id)
                .map(|p| p.waba_id.clone())
            else {
                continue;
            };
            let business = self.business_of_phone(&phone_number_id).unwrap_or_default();
            let (previous, current) = (self.bsuid(old, &business), self.bsuid(new, &business));
            let visible = self.phone_visible(&phone_number_id, new) || person.username.is_none();
            let name = person.name.clone().unwrap_or_else(|| "A user".to_owned());
            let mut system = json!({
                "body": format!("User {name} changed from +{old} to +{new}"),
                "type": "user_changed_number",
                "user_id": current,
                "previous_user_id": previous,
            });
            if visible {
                system["wa_id"] = json!(new);
            }
            let message_id = self.ids.wamid(new, true);
            self.events.emit(
                now,
                EventPayload::WhatsappInbound {
                    waba_id,
                    phone_number_id,
                    message_id,
                    from: visible.then(|| old.to_owned()),
                    from_user_id: previous,
                    from_parent_user_id: self.parent_bsuid(old, &business),
                    profile_name: None,
                    username: None,
                    identity_key_hash: None,
                    message: json!({ "type": "system", "system": system }),
                },
            );
        }
        Ok(())
    }
}
