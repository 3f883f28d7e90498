//! Messages in WhatsApp groups (Meta's Groups messaging): the business sends
//! text, media and templates to a group with `recipient_type: "group"`, its
//! statuses name the group, a participant's message reaches the business
//! with `group_id` and opens the group's customer-service window, and sends
//! Meta does not take in groups are refused.

use client_tests::business::{call_manager as call, get as read};
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, Value, json};
use reqwest::Method;

fn to_group(group: &str, kind: &str, content: Value) -> Value {
    let mut body = message(group, kind, content);
    body["recipient_type"] = json!("group");
    body
}

/// The answer of a group send: the group as `input`, one wamid.
#[track_caller]
fn assert_group_sent(reply: &Reply, group: &str) -> String {
    let answer = reply.ok();
    let id = answer["messages"][0]["id"].as_str().expect("a wamid");
    assert_wamid(id);
    assert_eq!(
        answer,
        &json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": group }],
            "messages": [{ "id": id }],
        })
    );
    id.to_owned()
}

async fn group_write(sim: &Sim, sandbox: &Sandbox, digits: &str, group: &str, text: &str) -> Reply {
    let path = sandbox.sim(&format!(
        "/whatsapp/consumers/{digits}/groups/{group}/messages"
    ));
    sim.post_json(&path, &json!({ "type": "text", "text": { "body": text } }))
        .await
}

/// A participant's message in the group, which must reach the business.
async fn participant_writes(sim: &Sim, sandbox: &Sandbox, digits: &str, group: &str, text: &str) {
    let wrote = group_write(sim, sandbox, digits, group, text).await;
    assert_eq!(wrote.status, 201, "{}", wrote.text());
}

#[tokio::test]
async fn the_business_writes_to_a_group_and_hears_its_status() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(141).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let group = group_with(&sim, &sandbox, "Fern club", &[ALICE, BOB]).await;

    // Alice's message opened the group's customer-service window.
    participant_writes(&sim, &sandbox, ALICE, &group, "Hello ferns").await;
    let body = to_group(&group, "text", json!({ "body": "Welcome, fern people" }));
    let text = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    let body = to_group(
        &group,
        "template",
        template("order_update", &["all", "A-7"]),
    );
    let templated = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    let body = to_group(&group, "image", json!({ "id": "1234567890" }));
    let image = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    assert_ne!(text, templated);

    sim.deliver(&sandbox).await;
    // The group's own statuses (the participants' ones are tested below).
    let statuses = status_values(&receiver, false);
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    let sent = &statuses[0];
    assert!(sent.get("contacts").is_none(), "{sent}");
    assert_eq!(sent["metadata"]["phone_number_id"], phone(&sandbox));
    let item = &sent["statuses"][0];
    let timestamp = item["timestamp"].clone();
    assert!(timestamp.is_string());
    assert_eq!(
        item,
        &json!({
            "id": text,
            "recipient_id": group,
            "recipient_type": "group",
            "status": "sent",
            "timestamp": timestamp,
        })
    );
    assert_eq!(statuses[1]["statuses"][0]["id"], templated);
    assert_eq!(statuses[1]["statuses"][0]["status"], "sent");
    let failed = &statuses[2]["statuses"][0];
    assert_eq!(failed["id"], image);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["recipient_type"], "group");
    assert_eq!(failed["errors"][0]["code"], 131053);

    // Each participant finds the delivered ones in their inbox, with the group.
    for digits in [ALICE, BOB] {
        let inbox = sim.inbox(&sandbox, digits).await;
        let ids: Vec<&Value> = inbox.iter().map(|m| &m["id"]).collect();
        assert_eq!(ids, [&json!(text), &json!(templated)], "{digits}");
        assert_eq!(inbox[0]["group_id"], group.as_str());
        assert_eq!(inbox[0]["text"], "Welcome, fern people");
    }
}

#[tokio::test]
async fn a_participant_writes_in_the_group() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(142).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let group = group_with(&sim, &sandbox, "Cactus club", &[ALICE]).await;

    let wrote = group_write(&sim, &sandbox, ALICE, &group, "Mine flowered!").await;
    assert_eq!(wrote.status, 201, "{}", wrote.text());
    let id = wrote.json["id"].as_str().expect("a wamid").to_owned();
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let value = &bodies[0]["entry"][0]["changes"][0]["value"];
    let item = &value["messages"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["group_id"], group.as_str());
    assert_eq!(item["from"], ALICE);
    assert_eq!(item["text"]["body"], "Mine flowered!");
    assert_eq!(value["contacts"][0]["wa_id"], ALICE);

    // The group message opened the group's window, not a 1:1 one: a
    // free-form text to Alice fails.
    let body = message(ALICE, "text", json!({ "body": "Thanks!" }));
    let sent = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    let error = failure(&sim, &sandbox, &sent).await;
    assert_eq!(error["code"], 131047);

    // Bob is not in the group; nobody writes in an unknown group.
    group_write(&sim, &sandbox, BOB, &group, "Let me in")
        .await
        .assert_sim_error(409, None);
    group_write(&sim, &sandbox, ALICE, "123", "Hello?")
        .await
        .assert_sim_error(404, Some(33));
}

#[tokio::test]
async fn sends_meta_does_not_take_in_groups_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(143).await;
    let group = group_with(&sim, &sandbox, "Moss club", &[ALICE]).await;
    let before = sim.events(&sandbox).await.len();

    let interactive = json!({ "type": "button", "body": { "text": "Pick" },
        "action": { "buttons": [{ "type": "reply", "reply": { "id": "a", "title": "A" } }] } });
    let reply = post(
        &sim,
        &sandbox,
        &to_group(&group, "interactive", interactive),
    )
    .await;
    assert_param_error(
        &reply,
        "Param type must be one of {text, image, video, audio, document, template, pin} for group messages - got \"interactive\".",
    );
    let text = json!({ "body": "Hello" });
    let reply = post(&sim, &sandbox, &to_group("123456", "text", text.clone())).await;
    assert_invalid_value(&reply, "to: not a group of this phone number");
    let mut odd = to_group(&group, "text", text.clone());
    odd["recipient_type"] = json!("broadcast");
    post(&sim, &sandbox, &odd)
        .await
        .assert_error(400, 100, None, "OAuthException");
    assert_eq!(sim.events(&sandbox).await.len(), before, "nothing happened");

    // Groups take no authentication templates.
    let waba = sandbox.id_of("waba");
    let created = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{waba}/message_templates"),
        json!({ "name": "login_code", "language": "en_US", "category": "AUTHENTICATION",
            "components": [{ "type": "BODY", "text": "{{1}} is your code." }] }),
    )
    .await;
    let template_id = created.ok()["id"].as_str().expect("an id").to_owned();
    let review = sandbox.sim(&format!("/whatsapp/templates/{template_id}/review"));
    sim.post_json(&review, &json!({ "status": "APPROVED" }))
        .await
        .ok();
    let code = to_group(&group, "template", template("login_code", &["123456"]));
    let reply = post(&sim, &sandbox, &code).await;
    assert_whatsapp_error(
        &reply,
        400,
        100,
        "Invalid parameter",
        "Authentication templates cannot be sent to groups.",
    );

    call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("/{group}"),
        json!({}),
    )
    .await
    .ok();
    let reply = post(&sim, &sandbox, &to_group(&group, "text", text)).await;
    assert_invalid_value(&reply, "to: not a group of this phone number");
}

/// The `messages` status webhook values about participants (`delivered`,
/// `read`), or about the group itself (`sent`, `failed`).
fn status_values(receiver: &Receiver, of_participants: bool) -> Vec<Value> {
    receiver
        .bodies()
        .iter()
        .map(|b| b["entry"][0]["changes"][0].clone())
        .filter(|c| c["field"] == "messages")
        .map(|c| c["value"].clone())
        .filter(|v| {
            let item = &v["statuses"][0];
            item.is_object()
                && item.get("recipient_participant_user_id").is_some() == of_participants
        })
        .collect()
}

fn participant_statuses(receiver: &Receiver) -> Vec<Value> {
    status_values(receiver, true)
}

async fn group_read(sim: &Sim, sandbox: &Sandbox, digits: &str, group: &str, body: Value) -> Reply {
    let path = sandbox.sim(&format!("/whatsapp/consumers/{digits}/groups/{group}/read"));
    sim.post_json(&path, &body).await
}

/// A group of Alice and Bob gets a text and a template; Alice reads the
/// text. Returns the group, the two wamids and the receiver.
async fn delivered_and_read(sim: &Sim, sandbox: &Sandbox) -> (String, String, String, Receiver) {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, sandbox, &receiver, &["messages"]).await;
    let group = group_with(sim, sandbox, "Orchid club", &[ALICE, BOB]).await;
    participant_writes(sim, sandbox, BOB, &group, "When do we repot?").await;
    let body = to_group(&group, "text", json!({ "body": "Repotting on Sunday" }));
    let text = assert_group_sent(&post(sim, sandbox, &body).await, &group);
    let body = to_group(
        &group,
        "template",
        template("order_update", &["all", "B-2"]),
    );
    let templated = assert_group_sent(&post(sim, sandbox, &body).await, &group);
    let read = group_read(
        sim,
        sandbox,
        ALICE,
        &group,
        json!({ "message_ids": [text] }),
    )
    .await;
    assert_eq!(read.ok(), &json!({ "success": true, "read": 1 }));
    sim.deliver(sandbox).await;
    (group, text, templated, receiver)
}

#[tokio::test]
async fn each_participant_reports_delivered_then_read() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(144).await;
    let (group, text, templated, receiver) = delivered_and_read(&sim, &sandbox).await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    let bob = bsuid(&sim, &sandbox, BOB).await;

    let values = participant_statuses(&receiver);
    assert_eq!(values.len(), 3, "{values:?}");
    // One aggregated webhook per message and status: a status and a contact
    // for each participant.
    let delivered = &values[0];
    let timestamp = delivered["statuses"][0]["timestamp"].clone();
    let free = json!({ "billable": false, "pricing_model": "PMP",
        "type": "free_customer_service", "category": "group_service" });
    let status = |wa_id: &str, user_id: &str| {
        json!({ "id": text, "recipient_id": group, "recipient_type": "group",
            "status": "delivered", "timestamp": timestamp,
            "recipient_participant_id": wa_id, "recipient_participant_user_id": user_id,
            "pricing": free })
    };
    assert_eq!(
        delivered["statuses"],
        json!([status(ALICE, &alice), status(BOB, &bob)])
    );
    let contacts = delivered["contacts"].as_array().expect("contacts");
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0]["wa_id"], ALICE);
    assert_eq!(contacts[0]["user_id"], alice.as_str());
    assert_eq!(contacts[0]["profile"]["name"], "Alice Rivera");
    assert_eq!(contacts[1]["user_id"], bob.as_str());

    // A template has a status for each delivery, in the group categories (a
    // utility template in the group's window is free).
    let templated_statuses = &values[1]["statuses"];
    assert_eq!(templated_statuses.as_array().map(Vec::len), Some(2));
    assert_eq!(templated_statuses[0]["id"], templated.as_str());
    assert_eq!(
        templated_statuses[1]["pricing"],
        json!({ "billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "group_utility" })
    );

    // Alice read the text: one status, hers.
    let read = &values[2];
    assert_eq!(read["statuses"].as_array().map(Vec::len), Some(1));
    assert_eq!(read["statuses"][0]["id"], text.as_str());
    assert_eq!(read["statuses"][0]["status"], "read");
    assert_eq!(read["statuses"][0]["recipient_participant_id"], ALICE);
    assert_eq!(read["contacts"][0]["wa_id"], ALICE);

    // The inboxes show each participant's own status.
    let status_of = |inbox: &[Value], id: &str| {
        inbox.iter().find(|m| m["id"] == id).expect("in the inbox")["status"].clone()
    };
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert_eq!(status_of(&inbox, &text), "read");
    assert_eq!(status_of(&inbox, &templated), "delivered");
    let inbox = sim.inbox(&sandbox, BOB).await;
    assert_eq!(status_of(&inbox, &text), "delivered");

    // Reading again changes nothing; Bob reads everything he has.
    let again = group_read(
        &sim,
        &sandbox,
        ALICE,
        &group,
        json!({ "message_ids": [text] }),
    )
    .await;
    assert_eq!(again.ok()["read"], 0);
    let all = group_read(&sim, &sandbox, BOB, &group, json!({})).await;
    assert_eq!(all.ok()["read"], 2);
}

#[tokio::test]
async fn only_participants_read_and_newcomers_never_received_the_past() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(145).await;
    let group = group_with(&sim, &sandbox, "Bonsai club", &[ALICE]).await;
    participant_writes(&sim, &sandbox, ALICE, &group, "Just us?").await;
    let body = to_group(&group, "text", json!({ "body": "Before Bob" }));
    let before = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    let link = read(&sim, &sandbox, &format!("/{group}/invite_link")).await;
    let join = sandbox.sim(&format!("/whatsapp/consumers/{BOB}/groups/join"));
    sim.post_json(&join, &json!({ "invite_link": link.ok()["invite_link"] }))
        .await
        .ok();
    let inbox = sim.inbox(&sandbox, BOB).await;
    assert!(
        inbox.iter().all(|m| m["id"] != before.as_str()),
        "{inbox:?}"
    );
    assert_eq!(
        group_read(&sim, &sandbox, BOB, &group, json!({}))
            .await
            .ok()["read"],
        0
    );
    let leave = sandbox.sim(&format!("/whatsapp/consumers/{BOB}/groups/{group}/leave"));
    sim.post_json(&leave, &json!({})).await.ok();
    group_read(&sim, &sandbox, BOB, &group, json!({}))
        .await
        .assert_sim_error(409, None);
    group_read(&sim, &sandbox, ALICE, "120363000000000000", json!({}))
        .await
        .assert_sim_error(404, Some(33));
    group_read(&sim, &sandbox, ALICE, &group, json!({ "message_ids": 3 }))
        .await
        .assert_sim_error(400, None);
}

#[tokio::test]
async fn receipts_are_deterministic_and_survive_a_snapshot() {
    let run = |seed| async move {
        let sim = Sim::start().await;
        let sandbox = sim.demo(seed).await;
        let (_, _, _, receiver) = delivered_and_read(&sim, &sandbox).await;
        sim.assert_snapshot_round_trip(&sandbox).await;
        let inbox = sim.inbox(&sandbox, ALICE).await;
        assert_eq!(inbox[0]["status"], "read", "the receipt survived");
        participant_statuses(&receiver)
    };
    // Same seed, same requests: the same webhooks (each run's receiver
    // listens on its own port, so the snapshots differ in that only).
    assert_eq!(run(146).await, run(146).await);
}

async fn suspend(sim: &Sim, sandbox: &Sandbox, group: &str, suspended: bool) -> Reply {
    let path = sandbox.sim(&format!("/whatsapp/groups/{group}/suspension"));
    sim.post_json(&path, &json!({ "suspended": suspended }))
        .await
}

/// The `group_status_update` items the receiver got, in order.
fn group_status_items(receiver: &Receiver) -> Vec<Value> {
    receiver
        .bodies()
        .iter()
        .map(|b| b["entry"][0]["changes"][0].clone())
        .filter(|c| c["field"] == "group_status_update")
        .map(|c| c["value"]["groups"][0].clone())
        .collect()
}

/// Suspend a group of Alice's and lift the suspension; the webhook items.
async fn suspended_and_cleared(sim: &Sim, sandbox: &Sandbox) -> Vec<Value> {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, sandbox, &receiver, &["group_status_update"]).await;
    let group = group_with(sim, sandbox, "Succulent club", &[ALICE]).await;
    let text = json!({ "body": "Hello" });

    let answer = suspend(sim, sandbox, &group, true).await;
    assert_eq!(
        answer.ok(),
        &json!({ "group_id": group, "suspended": true })
    );
    let info = read(sim, sandbox, &format!("/{group}?fields=suspended")).await;
    assert_eq!(info.ok()["suspended"], true);
    let before = sim.events(sandbox).await.len();
    let refused = post(sim, sandbox, &to_group(&group, "text", text.clone())).await;
    assert_whatsapp_error(
        &refused,
        403,
        131207,
        "Group suspended",
        "The group violates platform policies.",
    );
    group_write(sim, sandbox, ALICE, &group, "Anyone?")
        .await
        .assert_sim_error(409, None);
    assert_eq!(sim.events(sandbox).await.len(), before, "nothing happened");
    suspend(sim, sandbox, &group, true)
        .await
        .assert_sim_error(409, None);

    // The snapshot keeps the suspension.
    sim.assert_snapshot_round_trip(sandbox).await;
    let info = read(sim, sandbox, &format!("/{group}?fields=suspended")).await;
    assert_eq!(info.ok()["suspended"], true);

    suspend(sim, sandbox, &group, false).await.ok();
    let info = read(sim, sandbox, &format!("/{group}?fields=suspended")).await;
    assert_eq!(info.ok()["suspended"], false);
    assert_group_sent(
        &post(sim, sandbox, &to_group(&group, "text", text)).await,
        &group,
    );
    suspend(sim, sandbox, &group, false)
        .await
        .assert_sim_error(409, None);
    suspend(sim, sandbox, "120363000000000000", true)
        .await
        .assert_sim_error(404, Some(33));
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/groups/{group}/suspension")),
        &json!({ "suspended": "yes" }),
    )
    .await
    .assert_sim_error(400, None);

    sim.deliver(sandbox).await;
    let items = group_status_items(&receiver);
    assert_eq!(items.len(), 2, "{items:?}");
    let timestamp = items[0]["timestamp"].clone();
    assert!(timestamp.is_string());
    assert_eq!(
        items[0],
        json!({ "type": "group_suspend", "timestamp": timestamp, "group_id": group })
    );
    assert_eq!(items[1]["type"], "group_suspend_cleared");
    assert_eq!(items[1]["group_id"], group.as_str());
    items
}

#[tokio::test]
async fn whatsapp_suspends_a_group_and_lifts_the_suspension() {
    let first = {
        let sim = Sim::start().await;
        let sandbox = sim.demo(147).await;
        suspended_and_cleared(&sim, &sandbox).await
    };
    let sim = Sim::start().await;
    let sandbox = sim.demo(147).await;
    assert_eq!(suspended_and_cleared(&sim, &sandbox).await, first);
}

/// The group's own `failed` status of a message, from the receiver: its errors.
fn group_failure(receiver: &Receiver, id: &str) -> Value {
    let values = status_values(receiver, false);
    let failed: Vec<&Value> = values
        .iter()
        .map(|v| &v["statuses"][0])
        .filter(|s| s["id"] == id && s["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{values:?}");
    failed[0]["errors"].clone()
}

/// The pricing of the participants' `delivered` statuses of a message.
fn delivered_pricing(receiver: &Receiver, id: &str) -> Value {
    let values = participant_statuses(receiver);
    let delivered = values
        .iter()
        .find(|v| v["statuses"][0]["id"] == id && v["statuses"][0]["status"] == "delivered")
        .unwrap_or_else(|| panic!("{id} delivered: {values:?}"));
    delivered["statuses"][0]["pricing"].clone()
}

#[tokio::test]
async fn a_participants_message_opens_the_groups_window_for_a_day() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(148).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let group = group_with(&sim, &sandbox, "Ivy club", &[ALICE, BOB]).await;
    let text = |body: &str| to_group(&group, "text", json!({ "body": body }));
    let utility = to_group(
        &group,
        "template",
        template("order_update", &["all", "C-3"]),
    );

    // Nobody wrote yet: a free-form message is accepted, then fails with
    // 131047; a template goes out and is billed.
    let early = assert_group_sent(&post(&sim, &sandbox, &text("Hi all")).await, &group);
    let billed = assert_group_sent(&post(&sim, &sandbox, &utility).await, &group);

    // Bob writes: the window is open for the whole group, Alice included.
    participant_writes(&sim, &sandbox, BOB, &group, "Hello?").await;
    // The window is kept in snapshots.
    sim.assert_snapshot_round_trip(&sandbox).await;
    let inside = assert_group_sent(&post(&sim, &sandbox, &text("Hi Bob")).await, &group);
    let free = assert_group_sent(&post(&sim, &sandbox, &utility).await, &group);

    // A day later the window has closed again.
    sim.advance(&sandbox, DAY).await;
    let late = assert_group_sent(&post(&sim, &sandbox, &text("Still there?")).await, &group);
    let billed_again = assert_group_sent(&post(&sim, &sandbox, &utility).await, &group);

    sim.deliver(&sandbox).await;
    for failed in [&early, &late] {
        let errors = group_failure(&receiver, failed);
        assert_eq!(errors[0]["code"], 131047, "{errors}");
        assert_eq!(errors[0]["title"], "Re-engagement message");
        assert_eq!(errors[0]["error_data"]["details"], REENGAGEMENT);
    }
    let regular = json!({ "billable": true, "pricing_model": "PMP", "type": "regular",
        "category": "group_utility" });
    assert_eq!(delivered_pricing(&receiver, &billed), regular);
    assert_eq!(delivered_pricing(&receiver, &billed_again), regular);
    assert_eq!(
        delivered_pricing(&receiver, &free),
        json!({ "billable": false, "pricing_model": "PMP", "type": "free_customer_service",
            "category": "group_utility" })
    );
    assert_eq!(
        delivered_pricing(&receiver, &inside)["category"],
        "group_service"
    );
    for digits in [ALICE, BOB] {
        let inbox = sim.inbox(&sandbox, digits).await;
        let ids: Vec<&Value> = inbox.iter().map(|m| &m["id"]).collect();
        let expected = [&billed, &inside, &free, &billed_again].map(|id| json!(id));
        assert_eq!(ids, expected.iter().collect::<Vec<_>>(), "{digits}");
    }
}

#[tokio::test]
async fn a_participant_who_cannot_receive_gets_a_failed_status() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(149).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let group = group_with(&sim, &sandbox, "Lichen club", &[ALICE, BOB]).await;
    participant_writes(&sim, &sandbox, ALICE, &group, "Hi").await;
    let block = |blocked: bool| json!({ "phone_number_id": phone(&sandbox), "blocked": blocked });
    let path = sandbox.sim(&format!("/whatsapp/consumers/{BOB}/block"));
    sim.post_json(&path, &block(true)).await.ok();

    let body = to_group(&group, "text", json!({ "body": "Lichen walk at 10" }));
    let missed = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    sim.post_json(&path, &block(false)).await.ok();
    let body = to_group(&group, "text", json!({ "body": "See you all" }));
    let both = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    sim.deliver(&sandbox).await;

    let bob = bsuid(&sim, &sandbox, BOB).await;
    let values = participant_statuses(&receiver);
    assert_eq!(values.len(), 3, "{values:?}");
    // Alice got it (one delivered status), Bob's blocked the business: his
    // own failed status with 131026, no pricing, no contacts.
    assert_eq!(values[0]["statuses"][0]["status"], "delivered");
    assert_eq!(values[0]["statuses"][0]["recipient_participant_id"], ALICE);
    assert_eq!(values[0]["statuses"].as_array().map(Vec::len), Some(1));
    let failed = &values[1];
    assert!(failed.get("contacts").is_none(), "{failed}");
    let item = &failed["statuses"][0];
    let timestamp = item["timestamp"].clone();
    assert_eq!(
        failed["statuses"],
        json!([{ "id": missed, "recipient_id": group, "recipient_type": "group",
            "status": "failed", "timestamp": timestamp,
            "errors": [{ "code": 131026, "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": { "details": "Message Undeliverable." },
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" }],
            "recipient_participant_id": BOB, "recipient_participant_user_id": bob }])
    );
    // Unblocked, Bob receives the next one.
    assert_eq!(values[2]["statuses"][0]["id"], both.as_str());
    assert_eq!(values[2]["statuses"].as_array().map(Vec::len), Some(2));

    // The message he missed is not his to read, nor in his inbox.
    let inbox = sim.inbox(&sandbox, BOB).await;
    let ids: Vec<&Value> = inbox.iter().map(|m| &m["id"]).collect();
    assert_eq!(ids, [&json!(both)]);
    let read = group_read(
        &sim,
        &sandbox,
        BOB,
        &group,
        json!({ "message_ids": [missed] }),
    )
    .await;
    assert_eq!(read.ok()["read"], 0);
    sim.assert_snapshot_round_trip(&sandbox).await;
}

fn pin(group: &str, kind: &str, message_id: &str, days: Option<Value>) -> Value {
    let mut pin = json!({ "type": kind, "message_id": message_id });
    if let Some(days) = days {
        pin["expiration_days"] = days;
    }
    to_group(group, "pin", pin)
}

/// When each message of the group is pinned until, as Alice's inbox shows.
async fn pinned_until(sim: &Sim, sandbox: &Sandbox, ids: &[&String]) -> Vec<Value> {
    let inbox = sim.inbox(sandbox, ALICE).await;
    ids.iter()
        .map(|id| {
            let entry = inbox
                .iter()
                .find(|m| m["id"] == id.as_str())
                .expect("in the inbox");
            entry.get("pinned_until").cloned().unwrap_or(Value::Null)
        })
        .collect()
}

/// Pins and unpins in a group of Alice and Bob; the pins' wamids.
async fn pins_come_and_go(sim: &Sim, sandbox: &Sandbox) -> Vec<String> {
    let group = group_with(sim, sandbox, "Fungi club", &[ALICE, BOB]).await;
    let wrote = group_write(sim, sandbox, ALICE, &group, "Morels!").await;
    let alices = wrote.json["id"].as_str().expect("a wamid").to_owned();
    let mut texts = Vec::new();
    for body in ["One", "Two", "Three"] {
        let body = to_group(&group, "text", json!({ "body": body }));
        texts.push(assert_group_sent(&post(sim, sandbox, &body).await, &group));
    }
    let [one, two, three] = [&texts[0], &texts[1], &texts[2]];
    let now = sim.advance(sandbox, 1).await;
    let day = DAY as i64;
    let mut pins = Vec::new();
    let mut pinned = async |id: &str, days: Value| {
        let reply = post(sim, sandbox, &pin(&group, "pin", id, Some(days))).await;
        pins.push(assert_group_sent(&reply, &group));
    };

    pinned(one, json!(7)).await;
    pinned(two, json!("30")).await;
    pinned(three, json!(1)).await;
    assert_eq!(
        pinned_until(sim, sandbox, &[one, two, three]).await,
        [
            json!(now + 7 * day),
            json!(now + 30 * day),
            json!(now + day)
        ]
    );
    // A fourth pin (Alice's own message) replaces the oldest.
    pinned(&alices, json!(2)).await;
    assert_eq!(
        pinned_until(sim, sandbox, &[one, two]).await,
        [Value::Null, json!(now + 30 * day)]
    );
    let unpin = pin(&group, "unpin", two, None);
    let unpinned = assert_group_sent(&post(sim, sandbox, &unpin).await, &group);
    assert_eq!(pinned_until(sim, sandbox, &[two]).await, [Value::Null]);
    assert_whatsapp_error(
        &post(sim, sandbox, &unpin).await,
        400,
        131009,
        "Parameter value is not valid",
        "pin['message_id']: the message is not pinned in this group",
    );

    // A pin ends on its own when its days are over.
    sim.advance(sandbox, DAY).await;
    assert_eq!(pinned_until(sim, sandbox, &[three]).await, [Value::Null]);
    pinned(one, json!(30)).await;
    sim.assert_snapshot_round_trip(sandbox).await;
    assert_eq!(
        pinned_until(sim, sandbox, &[one]).await,
        [json!(now + DAY as i64 + 30 * day)]
    );
    pins.push(unpinned);
    pins
}

#[tokio::test]
async fn the_business_pins_messages_in_a_group_for_1_to_30_days() {
    let first = {
        let sim = Sim::start().await;
        let sandbox = sim.demo(150).await;
        pins_come_and_go(&sim, &sandbox).await
    };
    let sim = Sim::start().await;
    let sandbox = sim.demo(150).await;
    assert_eq!(pins_come_and_go(&sim, &sandbox).await, first);
}

#[tokio::test]
async fn pins_meta_does_not_take_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(151).await;
    let group = group_with(&sim, &sandbox, "Algae club", &[ALICE]).await;
    participant_writes(&sim, &sandbox, ALICE, &group, "Hi").await;
    let body = to_group(&group, "text", json!({ "body": "Pin me" }));
    let text = assert_group_sent(&post(&sim, &sandbox, &body).await, &group);
    let other = group_with(&sim, &sandbox, "Kelp club", &[ALICE]).await;
    let before = sim.events(&sandbox).await.len();

    let days = "Param pin['expiration_days'] must be an integer from 1 to 30.";
    for bad in [json!(0), json!(31), json!("a week"), json!(1.5)] {
        let reply = post(&sim, &sandbox, &pin(&group, "pin", &text, Some(bad))).await;
        assert_param_error(&reply, days);
    }
    assert_param_error(
        &post(&sim, &sandbox, &pin(&group, "pin", &text, None)).await,
        days,
    );
    assert_param_error(
        &post(&sim, &sandbox, &pin(&group, "unpin", &text, Some(json!(1)))).await,
        "Param pin['expiration_days'] is only taken with pin['type'] pin.",
    );
    assert_param_error(
        &post(&sim, &sandbox, &pin(&group, "stick", &text, Some(json!(1)))).await,
        "Param pin['type'] must be one of {pin, unpin} - got \"stick\".",
    );
    let mut missing = to_group(&group, "text", json!({ "body": "x" }));
    missing["type"] = json!("pin");
    assert_param_error(
        &post(&sim, &sandbox, &missing).await,
        "The parameter pin is required.",
    );
    // A message of another group, or none at all.
    for (group, id) in [(&other, text.as_str()), (&group, "wamid.nothing")] {
        assert_whatsapp_error(
            &post(&sim, &sandbox, &pin(group, "pin", id, Some(json!(1)))).await,
            400,
            131009,
            "Parameter value is not valid",
            "pin['message_id']: not a message of this group",
        );
    }
    assert_eq!(sim.events(&sandbox).await.len(), before, "nothing happened");
}

/// Once Meta enrols the business's portfolio for parent BSUIDs, each
/// participant's status names their parent BSUID
/// (`recipient_participant_parent_user_id`) and so does their contact
/// (`parent_user_id`).
#[tokio::test]
async fn participant_statuses_carry_parent_bsuids_once_enrolled() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(149).await;
    let account = enrol_parent_bsuids(&sim, &sandbox, &["business"]).await;
    let parent = parent_bsuid(&sim, &sandbox, ALICE, &account).await;
    let (_, text, _, receiver) = delivered_and_read(&sim, &sandbox).await;

    let values = participant_statuses(&receiver);
    let delivered = values
        .iter()
        .find(|v| v["statuses"][0]["id"] == text.as_str())
        .expect("the text's delivered status");
    let alice = &delivered["statuses"][0];
    assert_eq!(alice["recipient_participant_id"], ALICE);
    assert_eq!(
        alice["recipient_participant_parent_user_id"],
        parent.as_str()
    );
    assert_eq!(delivered["contacts"][0]["parent_user_id"], parent.as_str());
    let bob = &delivered["statuses"][1];
    let bob_parent = parent_bsuid(&sim, &sandbox, BOB, &account).await;
    assert_eq!(
        bob["recipient_participant_parent_user_id"],
        bob_parent.as_str()
    );
}
