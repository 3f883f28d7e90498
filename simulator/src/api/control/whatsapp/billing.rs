//! A WABA's billing, as its owner sets it up in WhatsApp Manager: attach or
//! remove the payment method (`POST …/whatsapp/wabas/{waba_id}/billing`
//! `{"payment_method": true|false}`), or read it (`GET`). Without one,
//! business-initiated messages fail with 131042. Meta's grant and revocation
//! of a business's credit line, and attaching one to a WABA as its payment
//! method (`…/whatsapp/businesses/{id}/credit_lines`,
//! `…/whatsapp/credit_lines/{id}/attach|revoke`).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::whatsapp::credit_lines::CreditLineError;

pub fn routes() -> Router<AppState> {
    let lines = "/_sim/sandboxes/{sid}/whatsapp/credit_lines/{id}";
    Router::new()
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/wabas/{waba_id}/billing",
            get(read).post(update),
        )
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/businesses/{business_id}/credit_lines",
            post(grant),
        )
        .route(&format!("{lines}/attach"), post(attach))
        .route(&format!("{lines}/revoke"), post(revoke))
}

fn credit_refusal(error: CreditLineError, id: &str) -> GraphError {
    match error {
        CreditLineError::UnknownBusiness => {
            GraphError::sim_not_found(format!("No business with id {id:?}"))
        }
        CreditLineError::UnknownCreditLine => {
            GraphError::sim_not_found(format!("No credit line with id {id:?}"))
        }
        CreditLineError::UnknownWaba => {
            GraphError::sim_not_found("No such WhatsApp Business Account")
        }
        CreditLineError::OtherBusiness => GraphError::sim_invalid(
            "The WABA belongs to another business portfolio than the credit line",
        ),
        CreditLineError::Revoked => {
            GraphError::sim_conflict(format!("The credit line {id} is revoked"))
        }
        CreditLineError::TooMany => {
            GraphError::sim_conflict("A business holds at most 16 credit lines")
        }
        CreditLineError::Currency => GraphError::sim_invalid("Unsupported currency"),
        CreditLineError::Invalid(invalid) => GraphError::sim_invalid(invalid.message),
    }
}

fn default_currency() -> String {
    "USD".to_owned()
}

fn default_max_balance() -> u64 {
    // 5,000.00 in the line's currency.
    500_000
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Grant {
    legal_entity_name: String,
    #[serde(default = "default_currency")]
    currency: String,
    /// The credit limit in hundredths of the currency.
    #[serde(default = "default_max_balance")]
    max_balance: u64,
}

async fn grant(
    SimSandbox(shared): SimSandbox,
    SimPath((_, business_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Grant>,
) -> Answer {
    let id = lock(&shared)
        .grant_credit_line(
            &business_id,
            &request.legal_entity_name,
            &request.currency,
            request.max_balance,
        )
        .map_err(|e| credit_refusal(e, &business_id))?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Attach {
    waba_id: String,
}

async fn attach(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Attach>,
) -> Answer {
    lock(&shared)
        .attach_credit_line(&id, &request.waba_id)
        .map_err(|e| credit_refusal(e, &id))?;
    ok(StatusCode::OK, json!({ "success": true }))
}

async fn revoke(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
) -> Answer {
    lock(&shared)
        .revoke_credit_line(&id)
        .map_err(|e| credit_refusal(e, &id))?;
    ok(StatusCode::OK, json!({ "success": true }))
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
        json!({
            "waba_id": waba_id,
            "payment_method": waba.billing.payment_method,
            "credit_line_id": waba.billing.credit_line,
        }),
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
