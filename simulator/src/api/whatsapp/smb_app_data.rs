//! `POST /{phone-number-id}/smb_app_data`: a partner asks, once each per
//! onboarding, for the contacts (`smb_app_state_sync`) and the chat history
//! (`history`) of a business that onboarded its WhatsApp Business app number;
//! the data follows as webhooks.

use serde_json::{Value, json};

use super::{require_whatsapp_product, required};
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::world::whatsapp::business_app::sync::{SyncRefusal, SyncType};

pub fn request(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    require_whatsapp_product(request)?;
    let text = required(request, "sync_type")?;
    let sync = SyncType::parse(&text).ok_or_else(|| {
        GraphError::invalid_parameter(format!(
            "Param sync_type must be one of {{smb_app_state_sync, history}} - got \"{text}\"."
        ))
    })?;
    let request_id = sandbox
        .request_app_data_sync(id, sync)
        .map_err(|refusal| match refusal {
            SyncRefusal::NotOnBusinessApp => GraphError::invalid_parameter(
                "This phone number is not connected to Cloud API from the WhatsApp Business app, so it has no WhatsApp Business app data to synchronize.",
            ),
            SyncRefusal::AlreadyRequested(sync) => GraphError::invalid_parameter(format!(
                "The {} synchronization was already requested for this onboarding; it can only be performed once. To synchronize again, the business must offboard and complete Embedded Signup again.",
                sync.name()
            )),
        })?;
    Ok(json!({ "messaging_product": "whatsapp", "request_id": request_id }))
}
