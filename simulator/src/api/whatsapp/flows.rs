//! `POST /{waba-id}/flows`: create a WhatsApp Flow as a draft (or clone one of
//! the WABA's Flows). Reading them is the generic node and edge rendering of
//! the Flow descriptor.

use serde_json::{Value, json};

use super::required;
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::world::whatsapp::flows::{CATEGORIES, FlowError, NewFlow};

/// Meta's refusal of a Flow name another Flow of the WABA has.
pub fn flow_name_taken() -> GraphError {
    let mut error = GraphError::invalid_parameter("Invalid parameter");
    error.error_user_title = Some("Flow name is not unique".to_owned());
    error.error_user_msg =
        Some("Flow name should be unique within one WhatsApp Business Account.".to_owned());
    error
}

/// An endpoint must be an https URL; *metasim* also takes http on a
/// loopback host (`127.0.0.1`, `[::1]`, `localhost`), so that a test's local
/// endpoint needs no certificate.
pub fn check_endpoint_uri(uri: &str) -> Result<(), GraphError> {
    let loopback = reqwest::Url::parse(uri).is_ok_and(|url| {
        url.scheme() == "http"
            && matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
    });
    if uri.starts_with("https://") || loopback {
        Ok(())
    } else {
        Err(GraphError::invalid_parameter(
            "Param endpoint_uri must be an https URL",
        ))
    }
}

pub fn create(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let new = NewFlow {
        name: required(request, "name")?,
        categories: request.param_list("categories").unwrap_or_default(),
        endpoint_uri: request.param_str("endpoint_uri").filter(|u| !u.is_empty()),
        clone_flow_id: request
            .param_str("clone_flow_id")
            .filter(|id| !id.is_empty()),
        app_id: op.token.app_id.clone(),
    };
    if let Some(uri) = &new.endpoint_uri {
        check_endpoint_uri(uri)?;
    }
    let id = op.sandbox.create_flow(op.id, new).map_err(|error| match error {
        FlowError::NoCategories => {
            GraphError::invalid_parameter("The parameter categories is required")
        }
        FlowError::UnknownCategory(category) => GraphError::invalid_parameter(format!(
            "Param categories[0] must be one of {{{}}} - got \"{category}\".",
            CATEGORIES.join(", ")
        )),
        FlowError::UnknownSource(id) => GraphError::invalid_parameter(format!(
            "Param clone_flow_id must be the id of a Flow of this WhatsApp Business Account - got \"{id}\"."
        )),
        FlowError::NameTaken(_) => flow_name_taken(),
    })?;
    Ok(json!({ "id": id }))
}
