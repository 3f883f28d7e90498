//! What consumers do with a business's WhatsApp groups, which Meta has no
//! API for: open an invite link (`POST …/consumers/{digits}/groups/join`
//! `{"invite_link"}`: joined, or a join request when the group needs
//! approval), withdraw a join request and leave a group
//! (`POST …/consumers/{digits}/groups/{group_id}/cancel_request|leave`).
//! Each reports the group webhook Meta sends. A participant also writes in
//! a group (`POST …/consumers/{digits}/groups/{group_id}/messages`, the body
//! of a consumer's message without `to`): the business receives it with
//! `group_id`, and reads the business's messages there
//! (`POST …/consumers/{digits}/groups/{group_id}/read`, optional
//! `message_ids`): each becomes `read` for them, with its status webhook.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::control::{Answer, SimJson, SimPath, SimSandbox, ok};
use crate::api::error::GraphError;
use crate::api::state::{AppState, lock};
use crate::world::shared::phone::phone_digits;
use crate::world::whatsapp::group_messages::GroupWriteRefusal;
use crate::world::whatsapp::groups::{ConsumerGroupError, Joined};

use super::consumers::{ReadRequest, inbound_message, inbound_refusal};

pub fn routes() -> Router<AppState> {
    let base = "/_sim/sandboxes/{sid}/whatsapp/consumers/{digits}/groups";
    Router::new()
        .route(&format!("{base}/join"), post(join))
        .route(
            &format!("{base}/{{group_id}}/cancel_request"),
            post(cancel_request),
        )
        .route(&format!("{base}/{{group_id}}/leave"), post(leave))
        .route(&format!("{base}/{{group_id}}/messages"), post(write))
        .route(&format!("{base}/{{group_id}}/read"), post(read))
}

/// A refusal: 404 for an unknown consumer, link or group, 409 otherwise.
pub(super) fn refused(error: ConsumerGroupError) -> GraphError {
    match error {
        ConsumerGroupError::Unknown(what) => GraphError::sim_not_found(what),
        ConsumerGroupError::Refused(why) => GraphError::sim_conflict(why),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinRequest {
    invite_link: String,
}

async fn join(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits)): SimPath<(String, String)>,
    SimJson(request): SimJson<JoinRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let joined = lock(&shared)
        .join_by_invite_link(&digits, &request.invite_link)
        .map_err(refused)?;
    let answer = match joined {
        Joined::Member(group_id) => json!({ "status": "joined", "group_id": group_id }),
        Joined::Requested {
            group_id,
            request_id,
        } => json!({ "status": "requested", "group_id": group_id, "join_request_id": request_id }),
    };
    ok(StatusCode::OK, answer)
}

async fn cancel_request(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, group_id)): SimPath<(String, String, String)>,
) -> Answer {
    let digits = phone_digits(&digits);
    lock(&shared)
        .revoke_join_request(&digits, &group_id)
        .map_err(refused)?;
    ok(StatusCode::OK, json!({ "success": true }))
}

async fn leave(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, group_id)): SimPath<(String, String, String)>,
) -> Answer {
    let digits = phone_digits(&digits);
    lock(&shared)
        .leave_group(&digits, &group_id)
        .map_err(refused)?;
    ok(StatusCode::OK, json!({ "success": true }))
}

async fn write(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, group_id)): SimPath<(String, String, String)>,
    SimJson(request): SimJson<Map<String, Value>>,
) -> Answer {
    let digits = phone_digits(&digits);
    let message = inbound_message(&request)?;
    let mut sandbox = lock(&shared);
    let id = sandbox
        .consumer_writes_to_group(&digits, &group_id, message)
        .map_err(|refusal| match refusal {
            GroupWriteRefusal::Group(error) => refused(error),
            GroupWriteRefusal::Inbound(error) => {
                let to = sandbox
                    .whatsapp
                    .groups
                    .get(&group_id)
                    .map(|g| g.phone_number_id.clone())
                    .unwrap_or_default();
                inbound_refusal(error, &digits, &to)
            }
        })?;
    ok(StatusCode::CREATED, json!({ "id": id }))
}

async fn read(
    SimSandbox(shared): SimSandbox,
    SimPath((_, digits, group_id)): SimPath<(String, String, String)>,
    SimJson(request): SimJson<ReadRequest>,
) -> Answer {
    let digits = phone_digits(&digits);
    let count = lock(&shared)
        .participant_reads_group(&digits, &group_id, request.message_ids.as_deref())
        .map_err(refused)?;
    ok(StatusCode::OK, json!({ "success": true, "read": count }))
}
