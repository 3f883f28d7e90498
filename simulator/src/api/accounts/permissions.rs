//! `GET /me/permissions` (or `/{user-id}/permissions` with that user's
//! token): the permissions the user granted the token's app, each
//! `{"permission", "status": "granted"}`, in the order the token lists them.
//! Another user's permissions are invisible (100/33), as on Meta.

use serde_json::{Value, json};

use crate::api::error::GraphError;
use crate::api::routes::Operation;

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    if op.token.subject_id != op.id {
        return Err(GraphError::unsupported("GET", op.id));
    }
    let data: Vec<Value> = op
        .token
        .scopes
        .iter()
        .map(|scope| json!({ "permission": scope, "status": "granted" }))
        .collect();
    Ok(json!({ "data": data }))
}
