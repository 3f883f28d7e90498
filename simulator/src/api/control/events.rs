//! The domain event log: everything the world reported, in order — what
//! Meta would send by webhook, before any subscription or delivery.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;

use super::{Answer, SimSandbox, ok};
use crate::api::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new().route("/_sim/sandboxes/{sid}/events", get(events))
}

async fn events(SimSandbox(shared): SimSandbox) -> Answer {
    let sandbox = lock(&shared);
    ok(StatusCode::OK, json!({ "data": sandbox.events.all() }))
}
