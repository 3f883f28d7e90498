//! Webhook routes: flush the outbox (manual delivery), read every delivery
//! with every attempt, trigger a sample event, and set the delivery knobs and
//! receiver faults (batching, duplicates, reordering, delay, timeout).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing::{Listing, Start, cursors};
use super::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::api::webhooks::sender::flush_exclusive;
use crate::world::webhooks::outbox::{Delivery, DeliverySettings};
use crate::world::webhooks::subscriptions::WebhookObject;

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/webhooks";
    Router::new()
        .route(&format!("{base}/deliver"), post(deliver))
        .route(&format!("{base}/deliveries"), get(deliveries))
        .route(&format!("{base}/trigger"), post(trigger))
        .route(
            &format!("{base}/settings"),
            get(settings).post(set_settings),
        )
}

async fn deliver(
    State(state): State<AppState>,
    SimPath(sid): SimPath<String>,
    _: SimSandbox,
) -> Answer {
    let reports = flush_exclusive(&state, &sid).await;
    ok(StatusCode::OK, json!({ "data": reports }))
}

/// A delivery as the log shows it: the exact body, without the `entries` the
/// outbox keeps (in snapshots too) to re-sign a batch that grows.
pub(super) fn delivery_view(delivery: &Delivery) -> Value {
    let mut value = json!(delivery);
    if let Value::Object(members) = &mut value {
        members.retain(|key, _| key != "entries");
    }
    value
}

/// A page of deliveries, newest first by default (`after=0` from the start).
async fn deliveries(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    // Copied under the lock, encoded outside it.
    let (page, window) = {
        let mut sandbox = lock(&shared);
        sandbox.route_events();
        let all = &sandbox.webhooks.deliveries;
        let window = listing
            .window(all.len(), |i| all[i].id, Start::Newest)?
            .fit(|i| all[i].body.len().saturating_mul(2).saturating_add(512));
        (all[window.range.clone()].to_vec(), window)
    };
    let data: Vec<Value> = page.iter().map(delivery_view).collect();
    let keys = cursors(page.first().map(|d| d.id), page.last().map(|d| d.id));
    listing.answer(&data, &window, keys)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Trigger {
    object: String,
    field: String,
    entry_id: Option<String>,
    value: Option<Value>,
}

async fn trigger(SimSandbox(shared): SimSandbox, SimJson(request): SimJson<Trigger>) -> Answer {
    if request.value.as_ref().is_some_and(|v| !v.is_object()) {
        return Err(GraphError::sim_invalid(
            "value must be an object (it is merged over the sample)",
        ));
    }
    let object = WebhookObject::parse(&request.object).ok_or_else(|| {
        GraphError::sim_invalid(format!(
            "object must be one of {} - got {:?}",
            WebhookObject::names(),
            request.object
        ))
    })?;
    let mut sandbox = lock(&shared);
    sandbox.route_events();
    let change = sandbox
        .sample_change(object, &request.field, request.entry_id, request.value)
        .map_err(|error| GraphError::sim_invalid(error.message()))?;
    let ids = sandbox.enqueue_change(&change, None);
    ok(
        StatusCode::CREATED,
        json!({ "deliveries": ids, "subscribed_apps": ids.len() }),
    )
}

async fn settings(SimSandbox(shared): SimSandbox) -> Answer {
    let sandbox = lock(&shared);
    ok(StatusCode::OK, json!(sandbox.webhooks.settings))
}

async fn set_settings(
    SimSandbox(shared): SimSandbox,
    SimJson(settings): SimJson<DeliverySettings>,
) -> Answer {
    settings
        .check()
        .map_err(|refused| GraphError::sim_invalid(refused.message))?;
    let mut sandbox = lock(&shared);
    sandbox.webhooks.settings = settings;
    ok(StatusCode::OK, json!(sandbox.webhooks.settings))
}
