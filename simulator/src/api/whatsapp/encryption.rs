//! `GET/POST /{phone-number-id}/whatsapp_business_encryption`: the number's
//! public key for encrypted Flows data (`business_public_key`, PEM).

use serde_json::Value;

use super::required;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    Ok(op.sandbox.public_key_json(op.id))
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let pem = required(op.request, "business_public_key")?;
    op.sandbox
        .set_public_key(op.id, &pem)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
