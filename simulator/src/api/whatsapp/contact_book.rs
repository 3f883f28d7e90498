//! `DELETE /{phone-number-id}/contact_book?messaging_product=whatsapp&bsuid=…`:
//! remove a consumer's phone↔BSUID pair from the portfolio's Meta contact book.

use serde_json::{Value, json};

use super::{require_whatsapp_product, required};
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::world::whatsapp::identity::ContactBookError;

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, phone_number_id) = (op.sandbox, op.request, op.id);
    require_whatsapp_product(request)?;
    let bsuid = required(request, "bsuid")?;
    let deleted = sandbox
        .delete_contact(phone_number_id, &bsuid)
        .map_err(|error| {
            let details = match error {
                ContactBookError::UnknownUserId => {
                    "bsuid is not a business-scoped user id of this business portfolio"
                }
                ContactBookError::ParentUserId => "Parent BSUIDs are not supported: use the BSUID",
                ContactBookError::BookDisabled => {
                    "The contact book of this business portfolio is switched off"
                }
            };
            GraphError::invalid_parameter("Invalid parameter")
                .with_data(json!({ "messaging_product": "whatsapp", "details": details }))
        })?;
    Ok(json!({ "messaging_product": "whatsapp", "success": true, "deleted": deleted }))
}
