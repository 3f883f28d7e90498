//! Pinned messages in a business's WhatsApp groups: the business pins one of
//! the group's messages for 1 to 30 days, or unpins it, by sending
//! `type: "pin"` to the group (`pin: {"type": "pin"|"unpin", "message_id",
//! "expiration_days"}`). A group keeps at most 3 pins, WhatsApp's limit per
//! chat: a fourth replaces the oldest. A pin ends on its own on the virtual
//! clock once its days are over. A pin is no content message: it needs no
//! customer-service window and is not billed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::messaging::{Direction, MessageStatus, SendRefusal};
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// How many days a pin may last (Meta's `expiration_days`).
pub const PIN_DAYS_MIN: i64 = 1;
pub const PIN_DAYS_MAX: i64 = 30;
/// How many messages a group keeps pinned.
pub const PINS_MAX: usize = 3;
const DAY_SECONDS: i64 = 24 * 3600;

/// A message pinned in a group, until `expires_at` (virtual seconds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pin {
    pub message_id: String,
    pub expires_at: i64,
}

/// What a `pin` send asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinAction {
    Pin { days: i64 },
    Unpin,
}

/// Why a pin or unpin was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum PinRefusal {
    Send(SendRefusal),
    /// `message_id` is no message of this group.
    UnknownMessage,
    /// Unpinning a message that is not pinned.
    NotPinned,
}

impl Sandbox {
    /// The business pins or unpins a message of one of its number's groups.
    /// Returns the wamid of the pin itself.
    pub fn pin_group_message(
        &mut self,
        phone_number_id: &str,
        group_id: &str,
        message_id: &str,
        action: PinAction,
    ) -> Result<String, PinRefusal> {
        self.group_send_allowed(phone_number_id, group_id)
            .map_err(PinRefusal::Send)?;
        if !self.message_of_group(group_id, message_id) {
            return Err(PinRefusal::UnknownMessage);
        }
        let now = self.clock.now();
        let Some(group) = self.whatsapp.groups.get_mut(group_id) else {
            return Err(PinRefusal::Send(SendRefusal::UnknownGroup));
        };
        group.pins.retain(|p| p.expires_at > now);
        let pinned = group.pins.iter().position(|p| p.message_id == message_id);
        match (action, pinned) {
            (PinAction::Unpin, None) => return Err(PinRefusal::NotPinned),
            (PinAction::Unpin, Some(index)) => {
                group.pins.remove(index);
            }
            (PinAction::Pin { days }, _) => {
                if let Some(index) = pinned {
                    group.pins.remove(index);
                } else if group.pins.len() >= PINS_MAX {
                    group.pins.remove(0);
                }
                group.pins.push(Pin {
                    message_id: message_id.to_owned(),
                    expires_at: now.saturating_add(days.saturating_mul(DAY_SECONDS)),
                });
            }
        }
        Ok(self.ids.wamid(group_id, false))
    }

    /// The group's pins in force now, oldest first.
    pub fn group_pins(&self, group_id: &str) -> Vec<&Pin> {
        let now = self.clock.now();
        self.whatsapp
            .groups
            .get(group_id)
            .map(|g| g.pins.iter().filter(|p| p.expires_at > now).collect())
            .unwrap_or_default()
    }

    /// Is `message_id` a message in the group: the business's (not failed)
    /// or a participant's?
    fn message_of_group(&self, group_id: &str, message_id: &str) -> bool {
        self.whatsapp
            .messaging
            .messages
            .get(message_id)
            .is_some_and(|m| match m.direction {
                Direction::Outbound => m.consumer == group_id && m.status != MessageStatus::Failed,
                Direction::Inbound => {
                    m.message.to_value().get("group_id").and_then(Value::as_str) == Some(group_id)
                }
            })
    }

    /// A restored snapshot's pins: at most 3 per group, each ending within
    /// 30 days of the sandbox's clock.
    pub(crate) fn check_group_pins(&self) -> Result<(), Invalid> {
        let latest = self.clock.now().saturating_add(PIN_DAYS_MAX * DAY_SECONDS);
        for group in self.whatsapp.groups.values() {
            if group.pins.len() > PINS_MAX {
                return Err(Invalid::new(
                    "whatsapp.groups.pins",
                    format!("group {} has more than {PINS_MAX} pins", group.id),
                ));
            }
            if group.pins.iter().any(|p| p.expires_at > latest) {
                return Err(Invalid::new(
                    "whatsapp.groups.pins.expires_at",
                    format!(
                        "a pin of group {} ends more than {PIN_DAYS_MAX} days from now",
                        group.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::groups::GroupSettings;

    #[test]
    fn a_snapshot_with_too_many_or_too_long_pins_is_refused() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let settings = GroupSettings {
            subject: Some("Ferns".into()),
            ..GroupSettings::default()
        };
        let (group_id, _) = sandbox.create_group(&phone, settings).unwrap();
        let now = sandbox.clock.now();
        let pin = |n: i64, days: i64| Pin {
            message_id: format!("wamid.{n}"),
            expires_at: now + days * DAY_SECONDS,
        };
        let group = sandbox.whatsapp.groups.get_mut(&group_id).unwrap();
        group.pins = (0..3).map(|n| pin(n, PIN_DAYS_MAX)).collect();
        assert_eq!(sandbox.check_group_pins(), Ok(()));

        let group = sandbox.whatsapp.groups.get_mut(&group_id).unwrap();
        group.pins.push(pin(3, 1));
        let refused = sandbox.check_group_pins().unwrap_err();
        assert_eq!(refused.field, "whatsapp.groups.pins");

        let group = sandbox.whatsapp.groups.get_mut(&group_id).unwrap();
        group.pins = vec![pin(0, PIN_DAYS_MAX + 1)];
        let refused = sandbox.check_group_pins().unwrap_err();
        assert_eq!(refused.field, "whatsapp.groups.pins.expires_at");
    }
}
