//! `POST /{phone-number-id}/messages`: send any message type (by phone number
//! `to`, or `recipient`: a BSUID or parent BSUID), mark an inbound message
//! read, show a typing indicator. Answers exactly as the Cloud API does; delivery outcomes
//! arrive later as statuses.

use serde::Serialize;
use serde_json::{Value, json};

use super::calls;
use super::message_checks::{self, message_object};
use super::{require_whatsapp_product, required};
use crate::api::answer::Answer;
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::sandbox::Sandbox;
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::flow_health::FlowSendRefusal;
use crate::world::whatsapp::group_messages::GroupOutbound;
use crate::world::whatsapp::messaging::{Outbound, SendChannel, SendRefusal, TemplateSend};
use crate::world::whatsapp::templates::TemplateRefusal;

pub(super) fn refusal(error: SendRefusal) -> GraphError {
    match error {
        SendRefusal::NotRegistered => GraphError::whatsapp(
            133010,
            "Phone number Not Registered",
            "The sender phone number is not registered with the WhatsApp Cloud API. Register it with POST /{phone-number-id}/register.",
        ),
        SendRefusal::Throughput => GraphError::whatsapp(
            130429,
            "Rate limit hit",
            "Cloud API message throughput has been reached for this phone number.",
        ),
        SendRefusal::UserIdNotSupported => GraphError::whatsapp(
            131062,
            "Business-scoped User ID (BSUID) recipients are not supported for this message.",
            "Authentication templates need the recipient's phone number in `to`.",
        ),
        SendRefusal::MarketingDisabledOnCloudApi => GraphError::whatsapp(
            131063,
            "Marketing templates are disabled for Cloud API",
            "This WhatsApp Business Account sends marketing templates through the Marketing Messages Lite API (POST /{phone-number-id}/marketing_messages); turn off disable_marketing_messages_on_cloud_api to send them here.",
        ),
        SendRefusal::NotMarketing => GraphError::whatsapp(
            100,
            "Invalid parameter",
            "The Marketing Messages Lite API sends marketing templates only.",
        ),
        SendRefusal::UnknownGroup => GraphError::whatsapp(
            131009,
            "Parameter value is not valid",
            "to: not a group of this phone number",
        ),
        SendRefusal::GroupsIneligible(reason) => super::groups::ineligible(reason),
        SendRefusal::GroupSuspended => GraphError::whatsapp(
            131207,
            "Group suspended",
            "The group violates platform policies.",
        ),
        SendRefusal::NotForGroups => GraphError::whatsapp(
            100,
            "Invalid parameter",
            "Authentication templates cannot be sent to groups.",
        ),
        SendRefusal::RecipientIsSender => GraphError::whatsapp(
            131021,
            "Recipient cannot be sender",
            "The recipient's phone number is the sending business phone number itself.",
        ),
        SendRefusal::Template(TemplateRefusal::ParameterNameMissing) => GraphError::whatsapp(
            100,
            "Invalid parameter",
            "Parameter name is missing or empty",
        ),
        SendRefusal::PairLimit => GraphError::whatsapp(
            131056,
            "(Business Account, Consumer Account) pair rate limit hit",
            "Too many messages sent from this phone number to the same recipient in a short period of time.",
        ),
        SendRefusal::Template(TemplateRefusal::DoesNotExist { name, language }) => {
            GraphError::whatsapp(
                132001,
                "Template name does not exist in the translation",
                &format!("template name ({name}) does not exist in {language}"),
            )
            .with_subcode(2388040)
        }
        SendRefusal::Template(TemplateRefusal::ParameterCount {
            component,
            given,
            expected,
        }) => GraphError::whatsapp(
            132000,
            "Number of parameters does not match the expected number of params",
            &format!(
                "{component}: number of localizable_params ({given}) does not match the expected number of params ({expected})"
            ),
        ),
        SendRefusal::Template(TemplateRefusal::Paused) => GraphError::whatsapp(
            132015,
            "Template is Paused",
            "The template is paused because of low quality.",
        ),
        SendRefusal::Template(TemplateRefusal::Disabled) => GraphError::whatsapp(
            132016,
            "Template is Disabled",
            "The template has been disabled because of low quality.",
        ),
    }
}

/// A Flow message refused for the Flow's health (Meta's 132068 and 132069).
fn flow_refusal(error: FlowSendRefusal) -> GraphError {
    match error {
        FlowSendRefusal::Blocked => GraphError::whatsapp(
            132068,
            "Flow is blocked",
            "The Flow is in blocked state: fix its endpoint before sending it.",
        ),
        FlowSendRefusal::Throttled => GraphError::whatsapp(
            132069,
            "Flow is throttled",
            "The Flow is in throttled state and was already sent 10 times in the last hour.",
        ),
    }
}

/// `to` as sent -> the recipient's digits. Formatting is ignored; a number
/// without `+` that matches no consumer may lack its country code, so the
/// sender's is tried (Meta prepends it in that case).
fn resolve_to(sandbox: &Sandbox, sender_digits: &str, input: &str) -> Result<String, GraphError> {
    let digits = phone_digits(input);
    let clean = input
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !clean || !(5..=15).contains(&digits.len()) {
        return Err(GraphError::whatsapp(
            131009,
            "Parameter value is not valid",
            "Recipient phone number not valid",
        ));
    }
    if input.trim_start().starts_with('+') || sandbox.whatsapp.consumers.contains_key(&digits) {
        return Ok(digits);
    }
    let with_country = (1..=3)
        .filter_map(|len| sender_digits.get(..len))
        .map(|cc| format!("{cc}{digits}"))
        .find(|candidate| sandbox.whatsapp.consumers.contains_key(candidate));
    Ok(with_country.unwrap_or(digits))
}

/// A BSUID, or a parent BSUID when the portfolio is enrolled for them -> the
/// digits of the consumer it names for this number's portfolio.
fn resolve_recipient(
    sandbox: &Sandbox,
    phone_number_id: &str,
    bsuid: &str,
) -> Result<String, GraphError> {
    sandbox
        .consumer_named_by(phone_number_id, bsuid, true)
        .map(str::to_owned)
        .ok_or_else(|| {
            GraphError::whatsapp(
                131009,
                "Parameter value is not valid",
                "recipient is not a business-scoped user id of this business portfolio",
            )
        })
}

pub fn post_messages(op: Operation<'_>) -> Result<Answer, GraphError> {
    if op.request.param("status").is_some() {
        require_whatsapp_product(op.request)?;
        return mark_read(op.sandbox, op.request, op.id).map(Answer::Tree);
    }
    send(op, SendChannel::CloudApi)
}

/// `POST /{phone-number-id}/marketing_messages`: a marketing template through
/// the Marketing Messages Lite API (answered as `/messages` answers).
pub fn post_marketing_messages(op: Operation<'_>) -> Result<Answer, GraphError> {
    if let Some(kind) = op.request.param_str("type")
        && kind != "template"
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param type must be one of {{template}} - got \"{kind}\"."
        )));
    }
    send(op, SendChannel::MarketingLite)
}

/// Send one message through `channel`.
fn send(op: Operation<'_>, channel: SendChannel) -> Result<Answer, GraphError> {
    let (sandbox, request, phone_number_id) = (op.sandbox, op.request, op.id);
    require_whatsapp_product(request)?;
    match request.param_str("recipient_type").as_deref() {
        None | Some("individual") => {}
        Some("group") if channel == SendChannel::CloudApi => {
            return send_to_group(sandbox, request, phone_number_id);
        }
        Some(kind) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param recipient_type must be one of {{individual, group}} - got \"{kind}\"."
            )));
        }
    }
    let to = request.param_str("to").filter(|t| !t.trim().is_empty());
    let recipient = request
        .param_str("recipient")
        .filter(|r| !r.trim().is_empty());
    let sender_digits = sandbox
        .whatsapp
        .phone_numbers
        .get(phone_number_id)
        .map(|p| p.digits.clone())
        .unwrap_or_default();
    let digits = match (&to, &recipient) {
        (Some(to), _) => resolve_to(sandbox, &sender_digits, to)?,
        (None, Some(bsuid)) => resolve_recipient(sandbox, phone_number_id, bsuid)?,
        (None, None) => {
            return Err(GraphError::invalid_parameter(
                "The parameter to is required.",
            ));
        }
    };
    let kind = message_type(request)?;
    let checked = checked_message(request, &kind)?;
    let context = reply_context(request)?;
    let callback = opaque_callback(request)?;
    let template = template_send(&kind, &checked);
    let is_template = template.is_some();
    // An interactive call permission request, or a template with one.
    let asks_to_call = match &template {
        Some(send) => {
            sandbox.template_requests_call_permission(phone_number_id, &send.name, &send.language)
        }
        None => {
            kind == "interactive" && checked["type"].as_str() == Some("call_permission_request")
        }
    };
    if asks_to_call {
        sandbox
            .may_request_call_permission(phone_number_id, &digits)
            .map_err(calls::refusal)?;
    }
    let flow = match &template {
        Some(send) => sandbox.template_flow_send_check(phone_number_id, &send.name, &send.language),
        None if kind == "interactive" => sandbox.flow_send_check(phone_number_id, &checked),
        None => Ok(None),
    }
    .map_err(flow_refusal)?;
    let outbound = Outbound {
        to: digits.clone(),
        message: message_object(&kind, checked, context),
        template,
        biz_opaque_callback_data: callback,
        by_user_id: to.is_none(),
        channel,
        recipient_identity_key_hash: request.param_str("recipient_identity_key_hash"),
    };
    let id = sandbox
        .send_message(phone_number_id, outbound)
        .map_err(refusal)?;
    if asks_to_call {
        sandbox.call_permission_requested(phone_number_id, &digits, &id);
    }
    if let Some(flow) = flow {
        sandbox.flow_sent(&flow);
    }
    let contact = match &to {
        Some(to) => SentContact {
            input: to,
            wa_id: Some(&digits),
            user_id: None,
        },
        None => {
            let bsuid = recipient.as_deref().unwrap_or_default();
            SentContact {
                input: bsuid,
                wa_id: None,
                user_id: Some(bsuid),
            }
        }
    };
    Ok(Answer::typed(&SentAnswer {
        messaging_product: "whatsapp",
        contacts: [contact],
        messages: [SentMessage {
            id: &id,
            message_status: is_template.then_some("accepted"),
        }],
    }))
}

/// Meta's answer to a send: `{"messaging_product", "contacts": [{"input",
/// "wa_id" | "user_id"}], "messages": [{"id", "message_status"?}]}`.
#[derive(Serialize)]
struct SentAnswer<'a> {
    messaging_product: &'static str,
    contacts: [SentContact<'a>; 1],
    messages: [SentMessage<'a>; 1],
}

#[derive(Serialize)]
struct SentContact<'a> {
    input: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    wa_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

#[derive(Serialize)]
struct SentMessage<'a> {
    id: &'a str,
    /// `accepted` for templates.
    #[serde(skip_serializing_if = "Option::is_none")]
    message_status: Option<&'static str>,
}

/// `type`, or `text` when only a `text` object is given.
fn message_type(request: &GraphRequest) -> Result<String, GraphError> {
    match request.param_str("type") {
        Some(kind) => Ok(kind),
        None if request.param("text").is_some() => Ok("text".to_owned()),
        None => Err(GraphError::invalid_parameter(
            "The parameter type is required.",
        )),
    }
}

/// The object of type `kind`, checked as Meta checks it.
fn checked_message(request: &GraphRequest, kind: &str) -> Result<Value, GraphError> {
    let value = match request.param_json(kind) {
        Some(parsed) => Some(parsed?),
        None => None,
    };
    message_checks::check(kind, value.as_ref())
}

/// The id in `context`, when the message replies to one.
fn reply_context(request: &GraphRequest) -> Result<Option<String>, GraphError> {
    let Some(parsed) = request.param_json("context") else {
        return Ok(None);
    };
    let context = parsed?;
    let id = context
        .get("message_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    id.map(Some).ok_or_else(|| {
        GraphError::invalid_parameter("The parameter context['message_id'] is required.")
    })
}

/// `biz_opaque_callback_data`, at most 512 characters.
fn opaque_callback(request: &GraphRequest) -> Result<Option<String>, GraphError> {
    let callback = request.param_str("biz_opaque_callback_data");
    if callback.as_ref().is_some_and(|c| c.chars().count() > 512) {
        return Err(GraphError::whatsapp(
            131009,
            "Parameter value is not valid",
            "biz_opaque_callback_data: must be at most 512 characters long",
        ));
    }
    Ok(callback)
}

fn template_send(kind: &str, checked: &Value) -> Option<TemplateSend> {
    (kind == "template").then(|| TemplateSend {
        name: checked["name"].as_str().unwrap_or_default().to_owned(),
        language: checked["language"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        components: checked.get("components").cloned().unwrap_or(json!([])),
    })
}

/// Message types Meta's Groups API sends: text, media, templates, and pins.
const GROUP_TYPES: [&str; 7] = [
    "text", "image", "video", "audio", "document", "template", "pin",
];

/// `recipient_type: "group"`: `to` is a group of this number (free-form
/// messages need the group's customer-service window, else they fail with
/// 131047 after the answer); the answer names the group as `input`.
fn send_to_group(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    phone_number_id: &str,
) -> Result<Answer, GraphError> {
    let group_id = required(request, "to")?;
    let kind = message_type(request)?;
    if !GROUP_TYPES.contains(&kind.as_str()) {
        return Err(GraphError::invalid_parameter(format!(
            "Param type must be one of {{{}}} for group messages - got \"{kind}\".",
            GROUP_TYPES.join(", ")
        )));
    }
    let id = if kind == "pin" {
        super::group_pins::send_pin(sandbox, request, phone_number_id, &group_id)?
    } else {
        let checked = checked_message(request, &kind)?;
        let context = reply_context(request)?;
        let outbound = GroupOutbound {
            group_id: group_id.clone(),
            template: template_send(&kind, &checked),
            message: message_object(&kind, checked, context),
            biz_opaque_callback_data: opaque_callback(request)?,
        };
        sandbox
            .send_group_message(phone_number_id, outbound)
            .map_err(refusal)?
    };
    Ok(Answer::typed(&SentAnswer {
        messaging_product: "whatsapp",
        contacts: [SentContact {
            input: &group_id,
            wa_id: None,
            user_id: None,
        }],
        messages: [SentMessage {
            id: &id,
            message_status: None,
        }],
    }))
}

/// `{"status": "read", "message_id": …, "typing_indicator"?: {"type": "text"}}`.
fn mark_read(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    phone_number_id: &str,
) -> Result<Value, GraphError> {
    let status = request.param_str("status").unwrap_or_default();
    if status != "read" {
        return Err(GraphError::invalid_parameter(format!(
            "Param status must be one of {{read}} - got \"{status}\"."
        )));
    }
    let message_id = required(request, "message_id")?;
    if let Some(indicator) = request.param_json("typing_indicator") {
        let indicator = indicator?;
        if indicator.get("type").and_then(Value::as_str) != Some("text") {
            return Err(GraphError::invalid_parameter(
                "Param typing_indicator['type'] must be one of {text}.",
            ));
        }
    }
    if !sandbox.business_reads(phone_number_id, &message_id) {
        return Err(GraphError::invalid_parameter(format!(
            "Invalid parameter: message_id {message_id} is not a message this phone number received"
        )));
    }
    Ok(success())
}
