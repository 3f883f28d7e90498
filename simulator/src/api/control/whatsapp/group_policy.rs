//! What WhatsApp decides about a business's groups (Meta has no API for
//! it): `POST …/whatsapp/groups/{group_id}/suspension` `{"suspended": bool}`
//! suspends a group or lifts its suspension, with Meta's
//! `group_status_update` webhook; `POST
//! …/whatsapp/phone_numbers/{phone_number_id}/groups_access`
//! `{"allowlisted": bool}` puts a number on Meta's Groups API allowlist or
//! takes it off.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use super::groups::refused;
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/groups/{group_id}/suspension",
            post(suspension),
        )
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/phone_numbers/{phone_number_id}/groups_access",
            post(groups_access),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Access {
    allowlisted: bool,
}

async fn groups_access(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Access>,
) -> Answer {
    let mut sandbox = lock(&shared);
    if !sandbox.set_groups_allowlisted(&phone_number_id, request.allowlisted) {
        return Err(GraphError::sim_not_found(format!(
            "No business phone number with id {phone_number_id:?}"
        )));
    }
    let eligible = sandbox.groups_eligibility(&phone_number_id).is_ok();
    ok(
        StatusCode::OK,
        json!({ "phone_number_id": phone_number_id, "allowlisted": request.allowlisted,
            "eligible": eligible }),
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
