//! People and system users assigned to a WABA with tasks
//! (`/{waba-id}/assigned_users`, `/{user-id}/assigned_whatsapp_business_accounts`):
//! only users of the WABA's business portfolio (its system users and its
//! owner) may be assigned, with Meta's tasks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// The tasks Meta lets a WABA user have.
pub const TASKS: [&str; 15] = [
    "MANAGE",
    "DEVELOP",
    "MANAGE_TEMPLATES",
    "MANAGE_PHONE",
    "VIEW_COST",
    "MANAGE_EXTENSIONS",
    "VIEW_PHONE_ASSETS",
    "MANAGE_PHONE_ASSETS",
    "VIEW_TEMPLATES",
    "VIEW_INSIGHTS",
    "RECEIVE_INCOMING_MESSAGES",
    "MANAGE_BILLING",
    "MANAGE_USERS",
    "MESSAGING",
    "FULL_CONTROL",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Assignment {
    pub tasks: Vec<String>,
    pub assigned_at: i64,
}

/// WABA id -> user id -> assignment.
pub type Assignments = BTreeMap<String, BTreeMap<String, Assignment>>;

impl Sandbox {
    /// Whether `user_id` is a person or system user of the WABA's portfolio.
    fn portfolio_user(&self, waba_id: &str, user_id: &str) -> bool {
        let Some(business) = self.whatsapp.wabas.get(waba_id).map(|w| &w.business_id) else {
            return false;
        };
        let system_user = self
            .accounts
            .system_users
            .get(user_id)
            .is_some_and(|u| &u.business_id == business);
        let owner = self
            .accounts
            .businesses
            .get(business)
            .is_some_and(|b| b.owner_user_id.as_deref() == Some(user_id));
        system_user || owner
    }

    /// Assign (or re-assign) a user with tasks.
    pub fn assign_user(
        &mut self,
        waba_id: &str,
        user_id: &str,
        tasks: Vec<String>,
    ) -> Result<(), Invalid> {
        if !self.portfolio_user(waba_id, user_id) {
            return Err(Invalid::new(
                "user",
                format!(
                    "User {user_id} is not a person or system user of this WhatsApp Business Account's business portfolio"
                ),
            ));
        }
        if tasks.is_empty() || tasks.len() > 16 {
            return Err(Invalid::new("tasks", "Param tasks must list 1 to 16 tasks"));
        }
        if let Some(task) = tasks.iter().find(|t| !TASKS.contains(&t.as_str())) {
            return Err(Invalid::new(
                "tasks",
                format!("Param tasks must be WhatsApp Business Account tasks - got \"{task}\"."),
            ));
        }
        let now = self.clock.now();
        self.whatsapp
            .assignments
            .entry(waba_id.to_owned())
            .or_default()
            .insert(
                user_id.to_owned(),
                Assignment {
                    tasks,
                    assigned_at: now,
                },
            );
        Ok(())
    }

    /// Remove a user's assignment (false when there was none).
    pub fn unassign_user(&mut self, waba_id: &str, user_id: &str) -> bool {
        let removed = self
            .whatsapp
            .assignments
            .get_mut(waba_id)
            .is_some_and(|users| users.remove(user_id).is_some());
        if self
            .whatsapp
            .assignments
            .get(waba_id)
            .is_some_and(BTreeMap::is_empty)
        {
            self.whatsapp.assignments.remove(waba_id);
        }
        removed
    }

    /// The WABA's assigned users, by id.
    pub fn assigned_users(&self, waba_id: &str) -> Vec<(&String, &Assignment)> {
        self.whatsapp
            .assignments
            .get(waba_id)
            .map(|users| users.iter().collect())
            .unwrap_or_default()
    }

    /// The WABAs a user is assigned to, by id.
    pub fn assigned_wabas(&self, user_id: &str) -> Vec<(&String, &Assignment)> {
        self.whatsapp
            .assignments
            .iter()
            .filter_map(|(waba, users)| users.get(user_id).map(|a| (waba, a)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn portfolio_users_are_assigned_with_tasks() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let system_user = sandbox.handles["system_user"].clone();
        let page = sandbox.handles["page"].clone();
        sandbox
            .assign_user(&waba, &system_user, vec!["MANAGE".into()])
            .unwrap();
        assert_eq!(sandbox.assigned_wabas(&system_user).len(), 1);
        assert_eq!(
            sandbox
                .assign_user(&waba, &page, vec!["MANAGE".into()])
                .unwrap_err()
                .field,
            "user"
        );
        assert_eq!(
            sandbox
                .assign_user(&waba, &system_user, vec!["NAP".into()])
                .unwrap_err()
                .field,
            "tasks"
        );
        assert!(sandbox.unassign_user(&waba, &system_user));
        assert!(!sandbox.unassign_user(&waba, &system_user));
        assert!(sandbox.whatsapp.assignments.is_empty());
    }
}
