//! `GET/POST /{phone-number-id}/whatsapp_business_profile`: the business
//! profile as a one-element `data` array, and partial updates with Meta's
//! limits.

use serde_json::{Map, Value, json};

use super::require_whatsapp_product;
use crate::api::error::GraphError;
use crate::api::fields::parse_known_fields;
use crate::api::routes::{Operation, success};
use crate::world::links::whatsapp_page::{ProfileEditError, ProfileEditor};
use crate::world::whatsapp::derived_nodes::profile_id;
use crate::world::whatsapp::profile::{PROFILE_FIELDS, ProfileUpdate, TEXT_FIELDS};

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, phone_number_id) = (op.sandbox, op.request, op.id);
    let selection = parse_known_fields(
        &request.param_str("fields").unwrap_or_default(),
        PROFILE_FIELDS,
        "WhatsAppBusinessProfile",
    )?;
    let profile = sandbox
        .whatsapp
        .phone_numbers
        .get(phone_number_id)
        .map(|p| p.profile.clone())
        .unwrap_or_default();
    let mut element = Map::new();
    element.insert("messaging_product".into(), json!("whatsapp"));
    for (name, value) in profile.fields() {
        if selection
            .as_ref()
            .is_none_or(|fields| fields.iter().any(|f| f.name == name))
        {
            element.insert(name.into(), value);
        }
    }
    if selection.iter().flatten().any(|f| f.name == "id") {
        element.insert("id".into(), json!(profile_id(phone_number_id)));
    }
    Ok(json!({ "data": [element] }))
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, phone_number_id) = (op.sandbox, op.request, op.id);
    require_whatsapp_product(request)?;
    let mut update = ProfileUpdate::default();
    for (field, _) in TEXT_FIELDS {
        if let Some(value) = request.param_str(field) {
            update.texts.push((field.to_owned(), value));
        }
    }
    if let Some(websites) = request.param_json("websites") {
        let websites = websites?;
        let list = websites
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .map(|w| w.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                GraphError::invalid_parameter("Param websites must be an array of URLs")
            })?;
        update.websites = Some(list);
    }
    update.vertical = request.param_str("vertical");
    update.picture_handle = request.param_str("profile_picture_handle");
    // An edit through the API has no one to warn: a synced field edited
    // here stops the Page sync at once (docs/linking.md).
    match sandbox.edit_whatsapp_profile(phone_number_id, update, ProfileEditor::CloudApi) {
        Ok(_) => Ok(success()),
        Err(ProfileEditError::Invalid(detail)) => {
            Err(GraphError::invalid_parameter(format!("Param {detail}")))
        }
        Err(ProfileEditError::UnknownPhone(_) | ProfileEditError::WouldStopSync { .. }) => {
            Err(GraphError::unsupported("POST", phone_number_id))
        }
    }
}
