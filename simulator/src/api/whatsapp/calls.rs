//! WhatsApp Calling: `GET /{phone-number-id}/call_permissions?user_wa_id=…`
//! (the permission to call a user and the use of the limits) and
//! `POST /{phone-number-id}/calls` (`connect` a business-initiated call;
//! `pre_accept`, `accept` or `reject` a user's call; `terminate` any call).
//! Refusals are Meta's calling errors (138000-series); a number with SIP
//! enabled refuses call actions with 131055.

use serde_json::{Map, Value, json};

use super::{require_whatsapp_product, required};
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::call_media::SessionMedia;
use crate::world::whatsapp::calls::{
    CONNECTED_CALLS_PER_DAY, CallRefusal, PermissionCheck, REQUESTS_PER_DAY, REQUESTS_PER_WEEK,
    check_sdp,
};

/// Meta's error for a refused calling action.
pub fn refusal(error: CallRefusal) -> GraphError {
    match error {
        CallRefusal::NotEnabled => GraphError::whatsapp(
            138000,
            "Calling not enabled",
            "Calling is not enabled for this business phone number. Enable it with POST /{phone-number-id}/settings (calling.status: enabled).",
        ),
        CallRefusal::Uncallable => GraphError::whatsapp(
            138001,
            "Receiver is unable to receive calls",
            "The recipient is not a WhatsApp user who can receive calls from this business number.",
        ),
        CallRefusal::ConcurrentLimit => GraphError::whatsapp(
            138002,
            "Concurrent calls limit",
            "This business phone number has reached the limit of 1000 concurrent calls.",
        ),
        CallRefusal::Duplicate => GraphError::whatsapp(
            138003,
            "Duplicate call",
            "A call with this user is already ongoing.",
        ),
        CallRefusal::NoPermission => GraphError::whatsapp(
            138006,
            "No approved call permission from the recipient",
            "The user has not given this business number permission to call them.",
        ),
        CallRefusal::RequestLimit => GraphError::whatsapp(
            138009,
            "Call permission request limit hit",
            "Limit reached for call permission requests to this user: 1 per 24 hours and 2 per 7 days. A connected call resets the limits.",
        ),
        CallRefusal::ConnectedLimit { next_allowed } => GraphError::whatsapp(
            138012,
            "Business initiated calls limit hit",
            &format!(
                "Limit reached for business-initiated calls to this user: {CONNECTED_CALLS_PER_DAY} connected calls in 24 hours. The next call is allowed at {next_allowed}."
            ),
        ),
        CallRefusal::UnknownCall => GraphError::invalid_parameter(
            "Param call_id does not name an ongoing call of this phone number.",
        ),
        CallRefusal::WrongState(why) => {
            GraphError::invalid_parameter(format!("Invalid action for this call: {why}."))
        }
        // Only users' calls meet call hours; listed for the match to be whole.
        CallRefusal::OutsideCallHours => GraphError::invalid_parameter(
            "The business phone number takes no calls outside its call hours.",
        ),
        CallRefusal::SipSignalling => GraphError::whatsapp(
            131055,
            "Method not allowed",
            "This business phone number has SIP enabled: calls are signalled over SIP, not with the Graph API.",
        ),
        CallRefusal::VideoDisabled => GraphError::whatsapp(
            100,
            "Invalid parameter",
            "SDP Validation error: the SDP has a video media description (m=video) but video calling is not enabled for this business phone number. Enable it with POST /{phone-number-id}/settings (calling.video.status: enabled).",
        ),
        CallRefusal::NoCommonCodec => GraphError::whatsapp(
            100,
            "Invalid parameter",
            "SDP Validation error: the SDP's audio media description (m=audio) offers no codec this business phone number takes: Opus, or PCMA/PCMU once enabled with POST /{phone-number-id}/settings (calling.audio.additional_codecs).",
        ),
        CallRefusal::Restricted { until } => GraphError::whatsapp(
            138005,
            "Call rate limit exceeded",
            &format!(
                "Business-initiated calling is restricted for this business phone number until {until} (calling.restrictions of GET /{{phone-number-id}}/settings)."
            ),
        ),
        // Only users' calls meet the call icon; listed for the match to be whole.
        CallRefusal::OutsideIconCountries => GraphError::invalid_parameter(
            "The business phone number's call button is not shown in the user's country.",
        ),
        CallRefusal::CallIconHidden => GraphError::invalid_parameter(
            "The business phone number's call button is hidden (call_icon_visibility DISABLE_ALL).",
        ),
        CallRefusal::NotRegistered => GraphError::whatsapp(
            133010,
            "Phone number Not Registered",
            "The business phone number is not registered with the WhatsApp Cloud API.",
        ),
    }
}

fn limit(period: &str, used: usize, max: usize, resets: Option<i64>) -> Value {
    let mut item = json!({ "time_period": period, "max_allowed": max, "current_usage": used });
    if let Some(at) = resets.filter(|_| used >= max) {
        item["limit_expiration_time"] = json!(at);
    }
    item
}

fn check_json(check: &PermissionCheck) -> Value {
    let mut permission = Map::new();
    permission.insert("status".into(), json!(check.status));
    if let Some(at) = check.expiration_time {
        permission.insert("expiration_time".into(), json!(at));
    }
    let request_limits = [
        limit(
            "PT24H",
            check.requests_today,
            REQUESTS_PER_DAY,
            check.request_day_resets,
        ),
        limit(
            "P7D",
            check.requests_this_week,
            REQUESTS_PER_WEEK,
            check.request_week_resets,
        ),
    ];
    let call_limits = [limit(
        "PT24H",
        check.connected_today,
        CONNECTED_CALLS_PER_DAY,
        check.connected_resets,
    )];
    json!({
        "messaging_product": "whatsapp",
        "permission": permission,
        "actions": [
            {
                "action_name": "send_call_permission_request",
                "can_perform_action": check.can_request(),
                "limits": request_limits,
            },
            {
                "action_name": "start_call",
                "can_perform_action": check.can_call(),
                "limits": call_limits,
            },
        ],
    })
}

/// `GET /{phone-number-id}/call_permissions?user_wa_id=…`.
pub fn permissions(op: Operation<'_>) -> Result<Value, GraphError> {
    let user = required(op.request, "user_wa_id")?;
    let check = op
        .sandbox
        .call_permission(op.id, &phone_digits(&user))
        .map_err(refusal)?;
    Ok(check_json(&check))
}

/// The `session` of `connect` (an offer) or `accept`/`pre_accept` (an
/// answer); what its SDP asks of the call's media.
fn session(request: &GraphRequest, sdp_type: &str) -> Result<SessionMedia, GraphError> {
    let value = request
        .param_json("session")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter session is required"))??;
    let given = value.get("sdp_type").and_then(Value::as_str);
    if given != Some(sdp_type) {
        return Err(GraphError::invalid_parameter(format!(
            "Param session['sdp_type'] must be \"{sdp_type}\" for this action."
        )));
    }
    let sdp = value
        .get("sdp")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::invalid_parameter("The parameter session['sdp'] is required"))?;
    check_sdp(sdp).map_err(|details| {
        GraphError::whatsapp(
            100,
            "Invalid parameter",
            &format!("SDP Validation error: {details}"),
        )
    })?;
    Ok(SessionMedia::of(sdp))
}

/// `POST /{phone-number-id}/calls`.
pub fn manage(op: Operation<'_>) -> Result<Value, GraphError> {
    let request = op.request;
    require_whatsapp_product(request)?;
    let action = required(request, "action")?;
    match action.as_str() {
        "connect" => {
            let to = phone_digits(&required(request, "to")?);
            let offer = session(request, "offer")?;
            let callback = request.param_str("biz_opaque_callback_data");
            if callback.as_ref().is_some_and(|c| c.chars().count() > 512) {
                return Err(GraphError::invalid_parameter(
                    "Param biz_opaque_callback_data must be at most 512 characters long.",
                ));
            }
            let id = op
                .sandbox
                .business_calls(op.id, &to, callback, &offer)
                .map_err(refusal)?;
            Ok(json!({ "messaging_product": "whatsapp", "calls": [{ "id": id }] }))
        }
        "pre_accept" | "accept" | "reject" | "terminate" => {
            let call_id = required(request, "call_id")?;
            let answer = if matches!(action.as_str(), "pre_accept" | "accept") {
                Some(session(request, "answer")?)
            } else {
                None
            };
            op.sandbox
                .business_call_action(op.id, &call_id, &action, answer.as_ref())
                .map_err(refusal)?;
            Ok(json!({ "messaging_product": "whatsapp", "success": true }))
        }
        other => Err(GraphError::invalid_parameter(format!(
            "Param action must be one of {{connect, pre_accept, accept, reject, terminate}} - got \"{other}\"."
        ))),
    }
}
