//! Meta's enrolment of business portfolios for parent BSUIDs, which it does
//! on request for businesses one company manages:
//! `POST …/whatsapp/parent_bsuid_accounts` `{"business_ids": […]}` makes a
//! parent BSUID account of them; its users then have one parent BSUID
//! across them (`parent_user_id` in the Groups API).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::AppState;
use crate::api::state::lock;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/parent_bsuid_accounts",
        post(enrol),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enrolment {
    business_ids: Vec<String>,
}

async fn enrol(SimSandbox(shared): SimSandbox, SimJson(request): SimJson<Enrolment>) -> Answer {
    let mut sandbox = lock(&shared);
    let id = sandbox
        .enrol_parent_bsuid_account(request.business_ids)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    let account = &sandbox.whatsapp.parent_bsuid_accounts[&id];
    ok(
        StatusCode::CREATED,
        json!({
            "parent_bsuid_account_id": id,
            "enrolled_business_portfolios": account.businesses,
        }),
    )
}
