//! `GET/POST /{phone-number-id}/settings`; `GET` with
//! `include_sip_credentials=true` shows the calling app's SIP user password.

use serde_json::Value;

use super::flag;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::settings::FEATURES;

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    let credentials = flag(op.request, "include_sip_credentials")?.unwrap_or(false);
    let app_id = credentials.then_some(op.token.app_id.as_str());
    Ok(op
        .sandbox
        .phone_settings_json(op.id, app_id)
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
        .update_phone_settings(phone_number_id, feature, &value, &op.token.app_id)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
