//! A WhatsApp account's devices, played from the control plane: list them;
//! a new device asks to link (a QR code or a link code to show) and the
//! primary scans or types it; the primary unlinks a companion; a companion
//! logs itself out; the number is registered on another phone; and what one
//! device holds (its inbox). `{digits}` is the account's E.164 number without
//! `+`: a consumer, or a number used in the WhatsApp Business app.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::business_chats::business_device_chats;
use super::chats::device_chats;
use crate::api::control::listing::{Listing, Start, built};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, SharedSandbox, lock};
use crate::world::clock::iso8601;
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::devices::linking::{
    LINK_CODE_ALPHABET, LinkMethod, NewDevice, PendingLink,
};
use crate::world::whatsapp::devices::{
    AccountKind, Device, DeviceError, DeviceKind, MAX_COMPANIONS,
};

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/whatsapp/accounts/{digits}/devices";
    Router::new()
        .route(base, get(list))
        .route(&format!("{base}/qr"), post(request_qr))
        .route(&format!("{base}/qr/scan"), post(scan_qr))
        .route(&format!("{base}/link-code"), post(request_code))
        .route(&format!("{base}/link-code/confirm"), post(confirm_code))
        .route(&format!("{base}/{{device_id}}"), delete(unlink))
        .route(&format!("{base}/{{device_id}}/logout"), post(logout))
        .route(&format!("{base}/{{device_id}}/inbox"), get(inbox))
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/accounts/{digits}/register",
            post(register),
        )
}

/// A device as the control plane shows it.
pub(super) fn device_json(device: &Device) -> Value {
    let mut view = json!({
        "id": device.id,
        "role": device.role,
        "kind": device.kind,
        "name": device.name,
        "state": device.state,
        "linked_at": device.linked_at,
        "last_active_at": device.last_active_at,
    });
    if let Some(reason) = device.logout_reason {
        view["logout_reason"] = json!(reason);
    }
    if let Some(at) = device.logged_out_at {
        view["logged_out_at"] = json!(at);
    }
    view
}

/// Meta-shaped refusals of device actions.
pub(super) fn device_refusal(error: DeviceError) -> GraphError {
    match error {
        DeviceError::UnknownAccount(digits) => GraphError::sim_not_found(format!(
            "No WhatsApp account with phone {digits:?} (neither a consumer nor a WhatsApp Business app number)"
        )),
        DeviceError::NotOnWhatsapp(digits) => {
            GraphError::sim_invalid(format!("{digits} is not on WhatsApp, so it has no devices"))
        }
        DeviceError::UnknownDevice(id) => {
            GraphError::sim_not_found(format!("No device {id:?} on this account"))
        }
        DeviceError::LoggedOut(id) => {
            GraphError::sim_conflict(format!("Device {id} is logged out already"))
        }
        DeviceError::IsPrimary(id) => GraphError::sim_invalid(format!(
            "Device {id} is the primary phone: only companions are unlinked or log out; register the number on another phone to replace it"
        )),
        DeviceError::CompanionLimit => GraphError::sim_conflict(format!(
            "This account already has {MAX_COMPANIONS} linked devices, the most WhatsApp allows: unlink one first"
        )),
        DeviceError::InvalidName => {
            GraphError::sim_invalid("name: use 1 to 64 characters, without control characters")
        }
        DeviceError::PrimaryMustBeAPhone(kind) => GraphError::sim_invalid(format!(
            "kind: a number is registered on a phone; a {} device links as a companion instead",
            kind.name()
        )),
        DeviceError::UnknownLinkSecret => GraphError::sim_not_found(
            "No device showing this code is waiting to link to this account",
        ),
        DeviceError::MalformedLinkCode => GraphError::sim_invalid(format!(
            "code: a link code is 8 characters from {} (a hyphen after the fourth is optional)",
            String::from_utf8_lossy(LINK_CODE_ALPHABET)
        )),
        DeviceError::Expired { expires_at } => GraphError::sim_invalid(format!(
            "This code expired at {}: the new device shows a fresh one",
            iso8601(expires_at)
        )),
        DeviceError::AlreadyUsed => {
            GraphError::sim_conflict("This code was used already: each links one device once")
        }
    }
}

/// The optional `device_id` of a message body: which device sends it.
pub(super) fn device_id_of(body: &Map<String, Value>) -> Result<Option<String>, GraphError> {
    match body.get("device_id") {
        None => Ok(None),
        Some(Value::String(id)) => Ok(Some(id.clone())),
        Some(_) => Err(GraphError::sim_invalid("device_id must be a string")),
    }
}

/// What a device asking to link (or a phone registering) says about itself.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeviceBody {
    kind: String,
    name: Option<String>,
}

impl DeviceBody {
    pub(super) fn into_new_device(self) -> Result<NewDevice, GraphError> {
        let kind = DeviceKind::parse(&self.kind).ok_or_else(|| {
            GraphError::sim_invalid(format!(
                "kind: {:?} is not a device kind; use phone, web, desktop or tablet",
                self.kind
            ))
        })?;
        Ok(NewDevice {
            kind,
            name: self.name,
        })
    }
}

async fn list(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    listing: Listing,
) -> Answer {
    built(&shared, &listing, Start::First, |sandbox| {
        let devices = sandbox
            .devices_of(&phone_digits(&digits))
            .map_err(device_refusal)?;
        Ok(devices
            .devices
            .iter()
            .map(device_json)
            .collect::<Vec<Value>>())
    })
}

fn request_link(
    shared: &SharedSandbox,
    digits: &str,
    method: LinkMethod,
    body: DeviceBody,
) -> Result<PendingLink, GraphError> {
    let device = body.into_new_device()?;
    lock(shared)
        .request_link(&phone_digits(digits), method, device)
        .map_err(device_refusal)
}

async fn request_qr(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(body): SimJson<DeviceBody>,
) -> Answer {
    let pending = request_link(&shared, &digits, LinkMethod::Qr, body)?;
    ok(
        StatusCode::CREATED,
        json!({ "device_id": pending.device_id, "qr": pending.shown, "expires_at": pending.expires_at }),
    )
}

async fn request_code(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(body): SimJson<DeviceBody>,
) -> Answer {
    let pending = request_link(&shared, &digits, LinkMethod::Code, body)?;
    ok(
        StatusCode::CREATED,
        json!({ "device_id": pending.device_id, "code": pending.shown, "expires_at": pending.expires_at }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanBody {
    qr: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    code: String,
}

/// The primary scans a QR code or types a link code.
fn complete(shared: &SharedSandbox, digits: &str, method: LinkMethod, given: &str) -> Answer {
    let device = lock(shared)
        .complete_link(&phone_digits(digits), method, given)
        .map_err(device_refusal)?;
    ok(StatusCode::OK, device_json(&device))
}

async fn scan_qr(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(body): SimJson<ScanBody>,
) -> Answer {
    complete(&shared, &digits, LinkMethod::Qr, &body.qr)
}

async fn confirm_code(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(body): SimJson<ConfirmBody>,
) -> Answer {
    complete(&shared, &digits, LinkMethod::Code, &body.code)
}

type DeviceAction = fn(&mut Sandbox, &str, &str) -> Result<Device, DeviceError>;

/// A device action on `{digits}`'s device `{device_id}`, answered with the device.
fn on_device(
    shared: &SharedSandbox,
    digits: &str,
    device_id: &str,
    action: DeviceAction,
) -> Answer {
    let device =
        action(&mut lock(shared), &phone_digits(digits), device_id).map_err(device_refusal)?;
    ok(StatusCode::OK, device_json(&device))
}

async fn unlink(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, device_id)): SimPath<(String, String, String)>,
) -> Answer {
    on_device(&shared, &digits, &device_id, Sandbox::unlink_device)
}

async fn logout(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, device_id)): SimPath<(String, String, String)>,
) -> Answer {
    on_device(&shared, &digits, &device_id, Sandbox::log_out_device)
}

async fn register(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(body): SimJson<DeviceBody>,
) -> Answer {
    let phone = body.into_new_device()?;
    let primary = lock(&shared)
        .register_new_primary(&phone_digits(&digits), phone)
        .map_err(device_refusal)?;
    ok(StatusCode::OK, device_json(&primary))
}

/// One device's view: the device and its chats — for a consumer with the
/// account's block list, for a WhatsApp Business app number one chat per
/// consumer.
async fn inbox(
    SimSandbox(shared): SimSandbox,
    SimPath((sid, digits, device_id)): SimPath<(String, String, String)>,
) -> Answer {
    let digits = phone_digits(&digits);
    let sandbox = lock(&shared);
    let kind = sandbox.whatsapp_account(&digits).map_err(device_refusal)?;
    let account = sandbox.devices_of(&digits).map_err(device_refusal)?;
    let device = account
        .device(&device_id)
        .ok_or_else(|| device_refusal(DeviceError::UnknownDevice(device_id.clone())))?;
    let view = match kind {
        AccountKind::Consumer => {
            let blocked = sandbox
                .whatsapp
                .consumers
                .get(&digits)
                .map(|consumer| json!(consumer.blocked));
            json!({
                "device": device_json(device),
                "chats": device_chats(&sandbox, &sid, &digits, device),
                "blocked_phone_numbers": blocked,
            })
        }
        AccountKind::BusinessApp => {
            let phone_number_id = sandbox.app_phone_number_id(&digits).unwrap_or_default();
            json!({
                "device": device_json(device),
                "chats": business_device_chats(&sandbox, phone_number_id, device),
            })
        }
    };
    ok(StatusCode::OK, view)
}
