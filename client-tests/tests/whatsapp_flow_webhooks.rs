//! The WABA's `flows` webhook field and a Flow's health: `FLOW_STATUS_CHANGE`
//! when a Flow is published, throttled, blocked, recovers or is deprecated;
//! the endpoint alerts (`ENDPOINT_ERROR_RATE`, `ENDPOINT_LATENCY`,
//! `ENDPOINT_AVAILABILITY`)
//! activated by a failing endpoint in the test and deactivated when it
//! recovers, over an hour of the virtual clock; a throttled Flow sent at
//! most 10 times an hour (132069), a blocked one refused (132068) and not
//! opened, and so is a template whose `FLOW` button opens it; the same seed
//! giving the same webhooks; snapshots keeping it all.

use client_tests::business::assert_whatsapp_error;
use client_tests::calling::field_webhooks;
use client_tests::flow_endpoint::{
    Behaviour, Endpoint, act, flow_message, open, published_flow, ready, set_business_key,
};
use client_tests::receiver::{Receiver, subscribe_whatsapp};
use client_tests::whatsapp::{ALICE, assert_sent, assert_template_sent, message, post, template};
use client_tests::{Reply, Sandbox, Sim, Value, json};

async fn flows_receiver(sim: &Sim, sandbox: &Sandbox) -> Receiver {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, sandbox, &receiver, &["flows"]).await;
    receiver
}

async fn move_health(sim: &Sim, sandbox: &Sandbox, flow: &str, status: &str) -> Reply {
    let path = sandbox.sim(&format!("/whatsapp/flows/{flow}/health"));
    sim.post_json(&path, &json!({ "status": status })).await
}

/// The Flow's `health_status`.
async fn health(sim: &Sim, sandbox: &Sandbox, flow: &str) -> Value {
    let path = format!("/{flow}?fields=health_status");
    let reply = client_tests::business::get(sim, sandbox, &path).await;
    reply.ok()["health_status"].clone()
}

/// Meta's 132069: the throttled Flow was sent 10 times this hour.
fn assert_throttled(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        400,
        132069,
        "Flow is throttled",
        "The Flow is in throttled state and was already sent 10 times in the last hour.",
    );
}

/// Meta's 132068: the Flow is blocked.
fn assert_blocked(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        400,
        132068,
        "Flow is blocked",
        "The Flow is in blocked state: fix its endpoint before sending it.",
    );
}

fn status_change(flow: &str, old: &str, new: &str) -> Value {
    json!({
        "event": "FLOW_STATUS_CHANGE",
        "message": format!("Flow Booking changed status from {old} to {new}"),
        "flow_id": flow,
        "old_status": old,
        "new_status": new,
    })
}

#[tokio::test]
async fn every_status_change_reaches_apps_subscribed_to_flows() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let sandbox = sim.demo(71).await;
    let receiver = flows_receiver(&sim, &sandbox).await;
    let flow = published_flow(&sim, &sandbox, &endpoint).await;

    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    assert_eq!(
        bodies[0],
        json!({ "object": "whatsapp_business_account", "entry": [{
            "id": sandbox.id_of("waba"), "time": 1_767_225_600,
            "changes": [{ "value": status_change(&flow, "DRAFT", "PUBLISHED"), "field": "flows" }],
        }] })
    );

    for status in ["THROTTLED", "BLOCKED", "THROTTLED", "PUBLISHED"] {
        let moved = move_health(&sim, &sandbox, &flow, status).await;
        assert_eq!(moved.ok(), &json!({ "id": flow, "status": status }));
    }
    let skipped = move_health(&sim, &sandbox, &flow, "BLOCKED").await;
    assert!(skipped.assert_sim_error(409, None).contains("one step"));
    move_health(&sim, &sandbox, &flow, "DRAFT")
        .await
        .assert_sim_error(400, None);
    move_health(&sim, &sandbox, "123", "THROTTLED")
        .await
        .assert_sim_error(404, Some(33));
    let path = format!("/{flow}/deprecate");
    client_tests::business::post(&sim, &sandbox, &path, &json!({}))
        .await
        .ok();
    move_health(&sim, &sandbox, &flow, "THROTTLED")
        .await
        .assert_sim_error(409, None);

    // The trigger's sample is the first Flow's publishing.
    let trigger = json!({ "object": "whatsapp_business_account", "field": "flows" });
    let queued = sim
        .post_json(&sandbox.sim("/webhooks/trigger"), &trigger)
        .await;
    assert_eq!(queued.status, 201, "{}", queued.text());
    let mut changes = field_webhooks(&sim, &sandbox, &receiver, "flows").await;
    assert_eq!(
        changes.pop(),
        Some(status_change(&flow, "DRAFT", "PUBLISHED"))
    );
    assert_eq!(
        changes,
        [
            ("DRAFT", "PUBLISHED"),
            ("PUBLISHED", "THROTTLED"),
            ("THROTTLED", "BLOCKED"),
            ("BLOCKED", "THROTTLED"),
            ("THROTTLED", "PUBLISHED"),
            ("PUBLISHED", "DEPRECATED"),
        ]
        .map(|(old, new)| status_change(&flow, old, new))
    );
}

#[tokio::test]
async fn a_throttled_flow_is_limited_and_a_blocked_one_refused() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, first) = ready(&sim, 72, &endpoint, "navigate").await;
    move_health(&sim, &sandbox, &flow, "THROTTLED").await.ok();
    assert_eq!(
        health(&sim, &sandbox, &flow).await["entities"][0]["can_send_message"],
        "LIMITED"
    );
    let body = flow_message(&flow, "navigate");
    // One was sent before the throttling: nine more this hour.
    for _ in 0..9 {
        assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    }
    assert_throttled(&post(&sim, &sandbox, &body).await);
    // A throttled Flow still opens.
    open(&sim, &sandbox, &first).await.ok();
    sim.advance(&sandbox, 3600).await;
    assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);

    move_health(&sim, &sandbox, &flow, "BLOCKED").await.ok();
    assert_blocked(&post(&sim, &sandbox, &body).await);
    let blocked = health(&sim, &sandbox, &flow).await;
    assert_eq!(blocked["can_send_message"], "BLOCKED");
    assert_eq!(blocked["entities"][0]["errors"][0]["error_code"], 132068);
    let refused = open(&sim, &sandbox, &first).await;
    assert!(refused.assert_sim_error(409, None).contains("BLOCKED"));
    // Back to throttled: it opens again.
    move_health(&sim, &sandbox, &flow, "THROTTLED").await.ok();
    open(&sim, &sandbox, &first).await.ok();
    sim.assert_snapshot_round_trip(&sandbox).await;
}

/// `book_now`, an approved marketing template whose `FLOW` button opens `flow`.
async fn flow_template(sim: &Sim, sandbox: &Sandbox, flow: &str) {
    let created = client_tests::business::post(
        sim,
        sandbox,
        &format!("/{}/message_templates", sandbox.id_of("waba")),
        &json!({
            "name": "book_now", "language": "en_US", "category": "MARKETING",
            "components": [
                { "type": "BODY", "text": "Book your next visit, {{1}}." },
                { "type": "BUTTONS", "buttons": [
                    { "type": "FLOW", "text": "Book", "flow_id": flow, "flow_action": "navigate" },
                ] },
            ],
        }),
    )
    .await;
    let id = created.ok()["id"]
        .as_str()
        .expect("a template id")
        .to_owned();
    let path = sandbox.sim(&format!("/whatsapp/templates/{id}/review"));
    sim.post_json(&path, &json!({ "status": "APPROVED" }))
        .await
        .ok();
}

#[tokio::test]
async fn a_template_with_the_flows_button_is_held_back_with_it() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, _) = ready(&sim, 78, &endpoint, "navigate").await;
    flow_template(&sim, &sandbox, &flow).await;
    let body = message(ALICE, "template", template("book_now", &["Alice"]));
    assert_template_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    // The interactive send of `ready` and this template: 2 of a throttled
    // Flow's 10 an hour; eight more, then the template is refused too.
    move_health(&sim, &sandbox, &flow, "THROTTLED").await.ok();
    for _ in 0..8 {
        assert_template_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    }
    assert_throttled(&post(&sim, &sandbox, &body).await);
    sim.advance(&sandbox, 3600).await;
    move_health(&sim, &sandbox, &flow, "BLOCKED").await.ok();
    assert_blocked(&post(&sim, &sandbox, &body).await);
}

/// The Flow's alert webhooks (every `flows` change but status changes).
async fn alerts(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Vec<Value> {
    field_webhooks(sim, sandbox, receiver, "flows")
        .await
        .into_iter()
        .filter(|value| value["event"] != "FLOW_STATUS_CHANGE")
        .collect()
}

#[tokio::test]
async fn a_failing_endpoint_activates_the_error_rate_alert_and_recovery_deactivates_it() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, message) = ready(&sim, 73, &endpoint, "data_exchange").await;
    let receiver = flows_receiver(&sim, &sandbox).await;
    open(&sim, &sandbox, &message).await.ok();
    let submit = json!({ "action": "data_exchange", "data": { "slot": "9:00" } });
    endpoint.script(&vec![Behaviour::Status(500); 4]);
    for _ in 0..4 {
        act(&sim, &sandbox, &message, submit.clone()).await.ok();
    }
    // INIT and 4 failures: 5 requests, 80 % errors.
    let activated = json!({
        "event": "ENDPOINT_ERROR_RATE",
        "message": "Flow Booking endpoint error rate alert activated",
        "flow_id": flow,
        "alert_state": "ACTIVATED",
        "error_rate": 80.0,
        "threshold": 10,
        "errors": [{ "error_type": "unexpected_http_status_code", "error_count": 4, "error_rate": 80.0 }],
    });
    assert_eq!(alerts(&sim, &sandbox, &receiver).await, [activated]);

    // A new hour: five answered requests bring it back under the threshold.
    sim.advance(&sandbox, 3600).await;
    for step in 0..5 {
        let action = if step % 2 == 0 {
            submit.clone()
        } else {
            json!({ "action": "back" })
        };
        act(&sim, &sandbox, &message, action).await.ok();
    }
    let after = alerts(&sim, &sandbox, &receiver).await;
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(
        after[1],
        json!({
            "event": "ENDPOINT_ERROR_RATE",
            "message": "Flow Booking endpoint error rate alert deactivated",
            "flow_id": flow,
            "alert_state": "DEACTIVATED",
            "error_rate": 0.0,
            "threshold": 10,
            "errors": [],
        })
    );
    sim.assert_snapshot_round_trip(&sandbox).await;
}

#[tokio::test]
async fn timed_out_requests_activate_the_latency_alert() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, message) = ready(&sim, 76, &endpoint, "data_exchange").await;
    // A request that times out counts its timeout, rounded up: 2 s.
    sim.webhook_settings(&sandbox, &json!({ "timeout_ms": 1100 }))
        .await;
    let receiver = flows_receiver(&sim, &sandbox).await;
    open(&sim, &sandbox, &message).await.ok();
    endpoint.script(&[Behaviour::Sleep(1400), Behaviour::Sleep(1400)]);
    let submit = json!({ "action": "data_exchange", "data": { "slot": "9:00" } });
    for _ in 0..2 {
        act(&sim, &sandbox, &message, submit.clone()).await.ok();
    }
    // INIT and two timeouts, then a submit that is answered: too few to judge.
    act(&sim, &sandbox, &message, submit).await.ok();
    assert_eq!(alerts(&sim, &sandbox, &receiver).await, Vec::<Value>::new());
    // The fifth request (BACK) makes an hour to judge: p90 is a timeout's 2 s.
    act(&sim, &sandbox, &message, json!({ "action": "back" }))
        .await
        .ok();
    let latency: Vec<Value> = alerts(&sim, &sandbox, &receiver)
        .await
        .into_iter()
        .filter(|v| v["event"] == "ENDPOINT_LATENCY")
        .collect();
    assert_eq!(
        latency,
        [json!({
            "event": "ENDPOINT_LATENCY",
            "message": "Flow Booking endpoint latency alert activated",
            "flow_id": flow,
            "alert_state": "ACTIVATED",
            "p50_latency": 1000,
            "p90_latency": 2000,
            "requests_count": 5,
            "threshold": 1000,
        })]
    );
}

#[tokio::test]
async fn failed_health_checks_activate_the_availability_alert() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, _) = ready(&sim, 74, &endpoint, "data_exchange").await;
    let receiver = flows_receiver(&sim, &sandbox).await;
    let ping = sandbox.sim(&format!("/whatsapp/flows/{flow}/health_check"));
    endpoint.script(&[Behaviour::Status(503)]);
    sim.post_json(&ping, &json!({})).await.ok();
    sim.advance(&sandbox, 3600).await;
    sim.post_json(&ping, &json!({})).await.ok();
    let states: Vec<(Value, Value, Value)> = alerts(&sim, &sandbox, &receiver)
        .await
        .into_iter()
        .map(|v| {
            (
                v["event"].clone(),
                v["alert_state"].clone(),
                v["availability"].clone(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (json!("ENDPOINT_AVAILABILITY"), json!("ACTIVATED"), json!(0)),
            (
                json!("ENDPOINT_AVAILABILITY"),
                json!("DEACTIVATED"),
                json!(100)
            ),
        ]
    );
}

#[tokio::test]
async fn the_same_seed_sends_the_same_flows_webhooks() {
    let endpoint = Endpoint::start().await;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sim = Sim::start().await;
        let sandbox = sim
            .create_sandbox(json!({ "id": "flowhooks", "seed": 75 }))
            .await;
        let receiver = flows_receiver(&sim, &sandbox).await;
        set_business_key(&sim, &sandbox).await;
        let flow = published_flow(&sim, &sandbox, &endpoint).await;
        move_health(&sim, &sandbox, &flow, "THROTTLED").await.ok();
        let ping = sandbox.sim(&format!("/whatsapp/flows/{flow}/health_check"));
        endpoint.script(&[Behaviour::Status(500)]);
        sim.post_json(&ping, &json!({})).await.ok();
        sim.deliver(&sandbox).await;
        let posts = receiver.received();
        runs.push(
            posts
                .iter()
                .map(|p| (p.bytes.clone(), p.header("x-hub-signature-256").to_owned()))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(runs[0].len(), 3);
    assert_eq!(runs[0], runs[1]);
}
