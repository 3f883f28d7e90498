//! What WhatsApp itself decides about a business's groups, which Meta has
//! no API for: which numbers may use the Groups API at all, and suspending
//! a group that breaks its policies and lifting the suspension (each
//! reported by Meta's `group_status_update` webhook, `group_suspend` /
//! `group_suspend_cleared`). Nothing is sent in a suspended group: the
//! business's sends are refused (131207) and its participants cannot write.
//!
//! Eligibility, as Meta documents it: a number on the Cloud API that is an
//! Official Business Account, never a number shared with the WhatsApp
//! Business app (coexistence). Meta also admitted businesses early through
//! an allowlist; the allowlist is the fixture's `groups_allowlisted` and
//! the control plane's to set (the demo number is on it).

use std::collections::BTreeSet;

use serde_json::json;

use super::groups::ConsumerGroupError;
use crate::world::sandbox::Sandbox;

/// Phone number ids on Meta's Groups API allowlist.
pub type GroupsAllowlist = BTreeSet<String>;

/// Why a number may not use the Groups API (131215).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// Not an Official Business Account, nor on the allowlist.
    NotOfficial,
    /// A WhatsApp Business app number on the Cloud API (coexistence).
    Coexistence,
}

impl Sandbox {
    /// May this number use the Groups API?
    pub fn groups_eligibility(&self, phone_number_id: &str) -> Result<(), Ineligible> {
        if self.is_on_biz_app(phone_number_id) {
            return Err(Ineligible::Coexistence);
        }
        let official = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .is_some_and(|p| p.is_official_business_account);
        if official || self.whatsapp.groups_allowlist.contains(phone_number_id) {
            Ok(())
        } else {
            Err(Ineligible::NotOfficial)
        }
    }

    /// Put the number on Meta's Groups API allowlist (`true`) or take it
    /// off. False when there is no such number.
    pub fn set_groups_allowlisted(&mut self, phone_number_id: &str, allowlisted: bool) -> bool {
        if !self.whatsapp.phone_numbers.contains_key(phone_number_id) {
            return false;
        }
        if allowlisted {
            self.whatsapp
                .groups_allowlist
                .insert(phone_number_id.to_owned());
        } else {
            self.whatsapp.groups_allowlist.remove(phone_number_id);
        }
        true
    }

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
    use super::Ineligible;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::{Sandbox, SandboxOptions};
    use crate::world::whatsapp::groups::GroupSettings;

    fn demo() -> Sandbox {
        Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap()
    }

    /// Meta's review approved the number's OBA application.
    fn make_official(sandbox: &mut Sandbox, phone: &str) {
        if let Some(number) = sandbox.whatsapp.phone_numbers.get_mut(phone) {
            number.is_official_business_account = true;
        }
    }

    #[test]
    fn official_or_allowlisted_numbers_use_groups() {
        let mut sandbox = demo();
        let phone = sandbox.handles["phone_number"].clone();
        assert_eq!(
            sandbox.groups_eligibility(&phone),
            Ok(()),
            "the demo is listed"
        );
        assert!(sandbox.set_groups_allowlisted(&phone, false));
        assert_eq!(
            sandbox.groups_eligibility(&phone),
            Err(Ineligible::NotOfficial)
        );
        make_official(&mut sandbox, &phone);
        assert_eq!(sandbox.groups_eligibility(&phone), Ok(()));
        assert!(!sandbox.set_groups_allowlisted("nope", true));
    }

    #[test]
    fn a_number_shared_with_the_business_app_never_uses_groups() {
        let mut sandbox = demo();
        let digits = sandbox
            .create_business_app_number("+1 555 010 7777", "Shrub Stand")
            .unwrap();
        let waba = sandbox.handles["waba"].clone();
        sandbox
            .onboard_business_app_number(&digits, &waba, false)
            .unwrap();
        let phone = sandbox.app_phone_number_id(&digits).unwrap().to_owned();
        assert!(sandbox.set_groups_allowlisted(&phone, true));
        make_official(&mut sandbox, &phone);
        assert_eq!(
            sandbox.groups_eligibility(&phone),
            Err(Ineligible::Coexistence)
        );
    }

    #[test]
    fn a_suspension_is_set_once_and_lifted_once() {
        let mut sandbox = demo();
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
