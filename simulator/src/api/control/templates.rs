//! Template review route: decide a template's review as Meta's reviewers would
//! (APPROVED, REJECTED with a reason, PAUSED, DISABLED).

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use super::{Answer, SimPath, find, json_body, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::whatsapp::template_management::TemplateError;

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
    State(state): State<AppState>,
    SimPath((sid, template_id)): SimPath<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let shared = find(&state, &sid)?;
    let request: Review = json_body(&state, &headers, body).await?;
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
            | TemplateError::CreationRate => {
                GraphError::sim_invalid("the review could not be applied")
            }
        })?;
    ok(StatusCode::OK, json!(template))
}
