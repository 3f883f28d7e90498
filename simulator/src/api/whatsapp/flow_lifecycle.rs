//! The Flow lifecycle endpoints: `POST /{flow-id}` (metadata), `DELETE
//! /{flow-id}`, `GET/POST /{flow-id}/assets` (the Flow JSON: listed with a
//! download URL, uploaded as a multipart `file` with `name` and
//! `asset_type=FLOW_JSON`), `POST /{flow-id}/publish`, `POST
//! /{flow-id}/deprecate`, and `POST /{waba-id}/migrate_flows`. Refusals carry
//! Meta's Flow error codes (139001–139004).

use serde_json::{Value, json};

use super::flows::{check_endpoint_uri, flow_name_taken};
use super::media::DOWNLOAD_PATH;
use super::required;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::flow_lifecycle::{FlowStepError, FlowUpdate};

/// The most a Flow JSON file may weigh (Meta: 10 MB).
const FLOW_JSON_MAX: usize = 10 * 1024 * 1024;

fn refusal(error: FlowStepError) -> GraphError {
    match error {
        FlowStepError::Invalid(detail) => GraphError::invalid_parameter(detail),
        FlowStepError::NameTaken => flow_name_taken(),
        FlowStepError::Refused(code, message) => {
            GraphError::new(400, "OAuthException", code, format!("(#{code}) {message}"))
        }
    }
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let update = FlowUpdate {
        name: request.param_str("name").filter(|n| !n.trim().is_empty()),
        categories: request.param_list("categories"),
        endpoint_uri: request.param_str("endpoint_uri"),
    };
    if let Some(uri) = update.endpoint_uri.as_ref().filter(|u| !u.is_empty()) {
        check_endpoint_uri(uri)?;
    }
    if update == FlowUpdate::default() {
        return Err(GraphError::invalid_parameter(
            "The parameter name, categories or endpoint_uri is required",
        ));
    }
    op.sandbox.update_flow(op.id, update).map_err(refusal)?;
    Ok(success())
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox.delete_flow(op.id).map_err(refusal)?;
    Ok(success())
}

pub fn publish(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox.publish_flow(op.id).map_err(refusal)?;
    Ok(success())
}

pub fn deprecate(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox.deprecate_flow(op.id).map_err(refusal)?;
    Ok(success())
}

/// `{"data": [{"name", "asset_type": "FLOW_JSON", "download_url"}]}`; the
/// URL downloads with a token of the sandbox, as media URLs do.
pub fn assets(op: Operation<'_>) -> Result<Value, GraphError> {
    let sandbox = &*op.sandbox;
    let Some(json) = sandbox
        .whatsapp
        .flows
        .get(op.id)
        .and_then(|f| f.json.as_ref())
    else {
        return Ok(json!({ "data": [] }));
    };
    let url = format!(
        "{}{DOWNLOAD_PATH}?{}",
        crate::intercept::media_base_url(&op.request.base_url),
        sandbox.media_url_query(op.id)
    );
    Ok(json!({ "data": [{ "name": json.name, "asset_type": "FLOW_JSON", "download_url": url }] }))
}

pub fn upload_asset(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let asset_type = required(request, "asset_type")?;
    if asset_type != "FLOW_JSON" {
        return Err(GraphError::invalid_parameter(format!(
            "Param asset_type must be one of {{FLOW_JSON}} - got \"{asset_type}\"."
        )));
    }
    let name = required(request, "name")?;
    let file = request
        .files
        .iter()
        .find(|f| f.field == "file")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter file is required"))?;
    if file.bytes.len() > FLOW_JSON_MAX {
        return Err(GraphError::invalid_parameter(
            "The Flow JSON file is larger than 10 MB",
        ));
    }
    let text = String::from_utf8_lossy(&file.bytes);
    let errors = op
        .sandbox
        .upload_flow_json(op.id, &name, &text)
        .map_err(refusal)?;
    Ok(json!({ "success": true, "validation_errors": errors }))
}

pub fn migrate(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let source = required(request, "source_waba_id")?;
    let owner = |waba: &str| op.sandbox.whatsapp.wabas.get(waba).map(|w| &w.business_id);
    let same_portfolio = owner(&source).is_some() && owner(&source) == owner(op.id);
    if source == op.id
        || !same_portfolio
        || !op
            .token
            .scope_covers("whatsapp_business_management", &source)
    {
        return Err(GraphError::invalid_parameter(
            "Param source_waba_id must be another WhatsApp Business Account of the same business portfolio that this token manages",
        ));
    }
    let names = request.param_list("source_flow_names").unwrap_or_default();
    let migration = op.sandbox.migrate_flows(op.id, &source, &names);
    let migrated: Vec<Value> = migration
        .migrated
        .iter()
        .map(|(source_id, name, id)| {
            json!({ "source_name": name, "source_id": source_id, "migrated_id": id })
        })
        .collect();
    let failed: Vec<Value> = migration
        .failed
        .iter()
        .map(|(name, code, message)| {
            json!({ "source_name": name, "error_code": code, "error_message": message })
        })
        .collect();
    Ok(json!({ "migrated_flows": migrated, "failed_flows": failed }))
}
