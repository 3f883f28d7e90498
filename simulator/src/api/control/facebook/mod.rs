//! Facebook users' control routes: create people and look at them
//! (`users.rs`). What they do in Messenger is in the Messenger slice of the
//! control plane.

mod users;

use axum::Router;

use crate::api::state::AppState;

pub use users::standing_fields;

pub fn routes() -> Router<AppState> {
    users::routes()
}
