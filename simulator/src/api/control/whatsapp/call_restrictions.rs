//! Meta's restrictions of a number's calling, played by the control plane:
//! `GET …/whatsapp/phone_numbers/{phone_number_id}/calling_restrictions`
//! lists those in force, `POST` `{"type", "expiration"}` puts one on until
//! a Unix time (a restriction of the same type is replaced), `DELETE
//! …/calling_restrictions/{type}` lifts one. Each answer is the list in
//! force, as `calling.restrictions` of `GET /{phone-number-id}/settings`.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::call_restrictions::RestrictionKind;

pub fn routes() -> Router<AppState> {
    let base =
        "/_sim/sandboxes/{sid}/whatsapp/phone_numbers/{phone_number_id}/calling_restrictions";
    Router::new()
        .route(base, get(list).post(restrict))
        .route(&format!("{base}/{{kind}}"), delete(lift))
}

fn known_number(sandbox: &Sandbox, phone_number_id: &str) -> Result<(), GraphError> {
    if sandbox.whatsapp.phone_numbers.contains_key(phone_number_id) {
        Ok(())
    } else {
        Err(GraphError::sim_not_found(format!(
            "No business phone number with id {phone_number_id:?}"
        )))
    }
}

fn kind(name: &str) -> Result<RestrictionKind, GraphError> {
    RestrictionKind::parse(name).ok_or_else(|| {
        GraphError::sim_invalid(format!(
            "type must be BUSINESS_INITIATED_CALLING or USER_INITIATED_CALLING - got {name:?}"
        ))
    })
}

fn in_force(sandbox: &Sandbox, phone_number_id: &str) -> serde_json::Value {
    json!({ "restrictions": sandbox.calling_restrictions(phone_number_id) })
}

async fn list(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    known_number(&sandbox, &phone_number_id)?;
    ok(StatusCode::OK, in_force(&sandbox, &phone_number_id))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Restriction {
    #[serde(rename = "type")]
    kind: String,
    /// Unix seconds, after the sandbox's now.
    expiration: i64,
}

async fn restrict(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Restriction>,
) -> Answer {
    let kind = kind(&request.kind)?;
    let mut sandbox = lock(&shared);
    known_number(&sandbox, &phone_number_id)?;
    sandbox
        .restrict_calling(&phone_number_id, kind, request.expiration)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(StatusCode::CREATED, in_force(&sandbox, &phone_number_id))
}

async fn lift(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id, name)): SimPath<(String, String, String)>,
) -> Answer {
    let kind = kind(&name)?;
    let mut sandbox = lock(&shared);
    known_number(&sandbox, &phone_number_id)?;
    if !sandbox.lift_calling_restriction(&phone_number_id, kind) {
        return Err(GraphError::sim_not_found(format!(
            "{phone_number_id} has no {name} restriction in force"
        )));
    }
    ok(StatusCode::OK, in_force(&sandbox, &phone_number_id))
}
