//! The sandbox's rate card, which prices analytics' `cost`: read it
//! (`GET …/whatsapp/rate_card`, every market with its USD rates and whether
//! they were replaced), replace some markets' rates (`PUT`, `{"markets":
//! {"india": {"marketing": 0.02, "utility": 0.001, "authentication":
//! 0.001}}}`, each rate 0 to 10 dollars, kept to the millionth), or go back
//! to Meta's card (`DELETE`).

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::control::{Answer, SimJson, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::whatsapp::rate_card::{MAX_RATE, META_MARKETS, RateCard, Rates, dollars};

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

/// A market's rates in dollars, as a body gives them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DollarRates {
    marketing: f64,
    utility: f64,
    authentication: f64,
    authentication_international: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Replacement {
    markets: BTreeMap<String, DollarRates>,
}

/// A rate in dollars as millionths, refused outside 0 to 10 dollars.
fn millionths(field: &str, rate: f64) -> Result<u32, GraphError> {
    let most = f64::from(MAX_RATE) / 1_000_000.0;
    if !(0.0..=most).contains(&rate) {
        return Err(GraphError::sim_invalid(format!(
            "{field} must be between 0 and {most} (US dollars), got {rate}"
        )));
    }
    // In range, the rounded product fits: at most MAX_RATE.
    Ok((rate * 1_000_000.0).round() as u32)
}

impl DollarRates {
    fn rates(&self, market: &str) -> Result<Rates, GraphError> {
        let field = |name: &str| format!("markets.{market}.{name}");
        Ok(Rates {
            marketing: millionths(&field("marketing"), self.marketing)?,
            utility: millionths(&field("utility"), self.utility)?,
            authentication: millionths(&field("authentication"), self.authentication)?,
            authentication_international: self
                .authentication_international
                .map(|rate| millionths(&field("authentication_international"), rate))
                .transpose()?,
        })
    }
}

async fn read(SimSandbox(shared): SimSandbox) -> Answer {
    ok(StatusCode::OK, card_json(&lock(&shared).whatsapp.rate_card))
}

async fn replace(SimSandbox(shared): SimSandbox, SimJson(request): SimJson<Replacement>) -> Answer {
    let mut sandbox = lock(&shared);
    let mut card = sandbox.whatsapp.rate_card.clone();
    for (market, rates) in &request.markets {
        card.replaced.insert(market.clone(), rates.rates(market)?);
    }
    card.check()
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    sandbox.whatsapp.rate_card = card;
    ok(StatusCode::OK, card_json(&sandbox.whatsapp.rate_card))
}

async fn reset(SimSandbox(shared): SimSandbox) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.whatsapp.rate_card = RateCard::default();
    ok(StatusCode::OK, card_json(&sandbox.whatsapp.rate_card))
}
