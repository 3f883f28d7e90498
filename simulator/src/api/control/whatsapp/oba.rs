//! Meta's review of an Official Business Account application: `POST
//! …/whatsapp/phone_numbers/{phone_number_id}/official_business_account`
//! `{"status": "APPROVED"|"REJECTED"}` decides the pending one; an approved
//! number becomes an official business account.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/phone_numbers/{phone_number_id}/official_business_account",
        post(decide),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    status: String,
}

async fn decide(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Decision>,
) -> Answer {
    let approved = match request.status.as_str() {
        "APPROVED" => true,
        "REJECTED" => false,
        other => {
            return Err(GraphError::sim_invalid(format!(
                "status must be APPROVED or REJECTED - got {other:?}"
            )));
        }
    };
    let mut sandbox = lock(&shared);
    if !sandbox
        .whatsapp
        .phone_numbers
        .contains_key(&phone_number_id)
    {
        return Err(GraphError::sim_not_found(format!(
            "No business phone number with id {phone_number_id:?}"
        )));
    }
    sandbox
        .decide_oba(&phone_number_id, approved)
        .map_err(|invalid| GraphError::sim_conflict(invalid.message))?;
    let status = sandbox.oba_json(&phone_number_id).unwrap_or_default();
    ok(StatusCode::OK, status)
}
