//! `GET/POST/DELETE /{app-id}/subscriptions` (with the app's access token):
//! which objects and fields the app receives, at which callback URL. Saving
//! one triggers Meta's verification handshake before the call answers.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::handshakes::HandshakeTarget;
use crate::world::webhooks::subscriptions::{AppSubscription, known_fields};

fn require_app_token(token: &AccessToken, app_id: &str) -> Result<(), GraphError> {
    if token.kind == TokenKind::App && token.app_id == app_id {
        Ok(())
    } else {
        Err(GraphError::new(
            400,
            "OAuthException",
            15,
            "(#15) This method must be called with an app access_token.",
        ))
    }
}

pub fn subscribe(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    app_id: &str,
) -> Result<Value, GraphError> {
    require_app_token(token, app_id)?;
    let object = request
        .param_str("object")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter object is required"))?;
    let known = known_fields(&object).ok_or_else(|| {
        GraphError::invalid_parameter(format!(
            "Param object must be one of {{whatsapp_business_account, page, instagram, user}} - got \"{object}\"."
        ))
    })?;
    let callback_url = request
        .param_str("callback_url")
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .ok_or_else(|| GraphError::invalid_parameter("Param callback_url must be a valid URL"))?;
    let verify_token = request
        .param_str("verify_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter verify_token is required"))?;
    let fields = request
        .param_list("fields")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter fields is required"))?;
    if let Some(unknown) = fields.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(GraphError::invalid_parameter(format!(
            "Invalid field \"{unknown}\" for object \"{object}\""
        )));
    }
    let include_values = request
        .param_str("include_values")
        .is_some_and(|v| v == "true");
    let previous = sandbox.save_subscription(
        app_id,
        AppSubscription {
            object: object.clone(),
            callback_url: callback_url.clone(),
            verify_token: verify_token.clone(),
            fields,
            include_values,
            active: false,
        },
    );
    sandbox.request_handshake(
        HandshakeTarget::AppSubscription {
            app_id: app_id.to_owned(),
            object,
            previous,
        },
        &callback_url,
        &verify_token,
    );
    Ok(json!({ "success": true }))
}

pub fn list(
    sandbox: &Sandbox,
    token: &AccessToken,
    app_id: &str,
    version: &str,
) -> Result<Value, GraphError> {
    require_app_token(token, app_id)?;
    let data: Vec<Value> = sandbox
        .webhooks
        .subscriptions
        .0
        .get(app_id)
        .into_iter()
        .flat_map(|objects| objects.values())
        .map(|s| {
            json!({
                "object": s.object,
                "callback_url": s.callback_url,
                "active": s.active,
                "fields": s.fields.iter().map(|f| json!({ "name": f, "version": version })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({ "data": data }))
}

pub fn unsubscribe(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    app_id: &str,
) -> Result<Value, GraphError> {
    require_app_token(token, app_id)?;
    let object = request.param_str("object");
    let fields = request.param_list("fields");
    sandbox.remove_subscription(app_id, object.as_deref(), fields.as_deref());
    Ok(json!({ "success": true }))
}
