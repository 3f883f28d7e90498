//! A published Flow's health, as Meta's "Flow Health and Monitoring" guide
//! describes it: `PUBLISHED` → `THROTTLED` (sending it limited to 10
//! messages an hour; consumers still open it) → `BLOCKED` (not sent, not
//! opened), and back one step at a time. Meta publishes no rule for when a
//! Flow moves, so a move is a control-plane step ([`Sandbox::move_flow_health`]).
//! Every status change is told to apps subscribed to the WABA's `flows`
//! field (`FLOW_STATUS_CHANGE`).

use serde_json::{Value, json};

use crate::world::bounds::in_range;
use crate::world::events::EventPayload;
use crate::world::sandbox::Sandbox;
use crate::world::shared::Invalid;

/// How many messages a throttled Flow may be sent in an hour.
pub const THROTTLED_PER_HOUR: usize = 10;
const HOUR: i64 = 3600;

/// The health states, in the order a Flow deteriorates.
const STATES: [&str; 3] = ["PUBLISHED", "THROTTLED", "BLOCKED"];

/// Why a Flow's health cannot move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthMoveError {
    /// Not one of `PUBLISHED`, `THROTTLED`, `BLOCKED`.
    UnknownState(String),
    /// The Flow is a draft or deprecated: it has no health.
    NotPublished(String),
    /// Flows move one step at a time (`from`, `to`).
    NotAdjacent(String, String),
}

/// Why a Flow message may not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowSendRefusal {
    /// 132068.
    Blocked,
    /// 132069: throttled, and its hourly allowance is spent.
    Throttled,
}

/// A Flow's `health_status`: `AVAILABLE`, `LIMITED` while throttled,
/// `BLOCKED` (with Meta's 132068) while blocked.
pub fn flow_health_status(id: &str, status: &str) -> Value {
    let (can_send, detail) = match status {
        "THROTTLED" => (
            "LIMITED",
            Some((
                "additional_info",
                json!([
                    "The Flow is throttled: it may be sent 10 times an hour until its endpoint recovers."
                ]),
            )),
        ),
        "BLOCKED" => (
            "BLOCKED",
            Some((
                "errors",
                json!([{
                    "error_code": 132068,
                    "error_description": "The Flow is blocked: its endpoint's metrics deteriorated.",
                    "possible_solution": "Fix the endpoint's errors, latency or availability; the Flow recovers step by step.",
                }]),
            )),
        ),
        _ => ("AVAILABLE", None),
    };
    let mut entity = json!({ "entity_type": "FLOW", "id": id, "can_send_message": can_send });
    if let Some((key, value)) = detail {
        entity[key] = value;
    }
    json!({ "can_send_message": can_send, "entities": [entity] })
}

fn position(state: &str) -> Option<usize> {
    STATES.iter().position(|s| *s == state)
}

impl Sandbox {
    /// Send `FLOW_STATUS_CHANGE` for a Flow that just left `old`.
    pub(super) fn flow_status_changed(&mut self, id: &str, old: &str) {
        let Some(flow) = self.whatsapp.flows.get(id) else {
            return;
        };
        if flow.status == old {
            return;
        }
        let value = json!({
            "event": "FLOW_STATUS_CHANGE",
            "message": format!("Flow {} changed status from {old} to {}", flow.name, flow.status),
            "flow_id": id,
            "old_status": old,
            "new_status": flow.status,
        });
        let waba_id = flow.waba_id.clone();
        let now = self.clock.now();
        self.events
            .emit(now, EventPayload::WhatsappFlow { waba_id, value });
    }

    /// Control plane: move a published Flow's health one step, to `target`.
    pub fn move_flow_health(&mut self, id: &str, target: &str) -> Result<(), HealthMoveError> {
        let to =
            position(target).ok_or_else(|| HealthMoveError::UnknownState(target.to_owned()))?;
        let current = self.whatsapp.flows[id].status.clone();
        let from = position(&current).ok_or(HealthMoveError::NotPublished(current.clone()))?;
        if from.abs_diff(to) != 1 {
            return Err(HealthMoveError::NotAdjacent(current, target.to_owned()));
        }
        self.set_flow_status(id, target);
        Ok(())
    }

    /// The Flow an interactive `flow` message names for `phone_number_id`'s
    /// WABA, when sending it is allowed; its id (to count the send with
    /// [`Sandbox::flow_sent`]). Flows metasim does not know are left to
    /// the consumer's phone, as before.
    pub fn flow_send_check(
        &self,
        phone_number_id: &str,
        interactive: &Value,
    ) -> Result<Option<String>, FlowSendRefusal> {
        if interactive["type"] != "flow" {
            return Ok(None);
        }
        self.flow_sendable(phone_number_id, &interactive["action"]["parameters"])
    }

    /// The same for a template message: the Flow its template's `FLOW`
    /// button opens (a template message with a Flow button is a Flow
    /// message, throttled and blocked with its Flow).
    pub fn template_flow_send_check(
        &self,
        phone_number_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<String>, FlowSendRefusal> {
        let Some(template) = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .and_then(|phone| self.find_template(&phone.waba_id, name, language))
        else {
            return Ok(None);
        };
        let flow_button = template.button_of_kind("FLOW");
        match flow_button {
            Some(button) => self.flow_sendable(phone_number_id, button),
            None => Ok(None),
        }
    }

    /// Whether the Flow that `names` (its `flow_id` or `flow_name`) in
    /// `phone_number_id`'s WABA may be sent now; its id when metasim knows it.
    fn flow_sendable(
        &self,
        phone_number_id: &str,
        names: &Value,
    ) -> Result<Option<String>, FlowSendRefusal> {
        let waba_id = self
            .whatsapp
            .phone_numbers
            .get(phone_number_id)
            .map(|p| p.waba_id.as_str())
            .unwrap_or_default();
        let flow = match (names["flow_id"].as_str(), names["flow_name"].as_str()) {
            (Some(id), _) => self.whatsapp.flows.get(id).map(AsRef::as_ref),
            (None, Some(name)) => self.flow_named(waba_id, name),
            (None, None) => None,
        };
        let Some(flow) = flow.filter(|f| f.waba_id == waba_id) else {
            return Ok(None);
        };
        let now = self.clock.now();
        match flow.status.as_str() {
            "BLOCKED" => Err(FlowSendRefusal::Blocked),
            "THROTTLED"
                if flow
                    .recent_sends
                    .iter()
                    .filter(|t| now - **t < HOUR)
                    .count()
                    >= THROTTLED_PER_HOUR =>
            {
                Err(FlowSendRefusal::Throttled)
            }
            _ => Ok(Some(flow.id.clone())),
        }
    }

    /// Count a send of the Flow, keeping the last hour's (at most the
    /// throttled allowance).
    pub fn flow_sent(&mut self, id: &str) {
        let now = self.clock.now();
        if let Some(flow) = self.whatsapp.flows.get_mut(id) {
            flow.recent_sends.retain(|t| now - *t < HOUR);
            flow.recent_sends.push(now);
            let over = flow.recent_sends.len().saturating_sub(THROTTLED_PER_HOUR);
            flow.recent_sends.drain(..over);
        }
    }

    /// Refuse a snapshot whose Flows remember more sends, or more alerts,
    /// than a sandbox keeps.
    pub fn check_flow_health(&self) -> Result<(), Invalid> {
        for flow in self.whatsapp.flows.values() {
            let at = format!("whatsapp.flows.{}", flow.id);
            in_range(
                &format!("{at}.recent_sends"),
                flow.recent_sends.len(),
                0,
                THROTTLED_PER_HOUR,
            )?;
            in_range(
                &format!("{at}.active_alerts"),
                flow.active_alerts.len(),
                0,
                3,
            )?;
        }
        Ok(())
    }

    /// A consumer may open a Flow message unless the Flow is blocked.
    pub fn flow_opens(&self, id: &str) -> bool {
        self.whatsapp
            .flows
            .get(id)
            .is_some_and(|flow| flow.status != "BLOCKED")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::fixture::demo_fixture;
    use crate::world::sandbox::SandboxOptions;
    use crate::world::whatsapp::flows::NewFlow;

    fn published() -> (Sandbox, String, String) {
        let mut sandbox =
            Sandbox::create("t", 0, SandboxOptions::default(), demo_fixture(), 0).unwrap();
        let waba = sandbox.handles["waba"].clone();
        let phone = sandbox.handles["phone_number"].clone();
        let id = sandbox
            .create_flow(
                &waba,
                NewFlow {
                    name: "Survey".into(),
                    categories: vec!["SURVEY".into()],
                    endpoint_uri: None,
                    clone_flow_id: None,
                    app_id: "1".into(),
                },
            )
            .unwrap();
        sandbox
            .upload_flow_json(
                &id,
                "flow.json",
                r#"{"version":"7.1","screens":[{"id":"ONE"}]}"#,
            )
            .unwrap();
        sandbox.publish_flow(&id).unwrap();
        (sandbox, id, phone)
    }

    #[test]
    fn health_moves_one_step_and_each_change_is_an_event() {
        let (mut sandbox, id, _) = published();
        assert_eq!(
            sandbox.move_flow_health(&id, "BLOCKED"),
            Err(HealthMoveError::NotAdjacent(
                "PUBLISHED".into(),
                "BLOCKED".into()
            ))
        );
        assert_eq!(
            sandbox.move_flow_health(&id, "DRAFT"),
            Err(HealthMoveError::UnknownState("DRAFT".into()))
        );
        sandbox.move_flow_health(&id, "THROTTLED").unwrap();
        sandbox.move_flow_health(&id, "BLOCKED").unwrap();
        assert!(!sandbox.flow_opens(&id));
        sandbox.move_flow_health(&id, "THROTTLED").unwrap();
        let changes: Vec<(String, String)> = sandbox
            .events
            .all()
            .iter()
            .filter_map(|e| match &e.payload {
                EventPayload::WhatsappFlow { value, .. } => Some((
                    value["old_status"].as_str().unwrap().to_owned(),
                    value["new_status"].as_str().unwrap().to_owned(),
                )),
                _ => None,
            })
            .collect();
        let pairs = [
            ("DRAFT", "PUBLISHED"),
            ("PUBLISHED", "THROTTLED"),
            ("THROTTLED", "BLOCKED"),
            ("BLOCKED", "THROTTLED"),
        ];
        assert_eq!(
            changes,
            pairs.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
        );
        sandbox.deprecate_flow(&id).unwrap();
        assert_eq!(
            sandbox.move_flow_health(&id, "PUBLISHED"),
            Err(HealthMoveError::NotPublished("DEPRECATED".into()))
        );
    }

    #[test]
    fn a_throttled_flow_is_sent_ten_times_an_hour() {
        let (mut sandbox, id, phone) = published();
        let message = json!({"type": "flow", "action": {"parameters": {"flow_id": id}}});
        sandbox.move_flow_health(&id, "THROTTLED").unwrap();
        for _ in 0..THROTTLED_PER_HOUR {
            let allowed = sandbox.flow_send_check(&phone, &message).unwrap();
            sandbox.flow_sent(&allowed.unwrap());
        }
        assert_eq!(
            sandbox.flow_send_check(&phone, &message),
            Err(FlowSendRefusal::Throttled)
        );
        sandbox.clock.advance(HOUR);
        assert!(sandbox.flow_send_check(&phone, &message).is_ok());
        sandbox.move_flow_health(&id, "BLOCKED").unwrap();
        assert_eq!(
            sandbox.flow_send_check(&phone, &message),
            Err(FlowSendRefusal::Blocked)
        );
    }
}
