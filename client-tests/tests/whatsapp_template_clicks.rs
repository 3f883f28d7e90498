//! Template analytics' `clicked`: a consumer's quick-reply tap (their
//! `button` reply to the template) and URL button tap (a control-plane
//! step: nothing reaches the business) counted per template, day and
//! button; taps that do not count (an unknown button text, an
//! authentication template); the tap route's refusals; the cost per URL
//! click; same-seed determinism.

use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, V, Value, demo_fixture, json};

/// 2026-01-01T00:00:00Z, where a demo sandbox's clock starts.
const DAY0: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// A fixture template: a body and buttons.
fn with_buttons(name: &str, category: &str, body: &str, buttons: Value) -> Value {
    json!({
        "name": name, "category": category,
        "components": [
            { "type": "BODY", "text": body },
            { "type": "BUTTONS", "buttons": buttons },
        ],
    })
}

/// The demo with `track_order` (utility: a URL button, then a quick reply)
/// and `login_code` (authentication, with a URL button), and template
/// analytics switched on.
async fn sandbox(sim: &Sim, seed: u64) -> Sandbox {
    let mut fixture = demo_fixture();
    let templates = fixture["whatsapp_business_accounts"][0]["templates"]
        .as_array_mut()
        .expect("templates");
    templates.push(with_buttons(
        "track_order",
        "UTILITY",
        "Your order {{1}} is on its way.",
        json!([
            { "type": "URL", "text": "Track it", "url": "https://shop.luckyshrub.example/track/{{1}}" },
            { "type": "QUICK_REPLY", "text": "Thanks" },
        ]),
    ));
    templates.push(with_buttons(
        "login_code",
        "AUTHENTICATION",
        "{{1}} is your verification code.",
        json!([{ "type": "URL", "text": "Open app", "url": "https://luckyshrub.example/login" }]),
    ));
    let sandbox = sim
        .create_sandbox(json!({ "seed": seed, "fixture": fixture }))
        .await;
    enable_insights(sim, &sandbox).await;
    sandbox
}

/// Send `track_order` for order `order` to `to`; its message id.
async fn track_order(sim: &Sim, sandbox: &Sandbox, to: &str, order: &str) -> String {
    let mut sent = template("track_order", &[order]);
    sent["components"]
        .as_array_mut()
        .expect("components")
        .push(json!({ "type": "button", "sub_type": "url", "index": "0",
            "parameters": [{ "type": "text", "text": order }] }));
    assert_template_sent(
        &post(sim, sandbox, &message(to, "template", sent)).await,
        to,
        to,
    )
}

/// `to` taps the URL button of `message_id` (`body` adds to the request).
async fn tap(sim: &Sim, sandbox: &Sandbox, to: &str, body: Value) -> client_tests::Reply {
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/consumers/{to}/tap_url_button")),
        &body,
    )
    .await
}

/// `to` answers `message_id` with the quick reply `text`.
async fn quick_reply(sim: &Sim, sandbox: &Sandbox, to: &str, message_id: &str, text: &str) {
    let tap = json!({
        "type": "button",
        "button": { "payload": text, "text": text },
        "context": { "message_id": message_id },
    });
    sim.inbound(sandbox, to, phone(sandbox), tap).await;
}

async fn analytics(sim: &Sim, sandbox: &Sandbox, name: &str, metrics: &str) -> Value {
    let id = template_id(sim, sandbox, name).await;
    let path = format!(
        "/{V}/{}/template_analytics?start={DAY0}&end={}&granularity=DAILY&metric_types=[{metrics}]&template_ids=[{id}]",
        sandbox.id_of("waba"),
        DAY0 + 2 * DAY
    );
    sim.get_as(sandbox.token(MANAGER), &path).await.ok()["data"][0]["data_points"].clone()
}

#[tokio::test]
async fn url_and_quick_reply_taps_are_counted_per_button_and_day() {
    let sim = Sim::start().await;
    let sandbox = sandbox(&sim, 81).await;
    let to_alice = track_order(&sim, &sandbox, ALICE, "A-7").await;
    let to_bob = track_order(&sim, &sandbox, BOB, "B-2").await;
    // A URL tap answers where the button leads, its suffix filled.
    let tapped = tap(&sim, &sandbox, ALICE, json!({ "message_id": to_alice })).await;
    assert_eq!(
        tapped.ok(),
        &json!({ "success": true, "button_content": "Track it",
            "url": "https://shop.luckyshrub.example/track/A-7" })
    );
    tap(
        &sim,
        &sandbox,
        BOB,
        json!({ "message_id": to_bob, "index": 0 }),
    )
    .await
    .ok();
    // Alice taps again: one more tap, but not one more tapper.
    tap(&sim, &sandbox, ALICE, json!({ "message_id": to_alice }))
        .await
        .ok();
    quick_reply(&sim, &sandbox, ALICE, &to_alice, "Thanks").await;
    // A reply whose text is none of the template's buttons is no tap.
    quick_reply(&sim, &sandbox, BOB, &to_bob, "Where is it?").await;
    // Day 1: one more quick reply.
    sim.advance(&sandbox, DAY as u64).await;
    quick_reply(&sim, &sandbox, BOB, &to_bob, "Thanks").await;
    let id = template_id(&sim, &sandbox, "track_order").await;
    assert_eq!(
        analytics(&sim, &sandbox, "track_order", "CLICKED").await,
        json!([
            { "template_id": id, "start": DAY0, "end": DAY0 + DAY, "clicked": [
                { "type": "quick_reply_button", "button_content": "Thanks", "count": 1 },
                { "type": "url_button", "button_content": "Track it", "count": 3 },
                { "type": "unique_url_button", "button_content": "Track it", "count": 2 },
            ] },
            { "template_id": id, "start": DAY0 + DAY, "end": DAY0 + 2 * DAY, "clicked": [
                { "type": "quick_reply_button", "button_content": "Thanks", "count": 1 },
            ] },
        ])
    );
    // Cost per URL click: two utility templates to +1 numbers (0.004 each)
    // over three URL taps (0.0026666… rounded half up to the millionth).
    let cost = analytics(&sim, &sandbox, "track_order", "COST").await;
    assert_eq!(
        cost[0]["cost"],
        json!([
            { "type": "amount_spent", "value": 0.008 },
            { "type": "cost_per_delivered", "value": 0.004 },
            { "type": "cost_per_url_button_click", "value": 0.002667 },
        ])
    );
    // Without metric_types, every metric.
    let all = analytics(&sim, &sandbox, "track_order", "").await;
    for key in ["sent", "delivered", "read", "clicked", "cost"] {
        assert!(all[0].get(key).is_some(), "{key}: {all}");
    }
    sim.assert_snapshot_round_trip(&sandbox).await;
}

#[tokio::test]
async fn authentication_templates_count_no_clicks() {
    let sim = Sim::start().await;
    let sandbox = sandbox(&sim, 82).await;
    let code = message(ALICE, "template", template("login_code", &["123456"]));
    let sent = assert_template_sent(&post(&sim, &sandbox, &code).await, ALICE, ALICE);
    let tapped = tap(&sim, &sandbox, ALICE, json!({ "message_id": sent }))
        .await
        .ok()
        .clone();
    assert_eq!(tapped["url"], "https://luckyshrub.example/login");
    let points = analytics(&sim, &sandbox, "login_code", "CLICKED").await;
    assert_eq!(points[0]["clicked"], json!([]));
}

#[tokio::test]
async fn bad_taps_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sandbox(&sim, 83).await;
    let to_alice = track_order(&sim, &sandbox, ALICE, "A-7").await;
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    let no_url = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    let cases = [
        (
            ALICE,
            json!({ "message_id": "wamid.nope" }),
            404,
            "received no template message",
        ),
        // Bob did not receive Alice's message.
        (
            BOB,
            json!({ "message_id": to_alice }),
            404,
            "received no template message",
        ),
        (
            "15550100999",
            json!({ "message_id": to_alice }),
            404,
            "No WhatsApp consumer",
        ),
        (
            ALICE,
            json!({ "message_id": to_alice, "index": 1 }),
            400,
            "button 1 is not a URL button",
        ),
        (
            ALICE,
            json!({ "message_id": to_alice, "index": 7 }),
            400,
            "button 7 is not a URL button",
        ),
        (
            ALICE,
            json!({ "message_id": to_alice, "index": 300 }),
            400,
            "index",
        ),
        (
            ALICE,
            json!({ "message_id": to_alice, "index": -1 }),
            400,
            "index",
        ),
        (
            ALICE,
            json!({ "message_id": no_url }),
            400,
            "has no URL button",
        ),
        (ALICE, json!({ "index": 0 }), 400, "message_id"),
        (
            ALICE,
            json!({ "message_id": to_alice, "button": "x" }),
            400,
            "button",
        ),
    ];
    for (who, body, status, expected) in cases {
        let refused = tap(&sim, &sandbox, who, body.clone()).await;
        assert_eq!(refused.status, status, "{body}: {}", refused.text());
        assert!(
            refused.text().contains(expected),
            "{body}: {}",
            refused.text()
        );
    }
    let points = analytics(&sim, &sandbox, "track_order", "CLICKED").await;
    assert_eq!(points[0]["clicked"], json!([]));
}

#[tokio::test]
async fn clicks_answer_alike_for_one_seed() {
    let sim = Sim::start().await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let sandbox = sandbox(&sim, 84).await;
        let sent = track_order(&sim, &sandbox, ALICE, "A-7").await;
        tap(&sim, &sandbox, ALICE, json!({ "message_id": sent }))
            .await
            .ok();
        quick_reply(&sim, &sandbox, ALICE, &sent, "Thanks").await;
        answers.push(
            analytics(&sim, &sandbox, "track_order", "")
                .await
                .to_string(),
        );
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0].contains("\"count\":1"), "{}", answers[0]);
}
