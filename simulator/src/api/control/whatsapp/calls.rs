//! A consumer's side of WhatsApp Calling: call a business number, answer or
//! decline a business's call, hang up, and reply to a call permission
//! request (or take a permission back).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use super::consumers::{inbound_refusal, no_consumer};
use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::calls::CallRefusal;

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}";
    Router::new()
        .route(&format!("{base}/calls"), post(place_call))
        .route(&format!("{base}/calls/{{call_id}}"), post(act_on_call))
        .route(&format!("{base}/call_permission"), post(call_permission))
}

fn call_refusal(error: CallRefusal, digits: &str, phone_number_id: &str) -> GraphError {
    match error {
        CallRefusal::NotEnabled => GraphError::sim_invalid(format!(
            "Calling is not enabled on {phone_number_id}: enable it with POST /{{phone-number-id}}/settings"
        )),
        CallRefusal::NotRegistered => GraphError::sim_invalid(format!(
            "{phone_number_id} is not a business number registered with the Cloud API"
        )),
        CallRefusal::Uncallable => GraphError::sim_invalid(format!(
            "{digits} cannot call {phone_number_id}: not on WhatsApp, or one blocked the other"
        )),
        CallRefusal::Duplicate => GraphError::sim_conflict(format!(
            "{digits} already has a call with {phone_number_id}"
        )),
        CallRefusal::ConcurrentLimit => {
            GraphError::sim_conflict(format!("{phone_number_id} has 1000 calls going on"))
        }
        CallRefusal::UnknownCall => GraphError::sim_not_found(format!(
            "{digits} has no ongoing call with id {phone_number_id:?}"
        )),
        CallRefusal::WrongState(why) => GraphError::sim_invalid(why),
        CallRefusal::OutsideCallHours => GraphError::sim_conflict(format!(
            "{phone_number_id} takes no calls now: outside its call hours (calling.call_hours of GET /{{phone-number-id}}/settings)"
        )),
        CallRefusal::OutsideIconCountries => GraphError::sim_conflict(format!(
            "{digits} does not see the call button of {phone_number_id}: its country is not in calling.call_icons.restrict_to_user_countries"
        )),
        CallRefusal::CallIconHidden => GraphError::sim_conflict(format!(
            "{digits} cannot call {phone_number_id} unsolicited: its calling.call_icon_visibility is DISABLE_ALL (hidden)"
        )),
        CallRefusal::VideoDisabled => GraphError::sim_conflict(format!(
            "{phone_number_id} takes no video calls: calling.video.status is disabled"
        )),
        CallRefusal::Restricted { until } => GraphError::sim_conflict(format!(
            "{phone_number_id} takes no calls from users until {until}: a USER_INITIATED_CALLING restriction (calling.restrictions)"
        )),
        CallRefusal::NoPermission
        | CallRefusal::RequestLimit
        | CallRefusal::SipSignalling
        | CallRefusal::NoCommonCodec
        | CallRefusal::ConnectedLimit { .. } => {
            GraphError::sim_invalid("the business's limits do not apply to a consumer")
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceCall {
    phone_number_id: String,
    /// A video call (needs the number's `calling.video.status` enabled).
    #[serde(default)]
    video: bool,
}

async fn place_call(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<PlaceCall>,
) -> Answer {
    let digits = phone_digits(&digits);
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.consumers.contains_key(&digits) {
        return Err(no_consumer(&digits));
    }
    let id = sandbox
        .consumer_calls(&digits, &request.phone_number_id, request.video)
        .map_err(|e| call_refusal(e, &digits, &request.phone_number_id))?;
    ok(StatusCode::CREATED, json!({ "call_id": id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallAction {
    /// `accept` or `reject` a ringing business call, or `hang_up`.
    action: String,
}

async fn act_on_call(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, call_id)): SimPath<(String, String, String)>,
    SimJson(request): SimJson<CallAction>,
) -> Answer {
    let digits = phone_digits(&digits);
    let mut sandbox = lock(&shared);
    let done = match request.action.as_str() {
        "accept" | "reject" => {
            sandbox.consumer_answers(&digits, &call_id, request.action == "accept")
        }
        "hang_up" => sandbox.consumer_hangs_up(&digits, &call_id),
        other => {
            return Err(GraphError::sim_invalid(format!(
                "action: {other:?} is not one of accept, reject, hang_up"
            )));
        }
    };
    done.map_err(|e| call_refusal(e, &digits, &call_id))?;
    ok(StatusCode::OK, json!({ "success": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionReply {
    phone_number_id: String,
    /// `accept` or `reject` the last call permission request, or `revoke`
    /// a permission given before.
    response: String,
    /// An accepted permission never expires (otherwise 7 days).
    #[serde(default)]
    permanent: bool,
}

async fn call_permission(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<PermissionReply>,
) -> Answer {
    let digits = phone_digits(&digits);
    let phone = request.phone_number_id.as_str();
    let mut sandbox = lock(&shared);
    if !sandbox.whatsapp.consumers.contains_key(&digits) {
        return Err(no_consumer(&digits));
    }
    let accept = match request.response.as_str() {
        "accept" => true,
        "reject" => false,
        "revoke" if sandbox.revoke_call_permission(&digits, phone) => {
            return ok(StatusCode::OK, json!({ "success": true }));
        }
        "revoke" => {
            return Err(GraphError::sim_not_found(format!(
                "{digits} gave {phone} no call permission"
            )));
        }
        other => {
            return Err(GraphError::sim_invalid(format!(
                "response: {other:?} is not one of accept, reject, revoke"
            )));
        }
    };
    let id = sandbox
        .reply_to_call_permission(&digits, phone, accept, request.permanent)
        .ok_or_else(|| {
            GraphError::sim_not_found(format!(
                "{phone} sent {digits} no call permission request in the last 7 days"
            ))
        })?
        .map_err(|refusal| inbound_refusal(refusal, &digits, phone))?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}
