//! The Resumable Upload API: `POST /{app-id}/uploads` (`file_length`,
//! `file_type`, `file_name`; a user or system user token of that app) opens
//! a session `{"id": "upload:…"}`; `POST /upload:…` with the `file_offset`
//! header and the raw bytes as the body uploads (the complete file answers
//! `{"h": "4::…"}`, a part `{"id", "file_offset"}`); `GET /upload:…` says
//! where the session is.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::world::accounts::uploads::{NewUpload, UploadError};
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::sandbox::Sandbox;

fn refusal(error: UploadError, id: &str, method: &str) -> GraphError {
    match error {
        UploadError::Invalid(invalid) => GraphError::invalid_parameter(invalid.message),
        UploadError::UnknownSession => GraphError::unsupported(method, id),
        UploadError::WrongOffset { expected } => GraphError::invalid_parameter(format!(
            "Param file_offset must be {expected}: the session has received {expected} bytes"
        )),
    }
}

pub fn create(op: Operation<'_>) -> Result<Value, GraphError> {
    let token = op.token;
    if token.app_id != op.id || !matches!(token.kind, TokenKind::User | TokenKind::SystemUser) {
        return Err(GraphError::invalid_parameter(
            "Upload sessions need a user or system user access token of this app",
        ));
    }
    let request = op.request;
    let length = request
        .param_str("file_length")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter file_length is required"))?;
    let file_length = length.trim().parse::<u64>().map_err(|_| {
        GraphError::invalid_parameter("Param file_length must be a positive integer")
    })?;
    let file_type = request
        .param_str("file_type")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter file_type is required"))?;
    let new = NewUpload {
        app_id: op.id.to_owned(),
        file_name: request.param_str("file_name").unwrap_or_default(),
        file_length,
        file_type,
    };
    let id = op
        .sandbox
        .open_upload(new)
        .map_err(|e| refusal(e, op.id, "POST"))?;
    Ok(json!({ "id": id }))
}

/// `GET` or `POST /upload:…` (the session segment is `session`).
pub fn session(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    session: &str,
) -> Result<Value, GraphError> {
    let method = request.method.as_str();
    let app = token.app_id.as_str();
    match method {
        "GET" => {
            let found = sandbox
                .upload_session(session, app)
                .ok_or_else(|| GraphError::unsupported(method, session))?;
            Ok(json!({ "id": session, "file_offset": found.file_offset }))
        }
        "POST" => {
            let offset = request
                .header("file_offset")
                .or_else(|| request.header("file-offset"))
                .ok_or_else(|| GraphError::invalid_parameter("The header file_offset is required"))?
                .trim()
                .parse::<u64>()
                .map_err(|_| {
                    GraphError::invalid_parameter("The header file_offset must be an integer")
                })?;
            let bytes = request
                .files
                .iter()
                .find(|f| f.field == RAW_BODY)
                .map_or(&[][..], |f| f.bytes.as_slice());
            let done = sandbox
                .upload_part(session, app, offset, bytes)
                .map_err(|e| refusal(e, session, method))?;
            Ok(match &done.handle {
                Some(handle) => json!({ "h": handle }),
                None => json!({ "id": session, "file_offset": done.file_offset }),
            })
        }
        _ => Err(GraphError::unsupported(method, session)),
    }
}

/// The name under which the raw body of a `POST /upload:…` reaches a handler.
pub const RAW_BODY: &str = "upload_bytes";
