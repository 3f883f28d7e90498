//! The identity-change check (the `user_identity_change` phone number
//! setting). Every consumer has an identity key, replaced when they register
//! WhatsApp on a new phone. A business number with the check on sees the
//! key's hash in inbound messages (`contacts[].identity_key_hash`), and a
//! message it sends with a `recipient_identity_key_hash` that is no longer
//! the consumer's fails with 137000 after it was accepted.

use base64::Engine as _;

use crate::world::events::StatusError;
use crate::world::ids::derived_u64;
use crate::world::sandbox::Sandbox;

impl Sandbox {
    /// The hash of the consumer's identity key: 8 bytes in base64, as Meta
    /// shows them, drawn from the seed, the number and its primary phone (a
    /// new phone is a new key).
    pub fn identity_key_hash(&self, consumer: &str) -> String {
        let primary = self
            .devices_of(consumer)
            .ok()
            .and_then(|account| account.primary().map(|device| device.id.clone()))
            .unwrap_or_default();
        let draw = derived_u64(
            self.seed,
            &[b"identity-key", consumer.as_bytes(), primary.as_bytes()],
        );
        base64::engine::general_purpose::STANDARD.encode(draw.to_le_bytes())
    }

    /// The consumer's identity key hash as a number with the check on sees
    /// it; nothing when the number's check is off.
    pub(crate) fn checked_identity_key_hash(
        &self,
        phone_number_id: &str,
        consumer: &str,
    ) -> Option<String> {
        self.whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|phone| phone.settings.identity_key_check)
            .then(|| self.identity_key_hash(consumer))
    }

    /// 137000 when the number checks identity and the hash the send stated
    /// is not the consumer's current one.
    pub(super) fn identity_failure(
        &self,
        phone_number_id: &str,
        consumer: &str,
        stated: Option<&str>,
    ) -> Option<StatusError> {
        let current = self.checked_identity_key_hash(phone_number_id, consumer)?;
        (stated? != current).then(|| StatusError {
            code: 137000,
            title: "Identity key hash mismatch".to_owned(),
            details: "The recipient_identity_key_hash does not match the recipient's current identity key hash: their identity changed."
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::devices::DeviceKind;
    use crate::world::whatsapp::devices::linking::NewDevice;

    #[test]
    fn a_new_phone_is_a_new_identity_key() {
        let mut sandbox =
            Sandbox::create("t", 3, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let alice = "15550109999";
        let before = sandbox.identity_key_hash(alice);
        assert_eq!(before.len(), 12);
        assert_eq!(before, sandbox.identity_key_hash(alice));
        assert_ne!(before, sandbox.identity_key_hash("15550108888"));
        let phone = NewDevice {
            kind: DeviceKind::Phone,
            name: None,
        };
        sandbox.register_new_primary(alice, phone).unwrap();
        assert_ne!(before, sandbox.identity_key_hash(alice));
    }
}
