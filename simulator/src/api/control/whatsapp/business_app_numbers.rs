//! Numbers used in the WhatsApp Business app, played from the control
//! plane: a business starts using the app with a number; it onboards that
//! number to the Cloud API through Embedded Signup (coexistence), or
//! disconnects it in the app; and it sends messages from the app or a linked
//! companion. `{digits}` is the number's E.164 digits without `+`.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::consumers::{inbound_message, no_consumer};
use super::devices::{device_id_of, device_refusal};
use crate::api::control::listing::{Listing, views};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::business_app::messaging::AppSendRefusal;
use crate::world::whatsapp::business_app::{AppNumber, AppNumberError};
use crate::world::whatsapp::devices::sending::FromDevice;

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/whatsapp/business-app/numbers";
    Router::new()
        .route(base, post(create).get(list))
        .route(&format!("{base}/{{digits}}"), get(read))
        .route(&format!("{base}/{{digits}}/onboard"), post(onboard))
        .route(&format!("{base}/{{digits}}/disconnect"), post(disconnect))
        .route(&format!("{base}/{{digits}}/messages"), post(send))
}

fn number_view(sandbox: &Sandbox, digits: &str, number: &AppNumber) -> Value {
    let phone = sandbox.whatsapp.phone_numbers.get(&number.phone_number_id);
    let onboarding = number.onboarding.as_ref().map(|o| {
        json!({
            "waba_id": o.waba_id,
            "onboarded_at": o.at,
            "share_history": o.share_history,
            "sync_deadline": o.sync_deadline(),
            "state_sync_requested_at": o.state_sync_requested_at,
            "history_requested_at": o.history_requested_at,
        })
    });
    json!({
        "phone": digits,
        "phone_number_id": number.phone_number_id,
        "display_phone_number": phone.map(|p| p.display_phone_number.clone()),
        "verified_name": phone.map(|p| p.verified_name.clone()),
        "is_on_biz_app": true,
        "platform_type": phone.map(|p| p.platform_type.clone()),
        "status": phone.map(|p| p.status.clone()),
        "created_at": number.created_at,
        "onboarding": onboarding,
        "disconnection": number.disconnection,
    })
}

fn refusal(error: AppNumberError) -> GraphError {
    match error {
        AppNumberError::InvalidPhone(phone) => GraphError::sim_invalid(format!(
            "phone: {phone:?} is not an E.164 number (8 to 15 digits)"
        )),
        AppNumberError::InvalidName => {
            GraphError::sim_invalid("verified_name: use 1 to 256 characters")
        }
        AppNumberError::Exists(digits) => {
            GraphError::sim_conflict(format!("The business number {digits} exists already"))
        }
        AppNumberError::IsConsumer(digits) => GraphError::sim_conflict(format!(
            "{digits} is registered on WhatsApp by a consumer; a number has one WhatsApp account"
        )),
        AppNumberError::UnknownNumber(digits) => {
            GraphError::sim_not_found(format!("No WhatsApp Business app number {digits:?}"))
        }
        AppNumberError::UnknownWaba(id) => {
            GraphError::sim_not_found(format!("No WhatsApp Business Account {id:?}"))
        }
        AppNumberError::AlreadyConnected => GraphError::sim_conflict(
            "This number is on the Cloud API already; it disconnects in the WhatsApp Business app first",
        ),
        AppNumberError::NotConnected => {
            GraphError::sim_conflict("This number is not connected to the Cloud API")
        }
    }
}

/// The number `digits` after an action, as the routes answer it.
fn answer(sandbox: &Sandbox, digits: &str, status: StatusCode) -> Answer {
    let number = sandbox
        .whatsapp
        .business_app
        .numbers
        .get(digits)
        .ok_or_else(|| refusal(AppNumberError::UnknownNumber(digits.to_owned())))?;
    ok(status, number_view(sandbox, digits, number))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewNumber {
    phone: String,
    verified_name: String,
}

async fn create(SimSandbox(shared): SimSandbox, SimJson(body): SimJson<NewNumber>) -> Answer {
    let mut sandbox = lock(&shared);
    let digits = sandbox
        .create_business_app_number(&body.phone, &body.verified_name)
        .map_err(refusal)?;
    answer(&sandbox, &digits, StatusCode::CREATED)
}

async fn list(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| {
            sandbox
                .whatsapp
                .business_app
                .numbers
                .keys()
                .cloned()
                .collect()
        },
        |sandbox, digits| {
            let numbers = &sandbox.whatsapp.business_app.numbers;
            numbers
                .get(digits)
                .map_or(Value::Null, |number| number_view(sandbox, digits, number))
        },
    )
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
) -> Answer {
    answer(&lock(&shared), &phone_digits(&digits), StatusCode::OK)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Onboard {
    waba_id: String,
    share_history: bool,
}

async fn onboard(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(body): SimJson<Onboard>,
) -> Answer {
    let digits = phone_digits(&digits);
    let mut sandbox = lock(&shared);
    sandbox
        .onboard_business_app_number(&digits, &body.waba_id, body.share_history)
        .map_err(refusal)?;
    answer(&sandbox, &digits, StatusCode::OK)
}

async fn disconnect(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
) -> Answer {
    let digits = phone_digits(&digits);
    let mut sandbox = lock(&shared);
    sandbox
        .disconnect_business_app_number(&digits)
        .map_err(refusal)?;
    answer(&sandbox, &digits, StatusCode::OK)
}

fn send_refusal(refusal: AppSendRefusal, digits: &str, to: &str) -> GraphError {
    match refusal {
        AppSendRefusal::UnknownNumber => {
            GraphError::sim_not_found(format!("No WhatsApp Business app number {digits:?}"))
        }
        AppSendRefusal::UnknownConsumer => no_consumer(to),
        AppSendRefusal::NotOnWhatsapp => {
            GraphError::sim_invalid(format!("{to} is not on WhatsApp"))
        }
        AppSendRefusal::Blocked => GraphError::sim_invalid(format!(
            "{to} has blocked {digits}; the message cannot reach them"
        )),
    }
}

async fn send(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<Map<String, Value>>,
) -> Answer {
    let digits = phone_digits(&digits);
    let to = request
        .get("to")
        .and_then(Value::as_str)
        .map(phone_digits)
        .ok_or_else(|| GraphError::sim_invalid("to (the consumer's phone number) is required"))?;
    let device_id = device_id_of(&request)?;
    let message = inbound_message(&request)?;
    if matches!(message["type"].as_str(), Some("button" | "interactive")) {
        return Err(GraphError::sim_invalid(
            "type: the WhatsApp Business app sends text, image, video, audio, document, sticker, location, reaction or contacts",
        ));
    }
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.business_app.numbers.contains_key(&digits) {
        return Err(refusal(AppNumberError::UnknownNumber(digits)));
    }
    let id = sandbox
        .send_from_device(&digits, device_id.as_deref(), |sandbox, device| {
            let device = device.unwrap_or_default().to_owned();
            sandbox.send_from_business_app(&digits, &to, message, &device)
        })
        .map_err(|refusal| match refusal {
            FromDevice::Device(error) => device_refusal(error),
            FromDevice::Send(refusal) => send_refusal(refusal, &digits, &to),
        })?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}
