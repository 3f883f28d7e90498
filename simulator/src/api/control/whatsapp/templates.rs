//! Template review route: decide a template's review as Meta's reviewers would
//! (APPROVED, REJECTED with a reason, PAUSED, DISABLED).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::whatsapp::templates::lifecycle::TemplateError;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/templates/{template_id}/review",
        post(review),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Review {
    status: String,
    reason: Option<String>,
}

async fn review(
    SimSandbox(shared): SimSandbox,
    SimPath((_, template_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Review>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let template = sandbox
        .review_template(&template_id, &request.status, request.reason)
        .map_err(|error| match error {
            TemplateError::NotFound => {
                GraphError::sim_not_found(format!("No message template with id {template_id:?}"))
            }
            TemplateError::Invalid(detail) => GraphError::sim_invalid(detail),
            TemplateError::Duplicate { .. }
            | TemplateError::TooMany
            | TemplateError::CreationRate
            | TemplateError::InvalidHandle(_) => {
                GraphError::sim_invalid("the review could not be applied")
            }
        })?;
    ok(StatusCode::OK, json!(template))
}
