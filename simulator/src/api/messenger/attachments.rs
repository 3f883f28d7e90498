//! `POST /{page-id}/message_attachments` with the Page's token: save an
//! attachment for reuse — by URL (`message={"attachment": {"type", "payload":
//! {"url", "is_reusable": true}}}`) or uploaded as the multipart `filedata`
//! part — answering `{"attachment_id"}`.

use serde_json::{Value, json};

use super::require_pages_messaging;
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::api::send_api::{self, MediaSource};

pub fn save(op: Operation<'_>) -> Result<Value, GraphError> {
    require_pages_messaging(op.token)?;
    let message = op
        .request
        .param_json("message")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter message is required"))??;
    let attachment = message.get("attachment").ok_or_else(|| {
        GraphError::invalid_parameter("The parameter message[attachment] is required")
    })?;
    let upload = op.request.files.iter().find(|f| f.field == "filedata");
    let kind = attachment["type"].as_str().unwrap_or_default().to_owned();
    let (url, mime_type) = match upload {
        Some(file) => (None, file.content_type.clone()),
        None => match send_api::attachment(attachment)? {
            (_, Ok(MediaSource::Url { url, .. })) => (Some(url), None),
            _ => {
                return Err(GraphError::invalid_parameter(
                    "Param message[attachment][payload][url] is required (or upload the file as filedata)",
                ));
            }
        },
    };
    let id = op
        .sandbox
        .save_attachment(op.id, &kind, url, mime_type)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(json!({ "attachment_id": id }))
}
