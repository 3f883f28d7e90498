//! WhatsApp Calling helpers: turning calling on, reading the calling
//! settings and call permissions, the `/calls` actions with a well-formed
//! SDP, asking a user for permission (and getting it), acting as the
//! consumer, and collecting `calls` webhooks.

use reqwest::Method;

use crate::business::{call_manager as call, get as read};
use crate::receiver::Receiver;
use crate::whatsapp::{open_window, phone, post};
use crate::{Reply, Sandbox, Sim, Value, json};

pub const SDP_OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";

/// `POST /{phone-number-id}/settings` with `{"calling": calling}`.
pub async fn calling_settings(sim: &Sim, sandbox: &Sandbox, calling: Value) -> Reply {
    let path = format!("/{}/settings", phone(sandbox));
    call(
        sim,
        sandbox,
        Method::POST,
        &path,
        json!({ "calling": calling }),
    )
    .await
}

pub async fn enable_calling(sim: &Sim, sandbox: &Sandbox) {
    calling_settings(sim, sandbox, json!({ "status": "enabled" }))
        .await
        .ok();
}

/// `calling` of `GET /{phone-number-id}/settings`.
pub async fn calling_shown(sim: &Sim, sandbox: &Sandbox) -> Value {
    let path = format!("/{}/settings", phone(sandbox));
    read(sim, sandbox, &path).await.ok()["calling"].clone()
}

/// The calling settings are still `shown` (refusals changed nothing), and
/// are so after a snapshot round trip.
pub async fn assert_calling_kept(sim: &Sim, sandbox: &Sandbox, shown: &Value) {
    assert_eq!(
        &calling_shown(sim, sandbox).await,
        shown,
        "refusals change nothing"
    );
    sim.assert_snapshot_round_trip(sandbox).await;
    assert_eq!(&calling_shown(sim, sandbox).await, shown);
}

pub async fn permissions(sim: &Sim, sandbox: &Sandbox, user: &str) -> Reply {
    let path = format!("/{}/call_permissions?user_wa_id={user}", phone(sandbox));
    read(sim, sandbox, &path).await
}

pub async fn calls(sim: &Sim, sandbox: &Sandbox, body: Value) -> Reply {
    let path = format!("/{}/calls", phone(sandbox));
    call(sim, sandbox, Method::POST, &path, body).await
}

pub fn connect(to: &str) -> Value {
    json!({
        "messaging_product": "whatsapp", "to": to, "action": "connect",
        "session": { "sdp_type": "offer", "sdp": SDP_OFFER },
        "biz_opaque_callback_data": "tracker-1",
    })
}

pub fn action(call_id: &str, action: &str) -> Value {
    let mut body = json!({ "messaging_product": "whatsapp", "call_id": call_id, "action": action });
    if matches!(action, "pre_accept" | "accept") {
        body["session"] = json!({ "sdp_type": "answer", "sdp": SDP_OFFER });
    }
    body
}

pub async fn ask_permission(sim: &Sim, sandbox: &Sandbox, to: &str) -> Reply {
    let body = json!({
        "messaging_product": "whatsapp", "to": to, "type": "interactive",
        "interactive": {
            "type": "call_permission_request",
            "action": { "name": "call_permission_request" },
            "body": { "text": "May we call you about your order?" },
        },
    });
    post(sim, sandbox, &body).await
}

/// The business asks the user, who allows its calls (for good with `permanent`).
pub async fn grant_permission(sim: &Sim, sandbox: &Sandbox, digits: &str, permanent: bool) {
    open_window(sim, sandbox, digits).await;
    ask_permission(sim, sandbox, digits).await.ok();
    let allow =
        json!({ "phone_number_id": phone(sandbox), "response": "accept", "permanent": permanent });
    let replied = consumer(sim, sandbox, digits, "/call_permission", allow).await;
    assert_eq!(replied.status, 201, "{}", replied.text());
}

/// The user tries to call the business number (a video call with `video`).
pub async fn user_call(sim: &Sim, sandbox: &Sandbox, digits: &str, video: bool) -> Reply {
    let place = json!({ "phone_number_id": phone(sandbox), "video": video });
    consumer(sim, sandbox, digits, "/calls", place).await
}

/// A consumer's control route: `…/whatsapp/consumers/{digits}{rest}`.
pub async fn consumer(
    sim: &Sim,
    sandbox: &Sandbox,
    digits: &str,
    rest: &str,
    body: Value,
) -> Reply {
    let path = sandbox.sim(&format!("/whatsapp/consumers/{digits}{rest}"));
    sim.post_json(&path, &body).await
}

/// The values of every webhook change of `field` received, in order.
pub async fn field_webhooks(
    sim: &Sim,
    sandbox: &Sandbox,
    receiver: &Receiver,
    field: &str,
) -> Vec<Value> {
    sim.deliver(sandbox).await;
    receiver
        .bodies()
        .iter()
        .flat_map(|body| body["entry"].as_array().cloned().unwrap_or_default())
        .flat_map(|entry| entry["changes"].as_array().cloned().unwrap_or_default())
        .filter(|change| change["field"] == field)
        .map(|change| change["value"].clone())
        .collect()
}

/// Every `calls` webhook value received, in order.
pub async fn call_webhooks(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Vec<Value> {
    field_webhooks(sim, sandbox, receiver, "calls").await
}

/// The `call_permission_reply` messages the business received, in order.
pub async fn permission_replies(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Vec<Value> {
    field_webhooks(sim, sandbox, receiver, "messages")
        .await
        .iter()
        .flat_map(|value| value["messages"].as_array().cloned().unwrap_or_default())
        .filter(|message| message["interactive"]["type"] == "call_permission_reply")
        .collect()
}
