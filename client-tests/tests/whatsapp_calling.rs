//! WhatsApp Calling (Cloud API): calling is enabled in the number's
//! settings; the business asks a user for call permission by an interactive
//! message, the user accepts (temporary or permanent) through the control
//! plane, `GET /call_permissions` shows it with the limits' use, and the
//! business calls; the user answers and the business hangs up. A user calls
//! the business, which pre-accepts, accepts or rejects. Every step sends the
//! `calls` webhook, and each refusal is Meta's calling error.

use client_tests::business::get as read;
use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, Value, json};
use reqwest::Method;

#[tokio::test]
async fn a_user_grants_permission_and_the_business_calls_them() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(171).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls", "messages"]).await;

    // Calling is off until the settings turn it on.
    let off = permissions(&sim, &sandbox, ALICE).await;
    assert_whatsapp_error(
        &off,
        400,
        138000,
        "Calling not enabled",
        "Calling is not enabled for this business phone number. Enable it with POST /{phone-number-id}/settings (calling.status: enabled).",
    );
    enable_calling(&sim, &sandbox).await;

    let none = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(
        none.ok(),
        &json!({
            "messaging_product": "whatsapp",
            "permission": { "status": "no_permission" },
            "actions": [
                { "action_name": "send_call_permission_request", "can_perform_action": true,
                  "limits": [
                    { "time_period": "PT24H", "max_allowed": 1, "current_usage": 0 },
                    { "time_period": "P7D", "max_allowed": 2, "current_usage": 0 },
                  ] },
                { "action_name": "start_call", "can_perform_action": false,
                  "limits": [{ "time_period": "PT24H", "max_allowed": 100, "current_usage": 0 }] },
            ],
        })
    );
    let refused = calls(&sim, &sandbox, connect(ALICE)).await;
    refused.assert_error(400, 138006, None, "OAuthException");

    // A user who was not asked cannot answer.
    let early = json!({ "phone_number_id": phone(&sandbox), "response": "accept" });
    consumer(&sim, &sandbox, ALICE, "/call_permission", early.clone())
        .await
        .assert_sim_error(404, Some(33));

    open_window(&sim, &sandbox, ALICE).await;
    let request = assert_sent(&ask_permission(&sim, &sandbox, ALICE).await, ALICE, ALICE);
    let again = ask_permission(&sim, &sandbox, ALICE).await;
    again.assert_error(400, 138009, None, "OAuthException");
    let asked = permissions(&sim, &sandbox, ALICE).await;
    let actions = &asked.ok()["actions"];
    assert_eq!(actions[0]["can_perform_action"], false);
    assert_eq!(actions[0]["limits"][0]["current_usage"], 1);
    assert_eq!(
        actions[0]["limits"][0]["limit_expiration_time"],
        T0 + DAY as i64
    );

    let reply = consumer(&sim, &sandbox, ALICE, "/call_permission", early).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let granted = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(
        granted.ok()["permission"],
        json!({ "status": "temporary", "expiration_time": T0 + 7 * DAY as i64 })
    );
    assert_eq!(granted.ok()["actions"][1]["can_perform_action"], true);

    let placed = calls(&sim, &sandbox, connect(&format!("+{ALICE}"))).await;
    let call_id = placed.ok()["calls"][0]["id"]
        .as_str()
        .expect("a call id")
        .to_owned();
    assert!(call_id.starts_with("wacid."), "{call_id}");
    assert_eq!(placed.ok()["messaging_product"], "whatsapp");
    calls(&sim, &sandbox, connect(ALICE))
        .await
        .assert_error(400, 138003, None, "OAuthException");
    // accept and reject answer a user's call, not the business's own.
    let wrong = calls(&sim, &sandbox, action(&call_id, "accept")).await;
    wrong.assert_error(400, 100, None, "OAuthException");

    let answer = json!({ "action": "accept" });
    consumer(&sim, &sandbox, ALICE, &format!("/calls/{call_id}"), answer)
        .await
        .ok();
    sim.advance(&sandbox, 95).await;
    let ended = calls(&sim, &sandbox, action(&call_id, "terminate")).await;
    assert_eq!(
        ended.ok(),
        &json!({ "messaging_product": "whatsapp", "success": true })
    );
    calls(&sim, &sandbox, action(&call_id, "terminate"))
        .await
        .assert_error(400, 100, None, "OAuthException");

    let used = permissions(&sim, &sandbox, ALICE).await;
    let start = &used.ok()["actions"][1]["limits"][0];
    assert_eq!(start["current_usage"], 1);
    // The connected call reset the request limits.
    assert_eq!(used.ok()["actions"][0]["limits"][0]["current_usage"], 0);

    // The business received the reply and every step of the call.
    sim.deliver(&sandbox).await;
    let reply = receiver
        .bodies()
        .iter()
        .map(|body| body["entry"][0]["changes"][0]["value"].clone())
        .find(|value| value["messages"][0]["type"] == "interactive")
        .expect("the permission reply");
    let message = &reply["messages"][0];
    assert_eq!(message["context"]["id"], request.as_str());
    let answer = &message["interactive"];
    assert_eq!(answer["type"], "call_permission_reply");
    assert_eq!(
        answer["call_permission_reply"],
        json!({
            "response": "accept", "is_permanent": false,
            "expiration_timestamp": T0 + 7 * DAY as i64, "response_source": "user_action",
        })
    );
    let steps = call_webhooks(&sim, &sandbox, &receiver).await;
    let kinds: Vec<String> = steps
        .iter()
        .map(|v| match v.get("statuses") {
            Some(statuses) => statuses[0]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            None => v["calls"][0]["event"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    assert_eq!(kinds, ["RINGING", "ACCEPTED", "connect", "terminate"]);
    assert_eq!(steps[0]["statuses"][0]["type"], "call");
    assert_eq!(
        steps[0]["statuses"][0]["biz_opaque_callback_data"],
        "tracker-1"
    );
    assert_eq!(steps[0]["contacts"][0]["wa_id"], ALICE);
    assert_eq!(steps[2]["calls"][0]["session"]["sdp_type"], "answer");
    let end = &steps[3]["calls"][0];
    assert_eq!(end["id"], call_id.as_str());
    assert_eq!(end["status"], "COMPLETED");
    assert_eq!(end["direction"], "BUSINESS_INITIATED");
    assert_eq!(end["duration"], 95);
    assert_eq!(end["from"], BUSINESS_DIGITS);
    assert_eq!(end["to"], ALICE);

    // A week later the temporary permission is gone.
    sim.advance(&sandbox, 7 * DAY).await;
    let expired = permissions(&sim, &sandbox, ALICE).await;
    assert_eq!(expired.ok()["permission"]["status"], "no_permission");
}

#[tokio::test]
async fn the_business_answers_a_users_call() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(172).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls"]).await;
    let place = json!({ "phone_number_id": phone(&sandbox) });
    consumer(&sim, &sandbox, BOB, "/calls", place.clone())
        .await
        .assert_sim_error(400, None);
    enable_calling(&sim, &sandbox).await;

    let placed = consumer(&sim, &sandbox, BOB, "/calls", place.clone()).await;
    assert_eq!(placed.status, 201, "{}", placed.text());
    let call_id = placed.json["call_id"].as_str().expect("an id").to_owned();
    let mut bad = action(&call_id, "accept");
    bad["session"]["sdp"] = json!("hello");
    calls(&sim, &sandbox, bad)
        .await
        .assert_error(400, 100, None, "OAuthException");
    let mut offer = action(&call_id, "accept");
    offer["session"]["sdp_type"] = json!("offer");
    calls(&sim, &sandbox, offer)
        .await
        .assert_error(400, 100, None, "OAuthException");
    calls(&sim, &sandbox, action(&call_id, "pre_accept"))
        .await
        .ok();
    calls(&sim, &sandbox, action(&call_id, "accept")).await.ok();
    sim.advance(&sandbox, 30).await;
    let hang_up = json!({ "action": "hang_up" });
    consumer(&sim, &sandbox, BOB, &format!("/calls/{call_id}"), hang_up)
        .await
        .ok();

    // A second call is rejected by the business.
    let second = consumer(&sim, &sandbox, BOB, "/calls", place.clone()).await;
    let second_id = second.json["call_id"].as_str().expect("an id").to_owned();
    calls(&sim, &sandbox, action(&second_id, "reject"))
        .await
        .ok();
    // A third rings unanswered and ends after a minute.
    let third = consumer(&sim, &sandbox, BOB, "/calls", place).await;
    let third_id = third.json["call_id"].as_str().expect("an id").to_owned();
    sim.advance(&sandbox, 60).await;
    calls(&sim, &sandbox, action(&third_id, "accept"))
        .await
        .assert_error(400, 100, None, "OAuthException");
    let unknown = calls(
        &sim,
        &sandbox,
        json!({ "messaging_product": "whatsapp", "action": "ring" }),
    )
    .await;
    assert_param_error(
        &unknown,
        "Param action must be one of {connect, pre_accept, accept, reject, terminate} - got \"ring\".",
    );

    let steps = call_webhooks(&sim, &sandbox, &receiver).await;
    let events: Vec<(&str, &str)> = steps
        .iter()
        .map(|v| {
            let item = &v["calls"][0];
            (
                item["event"].as_str().unwrap_or_default(),
                item["status"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("connect", "-"),
            ("terminate", "COMPLETED"),
            ("connect", "-"),
            ("terminate", "FAILED"),
            ("connect", "-"),
            ("terminate", "FAILED")
        ]
    );
    let offer = &steps[0]["calls"][0];
    assert_eq!(offer["direction"], "USER_INITIATED");
    assert_eq!(offer["from"], BOB);
    assert_eq!(offer["session"]["sdp_type"], "offer");
    assert!(
        offer["session"]["sdp"]
            .as_str()
            .is_some_and(|sdp| sdp.starts_with("v=0\r\n") && sdp.contains("m=audio")),
        "{offer}"
    );
    assert_eq!(steps[1]["calls"][0]["duration"], 30);
    assert!(steps[3]["calls"][0].get("duration").is_none());
    let rang = |step: &Value| {
        step["calls"][0]["timestamp"]
            .as_str()
            .and_then(|t| t.parse::<i64>().ok())
            .expect("a timestamp")
    };
    assert_eq!(rang(&steps[5]) - rang(&steps[4]), 60);
}

#[tokio::test]
async fn calls_need_a_user_on_whatsapp_and_the_messaging_permission() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(173).await;
    enable_calling(&sim, &sandbox).await;
    let stranger = calls(&sim, &sandbox, connect("15550107777")).await;
    stranger.assert_error(400, 138001, None, "OAuthException");
    let token = client_tests::business::add_token(&sim, &sandbox, "reader", &[]).await;
    let path = format!("/{}/call_permissions?user_wa_id={ALICE}", phone(&sandbox));
    let denied = client_tests::business::call_as(&sim, &token, Method::GET, &path, None).await;
    assert_eq!(denied.status, 403, "{}", denied.text());
    let missing = read(
        &sim,
        &sandbox,
        &format!("/{}/call_permissions", phone(&sandbox)),
    )
    .await;
    assert_param_error(&missing, "The parameter user_wa_id is required");
}
