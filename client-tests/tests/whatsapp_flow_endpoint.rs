//! WhatsApp Flows exchanging data with the business's endpoint, driven as a
//! consumer's phone drives them: a real endpoint in the test
//! (`client_tests::flow_endpoint`) decrypts each request with the business private key, checks
//! its signature and answers encrypted with the flipped IV; the consumer
//! opens the Flow message (INIT), submits screens, goes back, completes it
//! (the business gets the `nfm_reply` webhook); the endpoint's errors (421
//! retried once with a fresh key, 427 closing the Flow, 500, a timeout,
//! answers that do not decrypt or name no screen); the health-check ping; the
//! same seed giving the same request bytes; and the Flow's `metric` field
//! counting it all, with Meta's argument errors.

use client_tests::flow_endpoint::{
    Behaviour, Endpoint, act, flow_message, graph, open, published_flow, ready, send_flow,
    set_business_key,
};
use client_tests::receiver::{Receiver, signatures, subscribe_whatsapp};
use client_tests::whatsapp::{ALICE, BOB, BUSINESS_DIGITS, assert_sent, post};
use client_tests::{Reply, Sandbox, Sim, Value, json};
use reqwest::Method;

const COUNT_BY_DAY: &str = ".name(ENDPOINT_REQUEST_COUNT).granularity(DAY)";
const ERRORS_BY_DAY: &str = ".name(ENDPOINT_REQUEST_ERROR).granularity(DAY)";

/// The `data_points` of a `metric` read that succeeds.
async fn points(sim: &Sim, sandbox: &Sandbox, flow: &str, arguments: &str) -> Value {
    let reply = metric(sim, sandbox, flow, arguments).await;
    reply.ok()["metric"]["data_points"].clone()
}

async fn metric(sim: &Sim, sandbox: &Sandbox, flow: &str, arguments: &str) -> Reply {
    let path = format!("/{flow}?fields=metric{arguments}");
    sim.send(graph(sim, sandbox, Method::GET, &path)).await
}

#[tokio::test]
async fn a_consumer_goes_through_an_endpoint_flow_to_the_nfm_reply() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, message) = ready(&sim, 61, &endpoint, "data_exchange").await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;

    let opened = open(&sim, &sandbox, &message).await;
    let view = opened.ok();
    assert_eq!(view["state"], "open");
    assert_eq!(view["screen"], "DETAILS");
    assert_eq!(view["data"], json!({ "greeting": "Hi" }));
    let (body, signature, init) = endpoint.requests()[0].clone();
    assert_eq!(
        init,
        json!({ "version": "3.0", "action": "INIT", "flow_token": "tok-1" })
    );
    assert_eq!(signature, signatures(sandbox.secret("app"), &body).0);

    let submitted = act(
        &sim,
        &sandbox,
        &message,
        json!({ "action": "data_exchange", "data": { "slot": "10:00" } }),
    )
    .await;
    assert_eq!(submitted.ok()["screen"], "CONFIRM");
    assert_eq!(submitted.ok()["history"], json!(["DETAILS"]));
    assert_eq!(
        endpoint.requests()[1].2,
        json!({ "version": "3.0", "action": "data_exchange", "screen": "DETAILS",
                "data": { "slot": "10:00" }, "flow_token": "tok-1" })
    );
    // CONFIRM refreshes on back: the endpoint is asked.
    let back = act(&sim, &sandbox, &message, json!({ "action": "back" })).await;
    assert_eq!(back.ok()["screen"], "DETAILS");
    assert_eq!(back.ok()["history"], json!([]));
    assert_eq!(
        endpoint.requests()[2].2,
        json!({ "version": "3.0", "action": "BACK", "screen": "CONFIRM", "flow_token": "tok-1" })
    );
    act(
        &sim,
        &sandbox,
        &message,
        json!({ "action": "data_exchange", "data": { "slot": "11:00" } }),
    )
    .await
    .ok();
    let done = act(
        &sim,
        &sandbox,
        &message,
        json!({ "action": "data_exchange", "data": { "slot": "11:00" } }),
    )
    .await;
    let done = done.ok().clone();
    assert_eq!(done["state"], "completed");
    assert_eq!(
        endpoint.actions(),
        [
            "INIT",
            "data_exchange",
            "BACK",
            "data_exchange",
            "data_exchange"
        ]
    );

    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    let value = &bodies.last().expect("the nfm_reply webhook")["entry"][0]["changes"][0]["value"];
    let reply = &value["messages"][0];
    assert_eq!(reply["id"], done["reply_message_id"]);
    assert_eq!(
        reply["context"],
        json!({ "from": BUSINESS_DIGITS, "id": message })
    );
    assert_eq!(reply["type"], "interactive");
    assert_eq!(
        reply["interactive"],
        json!({ "type": "nfm_reply", "nfm_reply": { "name": "flow", "body": "Sent",
            "response_json": "{\"flow_token\":\"tok-1\",\"booked\":\"11:00\"}" } })
    );
    // A completed Flow does not open again.
    open(&sim, &sandbox, &message)
        .await
        .assert_sim_error(409, None);
    // Sessions and counters are kept in snapshots.
    sim.assert_snapshot_round_trip(&sandbox).await;

    let count = metric(&sim, &sandbox, &flow, COUNT_BY_DAY).await;
    assert_eq!(
        count.ok()["metric"],
        json!({ "name": "ENDPOINT_REQUEST_COUNT", "granularity": "DAY", "data_points": [
            { "timestamp": "2026-01-01T00:00:00+0000", "data": [{ "key": "value", "value": 5 }] }] })
    );
    assert_eq!(
        points(&sim, &sandbox, &flow, ".name(ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL).granularity(LIFETIME).since(2026-01-01).until(2026-01-01)").await[0]["data"],
        json!([{ "key": "1", "value": 5 }])
    );
    assert_eq!(
        points(&sim, &sandbox, &flow, ERRORS_BY_DAY).await,
        json!([])
    );
}

#[tokio::test]
async fn the_endpoints_errors_are_handled_as_whatsapp_does() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, message) = ready(&sim, 62, &endpoint, "data_exchange").await;
    sim.post_json(
        &sandbox.sim("/webhooks/settings"),
        &json!({ "timeout_ms": 300 }),
    )
    .await
    .ok();

    // 421: the client re-fetches the key and sends the request again, freshly encrypted.
    endpoint.script(&[Behaviour::Status(421)]);
    let opened = open(&sim, &sandbox, &message).await;
    assert_eq!(opened.ok()["screen"], "DETAILS");
    let requests = endpoint.requests();
    assert_eq!(endpoint.actions(), ["INIT", "INIT"]);
    let key = |i: usize| {
        serde_json::from_slice::<Value>(&requests[i].0).unwrap()["encrypted_aes_key"].clone()
    };
    assert_ne!(key(0), key(1));

    let submit = json!({ "action": "data_exchange", "data": { "slot": "9:00" } });
    let cases = [
        (
            vec![Behaviour::Status(421), Behaviour::Status(421)],
            "unexpected_http_status_code",
            Some(421),
        ),
        (
            vec![Behaviour::Status(500)],
            "unexpected_http_status_code",
            Some(500),
        ),
        (vec![Behaviour::Status(432)], "signature_invalid", Some(432)),
        (vec![Behaviour::Sleep(1500)], "timeout_error", None),
        (
            vec![Behaviour::Garbage],
            "response_decryption_error",
            Some(200),
        ),
        (
            vec![Behaviour::Reply(json!({ "screen": "NOWHERE", "data": {} }))],
            "invalid_screen_transition",
            Some(200),
        ),
        (
            vec![Behaviour::Reply(json!({ "data": {} }))],
            "invalid_response_error",
            Some(200),
        ),
        (vec![Behaviour::Huge], "invalid_response_error", Some(200)),
    ];
    for (script, kind, status) in cases {
        endpoint.script(&script);
        let failed = act(&sim, &sandbox, &message, submit.clone()).await;
        let view = failed.ok();
        assert_eq!(view["state"], "open", "{kind}");
        assert_eq!(view["screen"], "DETAILS", "the screen stays: {kind}");
        assert_eq!(view["error"]["kind"], kind);
        assert_eq!(view["error"]["http_status"], json!(status), "{kind}");
    }
    // Answers that opened but were no valid response are notified to the endpoint.
    let notified: Vec<Value> = endpoint
        .requests()
        .into_iter()
        .filter(|(_, _, r)| r["data"].get("error").is_some())
        .map(|(_, _, r)| r)
        .collect();
    let kinds: Vec<&Value> = notified.iter().map(|r| &r["data"]["error"]).collect();
    assert_eq!(
        kinds,
        [
            "invalid_screen_transition",
            "invalid_response_error",
            "invalid_response_error"
        ]
    );
    assert_eq!(
        notified[0],
        json!({ "version": "3.0", "action": "data_exchange", "screen": "DETAILS",
                "data": { "error": "invalid_screen_transition",
                          "error_message": "Something went wrong. Please try again later." },
                "flow_token": "tok-1" })
    );
    // A step that works clears the error.
    let moved = act(&sim, &sandbox, &message, submit.clone()).await;
    assert_eq!(moved.ok()["screen"], "CONFIRM");
    assert_eq!(moved.ok()["error"], Value::Null);
    // 427: the flow token is no longer valid; the Flow closes.
    endpoint.script(&[Behaviour::Status(427)]);
    let closed = act(&sim, &sandbox, &message, submit.clone()).await;
    assert_eq!(closed.ok()["state"], "closed");
    assert_eq!(closed.ok()["error"]["kind"], "flow_token_invalid");
    act(&sim, &sandbox, &message, submit)
        .await
        .assert_sim_error(409, None);

    assert_eq!(
        points(&sim, &sandbox, &flow, ERRORS_BY_DAY).await[0]["data"],
        json!([
            { "key": "invalid_response_error", "value": 2 },
            { "key": "invalid_screen_transition", "value": 1 },
            { "key": "response_decryption_error", "value": 1 },
            { "key": "timeout_error", "value": 1 },
            { "key": "unexpected_http_status_code", "value": 6 },
        ])
    );
    // 2 INIT, 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 failing, 3 notices, 1 moving, 1 closing:
    // 16 requests, 11 errors.
    assert_eq!(
        points(
            &sim,
            &sandbox,
            &flow,
            ".name(ENDPOINT_REQUEST_ERROR_RATE).granularity(LIFETIME)"
        )
        .await[0]["data"],
        json!([{ "key": "value", "value": 11.0 / 16.0 }])
    );
    assert_eq!(endpoint.requests().len(), 16);
}

#[tokio::test]
async fn a_navigate_flow_runs_on_the_phone_and_completes_with_its_payload() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, _, message) = ready(&sim, 63, &endpoint, "navigate").await;
    let opened = open(&sim, &sandbox, &message).await;
    assert_eq!(opened.ok()["screen"], "DETAILS");
    assert_eq!(opened.ok()["data"], json!({ "greeting": "Local" }));
    let moved = act(
        &sim,
        &sandbox,
        &message,
        json!({ "action": "navigate", "screen": "CONFIRM", "data": { "n": 1 } }),
    )
    .await;
    assert_eq!(moved.ok()["screen"], "CONFIRM");
    act(
        &sim,
        &sandbox,
        &message,
        json!({ "action": "navigate", "screen": "ELSEWHERE" }),
    )
    .await
    .assert_sim_error(400, None);
    let done = act(
        &sim,
        &sandbox,
        &message,
        json!({ "action": "complete", "data": { "rating": 5 } }),
    )
    .await;
    assert_eq!(done.ok()["state"], "completed");
    assert!(
        endpoint.requests().is_empty(),
        "navigate never asks the endpoint"
    );
    let replies: Vec<Value> = sim
        .events(&sandbox)
        .await
        .into_iter()
        .filter(|e| e["message"]["interactive"]["type"] == "nfm_reply")
        .collect();
    assert_eq!(
        replies[0]["message"]["interactive"]["nfm_reply"]["response_json"],
        "{\"flow_token\":\"tok-1\",\"rating\":5}"
    );
}

#[tokio::test]
async fn a_flow_needs_the_business_key_and_a_flow_message() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let sandbox = sim.demo(64).await;
    let flow = published_flow(&sim, &sandbox, &endpoint).await;
    let message = send_flow(&sim, &sandbox, &flow, "data_exchange").await;
    let refused = open(&sim, &sandbox, &message).await;
    assert!(
        refused
            .assert_sim_error(409, None)
            .contains("whatsapp_business_encryption")
    );
    open(&sim, &sandbox, "wamid.nope")
        .await
        .assert_sim_error(404, Some(33));
    // Bob never wrote: the Flow sent to him fails (131047) and never reaches his phone.
    let mut to_bob = flow_message(&flow, "data_exchange");
    to_bob["to"] = json!(BOB);
    let failed = assert_sent(&post(&sim, &sandbox, &to_bob).await, BOB, BOB);
    let bobs = sandbox.sim(&format!("/whatsapp/consumers/{BOB}/flows"));
    sim.post_json(&bobs, &json!({ "message_id": failed }))
        .await
        .assert_sim_error(404, Some(33));
    // Alice cannot open Bob's message either.
    open(&sim, &sandbox, &failed)
        .await
        .assert_sim_error(404, Some(33));
    let text = json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "text", "text": { "body": "hi" } });
    let plain = assert_sent(&post(&sim, &sandbox, &text).await, ALICE, ALICE);
    open(&sim, &sandbox, &plain)
        .await
        .assert_sim_error(400, None);
    act(&sim, &sandbox, &message, json!({ "action": "back" }))
        .await
        .assert_sim_error(404, Some(33));
    act(&sim, &sandbox, &message, json!({ "action": "dance" }))
        .await
        .assert_sim_error(400, None);
    assert!(endpoint.requests().is_empty());
}

#[tokio::test]
async fn the_health_check_pings_and_counts_availability() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let (sandbox, flow, _) = ready(&sim, 65, &endpoint, "data_exchange").await;
    let ping = sandbox.sim(&format!("/whatsapp/flows/{flow}/health_check"));
    let healthy = sim.post_json(&ping, &json!({})).await;
    assert_eq!(
        healthy.ok(),
        &json!({ "flow_id": flow, "healthy": true, "http_status": 200 })
    );
    assert_eq!(
        endpoint.requests()[0].2,
        json!({ "version": "3.0", "action": "ping" })
    );
    endpoint.script(&[Behaviour::Reply(json!({ "data": { "status": "down" } }))]);
    assert_eq!(
        sim.post_json(&ping, &json!({})).await.ok()["healthy"],
        false
    );
    endpoint.script(&[Behaviour::Status(503)]);
    assert_eq!(
        sim.post_json(&ping, &json!({})).await.ok()["http_status"],
        503
    );
    sim.post_json(&sandbox.sim("/whatsapp/flows/123/health_check"), &json!({}))
        .await
        .assert_sim_error(404, Some(33));
    assert_eq!(
        points(
            &sim,
            &sandbox,
            &flow,
            ".name(ENDPOINT_AVAILABILITY).granularity(HOUR)"
        )
        .await,
        json!([{ "timestamp": "2026-01-01T00:00:00+0000", "data": [
            { "key": "succeeded", "value": 1 }, { "key": "failed", "value": 2 }] }])
    );
    // Pings are not data exchange requests.
    assert_eq!(points(&sim, &sandbox, &flow, COUNT_BY_DAY).await, json!([]));
}

#[tokio::test]
async fn the_metric_arguments_are_checked_as_meta_checks_them() {
    let sim = Sim::start().await;
    let endpoint = Endpoint::start().await;
    let sandbox = sim.demo(66).await;
    let flow = published_flow(&sim, &sandbox, &endpoint).await;
    let cases = [
        ("", "(#100) The parameter name is required"),
        (
            ".name(ENDPOINT_REQUEST_COUNT)",
            "(#100) The parameter granularity is required",
        ),
        (
            ".name(REQUESTS).granularity(DAY)",
            "(#100) Param name must be one of {ENDPOINT_REQUEST_COUNT, ENDPOINT_REQUEST_ERROR, ENDPOINT_REQUEST_ERROR_RATE, ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL, ENDPOINT_AVAILABILITY} - got \"REQUESTS\".",
        ),
        (
            ".name(ENDPOINT_REQUEST_COUNT).granularity(WEEK)",
            "(#100) Param granularity must be one of {HOUR, DAY, LIFETIME} - got \"WEEK\".",
        ),
        (
            ".name(ENDPOINT_REQUEST_COUNT).granularity(DAY).since(yesterday)",
            "(#100) Param since must be a date (YYYY-MM-DD) - got \"yesterday\".",
        ),
        (
            ".name(ENDPOINT_REQUEST_COUNT).granularity(DAY).since(2026-01-02).until(2026-01-01)",
            "(#100) Param since must not be after until.",
        ),
        (
            ".name(ENDPOINT_REQUEST_COUNT).granularity(DAY).since(2025-01-01)",
            "(#100) Param since must be at most 90 days in the past.",
        ),
    ];
    for (arguments, text) in cases {
        let reply = metric(&sim, &sandbox, &flow, arguments).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert_eq!(reply.message(), text, "{arguments}");
    }
    let empty = metric(
        &sim,
        &sandbox,
        &flow,
        ".name(ENDPOINT_REQUEST_COUNT).granularity(day)",
    )
    .await;
    assert_eq!(
        empty.ok()["metric"],
        json!({ "name": "ENDPOINT_REQUEST_COUNT", "granularity": "DAY", "data_points": [] })
    );
}

#[tokio::test]
async fn the_same_seed_sends_the_endpoint_the_same_bytes() {
    let endpoint = Endpoint::start().await;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sim = Sim::start().await;
        let sandbox = sim
            .create_sandbox(json!({ "id": "flows", "seed": 67 }))
            .await;
        set_business_key(&sim, &sandbox).await;
        let flow = published_flow(&sim, &sandbox, &endpoint).await;
        let message = send_flow(&sim, &sandbox, &flow, "data_exchange").await;
        open(&sim, &sandbox, &message).await.ok();
        act(
            &sim,
            &sandbox,
            &message,
            json!({ "action": "data_exchange", "data": { "slot": "8:00" } }),
        )
        .await
        .ok();
        runs.push(endpoint.requests().len());
    }
    let requests = endpoint.requests();
    assert_eq!(runs, [2, 4]);
    for i in 0..2 {
        assert_eq!(requests[i].0, requests[i + 2].0, "request {i}: same bytes");
        assert_eq!(
            requests[i].1,
            requests[i + 2].1,
            "request {i}: same signature"
        );
    }
    assert_ne!(requests[0].0, requests[1].0);
}
