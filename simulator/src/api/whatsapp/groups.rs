//! Meta's Groups API: `POST/GET /{phone-number-id}/groups` (create a group,
//! list the active ones as `{"data": {"groups": […]}, "paging"}`),
//! `POST/DELETE /{group-id}` (profile picture, subject and description;
//! delete),
//! `GET/POST/DELETE /{group-id}/invite_link` (read, reset, revoke),
//! `POST/DELETE /{group-id}/participants` (at most 8 per call) and
//! `GET/POST/DELETE /{group-id}/join_requests` (list, approve, reject).
//! Changes answer with the `request_id` that the group webhooks carry. Every
//! call needs a number eligible for groups (131215 otherwise).

use serde_json::{Map, Value, json};

use super::require_whatsapp_product;
use super::user_refs::{BothKeys, UserRef, user_entries, user_refs};
use crate::api::error::GraphError;
use crate::api::lists::{page_window, paged};
use crate::api::request::GraphRequest;
use crate::api::routes::{Operation, success};
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::group_photos::{
    GroupPhoto, PHOTO_BYTES_MAX, PHOTO_SIDE_MIN, PhotoRefusal,
};
use crate::world::whatsapp::group_policy::Ineligible;
use crate::world::whatsapp::groups::{GroupSettings, ItemOutcome, PARTICIPANTS_MAX, item_error};

/// `limit` of `GET /{phone-number-id}/groups`.
const LIST_LIMIT_MAX: usize = 1024;

/// 131215: the number may not use the Groups API.
pub(super) fn ineligible(reason: Ineligible) -> GraphError {
    let details = match reason {
        Ineligible::NotOfficial => {
            "Groups APIs are only available for eligible phone numbers. Please check eligibility for Groups APIs in our documentation - https://developers.facebook.com/docs/whatsapp/cloud-api/groups/getting-started"
        }
        Ineligible::Coexistence => {
            "Groups APIs are not available for phone numbers used with the WhatsApp Business app (coexistence)."
        }
    };
    GraphError::whatsapp(
        131215,
        "This phone number is not eligible to access Groups APIs",
        details,
    )
}

/// Every Groups API call needs an eligible number: the node's own, or the
/// number of the group it is on.
fn eligible(op: &Operation<'_>) -> Result<(), GraphError> {
    let phone_number_id = op
        .sandbox
        .whatsapp
        .groups
        .get(op.id)
        .map_or(op.id, |g| g.phone_number_id.as_str());
    op.sandbox
        .groups_eligibility(phone_number_id)
        .map_err(ineligible)
}

fn invalid(invalid: crate::world::shared::Invalid) -> GraphError {
    GraphError::invalid_parameter(invalid.message)
}

fn settings(request: &GraphRequest) -> GroupSettings {
    GroupSettings {
        subject: request.param_str("subject"),
        description: request.param_str("description"),
        join_approval_mode: request.param_str("join_approval_mode"),
        profile_picture: None,
    }
}

/// The picture of a settings update: a multipart file part named `file`
/// (the spec's form) or `profile_picture_file` (its JSON name, which a
/// client can only fill as a file part), checked as Meta does.
fn profile_picture(request: &GraphRequest) -> Result<Option<GroupPhoto>, GraphError> {
    let file = request
        .files
        .iter()
        .find(|f| f.field == "file" || f.field == "profile_picture_file");
    let Some(file) = file else {
        if request.param("profile_picture_file").is_some() {
            return Err(GraphError::invalid_parameter(
                "Param profile_picture_file must be an image file sent as multipart/form-data",
            ));
        }
        return Ok(None);
    };
    GroupPhoto::from_file(&file.bytes)
        .map(Some)
        .map_err(|refusal| match refusal {
            PhotoRefusal::NotJpeg => GraphError::invalid_parameter(
                "Param file must be a JPEG image (the group profile picture)",
            ),
            PhotoRefusal::TooLarge => GraphError::invalid_parameter(format!(
                "Param file must be at most {PHOTO_BYTES_MAX} bytes"
            )),
            PhotoRefusal::NotSquare { width, height } => GraphError::whatsapp(
                131209,
                "Invalid Group Profile Picture Aspect Ratio",
                &format!("Width and height of the image must be equal (got {width}x{height})."),
            ),
            PhotoRefusal::TooSmall { side } => GraphError::whatsapp(
                131210,
                "Image is Too Small to Process",
                &format!(
                    "Image width and height must be at least {PHOTO_SIDE_MIN}px (got {side}px)."
                ),
            ),
        })
}

fn request_answer(request_id: &str) -> Value {
    json!({ "messaging_product": "whatsapp", "request_id": request_id })
}

pub fn create(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    require_whatsapp_product(op.request)?;
    let (_, request_id) = op
        .sandbox
        .create_group(op.id, settings(op.request))
        .map_err(invalid)?;
    Ok(request_answer(&request_id))
}

pub fn list(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    if let Some(limit) = op.request.param_str("limit")
        && !limit
            .trim()
            .parse::<usize>()
            .is_ok_and(|l| (1..=LIST_LIMIT_MAX).contains(&l))
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param limit must be an integer between 1 and {LIST_LIMIT_MAX}"
        )));
    }
    let groups = op.sandbox.groups_of(op.id);
    let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    let (range, paging) = page_window(&op, "groups", &ids)?;
    let items: Vec<Value> = groups[range]
        .iter()
        .map(
            |g| json!({ "id": g.id, "subject": g.subject, "created_at": g.created_at.to_string() }),
        )
        .collect();
    let mut out = Map::new();
    out.insert("data".into(), json!({ "groups": items }));
    if let Some(paging) = paging {
        out.insert("paging".into(), paging);
    }
    Ok(Value::Object(out))
}

pub fn update(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    require_whatsapp_product(op.request)?;
    let mut update = settings(op.request);
    update.profile_picture = profile_picture(op.request)?;
    if update.join_approval_mode.take().is_some() {
        return Err(GraphError::invalid_parameter(
            "Param join_approval_mode can only be set when the group is created",
        ));
    }
    let request_id = op.sandbox.update_group(op.id, update).map_err(invalid)?;
    Ok(request_answer(&request_id))
}

pub fn delete(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    op.sandbox.delete_group(op.id);
    Ok(success())
}

pub fn invite_link(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    let link = op
        .sandbox
        .whatsapp
        .groups
        .get(op.id)
        .and_then(|g| g.invite_link())
        .ok_or_else(|| {
            GraphError::invalid_parameter("The group has no invite link: create one first")
        })?;
    Ok(json!({ "messaging_product": "whatsapp", "invite_link": link }))
}

pub fn reset_invite_link(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    require_whatsapp_product(op.request)?;
    let link = op.sandbox.reset_invite_link(op.id).unwrap_or_default();
    Ok(json!({ "messaging_product": "whatsapp", "invite_link": link }))
}

pub fn revoke_invite_link(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    require_whatsapp_product(op.request)?;
    op.sandbox.revoke_invite_link(op.id);
    Ok(json!({ "messaging_product": "whatsapp", "success": true }))
}

/// The `participants` entries: 1 to 8 of them.
fn participant_entries(request: &GraphRequest) -> Result<Vec<Value>, GraphError> {
    require_whatsapp_product(request)?;
    let list = request
        .param_json("participants")
        .ok_or_else(|| GraphError::invalid_parameter("The parameter participants is required"))??;
    list.as_array()
        .filter(|entries| (1..=PARTICIPANTS_MAX).contains(&entries.len()))
        .cloned()
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param participants must be an array of 1 to {PARTICIPANTS_MAX} entries"
            ))
        })
}

pub fn add_participants(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    let users = user_entries("participants", &participant_entries(op.request)?)?;
    let outcome = op.sandbox.add_participants(op.id, &users);
    Ok(request_answer(&outcome.request_id))
}

/// Participants are named by `user` (phone or wa_id) or, as Meta's BSUID
/// changes allow, `user_id` (a BSUID of the group's portfolio), not both.
pub fn remove_participants(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    let entries = participant_entries(op.request)?;
    let refs = user_refs("participants", &entries, BothKeys::Refused)?;
    let phone_number_id = op
        .sandbox
        .whatsapp
        .groups
        .get(op.id)
        .map(|g| g.phone_number_id.clone())
        .unwrap_or_default();
    let users: Vec<(String, Option<String>)> = refs
        .iter()
        .map(|user| {
            let digits = match user {
                UserRef::Phone(input) => Some(phone_digits(input)),
                UserRef::UserId(id) => op
                    .sandbox
                    .consumer_named_by(&phone_number_id, id, false)
                    .map(str::to_owned),
            };
            (user.input().to_owned(), digits)
        })
        .collect();
    let outcome = op.sandbox.remove_participants(op.id, &users);
    Ok(request_answer(&outcome.request_id))
}

pub fn join_requests(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    let (requests, phone_number_id) = op
        .sandbox
        .whatsapp
        .groups
        .get(op.id)
        .map(|g| (g.join_requests.clone(), g.phone_number_id.clone()))
        .unwrap_or_default();
    let ids: Vec<String> = requests.iter().map(|r| r.id.clone()).collect();
    let sandbox = &*op.sandbox;
    paged(&op, "join_requests", &ids, |id| {
        requests
            .iter()
            .find(|r| r.id == id)
            .map_or(Value::Null, |r| {
                let mut item = sandbox.group_member(&phone_number_id, &r.wa_id);
                item.insert("join_request_id".to_owned(), json!(r.id));
                item.insert("creation_timestamp".to_owned(), json!(r.created_at));
                Value::Object(item)
            })
    })
}

/// `join_requests`: a non-empty list of join request ids.
fn join_request_ids(request: &GraphRequest) -> Result<Vec<String>, GraphError> {
    require_whatsapp_product(request)?;
    request
        .param_list("join_requests")
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("The parameter join_requests is required"))
}

fn decided(done_key: &str, outcome: ItemOutcome) -> Value {
    let done: Vec<Value> = outcome.done.iter().map(|(id, _)| json!(id)).collect();
    let mut out = json!({ "messaging_product": "whatsapp" });
    out[done_key] = json!(done);
    if !outcome.failed.is_empty() {
        out["failed_join_requests"] = json!(
            outcome
                .failed
                .iter()
                .map(|f| json!({ "join_request_id": f.input, "errors": [item_error(&f.details)] }))
                .collect::<Vec<_>>()
        );
    }
    out
}

pub fn approve_join_requests(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    let ids = join_request_ids(op.request)?;
    let outcome = op.sandbox.decide_join_requests(op.id, &ids, true);
    Ok(decided("approved_join_requests", outcome))
}

pub fn reject_join_requests(op: Operation<'_>) -> Result<Value, GraphError> {
    eligible(&op)?;
    let ids = join_request_ids(op.request)?;
    let outcome = op.sandbox.decide_join_requests(op.id, &ids, false);
    Ok(decided("rejected_join_requests", outcome))
}
