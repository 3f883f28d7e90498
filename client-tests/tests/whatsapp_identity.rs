//! Business-scoped user ids and who may see a consumer's phone number: the
//! 30-day exchange rule, the portfolio's contact book, sending by BSUID,
//! contact requests, number changes and 131062.

use client_tests::whatsapp::{ANA, create_ana};
use client_tests::{Sandbox, Sim, V, Value, json};
use reqwest::Method;

async fn setup(sim: &Sim, seed: u64) -> Sandbox {
    let sandbox = sim.demo(seed).await;
    create_ana(sim, &sandbox).await;
    sandbox
}

async fn events(sim: &Sim, sandbox: &Sandbox) -> Vec<Value> {
    sim.get(&sandbox.sim("/events")).await.json["data"]
        .as_array()
        .unwrap()
        .clone()
}

async fn inbound(sim: &Sim, sandbox: &Sandbox, from: &str) -> String {
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{from}/messages")),
            &json!({"to": sandbox.id_of("phone_number"), "type": "text", "text": {"body": "hi"}}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().unwrap().to_owned()
}

fn user_id(sim_consumer: &Value, sandbox: &Sandbox) -> String {
    sim_consumer["user_ids"][sandbox.id_of("business")]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_username_hides_the_phone_until_an_exchange_or_the_contact_book() {
    let sim = Sim::start().await;
    let sandbox = setup(&sim, 51).await;
    let business = sandbox.id_of("business");
    inbound(&sim, &sandbox, ANA).await;
    let first = events(&sim, &sandbox).await;
    let first = first.last().unwrap();
    assert_eq!(first["kind"], "whatsapp_inbound");
    assert!(
        first.get("from").is_none(),
        "first contact hides the phone: {first}"
    );
    assert_eq!(first["username"], "ana.diaz");
    assert!(first["from_user_id"].as_str().unwrap().starts_with("US."));
    // The exchange put Ana in the contact book; now her phone shows.
    inbound(&sim, &sandbox, ANA).await;
    assert_eq!(events(&sim, &sandbox).await.last().unwrap()["from"], ANA);
    let book = sim
        .get(&sandbox.sim(&format!("/whatsapp/businesses/{business}/contact_book")))
        .await;
    assert_eq!(book.ok()["enabled"], true);
    assert_eq!(book.json["entries"][0]["phone"], ANA);
    // Contact book off: the 30-day exchange rule alone keeps it visible…
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/businesses/{business}/contact_book")),
        &json!({"enabled": false}),
    )
    .await
    .ok();
    inbound(&sim, &sandbox, ANA).await;
    assert_eq!(events(&sim, &sandbox).await.last().unwrap()["from"], ANA);
    // …until 30 days pass without an exchange.
    sim.advance(&sandbox, 30 * 24 * 3600).await;
    inbound(&sim, &sandbox, ANA).await;
    assert!(
        events(&sim, &sandbox)
            .await
            .last()
            .unwrap()
            .get("from")
            .is_none()
    );
    // A consumer without a username always shows the phone.
    inbound(&sim, &sandbox, "15550109999").await;
    assert_eq!(
        events(&sim, &sandbox).await.last().unwrap()["from"],
        "15550109999"
    );
}

#[tokio::test]
async fn sending_by_bsuid_withholds_the_phone_in_statuses_when_it_may_not_be_shown() {
    let sim = Sim::start().await;
    let sandbox = setup(&sim, 52).await;
    let consumer = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ANA}")))
        .await;
    let bsuid = user_id(&consumer.json, &sandbox);
    let send = |body: Value| {
        sim.send(
            sim.request(
                Method::POST,
                &format!("/{V}/{}/messages", sandbox.id_of("phone_number")),
            )
            .bearer_auth(sandbox.token("system_user_token"))
            .json(&body),
        )
    };
    let template = json!({"messaging_product": "whatsapp", "recipient": bsuid, "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}}});
    let reply = send(template.clone()).await;
    assert_eq!(
        reply.ok()["contacts"][0],
        json!({"input": bsuid, "user_id": bsuid})
    );
    let sent = events(&sim, &sandbox).await;
    let first = &sent[0];
    assert_eq!(first["status"], "sent");
    assert!(first.get("recipient").is_none(), "{first}");
    assert_eq!(first["addressed_by_user_id"], true);
    assert_eq!(first["recipient_user_id"], bsuid.as_str());
    // After that exchange the phone may be shown.
    send(template).await.ok();
    assert_eq!(
        events(&sim, &sandbox).await.last().unwrap()["recipient"],
        ANA
    );

    // Authentication templates need a phone number.
    let waba = sandbox.id_of("waba");
    let created = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{waba}/message_templates"))
                .bearer_auth(sandbox.token("system_user_token"))
                .json(&json!({
            "name": "login_code", "language": "en_US", "category": "AUTHENTICATION",
            "components": [{"type": "BODY", "text": "{{1}} is your code."}]})),
        )
        .await;
    let template_id = created.ok()["id"].as_str().unwrap().to_owned();
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/templates/{template_id}/review")),
        &json!({"status": "APPROVED"}),
    )
    .await
    .ok();
    let auth = json!({"messaging_product": "whatsapp", "recipient": bsuid, "type": "template",
        "template": {"name": "login_code", "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "123456"}]}]}});
    let refused = send(auth.clone()).await;
    refused.assert_error(400, 131062, None, "OAuthException");
    assert_eq!(
        refused.message(),
        "(#131062) Business-scoped User ID (BSUID) recipients are not supported for this message."
    );
    let mut by_phone = auth;
    by_phone["to"] = json!(ANA);
    send(by_phone).await.ok();
}

#[tokio::test]
async fn the_contact_book_can_lose_an_entry_and_a_contact_request_adds_one() {
    let sim = Sim::start().await;
    let sandbox = setup(&sim, 53).await;
    let phone = sandbox.id_of("phone_number");
    let consumer = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ANA}")))
        .await;
    let bsuid = user_id(&consumer.json, &sandbox);
    let delete = |id: String| {
        sim.send(
            sim.request(
                Method::DELETE,
                &format!("/{V}/{phone}/contact_book?messaging_product=whatsapp&bsuid={id}"),
            )
            .bearer_auth(sandbox.token("system_user_token")),
        )
    };
    assert_eq!(
        delete(bsuid.clone()).await.ok(),
        &json!({"messaging_product": "whatsapp", "success": true, "deleted": false})
    );
    // Ana shares her number through a contact request.
    let shared = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ANA}/share_phone")),
            &json!({"to": phone}),
        )
        .await;
    assert_eq!(shared.status, 201, "{}", shared.text());
    let last = events(&sim, &sandbox).await.pop().unwrap();
    assert_eq!(last["message"]["type"], "contacts");
    assert_eq!(last["message"]["contacts"][0]["origin"], "contact_request");
    assert_eq!(last["message"]["contacts"][0]["phones"][0]["wa_id"], ANA);
    assert_eq!(delete(bsuid).await.ok()["deleted"], true);
    let unknown = delete("US.1".to_owned()).await;
    unknown.assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn a_number_change_brings_new_bsuids_and_a_system_message() {
    let sim = Sim::start().await;
    let sandbox = setup(&sim, 54).await;
    let before = sim
        .get(&sandbox.sim("/whatsapp/consumers/15550109999"))
        .await;
    let old_id = user_id(&before.json, &sandbox);
    inbound(&sim, &sandbox, "15550109999").await;
    let changed = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers/15550109999/change_number"),
            &json!({"new_phone": "+1 555 010 6666"}),
        )
        .await;
    let new_id = user_id(changed.ok(), &sandbox);
    assert_ne!(new_id, old_id);
    assert_eq!(changed.json["phone"], "15550106666");
    let system = events(&sim, &sandbox).await.pop().unwrap();
    assert_eq!(system["from"], "15550109999");
    assert_eq!(system["message"]["type"], "system");
    assert_eq!(system["message"]["system"]["type"], "user_changed_number");
    assert_eq!(system["message"]["system"]["wa_id"], "15550106666");
    assert_eq!(system["message"]["system"]["user_id"], new_id.as_str());
    assert_eq!(
        system["message"]["system"]["previous_user_id"],
        old_id.as_str()
    );
    assert_eq!(
        system["message"]["system"]["body"],
        "User Alice Rivera changed from +15550109999 to +15550106666"
    );
    sim.get(&sandbox.sim("/whatsapp/consumers/15550109999"))
        .await
        .assert_sim_error(404, Some(33));
    let taken = sim
        .post_json(
            &sandbox.sim("/whatsapp/consumers/15550106666/change_number"),
            &json!({"new_phone": "15550108888"}),
        )
        .await;
    taken.assert_sim_error(409, None);
}
