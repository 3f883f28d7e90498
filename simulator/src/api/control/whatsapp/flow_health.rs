//! Flow health route: move a published Flow between `PUBLISHED`,
//! `THROTTLED` and `BLOCKED`, one step at a time, as WhatsApp's monitoring
//! does when its endpoint deteriorates or recovers (Meta publishes no exact
//! rule, so a test decides when). Apps subscribed to `flows` get
//! `FLOW_STATUS_CHANGE`.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::whatsapp::flow_health::HealthMoveError;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/flows/{flow_id}/health",
        post(move_health),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HealthRequest {
    status: String,
}

async fn move_health(
    SimSandbox(shared): SimSandbox,
    SimPath((_, flow_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<HealthRequest>,
) -> Answer {
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.flows.contains_key(&flow_id) {
        return Err(GraphError::sim_not_found(format!(
            "No Flow with id {flow_id:?}"
        )));
    }
    sandbox
        .move_flow_health(&flow_id, &request.status)
        .map_err(|error| match error {
            HealthMoveError::UnknownState(state) => GraphError::sim_invalid(format!(
                "status: {state:?} is not one of PUBLISHED, THROTTLED, BLOCKED"
            )),
            HealthMoveError::NotPublished(state) => GraphError::sim_conflict(format!(
                "The Flow is {state}: only a published Flow has a health state"
            )),
            HealthMoveError::NotAdjacent(from, to) => GraphError::sim_conflict(format!(
                "A Flow moves one step at a time (PUBLISHED, THROTTLED, BLOCKED): {from} cannot become {to}"
            )),
        })?;
    let flow = &sandbox.whatsapp.flows[&flow_id];
    ok(
        StatusCode::OK,
        json!({ "id": flow_id, "status": flow.status }),
    )
}
