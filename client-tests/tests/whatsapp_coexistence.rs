//! Coexistence: a number used in the WhatsApp Business app onboarded to the
//! Cloud API. Before onboarding it is an app account with devices and chats
//! the Graph API cannot see; onboarding puts it in the WABA without
//! `/register` (`is_on_biz_app`, `platform_type`) and unlinks its
//! companions; `smb_app_data` brings its contacts and history as webhooks in
//! Meta's shapes (phases, chunks, progress, media, 2593109), each once; what
//! the business sends from the app or a companion arrives as
//! `smb_message_echoes`; what the integration sends shows on the app's
//! devices.

use client_tests::coexistence::{
    SHOP, create_shop, numbers_path, onboard, shop_says, smb_app_data,
};
use client_tests::devices::{devices, devices_path, link};
use client_tests::receiver::{Receiver, assert_same_json, subscribe_whatsapp};
use client_tests::whatsapp::{ALICE, BOB, DAY, T0, bsuid};
use client_tests::{Sandbox, Sim, V, Value, json, unsupported};

fn metadata(id: &str) -> Value {
    json!({ "display_phone_number": SHOP, "phone_number_id": id })
}

fn envelope(sandbox: &Sandbox, field: &str, value: Value) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": sandbox.id_of("waba"), "changes": [{ "value": value, "field": field }] }],
    })
}

async fn alice_writes_to_the_shop(sim: &Sim, sandbox: &Sandbox, text: &str) -> String {
    sim.inbound(
        sandbox,
        ALICE,
        SHOP,
        json!({ "type": "text", "text": { "body": text } }),
    )
    .await
}

#[tokio::test]
async fn onboarding_puts_the_app_number_on_the_cloud_api_without_register() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(400).await;
    let token = sandbox.token("system_user_token");
    let id = create_shop(&sim, &sandbox).await;
    let number = sim.get(&numbers_path(&sandbox, &format!("/{SHOP}"))).await;
    assert_eq!(
        number.ok(),
        &json!({
            "phone": SHOP, "phone_number_id": id, "display_phone_number": "+1 555-012-3456",
            "verified_name": "Corner Shop", "is_on_biz_app": true, "platform_type": "NOT_APPLICABLE",
            "status": "PENDING", "created_at": T0, "onboarding": null, "disconnection": null,
        })
    );
    // Not on the Cloud API yet: the Graph API does not know it.
    let hidden = sim.get_as(token, &format!("/{V}/{id}")).await;
    hidden.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(hidden.message(), unsupported("get", &id));
    // Its staff use a companion; onboarding unlinks it.
    let web = link(&sim, &sandbox, SHOP, "web").await;
    sim.advance(&sandbox, 60).await;
    let onboarded = onboard(&sim, &sandbox, true).await;
    assert_eq!(onboarded["platform_type"], "CLOUD_API");
    assert_eq!(
        onboarded["onboarding"],
        json!({
            "waba_id": sandbox.id_of("waba"), "onboarded_at": T0 + 60, "share_history": true,
            "sync_deadline": T0 + 60 + DAY as i64, "state_sync_requested_at": null, "history_requested_at": null,
        })
    );
    let web_device = &devices(&sim, &sandbox, SHOP).await[1];
    assert_eq!(web_device["id"], json!(web));
    assert_eq!(web_device["logout_reason"], "coexistence_onboarding");
    let fields = sim
        .get_as(
            token,
            &format!("/{V}/{id}?fields=is_on_biz_app,platform_type"),
        )
        .await;
    assert_eq!(
        fields.ok(),
        &json!({ "is_on_biz_app": true, "platform_type": "CLOUD_API", "id": id })
    );
    let listed = sim
        .get_as(
            token,
            &format!(
                "/{V}/{}/phone_numbers?fields=display_phone_number",
                sandbox.id_of("waba")
            ),
        )
        .await;
    assert!(
        listed.ok()["data"]
            .as_array()
            .unwrap()
            .contains(&json!({ "display_phone_number": "+1 555-012-3456", "id": id })),
        "{}",
        listed.text()
    );
    let demo_number = sim
        .get_as(
            token,
            &format!(
                "/{V}/{}?fields=is_on_biz_app",
                sandbox.id_of("phone_number")
            ),
        )
        .await;
    assert_eq!(demo_number.ok()["is_on_biz_app"], false);
}

#[tokio::test]
async fn business_app_numbers_and_onboarding_refuse_bad_input() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(401).await;
    create_shop(&sim, &sandbox).await;
    let cases = [
        (
            json!({ "phone": "+1 555-012-3456", "verified_name": "Again" }),
            409,
            "(#100) The business number 15550123456 exists already",
        ),
        (
            json!({ "phone": "+1 555 010 9999", "verified_name": "Alice's" }),
            409,
            "(#100) 15550109999 is registered on WhatsApp by a consumer; a number has one WhatsApp account",
        ),
        (
            json!({ "phone": "123", "verified_name": "Tiny" }),
            400,
            "(#100) phone: \"123\" is not an E.164 number (8 to 15 digits)",
        ),
        (
            json!({ "phone": "15550120000", "verified_name": " " }),
            400,
            "(#100) verified_name: use 1 to 256 characters",
        ),
    ];
    for (body, status, message) in cases {
        let reply = sim.post_json(&numbers_path(&sandbox, ""), &body).await;
        assert_eq!(reply.assert_sim_error(status, None), message, "{body}");
    }
    let onboard_path = numbers_path(&sandbox, &format!("/{SHOP}/onboard"));
    let no_waba = sim
        .post_json(
            &onboard_path,
            &json!({ "waba_id": "31000", "share_history": true }),
        )
        .await;
    assert_eq!(
        no_waba.assert_sim_error(404, Some(33)),
        "No WhatsApp Business Account \"31000\""
    );
    let missing = sim
        .post_json(&onboard_path, &json!({ "waba_id": sandbox.id_of("waba") }))
        .await;
    assert!(
        missing
            .assert_sim_error(400, None)
            .contains("missing field `share_history`")
    );
    onboard(&sim, &sandbox, false).await;
    let again = sim
        .post_json(
            &onboard_path,
            &json!({ "waba_id": sandbox.id_of("waba"), "share_history": true }),
        )
        .await;
    again.assert_sim_error(409, None);
    let nobody = sim
        .post_json(
            &numbers_path(&sandbox, "/19990000000/onboard"),
            &json!({ "waba_id": sandbox.id_of("waba"), "share_history": true }),
        )
        .await;
    nobody.assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn the_partner_synchronizes_contacts_then_history_each_once() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(402).await;
    let id = create_shop(&sim, &sandbox).await;
    // In the app, before onboarding: Alice writes, the shop answers from its
    // phone and sends a photo from a companion; Bob wrote long ago.
    sim.inbound(
        &sandbox,
        BOB,
        SHOP,
        json!({ "type": "text", "text": { "body": "Open on Sunday?" } }),
    )
    .await;
    sim.advance(&sandbox, 30 * DAY).await;
    let hi = alice_writes_to_the_shop(&sim, &sandbox, "Do you have ferns?").await;
    let yes = shop_says(&sim, &sandbox, ALICE, "Yes, plenty!", None).await;
    let tablet = link(&sim, &sandbox, SHOP, "tablet").await;
    let photo = sim
        .post_json(
            &numbers_path(&sandbox, &format!("/{SHOP}/messages")),
            &json!({ "to": ALICE, "type": "image", "image": { "id": "7001", "caption": "Boston fern" }, "device_id": tablet }),
        )
        .await;
    let photo = photo.json["id"].as_str().unwrap().to_owned();
    sim.advance(&sandbox, 3600).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(
        &sim,
        &sandbox,
        &receiver,
        &["history", "smb_app_state_sync"],
    )
    .await;
    onboard(&sim, &sandbox, true).await;
    sim.deliver(&sandbox).await;
    assert!(
        receiver.bodies().is_empty(),
        "nothing from the app reached the partner"
    );

    let contacts = smb_app_data(&sim, &sandbox, &id, "smb_app_state_sync").await;
    let request_id = contacts.ok()["request_id"].as_str().unwrap().to_owned();
    assert!(request_id.len() == 32 && request_id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        contacts.json,
        json!({ "messaging_product": "whatsapp", "request_id": request_id })
    );
    let (alice_id, bob_id) = (
        bsuid(&sim, &sandbox, ALICE).await,
        bsuid(&sim, &sandbox, BOB).await,
    );
    let now = (T0 + 30 * DAY as i64 + 3600).to_string();
    sim.deliver(&sandbox).await;
    assert_same_json(
        &receiver.bodies()[0],
        &envelope(
            &sandbox,
            "smb_app_state_sync",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&id),
                "state_sync": [
                    { "type": "contact", "contact": { "full_name": "Bob Chen", "first_name": "Bob", "phone_number": BOB, "user_id": bob_id, "country_code": "US" }, "action": "add", "metadata": { "timestamp": now } },
                    { "type": "contact", "contact": { "full_name": "Alice Rivera", "first_name": "Alice", "phone_number": ALICE, "user_id": alice_id, "country_code": "US" }, "action": "add", "metadata": { "timestamp": now } },
                ],
            }),
        ),
    );

    smb_app_data(&sim, &sandbox, &id, "history").await.ok();
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 4, "contacts, two phases, one recent photo");
    let t = |offset: i64| (T0 + offset).to_string();
    let thread_context = |phone: &str, user_id: &str| json!({ "wa_id": phone, "user_id": user_id, "country_code": "US" });
    assert_same_json(
        &bodies[1],
        &envelope(
            &sandbox,
            "history",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&id),
                "history": [{
                    "metadata": { "phase": 0, "chunk_order": 1, "progress": 75 },
                    "threads": [{
                        "id": ALICE,
                        "context": thread_context(ALICE, &alice_id),
                        "messages": [
                            { "from": ALICE, "from_user_id": alice_id, "id": hi, "timestamp": t(30 * DAY as i64), "type": "text", "text": { "body": "Do you have ferns?" }, "history_context": { "status": "DELIVERED" } },
                            { "from": SHOP, "to": ALICE, "id": yes, "timestamp": t(30 * DAY as i64), "type": "text", "text": { "body": "Yes, plenty!" }, "history_context": { "status": "DELIVERED" } },
                            { "from": SHOP, "to": ALICE, "id": photo, "timestamp": t(30 * DAY as i64), "type": "media_placeholder", "history_context": { "status": "DELIVERED" } },
                        ],
                    }],
                }],
            }),
        ),
    );
    assert_eq!(
        bodies[2]["entry"][0]["changes"][0]["value"]["history"][0]["metadata"],
        json!({ "phase": 1, "chunk_order": 1, "progress": 100 })
    );
    assert_eq!(
        bodies[2]["entry"][0]["changes"][0]["value"]["history"][0]["threads"][0]["id"],
        BOB
    );
    assert_same_json(
        &bodies[3],
        &envelope(
            &sandbox,
            "history",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&id),
                "contacts": [{ "profile": { "country_code": "US" }, "wa_id": ALICE, "user_id": alice_id }],
                "message_echoes": [{ "from": SHOP, "to": ALICE, "to_user_id": alice_id, "id": photo, "timestamp": t(30 * DAY as i64), "type": "image", "image": { "id": "7001", "caption": "Boston fern" } }],
            }),
        ),
    );
    for sync_type in ["smb_app_state_sync", "history"] {
        let again = smb_app_data(&sim, &sandbox, &id, sync_type).await;
        again.assert_error(400, 100, None, "OAuthException");
        assert!(
            again.message().contains("can only be performed once"),
            "{}",
            again.text()
        );
    }
    let bad = smb_app_data(&sim, &sandbox, &id, "contacts").await;
    assert_eq!(
        bad.message(),
        "(#100) Param sync_type must be one of {smb_app_state_sync, history} - got \"contacts\"."
    );
    let regular = smb_app_data(&sim, &sandbox, sandbox.id_of("phone_number"), "history").await;
    assert!(
        regular
            .message()
            .contains("not connected to Cloud API from the WhatsApp Business app")
    );
}

#[tokio::test]
async fn a_declined_history_is_one_2593109_entry() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(403).await;
    let id = create_shop(&sim, &sandbox).await;
    alice_writes_to_the_shop(&sim, &sandbox, "Hello?").await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["history"]).await;
    onboard(&sim, &sandbox, false).await;
    smb_app_data(&sim, &sandbox, &id, "history").await.ok();
    sim.deliver(&sandbox).await;
    let off = "History sync is turned off by the business from the WhatsApp Business App";
    assert_eq!(
        receiver.bodies(),
        [envelope(
            &sandbox,
            "history",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&id),
                "history": [{ "errors": [{ "code": 2593109, "title": off, "message": off, "error_data": { "details": "History sharing is turned off by the business" } }] }],
            })
        )]
    );
}

#[tokio::test]
async fn what_the_business_sends_in_the_app_is_echoed_and_api_messages_reach_the_app() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(404).await;
    let id = create_shop(&sim, &sandbox).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(
        &sim,
        &sandbox,
        &receiver,
        &["messages", "smb_message_echoes"],
    )
    .await;
    onboard(&sim, &sandbox, true).await;
    let staff = link(&sim, &sandbox, SHOP, "desktop").await;
    // Alice writes: the integration hears it as any inbound message.
    let hi = alice_writes_to_the_shop(&sim, &sandbox, "Hi shop").await;
    // A staff member answers from the companion: an echo, no statuses.
    let echo = shop_says(
        &sim,
        &sandbox,
        ALICE,
        "Hi Alice, how can we help?",
        Some(&staff),
    )
    .await;
    let alice_id = bsuid(&sim, &sandbox, ALICE).await;
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(
        bodies[0]["entry"][0]["changes"][0]["value"]["messages"][0]["id"],
        json!(hi)
    );
    assert_same_json(
        &bodies[1],
        &envelope(
            &sandbox,
            "smb_message_echoes",
            json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(&id),
                "contacts": [{ "profile": { "country_code": "US" }, "wa_id": ALICE, "user_id": alice_id }],
                "message_echoes": [{ "from": SHOP, "to": ALICE, "to_user_id": alice_id, "id": echo, "timestamp": T0.to_string(), "type": "text", "text": { "body": "Hi Alice, how can we help?" } }],
            }),
        ),
    );
    // Alice reads it on her phone: app messages have no Cloud API statuses.
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/read")),
        &json!({}),
    )
    .await
    .ok();
    sim.deliver(&sandbox).await;
    assert_eq!(receiver.bodies().len(), 2);
    // The integration answers through the API (inside the window Alice opened).
    let api = sim
        .send(
            sim.request(reqwest::Method::POST, &format!("/{V}/{id}/messages"))
                .bearer_auth(sandbox.token("system_user_token"))
                .json(&json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "text", "text": { "body": "Sent by the bot" } })),
        )
        .await;
    let api = api.ok()["messages"][0]["id"].as_str().unwrap().to_owned();
    // Every device of the shop shows the chat: Alice, the staff reply, the bot.
    for device in ["15550123456:0", staff.as_str()] {
        let inbox = sim
            .get(&devices_path(&sandbox, SHOP, &format!("/{device}/inbox")))
            .await;
        let chat = &inbox.ok()["chats"][0];
        assert_eq!(chat["chat"], ALICE);
        assert_eq!(chat["name"], "Alice Rivera");
        let summary: Vec<(Value, Value, Value)> = chat["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["id"].clone(),
                    m["sent_from"].clone(),
                    m["device_id"].clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (json!(hi), Value::Null, Value::Null),
                (json!(echo), json!("app"), json!(staff)),
                (json!(api), json!("api"), Value::Null),
            ],
            "{device}"
        );
    }
    // And Alice's phone shows the shop's chat with both answers.
    let texts: Vec<Value> = sim
        .inbox(&sandbox, ALICE)
        .await
        .iter()
        .filter(|m| m["phone_number_id"] == json!(id))
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(
        texts,
        [
            json!("Hi Alice, how can we help?"),
            json!("Sent by the bot")
        ]
    );
}
