//! `POST /{extended-credit-id}/whatsapp_credit_sharing_and_attach`
//! (`waba_id`, `waba_currency`): a Solution Partner shares its credit line
//! with a client's WABA and attaches it as the WABA's payment method.
//! Meta answers `{"allocation_config_id", "waba_id"}`; its refusals are
//! `(#100) Invalid parameter`. `DELETE /{allocation-config-id}` revokes the
//! sharing (reading the allocation config is its descriptor's).

use serde_json::{Value, json};

use super::required;
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::world::whatsapp::credit_allocations::AllocationError;
use crate::world::whatsapp::credit_lines::{CreditLineError, WABA_CURRENCIES};

fn refusal(error: CreditLineError, waba_id: &str) -> GraphError {
    let message = match error {
        CreditLineError::Currency => format!(
            "Param waba_currency must be one of {{{}}}.",
            WABA_CURRENCIES.join(", ")
        ),
        CreditLineError::UnknownWaba => format!(
            "Param waba_id must be the id of a WhatsApp Business Account - got \"{waba_id}\"."
        ),
        CreditLineError::Revoked => {
            "Access to this credit line has been revoked: it cannot be shared.".to_owned()
        }
        CreditLineError::Invalid(invalid) => invalid.message,
        CreditLineError::UnknownBusiness
        | CreditLineError::UnknownCreditLine
        | CreditLineError::OtherBusiness
        | CreditLineError::TooMany => "The credit line cannot be shared.".to_owned(),
    };
    GraphError::invalid_parameter(message)
}

/// `POST /{extended-credit-id}/whatsapp_credit_sharing_and_attach`.
pub fn share_and_attach(op: Operation<'_>) -> Result<Value, GraphError> {
    let waba_id = required(op.request, "waba_id")?;
    let currency = required(op.request, "waba_currency")?;
    let allocation_config_id = op
        .sandbox
        .share_and_attach_credit_line(op.id, &waba_id, &currency)
        .map_err(|error| refusal(error, &waba_id))?;
    Ok(json!({ "allocation_config_id": allocation_config_id, "waba_id": waba_id }))
}

/// `DELETE /{allocation-config-id}`: the partner stops sharing its line with
/// the WABA; `{"success": true}`, once.
pub fn revoke(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox
        .delete_credit_allocation(op.id)
        .map_err(|AllocationError::Deleted| {
            GraphError::invalid_parameter("This credit sharing has been revoked already.")
        })?;
    Ok(json!({ "success": true }))
}
