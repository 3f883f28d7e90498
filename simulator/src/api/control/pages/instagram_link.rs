//! `POST/GET/DELETE /_sim/sandboxes/{sid}/pages/{page-id}/instagram-link`:
//! connect a professional Instagram account to the Page, see the link,
//! disconnect it — what a person does in Instagram's or the Page's settings.
//! The Page's `instagram_business_account` follows.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::links::instagram_page::InstagramLinkError;
use crate::world::sandbox::Sandbox;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/pages/{page_id}/instagram-link",
        get(read).post(connect).delete(disconnect),
    )
}

fn link_error(error: InstagramLinkError) -> GraphError {
    let message = error.message();
    let (status, reason) = match error {
        InstagramLinkError::UnknownPage(_) => (404, "unknown_page"),
        InstagramLinkError::UnknownAccount(_) => (404, "unknown_account"),
        InstagramLinkError::NotLinked(_) => (404, "not_linked"),
        InstagramLinkError::NotProfessional(_) => (403, "not_professional"),
        InstagramLinkError::PageTaken { .. } => (409, "page_taken"),
        InstagramLinkError::AccountTaken { .. } => (409, "account_taken"),
    };
    let error = if status == 404 {
        GraphError::sim_not_found(message)
    } else {
        GraphError::sim_refused(status, message)
    };
    error.with_data(json!({ "reason": reason }))
}

fn link_view(sandbox: &Sandbox, page_id: &str, instagram_id: &str) -> Value {
    json!({
        "page_id": page_id,
        "instagram_id": instagram_id,
        "username": sandbox.instagram.accounts.get(instagram_id).map(|a| a.username.clone()),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Connect {
    instagram_id: String,
}

async fn connect(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Connect>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox
        .link_instagram_to_page(&page_id, &request.instagram_id)
        .map_err(link_error)?;
    ok(
        StatusCode::CREATED,
        link_view(&sandbox, &page_id, &request.instagram_id),
    )
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    if !sandbox.pages.pages.contains_key(&page_id) {
        return Err(link_error(InstagramLinkError::UnknownPage(page_id)));
    }
    let instagram_id = sandbox
        .instagram_of_page(&page_id)
        .ok_or_else(|| link_error(InstagramLinkError::NotLinked(page_id.clone())))?;
    ok(StatusCode::OK, link_view(&sandbox, &page_id, instagram_id))
}

async fn disconnect(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let instagram_id = sandbox
        .unlink_instagram_from_page(&page_id)
        .map_err(link_error)?;
    ok(
        StatusCode::OK,
        json!({ "success": true, "removed": link_view(&sandbox, &page_id, &instagram_id) }),
    )
}
