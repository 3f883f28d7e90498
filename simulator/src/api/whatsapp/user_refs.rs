//! How a request names WhatsApp users in a list parameter (block lists,
//! group participants): `{"user": "<phone or wa_id>"}` or, since Meta's
//! business-scoped user ids, `{"user_id": "<BSUID>"}`.

use serde_json::Value;

use crate::api::error::GraphError;

/// One user named by a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// `user`: a phone number or wa_id, as sent.
    Phone(String),
    /// `user_id`: a business-scoped user id (or what claims to be one).
    UserId(String),
}

impl UserRef {
    /// The value as sent (Meta's `input`).
    pub fn input(&self) -> &str {
        match self {
            UserRef::Phone(input) | UserRef::UserId(input) => input,
        }
    }
}

/// When an entry names a user both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BothKeys {
    /// `user` wins (the block list).
    UserWins,
    /// `(#100)`: one or the other (group participants).
    Refused,
}

fn text<'a>(entry: &'a Value, key: &str) -> Option<&'a str> {
    entry
        .get(key)
        .and_then(Value::as_str)
        .filter(|value| !value.trim().is_empty())
}

/// The user each entry of the list parameter `name` names, by `user` or
/// `user_id`.
pub fn user_refs(
    name: &str,
    entries: &[Value],
    both: BothKeys,
) -> Result<Vec<UserRef>, GraphError> {
    entries
        .iter()
        .enumerate()
        .map(
            |(i, entry)| match (text(entry, "user"), text(entry, "user_id")) {
                (Some(_), Some(_)) if both == BothKeys::Refused => {
                    Err(GraphError::invalid_parameter(format!(
                        "Param {name}[{i}] takes either 'user' or 'user_id', not both"
                    )))
                }
                (Some(user), _) => Ok(UserRef::Phone(user.to_owned())),
                (None, Some(user_id)) => Ok(UserRef::UserId(user_id.to_owned())),
                (None, None) => Err(GraphError::invalid_parameter(format!(
                    "The parameter {name}[{i}]['user'] is required"
                ))),
            },
        )
        .collect()
}

/// The `user` of each `[{"user": …}]` entry of the list parameter `name`,
/// where Meta takes no `user_id` (adding group participants).
pub fn user_entries(name: &str, entries: &[Value]) -> Result<Vec<String>, GraphError> {
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            text(entry, "user").map(str::to_owned).ok_or_else(|| {
                GraphError::invalid_parameter(format!(
                    "The parameter {name}[{i}]['user'] is required"
                ))
            })
        })
        .collect()
}
