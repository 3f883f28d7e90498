//! Facebook users' control routes: create people and look at them
//! (`users.rs`), and what they do in Messenger (`messages.rs`).

mod messages;
mod users;

use axum::Router;

use crate::api::state::AppState;

pub use messages::{Reaction, inbox_entry};
pub use users::standing_fields;

pub fn routes() -> Router<AppState> {
    users::routes().merge(messages::routes())
}
