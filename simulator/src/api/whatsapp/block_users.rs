//! `GET/POST/DELETE /{phone-number-id}/block_users`: the number's block list.
//! `block_users: [{"user": "<phone or wa_id>"}]` (at most 1,000); each user
//! is blocked or unblocked on its own: all done → 200 `{"messaging_product",
//! "block_users": {"added_users"|"removed_users": [{"input", "wa_id"}]}}`;
//! some failed → HTTP 400 with the same member, `failed_users` (each with its
//! `errors`), and Meta's 139100 error beside it.

use serde_json::{Map, Value, json};

use super::require_whatsapp_product;
use crate::api::error::GraphError;
use crate::api::lists::paged;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::block_list::{BLOCK_REQUEST_MAX, BlockFailure};

/// The `user` of each `block_users` entry.
fn users(request: &GraphRequest) -> Result<Vec<String>, GraphError> {
    require_whatsapp_product(request)?;
    let list = request
        .param_json("block_users")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter block_users is required"))??;
    let entries = list
        .as_array()
        .filter(|entries| !entries.is_empty())
        .ok_or_else(|| {
            GraphError::invalid_parameter("Param block_users must be a non-empty array")
        })?;
    if entries.len() > BLOCK_REQUEST_MAX {
        return Err(GraphError::whatsapp(
            130429,
            "Rate limit hit",
            "Too many users in one request: at most 1000.",
        ));
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            entry
                .get("user")
                .and_then(Value::as_str)
                .filter(|user| !user.trim().is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    GraphError::invalid_parameter(format!(
                        "The parameter block_users[{i}]['user'] is required"
                    ))
                })
        })
        .collect()
}

/// The answer: 200 when every user succeeded, Meta's 139100 otherwise.
fn answer(done_key: &str, done: Vec<Value>, failed: Vec<Value>) -> Result<Value, GraphError> {
    let mut lists = Map::new();
    lists.insert(done_key.into(), Value::Array(done));
    if failed.is_empty() {
        return Ok(json!({ "messaging_product": "whatsapp", "block_users": lists }));
    }
    lists.insert("failed_users".into(), Value::Array(failed));
    let mut siblings = Map::new();
    siblings.insert("messaging_product".into(), json!("whatsapp"));
    siblings.insert("block_users".into(), Value::Object(lists));
    let verb = if done_key == "added_users" {
        "block"
    } else {
        "unblock"
    };
    Err(GraphError::whatsapp(
        139100,
        "Failed to block/unblock users",
        &format!("Failed to {verb} some users, see the block_users response list for details"),
    )
    .with_siblings(siblings))
}

fn failure(input: &str, wa_id: Option<&str>, error: &BlockFailure) -> Value {
    let mut item = json!({ "input": input });
    if let Some(wa_id) = wa_id {
        item["wa_id"] = json!(wa_id);
    }
    item["errors"] = json!([{
        "message": error.message,
        "code": error.code,
        "error_data": { "details": error.details },
    }]);
    item
}

pub fn block(op: Operation<'_>) -> Result<Value, GraphError> {
    let inputs = users(op.request)?;
    let (mut added, mut failed) = (Vec::new(), Vec::new());
    for input in inputs {
        let digits = phone_digits(&input);
        let known = op.sandbox.whatsapp.consumers.contains_key(&digits);
        match op.sandbox.block_user(op.id, &digits) {
            Ok(()) => added.push(json!({ "input": input, "wa_id": digits })),
            Err(error) => failed.push(failure(&input, known.then_some(digits.as_str()), &error)),
        }
    }
    answer("added_users", added, failed)
}

pub fn unblock(op: Operation<'_>) -> Result<Value, GraphError> {
    let inputs = users(op.request)?;
    let mut removed = Vec::new();
    for input in inputs {
        let digits = phone_digits(&input);
        op.sandbox.unblock_user(op.id, &digits);
        removed.push(json!({ "input": input, "wa_id": digits }));
    }
    answer("removed_users", removed, Vec::new())
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let blocked = op.sandbox.blocked_users(op.id);
    paged(
        &op,
        "block_users",
        &blocked,
        |wa_id| json!({ "messaging_product": "whatsapp", "wa_id": wa_id }),
    )
}
