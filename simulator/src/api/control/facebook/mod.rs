//! Facebook users' control routes: create people and look at them
//! (`users.rs`), what they do and receive in Messenger (`messages.rs`), and
//! their contacts and notifications (`contacts.rs`).

mod contacts;
mod messages;
mod users;

use axum::Router;

use crate::api::state::AppState;

pub use messages::{Reaction, in_order, inbox_entry, sent_entries};
pub use users::standing_fields;

pub fn routes() -> Router<AppState> {
    users::routes()
        .merge(messages::routes())
        .merge(contacts::routes())
}
