//! `POST /{phone-number-id}/conversational_automation`: the welcome message
//! switch, ice breakers (`prompts`) and `commands` of a number (JSON body or
//! form fields holding JSON). The number's `conversational_automation`
//! field reads them back.

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::automation::{AutomationUpdate, Command};

fn parsed<T: serde::de::DeserializeOwned>(
    request: &GraphRequest,
    name: &str,
) -> Result<Option<T>, GraphError> {
    match request.param_json(name) {
        None => Ok(None),
        Some(value) => serde_json::from_value(value?)
            .map(Some)
            .map_err(|e| GraphError::invalid_parameter(format!("Param {name} is not valid: {e}"))),
    }
}

pub fn configure(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let update = AutomationUpdate {
        enable_welcome_message: parsed::<bool>(request, "enable_welcome_message")?,
        prompts: parsed::<Vec<String>>(request, "prompts")?,
        commands: parsed::<Vec<Command>>(request, "commands")?,
    };
    if update == AutomationUpdate::default() {
        return Err(GraphError::invalid_parameter(
            "The parameter enable_welcome_message, prompts or commands is required",
        ));
    }
    op.sandbox
        .configure_automation(op.id, update)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
