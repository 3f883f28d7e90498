//! Instagram's Graph endpoints: sending Direct messages as a professional
//! account (`messages.rs`, with its Instagram-login token or — through
//! `/{page-id}/messages` — the connected Page's), webhook subscriptions made
//! with an Instagram-login token (`subscribed_apps.rs`), and commenting on
//! the account's posts (`comments.rs`). Reading accounts, posts, comments,
//! conversations and messages needs no handler: their descriptors answer,
//! but for the account's lookups with arguments (`lookups.rs`).

pub mod comments;
pub mod lookups;
pub mod messages;
pub mod routes;
pub mod subscribed_apps;

use crate::api::error::GraphError;
use crate::api::routes::Operation;

/// The account a call acts on must be the token's: the connected Page's
/// token or the account's own Instagram-login token; any other token sees
/// Meta's 100/33.
pub fn require_acting_for(op: &Operation<'_>, account: &str) -> Result<(), GraphError> {
    if op.sandbox.token_acts_for(op.token, account) {
        Ok(())
    } else {
        Err(GraphError::unsupported(&op.request.method, op.id))
    }
}
