//! Facebook Pages endpoints beyond the generic reads.

pub mod info;
pub mod subscribed_apps;

use crate::api::error::GraphError;
use crate::world::auth::{AccessToken, TokenKind};

/// Page writes need that Page's own access token (Meta's 210 otherwise).
fn require_page_token(token: &AccessToken, page_id: &str) -> Result<(), GraphError> {
    if token.kind == TokenKind::Page && token.subject_id == page_id {
        Ok(())
    } else {
        Err(GraphError::new(
            403,
            "OAuthException",
            210,
            "(#210) A page access token is required to request this resource.",
        ))
    }
}
