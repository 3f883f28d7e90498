//! The activity log of a WABA (`/{waba-id}/activities`), read off what the
//! world keeps: the account's creation, numbers added, templates created
//! through the API, users assigned. Newest first; `since`/`until` (unix
//! seconds) and `activity_type` filter it.

use serde_json::{Value, json};

use crate::world::clock::graph_time;
use crate::world::ids::derived_digits;
use crate::world::sandbox::Sandbox;

/// One entry of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: String,
    pub activity_type: &'static str,
    pub timestamp: i64,
    pub actor_type: &'static str,
    pub details: Value,
}

impl Activity {
    fn new(
        activity_type: &'static str,
        subject: &str,
        timestamp: i64,
        actor_type: &'static str,
        details: Value,
    ) -> Self {
        Self {
            id: derived_digits(&["activity", activity_type, subject], 16),
            activity_type,
            timestamp,
            actor_type,
            details,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "activity_type": self.activity_type,
            "timestamp": graph_time(self.timestamp),
            "actor_type": self.actor_type,
            "details": self.details,
        })
    }
}

impl Sandbox {
    /// The WABA's activities, newest first (ties in a stable order).
    pub fn waba_activities(&self, waba_id: &str) -> Vec<Activity> {
        let whatsapp = &self.whatsapp;
        let Some(waba) = whatsapp.wabas.get(waba_id) else {
            return Vec::new();
        };
        let mut log = vec![Activity::new(
            "ACCOUNT_CREATED",
            waba_id,
            waba.creation_time,
            "SYSTEM",
            json!({ "name": waba.name }),
        )];
        for phone in whatsapp
            .phone_numbers
            .values()
            .filter(|p| p.waba_id == waba_id)
        {
            if let Some(at) = whatsapp.added_at.get(&phone.id) {
                let details = json!({ "phone_number_id": phone.id, "display_phone_number": phone.display_phone_number });
                log.push(Activity::new(
                    "PHONE_NUMBER_ADDED",
                    &phone.id,
                    *at,
                    "API",
                    details,
                ));
            }
        }
        for template in whatsapp
            .templates
            .values()
            .filter(|t| t.waba_id == waba_id && t.created_at > 0)
        {
            let details = json!({ "template_id": template.id, "name": template.name, "language": template.language });
            log.push(Activity::new(
                "TEMPLATE_CREATED",
                &template.id,
                template.created_at,
                "API",
                details,
            ));
        }
        for (user, assignment) in self.assigned_users(waba_id) {
            let details = json!({ "user_id": user, "tasks": assignment.tasks });
            log.push(Activity::new(
                "USER_ADDED",
                user,
                assignment.assigned_at,
                "USER",
                details,
            ));
        }
        log.sort_by(|a, b| b.timestamp.cmp(&a.timestamp).then_with(|| a.id.cmp(&b.id)));
        log
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;

    #[test]
    fn the_log_follows_the_world() {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let types: Vec<&str> = sandbox
            .waba_activities(&waba)
            .iter()
            .map(|a| a.activity_type)
            .collect();
        assert_eq!(types.len(), 2);
        assert!(types.contains(&"ACCOUNT_CREATED") && types.contains(&"PHONE_NUMBER_ADDED"));
        sandbox.clock.advance(60);
        let user = sandbox.handles["system_user"].clone();
        sandbox
            .assign_user(&waba, &user, vec!["MANAGE".into()])
            .unwrap();
        assert_eq!(
            sandbox.waba_activities(&waba)[0].activity_type,
            "USER_ADDED"
        );
    }
}
