//! `POST/GET/DELETE /{waba-id}/subscribed_apps`: the calling app subscribes to
//! (or leaves) the WABA's webhooks, optionally with a WABA-level callback
//! override and its verify token. Delivery itself is the webhook engine's job.

use serde_json::Value;

use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::waba::WabaSubscription;

pub fn subscribe(op: Operation<'_>) -> Result<Value, GraphError> {
    let override_callback_uri = op
        .request
        .param_str("override_callback_uri")
        .filter(|u| !u.is_empty());
    let verify_token = op
        .request
        .param_str("verify_token")
        .filter(|t| !t.is_empty());
    if let Some(uri) = &override_callback_uri {
        if !(uri.starts_with("https://") || uri.starts_with("http://")) {
            return Err(GraphError::invalid_parameter(
                "Param override_callback_uri must be a valid URL",
            ));
        }
        if verify_token.is_none() {
            return Err(GraphError::invalid_parameter(
                "The parameter verify_token is required with override_callback_uri",
            ));
        }
    }
    let subscription = WabaSubscription {
        app_id: op.token.app_id.clone(),
        override_callback_uri,
        verify_token,
    };
    op.sandbox.subscribe_app_to_waba(op.id, subscription);
    Ok(success())
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    Ok(op.sandbox.waba_subscribed_apps(op.id))
}

pub fn unsubscribe(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox
        .unsubscribe_app_from_waba(op.id, &op.token.app_id);
    Ok(success())
}
