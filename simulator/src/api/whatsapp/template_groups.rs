//! Template groups: `POST /{waba-id}/template_groups` creates one (`name`,
//! `description`, `whatsapp_business_templates`), `POST /{template-group-id}`
//! renames, describes, adds (`add_templates`) and removes
//! (`remove_templates`) templates, `DELETE /{template-group-id}` deletes
//! it. Reading and listing them is the generic rendering of their
//! descriptor; their analytics are `analytics.rs`.

use serde_json::{Value, json};

use super::{required, short_text};
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::template_groups::{
    GroupChange, MAX_DESCRIPTION, MAX_GROUPS, MAX_NAME, MAX_TEMPLATES, TemplateGroupError,
};

pub fn create(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    required(request, "name")?;
    let name = name(request)?.unwrap_or_default();
    let description =
        short_text(request, "description", MAX_DESCRIPTION)?.filter(|d| !d.is_empty());
    let templates = template_ids(request, "whatsapp_business_templates")?.unwrap_or_default();
    if templates.is_empty() {
        return Err(GraphError::invalid_parameter(
            "The parameter whatsapp_business_templates is required",
        ));
    }
    let id = op
        .sandbox
        .create_template_group(op.id, name, description, &templates)
        .map_err(|error| refusal(error, "whatsapp_business_templates", op.id))?;
    Ok(json!({ "id": id }))
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    let change = GroupChange {
        name: name(request)?,
        description: short_text(request, "description", MAX_DESCRIPTION)?,
        add: template_ids(request, "add_templates")?.unwrap_or_default(),
        remove: template_ids(request, "remove_templates")?.unwrap_or_default(),
    };
    if change.name.is_none()
        && change.description.is_none()
        && change.add.is_empty()
        && change.remove.is_empty()
    {
        return Err(GraphError::invalid_parameter(
            "At least one of name, description, add_templates or remove_templates is required",
        ));
    }
    op.sandbox
        .update_template_group(op.id, change)
        .map_err(|error| refusal(error, "add_templates", op.id))?;
    Ok(success())
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    if op.sandbox.delete_template_group(op.id) {
        Ok(success())
    } else {
        Err(GraphError::unsupported("DELETE", op.id))
    }
}

/// The `name` parameter when given: not blank, at most [`MAX_NAME`] characters.
fn name(request: &GraphRequest) -> Result<Option<String>, GraphError> {
    match short_text(request, "name", MAX_NAME)? {
        Some(name) if name.trim().is_empty() => Err(GraphError::invalid_parameter(
            "Param name must be a non-empty string",
        )),
        other => Ok(other),
    }
}

/// A list of template ids: a JSON array of numbers or numeric strings (or a
/// string holding one), or a comma list; at most [`MAX_TEMPLATES`].
fn template_ids(request: &GraphRequest, name: &str) -> Result<Option<Vec<String>>, GraphError> {
    let bad = |got: &str| {
        GraphError::invalid_parameter(format!(
            "Param {name} must be a list of template ids - got \"{got}\"."
        ))
    };
    let value = match request.param(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.trim_start().starts_with('[') => {
            serde_json::from_str(&text).map_err(|_| bad(&text))?
        }
        Some(Value::String(text)) => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| json!(item))
            .collect(),
        Some(other) => other,
    };
    let items = match value {
        Value::Array(items) => items,
        single @ Value::Number(_) => vec![single],
        other => return Err(bad(&other.to_string())),
    };
    if items.len() > MAX_TEMPLATES {
        return Err(too_many_templates());
    }
    items
        .iter()
        .map(|item| match item {
            Value::Number(number) if number.is_u64() => Ok(number.to_string()),
            Value::String(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(id.clone())
            }
            Value::String(other) => Err(bad(other)),
            other => Err(bad(&other.to_string())),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn too_many_templates() -> GraphError {
    GraphError::invalid_parameter(format!(
        "A template group holds at most {MAX_TEMPLATES} templates"
    ))
}

/// Meta's answer to a refused create or update; `param` names the list of
/// templates added, `id` the node the call is on.
fn refusal(error: TemplateGroupError, param: &str, id: &str) -> GraphError {
    match error {
        TemplateGroupError::NameTaken => {
            let mut error = GraphError::invalid_parameter("Invalid parameter");
            error.error_user_title = Some("Template group name is not unique".to_owned());
            error.error_user_msg = Some(
                "Template group names must be unique within one WhatsApp Business Account."
                    .to_owned(),
            );
            error
        }
        TemplateGroupError::NotATemplate(template) => GraphError::invalid_parameter(format!(
            "Param {param} must name templates of this WhatsApp Business Account - got \"{template}\"."
        )),
        TemplateGroupError::InAnotherGroup { template_id, group } => {
            let mut error = GraphError::invalid_parameter("Invalid parameter");
            error.error_user_title = Some("Template already in a template group".to_owned());
            error.error_user_msg = Some(format!(
                "Template {template_id} is in the template group \"{group}\": a template can be part of one template group at a time."
            ));
            error
        }
        TemplateGroupError::NotInGroup(template) => GraphError::invalid_parameter(format!(
            "Param remove_templates must name templates of this template group - got \"{template}\"."
        )),
        TemplateGroupError::TooManyTemplates => too_many_templates(),
        TemplateGroupError::TooManyGroups => GraphError::invalid_parameter(format!(
            "A WhatsApp Business Account has at most {MAX_GROUPS} template groups"
        )),
        TemplateGroupError::NotFound => GraphError::unsupported("POST", id),
    }
}
