//! `POST/GET/DELETE /{page-id}/subscribed_apps` with the Page's access token:
//! install the calling app on the Page for some webhook fields (`page` object
//! changes then reach it, if the app also subscribed to those fields), list
//! the installed apps, uninstall.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::api::routes::success;
use crate::world::accounts::App;

pub fn install(op: Operation<'_>) -> Result<Value, GraphError> {
    let fields = op
        .request
        .param_list("subscribed_fields")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| {
            GraphError::invalid_parameter("The parameter subscribed_fields is required")
        })?;
    op.sandbox
        .install_page_app(op.id, &op.token.app_id, fields)
        .map_err(|invalid| GraphError::invalid_parameter(invalid.message))?;
    Ok(success())
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let sandbox = &*op.sandbox;
    let page = sandbox
        .pages
        .pages
        .get(op.id)
        .ok_or_else(|| GraphError::unsupported("GET", op.id))?;
    let data: Vec<Value> = page
        .subscribed_apps
        .iter()
        .map(|(app_id, fields)| {
            json!({
                "category": "Business",
                "link": App::link(app_id),
                "name": sandbox.accounts.app_name(app_id),
                "id": app_id,
                "subscribed_fields": fields,
            })
        })
        .collect();
    Ok(json!({ "data": data }))
}

pub fn uninstall(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox.uninstall_page_app(op.id, &op.token.app_id);
    Ok(success())
}
