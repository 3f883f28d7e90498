//! `GET/POST/DELETE /{page-id}/messenger_profile` (and `/me/messenger_profile`)
//! with the Page's token: read chosen properties (`fields` is required), set
//! some, delete some. Writes answer `{"result": "success"}`.

use serde_json::{Map, Value, json};

use super::require_pages_messaging;
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::world::messenger::profile::PROPERTIES;

fn success() -> Value {
    json!({ "result": "success" })
}

/// The `fields` list, required.
fn fields(op: &Operation<'_>) -> Result<Vec<String>, GraphError> {
    op.request
        .param_list("fields")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter fields is required"))
}

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    require_pages_messaging(op.token)?;
    let wanted = fields(&op)?;
    if let Some(unknown) = wanted.iter().find(|f| !PROPERTIES.contains(&f.as_str())) {
        return Err(GraphError::invalid_parameter(format!(
            "Param fields[{unknown}] must be one of {{{}}}",
            PROPERTIES.join(", ")
        )));
    }
    let profile = op.sandbox.messenger.profiles.get(op.id);
    let set: Map<String, Value> = wanted
        .iter()
        .filter_map(|name| Some((name.clone(), profile?.0.get(name)?.clone())))
        .collect();
    let data = if set.is_empty() {
        vec![]
    } else {
        vec![Value::Object(set)]
    };
    Ok(json!({ "data": data }))
}

pub fn set(op: Operation<'_>) -> Result<Value, GraphError> {
    require_pages_messaging(op.token)?;
    let mut properties = Vec::new();
    for name in PROPERTIES {
        if let Some(value) = op.request.param_json(name) {
            properties.push((name.to_owned(), value?));
        }
    }
    op.sandbox
        .set_messenger_profile(op.id, properties)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    require_pages_messaging(op.token)?;
    let names = fields(&op)?;
    op.sandbox
        .delete_messenger_profile(op.id, &names)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}
