//! Accounts Center's control routes (`/_sim/sandboxes/{sid}/accounts-center`):
//! link a Facebook account and an Instagram account, choose preferences and
//! sync, confirm with permissions, grant or revoke them, read the link,
//! unlink. Refusals carry `error_data.reason` naming the failed precondition.
//! The effects show in the people's inboxes, contacts and notifications.

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing::{Listing, views};
use super::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::links::AccountsCenterLink;
use crate::world::links::accounts_center::{
    LinkRefusal, Permission, PreferencesUpdate, SyncChoices,
};

pub fn routes() -> Router<AppState> {
    let links = "/_sim/sandboxes/{sid}/accounts-center/links";
    let link = format!("{links}/{{link_id}}");
    Router::new()
        .route(links, post(start).get(list))
        .route(&link, get(read).delete(unlink))
        .route(&format!("{link}/preferences"), put(preferences))
        .route(&format!("{link}/sync"), put(sync))
        .route(&format!("{link}/confirm"), post(confirm))
        .route(&format!("{link}/permissions"), put(permissions))
}

fn refusal(error: LinkRefusal) -> GraphError {
    let message = error.message();
    let reason = error.reason();
    let error = match error {
        LinkRefusal::UnknownInstagram(_) | LinkRefusal::UnknownLink(_) => {
            GraphError::sim_not_found(message)
        }
        LinkRefusal::FacebookAccountRequired(_) | LinkRefusal::Invalid(_) => {
            GraphError::sim_invalid(message)
        }
        LinkRefusal::AlreadyLinked | LinkRefusal::NotPending | LinkRefusal::NotConfirmed => {
            GraphError::sim_conflict(message)
        }
        LinkRefusal::Compromised(_)
        | LinkRefusal::NotVerified(_)
        | LinkRefusal::TwoFactorRequired
        | LinkRefusal::LimitReached => GraphError::sim_refused(403, message),
    };
    error.with_data(json!({ "reason": reason }))
}

fn view(link: &AccountsCenterLink) -> Value {
    json!({
        "id": link.id,
        "facebook_user_id": link.facebook_user_id,
        "instagram_user_id": link.instagram_user_id,
        "state": link.state,
        "created_at": link.created_at,
        "linked_at": link.linked_at,
        "preferences": link.preferences,
        "sync": link.sync,
        "permissions": link.permissions,
    })
}

/// The link's view after a change.
fn answer(sandbox: &crate::world::sandbox::Sandbox, id: &str, status: StatusCode) -> Answer {
    let link = sandbox.accounts_center_link(id).map_err(refusal)?;
    ok(status, view(link))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Start {
    facebook_user_id: String,
    instagram_user_id: String,
}

async fn start(SimSandbox(shared): SimSandbox, SimJson(request): SimJson<Start>) -> Answer {
    let mut sandbox = lock(&shared);
    let id = sandbox
        .start_accounts_center_link(&request.facebook_user_id, &request.instagram_user_id)
        .map_err(refusal)?;
    answer(&sandbox, &id, StatusCode::CREATED)
}

async fn list(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| sandbox.links.accounts_center.keys().cloned().collect(),
        |sandbox, id| {
            sandbox
                .links
                .accounts_center
                .get(id)
                .map_or(Value::Null, view)
        },
    )
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    answer(&sandbox, &id, StatusCode::OK)
}

async fn unlink(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.unlink_accounts_center(&id).map_err(refusal)?;
    ok(StatusCode::OK, json!({ "success": true }))
}

async fn preferences(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
    SimJson(update): SimJson<PreferencesUpdate>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.set_link_preferences(&id, update).map_err(refusal)?;
    answer(&sandbox, &id, StatusCode::OK)
}

async fn sync(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
    SimJson(choices): SimJson<SyncChoices>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox.set_link_sync(&id, choices).map_err(refusal)?;
    answer(&sandbox, &id, StatusCode::OK)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Confirm {
    permissions: Vec<Permission>,
}

async fn confirm(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Confirm>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox
        .confirm_accounts_center_link(&id, &request.permissions)
        .map_err(refusal)?;
    answer(&sandbox, &id, StatusCode::OK)
}

async fn permissions(
    SimSandbox(shared): SimSandbox,
    SimPath((_, id)): SimPath<(String, String)>,
    SimJson(changes): SimJson<BTreeMap<Permission, bool>>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox
        .set_link_permissions(&id, &changes)
        .map_err(refusal)?;
    answer(&sandbox, &id, StatusCode::OK)
}
