//! The WhatsApp Business app's profile screen for a number: read everything
//! the app shows (including the app-only hours and category, the linked Page
//! and its sync state) and edit it as the business owner would — an edit of
//! a field synced from a Facebook Page first answers 409 with the app's
//! warning, and applies (stopping the sync) only with `"confirm": true`.

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::control::pages::link_view;
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::links::whatsapp_page::{ProfileEditError, ProfileEditor};
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::profile::ProfileUpdate;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/_sim/sandboxes/{sid}/whatsapp/business-app/{phone_number_id}/profile",
        get(read).post(edit),
    )
}

fn no_phone(phone_number_id: &str) -> GraphError {
    GraphError::sim_not_found(format!(
        "No WhatsApp phone number with id {phone_number_id:?} in this sandbox"
    ))
}

fn profile_view(sandbox: &Sandbox, phone_number_id: &str) -> Result<Value, GraphError> {
    let phone = sandbox
        .whatsapp
        .phone_numbers
        .get(phone_number_id)
        .ok_or_else(|| no_phone(phone_number_id))?;
    let profile: Map<String, Value> = phone
        .profile
        .app_fields()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    Ok(json!({
        "phone_number_id": phone_number_id,
        "profile": profile,
        "linked_page": sandbox
            .whatsapp_link_of_phone(phone_number_id)
            .map_or(Value::Null, |link| link_view(sandbox, link)),
    }))
}

/// The app's editable profile fields (`websites` is a list, `hours` a map).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AppFields {
    about: Option<String>,
    address: Option<String>,
    description: Option<String>,
    email: Option<String>,
    websites: Option<Vec<String>>,
    vertical: Option<String>,
    hours: Option<BTreeMap<String, String>>,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppEdit {
    fields: AppFields,
    #[serde(default)]
    confirm: bool,
}

impl AppFields {
    fn into_update(self) -> ProfileUpdate {
        let texts = [
            ("about", self.about),
            ("address", self.address),
            ("description", self.description),
            ("email", self.email),
        ];
        ProfileUpdate {
            texts: texts
                .into_iter()
                .filter_map(|(name, value)| Some((name.to_owned(), value?)))
                .collect(),
            websites: self.websites,
            vertical: self.vertical,
            picture_handle: None,
            hours: self.hours,
            category: self.category,
        }
    }
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    ok(StatusCode::OK, profile_view(&sandbox, &phone_number_id)?)
}

async fn edit(
    SimSandbox(shared): SimSandbox,
    SimPath((_, phone_number_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<AppEdit>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let editor = ProfileEditor::BusinessApp {
        confirm: request.confirm,
    };
    let stopped = sandbox
        .edit_whatsapp_profile(&phone_number_id, request.fields.into_update(), editor)
        .map_err(|error| match error {
            ProfileEditError::UnknownPhone(id) => no_phone(&id),
            ProfileEditError::Invalid(detail) => GraphError::sim_invalid(detail.message),
            ProfileEditError::WouldStopSync { page_id, fields } => GraphError::sim_conflict(
                format!(
                    "Editing {} will stop syncing this profile with Facebook Page {page_id}: later changes to the Page will no longer reach WhatsApp. Send the edit again with \"confirm\": true to go ahead.",
                    fields.join(", ")
                ),
            )
            .with_data(json!({ "warning": "sync_will_stop", "page_id": page_id, "fields": fields })),
        })?;
    let mut view = profile_view(&sandbox, &phone_number_id)?;
    view["sync_stopped"] = json!(stopped.is_some());
    ok(StatusCode::OK, view)
}
