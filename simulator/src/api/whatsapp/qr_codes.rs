//! `/{phone-number-id}/message_qrdls`: list the number's QR codes (paged,
//! `code` filters), create one or update one by `code` (`prefilled_message`,
//! ≤ 140), and read or delete one at `/message_qrdls/{code}`.

use serde_json::{Value, json};

use super::required;
use crate::api::error::GraphError;
use crate::api::lists::paged;
use crate::api::routes::{Operation, success};

fn unknown(code: &str) -> GraphError {
    GraphError::invalid_parameter(format!("No message QR code {code} on this phone number"))
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let wanted = op.request.param_str("code");
    let codes: Vec<String> = op
        .sandbox
        .qr_codes_of(op.id)
        .into_iter()
        .filter(|q| wanted.as_ref().is_none_or(|c| &q.code == c))
        .map(|q| q.code.clone())
        .collect();
    let sandbox = &*op.sandbox;
    paged(&op, "message_qrdls", &codes, |code| {
        sandbox
            .qr_code(op.id, code)
            .map_or(Value::Null, |q| q.to_json())
    })
}

pub fn save(op: Operation<'_>) -> Result<Value, GraphError> {
    let message = required(op.request, "prefilled_message")?;
    let code = op.request.param_str("code");
    if let Some(format) = op.request.param_str("generate_qr_image")
        && !matches!(format.as_str(), "PNG" | "SVG")
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param generate_qr_image must be one of {{PNG, SVG}} - got \"{format}\"."
        )));
    }
    let code = op
        .sandbox
        .save_qr_code(op.id, code.as_deref(), &message)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    let saved = op.sandbox.qr_code(op.id, &code).map(|q| q.to_json());
    Ok(saved.map_or_else(
        || json!({ "code": code }),
        |mut q| {
            if let Value::Object(map) = &mut q {
                map.remove("creation_time");
            }
            q
        },
    ))
}

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    let code = required(op.request, "code")?;
    let qr = op
        .sandbox
        .qr_code(op.id, &code)
        .ok_or_else(|| unknown(&code))?;
    Ok(json!({ "data": [qr.to_json()] }))
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    let code = required(op.request, "code")?;
    if op.sandbox.delete_qr_code(op.id, &code) {
        Ok(success())
    } else {
        Err(unknown(&code))
    }
}
