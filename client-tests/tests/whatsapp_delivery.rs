//! What happens to a WhatsApp message after `POST /{phone-number-id}/messages`
//! accepted it, over HTTP: the 24-hour customer-service window on the virtual
//! clock and the asynchronous failures (131047, 131026 for unknown, non-WhatsApp
//! or blocking consumers, 131050 after a marketing opt-out) as `failed` status
//! events; templates (132000, 132001 with HTTP 404, 132015, 132016) and what
//! the consumer's inbox shows; statuses sent → delivered → read with pricing
//! and `biz_opaque_callback_data`; mark as read and the typing indicator;
//! 133010 for an unregistered sender; permissions; the throughput and pair
//! limits (130429, 131056) on the clock; and same-seed determinism.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, unsupported};
use reqwest::Method;

// --- the customer-service window ---

#[tokio::test]
async fn free_form_outside_the_window_is_accepted_then_fails_with_131047() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(20).await;
    let body = message(ALICE, "text", json!({ "body": "Are you there?" }));
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    let events = statuses(&sim, &sandbox, &id).await;
    assert_eq!(
        events,
        [json!({
            "seq": 1,
            "time": 1_767_225_600,
            "kind": "whatsapp_status",
            "waba_id": sandbox.id_of("waba"),
            "phone_number_id": phone(&sandbox),
            "message_id": id,
            "status": "failed",
            "recipient": ALICE,
            "recipient_user_id": bsuid(&sim, &sandbox, ALICE).await,
            "error": {
                "code": 131047,
                "title": "Re-engagement message",
                "details": REENGAGEMENT,
            },
        })]
    );
    // The consumer never sees it.
    assert!(sim.inbox(&sandbox, ALICE).await.is_empty());
}

#[tokio::test]
async fn an_inbound_message_opens_the_window_for_24_hours() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(21).await;
    let body = message(ALICE, "text", json!({ "body": "Your parcel left" }));
    open_window(&sim, &sandbox, ALICE).await;
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    assert_eq!(
        status_names(&sim, &sandbox, &id).await,
        ["sent", "delivered"]
    );
    // Only for that consumer.
    let to_bob = message(BOB, "text", json!({ "body": "Hi Bob" }));
    let id = assert_sent(&post(&sim, &sandbox, &to_bob).await, BOB, BOB);
    assert_failure(
        &failure(&sim, &sandbox, &id).await,
        131047,
        "Re-engagement message",
        REENGAGEMENT,
    );
    // Still open one second before the 24 hours are over…
    sim.advance(&sandbox, DAY - 1).await;
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    assert_eq!(status_names(&sim, &sandbox, &id).await[1], "delivered");
    // …closed at 24 hours: business messages do not extend it.
    sim.advance(&sandbox, 1).await;
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    assert_failure(
        &failure(&sim, &sandbox, &id).await,
        131047,
        "Re-engagement message",
        REENGAGEMENT,
    );
    // Templates go at any time.
    let hello = message(ALICE, "template", template("hello_world", &[]));
    let id = assert_template_sent(&post(&sim, &sandbox, &hello).await, ALICE, ALICE);
    assert_eq!(
        status_names(&sim, &sandbox, &id).await,
        ["sent", "delivered"]
    );
    // A new inbound message restarts the window.
    sim.advance(&sandbox, 3 * DAY).await;
    open_window(&sim, &sandbox, ALICE).await;
    sim.advance(&sandbox, DAY - 60).await;
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    assert_eq!(status_names(&sim, &sandbox, &id).await[1], "delivered");
}

#[tokio::test]
async fn undeliverable_recipients_fail_with_131026() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(22).await;
    let pn = phone(&sandbox).to_owned();
    // A consumer without WhatsApp.
    let created = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers"),
            &json!({ "phone": "+1 555 010 7777", "on_whatsapp": false }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    // Alice blocks the business number.
    open_window(&sim, &sandbox, ALICE).await;
    let block = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/block")),
            &json!({ "phone_number_id": pn }),
        )
        .await;
    assert_eq!(block.ok(), &json!({ "success": true }));
    let (code, title, details) = undeliverable();
    for (to, wa_id) in [
        ("15550107777", "15550107777"),
        ("+1 555 010 6666", "15550106666"),
        (ALICE, ALICE),
    ] {
        for body in [
            message(to, "text", json!({ "body": "hi" })),
            message(to, "template", template("hello_world", &[])),
        ] {
            let reply = post(&sim, &sandbox, &body).await;
            let id = reply.ok()["messages"][0]["id"].as_str().unwrap().to_owned();
            assert_eq!(
                reply.json["contacts"],
                json!([{ "input": to, "wa_id": wa_id }])
            );
            assert_failure(&failure(&sim, &sandbox, &id).await, code, title, details);
        }
    }
    assert!(sim.inbox(&sandbox, ALICE).await.is_empty());
    // Unblocked, the window she opened is still there.
    let unblock = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/block")),
            &json!({ "phone_number_id": pn, "blocked": false }),
        )
        .await;
    unblock.ok();
    let body = message(ALICE, "text", json!({ "body": "hi again" }));
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    assert_eq!(
        status_names(&sim, &sandbox, &id).await,
        ["sent", "delivered"]
    );
}

#[tokio::test]
async fn marketing_opt_out_fails_marketing_templates_only() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(23).await;
    let pn = phone(&sandbox).to_owned();
    let opt_out = |opt_out: bool| {
        let sim = &sim;
        let path = sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/marketing"));
        let pn = pn.clone();
        async move {
            let reply = sim
                .post_json(&path, &json!({ "phone_number_id": pn, "opt_out": opt_out }))
                .await;
            assert_eq!(reply.ok(), &json!({ "success": true }));
        }
    };
    opt_out(true).await;
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_failure(
        &failure(&sim, &sandbox, &id).await,
        131050,
        "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
        "The recipient stopped marketing messages from this business.",
    );
    // Utility templates still go, and so does marketing to others.
    let update = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    let id = assert_template_sent(&post(&sim, &sandbox, &update).await, ALICE, ALICE);
    assert_eq!(
        status_names(&sim, &sandbox, &id).await,
        ["sent", "delivered"]
    );
    let to_bob = message(BOB, "template", template("spring_sale", &["20%"]));
    let id = assert_template_sent(&post(&sim, &sandbox, &to_bob).await, BOB, BOB);
    assert_eq!(status_names(&sim, &sandbox, &id).await[1], "delivered");
    // Opted back in.
    opt_out(false).await;
    let id = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_eq!(status_names(&sim, &sandbox, &id).await[1], "delivered");
    let inbox = sim.inbox(&sandbox, ALICE).await;
    let texts: Vec<&Value> = inbox.iter().map(|m| &m["text"]).collect();
    assert_eq!(
        texts,
        [
            &json!("Hi Alice, your order A-1 has shipped and will arrive tomorrow.\nLucky Shrub"),
            &json!("Spring sale\n20% off all pots and planters until Sunday."),
        ]
    );
}

// --- templates ---

/// The demo fixture plus templates in other states and languages.
fn template_fixture() -> Value {
    let mut fixture = demo_fixture();
    let templates = fixture["whatsapp_business_accounts"][0]["templates"]
        .as_array_mut()
        .unwrap();
    for (name, status) in [
        ("paused_one", "PAUSED"),
        ("disabled_one", "DISABLED"),
        ("pending_one", "PENDING"),
        ("rejected_one", "REJECTED"),
    ] {
        templates.push(json!({
            "name": name, "category": "UTILITY", "status": status,
            "components": [{ "type": "BODY", "text": "Status update" }],
        }));
    }
    templates.push(json!({
        "name": "order_update", "language": "es", "category": "UTILITY",
        "components": [
            { "type": "HEADER", "format": "TEXT", "text": "Pedido {{1}}" },
            { "type": "BODY", "text": "Hola {{1}}, tu pedido {{2}} va en camino." },
        ],
    }));
    templates.push(json!({
        "name": "named_greeting", "category": "UTILITY",
        "components": [{ "type": "BODY", "text": "Hi {{first_name}}, {{total}} is due on {{date}}." }],
    }));
    fixture
}

#[track_caller]
fn assert_no_template(reply: &Reply, name: &str, language: &str) {
    let error = reply.assert_error(404, 132001, Some(2388040), "OAuthException");
    assert_eq!(
        reply.message(),
        "(#132001) Template name does not exist in the translation"
    );
    assert_eq!(
        error["error_data"],
        json!({
            "messaging_product": "whatsapp",
            "details": format!("template name ({name}) does not exist in {language}"),
        })
    );
}

#[track_caller]
fn assert_param_count(reply: &Reply, details: &str) {
    assert_whatsapp_error(
        reply,
        400,
        132000,
        "Number of parameters does not match the expected number of params",
        details,
    );
}

#[tokio::test]
async fn unknown_templates_and_languages_answer_132001_with_404() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 30, "fixture": template_fixture() }))
        .await;
    let send = |name: &str, language: &str| {
        message(
            ALICE,
            "template",
            json!({ "name": name, "language": { "code": language } }),
        )
    };
    assert_no_template(
        &post(&sim, &sandbox, &send("promo_x", "en_US")).await,
        "promo_x",
        "en_US",
    );
    assert_no_template(
        &post(&sim, &sandbox, &send("hello_world", "fr")).await,
        "hello_world",
        "fr",
    );
    // Names are exact.
    assert_no_template(
        &post(&sim, &sandbox, &send("Hello_World", "en_US")).await,
        "Hello_World",
        "en_US",
    );
    // Not approved yet, or rejected: as if it did not exist.
    for name in ["pending_one", "rejected_one"] {
        assert_no_template(
            &post(&sim, &sandbox, &send(name, "en_US")).await,
            name,
            "en_US",
        );
    }
    assert_whatsapp_error(
        &post(&sim, &sandbox, &send("paused_one", "en_US")).await,
        400,
        132015,
        "Template is Paused",
        "The template is paused because of low quality.",
    );
    assert_whatsapp_error(
        &post(&sim, &sandbox, &send("disabled_one", "en_US")).await,
        400,
        132016,
        "Template is Disabled",
        "The template has been disabled because of low quality.",
    );
    // A refused template sends nothing, even to an unknown number.
    let mut body = send("promo_x", "en_US");
    body["to"] = json!("15550107777");
    assert_no_template(&post(&sim, &sandbox, &body).await, "promo_x", "en_US");
    assert!(sim.events(&sandbox).await.is_empty());
}

#[tokio::test]
async fn parameter_counts_must_match_with_132000() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 31, "fixture": template_fixture() }))
        .await;
    let cases = [
        (
            template("order_update", &["Alice"]),
            "body: number of localizable_params (1) does not match the expected number of params (2)",
        ),
        (
            template("order_update", &["Alice", "A-1", "extra"]),
            "body: number of localizable_params (3) does not match the expected number of params (2)",
        ),
        (
            json!({ "name": "order_update", "language": { "code": "en_US" } }),
            "body: number of localizable_params (0) does not match the expected number of params (2)",
        ),
        (
            template("hello_world", &["unexpected"]),
            "body: number of localizable_params (1) does not match the expected number of params (0)",
        ),
        (
            json!({
                "name": "order_update", "language": { "code": "es" },
                "components": [{ "type": "body", "parameters": [
                    { "type": "text", "text": "Ana" }, { "type": "text", "text": "A-1" },
                ] }],
            }),
            "header: number of localizable_params (0) does not match the expected number of params (1)",
        ),
    ];
    for (content, details) in cases {
        let reply = post(&sim, &sandbox, &message(ALICE, "template", content)).await;
        assert_param_count(&reply, details);
    }
    assert!(sim.events(&sandbox).await.is_empty());
}

#[tokio::test]
async fn the_inbox_shows_templates_rendered_with_their_parameters() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 32, "fixture": template_fixture() }))
        .await;
    let sends = [
        (
            json!({ "name": "hello_world", "language": { "code": "en_US" } }),
            "Hello World\nWelcome! This test message comes from Lucky Shrub through the WhatsApp Cloud API.\nWhatsApp Business Platform sample message",
        ),
        (
            template("order_update", &["Alice", "A-1042"]),
            "Hi Alice, your order A-1042 has shipped and will arrive tomorrow.\nLucky Shrub",
        ),
        (
            json!({
                "name": "order_update", "language": { "code": "es" },
                "components": [
                    { "type": "header", "parameters": [{ "type": "text", "text": "A-1042" }] },
                    { "type": "body", "parameters": [
                        { "type": "text", "text": "Alicia" }, { "type": "text", "text": "A-1042" },
                    ] },
                ],
            }),
            "Pedido A-1042\nHola Alicia, tu pedido A-1042 va en camino.",
        ),
        (
            json!({
                "name": "named_greeting", "language": { "code": "en_US" },
                "components": [{ "type": "body", "parameters": [
                    { "type": "date_time", "parameter_name": "date", "date_time": { "fallback_value": "May 1" } },
                    { "type": "text", "parameter_name": "first_name", "text": "Alice" },
                    { "type": "currency", "parameter_name": "total",
                      "currency": { "fallback_value": "$12.50", "code": "USD", "amount_1000": 12500 } },
                ] }],
            }),
            "Hi Alice, $12.50 is due on May 1.",
        ),
    ];
    let mut ids = Vec::new();
    for (content, _) in &sends {
        let body = message(ALICE, "template", content.clone());
        ids.push(assert_template_sent(
            &post(&sim, &sandbox, &body).await,
            ALICE,
            ALICE,
        ));
    }
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert_eq!(inbox.len(), sends.len());
    for ((entry, id), (content, text)) in inbox.iter().zip(&ids).zip(&sends) {
        let time = entry["time"].as_i64().unwrap();
        assert_eq!(
            entry,
            &json!({
                "id": id,
                "from": BUSINESS_DIGITS,
                "from_name": "Lucky Shrub",
                "verified": false,
                "phone_number_id": phone(&sandbox),
                "type": "template",
                "text": text,
                "message": { "type": "template", "template": content },
                "time": time,
                "iso": "2026-01-01T00:00:00Z",
                "status": "delivered",
            })
        );
    }
}

// --- statuses and pricing ---

#[tokio::test]
async fn statuses_go_sent_delivered_read_with_pricing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(40).await;
    let waba = sandbox.id_of("waba").to_owned();
    let pn = phone(&sandbox).to_owned();
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    let pricing = |category: &str, free: bool| {
        json!({
            "billable": !free,
            "pricing_model": "PMP",
            "type": if free { "free_customer_service" } else { "regular" },
            "category": category,
        })
    };
    // Outside the window: a utility template is billable.
    let mut utility = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    utility["biz_opaque_callback_data"] = json!("order-42");
    let outside = assert_template_sent(&post(&sim, &sandbox, &utility).await, ALICE, ALICE);
    // Inside it: service messages and utility templates are free; marketing is not.
    sim.advance(&sandbox, 60).await;
    open_window(&sim, &sandbox, ALICE).await;
    let mut service = message(ALICE, "text", json!({ "body": "On its way" }));
    service["biz_opaque_callback_data"] = json!("ticket-7");
    let service_id = assert_sent(&post(&sim, &sandbox, &service).await, ALICE, ALICE);
    let inside = assert_template_sent(&post(&sim, &sandbox, &utility).await, ALICE, ALICE);
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    let marketing = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);

    let cases = [
        (&outside, pricing("utility", false), Some("order-42"), 0),
        (&service_id, pricing("service", true), Some("ticket-7"), 60),
        (&inside, pricing("utility", true), Some("order-42"), 60),
        (&marketing, pricing("marketing", false), None, 60),
    ];
    let status = |id: &str, status: &str, pricing: &Value, callback: Option<&str>, time: i64| {
        let mut event = json!({
            "time": 1_767_225_600 + time,
            "kind": "whatsapp_status",
            "waba_id": waba,
            "phone_number_id": pn,
            "message_id": id,
            "status": status,
            "recipient": ALICE,
            "recipient_user_id": user_id,
            "pricing": pricing,
        });
        if let Some(callback) = callback {
            event["biz_opaque_callback_data"] = json!(callback);
        }
        event
    };
    let without_seq = |mut event: Value| {
        event.as_object_mut().unwrap().remove("seq");
        event
    };
    for (id, pricing, callback, time) in &cases {
        let events: Vec<Value> = statuses(&sim, &sandbox, id)
            .await
            .into_iter()
            .map(without_seq)
            .collect();
        assert_eq!(
            events,
            [
                status(id, "sent", pricing, *callback, *time),
                status(id, "delivered", pricing, *callback, *time),
            ]
        );
    }
    // Alice reads two of them; then the rest.
    sim.advance(&sandbox, 5).await;
    let read = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
            &json!({ "message_ids": [outside, service_id] }),
        )
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 2 }));
    let last = statuses(&sim, &sandbox, &service_id).await.pop().unwrap();
    assert_eq!(
        without_seq(last),
        status(&service_id, "read", &cases[1].1, Some("ticket-7"), 65)
    );
    assert_eq!(
        status_names(&sim, &sandbox, &inside).await,
        ["sent", "delivered"]
    );
    let read = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
            &json!({}),
        )
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 2 }));
    for (id, ..) in &cases {
        assert_eq!(
            status_names(&sim, &sandbox, id).await,
            ["sent", "delivered", "read"]
        );
    }
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert!(inbox.iter().all(|m| m["status"] == "read"), "{inbox:?}");
    // Reading again changes nothing.
    let read = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
            &json!({ "message_ids": [service_id] }),
        )
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 0 }));
    // Event sequence numbers count up from 1 without gaps.
    let seqs: Vec<u64> = sim
        .events(&sandbox)
        .await
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}

#[tokio::test]
async fn failed_messages_cannot_be_read_and_stay_out_of_the_inbox() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(41).await;
    let body = message(ALICE, "text", json!({ "body": "Outside the window" }));
    let id = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    let read = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
            &json!({ "message_ids": [id] }),
        )
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 0 }));
    assert_eq!(status_names(&sim, &sandbox, &id).await, ["failed"]);
    assert!(sim.inbox(&sandbox, ALICE).await.is_empty());
}

// --- mark as read and typing indicator ---

#[tokio::test]
async fn marking_an_inbound_message_read_answers_success() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(50).await;
    let first = open_window(&sim, &sandbox, ALICE).await;
    let second = open_window(&sim, &sandbox, ALICE).await;
    let read =
        |id: &str| json!({ "messaging_product": "whatsapp", "status": "read", "message_id": id });
    assert_eq!(
        post(&sim, &sandbox, &read(&second)).await.ok(),
        &json!({ "success": true })
    );
    // Again, and an earlier one (already read with the later one).
    assert_eq!(
        post(&sim, &sandbox, &read(&first)).await.ok(),
        &json!({ "success": true })
    );
    // With the typing indicator, as JSON and as a form.
    let mut typing = read(&second);
    typing["typing_indicator"] = json!({ "type": "text" });
    assert_eq!(
        post(&sim, &sandbox, &typing).await.ok(),
        &json!({ "success": true })
    );
    let reply = post_form(&sim, &sandbox, &form_pairs(&typing)).await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    // Marking read sends nothing.
    assert!(sim.inbox(&sandbox, ALICE).await.is_empty());
    let kinds: Vec<Value> = sim
        .events(&sandbox)
        .await
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [json!("whatsapp_inbound"), json!("whatsapp_inbound")]
    );
}

#[tokio::test]
async fn marking_read_refuses_unknown_or_outbound_ids_and_bad_values() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(51).await;
    let inbound = open_window(&sim, &sandbox, ALICE).await;
    let sent = assert_sent(
        &post(
            &sim,
            &sandbox,
            &message(ALICE, "text", json!({ "body": "x" })),
        )
        .await,
        ALICE,
        ALICE,
    );
    let read =
        |id: &str| json!({ "messaging_product": "whatsapp", "status": "read", "message_id": id });
    for id in ["wamid.HBgLMTU1NTAxMDk5OTkVAgASGBQzQTk5", sent.as_str()] {
        assert_param_error(
            &post(&sim, &sandbox, &read(id)).await,
            &format!(
                "Invalid parameter: message_id {id} is not a message this phone number received"
            ),
        );
    }
    assert_param_error(
        &post(
            &sim,
            &sandbox,
            &json!({ "messaging_product": "whatsapp", "status": "read" }),
        )
        .await,
        "The parameter message_id is required",
    );
    let mut body = read(&inbound);
    body["status"] = json!("delivered");
    assert_param_error(
        &post(&sim, &sandbox, &body).await,
        "Param status must be one of {read} - got \"delivered\".",
    );
    let mut body = read(&inbound);
    body["typing_indicator"] = json!({ "type": "audio" });
    assert_param_error(
        &post(&sim, &sandbox, &body).await,
        "Param typing_indicator['type'] must be one of {text}.",
    );
    let mut body = read(&inbound);
    body.as_object_mut().unwrap().remove("messaging_product");
    assert_param_error(
        &post(&sim, &sandbox, &body).await,
        "The parameter messaging_product is required",
    );
}

#[tokio::test]
async fn another_number_cannot_mark_a_message_read() {
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"][0]["phone_numbers"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "second", "display_phone_number": "+1 555-010-0002",
            "verified_name": "Lucky Shrub Support", "registered": true,
        }));
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 52, "fixture": fixture }))
        .await;
    let inbound = open_window(&sim, &sandbox, ALICE).await;
    let second = sandbox.id_of("second");
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{second}/messages"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({ "messaging_product": "whatsapp", "status": "read", "message_id": inbound })),
        )
        .await;
    assert_param_error(
        &reply,
        &format!(
            "Invalid parameter: message_id {inbound} is not a message this phone number received"
        ),
    );
    // The window is per business number too.
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{second}/messages"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&message(ALICE, "text", json!({ "body": "From support" }))),
        )
        .await;
    let id = assert_sent(&reply, ALICE, ALICE);
    assert_failure(
        &failure(&sim, &sandbox, &id).await,
        131047,
        "Re-engagement message",
        REENGAGEMENT,
    );
}

// --- sender, permissions ---

#[tokio::test]
async fn an_unregistered_sender_gets_133010() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(60).await;
    let pn = phone(&sandbox);
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{pn}/deregister"))
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    for body in [
        message(ALICE, "text", json!({ "body": "x" })),
        message(ALICE, "template", template("hello_world", &[])),
    ] {
        assert_whatsapp_error(
            &post(&sim, &sandbox, &body).await,
            400,
            133010,
            "Phone number Not Registered",
            "The sender phone number is not registered with the WhatsApp Cloud API. Register it with POST /{phone-number-id}/register.",
        );
    }
    assert!(sim.events(&sandbox).await.is_empty());
    // Registered again, it sends.
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{pn}/register"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({ "messaging_product": "whatsapp", "pin": "123456" })),
        )
        .await;
    reply.ok();
    let body = message(ALICE, "template", template("hello_world", &[]));
    assert_template_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
}

/// Mint a token of the demo system user with these scopes; returns it.
async fn mint(sim: &Sim, sandbox: &Sandbox, handle: &str, scopes: &[&str]) -> String {
    let minted = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": handle, "subject": "system_user", "app": "app", "scopes": scopes }),
        )
        .await;
    assert_eq!(minted.status, 201, "{}", minted.text());
    minted.json["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sending_needs_whatsapp_business_messaging() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(61).await;
    let manage_only = mint(
        &sim,
        &sandbox,
        "manage_only",
        &["whatsapp_business_management", "business_management"],
    )
    .await;
    let body = message(ALICE, "template", template("hello_world", &[]));
    for token in [manage_only.as_str(), sandbox.token("user_token")] {
        let reply = post_as(&sim, &sandbox, token, &body).await;
        let error = reply.assert_error(403, 200, None, "OAuthException");
        assert_eq!(reply.message(), "(#200) Permissions error");
        assert_eq!(
            error["error_data"],
            json!({
                "messaging_product": "whatsapp",
                "details": "The access token is missing the whatsapp_business_messaging permission",
            })
        );
    }
    // Mark as read too.
    let inbound = open_window(&sim, &sandbox, ALICE).await;
    let read = json!({ "messaging_product": "whatsapp", "status": "read", "message_id": inbound });
    post_as(&sim, &sandbox, &manage_only, &read)
        .await
        .assert_error(403, 200, None, "OAuthException");
    assert_eq!(
        sim.events(&sandbox).await.len(),
        1,
        "only the inbound message"
    );
    // The messaging permission alone is enough to send and mark read, though
    // not to read the number.
    let send_only = mint(
        &sim,
        &sandbox,
        "send_only",
        &["whatsapp_business_messaging"],
    )
    .await;
    assert_template_sent(
        &post_as(&sim, &sandbox, &send_only, &body).await,
        ALICE,
        ALICE,
    );
    assert_eq!(
        post_as(&sim, &sandbox, &send_only, &read).await.ok(),
        &json!({ "success": true })
    );
    let reply = sim
        .get_as(&send_only, &format!("/{V}/{}", phone(&sandbox)))
        .await;
    reply.assert_error(403, 200, None, "OAuthException");
}

#[tokio::test]
async fn messaging_targets_limit_the_numbers_a_token_sends_from() {
    let mut fixture = demo_fixture();
    fixture["whatsapp_business_accounts"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "handle": "waba2", "name": "Other brand", "business": "business",
            "phone_numbers": [{
                "handle": "phone2", "display_phone_number": "+1 555-010-0003",
                "verified_name": "Other brand", "registered": true,
            }],
        }));
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 62, "fixture": fixture }))
        .await;
    let phone2 = sandbox.id_of("phone2");
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{phone2}/messages"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&message(ALICE, "template", template("hello_world", &[]))),
        )
        .await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(reply.message(), unsupported("post", phone2));
    assert!(sim.events(&sandbox).await.is_empty());
}

// --- throughput and pair limits ---

async fn limited_sandbox(sim: &Sim, seed: u64) -> Sandbox {
    sim.create_sandbox(json!({
        "seed": seed,
        "messaging_limits": { "throughput_per_second": 3, "pair_burst": 2, "pair_interval_seconds": 6 },
    }))
    .await
}

#[track_caller]
fn assert_throughput(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        400,
        130429,
        "Rate limit hit",
        "Cloud API message throughput has been reached for this phone number.",
    );
}

#[track_caller]
fn assert_pair_limit(reply: &Reply) {
    assert_whatsapp_error(
        reply,
        400,
        131056,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from this phone number to the same recipient in a short period of time.",
    );
}

#[tokio::test]
async fn throughput_per_second_answers_130429_until_the_next_second() {
    let sim = Sim::start().await;
    let sandbox = limited_sandbox(&sim, 70).await;
    let hello = |to: &str| message(to, "template", template("hello_world", &[]));
    // Three a second, to anyone (even numbers nobody has).
    for to in [ALICE, BOB, "15550107777"] {
        post(&sim, &sandbox, &hello(to)).await.ok();
    }
    assert_throughput(&post(&sim, &sandbox, &hello("15550106666")).await);
    // Free-form messages count the same way.
    assert_throughput(
        &post(
            &sim,
            &sandbox,
            &message(ALICE, "text", json!({ "body": "x" })),
        )
        .await,
    );
    sim.advance(&sandbox, 1).await;
    post(&sim, &sandbox, &hello("15550106666")).await.ok();
    post(
        &sim,
        &sandbox,
        &message("15550105555", "text", json!({ "body": "x" })),
    )
    .await
    .ok();
    post(&sim, &sandbox, &hello("15550104444")).await.ok();
    assert_throughput(&post(&sim, &sandbox, &hello("15550103333")).await);
    // A refused send sends nothing: 6 messages, 2 statuses or 1 failure each.
    let events = sim.events(&sandbox).await;
    let ids: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 6);
    // The limits are part of the sandbox's description.
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(
        info.ok()["options"]["messaging_limits"],
        json!({ "throughput_per_second": 3, "pair_burst": 2, "pair_interval_seconds": 6 })
    );
}

#[tokio::test]
async fn the_pair_limit_answers_131056_and_recovers_on_the_clock() {
    let sim = Sim::start().await;
    let sandbox = limited_sandbox(&sim, 71).await;
    let hello = |to: &str| message(to, "template", template("hello_world", &[]));
    // A burst of two to Alice…
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    sim.advance(&sandbox, 1).await;
    // …then one more every 6 seconds; others are not affected.
    assert_pair_limit(&post(&sim, &sandbox, &hello(ALICE)).await);
    post(&sim, &sandbox, &hello(BOB)).await.ok();
    sim.advance(&sandbox, 4).await;
    assert_pair_limit(&post(&sim, &sandbox, &hello(ALICE)).await);
    sim.advance(&sandbox, 1).await;
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    assert_pair_limit(&post(&sim, &sandbox, &hello(ALICE)).await);
    // A late send does not delay the next one: due at 12 s and taken at
    // 14 s, the next is due at 18 s.
    sim.advance(&sandbox, 8).await;
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    sim.advance(&sandbox, 3).await;
    assert_pair_limit(&post(&sim, &sandbox, &hello(ALICE)).await);
    sim.advance(&sandbox, 1).await;
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    // A long pause refills the burst, and no more.
    sim.advance(&sandbox, 3600).await;
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    post(&sim, &sandbox, &hello(ALICE)).await.ok();
    sim.advance(&sandbox, 1).await;
    assert_pair_limit(&post(&sim, &sandbox, &hello(ALICE)).await);
    let delivered = sim.inbox(&sandbox, ALICE).await.len();
    assert_eq!(delivered, 7);
}

#[tokio::test]
async fn limits_of_zero_are_off() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({
            "seed": 72,
            "messaging_limits": { "throughput_per_second": 0, "pair_burst": 0 },
        }))
        .await;
    let hello = message(ALICE, "template", template("hello_world", &[]));
    for _ in 0..100 {
        post(&sim, &sandbox, &hello).await.ok();
    }
    // Unknown members of the limits are refused.
    let reply = sim
        .post_json(
            "/_sim/sandboxes",
            &json!({ "messaging_limits": { "per_minute": 1 } }),
        )
        .await;
    reply.assert_sim_error(400, None);
}

#[tokio::test]
async fn default_limits_allow_a_burst_of_20_to_one_consumer() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(73).await;
    let hello = message(ALICE, "template", template("hello_world", &[]));
    for _ in 0..20 {
        post(&sim, &sandbox, &hello).await.ok();
    }
    assert_pair_limit(&post(&sim, &sandbox, &hello).await);
    sim.advance(&sandbox, 6).await;
    post(&sim, &sandbox, &hello).await.ok();
    // 80 a second per number.
    sim.advance(&sandbox, 1).await;
    for i in 0..79 {
        let to = format!("1555020{i:04}");
        post(
            &sim,
            &sandbox,
            &message(&to, "template", template("hello_world", &[])),
        )
        .await
        .ok();
    }
    post(
        &sim,
        &sandbox,
        &message(BOB, "template", template("hello_world", &[])),
    )
    .await
    .ok();
    assert_throughput(
        &post(
            &sim,
            &sandbox,
            &message(BOB, "template", template("hello_world", &[])),
        )
        .await,
    );
}

// --- determinism ---

/// A conversation: inbound, replies of several kinds, a template, a failure, reads.
async fn conversation(sim: &Sim, sandbox: &Sandbox) -> Vec<String> {
    let mut ids = vec![open_window(sim, sandbox, ALICE).await];
    for body in [
        message(ALICE, "text", json!({ "body": "Hello" })),
        message(
            ALICE,
            "image",
            json!({ "link": "https://luckyshrub.example/a.jpg" }),
        ),
        message(BOB, "text", json!({ "body": "Outside the window" })),
        message(BOB, "template", template("order_update", &["Bob", "B-2"])),
        message("15550107777", "template", template("hello_world", &[])),
    ] {
        let reply = post(sim, sandbox, &body).await;
        ids.push(reply.ok()["messages"][0]["id"].as_str().unwrap().to_owned());
    }
    sim.advance(sandbox, 30).await;
    ids.push(
        sim.inbound(
            sandbox,
            BOB,
            phone(sandbox),
            json!({ "type": "image", "image": { "caption": "my plant" } }),
        )
        .await,
    );
    reads_everything(sim, sandbox, ALICE).await;
    ids
}

#[tokio::test]
async fn the_same_seed_and_requests_give_the_same_wamids_and_events() {
    let sim = Sim::start().await;
    let a = sim.demo(80).await;
    let b = sim.demo(80).await;
    let c = sim.demo(81).await;
    let ids_a = conversation(&sim, &a).await;
    let ids_b = conversation(&sim, &b).await;
    let ids_c = conversation(&sim, &c).await;
    assert_eq!(ids_a, ids_b);
    assert_eq!(sim.events(&a).await, sim.events(&b).await);
    assert_eq!(sim.inbox(&a, ALICE).await, sim.inbox(&b, ALICE).await);
    // Another seed draws other wamids; all are distinct.
    for (x, y) in ids_a.iter().zip(&ids_c) {
        assert_ne!(x, y);
    }
    let distinct: std::collections::BTreeSet<&String> = ids_a.iter().collect();
    assert_eq!(distinct.len(), ids_a.len());
    for id in &ids_a {
        assert_wamid(id);
    }
    // A reset sandbox replays to the same values.
    let reset = sim.post_json(&a.sim("/reset"), &json!({})).await;
    reset.ok();
    assert!(sim.events(&a).await.is_empty());
    assert_eq!(conversation(&sim, &a).await, ids_b);
    assert_eq!(sim.events(&a).await, sim.events(&b).await);
}
