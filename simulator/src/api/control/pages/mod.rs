//! Page routes: create a Page as a Facebook user, read and edit its business
//! info as the Page's admin would in Facebook, and the WhatsApp link made in
//! the WhatsApp Business app ("Connect WhatsApp", "Remove WhatsApp", "Sync
//! profile with Page"), and the Instagram account connected to the Page
//! (`instagram_link.rs`). The effects show on the Graph API (the Page's
//! WhatsApp and Instagram fields, the number's business profile).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::links::WhatsappPageLink;
use crate::world::links::whatsapp_page::LinkError;
use crate::world::pages::{NewPage, Page, PageInfoUpdate};
use crate::world::sandbox::Sandbox;

mod instagram_link;

pub fn routes() -> Router<AppState> {
    let page = "/_sim/sandboxes/{sid}/pages/{page_id}";
    instagram_link::routes()
        .route("/_sim/sandboxes/{sid}/pages", post(create_page))
        .route(page, get(read_page).post(edit_page))
        .route(
            &format!("{page}/whatsapp-link"),
            get(read_link).post(connect).delete(remove),
        )
        .route(&format!("{page}/whatsapp-link/sync"), put(set_sync))
}

pub(super) fn link_error(error: LinkError) -> GraphError {
    let message = error.message();
    match error {
        LinkError::UnknownPage(_)
        | LinkError::UnknownPhone(_)
        | LinkError::UnknownUser(_)
        | LinkError::NotLinked(_) => GraphError::sim_not_found(message),
        LinkError::NoActingUser => GraphError::sim_invalid(message),
        LinkError::NotPageAdmin { .. } => GraphError::sim_refused(403, message),
        LinkError::NotOnWhatsapp(_)
        | LinkError::PageTaken { .. }
        | LinkError::PhoneTaken { .. } => GraphError::sim_conflict(message),
    }
}

/// A link and its sync state as the control plane shows them.
pub(super) fn link_view(sandbox: &Sandbox, link: &WhatsappPageLink) -> Value {
    let stopped = link.sync.stopped.as_ref().map(|stop| {
        json!({
            "reason": stop.reason,
            "fields": stop.fields,
            "at": stop.at,
            "iso": iso8601(stop.at),
        })
    });
    json!({
        "page_id": link.page_id,
        "phone_number_id": link.phone_number_id,
        "whatsapp_number": sandbox.whatsapp.phone_numbers.get(&link.phone_number_id).map(|p| p.digits.clone()),
        "linked_by": link.linked_by,
        "linked_at": link.linked_at,
        "sync": {
            "enabled": link.sync.enabled,
            "enabled_at": link.sync.enabled_at,
            "stopped": stopped,
        },
    })
}

fn known_page<'a>(sandbox: &'a Sandbox, page_id: &str) -> Result<&'a Page, GraphError> {
    sandbox
        .pages
        .pages
        .get(page_id)
        .map(Box::as_ref)
        .ok_or_else(|| link_error(LinkError::UnknownPage(page_id.to_owned())))
}

pub(super) fn page_view(sandbox: &Sandbox, page_id: &str) -> Result<Value, GraphError> {
    let mut view = json!(known_page(sandbox, page_id)?);
    view["whatsapp_link"] = sandbox
        .links
        .whatsapp_pages
        .get(page_id)
        .map_or(Value::Null, |link| link_view(sandbox, link));
    Ok(view)
}

async fn create_page(
    State(state): State<AppState>,
    SimSandbox(shared): SimSandbox,
    SimJson(request): SimJson<NewPage>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let id = sandbox
        .create_page(request)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    state.index_tokens(&sandbox);
    ok(StatusCode::CREATED, page_view(&sandbox, &id)?)
}

async fn read_page(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    ok(StatusCode::OK, page_view(&sandbox, &page_id)?)
}

async fn edit_page(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
    SimJson(update): SimJson<PageInfoUpdate>,
) -> Answer {
    let mut sandbox = lock(&shared);
    known_page(&sandbox, &page_id)?;
    sandbox
        .edit_page_info(&page_id, update)
        .map_err(|invalid| GraphError::sim_invalid(invalid.message))?;
    ok(StatusCode::OK, page_view(&sandbox, &page_id)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Connect {
    phone_number_id: String,
    /// The Facebook user who logs in (default: the owner of the number's business).
    user_id: Option<String>,
}

async fn connect(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Connect>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let link = sandbox
        .link_whatsapp_to_page(
            &page_id,
            &request.phone_number_id,
            request.user_id.as_deref(),
        )
        .map_err(link_error)?
        .clone();
    ok(StatusCode::CREATED, link_view(&sandbox, &link))
}

async fn read_link(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    let link = sandbox.whatsapp_link(&page_id).map_err(link_error)?;
    ok(StatusCode::OK, link_view(&sandbox, link))
}

async fn remove(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let link = sandbox
        .unlink_whatsapp_from_page(&page_id)
        .map_err(link_error)?;
    ok(
        StatusCode::OK,
        json!({ "success": true, "removed": link_view(&sandbox, &link) }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetSync {
    enabled: bool,
}

async fn set_sync(
    SimSandbox(shared): SimSandbox,
    SimPath((_, page_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<SetSync>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let link = sandbox
        .set_profile_sync(&page_id, request.enabled)
        .map_err(link_error)?
        .clone();
    ok(StatusCode::OK, link_view(&sandbox, &link))
}
