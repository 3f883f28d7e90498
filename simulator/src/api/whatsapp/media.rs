//! Media endpoints: `POST /{phone-number-id}/media` (multipart: `file`,
//! `messaging_product`, `type`, in any order; `messaging_product` may be in the
//! query; `type` defaults to the file part's content type), `GET /{media-id}`
//! (with a 5-minute download URL), `DELETE /{media-id}`; both take an optional
//! `phone_number_id` that must own the media. The download URL itself is served
//! by [`crate::api::whatsapp::media_download`].

use serde_json::{Value, json};

use super::require_whatsapp_product;
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::media::MediaError;

/// Where download URLs point (Meta's lookaside path, on metasim's own host).
pub const DOWNLOAD_PATH: &str = "/whatsapp_business/attachments/";

pub fn upload(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, phone_number_id) = (op.sandbox, op.request, op.id);
    require_whatsapp_product(request)?;
    let file = request
        .files
        .iter()
        .find(|f| f.field == "file")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter file is required."))?;
    let declared = request.param_str("type");
    let mime_type = declared
        .clone()
        .or_else(|| file.content_type.clone())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter type is required."))?;
    let mime_type = mime_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if let (Some(_), Some(part_type)) = (&declared, &file.content_type) {
        let part_type = part_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if part_type != mime_type && part_type != "application/octet-stream" {
            return Err(GraphError::whatsapp(
                131053,
                "Media upload error",
                &format!(
                    "The file's content type ({part_type}) does not match the type parameter ({mime_type})."
                ),
            ));
        }
    }
    let media = sandbox.upload_media(phone_number_id, &mime_type, &file.bytes).map_err(|error| match error {
        MediaError::UnsupportedType(mime) => GraphError::whatsapp(
            131053,
            "Media upload error",
            &format!("Unsupported file type {mime}. See the supported media types of the WhatsApp Cloud API."),
        ),
        MediaError::TooLarge { mime_type, max } => GraphError::whatsapp(
            131053,
            "Media upload error",
            &format!("The file is larger than the {max} bytes allowed for {mime_type}."),
        ),
    })?;
    Ok(json!({ "id": media.id }))
}

/// The media, if it exists, is alive, and belongs to `phone_number_id` when given.
fn owned<'a>(
    sandbox: &'a Sandbox,
    request: &GraphRequest,
    method: &str,
    id: &str,
) -> Result<&'a crate::world::whatsapp::media::Media, GraphError> {
    let media = sandbox
        .live_media(id)
        .ok_or_else(|| GraphError::unsupported(method, id))?;
    match request.param_str("phone_number_id") {
        // Meta loads the number first: an id that is no business phone
        // number of the sandbox is refused as that object.
        Some(owner) if sandbox.node_kind(&owner) != Some(NodeKind::PhoneNumber) => {
            Err(GraphError::unsupported(method, &owner))
        }
        Some(owner) if owner != media.phone_number_id => Err(GraphError::unsupported(method, id)),
        _ => Ok(media),
    }
}

pub fn describe(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    let media = owned(sandbox, request, "GET", id)?;
    let url = format!(
        "{}{DOWNLOAD_PATH}?{}",
        crate::intercept::media_base_url(&request.base_url),
        sandbox.media_url_query(id)
    );
    Ok(json!({
        "messaging_product": "whatsapp",
        "url": url,
        "mime_type": media.mime_type,
        "sha256": media.sha256,
        "file_size": media.file_size.to_string(),
        "id": media.id,
    }))
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    owned(sandbox, request, "DELETE", id)?;
    sandbox.delete_media(id);
    Ok(success())
}
