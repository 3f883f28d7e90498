//! `POST/GET/DELETE /{page-id}/subscribed_apps` with the Page's access token:
//! install the calling app on the Page for some webhook fields (`page` object
//! changes then reach it, if the app also subscribed to those fields), list
//! the installed apps, uninstall.

use serde_json::{Value, json};

use super::require_page_token;
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::world::auth::AccessToken;
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::subscriptions::known_fields;

pub fn install(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    page_id: &str,
) -> Result<Value, GraphError> {
    require_page_token(token, page_id)?;
    let mut fields = request
        .param_list("subscribed_fields")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| {
            GraphError::invalid_parameter("The parameter subscribed_fields is required")
        })?;
    let known = known_fields("page").unwrap_or_default();
    if let Some(unknown) = fields.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(GraphError::invalid_parameter(format!(
            "Param subscribed_fields[0] must be one of {{{}}} - got \"{unknown}\".",
            known.join(", ")
        )));
    }
    fields.sort();
    fields.dedup();
    let page = sandbox
        .pages
        .get_mut(page_id)
        .ok_or_else(|| GraphError::unsupported("POST", page_id))?;
    page.subscribed_apps.insert(token.app_id.clone(), fields);
    Ok(json!({ "success": true }))
}

pub fn list(sandbox: &Sandbox, token: &AccessToken, page_id: &str) -> Result<Value, GraphError> {
    require_page_token(token, page_id)?;
    let page = sandbox
        .pages
        .get(page_id)
        .ok_or_else(|| GraphError::unsupported("GET", page_id))?;
    let data: Vec<Value> = page
        .subscribed_apps
        .iter()
        .map(|(app_id, fields)| {
            let name = sandbox
                .apps
                .get(app_id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            json!({
                "category": "Business",
                "link": format!("https://www.facebook.com/games/?app_id={app_id}"),
                "name": name,
                "id": app_id,
                "subscribed_fields": fields,
            })
        })
        .collect();
    Ok(json!({ "data": data }))
}

pub fn uninstall(
    sandbox: &mut Sandbox,
    token: &AccessToken,
    page_id: &str,
) -> Result<Value, GraphError> {
    require_page_token(token, page_id)?;
    let page = sandbox
        .pages
        .get_mut(page_id)
        .ok_or_else(|| GraphError::unsupported("DELETE", page_id))?;
    page.subscribed_apps.remove(&token.app_id);
    Ok(json!({ "success": true }))
}
