//! `POST/GET/DELETE /{ig-user-id}/subscribed_apps` with the account's
//! Instagram-login token: the calling app takes the account's `instagram`
//! webhooks for `subscribed_fields` (if also subscribed to them at the app
//! level) — the Instagram-login way, without a Page.

use serde_json::{Value, json};

use super::require_acting_for;
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::webhooks::subscriptions::{WebhookObject, known_fields};

pub fn subscribe(op: Operation<'_>) -> Result<Value, GraphError> {
    require_acting_for(&op, op.id)?;
    let mut fields = op
        .request
        .param_list("subscribed_fields")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| {
            GraphError::invalid_parameter("The parameter subscribed_fields is required")
        })?;
    let known = known_fields(WebhookObject::Instagram);
    if let Some(unknown) = fields.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(GraphError::invalid_parameter(format!(
            "Param subscribed_fields[0] must be one of {{{}}} - got \"{unknown}\".",
            known.join(", ")
        )));
    }
    fields.sort();
    fields.dedup();
    if let Some(account) = op.sandbox.instagram.accounts.get_mut(op.id) {
        account
            .subscribed_apps
            .insert(op.token.app_id.clone(), fields);
    }
    Ok(success())
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    require_acting_for(&op, op.id)?;
    let data: Vec<Value> = op
        .sandbox
        .instagram
        .accounts
        .get(op.id)
        .map(|account| {
            account
                .subscribed_apps
                .iter()
                .map(|(app, fields)| json!({ "subscribed_fields": fields, "id": app }))
                .collect()
        })
        .unwrap_or_default();
    Ok(json!({ "data": data }))
}

pub fn unsubscribe(op: Operation<'_>) -> Result<Value, GraphError> {
    require_acting_for(&op, op.id)?;
    if let Some(account) = op.sandbox.instagram.accounts.get_mut(op.id) {
        account.subscribed_apps.remove(&op.token.app_id);
    }
    Ok(success())
}
