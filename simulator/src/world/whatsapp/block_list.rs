//! The users a business number blocks (`/{phone-number-id}/block_users`).
//! A blocked user cannot message the number, and what the number sends them
//! fails (131026). Only a user who messaged the number in the last 24 hours
//! may be blocked (131047 otherwise, also for a number that is no WhatsApp
//! user); the number itself cannot be (131021); a list holds at most 64,000
//! users (139101) and one request names at most 1,000 (130429).

use std::collections::{BTreeMap, BTreeSet};

use crate::world::sandbox::Sandbox;

/// The most users one number may block.
pub const BLOCK_LIST_MAX: usize = 64_000;
/// The most users one request may name.
pub const BLOCK_REQUEST_MAX: usize = 1_000;

/// phone number id -> the consumers (digits) it blocked.
pub type BlockLists = BTreeMap<String, BTreeSet<String>>;

/// Why one user could not be blocked: Meta's code, message and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockFailure {
    pub code: i64,
    pub message: &'static str,
    pub details: &'static str,
}

impl Sandbox {
    /// Whether the number blocked this consumer.
    pub fn business_blocked(&self, phone_number_id: &str, consumer: &str) -> bool {
        self.whatsapp
            .block_lists
            .get(phone_number_id)
            .is_some_and(|list| list.contains(consumer))
    }

    /// Block one user (digits already resolved from the request's `user`).
    pub fn block_user(&mut self, phone_number_id: &str, digits: &str) -> Result<(), BlockFailure> {
        let own = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.digits == digits);
        if own {
            return Err(BlockFailure {
                code: 131021,
                message: "Self Block",
                details: "Failed to block self phone number.",
            });
        }
        if !self.window_open(phone_number_id, digits) {
            return Err(BlockFailure {
                code: 131047,
                message: "Re-engagement required",
                details: "User has not messaged in the last 24 hours",
            });
        }
        let list = self
            .whatsapp
            .block_lists
            .entry(phone_number_id.to_owned())
            .or_default();
        if !list.contains(digits) && list.len() >= BLOCK_LIST_MAX {
            return Err(BlockFailure {
                code: 139101,
                message: "Blocklist limit reached",
                details: "The blocklist has reached its 64,000 user limit.",
            });
        }
        list.insert(digits.to_owned());
        Ok(())
    }

    /// Unblock one user (unblocking one who is not blocked changes nothing).
    pub fn unblock_user(&mut self, phone_number_id: &str, digits: &str) {
        if let Some(list) = self.whatsapp.block_lists.get_mut(phone_number_id) {
            list.remove(digits);
            if list.is_empty() {
                self.whatsapp.block_lists.remove(phone_number_id);
            }
        }
    }

    /// The number's blocked users, in digit order.
    pub fn blocked_users(&self, phone_number_id: &str) -> Vec<String> {
        self.whatsapp
            .block_lists
            .get(phone_number_id)
            .map(|list| list.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use serde_json::json;

    #[test]
    fn only_recent_correspondents_are_blocked_and_they_cannot_write() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let alice = "15550109999";
        assert_eq!(sandbox.block_user(&phone, alice).unwrap_err().code, 131047);
        assert_eq!(
            sandbox.block_user(&phone, "15550100001").unwrap_err().code,
            131021
        );
        let hello = json!({ "type": "text", "text": { "body": "Hi" } });
        sandbox
            .receive_message(alice, &phone, hello.clone())
            .unwrap();
        sandbox.block_user(&phone, alice).unwrap();
        assert!(sandbox.business_blocked(&phone, alice));
        assert!(sandbox.receive_message(alice, &phone, hello).is_err());
        assert_eq!(sandbox.blocked_users(&phone), [alice]);
        sandbox.unblock_user(&phone, alice);
        assert!(sandbox.blocked_users(&phone).is_empty());
    }
}
