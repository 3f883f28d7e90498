//! What WhatsApp decides about a business's groups (Meta has no API for
//! it): `POST …/whatsapp/groups/{group_id}/suspension` `{"suspended": bool}`
//! suspends a group or lifts its suspension, with Meta's
//! `group_status_update` webhook.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use super::groups::refused;
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/groups/{group_id}/suspension",
        post(suspension),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Suspension {
    suspended: bool,
}

async fn suspension(
    SimSandbox(shared): SimSandbox,
    SimPath((_, group_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Suspension>,
) -> Answer {
    lock(&shared)
        .set_group_suspension(&group_id, request.suspended)
        .map_err(refused)?;
    ok(
        StatusCode::OK,
        json!({ "group_id": group_id, "suspended": request.suspended }),
    )
}
