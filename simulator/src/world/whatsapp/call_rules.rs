//! What an ended call does to the user's call permission (Meta's "Obtain
//! user call permissions"):
//!
//! - **Callback permission.** With `callback_permission_status` enabled on
//!   the number, a user who calls it (answered or missed) grants it a
//!   temporary permission (7 days): the business receives a
//!   `call_permission_reply` `accept` with `response_source: automatic` and
//!   the call's id as `context.id`. A permanent permission stays as it is.
//! - **Unanswered calls.** 4 business-initiated calls in a row that the
//!   user does not answer (rejected, or ringing out, or ended before being
//!   answered) revoke an approved permission: a `call_permission_reply`
//!   `reject` with `response_source: automatic` and no `context`. A
//!   connected call, or a new permission, starts the count again. (Meta
//!   also shows the user a prompt after 2 such calls; it reaches no API.)

use super::calls::{Call, CallDirection, Grant, PermissionReply};
use crate::world::sandbox::Sandbox;

/// Unanswered business-initiated calls in a row that revoke a permission.
pub const UNANSWERED_CALLS_REVOKE: u8 = 4;

impl Sandbox {
    /// The permission rules that follow the end of `call`.
    pub(super) fn apply_call_rules(&mut self, call: &Call) {
        match call.direction {
            CallDirection::UserInitiated => self.grant_callback_permission(call),
            CallDirection::BusinessInitiated if call.connected_at.is_none() => {
                self.count_unanswered_call(call);
            }
            CallDirection::BusinessInitiated => {}
        }
    }

    fn grant_callback_permission(&mut self, call: &Call) {
        let (phone, consumer) = (call.phone_number_id.as_str(), call.consumer.as_str());
        let enabled = self
            .whatsapp
            .phone_numbers
            .get(phone)
            .is_some_and(|p| p.settings.callback_permission);
        let permanent = self
            .pair_mut(phone, consumer)
            .grant
            .as_ref()
            .is_some_and(|g| g.permanent);
        if enabled && !permanent {
            let reply = PermissionReply {
                accept: true,
                permanent: false,
                automatic: true,
                context: Some(call.id.clone()),
            };
            if self
                .deliver_permission_reply(consumer, phone, reply)
                .is_ok()
            {
                let now = self.clock.now();
                let pair = self.pair_mut(phone, consumer);
                pair.grant = Some(Grant {
                    permanent: false,
                    granted_at: now,
                });
                pair.unanswered = 0;
            }
        }
        self.tidy_pair(phone, consumer);
    }

    fn count_unanswered_call(&mut self, call: &Call) {
        let (phone, consumer) = (call.phone_number_id.as_str(), call.consumer.as_str());
        let pair = self.pair_mut(phone, consumer);
        pair.unanswered = pair.unanswered.saturating_add(1);
        if pair.unanswered >= UNANSWERED_CALLS_REVOKE && pair.grant.is_some() {
            pair.grant = None;
            pair.unanswered = 0;
            let reply = PermissionReply {
                accept: false,
                permanent: false,
                automatic: true,
                context: None,
            };
            // The permission is gone even when the user cannot message the
            // business (the reply is then not delivered).
            let _ = self.deliver_permission_reply(consumer, phone, reply);
        }
        let pair = self.pair_mut(phone, consumer);
        pair.unanswered = pair.unanswered.min(UNANSWERED_CALLS_REVOKE);
        self.tidy_pair(phone, consumer);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::world::events::EventPayload;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::call_media::audio_offer;
    use crate::world::whatsapp::calls::RING_SECONDS;

    const ALICE: &str = "15550109999";

    fn sandbox(callback: bool) -> (Sandbox, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let phone = sandbox.handles["phone_number"].clone();
        let calling = json!({"status": "enabled",
            "callback_permission_status": if callback { "ENABLED" } else { "DISABLED" }});
        sandbox
            .update_phone_settings(&phone, "calling", &calling, "app")
            .unwrap();
        (sandbox, phone)
    }

    fn last_reply(sandbox: &Sandbox) -> serde_json::Value {
        sandbox
            .events
            .all()
            .iter()
            .rev()
            .find_map(|event| match &event.payload {
                EventPayload::WhatsappInbound { message, .. } => {
                    Some(message["interactive"]["call_permission_reply"].clone())
                }
                _ => None,
            })
            .expect("a permission reply")
    }

    #[test]
    fn a_missed_user_call_grants_a_callback_permission_when_enabled() {
        let (mut off, phone) = sandbox(false);
        off.consumer_calls(ALICE, &phone, false).unwrap();
        off.clock.advance(RING_SECONDS);
        off.run_due_calls();
        assert_eq!(
            off.call_permission(&phone, ALICE).unwrap().status,
            "no_permission"
        );

        let (mut on, phone) = sandbox(true);
        on.consumer_calls(ALICE, &phone, false).unwrap();
        on.clock.advance(RING_SECONDS);
        on.run_due_calls();
        assert_eq!(
            on.call_permission(&phone, ALICE).unwrap().status,
            "temporary"
        );
        let reply = last_reply(&on);
        assert_eq!(reply["response_source"], "automatic");
        assert_eq!(reply["response"], "accept");
    }

    #[test]
    fn four_unanswered_business_calls_revoke_the_permission() {
        let (mut sandbox, phone) = sandbox(false);
        sandbox.call_permission_requested(&phone, ALICE, "wamid.request");
        sandbox
            .reply_to_call_permission(ALICE, &phone, true, true)
            .unwrap()
            .unwrap();
        for _ in 0..3 {
            let id = sandbox
                .business_calls(&phone, ALICE, None, &audio_offer())
                .unwrap();
            sandbox.consumer_answers(ALICE, &id, false).unwrap();
        }
        // A connected call starts the count again.
        let id = sandbox
            .business_calls(&phone, ALICE, None, &audio_offer())
            .unwrap();
        sandbox.consumer_answers(ALICE, &id, true).unwrap();
        sandbox.consumer_hangs_up(ALICE, &id).unwrap();
        for _ in 0..3 {
            sandbox
                .business_calls(&phone, ALICE, None, &audio_offer())
                .unwrap();
            sandbox.clock.advance(RING_SECONDS);
            sandbox.run_due_calls();
        }
        assert_eq!(
            sandbox.call_permission(&phone, ALICE).unwrap().status,
            "permanent"
        );
        let id = sandbox
            .business_calls(&phone, ALICE, None, &audio_offer())
            .unwrap();
        sandbox.consumer_answers(ALICE, &id, false).unwrap();
        assert_eq!(
            sandbox.call_permission(&phone, ALICE).unwrap().status,
            "no_permission"
        );
        let reply = last_reply(&sandbox);
        assert_eq!(
            (
                reply["response"].as_str(),
                reply["response_source"].as_str()
            ),
            (Some("reject"), Some("automatic"))
        );
    }
}
