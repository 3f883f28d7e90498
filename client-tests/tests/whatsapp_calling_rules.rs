//! WhatsApp Calling settings and the rules Meta applies to permissions:
//! `callback_permission_status` (a user's call grants a temporary
//! permission to call back), 4 unanswered business calls in a row revoking
//! a permission, and SIP (`calling.sip`: the number's calls are signalled
//! over SIP, the Graph API's call actions are refused with 131055 and no
//! `calls` webhook is sent). The settings survive a snapshot.

use client_tests::business::{call_manager, get as read};
use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, Value, json};
use reqwest::Method;

async fn settings(sim: &Sim, sandbox: &Sandbox, query: &str) -> Value {
    let path = format!("/{}/settings{query}", phone(sandbox));
    read(sim, sandbox, &path).await.ok()["calling"].clone()
}

/// The user places a call to the business number; its id.
async fn user_calls(sim: &Sim, sandbox: &Sandbox, digits: &str) -> String {
    let place = json!({ "phone_number_id": phone(sandbox) });
    let placed = consumer(sim, sandbox, digits, "/calls", place).await;
    assert_eq!(placed.status, 201, "{}", placed.text());
    placed.json["call_id"]
        .as_str()
        .expect("a call id")
        .to_owned()
}

/// The business calls the user, who declines; the call's id.
async fn declined_call(sim: &Sim, sandbox: &Sandbox, digits: &str) -> String {
    let placed = calls(sim, sandbox, connect(digits)).await;
    let id = placed.ok()["calls"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let reject = json!({ "action": "reject" });
    consumer(sim, sandbox, digits, &format!("/calls/{id}"), reject)
        .await
        .ok();
    id
}

#[tokio::test]
async fn a_users_call_grants_a_callback_permission_when_the_number_asks_for_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(174).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls", "messages"]).await;
    enable_calling(&sim, &sandbox).await;
    assert_eq!(
        settings(&sim, &sandbox, "").await["callback_permission_status"],
        "disabled"
    );

    // Without the setting a user's call grants nothing.
    let first = user_calls(&sim, &sandbox, BOB).await;
    calls(&sim, &sandbox, action(&first, "reject")).await.ok();
    let none = permissions(&sim, &sandbox, BOB).await;
    assert_eq!(none.ok()["permission"]["status"], "no_permission");

    let bad = calling_settings(
        &sim,
        &sandbox,
        json!({ "callback_permission_status": "on" }),
    )
    .await;
    assert_param_error(
        &bad,
        "Param calling['callback_permission_status'] must be one of {enabled, disabled} - got \"on\".",
    );
    let on = json!({ "callback_permission_status": "ENABLED" });
    calling_settings(&sim, &sandbox, on).await.ok();
    let shown = settings(&sim, &sandbox, "").await;
    assert_eq!(shown["callback_permission_status"], "enabled");
    assert_eq!(shown["status"], "enabled", "the status is kept");

    // A missed call now grants a temporary permission.
    let missed = user_calls(&sim, &sandbox, BOB).await;
    sim.advance(&sandbox, 60).await;
    let granted = permissions(&sim, &sandbox, BOB).await;
    let expires = T0 + 60 + 7 * DAY as i64;
    assert_eq!(
        granted.ok()["permission"],
        json!({ "status": "temporary", "expiration_time": expires })
    );
    let replies = permission_replies(&sim, &sandbox, &receiver).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["from"], BOB);
    assert_eq!(
        replies[0]["context"],
        json!({ "from": BUSINESS_DIGITS, "id": missed })
    );
    assert_eq!(
        replies[0]["interactive"]["call_permission_reply"],
        json!({
            "response": "accept", "is_permanent": false,
            "expiration_timestamp": expires, "response_source": "automatic",
        })
    );
    // The business may call back.
    calls(&sim, &sandbox, connect(BOB)).await.ok();
}

#[tokio::test]
async fn four_unanswered_business_calls_in_a_row_revoke_the_permission() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(175).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls", "messages"]).await;
    enable_calling(&sim, &sandbox).await;
    grant_permission(&sim, &sandbox, ALICE, true).await;

    for _ in 0..3 {
        declined_call(&sim, &sandbox, ALICE).await;
    }
    // One that rings out counts too.
    calls(&sim, &sandbox, connect(ALICE)).await.ok();
    sim.advance(&sandbox, 60).await;
    let revoked = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(revoked.ok()["permission"]["status"], "no_permission");
    calls(&sim, &sandbox, connect(ALICE))
        .await
        .assert_error(400, 138006, None, "OAuthException");
    let replies = permission_replies(&sim, &sandbox, &receiver).await;
    let last = replies.last().expect("the automatic revocation");
    assert!(last.get("context").is_none(), "{last}");
    assert_eq!(
        last["interactive"]["call_permission_reply"],
        json!({ "response": "reject", "is_permanent": false, "response_source": "automatic" })
    );
}

#[tokio::test]
async fn an_answered_call_starts_the_count_again() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(176).await;
    enable_calling(&sim, &sandbox).await;
    grant_permission(&sim, &sandbox, ALICE, true).await;
    for _ in 0..3 {
        declined_call(&sim, &sandbox, ALICE).await;
    }
    let placed = calls(&sim, &sandbox, connect(ALICE)).await;
    let id = placed.ok()["calls"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let path = format!("/calls/{id}");
    consumer(&sim, &sandbox, ALICE, &path, json!({ "action": "accept" }))
        .await
        .ok();
    consumer(&sim, &sandbox, ALICE, &path, json!({ "action": "hang_up" }))
        .await
        .ok();
    for _ in 0..3 {
        declined_call(&sim, &sandbox, ALICE).await;
    }
    let kept = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(kept.ok()["permission"]["status"], "permanent");
}

#[tokio::test]
async fn a_number_with_sip_signals_calls_over_sip() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(177).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls"]).await;
    enable_calling(&sim, &sandbox).await;
    assert!(settings(&sim, &sandbox, "").await.get("sip").is_none());

    let no_server =
        calling_settings(&sim, &sandbox, json!({ "sip": { "status": "ENABLED" } })).await;
    assert_param_error(
        &no_server,
        "SIP cannot be enabled without a SIP server: give calling['sip']['servers'].",
    );
    let bad_port = json!({ "sip": { "status": "ENABLED",
        "servers": [{ "hostname": "sip.example.com", "port": 0 }] } });
    assert_param_error(
        &calling_settings(&sim, &sandbox, bad_port).await,
        "Param calling['sip']['servers'][0]['port'] must be a port number between 1 and 65535.",
    );
    let sip = json!({ "sip": { "status": "ENABLED", "servers": [{
        "hostname": "sip.example.com", "request_uri_user_params": { "tgrp": "wacall" } }] } });
    calling_settings(&sim, &sandbox, sip).await.ok();
    let app = sandbox.id_of("app");
    let shown = settings(&sim, &sandbox, "").await;
    assert_eq!(
        shown["sip"],
        json!({ "status": "enabled", "servers": [{
            "app_id": app, "hostname": "sip.example.com", "port": 5061,
            "request_uri_user_params": { "tgrp": "wacall" } }] })
    );
    let with_password = settings(&sim, &sandbox, "?include_sip_credentials=true").await;
    let password = with_password["sip"]["servers"][0]["sip_user_password"]
        .as_str()
        .expect("the SIP user password")
        .to_owned();
    assert_eq!(password.len(), 32);
    // The same seed gives the same password.
    let twin = sim.demo(177).await;
    let twin_sip =
        json!({ "sip": { "status": "ENABLED", "servers": [{ "hostname": "sip.example.com" }] } });
    calling_settings(&sim, &twin, twin_sip).await.ok();
    let twin_settings = settings(&sim, &twin, "?include_sip_credentials=true").await;
    assert_eq!(
        twin_settings["sip"]["servers"][0]["sip_user_password"],
        password.as_str()
    );

    // The Graph API's call actions are refused; the user's call sends no webhook.
    let refused = calls(&sim, &sandbox, connect(ALICE)).await;
    assert_whatsapp_error(
        &refused,
        400,
        131055,
        "Method not allowed",
        "This business phone number has SIP enabled: calls are signalled over SIP, not with the Graph API.",
    );
    let call_id = user_calls(&sim, &sandbox, BOB).await;
    calls(&sim, &sandbox, action(&call_id, "accept"))
        .await
        .assert_error(400, 131055, None, "OAuthException");
    sim.advance(&sandbox, 60).await;
    assert_eq!(
        call_webhooks(&sim, &sandbox, &receiver).await,
        Vec::<Value>::new()
    );

    // The settings survive a snapshot, byte for byte.
    sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(settings(&sim, &sandbox, "").await, shown);

    // Back on the Graph API, calls send their webhooks again.
    let off = json!({ "sip": { "status": "DISABLED" } });
    calling_settings(&sim, &sandbox, off).await.ok();
    user_calls(&sim, &sandbox, BOB).await;
    let steps = call_webhooks(&sim, &sandbox, &receiver).await;
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(steps[0]["calls"][0]["event"], "connect");
    let path = format!("/{}/settings", phone(&sandbox));
    let both = json!({ "calling": { "status": "enabled" }, "payload_encryption": { "status": "enabled" } });
    call_manager(&sim, &sandbox, Method::POST, &path, both)
        .await
        .assert_error(400, 100, None, "OAuthException");
}

/// The callback, unanswered-call and SIP steps on a fresh demo sandbox;
/// every answer and permission reply as text.
async fn rules_script(sim: &Sim, seed: u64) -> Vec<String> {
    let sandbox = sim.demo(seed).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, &["calls", "messages"]).await;
    let on = json!({ "status": "enabled", "callback_permission_status": "enabled" });
    let mut out = vec![calling_settings(sim, &sandbox, on).await.text()];
    out.push(user_calls(sim, &sandbox, BOB).await);
    sim.advance(&sandbox, 60).await;
    for _ in 0..4 {
        out.push(declined_call(sim, &sandbox, BOB).await);
    }
    out.push(permissions(sim, &sandbox, BOB).await.text());
    let sip =
        json!({ "sip": { "status": "enabled", "servers": [{ "hostname": "sip.example.com" }] } });
    calling_settings(sim, &sandbox, sip).await.ok();
    out.push(
        settings(sim, &sandbox, "?include_sip_credentials=true")
            .await
            .to_string(),
    );
    let replies = permission_replies(sim, &sandbox, &receiver).await;
    out.extend(replies.iter().map(Value::to_string));
    out
}

#[tokio::test]
async fn the_same_seed_and_calls_give_the_same_bytes() {
    let sim = Sim::start().await;
    let first = rules_script(&sim, 178).await;
    let second = rules_script(&sim, 178).await;
    assert_eq!(first.len(), 10, "{first:?}");
    assert_eq!(first, second);
    assert_ne!(rules_script(&sim, 179).await, first);
}
