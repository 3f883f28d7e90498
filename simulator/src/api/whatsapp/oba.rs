//! `GET/POST /{phone-number-id}/official_business_account`: the number's
//! Official Business Account application — submit, withdraw, resubmit — and
//! its status. Meta's review is the control plane's.

use serde_json::{Value, json};

use super::required;
use crate::api::error::GraphError;
use crate::api::routes::Operation;

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox.oba_json(op.id).ok_or_else(|| {
        GraphError::invalid_parameter(
            "This phone number has no Official Business Account application: submit one first",
        )
    })
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let action = required(op.request, "action")?;
    let business_name = op
        .request
        .param_json("application_data")
        .transpose()?
        .and_then(|data| {
            data.get("business_name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    op.sandbox
        .oba_action(op.id, &action, business_name)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    let status = op.sandbox.oba_json(op.id).unwrap_or_default();
    let message = match action.as_str() {
        "WITHDRAW_APPLICATION" => "The application was withdrawn.",
        _ => "The application was submitted for review.",
    };
    Ok(json!({
        "success": true,
        "message": message,
        "updated_status": status,
        "tracking_id": op.sandbox.oba_tracking_id(op.id),
    }))
}
