//! `POST /{waba-id}`: update a WABA — its name and time zone, template
//! analytics, marketing templates on the Cloud API, template
//! auto-archival, the purchase order number and the WABA-level creative
//! optimisations. Reading it is the generic rendering of its descriptor.

use serde_json::Value;

use super::flag;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::waba_settings::WabaUpdate;

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let update = WabaUpdate {
        name: request.param_str("name"),
        timezone_id: request.param_str("timezone_id"),
        is_enabled_for_insights: flag(request, "is_enabled_for_insights")?,
        disable_marketing_messages_on_cloud_api: flag(
            request,
            "disable_marketing_messages_on_cloud_api",
        )?,
        template_auto_archival_enabled: flag(request, "template_auto_archival_enabled")?,
        purchase_order_number: request.param_str("purchase_order_number"),
        degrees_of_freedom_spec: request.param_json("degrees_of_freedom_spec").transpose()?,
    };
    op.sandbox
        .update_waba(op.id, update)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
