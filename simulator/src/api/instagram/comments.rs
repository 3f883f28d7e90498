//! Answering on the account's posts: `POST /{ig-media-id}/comments` and
//! `POST /{ig-comment-id}/replies` with `message`, as the post's owner (the
//! connected Page's token or the account's Instagram-login token, with
//! `instagram_manage_comments`) → `{"id"}`.

use serde_json::{Value, json};

use super::require_acting_for;
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::api::send_api::requires_permission;

const MANAGE_COMMENTS: &str = "instagram_manage_comments";

/// Comment `message` on `media_id` as its owner (answering `parent`).
fn post(op: Operation<'_>, media_id: &str, parent: Option<&str>) -> Result<Value, GraphError> {
    let owner = op
        .sandbox
        .instagram
        .media
        .get(media_id)
        .map(|m| m.owner.clone())
        .ok_or_else(|| GraphError::unsupported("POST", op.id))?;
    require_acting_for(&op, &owner)?;
    if !op.token.has_scope(MANAGE_COMMENTS) {
        return Err(requires_permission(MANAGE_COMMENTS));
    }
    let message = op
        .request
        .param_str("message")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter message is required"))?;
    let id = op
        .sandbox
        .comment_on_instagram(&owner, media_id, &message, parent)
        .map_err(|invalid| GraphError::invalid_parameter(format!("Param {invalid}")))?;
    Ok(json!({ "id": id }))
}

pub fn comment(op: Operation<'_>) -> Result<Value, GraphError> {
    let media_id = op.id.to_owned();
    post(op, &media_id, None)
}

pub fn reply(op: Operation<'_>) -> Result<Value, GraphError> {
    let comment = op
        .sandbox
        .instagram
        .comments
        .get(op.id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("POST", op.id))?;
    if comment.parent_id.is_some() {
        return Err(GraphError::invalid_parameter(
            "Replies can only be made to top-level comments",
        ));
    }
    post(op, &comment.media_id, Some(&comment.id))
}
