//! `type: "pin"` on `POST /{phone-number-id}/messages` to a group: reads
//! `pin: {"type": "pin"|"unpin", "message_id", "expiration_days"}` as Meta
//! takes it (`expiration_days` 1–30, an integer or its digits, for a pin
//! only) and maps the world's refusals to Meta's errors.

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::group_pins::{PIN_DAYS_MAX, PIN_DAYS_MIN, PinAction, PinRefusal};

/// Pin or unpin a message of `group_id`; the pin's wamid.
pub(super) fn send_pin(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    phone_number_id: &str,
    group_id: &str,
) -> Result<String, GraphError> {
    let pin = request
        .param_json("pin")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter pin is required."))??;
    let message_id = pin
        .get("message_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            GraphError::invalid_parameter("The parameter pin['message_id'] is required.")
        })?;
    let days = pin.get("expiration_days");
    let action = match pin.get("type").and_then(Value::as_str) {
        Some("pin") => PinAction::Pin {
            days: expiration_days(days)?,
        },
        Some("unpin") if days.is_none() => PinAction::Unpin,
        Some("unpin") => {
            return Err(GraphError::invalid_parameter(
                "Param pin['expiration_days'] is only taken with pin['type'] pin.",
            ));
        }
        other => {
            return Err(GraphError::invalid_parameter(format!(
                "Param pin['type'] must be one of {{pin, unpin}} - got {}.",
                other.map_or("nothing".to_owned(), |t| format!("\"{t}\""))
            )));
        }
    };
    sandbox
        .pin_group_message(phone_number_id, group_id, message_id, action)
        .map_err(|refusal| match refusal {
            PinRefusal::Send(refusal) => super::messages::refusal(refusal),
            PinRefusal::UnknownMessage => GraphError::whatsapp(
                131009,
                "Parameter value is not valid",
                "pin['message_id']: not a message of this group",
            ),
            PinRefusal::NotPinned => GraphError::whatsapp(
                131009,
                "Parameter value is not valid",
                "pin['message_id']: the message is not pinned in this group",
            ),
        })
}

/// `expiration_days`: required for a pin, 1 to 30.
fn expiration_days(value: Option<&Value>) -> Result<i64, GraphError> {
    let days = match value {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    days.filter(|d| (PIN_DAYS_MIN..=PIN_DAYS_MAX).contains(d))
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param pin['expiration_days'] must be an integer from {PIN_DAYS_MIN} to {PIN_DAYS_MAX}."
            ))
        })
}
