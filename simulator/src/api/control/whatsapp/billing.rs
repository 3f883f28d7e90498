//! A WABA's billing, as its owner sets it up in WhatsApp Manager: attach or
//! remove the payment method (`POST …/whatsapp/wabas/{waba_id}/billing`
//! `{"payment_method": true|false}`), or read it (`GET`). Without one,
//! business-initiated messages fail with 131042.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/wabas/{waba_id}/billing",
        get(read).post(update),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Billing {
    payment_method: bool,
}

fn not_found(waba_id: &str) -> GraphError {
    GraphError::sim_not_found(format!("No WhatsApp Business Account with id {waba_id:?}"))
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, waba_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    let waba = sandbox
        .whatsapp
        .wabas
        .get(&waba_id)
        .ok_or_else(|| not_found(&waba_id))?;
    ok(
        StatusCode::OK,
        json!({ "waba_id": waba_id, "payment_method": waba.billing.payment_method }),
    )
}

async fn update(
    SimSandbox(shared): SimSandbox,
    SimPath((_, waba_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Billing>,
) -> Answer {
    let mut sandbox = lock(&shared);
    if !sandbox.set_payment_method(&waba_id, request.payment_method) {
        return Err(not_found(&waba_id));
    }
    ok(
        StatusCode::OK,
        json!({ "waba_id": waba_id, "payment_method": request.payment_method }),
    )
}
