//! Template management endpoints: `POST/DELETE /{waba-id}/message_templates`,
//! `POST /{template-id}` (edit), `POST /{template-id}/unpause`, and the
//! authentication texts of `GET /{waba-id}/message_template_previews`.
//! Listing and reading go through the generic Graph renderer
//! (`GET /{waba-id}/message_templates`, `GET /{template-id}`).

use serde_json::{Value, json};

use super::{flag, required};
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::templates::details::TemplateDetails;
use crate::world::whatsapp::templates::lifecycle::{NewTemplate, TemplateError};
use crate::world::whatsapp::templates::previews::{
    CODE_EXPIRATION_MAX, PreviewRequest, authentication_previews,
};

fn refusal(error: TemplateError) -> GraphError {
    match error {
        TemplateError::Invalid(detail) => GraphError::invalid_parameter(detail),
        TemplateError::Duplicate { name, language } => {
            let mut error =
                GraphError::invalid_parameter("Invalid parameter").with_subcode(2388024);
            error.error_user_title = Some("Content in This Language Already Exists".to_owned());
            error.error_user_msg = Some(format!(
                "There is already {language} content for the template {name}. Create a new template or edit this one."
            ));
            error
        }
        TemplateError::CreationRate => GraphError::invalid_parameter(
            "This WhatsApp Business Account has created 100 message templates in the last hour; try again later",
        ),
        TemplateError::TooMany => GraphError::invalid_parameter(
            "This WhatsApp Business Account has reached its limit of 250 message templates",
        ),
        TemplateError::InvalidHandle(index) => {
            let mut error =
                GraphError::invalid_parameter("Invalid parameter").with_subcode(2494102);
            error.error_user_title = Some("Uploaded Media Handle Is Invalid".to_owned());
            error.error_user_msg = Some(format!(
                "components[{index}]: example.header_handle must be a handle of a complete upload (POST /{{app-id}}/uploads) of a type the header's format takes."
            ));
            error
        }
        TemplateError::NotFound => {
            GraphError::invalid_parameter("No message template matches the given name and id")
        }
    }
}

fn components(request: &GraphRequest) -> Result<Option<Value>, GraphError> {
    request.param_json("components").transpose()
}

pub fn create(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, waba_id) = (op.sandbox, op.request, op.id);
    let new = NewTemplate {
        name: required(request, "name")?,
        language: required(request, "language")?,
        category: required(request, "category")?,
        components: components(request)?
            .ok_or_else(|| GraphError::invalid_parameter("The parameter components is required"))?,
        details: details(request)?,
    };
    let template = sandbox.create_template(waba_id, new).map_err(refusal)?;
    Ok(json!({ "id": template.id, "status": template.status, "category": template.category }))
}

/// The optional create parameters beyond the content.
fn details(request: &GraphRequest) -> Result<TemplateDetails, GraphError> {
    let ttl = match request.param_str("message_send_ttl_seconds") {
        Some(text) => Some(text.trim().parse::<i64>().map_err(|_| {
            GraphError::invalid_parameter("Param message_send_ttl_seconds must be an integer")
        })?),
        None => None,
    };
    let opted_out = match request
        .param_str("cta_url_link_tracking_opted_out")
        .as_deref()
    {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param cta_url_link_tracking_opted_out must be a boolean - got \"{other}\"."
            )));
        }
    };
    Ok(TemplateDetails {
        message_send_ttl_seconds: ttl,
        cta_url_link_tracking_opted_out: opted_out,
        degrees_of_freedom_spec: request.param_json("degrees_of_freedom_spec").transpose()?,
        previous_category: None,
        pauses: 0,
        paused_at: None,
    })
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, waba_id) = (op.sandbox, op.request, op.id);
    let name = required(request, "name")?;
    let id = request.param_str("hsm_id");
    sandbox
        .delete_templates(waba_id, &name, id.as_deref())
        .map_err(refusal)?;
    Ok(success())
}

pub fn edit(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, template_id) = (op.sandbox, op.request, op.id);
    let components = components(request)?;
    let category = request.param_str("category");
    if components.is_none() && category.is_none() {
        return Err(GraphError::invalid_parameter(
            "The parameter components or category is required",
        ));
    }
    sandbox
        .edit_template(template_id, components, category)
        .map_err(refusal)?;
    Ok(success())
}

/// `POST /{template-id}/unpause`: `{"success": true}`, or `{"success":
/// false, "reason"}` when the template is not paused or was paused less
/// than 5 minutes ago.
pub fn unpause(op: Operation<'_>) -> Result<Value, GraphError> {
    Ok(match op.sandbox.unpause_template(op.id) {
        Ok(()) => success(),
        Err(reason) => json!({ "success": false, "reason": reason }),
    })
}

/// `GET /{waba-id}/message_template_previews?category=AUTHENTICATION&language=…`:
/// Meta's preset authentication texts.
pub fn previews(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let category = required(request, "category")?;
    if category != "AUTHENTICATION" {
        return Err(GraphError::invalid_parameter(format!(
            "Param category must be one of {{AUTHENTICATION}} - got \"{category}\"."
        )));
    }
    let languages = request
        .param_list("language")
        .or_else(|| request.param_list("languages"))
        .filter(|l| !l.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter language is required"))?;
    let minutes = match request.param_str("code_expiration_minutes") {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=CODE_EXPIRATION_MAX).contains(m))
                .ok_or_else(|| {
                    GraphError::invalid_parameter(format!(
                        "Param code_expiration_minutes must be between 1 and {CODE_EXPIRATION_MAX}"
                    ))
                })?,
        ),
    };
    let preview = PreviewRequest {
        languages,
        add_security_recommendation: flag(request, "add_security_recommendation")?.unwrap_or(false),
        code_expiration_minutes: minutes,
    };
    Ok(authentication_previews(&preview))
}
