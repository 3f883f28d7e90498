//! `POST /_sim/sandboxes/{sid}/apps`: register another app in the sandbox
//! (the partner app of a Multi-Partner Solution, say), with its app token.
//! Registering an app happens in Meta's App Dashboard, not through the API.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::json;

use super::{Answer, SimJson, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::accounts::people::NewApp;

pub fn routes() -> Router<AppState> {
    Router::new().route("/_sim/sandboxes/{sid}/apps", post(create))
}

async fn create(
    State(state): State<AppState>,
    SimSandbox(shared): SimSandbox,
    SimJson(request): SimJson<NewApp>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let id = sandbox
        .create_app(request)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    state.index_tokens(&sandbox);
    let app = &sandbox.accounts.apps[&id];
    ok(
        StatusCode::CREATED,
        json!({
            "id": id,
            "name": app.name,
            "secret": app.secret,
            "app_token": app.app_token(),
            "require_appsecret_proof": app.require_appsecret_proof,
        }),
    )
}
