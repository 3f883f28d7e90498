//! `GET …/whatsapp/consumers/{digits}/chats`, a consumer's phone: both sides
//! of a conversation in order with their ticks, the customer-service window,
//! unread counts; what tapping a reply button, a list row, a template quick
//! reply or a contact request sends (made as the answer says, and checked in
//! the events); failed messages left out; the official "Facebook Business"
//! chat; unknown consumers in Meta's envelope.

use client_tests::whatsapp::{
    ALICE, BOB, BUSINESS_DIGITS, DAY, T0, message, phone, post, reads_everything, template, writes,
};
use client_tests::{Sandbox, Sim, Value, json};

async fn chats(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Vec<Value> {
    let reply = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{digits}/chats")))
        .await;
    reply.ok()["data"].as_array().expect("chats").clone()
}

/// The one chat with the demo business number.
async fn business_chat(sim: &Sim, sandbox: &Sandbox, digits: &str) -> Value {
    let all = chats(sim, sandbox, digits).await;
    let chat = all
        .iter()
        .find(|c| c["phone_number_id"] == json!(phone(sandbox)))
        .expect("a chat with the business");
    chat.clone()
}

/// Send `body` to Alice as the business; the wamid.
async fn business_sends(sim: &Sim, sandbox: &Sandbox, kind: &str, content: Value) -> String {
    let reply = post(sim, sandbox, &message(ALICE, kind, content)).await;
    reply.ok()["messages"][0]["id"]
        .as_str()
        .expect("a wamid")
        .to_owned()
}

/// Tap as the answer says: POST its body to its path; the answer.
async fn tap(sim: &Sim, tap: &Value) -> Value {
    let reply = sim
        .post_json(tap["path"].as_str().expect("a path"), &tap["body"])
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json
}

/// The message of the newest inbound event.
async fn last_inbound(sim: &Sim, sandbox: &Sandbox) -> Value {
    let events = sim.events(sandbox).await;
    let event = events
        .iter()
        .rev()
        .find(|e| e["kind"] == "whatsapp_inbound")
        .expect("an inbound event");
    event["message"].clone()
}

#[tokio::test]
async fn both_sides_in_order_with_ticks_and_the_window() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(20).await;
    assert_eq!(chats(&sim, &sandbox, ALICE).await, Vec::<Value>::new());

    let asked = writes(&sim, &sandbox, ALICE, "Help").await;
    let answer = business_sends(
        &sim,
        &sandbox,
        "text",
        json!({ "body": "How can we help?" }),
    )
    .await;
    let chat = business_chat(&sim, &sandbox, ALICE).await;
    assert_eq!(chat["name"], "Lucky Shrub");
    assert_eq!(chat["number"], BUSINESS_DIGITS);
    assert_eq!(chat["verified"], false);
    assert_eq!(
        chat["window"],
        json!({ "open": true, "closes_at": T0 + 86_400, "closes_iso": "2026-01-02T00:00:00Z" })
    );
    assert_eq!(chat["unread"], 1);
    let bubbles: Vec<(&Value, &Value, &Value, &Value)> = chat["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (&b["id"], &b["from_me"], &b["text"], &b["status"]))
        .collect();
    assert_eq!(
        bubbles,
        [
            (
                &json!(asked),
                &json!(true),
                &json!("Help"),
                &json!("received")
            ),
            (
                &json!(answer),
                &json!(false),
                &json!("How can we help?"),
                &json!("delivered")
            ),
        ]
    );

    // Alice reads; the business reads her message: blue ticks both ways.
    reads_everything(&sim, &sandbox, ALICE).await;
    let reply = post(
        &sim,
        &sandbox,
        &json!({ "messaging_product": "whatsapp", "status": "read", "message_id": asked }),
    )
    .await;
    reply.ok();
    let chat = business_chat(&sim, &sandbox, ALICE).await;
    assert_eq!(chat["unread"], 0);
    assert_eq!(chat["messages"][0]["status"], "read");
    assert_eq!(chat["messages"][1]["status"], "read");

    // A day later the window is closed, and free-form text never arrives.
    sim.advance(&sandbox, DAY).await;
    business_sends(&sim, &sandbox, "text", json!({ "body": "Still there?" })).await;
    let chat = business_chat(&sim, &sandbox, ALICE).await;
    assert_eq!(chat["window"]["open"], false);
    assert_eq!(chat["window"]["closes_at"], T0 + 86_400);
    assert_eq!(chat["messages"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn reply_buttons_and_list_rows_send_their_reply() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(21).await;
    writes(&sim, &sandbox, ALICE, "Order?").await;
    let buttons = business_sends(
        &sim,
        &sandbox,
        "interactive",
        json!({ "type": "button", "body": { "text": "Keep your order?" }, "action": { "buttons": [
            { "type": "reply", "reply": { "id": "keep", "title": "Keep" } },
            { "type": "reply", "reply": { "id": "change", "title": "Change" } },
        ]}}),
    )
    .await;
    let list = business_sends(
        &sim,
        &sandbox,
        "interactive",
        json!({ "type": "list", "body": { "text": "Pick a slot" }, "action": { "button": "Slots", "sections": [
            { "title": "Morning", "rows": [{ "id": "am", "title": "9-12", "description": "Before noon" }] },
            { "title": "Evening", "rows": [{ "id": "pm", "title": "18-21" }] },
        ]}}),
    )
    .await;
    let chat = business_chat(&sim, &sandbox, ALICE).await;
    let bubble = &chat["messages"][1];
    assert_eq!(bubble["text"], "Keep your order?");
    let labels: Vec<&Value> = bubble["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["label"])
        .collect();
    assert_eq!(labels, [&json!("Keep"), &json!("Change")]);
    let answer = tap(&sim, &bubble["buttons"][1]["tap"]).await;
    assert_eq!(
        last_inbound(&sim, &sandbox).await,
        json!({
            "type": "interactive",
            "interactive": { "type": "button_reply", "button_reply": { "id": "change", "title": "Change" } },
            "context": { "from": BUSINESS_DIGITS, "id": buttons },
        })
    );

    let bubble = &chat["messages"][2];
    assert_eq!(bubble["list"]["label"], "Slots");
    let sections = bubble["list"]["sections"].as_array().unwrap();
    assert_eq!(sections[0]["title"], "Morning");
    assert_eq!(sections[0]["rows"][0]["description"], "Before noon");
    tap(&sim, &sections[0]["rows"][0]["tap"]).await;
    assert_eq!(
        last_inbound(&sim, &sandbox).await,
        json!({
            "type": "interactive",
            "interactive": { "type": "list_reply", "list_reply": { "id": "am", "title": "9-12", "description": "Before noon" } },
            "context": { "from": BUSINESS_DIGITS, "id": list },
        })
    );

    // The taps are Alice's messages in the chat now.
    let chat = business_chat(&sim, &sandbox, ALICE).await;
    let mine: Vec<&Value> = chat["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["from_me"] == json!(true))
        .map(|b| &b["text"])
        .collect();
    assert_eq!(mine, [&json!("Order?"), &json!("Change"), &json!("9-12")]);
    assert_eq!(chat["messages"][3]["id"], answer["id"]);
}

#[tokio::test]
async fn template_quick_replies_send_their_payload() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(22).await;
    let mut with_payload = template("spring_sale", &["20%"]);
    with_payload["components"].as_array_mut().unwrap().push(
        json!({ "type": "button", "sub_type": "quick_reply", "index": "0",
                      "parameters": [{ "type": "payload", "payload": "STOP" }] }),
    );
    let first = business_sends(&sim, &sandbox, "template", with_payload).await;
    let second = business_sends(
        &sim,
        &sandbox,
        "template",
        template("spring_sale", &["30%"]),
    )
    .await;
    let chat = business_chat(&sim, &sandbox, ALICE).await;
    let bubble = &chat["messages"][0];
    assert_eq!(
        bubble["text"],
        "Spring sale\n20% off all pots and planters until Sunday."
    );
    assert_eq!(
        bubble["template"],
        json!({ "name": "spring_sale", "language": "en_US", "category": "MARKETING", "header": "TEXT", "footer": false })
    );
    assert_eq!(bubble["buttons"][0]["label"], "Stop promotions");
    tap(&sim, &bubble["buttons"][0]["tap"]).await;
    assert_eq!(
        last_inbound(&sim, &sandbox).await,
        json!({ "type": "button", "button": { "payload": "STOP", "text": "Stop promotions" },
                "context": { "from": BUSINESS_DIGITS, "id": first } })
    );
    // Without a payload in the send, the button's text is the payload.
    tap(&sim, &chat["messages"][1]["buttons"][0]["tap"]).await;
    assert_eq!(
        last_inbound(&sim, &sandbox).await["button"],
        json!({ "payload": "Stop promotions", "text": "Stop promotions" })
    );
    assert_eq!(
        last_inbound(&sim, &sandbox).await["context"]["id"],
        json!(second)
    );
}

#[tokio::test]
async fn a_contact_request_is_answered_by_sharing_the_phone() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(23).await;
    writes(&sim, &sandbox, BOB, "Hi").await;
    let reply = post(
        &sim,
        &sandbox,
        &message(
            BOB,
            "interactive",
            json!({ "type": "contact_request", "body": { "text": "May we have your number?" }, "action": {} }),
        ),
    )
    .await;
    reply.ok();
    let chat = business_chat(&sim, &sandbox, BOB).await;
    let button = &chat["messages"][1]["buttons"][0];
    assert_eq!(button["label"], "Share phone number");
    tap(&sim, &button["tap"]).await;
    let shared = last_inbound(&sim, &sandbox).await;
    assert_eq!(shared["type"], "contacts");
    assert_eq!(shared["contacts"][0]["origin"], "contact_request");
    assert_eq!(shared["contacts"][0]["phones"][0]["wa_id"], BOB);
}

#[tokio::test]
async fn official_senders_have_their_own_chat_newest_first() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(24).await;
    let maya = sandbox.id_of("maya").to_owned();
    writes(&sim, &sandbox, &maya, "Testing").await;
    let ig = sandbox.id_of("instagram");
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/instagram/{ig}/contact-options/whatsapp")),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let all = chats(&sim, &sandbox, &maya).await;
    assert_eq!(all.len(), 2);
    let official = &all[0];
    assert_eq!(official["chat"], "official:Facebook Business");
    assert_eq!(official["name"], "Facebook Business");
    assert_eq!(official["verified"], true);
    assert_eq!(official["official"], true);
    assert!(official.get("window").is_none() && official.get("unread").is_none());
    let code = official["messages"][0]["code"].as_str().expect("a code");
    assert_eq!(code.len(), 6);
    assert!(
        official["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains(code)
    );
    assert_eq!(all[1]["phone_number_id"], json!(phone(&sandbox)));
}

#[tokio::test]
async fn unknown_consumers_and_sandboxes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(25).await;
    let reply = sim
        .get(&sandbox.sim("/whatsapp/consumers/15550000000/chats"))
        .await;
    assert_eq!(
        reply.assert_sim_error(404, Some(33)),
        "No WhatsApp consumer with phone \"15550000000\""
    );
    let reply = sim
        .get(&format!(
            "/_sim/sandboxes/nope/whatsapp/consumers/{ALICE}/chats"
        ))
        .await;
    reply.assert_sim_error(404, Some(33));
    // Formatting in the path is ignored, as elsewhere.
    let reply = sim
        .get(&sandbox.sim("/whatsapp/consumers/+1%20555%20010%209999/chats"))
        .await;
    assert_eq!(reply.ok(), &json!({ "data": [] }));
}
