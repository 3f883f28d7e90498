//! `POST/GET /_sim/sandboxes/{sid}/facebook/users` and `GET …/users/{id}`:
//! Facebook users (people, not Pages) with their standing — verified email
//! or phone, two-factor authentication, a compromise flag — which Accounts
//! Center checks before linking.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::control::listing::{Listing, views};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::accounts::FacebookUser;
use crate::world::accounts::people::NewFacebookUser;
use crate::world::sandbox::Sandbox;
use crate::world::shared::standing::AccountStanding;

pub fn routes() -> Router<AppState> {
    let users = "/_sim/sandboxes/{sid}/facebook/users";
    Router::new()
        .route(users, get(list).post(create))
        .route(&format!("{users}/{{user_id}}"), get(read))
}

/// The standing flags, all of them, into a view.
pub fn standing_fields(view: &mut Value, standing: &AccountStanding) {
    view["email_verified"] = json!(standing.email_verified);
    view["phone_verified"] = json!(standing.phone_verified);
    view["two_factor"] = json!(standing.two_factor);
    view["compromised"] = json!(standing.compromised);
}

fn user_view(user: &FacebookUser) -> Value {
    let mut view = json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "phone": user.phone.as_ref().map(|phone| format!("+{phone}")),
    });
    standing_fields(&mut view, &user.standing);
    view
}

/// The user, or the control plane's 404.
pub(in crate::api::control) fn known_user<'a>(
    sandbox: &'a Sandbox,
    user_id: &str,
) -> Result<&'a FacebookUser, GraphError> {
    sandbox
        .accounts
        .users
        .get(user_id)
        .ok_or_else(|| GraphError::sim_not_found(format!("No Facebook user with id {user_id:?}")))
}

async fn create(
    SimSandbox(shared): SimSandbox,
    SimJson(request): SimJson<NewFacebookUser>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let id = sandbox
        .create_facebook_user(request)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(StatusCode::CREATED, user_view(known_user(&sandbox, &id)?))
}

async fn list(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| sandbox.accounts.users.keys().cloned().collect(),
        |sandbox, id| {
            sandbox
                .accounts
                .users
                .get(id)
                .map_or(Value::Null, user_view)
        },
    )
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, user_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    ok(StatusCode::OK, user_view(known_user(&sandbox, &user_id)?))
}
