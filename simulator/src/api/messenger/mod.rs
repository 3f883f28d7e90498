//! Messenger's Graph endpoints on a Page, with the Page's token: the Send
//! API (`messages.rs`), the Messenger profile (`profile.rs`) and saved
//! attachments (`attachments.rs`). Reading conversations, messages and
//! page-scoped users needs no handler: their descriptors answer.

pub mod attachments;
pub mod messages;
pub mod profile;
pub mod routes;

use crate::api::error::GraphError;
use crate::api::send_api::requires_permission;
use crate::world::auth::AccessToken;

/// The scope every Messenger call on a Page needs.
pub const PAGES_MESSAGING: &str = "pages_messaging";

/// `(#230)` unless the token has `pages_messaging`.
pub fn require_pages_messaging(token: &AccessToken) -> Result<(), GraphError> {
    if token.has_scope(PAGES_MESSAGING) {
        Ok(())
    } else {
        Err(requires_permission(PAGES_MESSAGING))
    }
}
