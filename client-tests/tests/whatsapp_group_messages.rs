//! Messages in WhatsApp groups (Meta's Groups messaging): the business sends
//! text, media and templates to a group with `recipient_type: "group"`, its
//! statuses name the group, a participant's message reaches the business
//! with `group_id`, and sends Meta does not take in groups are refused.

use client_tests::business::{call_manager as call, get as read};
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, Value, json};
use reqwest::Method;

/// A group of the demo number that `members` joined; its id.
async fn group_with(sim: &Sim, sandbox: &Sandbox, subject: &str, members: &[&str]) -> String {
    let path = format!("/{}/groups", phone(sandbox));
    let body = json!({ "messaging_product": "whatsapp", "subject": subject });
    call(sim, sandbox, Method::POST, &path, body).await.ok();
    let listed = read(sim, sandbox, &path).await;
    let group = listed.ok()["data"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["subject"] == subject)
        .expect("the new group")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let link = read(sim, sandbox, &format!("/{group}/invite_link")).await;
    let link = link.ok()["invite_link"].clone();
    for digits in members {
        let join = sandbox.sim(&format!("/whatsapp/consumers/{digits}/groups/join"));
        sim.post_json(&join, &json!({ "invite_link": link }))
            .await
            .ok();
    }
    group
}

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

#[tokio::test]
async fn the_business_writes_to_a_group_and_hears_its_status() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(141).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    let group = group_with(&sim, &sandbox, "Fern club", &[ALICE, BOB]).await;

    // No customer-service window: nobody wrote, a text still goes out.
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
    let statuses: Vec<Value> = receiver
        .bodies()
        .iter()
        .map(|b| b["entry"][0]["changes"][0].clone())
        .filter(|c| c["field"] == "messages")
        .map(|c| c["value"].clone())
        .collect();
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

    // The group message opened no 1:1 window: a free-form text to Alice fails.
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
        "Param type must be one of {text, image, video, audio, document, template} for group messages - got \"interactive\".",
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
