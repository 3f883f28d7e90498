//! The App Dashboard's side of Multi-Partner Solutions, which Meta's API
//! lacks: the owner app saves a solution as a draft
//! (`POST …/whatsapp/apps/{app_id}/solution_drafts`, the fields of
//! `POST /{app-id}/whatsapp_business_solution`) and later sends it to its
//! partner (`POST …/whatsapp/solutions/{solution_id}/send`: `DRAFT` →
//! `INITIATED`). Refusals are the Graph call's.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::api::whatsapp::solutions::refusal;
use crate::world::whatsapp::solutions::NewSolution;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/apps/{app_id}/solution_drafts",
            post(save_draft),
        )
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/solutions/{solution_id}/send",
            post(send),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Draft {
    solution_name: String,
    partner_app_id: String,
    #[serde(default)]
    owner_permissions: Vec<String>,
    #[serde(default)]
    partner_permissions: Vec<String>,
}

async fn save_draft(
    SimSandbox(shared): SimSandbox,
    SimPath((_, app_id)): SimPath<(String, String)>,
    SimJson(draft): SimJson<Draft>,
) -> Answer {
    let mut sandbox = lock(&shared);
    if !sandbox.accounts.apps.contains_key(&app_id) {
        return Err(GraphError::sim_not_found(format!(
            "No app with id {app_id:?}"
        )));
    }
    let new = NewSolution {
        name: draft.solution_name,
        partner_app_id: draft.partner_app_id,
        owner_permissions: draft.owner_permissions,
        partner_permissions: draft.partner_permissions,
        draft: true,
    };
    let id = sandbox.create_solution(&app_id, new).map_err(refusal)?;
    ok(
        StatusCode::CREATED,
        json!({ "solution_id": id, "status": "DRAFT" }),
    )
}

async fn send(
    SimSandbox(shared): SimSandbox,
    SimPath((_, solution_id)): SimPath<(String, String)>,
) -> Answer {
    let mut sandbox = lock(&shared);
    match sandbox.send_solution_draft(&solution_id) {
        None => Err(GraphError::sim_not_found(format!(
            "No Multi-Partner Solution with id {solution_id:?}"
        ))),
        Some(Err(error)) => Err(refusal(error)),
        Some(Ok(())) => ok(
            StatusCode::OK,
            json!({ "solution_id": solution_id, "status": "INITIATED" }),
        ),
    }
}
