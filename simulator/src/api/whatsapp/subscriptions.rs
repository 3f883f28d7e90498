//! `POST/GET/DELETE /{waba-id}/subscribed_apps`: the calling app subscribes to
//! (or leaves) the WABA's webhooks, optionally with a WABA-level callback
//! override and its verify token. Delivery itself is the webhook engine's job.

use serde_json::{Value, json};

use super::success;
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::world::auth::AccessToken;
use crate::world::sandbox::Sandbox;
use crate::world::webhooks::handshakes::HandshakeTarget;
use crate::world::whatsapp::accounts::WabaSubscription;

pub fn subscribe(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    waba_id: &str,
) -> Result<Value, GraphError> {
    let override_callback_uri = request
        .param_str("override_callback_uri")
        .filter(|u| !u.is_empty());
    let verify_token = request.param_str("verify_token").filter(|t| !t.is_empty());
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
    if let (Some(uri), Some(verify)) = (&override_callback_uri, &verify_token) {
        let previous = sandbox.wabas.get(waba_id).and_then(|w| {
            w.subscribed_apps
                .iter()
                .find(|s| s.app_id == token.app_id)
                .cloned()
        });
        let target = HandshakeTarget::WabaOverride {
            waba_id: waba_id.to_owned(),
            app_id: token.app_id.clone(),
            previous,
        };
        let (uri, verify) = (uri.clone(), verify.clone());
        sandbox.request_handshake(target, &uri, &verify);
    }
    let waba = sandbox
        .wabas
        .get_mut(waba_id)
        .ok_or_else(|| GraphError::unsupported("POST", waba_id))?;
    let subscription = WabaSubscription {
        app_id: token.app_id.clone(),
        override_callback_uri,
        verify_token,
    };
    match waba
        .subscribed_apps
        .iter_mut()
        .find(|s| s.app_id == token.app_id)
    {
        Some(existing) => *existing = subscription,
        None => waba.subscribed_apps.push(subscription),
    }
    Ok(success())
}

pub fn list(sandbox: &Sandbox, waba_id: &str) -> Result<Value, GraphError> {
    let waba = sandbox
        .wabas
        .get(waba_id)
        .ok_or_else(|| GraphError::unsupported("GET", waba_id))?;
    let data: Vec<Value> = waba
        .subscribed_apps
        .iter()
        .map(|subscription| {
            let name = sandbox
                .apps
                .get(&subscription.app_id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            let mut item = json!({ "whatsapp_business_api_data": {
                "id": subscription.app_id,
                "link": format!("https://www.facebook.com/games/?app_id={}", subscription.app_id),
                "name": name,
            }});
            if let Some(uri) = &subscription.override_callback_uri {
                item["override_callback_uri"] = json!(uri);
            }
            item
        })
        .collect();
    Ok(json!({ "data": data }))
}

pub fn unsubscribe(
    sandbox: &mut Sandbox,
    token: &AccessToken,
    waba_id: &str,
) -> Result<Value, GraphError> {
    let waba = sandbox
        .wabas
        .get_mut(waba_id)
        .ok_or_else(|| GraphError::unsupported("DELETE", waba_id))?;
    waba.subscribed_apps.retain(|s| s.app_id != token.app_id);
    Ok(success())
}
