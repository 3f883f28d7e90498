//! `GET/POST/DELETE /{app-id}/subscriptions` (with the app's access token):
//! which objects and fields the app receives, at which callback URL. Saving
//! one triggers Meta's verification handshake before the call answers.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::webhooks::handshakes::HandshakeTarget;
use crate::world::webhooks::subscriptions::{AppSubscription, WebhookObject, known_fields};

pub fn subscribe(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, app_id) = (op.sandbox, op.request, op.id);
    let name = request
        .param_str("object")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter object is required"))?;
    let object = WebhookObject::parse(&name).ok_or_else(|| {
        GraphError::invalid_parameter(format!(
            "Param object must be one of {{{}}} - got \"{name}\".",
            WebhookObject::names()
        ))
    })?;
    let known = known_fields(object);
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
            object,
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

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, app_id, version) = (op.sandbox, op.id, op.version);
    let version = version.to_string();
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
                "fields": s.fields.iter().map(|f| json!({ "name": f, "version": &version })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({ "data": data }))
}

pub fn unsubscribe(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, app_id) = (op.sandbox, op.request, op.id);
    let fields = request.param_list("fields");
    match request
        .param_str("object")
        .map(|name| WebhookObject::parse(&name))
    {
        // An object Meta has no webhooks for has nothing to remove.
        Some(None) => {}
        Some(Some(object)) => sandbox.remove_subscription(app_id, Some(object), fields.as_deref()),
        None => sandbox.remove_subscription(app_id, None, fields.as_deref()),
    }
    Ok(success())
}
