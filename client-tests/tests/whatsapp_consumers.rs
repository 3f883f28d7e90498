//! The WhatsApp consumers of the control plane, over HTTP: creating them
//! (`POST /_sim/sandboxes/{sid}/whatsapp/consumers`, 201 / 409 / 400), reading
//! them with their business-scoped user ids, sending inbound messages of every
//! type to a business number (201 with the wamid, and a `whatsapp_inbound`
//! event in the domain event log), the refusals (unknown or unregistered
//! number, unknown, blocked or non-WhatsApp consumer, malformed message), the
//! inbox, reading, blocking and stopping marketing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use client_tests::whatsapp::{ALICE, BOB, BUSINESS_DIGITS, MANAGER, T0, bsuid, phone};
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;

fn consumers(sandbox: &Sandbox) -> String {
    sandbox.sim("/whatsapp/consumers")
}

fn consumer(sandbox: &Sandbox, digits: &str, rest: &str) -> String {
    sandbox.sim(&format!("/whatsapp/consumers/{digits}{rest}"))
}

/// An inbound message that is refused: status, subcode and exact message.
async fn refused_inbound(
    sim: &Sim,
    sandbox: &Sandbox,
    digits: &str,
    body: Value,
    status: u16,
    subcode: Option<i64>,
    message: &str,
) {
    let reply = sim
        .post_json(&consumer(sandbox, digits, "/messages"), &body)
        .await;
    assert_eq!(reply.assert_sim_error(status, subcode), message, "{body}");
}

/// The last domain event.
async fn last_event(sim: &Sim, sandbox: &Sandbox) -> Value {
    sim.events(sandbox).await.pop().expect("an event")
}

#[track_caller]
fn assert_bsuid(user_id: &str) {
    let (country, digits) = user_id.split_once('.').expect("CC.digits");
    assert_eq!(country, "US", "{user_id}");
    assert_eq!(digits.len(), 19, "{user_id}");
    assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{user_id}");
}

// --- creating and reading consumers ---

#[tokio::test]
async fn consumers_are_created_with_a_bsuid_per_portfolio() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(100).await;
    let business = sandbox.id_of("business");
    let reply = sim
        .post_json(
            &consumers(&sandbox),
            &json!({ "phone": "+1 (555) 010-7777", "name": "Carla Diaz", "username": "carla.diaz" }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let user_id = reply.json["user_ids"][business]
        .as_str()
        .unwrap()
        .to_owned();
    assert_bsuid(&user_id);
    let carla = json!({
        "phone": "15550107777",
        "wa_id": "15550107777",
        "name": "Carla Diaz",
        "username": "carla.diaz",
        "on_whatsapp": true,
        "user_ids": { business: user_id },
        "parent_user_ids": {},
        "blocked_phone_numbers": [],
        "marketing_opt_out_businesses": [],
        "marketing_experiment": false,
    });
    assert_eq!(reply.json, carla);
    // Read back by digits (formatting ignored), and in the list by phone.
    assert_eq!(
        sim.get(&consumer(&sandbox, "15550107777", "")).await.ok(),
        &carla
    );
    assert_eq!(
        sim.get(&consumer(&sandbox, "+1-555-010-7777", ""))
            .await
            .ok(),
        &carla
    );
    let list = sim.get(&consumers(&sandbox)).await;
    let phones: Vec<&Value> = list.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["phone"])
        .collect();
    assert_eq!(phones, ["15550107777", BOB, "15550109000", ALICE]);
    // The fixture's consumers have theirs too, all different.
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    let bob = bsuid(&sim, &sandbox, BOB).await;
    assert_bsuid(&alice);
    assert!(alice != bob && bob != user_id && alice != user_id);
    // A minimal consumer: on WhatsApp, no name, no username.
    let reply = sim
        .post_json(&consumers(&sandbox), &json!({ "phone": "447700900123" }))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json["name"], Value::Null);
    assert_eq!(reply.json["username"], Value::Null);
    assert_eq!(reply.json["on_whatsapp"], true);
    assert!(
        reply.json["user_ids"][business]
            .as_str()
            .unwrap()
            .starts_with("GB."),
        "{}",
        reply.text()
    );
    let reply = sim
        .post_json(
            &consumers(&sandbox),
            &json!({ "phone": "15550106666", "on_whatsapp": false, "username": "@no.app" }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json["on_whatsapp"], false);
    assert_eq!(reply.json["username"], "@no.app");
}

#[tokio::test]
async fn bsuids_are_stable_for_a_seed() {
    let sim = Sim::start().await;
    let a = sim.demo(101).await;
    let b = sim.demo(101).await;
    let c = sim.demo(102).await;
    assert_eq!(bsuid(&sim, &a, ALICE).await, bsuid(&sim, &b, ALICE).await);
    assert_ne!(bsuid(&sim, &a, ALICE).await, bsuid(&sim, &c, ALICE).await);
}

#[tokio::test]
async fn creating_refuses_duplicates_bad_phones_and_bad_usernames() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(103).await;
    let create = |body: Value| {
        let sim = &sim;
        let path = consumers(&sandbox);
        async move { sim.post_json(&path, &body).await }
    };
    let reply = create(json!({ "phone": "+1 555 010 9999" })).await;
    assert_eq!(
        reply.assert_sim_error(409, None),
        "(#100) A consumer with phone 15550109999 already exists"
    );
    for phone in ["1234567", "1234567890123456", "", "phone"] {
        let reply = create(json!({ "phone": phone })).await;
        assert_eq!(
            reply.assert_sim_error(400, None),
            format!("(#100) phone: {phone:?} is not an E.164 number (8 to 15 digits)")
        );
    }
    for username in ["ab", ".ana", "ana.", "a..b", "Ana", "123", "ana-diaz", "@x"] {
        let reply = create(json!({ "phone": "15550107777", "username": username })).await;
        assert_eq!(
            reply.assert_sim_error(400, None),
            format!(
                "(#100) username: {username:?} is not a WhatsApp username (3-35 of a-z 0-9 . _, with a letter)"
            )
        );
    }
    // Malformed bodies.
    for body in [
        json!({}),
        json!({ "phone": "15550107777", "age": 30 }),
        json!({ "phone": 15550107777u64 }),
        json!({ "phone": "15550107777", "on_whatsapp": "yes" }),
    ] {
        create(body).await.assert_sim_error(400, None);
    }
    // None of them was created (the demo has three consumers).
    let list = sim.get(&consumers(&sandbox)).await;
    assert_eq!(list.ok()["data"].as_array().unwrap().len(), 3);
    // Unknown consumers and sandboxes.
    let reply = sim.get(&consumer(&sandbox, "15550107777", "")).await;
    assert_eq!(
        reply.assert_sim_error(404, Some(33)),
        "No WhatsApp consumer with phone \"15550107777\""
    );
    let reply = sim.get("/_sim/sandboxes/nope/whatsapp/consumers").await;
    reply.assert_sim_error(404, Some(33));
}

// --- inbound messages ---

/// Every inbound type, as the consumer sends it, and what the event shows.
fn inbound_types(outbound: &str) -> Vec<(Value, Value)> {
    let same = |m: Value| (m.clone(), m);
    vec![
        same(json!({ "type": "text", "text": { "body": "Do you ship to Oslo?" } })),
        (
            json!({ "type": "button", "button": { "payload": "STOP", "text": "Stop promotions" },
                    "context": { "message_id": outbound } }),
            json!({ "type": "button", "button": { "payload": "STOP", "text": "Stop promotions" },
                    "context": { "from": BUSINESS_DIGITS, "id": outbound } }),
        ),
        (
            json!({ "type": "interactive", "interactive": {
                        "type": "button_reply", "button_reply": { "id": "keep", "title": "Keep" } },
                    "context": { "id": outbound } }),
            json!({ "type": "interactive", "interactive": {
                        "type": "button_reply", "button_reply": { "id": "keep", "title": "Keep" } },
                    "context": { "from": BUSINESS_DIGITS, "id": outbound } }),
        ),
        same(json!({ "type": "interactive", "interactive": {
            "type": "list_reply",
            "list_reply": { "id": "express", "title": "Express", "description": "1-2 days" } } })),
        same(json!({ "type": "image", "image": {
            "id": "1234567890", "mime_type": "image/png", "sha256": "abc", "caption": "My plant" } })),
        same(json!({ "type": "location", "location": {
            "latitude": 59.9139, "longitude": 10.7522, "name": "Oslo", "address": "Karl Johans gate 1" } })),
        same(
            json!({ "type": "reaction", "reaction": { "message_id": outbound, "emoji": "\u{2764}\u{fe0f}" } }),
        ),
        same(json!({ "type": "reaction", "reaction": { "message_id": outbound, "emoji": "" } })),
        same(json!({ "type": "contacts", "contacts": [{
            "name": { "formatted_name": "Ana Diaz", "first_name": "Ana" },
            "phones": [{ "phone": "+1 555 010 7777", "wa_id": "15550107777", "type": "CELL" }] }] })),
        (
            json!({ "type": "text", "text": { "body": "Quoting" }, "context": { "message_id": outbound } }),
            json!({ "type": "text", "text": { "body": "Quoting" }, "context": { "from": BUSINESS_DIGITS, "id": outbound } }),
        ),
    ]
}

#[tokio::test]
async fn inbound_messages_of_every_type_become_events() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(110).await;
    let pn = phone(&sandbox).to_owned();
    let user_id = bsuid(&sim, &sandbox, ALICE).await;
    // Something the business sent, to reply and react to.
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{pn}/messages"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({
                    "messaging_product": "whatsapp", "to": ALICE, "type": "template",
                    "template": { "name": "hello_world", "language": { "code": "en_US" } },
                })),
        )
        .await;
    let outbound = reply.ok()["messages"][0]["id"].as_str().unwrap().to_owned();
    for (sent, shown) in inbound_types(&outbound) {
        let id = sim.inbound(&sandbox, ALICE, &pn, sent.clone()).await;
        assert!(id.starts_with("wamid.HBgL"), "{id}");
        let event = last_event(&sim, &sandbox).await;
        assert_eq!(
            event,
            json!({
                "seq": event["seq"],
                "time": T0,
                "kind": "whatsapp_inbound",
                "waba_id": sandbox.id_of("waba"),
                "phone_number_id": pn,
                "message_id": id,
                "from": ALICE,
                "from_user_id": user_id,
                "profile_name": "Alice Rivera",
                "message": shown,
            }),
            "{sent}"
        );
    }
    // Inbound messages are not in the consumer's own inbox.
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["id"], outbound);
}

#[tokio::test]
async fn inbound_media_without_an_id_gets_one() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(111).await;
    let pn = phone(&sandbox).to_owned();
    for (kind, mime) in [
        ("image", "image/jpeg"),
        ("video", "video/mp4"),
        ("audio", "audio/ogg; codecs=opus"),
        ("document", "application/pdf"),
        ("sticker", "image/webp"),
    ] {
        let mut message = json!({ "type": kind });
        message[kind] = json!({ "caption": "c" });
        sim.inbound(&sandbox, BOB, &pn, message).await;
        let event = last_event(&sim, &sandbox).await;
        let media = event["message"][kind].as_object().unwrap();
        let id = media["id"].as_str().unwrap();
        assert!(
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
        assert_eq!(media["mime_type"], mime);
        // Inbound webhooks carry the SHA-256 in base64, as Meta's do.
        let sha = media["sha256"].as_str().unwrap();
        assert_eq!(STANDARD.decode(sha).map(|d| d.len()), Ok(32), "{sha}");
        assert_eq!(media["caption"], "c");
        let flag = match kind {
            "audio" => Some("voice"),
            "sticker" => Some("animated"),
            _ => None,
        };
        if let Some(flag) = flag {
            assert_eq!(media[flag], false, "{media:?}");
        }
        assert_eq!(media.len(), 4 + usize::from(flag.is_some()), "{media:?}");
    }
    // Names given are kept.
    let message = json!({ "type": "document", "document": { "id": "77", "filename": "a.pdf", "mime_type": "text/plain" } });
    sim.inbound(&sandbox, BOB, &pn, message).await;
    let event = last_event(&sim, &sandbox).await;
    assert_eq!(event["message"]["document"]["id"], "77");
    assert_eq!(event["message"]["document"]["mime_type"], "text/plain");
    assert_eq!(event["message"]["document"]["filename"], "a.pdf");
}

#[tokio::test]
async fn malformed_inbound_messages_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(112).await;
    let pn = phone(&sandbox).to_owned();
    let cases = [
        (
            json!({ "type": "text", "text": { "body": "x" } }),
            "(#100) to (a business phone number id) is required",
        ),
        (
            json!({ "to": pn, "text": { "body": "x" } }),
            "(#100) type is required",
        ),
        (
            json!({ "to": pn, "type": "text" }),
            "(#100) text is required for a text message",
        ),
        (
            json!({ "to": pn, "type": "text", "text": {} }),
            "(#100) text.body is required",
        ),
        (
            json!({ "to": pn, "type": "button", "button": { "text": "Stop" } }),
            "(#100) button.payload is required",
        ),
        (
            json!({ "to": pn, "type": "location", "location": { "latitude": 1 } }),
            "(#100) location.longitude is required",
        ),
        (
            json!({ "to": pn, "type": "reaction", "reaction": { "emoji": "x" } }),
            "(#100) reaction.message_id is required",
        ),
        (
            json!({ "to": pn, "type": "interactive", "interactive": { "type": "nfm_reply" } }),
            "(#100) interactive.type must be button_reply or list_reply",
        ),
        (
            json!({ "to": pn, "type": "interactive", "interactive": { "type": "list_reply" } }),
            "(#100) interactive.list_reply is required",
        ),
        (
            json!({ "to": pn, "type": "contacts", "contacts": [] }),
            "(#100) contacts must be a non-empty array of contacts",
        ),
        (
            json!({ "to": pn, "type": "image", "image": "https://a.example/a.jpg" }),
            "(#100) image must be an object",
        ),
        (
            json!({ "to": pn, "type": "order", "order": {} }),
            "(#100) type \"order\": use text, button, interactive, image, video, audio, document, sticker, location, reaction or contacts",
        ),
    ];
    for (body, message) in cases {
        refused_inbound(&sim, &sandbox, ALICE, body, 400, None, message).await;
    }
    let reply = sim
        .send(
            sim.request(Method::POST, &consumer(&sandbox, ALICE, "/messages"))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    reply.assert_sim_error(400, None);
    assert!(sim.events(&sandbox).await.is_empty());
}

#[tokio::test]
async fn inbound_messages_need_a_registered_number_and_a_reachable_consumer() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(113).await;
    let pn = phone(&sandbox).to_owned();
    let text = |to: &str| json!({ "to": to, "type": "text", "text": { "body": "hi" } });
    refused_inbound(
        &sim,
        &sandbox,
        "15550107777",
        text(&pn),
        404,
        Some(33),
        "No WhatsApp consumer with phone \"15550107777\"",
    )
    .await;
    refused_inbound(
        &sim,
        &sandbox,
        ALICE,
        text("123456789012345"),
        404,
        Some(33),
        "No business phone number with id \"123456789012345\"",
    )
    .await;
    // Not a phone number at all.
    let waba = sandbox.id_of("waba").to_owned();
    refused_inbound(
        &sim,
        &sandbox,
        ALICE,
        text(&waba),
        404,
        Some(33),
        &format!("No business phone number with id \"{waba}\""),
    )
    .await;
    // A consumer without WhatsApp sends nothing.
    let created = sim
        .post_json(
            &consumers(&sandbox),
            &json!({ "phone": "15550107777", "on_whatsapp": false }),
        )
        .await;
    assert_eq!(created.status, 201);
    refused_inbound(
        &sim,
        &sandbox,
        "15550107777",
        text(&pn),
        400,
        None,
        "(#100) 15550107777 is not on WhatsApp",
    )
    .await;
    // A consumer who blocked the number.
    let block = sim
        .post_json(
            &consumer(&sandbox, ALICE, "/block"),
            &json!({ "phone_number_id": pn, "blocked": true }),
        )
        .await;
    assert_eq!(block.ok(), &json!({ "success": true }));
    assert_eq!(
        sim.get(&consumer(&sandbox, ALICE, "")).await.json["blocked_phone_numbers"],
        json!([pn])
    );
    refused_inbound(
        &sim,
        &sandbox,
        ALICE,
        text(&pn),
        400,
        None,
        &format!("(#100) {ALICE} has blocked {pn}; unblock it first"),
    )
    .await;
    // An unregistered number receives nothing.
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{pn}/deregister"))
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    reply.ok();
    refused_inbound(
        &sim,
        &sandbox,
        BOB,
        text(&pn),
        400,
        None,
        &format!(
            "(#100) The business number {pn} is not registered with the Cloud API, so Meta would not deliver this message to it"
        ),
    )
    .await;
    assert!(sim.events(&sandbox).await.is_empty());
}

#[tokio::test]
async fn a_refused_inbound_message_draws_no_ids() {
    let sim = Sim::start().await;
    let a = sim.demo(114).await;
    let b = sim.demo(114).await;
    let pn = phone(&a).to_owned();
    assert_eq!(pn, phone(&b));
    // In `a`, Alice's blocked image is refused before anything is drawn.
    let block = sim
        .post_json(
            &consumer(&a, ALICE, "/block"),
            &json!({ "phone_number_id": pn }),
        )
        .await;
    block.ok();
    let image = json!({ "to": pn, "type": "image", "image": { "caption": "plant" } });
    let reply = sim
        .post_json(&consumer(&a, ALICE, "/messages"), &image)
        .await;
    reply.assert_sim_error(400, None);
    let in_a = sim.inbound(&a, BOB, &pn, image.clone()).await;
    let in_b = sim.inbound(&b, BOB, &pn, image).await;
    assert_eq!(in_a, in_b);
    assert_eq!(sim.events(&a).await, sim.events(&b).await);
}

// --- inbox, read, block, marketing ---

#[tokio::test]
async fn the_inbox_lists_what_the_consumer_received_and_reading_marks_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(120).await;
    let pn = phone(&sandbox).to_owned();
    let send = |body: Value| {
        let sim = &sim;
        let path = format!("/{V}/{pn}/messages");
        let token = sandbox.token(MANAGER).to_owned();
        async move {
            let reply = sim
                .send(
                    sim.request(Method::POST, &path)
                        .bearer_auth(token)
                        .json(&body),
                )
                .await;
            reply.ok()["messages"][0]["id"].as_str().unwrap().to_owned()
        }
    };
    assert!(sim.inbox(&sandbox, ALICE).await.is_empty());
    sim.inbound(
        &sandbox,
        ALICE,
        &pn,
        json!({ "type": "text", "text": { "body": "hi" } }),
    )
    .await;
    sim.advance(&sandbox, 90).await;
    let text = send(json!({
        "messaging_product": "whatsapp", "to": ALICE, "type": "text", "text": { "body": "Hello Alice" },
    }))
    .await;
    let image = send(json!({
        "messaging_product": "whatsapp", "to": ALICE, "type": "image",
        "image": { "link": "https://luckyshrub.example/a.jpg" },
    }))
    .await;
    // To Bob, outside his window: failed, so not in his inbox.
    send(json!({
        "messaging_product": "whatsapp", "to": BOB, "type": "text", "text": { "body": "Hello Bob" },
    }))
    .await;
    assert!(sim.inbox(&sandbox, BOB).await.is_empty());
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert_eq!(
        inbox,
        [
            json!({
                "id": text, "from": BUSINESS_DIGITS, "from_name": "Lucky Shrub",
                "verified": false, "phone_number_id": pn, "type": "text", "text": "Hello Alice",
                "message": { "type": "text", "text": { "body": "Hello Alice" } },
                "time": T0 + 90, "iso": "2026-01-01T00:01:30Z", "status": "delivered",
            }),
            json!({
                "id": image, "from": BUSINESS_DIGITS, "from_name": "Lucky Shrub",
                "verified": false, "phone_number_id": pn, "type": "image", "text": null,
                "message": { "type": "image", "image": { "link": "https://luckyshrub.example/a.jpg" } },
                "time": T0 + 90, "iso": "2026-01-01T00:01:30Z", "status": "delivered",
            }),
        ]
    );
    // Read one by id (unknown ids are ignored), then everything.
    let read = sim
        .post_json(
            &consumer(&sandbox, ALICE, "/read"),
            &json!({ "message_ids": [image, "wamid.unknown"] }),
        )
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 1 }));
    let statuses: Vec<Value> = sim
        .inbox(&sandbox, ALICE)
        .await
        .iter()
        .map(|m| m["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("delivered"), json!("read")]);
    let read = sim
        .send(sim.request(Method::POST, &consumer(&sandbox, ALICE, "/read")))
        .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 1 }));
    let event = last_event(&sim, &sandbox).await;
    assert_eq!(event["kind"], "whatsapp_status");
    assert_eq!(event["status"], "read");
    assert_eq!(event["message_id"], text);
    // Unknown consumer, bad body.
    let reply = sim
        .post_json(&consumer(&sandbox, "15550107777", "/read"), &json!({}))
        .await;
    reply.assert_sim_error(404, Some(33));
    let reply = sim.get(&consumer(&sandbox, "15550107777", "/inbox")).await;
    assert_eq!(
        reply.assert_sim_error(404, Some(33)),
        "No WhatsApp consumer with phone \"15550107777\""
    );
    let reply = sim
        .post_json(
            &consumer(&sandbox, ALICE, "/read"),
            &json!({ "message_ids": "all" }),
        )
        .await;
    reply.assert_sim_error(400, None);
}

#[tokio::test]
async fn block_and_marketing_need_a_known_consumer_and_number() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(121).await;
    let pn = phone(&sandbox).to_owned();
    let business = sandbox.id_of("business").to_owned();
    let post = |digits: &str, action: &str, body: Value| {
        let sim = &sim;
        let path = consumer(&sandbox, digits, action);
        async move { sim.post_json(&path, &body).await }
    };
    for (action, body) in [
        ("/block", json!({ "phone_number_id": "123" })),
        (
            "/marketing",
            json!({ "phone_number_id": "123", "opt_out": true }),
        ),
    ] {
        let reply: Reply = post(ALICE, action, body).await;
        assert_eq!(
            reply.assert_sim_error(404, Some(33)),
            format!("No consumer \"{ALICE}\" or no business phone number \"123\"")
        );
    }
    for (action, body) in [
        ("/block", json!({ "phone_number_id": pn })),
        (
            "/marketing",
            json!({ "phone_number_id": pn, "opt_out": true }),
        ),
    ] {
        let reply = post("15550107777", action, body).await;
        assert_eq!(
            reply.assert_sim_error(404, Some(33)),
            format!("No consumer \"15550107777\" or no business phone number \"{pn}\"")
        );
    }
    // Malformed bodies.
    post(ALICE, "/block", json!({}))
        .await
        .assert_sim_error(400, None);
    post(ALICE, "/marketing", json!({ "phone_number_id": pn }))
        .await
        .assert_sim_error(400, None);
    post(
        ALICE,
        "/block",
        json!({ "phone_number_id": pn, "blocked": "yes" }),
    )
    .await
    .assert_sim_error(400, None);
    // The consumer shows what they decided; both are undone the same way.
    post(ALICE, "/block", json!({ "phone_number_id": pn }))
        .await
        .ok();
    post(
        ALICE,
        "/marketing",
        json!({ "phone_number_id": pn, "opt_out": true }),
    )
    .await
    .ok();
    let alice = sim.get(&consumer(&sandbox, ALICE, "")).await;
    assert_eq!(alice.ok()["blocked_phone_numbers"], json!([pn]));
    assert_eq!(
        alice.json["marketing_opt_out_businesses"],
        json!([business])
    );
    post(
        ALICE,
        "/block",
        json!({ "phone_number_id": pn, "blocked": false }),
    )
    .await
    .ok();
    post(
        ALICE,
        "/marketing",
        json!({ "phone_number_id": pn, "opt_out": false }),
    )
    .await
    .ok();
    let alice = sim.get(&consumer(&sandbox, ALICE, "")).await;
    assert_eq!(alice.ok()["blocked_phone_numbers"], json!([]));
    assert_eq!(alice.json["marketing_opt_out_businesses"], json!([]));
    // Unblocked, Alice writes again.
    sim.inbound(
        &sandbox,
        ALICE,
        &pn,
        json!({ "type": "text", "text": { "body": "back" } }),
    )
    .await;
}

#[tokio::test]
async fn the_event_log_is_per_sandbox_and_survives_a_snapshot() {
    let sim = Sim::start().await;
    let a = sim.demo(130).await;
    let b = sim.demo(131).await;
    let pn = phone(&a).to_owned();
    sim.inbound(
        &a,
        ALICE,
        &pn,
        json!({ "type": "text", "text": { "body": "hi" } }),
    )
    .await;
    assert_eq!(sim.events(&a).await.len(), 1);
    assert!(sim.events(&b).await.is_empty());
    let snapshot = sim.get(&a.sim("/snapshot")).await;
    assert_eq!(snapshot.status, 200);
    let reset = sim.post_json(&a.sim("/reset"), &json!({})).await;
    reset.ok();
    assert!(sim.events(&a).await.is_empty());
    let restored = sim.put_json(&a.sim("/snapshot"), &snapshot.json).await;
    restored.ok();
    let events = sim.events(&a).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["kind"], "whatsapp_inbound");
    // The window it opened came back with it.
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{pn}/messages"))
                .bearer_auth(a.token(MANAGER))
                .json(&json!({
                    "messaging_product": "whatsapp", "to": ALICE, "type": "text", "text": { "body": "ok" },
                })),
        )
        .await;
    reply.ok();
    assert_eq!(last_event(&sim, &a).await["status"], "delivered");
    let reply = sim.get("/_sim/sandboxes/nope/events").await;
    reply.assert_sim_error(404, Some(33));
}
