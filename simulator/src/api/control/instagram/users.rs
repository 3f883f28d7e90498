//! `POST/GET /_sim/sandboxes/{sid}/instagram/users` and `GET …/users/{id}`:
//! Instagram accounts, personal or professional (business, creator), as
//! people sign up. Professional accounts are Graph nodes; personal ones are
//! reached only here.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::Value;

use crate::api::control::directory::instagram_view;
use crate::api::control::listing::{Listing, views};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::instagram::InstagramAccount;
use crate::world::instagram::people::NewInstagramUser;
use crate::world::sandbox::Sandbox;

pub fn routes() -> Router<AppState> {
    let users = "/_sim/sandboxes/{sid}/instagram/users";
    Router::new()
        .route(users, get(list).post(create))
        .route(&format!("{users}/{{ig_id}}"), get(read))
}

/// The account, or the control plane's 404.
pub(in crate::api::control) fn known_account<'a>(
    sandbox: &'a Sandbox,
    ig_id: &str,
) -> Result<&'a InstagramAccount, GraphError> {
    sandbox
        .instagram
        .accounts
        .get(ig_id)
        .map(Box::as_ref)
        .ok_or_else(|| GraphError::sim_not_found(format!("No Instagram account with id {ig_id:?}")))
}

async fn create(
    SimSandbox(shared): SimSandbox,
    SimJson(request): SimJson<NewInstagramUser>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let id = sandbox
        .create_instagram_user(request)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(
        StatusCode::CREATED,
        instagram_view(known_account(&sandbox, &id)?),
    )
}

async fn list(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| sandbox.instagram.accounts.keys().cloned().collect(),
        |sandbox, id| {
            let accounts = &sandbox.instagram.accounts;
            accounts
                .get(id)
                .map_or(Value::Null, |account| instagram_view(account))
        },
    )
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    ok(
        StatusCode::OK,
        instagram_view(known_account(&sandbox, &ig_id)?),
    )
}
