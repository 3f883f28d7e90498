//! `GET/POST /{phone-number-id}/settings`.

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::settings::FEATURES;

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, phone_number_id) = (op.sandbox, op.id);
    Ok(sandbox
        .whatsapp
        .phone_numbers
        .get(phone_number_id)
        .map(|p| p.settings.to_json())
        .unwrap_or_default())
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, phone_number_id) = (op.sandbox, op.request, op.id);
    let given: Vec<&str> = FEATURES
        .iter()
        .copied()
        .filter(|f| request.param(f).is_some())
        .collect();
    let [feature] = given.as_slice() else {
        return Err(GraphError::invalid_parameter(format!(
            "Exactly one of {} must be given",
            FEATURES.join(", ")
        )));
    };
    let value = request.param_json(feature).expect("present")?;
    sandbox
        .update_phone_settings(phone_number_id, feature, &value)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
