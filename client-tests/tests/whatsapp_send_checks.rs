//! The checks Meta makes on a send beyond its shape: every template
//! parameter carries its value (`Parameter 'text' is mandatory…`), named
//! templates name their parameters, a number cannot message itself (131021),
//! a WABA without a payment method cannot send business-initiated messages
//! (131042, shown as 141006 in `health_status`), a consumer gets at most so
//! many marketing templates a day (131049, `messaging_limits`), and
//! `phone_number_id` on a media call must be a business phone number.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, json, unsupported};
use reqwest::Method;

/// Send a template to `to` and expect it `sent`, then `delivered`.
async fn delivered_template(sim: &Sim, sandbox: &Sandbox, to: &str, body: &serde_json::Value) {
    let id = assert_template_sent(&post(sim, sandbox, body).await, to, to);
    assert_eq!(status_names(sim, sandbox, &id).await, ["sent", "delivered"]);
}

#[track_caller]
fn assert_invalid_parameter(reply: &Reply, details: &str) {
    reply.assert_error(400, 100, None, "OAuthException");
    assert_eq!(reply.message(), "(#100) Invalid parameter");
    assert_eq!(
        reply.error()["error_data"],
        json!({ "messaging_product": "whatsapp", "details": details })
    );
}

#[tokio::test]
async fn template_parameters_must_carry_their_values() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(81).await;
    let send = |parameters: serde_json::Value| {
        message(
            ALICE,
            "template",
            json!({ "name": "order_update", "language": { "code": "en_US" },
                    "components": [{ "type": "body", "parameters": parameters }] }),
        )
    };
    let no_text = send(json!([{ "type": "text" }, { "type": "text", "text": "A-1" }]));
    assert_invalid_parameter(
        &post(&sim, &sandbox, &no_text).await,
        "Parameter 'text' is mandatory for component parameter type 'text'",
    );
    let empty = send(json!([{ "type": "text", "text": "" }, { "type": "text", "text": "A-1" }]));
    assert_invalid_parameter(
        &post(&sim, &sandbox, &empty).await,
        "Parameter 'text' is mandatory for component parameter type 'text'",
    );
    let no_currency = send(json!([{ "type": "currency" }, { "type": "text", "text": "A-1" }]));
    assert_invalid_parameter(
        &post(&sim, &sandbox, &no_currency).await,
        "Parameter 'currency' is mandatory for component parameter type 'currency'",
    );
    // Nothing was sent.
    assert!(sim.events(&sandbox).await.is_empty());
    // A named template needs every parameter's name.
    let created = sim
        .send(
            sim.request(
                Method::POST,
                &format!("/{V}/{}/message_templates", sandbox.id_of("waba")),
            )
            .bearer_auth(sandbox.token(MANAGER))
            .json(
                &json!({ "name": "greeting", "language": "en_US", "category": "UTILITY",
                               "components": [{ "type": "BODY", "text": "Hi {{first_name}}!" }] }),
            ),
        )
        .await;
    created.ok();
    sim.advance(&sandbox, 60).await;
    let unnamed = message(
        ALICE,
        "template",
        json!({ "name": "greeting", "language": { "code": "en_US" },
                "components": [{ "type": "body", "parameters": [{ "type": "text", "text": "Alice" }] }] }),
    );
    assert_invalid_parameter(
        &post(&sim, &sandbox, &unnamed).await,
        "Parameter name is missing or empty",
    );
}

#[tokio::test]
async fn a_number_cannot_message_itself() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(82).await;
    let to_self = message("+1 555-010-0001", "text", json!({ "body": "Hello me" }));
    let reply = post(&sim, &sandbox, &to_self).await;
    assert_whatsapp_error(
        &reply,
        400,
        131021,
        "Recipient cannot be sender",
        "The recipient's phone number is the sending business phone number itself.",
    );
}

async fn billing(sim: &Sim, sandbox: &Sandbox, attached: bool) {
    let path = sandbox.sim(&format!(
        "/whatsapp/wabas/{}/billing",
        sandbox.id_of("waba")
    ));
    let reply = sim
        .post_json(&path, &json!({ "payment_method": attached }))
        .await;
    assert_eq!(
        reply.ok(),
        &json!({ "waba_id": sandbox.id_of("waba"), "payment_method": attached })
    );
    assert_eq!(sim.get(&path).await.ok()["payment_method"], attached);
}

#[tokio::test]
async fn without_a_payment_method_business_initiated_messages_fail_with_131042() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(83).await;
    billing(&sim, &sandbox, false).await;
    let update = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    let id = assert_template_sent(&post(&sim, &sandbox, &update).await, ALICE, ALICE);
    assert_failure(
        &failure(&sim, &sandbox, &id).await,
        131042,
        "Business eligibility payment issue",
        "Message failed to send because there were one or more errors related to your payment method.",
    );
    let health = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{}?fields=health_status", sandbox.id_of("waba")),
        )
        .await;
    let health = &health.ok()["health_status"];
    assert_eq!(health["can_send_message"], "BLOCKED");
    assert_eq!(health["entities"][0]["errors"][0]["error_code"], 141006);
    // Free messages inside the window still go.
    open_window(&sim, &sandbox, ALICE).await;
    let free = assert_sent(
        &post(
            &sim,
            &sandbox,
            &message(ALICE, "text", json!({ "body": "Hi" })),
        )
        .await,
        ALICE,
        ALICE,
    );
    assert_eq!(
        status_names(&sim, &sandbox, &free).await,
        ["sent", "delivered"]
    );
    delivered_template(&sim, &sandbox, ALICE, &update).await;
    // With a payment method again, business-initiated messages go.
    billing(&sim, &sandbox, true).await;
    let sale = message(BOB, "template", template("spring_sale", &["20%"]));
    delivered_template(&sim, &sandbox, BOB, &sale).await;
    let unknown = sim
        .post_json(
            &sandbox.sim("/whatsapp/wabas/1/billing"),
            &json!({ "payment_method": true }),
        )
        .await;
    unknown.assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn marketing_templates_are_capped_per_consumer_and_day() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(84).await;
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    for _ in 0..2 {
        delivered_template(&sim, &sandbox, ALICE, &sale).await;
        sim.advance(&sandbox, 60).await;
    }
    let capped = assert_template_sent(&post(&sim, &sandbox, &sale).await, ALICE, ALICE);
    assert_failure(
        &failure(&sim, &sandbox, &capped).await,
        131049,
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    );
    // Other categories and other consumers are not capped; a day later Alice is not.
    let update = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    delivered_template(&sim, &sandbox, ALICE, &update).await;
    sim.advance(&sandbox, 24 * 3600).await;
    delivered_template(&sim, &sandbox, ALICE, &sale).await;

    // The cap is the sandbox's to choose; 0 turns it off.
    let strict = sim
        .create_sandbox(json!({ "seed": 85, "messaging_limits": { "marketing_per_consumer": 1, "marketing_window_seconds": 600 } }))
        .await;
    delivered_template(&sim, &strict, ALICE, &sale).await;
    let second = assert_template_sent(&post(&sim, &strict, &sale).await, ALICE, ALICE);
    assert_eq!(failure(&sim, &strict, &second).await["code"], 131049);
    sim.advance(&strict, 600).await;
    delivered_template(&sim, &strict, ALICE, &sale).await;
    let info = sim.get(&strict.sim("")).await;
    assert_eq!(
        info.ok()["options"]["messaging_limits"],
        json!({ "throughput_per_second": 80, "pair_burst": 20, "pair_interval_seconds": 6,
                "marketing_per_consumer": 1, "marketing_window_seconds": 600 })
    );
    let off = sim
        .create_sandbox(json!({ "seed": 86, "messaging_limits": { "marketing_per_consumer": 0 } }))
        .await;
    for _ in 0..4 {
        delivered_template(&sim, &off, ALICE, &sale).await;
        sim.advance(&off, 60).await;
    }
}

#[tokio::test]
async fn a_media_call_names_a_business_phone_number() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(87).await;
    let media = upload_media(&sim, &sandbox, "image/png", b"\x89PNG check").await;
    let waba = sandbox.id_of("waba");
    for method in [Method::GET, Method::DELETE] {
        let reply = sim
            .send(
                sim.request(
                    method.clone(),
                    &format!("/{V}/{media}?phone_number_id={waba}"),
                )
                .bearer_auth(sandbox.token(MANAGER)),
            )
            .await;
        reply.assert_error(400, 100, Some(33), "GraphMethodException");
        let verb = method.as_str().to_ascii_lowercase();
        assert_eq!(reply.message(), unsupported(&verb, waba));
    }
    let owned = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{media}?phone_number_id={}", phone(&sandbox)),
        )
        .await;
    assert_eq!(owned.ok()["id"], media.as_str());
}
