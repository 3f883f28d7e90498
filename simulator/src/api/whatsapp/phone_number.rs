//! `POST /{phone-number-id}`: set or replace the two-step verification `pin`,
//! the number's business `username` (as `POST …/username` does),
//! and/or the calling app's callback override for the number
//! (`webhook_configuration: {"override_callback_uri", "verify_token"}`; an
//! empty `override_callback_uri` removes it). A new override answers only
//! once Meta's verification handshake on it succeeded.

use serde_json::Value;

use super::registration::refusal;
use super::usernames;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::callbacks::{OVERRIDE_URI_MAX, PhoneOverride};

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    let pin = request.param_str("pin").filter(|p| !p.trim().is_empty());
    let configuration = request.param_json("webhook_configuration").transpose()?;
    let username = request.param_str("username");
    if pin.is_none() && configuration.is_none() && username.is_none() {
        // Meta names the PIN, the usual reason for this call.
        return Err(GraphError::invalid_parameter(
            "The parameter pin is required",
        ));
    }
    let webhook = configuration
        .as_ref()
        .map(|value| read_override(value, &op.token.app_id))
        .transpose()?;
    if let Some(name) = &username {
        usernames::adopt(sandbox, request, id, name)?;
    }
    if let Some(pin) = pin {
        sandbox.set_two_step_pin(id, &pin).map_err(refusal)?;
    }
    if let Some(new) = webhook {
        sandbox.set_phone_override(id, &op.token.app_id, new);
    }
    Ok(success())
}

/// The override a `webhook_configuration` asks for (`None`: remove it).
fn read_override(value: &Value, app_id: &str) -> Result<Option<PhoneOverride>, GraphError> {
    let uri = value
        .get("override_callback_uri")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            GraphError::invalid_parameter(
                "The parameter webhook_configuration['override_callback_uri'] is required",
            )
        })?;
    if uri.is_empty() {
        return Ok(None);
    }
    if !(uri.starts_with("https://") || uri.starts_with("http://"))
        || uri.chars().count() > OVERRIDE_URI_MAX
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param webhook_configuration['override_callback_uri'] must be a URL of at most {OVERRIDE_URI_MAX} characters"
        )));
    }
    let verify_token = value
        .get("verify_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            GraphError::invalid_parameter(
                "The parameter webhook_configuration['verify_token'] is required",
            )
        })?;
    Ok(Some(PhoneOverride {
        app_id: app_id.to_owned(),
        override_callback_uri: uri.to_owned(),
        verify_token: verify_token.to_owned(),
    }))
}
