//! Pre-verified phone numbers: `POST /{business-id}/add_phone_numbers`,
//! `POST /{business-id}/share_preverified_numbers`, `DELETE
//! /{pre-verified-id}`, and its `request_code` / `verify_code` with the same
//! parameters, limits and errors as a business number's. Reads
//! (`GET /{business-id}/preverified_numbers`, `GET /{pre-verified-id}`,
//! `/partners`) come from the node descriptors.

use serde_json::{Value, json};

use super::registration::{code_request, refusal};
use super::required;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::preverified::PreverifiedError;

fn preverified_refusal(error: PreverifiedError) -> GraphError {
    match error {
        PreverifiedError::Invalid(text) => GraphError::invalid_parameter(text),
        PreverifiedError::Exists(digits) => GraphError::invalid_parameter(format!(
            "The phone number {digits} is already pre-verified or in use by a WhatsApp Business Account"
        )),
        PreverifiedError::Code(error) => refusal(error),
        PreverifiedError::InUse => GraphError::invalid_parameter(
            "The pre-verified number is in use by a WhatsApp Business Account and cannot be deleted",
        ),
    }
}

pub fn add(op: Operation<'_>) -> Result<Value, GraphError> {
    let number = required(op.request, "phone_number")?;
    let id = op
        .sandbox
        .add_preverified_number(op.id, &number)
        .map_err(preverified_refusal)?;
    Ok(json!({ "id": id }))
}

pub fn share(op: Operation<'_>) -> Result<Value, GraphError> {
    let id = required(op.request, "preverified_id")?;
    let partner = required(op.request, "partner_business_id")?;
    op.sandbox
        .share_preverified_number(op.id, &id, &partner)
        .map_err(preverified_refusal)?;
    Ok(success())
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox
        .delete_preverified_number(op.id)
        .map_err(preverified_refusal)?;
    Ok(success())
}

pub fn request_code(op: Operation<'_>) -> Result<Value, GraphError> {
    let (method, language) = code_request(op.request)?;
    op.sandbox
        .request_preverified_code(op.id, method, &language)
        .map_err(preverified_refusal)?;
    Ok(success())
}

pub fn verify_code(op: Operation<'_>) -> Result<Value, GraphError> {
    let code = required(op.request, "code")?;
    op.sandbox
        .verify_preverified_code(op.id, &code)
        .map_err(preverified_refusal)?;
    Ok(success())
}
