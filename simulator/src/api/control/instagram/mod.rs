//! Instagram's control routes: people signing up (`users.rs`), what they
//! do in the app — Direct messages, posts, comments, settings
//! (`direct.rs`) — and the
//! contact options of a professional account — as its owner, choose WhatsApp
//! as a contact option and ask for a code (it arrives in that number's
//! WhatsApp inbox from "Facebook Business"), type the code, remove the
//! option; and, as a visitor tapping "Contact", see the options.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::clock::iso8601;
use crate::world::instagram::contact_options::PublicContact;
use crate::world::links::instagram_whatsapp::ContactError;
use crate::world::sandbox::Sandbox;
use crate::world::whatsapp::official::FACEBOOK_BUSINESS;

mod direct;
mod users;

pub fn routes() -> Router<AppState> {
    let account = "/_sim/sandboxes/{sid}/instagram/{ig_id}";
    users::routes()
        .merge(direct::routes())
        .route(&format!("{account}/contact"), get(contact))
        .route(
            &format!("{account}/contact-options/whatsapp"),
            post(send_code).delete(remove),
        )
        .route(
            &format!("{account}/contact-options/whatsapp/verify"),
            post(verify),
        )
}

/// A machine-readable name for each refusal, in `error_data.reason`.
fn contact_error(error: ContactError) -> GraphError {
    let message = error.message();
    let (status, reason, extra) = match error {
        ContactError::UnknownAccount(_) => (404, "unknown_account", None),
        ContactError::NotProfessional(_) => (403, "not_professional", None),
        ContactError::NoPhone => (400, "phone_required", None),
        ContactError::InvalidPhone(_) => (400, "invalid_phone", None),
        ContactError::NotOnWhatsapp(_) => (400, "not_on_whatsapp", None),
        ContactError::ResendTooSoon { retry_after } => {
            (429, "resend_too_soon", Some(("retry_after", retry_after)))
        }
        ContactError::NoPendingCode => (409, "no_code_sent", None),
        ContactError::CodeExpired => (400, "code_expired", None),
        ContactError::WrongCode { attempts_left } => (
            400,
            "wrong_code",
            Some(("attempts_left", i64::from(attempts_left))),
        ),
        ContactError::TooManyAttempts => (429, "too_many_attempts", None),
        ContactError::NoWhatsapp => (404, "no_whatsapp_option", None),
    };
    let mut data = json!({ "reason": reason });
    if let Some((name, value)) = extra {
        data[name] = json!(value);
    }
    let error = if status == 404 {
        GraphError::sim_not_found(message)
    } else {
        GraphError::sim_refused(status, message)
    };
    error.with_data(data)
}

/// The options as a visitor sees them: numbers in E.164 with `+`.
pub(super) fn visible(contact: &PublicContact) -> Value {
    let mut out = Map::new();
    if let Some(email) = &contact.email {
        out.insert("email".into(), json!(email));
    }
    if let Some(phone) = &contact.phone {
        out.insert("phone".into(), json!(format!("+{phone}")));
    }
    if let Some(whatsapp) = &contact.whatsapp {
        out.insert("whatsapp".into(), json!(format!("+{whatsapp}")));
    }
    Value::Object(out)
}

/// The answer to a change: success and the options a visitor now sees.
fn changed(sandbox: &Sandbox, ig_id: &str) -> Answer {
    let contact = sandbox.instagram_contact(ig_id).map_err(contact_error)?;
    ok(
        StatusCode::OK,
        json!({ "success": true, "contact": visible(contact) }),
    )
}

async fn contact(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    let contact = sandbox.instagram_contact(&ig_id).map_err(contact_error)?;
    ok(StatusCode::OK, visible(contact))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SendCode {
    phone: Option<String>,
}

async fn send_code(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<SendCode>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let sent = sandbox
        .send_whatsapp_contact_code(&ig_id, request.phone.as_deref())
        .map_err(contact_error)?;
    ok(
        StatusCode::CREATED,
        json!({
            "phone": format!("+{}", sent.phone),
            "sent_by": FACEBOOK_BUSINESS,
            "expires_at": sent.expires_at,
            "expires_iso": iso8601(sent.expires_at),
            "resend_after": sent.resend_after,
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verify {
    code: String,
}

async fn verify(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<Verify>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox
        .verify_whatsapp_contact_code(&ig_id, &request.code)
        .map_err(contact_error)?;
    changed(&sandbox, &ig_id)
}

async fn remove(
    SimSandbox(shared): SimSandbox,
    SimPath((_, ig_id)): SimPath<(String, String)>,
) -> Answer {
    let mut sandbox = lock(&shared);
    sandbox
        .remove_whatsapp_contact(&ig_id)
        .map_err(contact_error)?;
    changed(&sandbox, &ig_id)
}
