//! The sandbox's rate card, which prices analytics' `cost`: read it
//! (`GET …/whatsapp/rate_card`, every market with its USD rates and whether
//! they were replaced), replace some markets' rates (`PUT`, `{"markets":
//! {"india": {"marketing": 0.02, "utility": 0.001, "authentication":
//! 0.001}}}`, each rate 0 to 10 dollars, kept to the millionth), or go back
//! to Meta's card (`DELETE`).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::api::control::{Answer, SimJson, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::whatsapp::rate_card::{META_MARKETS, RateCard, Replacement, dollars};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/rate_card",
        get(read).put(replace).delete(reset),
    )
}

fn card_json(card: &RateCard) -> Value {
    let markets: Map<String, Value> = META_MARKETS
        .iter()
        .filter_map(|(id, _)| {
            let rates = card.market(id)?;
            let mut entry = json!({
                "marketing": dollars(rates.marketing.into()),
                "utility": dollars(rates.utility.into()),
                "authentication": dollars(rates.authentication.into()),
                "replaced": card.replaced.contains_key(*id),
            });
            if let Some(rate) = rates.authentication_international {
                entry["authentication_international"] = dollars(rate.into());
            }
            Some(((*id).to_owned(), entry))
        })
        .collect();
    json!({ "currency": "USD", "effective": "2025-07-01", "markets": markets })
}

async fn read(SimSandbox(shared): SimSandbox) -> Answer {
    ok(StatusCode::OK, card_json(&lock(&shared).whatsapp.rate_card))
}

async fn replace(SimSandbox(shared): SimSandbox, SimJson(request): SimJson<Replacement>) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.whatsapp.rate_card = sandbox
        .whatsapp
        .rate_card
        .replaced_by(&request)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(StatusCode::OK, card_json(&sandbox.whatsapp.rate_card))
}

async fn reset(SimSandbox(shared): SimSandbox) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.whatsapp.rate_card = RateCard::default();
    ok(StatusCode::OK, card_json(&sandbox.whatsapp.rate_card))
}
