//! The WhatsApp Cloud API and Business Management API endpoints: handlers that
//! read parameters the way Meta does, call the world, and map refusals to
//! Meta's error codes.

pub mod analytics;
pub mod automation;
pub mod block_users;
pub mod calls;
pub mod commerce;
pub mod compliance;
pub mod contact_book;
pub mod credit_sharing;
pub mod derived_nodes;
pub mod encrypted_messages;
pub mod encryption;
pub mod flow_lifecycle;
pub mod flow_metric;
pub mod flows;
pub mod group_pins;
pub mod groups;
pub mod history;
pub mod media;
pub mod media_download;
pub mod message_checks;
pub mod messages;
pub mod oba;
pub mod parent_bsuids;
pub mod phone_number;
pub mod preverified;
pub mod profile;
pub mod qr_codes;
pub mod registration;
pub mod routes;
pub mod settings;
pub mod smb_app_data;
pub mod solutions;
pub mod subscriptions;
pub mod template_groups;
pub mod templates;
pub mod user_refs;
pub mod usernames;
pub mod waba;
pub mod waba_admin;

use super::error::GraphError;
use super::request::GraphRequest;

/// A required text parameter, or `(#100) The parameter {name} is required`.
pub fn required(request: &GraphRequest, name: &str) -> Result<String, GraphError> {
    request
        .param_str(name)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| GraphError::invalid_parameter(format!("The parameter {name} is required")))
}

/// An optional text parameter of at most `max` characters.
pub fn short_text(
    request: &GraphRequest,
    name: &str,
    max: usize,
) -> Result<Option<String>, GraphError> {
    match request.param_str(name) {
        Some(text) if text.chars().count() > max => Err(GraphError::invalid_parameter(format!(
            "Param {name} must be at most {max} characters long"
        ))),
        other => Ok(other),
    }
}

/// An optional boolean parameter (`true`/`false`, as JSON or text).
pub fn flag(request: &GraphRequest, name: &str) -> Result<Option<bool>, GraphError> {
    match request.param_str(name).as_deref() {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(GraphError::invalid_parameter(format!(
            "Param {name} must be a boolean - got \"{other}\"."
        ))),
    }
}

/// `messaging_product` must be present and be `whatsapp`.
pub fn require_whatsapp_product(request: &GraphRequest) -> Result<(), GraphError> {
    let product = required(request, "messaging_product")?;
    if product == "whatsapp" {
        Ok(())
    } else {
        Err(GraphError::invalid_parameter(format!(
            "Param messaging_product must be one of {{whatsapp}} - got \"{product}\"."
        )))
    }
}
