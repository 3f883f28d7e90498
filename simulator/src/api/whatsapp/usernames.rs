//! `GET/POST/DELETE /{phone-number-id}/username`: a number's business
//! username (`{"username","status"}`), adopted as `approved` at once, and
//! `GET /{phone-number-id}/username_suggestions`;
//! `transfer_action=force_transfer` takes it from another number of the
//! same portfolio. The rules are in `world::whatsapp::business_usernames`.

use serde_json::{Value, json};

use super::required;
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::business_usernames::UsernameRefusal;

/// Every username in metasim is live for all users, so none stays
/// `reserved`.
const STATUS: &str = "approved";

pub fn read(op: Operation<'_>) -> Result<Value, GraphError> {
    Ok(match op.sandbox.business_username(op.id) {
        Some(name) => json!({ "username": name, "status": STATUS }),
        None => json!({}),
    })
}

pub fn set(op: Operation<'_>) -> Result<Value, GraphError> {
    let name = required(op.request, "username")?;
    adopt(op.sandbox, op.request, op.id, &name)?;
    Ok(json!({ "status": STATUS }))
}

pub fn suggestions(op: Operation<'_>) -> Result<Value, GraphError> {
    let names = op.sandbox.username_suggestions(op.id);
    Ok(json!({ "data": [{ "username_suggestions": names }] }))
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    op.sandbox.remove_business_username(op.id);
    Ok(success())
}

/// Give the number `name`, as `transfer_action` allows (`none` or
/// `force_transfer`).
pub fn adopt(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    id: &str,
    name: &str,
) -> Result<(), GraphError> {
    let force = match request.param_str("transfer_action").as_deref() {
        None | Some("none") => false,
        Some("force_transfer") => true,
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param transfer_action must be one of {{none, force_transfer}} - got \"{other}\"."
            )));
        }
    };
    sandbox
        .set_business_username(id, name, force)
        .map_err(refusal)
}

fn refusal(refusal: UsernameRefusal) -> GraphError {
    match refusal {
        UsernameRefusal::Format(reason) => {
            let mut error = GraphError::invalid_parameter("Param Invalid");
            error.error_user_msg = Some(reason.to_owned());
            error
        }
        UsernameRefusal::NotRegistered => GraphError::whatsapp(
            133010,
            "Phone number Not Registered",
            "Register the phone number with the Cloud API before giving it a username.",
        ),
        UsernameRefusal::Unavailable => GraphError::whatsapp(
            147001,
            "Username not available",
            "Another business holds this username. Choose another one.",
        ),
        UsernameRefusal::HeldInPortfolio => GraphError::whatsapp(
            147005,
            "Username in use by another phone number",
            "Another phone number of this business portfolio holds this username. Retry with transfer_action=force_transfer to move it here.",
        ),
    }
}
