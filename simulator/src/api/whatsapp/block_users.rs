//! `GET/POST/DELETE /{phone-number-id}/block_users`: the number's block list.
//! `block_users: [{"user": "<phone or wa_id>"} | {"user_id": "<BSUID>"}]` (at
//! most 1,000; `user` wins when an entry has both); each user is blocked or
//! unblocked on its own: all done → 200 `{"messaging_product", "block_users":
//! {"added_users"|"removed_users": [{"input", "wa_id" | "user_id"}]}}`; some
//! failed → HTTP 400 with the same member, `failed_users` (each with its
//! `errors`), and Meta's 139100 error beside it. A parent BSUID cannot be
//! blocked or unblocked (Meta's BSUID changes). The list names each person as
//! the Groups API does.

use serde_json::{Map, Value, json};

use super::require_whatsapp_product;
use super::user_refs::{BothKeys, UserRef, user_refs};
use crate::api::error::GraphError;
use crate::api::lists::paged;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::block_list::{BLOCK_REQUEST_MAX, BlockFailure};

/// Who each `block_users` entry names.
fn users(request: &GraphRequest) -> Result<Vec<UserRef>, GraphError> {
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
    user_refs("block_users", entries, BothKeys::UserWins)
}

/// A `user_id` that names no one the number may block or unblock.
fn not_a_bsuid(sandbox: &Sandbox, phone_number_id: &str, user_id: &str) -> BlockFailure {
    let details = if sandbox
        .consumer_named_by(phone_number_id, user_id, true)
        .is_some()
    {
        "A parent business-scoped user id cannot be blocked or unblocked: use the user's business-scoped user id."
    } else {
        "user_id is not a business-scoped user id of this business portfolio."
    };
    BlockFailure {
        code: 131009,
        message: "Parameter value is not valid",
        details,
    }
}

/// The user as a list item names them: `{"input", "wa_id"}` by phone,
/// `{"input", "user_id"}` by BSUID.
fn named(user: &UserRef, digits: &str) -> Value {
    match user {
        UserRef::Phone(input) => json!({ "input": input, "wa_id": digits }),
        UserRef::UserId(input) => json!({ "input": input, "user_id": input }),
    }
}

/// The consumer (digits) a user names for the number: by phone, the digits
/// (known or not); by BSUID, the consumer it belongs to.
fn resolve(
    sandbox: &Sandbox,
    phone_number_id: &str,
    user: &UserRef,
) -> Result<String, BlockFailure> {
    match user {
        UserRef::Phone(input) => Ok(phone_digits(input)),
        UserRef::UserId(id) => sandbox
            .consumer_named_by(phone_number_id, id, false)
            .map(str::to_owned)
            .ok_or_else(|| not_a_bsuid(sandbox, phone_number_id, id)),
    }
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

/// A `failed_users` item: the user as named (`wa_id` only for a known
/// phone) and the error.
fn failure(user: &UserRef, known: Option<&str>, error: &BlockFailure) -> Value {
    let mut item = match known {
        Some(digits) => named(user, digits),
        None => json!({ "input": user.input() }),
    };
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
    for user in inputs {
        let digits = match resolve(op.sandbox, op.id, &user) {
            Ok(digits) => digits,
            Err(error) => {
                failed.push(failure(&user, None, &error));
                continue;
            }
        };
        let known = op.sandbox.whatsapp.consumers.contains_key(&digits);
        match op.sandbox.block_user(op.id, &digits) {
            Ok(()) => added.push(named(&user, &digits)),
            Err(error) => failed.push(failure(&user, known.then_some(digits.as_str()), &error)),
        }
    }
    answer("added_users", added, failed)
}

pub fn unblock(op: Operation<'_>) -> Result<Value, GraphError> {
    let inputs = users(op.request)?;
    let (mut removed, mut failed) = (Vec::new(), Vec::new());
    for user in inputs {
        match resolve(op.sandbox, op.id, &user) {
            Ok(digits) => {
                op.sandbox.unblock_user(op.id, &digits);
                removed.push(named(&user, &digits));
            }
            Err(error) => failed.push(failure(&user, None, &error)),
        }
    }
    answer("removed_users", removed, failed)
}

/// Each blocked user as the Groups API names people: `wa_id` when the
/// number may see the phone, `user_id`, `parent_user_id` once enrolled,
/// `username` when they have one.
pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    let blocked = op.sandbox.blocked_users(op.id);
    let sandbox: &Sandbox = op.sandbox;
    paged(&op, "block_users", &blocked, |digits| {
        let mut item = Map::new();
        item.insert("messaging_product".into(), json!("whatsapp"));
        sandbox.with_group_member(op.id, digits, item)
    })
}
