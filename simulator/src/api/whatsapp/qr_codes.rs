//! `/{phone-number-id}/message_qrdls`: list the number's QR codes (paged,
//! `code` filters), create one or update one by `code` (`prefilled_message`,
//! ≤ 140), and read or delete one at `/message_qrdls/{code}`. A save with
//! `generate_qr_image=PNG|SVG`, and a read or list asking for
//! `qr_image_url.format(PNG|SVG)`, answer a signed URL of the image.

use serde_json::{Value, json};

use super::media::DOWNLOAD_PATH;
use super::required;
use crate::api::error::GraphError;
use crate::api::fields::parse_fields;
use crate::api::lists::paged;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::qr_codes::QrCode;
use crate::world::whatsapp::qr_images::{QrImageFormat, image_id};

fn unknown(code: &str) -> GraphError {
    GraphError::invalid_parameter(format!("No message QR code {code} on this phone number"))
}

fn image_format(param: &str, name: &str) -> Result<QrImageFormat, GraphError> {
    QrImageFormat::parse(name).ok_or_else(|| {
        GraphError::invalid_parameter(format!(
            "Param {param} must be one of {{PNG, SVG}} - got \"{name}\"."
        ))
    })
}

/// The format `fields=qr_image_url.format(…)` asks for, if any.
fn asked_format(op: &Operation<'_>) -> Result<Option<QrImageFormat>, GraphError> {
    let fields = parse_fields(op.request.param_text("fields").unwrap_or_default())?;
    fields
        .unwrap_or_default()
        .iter()
        .find(|field| field.name == "qr_image_url")
        .and_then(|field| field.argument("format"))
        .map(|name| image_format("qr_image_url.format", name))
        .transpose()
}

/// The QR code's JSON, with its image URL when a format is asked.
fn with_image(op: &Operation<'_>, qr: &QrCode, format: Option<QrImageFormat>) -> Value {
    let mut out = qr.to_json();
    if let Some(format) = format {
        out["qr_image_url"] = json!(format!(
            "{}{DOWNLOAD_PATH}?{}",
            crate::intercept::media_base_url(&op.request.base_url),
            op.sandbox.media_url_query(&image_id(&qr.code, format))
        ));
    }
    out
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let format = asked_format(&op)?;
    let wanted = op.request.param_str("code");
    let codes: Vec<String> = op
        .sandbox
        .qr_codes_of(op.id)
        .into_iter()
        .filter(|q| wanted.as_ref().is_none_or(|c| &q.code == c))
        .map(|q| q.code.clone())
        .collect();
    paged(&op, "message_qrdls", &codes, |code| {
        op.sandbox
            .qr_code(op.id, code)
            .map_or(Value::Null, |q| with_image(&op, q, format))
    })
}

pub fn save(op: Operation<'_>) -> Result<Value, GraphError> {
    let message = required(op.request, "prefilled_message")?;
    let code = op.request.param_str("code");
    let format = op
        .request
        .param_str("generate_qr_image")
        .map(|name| image_format("generate_qr_image", &name))
        .transpose()?;
    let code = op
        .sandbox
        .save_qr_code(op.id, code.as_deref(), &message)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    let saved = op
        .sandbox
        .qr_code(op.id, &code)
        .map(|q| with_image(&op, q, format));
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
    let format = asked_format(&op)?;
    let code = required(op.request, "code")?;
    let qr = op
        .sandbox
        .qr_code(op.id, &code)
        .ok_or_else(|| unknown(&code))?;
    Ok(json!({ "data": [with_image(&op, qr, format)] }))
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    let code = required(op.request, "code")?;
    if op.sandbox.delete_qr_code(op.id, &code) {
        Ok(success())
    } else {
        Err(unknown(&code))
    }
}
