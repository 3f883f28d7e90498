//! Graph objects of a business number whose ids are derived from it rather
//! than drawn and registered (so the ids of everything else stay as they
//! were): its business profile (`GET/POST /{profile-id}`), its bot — the
//! conversational components (`GET /{bot-id}`) — and, derived from a sent
//! message's wamid, its message history (`/{history-id}/events`).

use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;

/// What a derived id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DerivedNode {
    /// The business profile of this phone number.
    BusinessProfile(String),
    /// The bot (conversational components) of this phone number.
    Bot(String),
    /// The history of this sent message (wamid).
    MessageHistory(String),
}

/// The id of a number's business profile.
pub fn profile_id(phone_number_id: &str) -> String {
    derived_digits(&["business_profile", phone_number_id], 16)
}

/// The id of a number's bot (`conversational_automation.id`).
pub fn bot_id(phone_number_id: &str) -> String {
    derived_digits(&["bot", phone_number_id], 16)
}

impl Sandbox {
    /// What a derived id names, if it names anything.
    pub fn derived_node(&self, id: &str) -> Option<DerivedNode> {
        let phones = self.whatsapp.phone_numbers.keys();
        for phone in phones {
            if profile_id(phone) == id {
                return Some(DerivedNode::BusinessProfile(phone.clone()));
            }
            if bot_id(phone) == id {
                return Some(DerivedNode::Bot(phone.clone()));
            }
        }
        self.message_of_history(id)
            .map(|message| DerivedNode::MessageHistory(message.id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn derived_ids_name_their_objects() {
        let sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        assert_eq!(
            sandbox.derived_node(&profile_id(&phone)),
            Some(DerivedNode::BusinessProfile(phone.clone()))
        );
        assert_eq!(
            sandbox.derived_node(&bot_id(&phone)),
            Some(DerivedNode::Bot(phone.clone()))
        );
        assert_ne!(profile_id(&phone), bot_id(&phone));
        assert_eq!(sandbox.derived_node("1"), None);
    }
}
