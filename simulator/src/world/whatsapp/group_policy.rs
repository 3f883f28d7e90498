//! What WhatsApp itself decides about a business's groups, which Meta has
//! no API for: suspending a group that breaks its policies and lifting the
//! suspension (each reported by Meta's `group_status_update` webhook,
//! `group_suspend` / `group_suspend_cleared`). Nothing is sent in a
//! suspended group: the business's sends are refused (131207) and its
//! participants cannot write.

use serde_json::json;

use super::groups::ConsumerGroupError;
use crate::world::sandbox::Sandbox;

impl Sandbox {
    /// WhatsApp suspends the group (`true`) or lifts its suspension.
    pub fn set_group_suspension(
        &mut self,
        group_id: &str,
        suspended: bool,
    ) -> Result<(), ConsumerGroupError> {
        let group = self.whatsapp.groups.get_mut(group_id).ok_or_else(|| {
            ConsumerGroupError::Unknown(format!("No WhatsApp group {group_id:?}"))
        })?;
        if group.suspended == suspended {
            return Err(ConsumerGroupError::Refused(if suspended {
                "The group is suspended already".to_owned()
            } else {
                "The group is not suspended".to_owned()
            }));
        }
        group.suspended = suspended;
        let group = group.clone();
        let kind = if suspended {
            "group_suspend"
        } else {
            "group_suspend_cleared"
        };
        self.group_event(&group, "group_status_update", json!({ "type": kind }));
        Ok(())
    }

    /// Is the group suspended by WhatsApp?
    pub fn group_suspended(&self, group_id: &str) -> bool {
        self.whatsapp
            .groups
            .get(group_id)
            .is_some_and(|g| g.suspended)
    }
}

#[cfg(test)]
mod tests {
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::{Sandbox, SandboxOptions};
    use crate::world::whatsapp::groups::GroupSettings;

    #[test]
    fn a_suspension_is_set_once_and_lifted_once() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let settings = GroupSettings {
            subject: Some("Ferns".into()),
            ..GroupSettings::default()
        };
        let (group, _) = sandbox.create_group(&phone, settings).unwrap();
        assert!(sandbox.set_group_suspension(&group, false).is_err());
        assert!(sandbox.set_group_suspension(&group, true).is_ok());
        assert!(sandbox.group_suspended(&group));
        assert!(sandbox.set_group_suspension(&group, true).is_err());
        assert!(sandbox.set_group_suspension(&group, false).is_ok());
        assert!(!sandbox.group_suspended(&group));
        assert!(sandbox.set_group_suspension("nope", true).is_err());
    }
}
