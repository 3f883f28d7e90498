//! WhatsApp consumer routes: create consumers, act as them (send a message to a
//! business number, from their phone or a linked device; read what they
//! received, tap a template's URL button, block a number, stop marketing;
//! WhatsApp's marketing message experiment), and read their inbox; a
//! business portfolio's contact book.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::devices::{device_id_of, device_refusal};
use crate::api::control::listing::{Listing, views};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::Consumer;
use crate::world::whatsapp::consumers::ConsumerError;
use crate::world::whatsapp::devices::sending::FromDevice;
use crate::world::whatsapp::messaging::InboundRefusal;
use crate::world::whatsapp::template_clicks::TapRefusal;

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/whatsapp/consumers";
    Router::new()
        .route(base, post(create_consumer).get(list_consumers))
        .route(&format!("{base}/{{digits}}"), get(get_consumer))
        .route(&format!("{base}/{{digits}}/messages"), post(send_inbound))
        .route(&format!("{base}/{{digits}}/read"), post(read))
        .route(
            &format!("{base}/{{digits}}/tap_url_button"),
            post(tap_url_button),
        )
        .route(&format!("{base}/{{digits}}/block"), post(block))
        .route(&format!("{base}/{{digits}}/marketing"), post(marketing))
        .route(
            &format!("{base}/{{digits}}/marketing_experiment"),
            post(marketing_experiment),
        )
        .route(&format!("{base}/{{digits}}/share_phone"), post(share_phone))
        .route(
            &format!("{base}/{{digits}}/change_number"),
            post(change_number),
        )
        .route(
            "/_sim/sandboxes/{sid}/whatsapp/businesses/{business_id}/contact_book",
            get(contact_book).post(set_contact_book),
        )
}

fn consumer_json(sandbox: &Sandbox, consumer: &Consumer) -> Value {
    let user_ids: Map<String, Value> = sandbox
        .accounts
        .businesses
        .keys()
        .map(|business| {
            (
                business.clone(),
                json!(sandbox.bsuid(&consumer.phone, business)),
            )
        })
        .collect();
    // One parent BSUID per parent BSUID account (Meta enrols portfolios).
    let parent_user_ids: Map<String, Value> = sandbox
        .whatsapp
        .parent_bsuid_accounts
        .values()
        .filter_map(|account| {
            let business = account.businesses.first()?;
            let parent = sandbox.parent_bsuid(&consumer.phone, business)?;
            Some((account.id.clone(), json!(parent)))
        })
        .collect();
    json!({
        "phone": consumer.phone,
        "wa_id": consumer.phone,
        "name": consumer.name,
        "username": consumer.username,
        "on_whatsapp": consumer.on_whatsapp,
        "user_ids": user_ids,
        "parent_user_ids": parent_user_ids,
        "blocked_phone_numbers": consumer.blocked,
        "marketing_opt_out_businesses": consumer.marketing_opt_out,
        "marketing_experiment": consumer.marketing_experiment,
    })
}

pub(super) fn no_consumer(digits: &str) -> GraphError {
    GraphError::sim_not_found(format!("No WhatsApp consumer with phone {digits:?}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewConsumer {
    phone: String,
    name: Option<String>,
    #[serde(default = "yes")]
    on_whatsapp: bool,
    username: Option<String>,
}

fn yes() -> bool {
    true
}

async fn create_consumer(
    SimSandbox(shared): SimSandbox,
    SimJson(request): SimJson<NewConsumer>,
) -> Answer {
    let mut sandbox = lock(&shared);
    let consumer = sandbox
        .create_consumer(
            &request.phone,
            request.name,
            request.on_whatsapp,
            request.username,
        )
        .map_err(|error| match error {
            ConsumerError::InvalidPhone(phone) => GraphError::sim_invalid(format!(
                "phone: {phone:?} is not an E.164 number (8 to 15 digits)"
            )),
            ConsumerError::Exists(phone) => {
                GraphError::sim_conflict(format!("A consumer with phone {phone} already exists"))
            }
            ConsumerError::InvalidUsername(name) => GraphError::sim_invalid(format!(
                "username: {name:?} is not a WhatsApp username (3-35 of a-z 0-9 . _, with a letter)"
            )),
        })?;
    ok(StatusCode::CREATED, consumer_json(&sandbox, &consumer))
}

async fn list_consumers(SimSandbox(shared): SimSandbox, listing: Listing) -> Answer {
    listing.only(&[])?;
    views(
        &shared,
        &listing,
        |sandbox| sandbox.whatsapp.consumers.keys().cloned().collect(),
        |sandbox, phone| {
            sandbox
                .whatsapp
                .consumers
                .get(phone)
                .map_or(Value::Null, |c| consumer_json(sandbox, c))
        },
    )
}

async fn get_consumer(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    let consumer = sandbox
        .whatsapp
        .consumers
        .get(&phone_digits(&digits))
        .ok_or_else(|| no_consumer(&digits))?;
    ok(StatusCode::OK, consumer_json(&sandbox, consumer))
}

/// Check an inbound message body (Cloud API webhook shape) and return the
/// message object: `{"type", <type>: {...}, "context"?}`.
pub(super) fn inbound_message(body: &Map<String, Value>) -> Result<Value, GraphError> {
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::sim_invalid("type is required"))?;
    let content = body.get(kind).cloned().ok_or_else(|| {
        GraphError::sim_invalid(format!("{kind} is required for a {kind} message"))
    })?;
    let need = |keys: &[&str]| -> Result<(), GraphError> {
        for key in keys {
            if content.get(key).is_none_or(Value::is_null) {
                return Err(GraphError::sim_invalid(format!("{kind}.{key} is required")));
            }
        }
        Ok(())
    };
    match kind {
        "text" => need(&["body"])?,
        "button" => need(&["payload", "text"])?,
        "location" => need(&["latitude", "longitude"])?,
        "reaction" => need(&["message_id", "emoji"])?,
        "interactive" => match content.get("type").and_then(Value::as_str) {
            Some("button_reply") => need(&["button_reply"])?,
            Some("list_reply") => need(&["list_reply"])?,
            _ => {
                return Err(GraphError::sim_invalid(
                    "interactive.type must be button_reply or list_reply",
                ));
            }
        },
        "contacts" if content.as_array().is_some_and(|a| !a.is_empty()) => {}
        "contacts" => {
            return Err(GraphError::sim_invalid(
                "contacts must be a non-empty array of contacts",
            ));
        }
        // What Meta fills in (id, mime_type, sha256) is completed on delivery.
        "image" | "video" | "audio" | "document" | "sticker" if content.is_object() => {}
        "image" | "video" | "audio" | "document" | "sticker" => {
            return Err(GraphError::sim_invalid(format!("{kind} must be an object")));
        }
        _ => {
            return Err(GraphError::sim_invalid(format!(
                "type {kind:?}: use text, button, interactive, image, video, audio, document, sticker, location, reaction or contacts"
            )));
        }
    }
    let mut message = json!({ "type": kind });
    message[kind] = content;
    if let Some(context) = body.get("context") {
        message["context"] = context.clone();
    }
    Ok(message)
}

pub(super) fn inbound_refusal(refusal: InboundRefusal, digits: &str, to: &str) -> GraphError {
    match refusal {
        InboundRefusal::UnknownConsumer => no_consumer(digits),
        InboundRefusal::NotOnWhatsapp => {
            GraphError::sim_invalid(format!("{digits} is not on WhatsApp"))
        }
        InboundRefusal::UnknownBusinessNumber => {
            GraphError::sim_not_found(format!("No business phone number with id {to:?}"))
        }
        InboundRefusal::NumberNotRegistered => GraphError::sim_invalid(format!(
            "The business number {to} is not registered with the Cloud API, so Meta would not deliver this message to it"
        )),
        InboundRefusal::Blocked => {
            GraphError::sim_invalid(format!("{digits} has blocked {to}; unblock it first"))
        }
        InboundRefusal::BlockedByBusiness => GraphError::sim_refused(
            403,
            format!("{to} has blocked {digits}: WhatsApp does not deliver their messages"),
        ),
    }
}

async fn send_inbound(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<Map<String, Value>>,
) -> Answer {
    let to = request
        .get("to")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::sim_invalid("to (a business phone number id) is required"))?
        .to_owned();
    let device_id = device_id_of(&request)?;
    let digits = phone_digits(&digits);
    let message = inbound_message(&request)?;
    let mut sandbox = lock(&shared);
    let id = sandbox
        .send_from_device(&digits, device_id.as_deref(), |sandbox, _| {
            sandbox.consumer_writes(&digits, &to, message)
        })
        .map_err(|refusal| match refusal {
            FromDevice::Device(error) => device_refusal(error),
            FromDevice::Send(refusal) => inbound_refusal(refusal, &digits, &to),
        })?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}

/// What a consumer reads: `message_ids`, or everything when left out.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ReadRequest {
    pub(super) message_ids: Option<Vec<String>>,
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<ReadRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.consumers.contains_key(&digits) {
        return Err(no_consumer(&digits));
    }
    let count = sandbox.consumer_reads(&digits, request.message_ids.as_deref());
    ok(StatusCode::OK, json!({ "success": true, "read": count }))
}

/// A URL button tap: the template message, and the button's index among
/// the template's buttons (its first URL button when left out).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TapRequest {
    message_id: String,
    index: Option<u8>,
}

/// The consumer taps a URL button of a template message they received:
/// nothing reaches the business, template analytics count the click.
async fn tap_url_button(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<TapRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.consumers.contains_key(&digits) {
        return Err(no_consumer(&digits));
    }
    let index = request.index.map(usize::from);
    let (text, url) = sandbox
        .tap_url_button(&digits, &request.message_id, index)
        .map_err(|refusal| match refusal {
            TapRefusal::NoMessage => GraphError::sim_not_found(format!(
                "{digits} received no template message {:?}",
                request.message_id
            )),
            TapRefusal::NoUrlButton => GraphError::sim_invalid(match index {
                Some(index) => format!("The template's button {index} is not a URL button"),
                None => "The template has no URL button".to_owned(),
            }),
        })?;
    ok(
        StatusCode::OK,
        json!({ "success": true, "button_content": text, "url": url }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRequest {
    phone_number_id: String,
    /// `false` unblocks.
    #[serde(default = "yes")]
    blocked: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketingRequest {
    phone_number_id: String,
    opt_out: bool,
}

fn consumer_action(changed: bool, digits: &str, phone_number_id: &str) -> Answer {
    if changed {
        ok(StatusCode::OK, json!({ "success": true }))
    } else {
        Err(GraphError::sim_not_found(format!(
            "No consumer {digits:?} or no business phone number {phone_number_id:?}"
        )))
    }
}

async fn block(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<BlockRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let changed = lock(&shared).set_blocked(&digits, &request.phone_number_id, request.blocked);
    consumer_action(changed, &digits, &request.phone_number_id)
}

async fn marketing(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<MarketingRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let changed =
        lock(&shared).set_marketing_opt_out(&digits, &request.phone_number_id, request.opt_out);
    consumer_action(changed, &digits, &request.phone_number_id)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentRequest {
    in_experiment: bool,
}

/// WhatsApp puts the consumer in (or out of) its marketing message experiment.
async fn marketing_experiment(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<ExperimentRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    if !lock(&shared).set_marketing_experiment(&digits, request.in_experiment) {
        return Err(no_consumer(&digits));
    }
    ok(StatusCode::OK, json!({ "success": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareRequest {
    to: String,
}

async fn share_phone(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<ShareRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let id = lock(&shared)
        .share_phone(&digits, &request.to)
        .map_err(|refusal| inbound_refusal(refusal, &digits, &request.to))?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeNumberRequest {
    new_phone: String,
}

async fn change_number(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<ChangeNumberRequest>,
) -> Answer {
    let (old, new) = (phone_digits(&digits), phone_digits(&request.new_phone));
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.consumers.contains_key(&old) {
        return Err(no_consumer(&old));
    }
    sandbox
        .change_number(&old, &new)
        .map_err(|error| match error {
            ConsumerError::Exists(phone) => {
                GraphError::sim_conflict(format!("A consumer with phone {phone} already exists"))
            }
            _ => GraphError::sim_invalid(format!(
                "new_phone: {:?} is not an E.164 number (8 to 15 digits)",
                request.new_phone
            )),
        })?;
    let consumer = sandbox
        .whatsapp
        .consumers
        .get(&new)
        .cloned()
        .ok_or_else(|| no_consumer(&new))?;
    ok(StatusCode::OK, consumer_json(&sandbox, &consumer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactBookRequest {
    enabled: bool,
}

async fn contact_book(
    SimSandbox(shared): SimSandbox,
    SimPath((_, business_id)): SimPath<(String, String)>,
) -> Answer {
    let sandbox = lock(&shared);
    if !sandbox.accounts.businesses.contains_key(&business_id) {
        return Err(GraphError::sim_not_found(format!(
            "No business with id {business_id:?}"
        )));
    }
    let book = sandbox
        .whatsapp
        .identity
        .contact_books
        .get(&business_id)
        .cloned()
        .unwrap_or_default();
    let entries: Vec<Value> = book
        .phones
        .iter()
        .map(|phone| json!({ "phone": phone, "user_id": sandbox.bsuid(phone, &business_id) }))
        .collect();
    ok(
        StatusCode::OK,
        json!({ "enabled": book.enabled, "entries": entries }),
    )
}

async fn set_contact_book(
    SimSandbox(shared): SimSandbox,
    SimPath((_, business_id)): SimPath<(String, String)>,
    SimJson(request): SimJson<ContactBookRequest>,
) -> Answer {
    if lock(&shared).set_contact_book(&business_id, request.enabled) {
        ok(StatusCode::OK, json!({ "success": true }))
    } else {
        Err(GraphError::sim_not_found(format!(
            "No business with id {business_id:?}"
        )))
    }
}
