//! `GET/POST /{phone-number-id}/business_compliance_info`: the legal
//! entity, its type and registration, and the grievance officer's and
//! customer care's contacts (India's consumer rules).

use serde_json::Value;

use super::require_whatsapp_product;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::compliance::{ComplianceContact, ComplianceInfo};

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    Ok(op.sandbox.compliance_json(op.id))
}

fn contact(op: &Operation<'_>, name: &str) -> Result<ComplianceContact, GraphError> {
    let value = op.request.param_json(name).ok_or_else(|| {
        GraphError::invalid_parameter(format!("The parameter {name} is required"))
    })??;
    serde_json::from_value(value)
        .map_err(|e| GraphError::invalid_parameter(format!("Param {name} is not valid: {e}")))
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    require_whatsapp_product(request)?;
    let text = |name: &str| {
        request.param_str(name).ok_or_else(|| {
            GraphError::invalid_parameter(format!("The parameter {name} is required"))
        })
    };
    let info = ComplianceInfo {
        entity_name: text("entity_name")?,
        entity_type: text("entity_type")?,
        entity_type_custom: request.param_str("entity_type_custom"),
        is_registered: request.param_str("is_registered").as_deref() == Some("true"),
        grievance_officer_details: contact(&op, "grievance_officer_details")?,
        customer_care_details: contact(&op, "customer_care_details")?,
    };
    op.sandbox
        .set_compliance_info(op.id, info)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
