//! What each device holds: every message to the account reaches every
//! active device (fan-out), a logged-out device receives nothing more, a new
//! companion gets the history, a phone registered later starts empty, the
//! block list is the account's; and sending from a device — the consumer's
//! inbound route with `device_id` — is that device's activity.

use client_tests::devices::{active_ids, devices, devices_path, link};
use client_tests::whatsapp::{ALICE, DAY, T0, phone, post, template};
use client_tests::{Sandbox, Sim, Value, json};

/// The texts one device holds, chat by chat in order.
async fn texts(sim: &Sim, sandbox: &Sandbox, device: &str) -> Vec<String> {
    let inbox = sim
        .get(&devices_path(sandbox, ALICE, &format!("/{device}/inbox")))
        .await;
    inbox.ok()["chats"]
        .as_array()
        .expect("chats")
        .iter()
        .flat_map(|chat| chat["messages"].as_array().expect("messages").clone())
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn send_template(sim: &Sim, sandbox: &Sandbox, order: &str) {
    let body = json!({
        "messaging_product": "whatsapp", "to": ALICE, "type": "template",
        "template": template("order_update", &["Alice", order]),
    });
    post(sim, sandbox, &body).await.ok();
}

/// Alice writes `text` to the business number, from `device` (her phone when `None`).
async fn alice_writes(sim: &Sim, sandbox: &Sandbox, text: &str, device: Option<&str>) -> Value {
    let mut body = json!({ "to": phone(sandbox), "type": "text", "text": { "body": text } });
    if let Some(device) = device {
        body["device_id"] = json!(device);
    }
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/messages")),
            &body,
        )
        .await;
    reply.json
}

fn shipped(order: &str) -> String {
    format!("Hi Alice, your order {order} has shipped and will arrive tomorrow.\nLucky Shrub")
}

#[tokio::test]
async fn every_message_reaches_every_active_device_and_none_after_logout() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(320).await;
    let web = link(&sim, &sandbox, ALICE, "web").await;
    let tablet = link(&sim, &sandbox, ALICE, "tablet").await;
    send_template(&sim, &sandbox, "A-1").await;
    for device in ["15550109999:0", &web, &tablet] {
        assert_eq!(
            texts(&sim, &sandbox, device).await,
            [shipped("A-1")],
            "{device}"
        );
    }
    sim.post_json(
        &devices_path(&sandbox, ALICE, &format!("/{tablet}/logout")),
        &json!({}),
    )
    .await
    .ok();
    send_template(&sim, &sandbox, "A-2").await;
    for device in ["15550109999:0", &web] {
        assert_eq!(
            texts(&sim, &sandbox, device).await,
            [shipped("A-1"), shipped("A-2")],
            "{device}"
        );
    }
    assert_eq!(
        texts(&sim, &sandbox, &tablet).await,
        [shipped("A-1")],
        "a logged-out device keeps what it had and gets nothing more"
    );
    let inbox = sim
        .get(&devices_path(&sandbox, ALICE, &format!("/{tablet}/inbox")))
        .await;
    assert_eq!(inbox.ok()["device"]["state"], "logged_out");
    // A device's chat is the consumer's chat, bubbles and all.
    let chats = sim
        .get(&sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/chats")))
        .await;
    let web_inbox = sim
        .get(&devices_path(&sandbox, ALICE, &format!("/{web}/inbox")))
        .await;
    assert_eq!(web_inbox.ok()["chats"], chats.ok()["data"]);
}

#[tokio::test]
async fn what_a_device_sends_shows_on_every_device_and_counts_as_its_activity() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({
            "seed": 321,
            "devices": { "primary_inactivity_seconds": 0, "companion_inactivity_seconds": 3600 },
        }))
        .await;
    let web = link(&sim, &sandbox, ALICE, "web").await;
    let desktop = link(&sim, &sandbox, ALICE, "desktop").await;
    sim.advance(&sandbox, 3000).await;
    let sent = alice_writes(&sim, &sandbox, "Hi from the office", Some(&web)).await;
    assert!(sent["id"].as_str().is_some(), "{sent}");
    for device in ["15550109999:0", &web, &desktop] {
        assert_eq!(
            texts(&sim, &sandbox, device).await,
            ["Hi from the office"],
            "{device}"
        );
    }
    // The business hears it as from Alice, whichever device she used.
    let event = sim.events(&sandbox).await.pop().unwrap();
    assert_eq!(event["kind"], "whatsapp_inbound");
    assert_eq!(event["from"], ALICE);
    let web_device = &devices(&sim, &sandbox, ALICE).await[1];
    assert_eq!(web_device["last_active_at"], T0 + 3000);
    // The desktop, unused, goes after an hour; the web, used at 3000 s, stays.
    sim.advance(&sandbox, 601).await;
    assert_eq!(
        active_ids(&sim, &sandbox, ALICE).await,
        ["15550109999:0", web.as_str()]
    );
    sim.advance(&sandbox, 3000).await;
    assert_eq!(active_ids(&sim, &sandbox, ALICE).await, ["15550109999:0"]);
}

#[tokio::test]
async fn writing_from_the_phone_keeps_the_companions_linked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(322).await;
    link(&sim, &sandbox, ALICE, "web").await;
    sim.advance(&sandbox, 13 * DAY).await;
    alice_writes(&sim, &sandbox, "Still here", None).await;
    assert_eq!(
        devices(&sim, &sandbox, ALICE).await[0]["last_active_at"],
        T0 + 13 * DAY as i64
    );
    sim.advance(&sandbox, 14 * DAY).await;
    assert_eq!(active_ids(&sim, &sandbox, ALICE).await.len(), 2);
    sim.advance(&sandbox, 1).await;
    assert_eq!(active_ids(&sim, &sandbox, ALICE).await.len(), 1);
}

#[tokio::test]
async fn a_new_companion_gets_the_history_and_a_new_phone_starts_empty() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(323).await;
    send_template(&sim, &sandbox, "H-1").await;
    let web = link(&sim, &sandbox, ALICE, "web").await;
    assert_eq!(
        texts(&sim, &sandbox, &web).await,
        [shipped("H-1")],
        "history synced"
    );
    let registered = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/accounts/{ALICE}/register")),
            &json!({ "kind": "phone" }),
        )
        .await;
    let new_phone = registered.ok()["id"].as_str().unwrap().to_owned();
    assert!(
        texts(&sim, &sandbox, &new_phone).await.is_empty(),
        "no backup restored"
    );
    send_template(&sim, &sandbox, "H-2").await;
    assert_eq!(texts(&sim, &sandbox, &new_phone).await, [shipped("H-2")]);
    assert_eq!(
        texts(&sim, &sandbox, "15550109999:0").await,
        [shipped("H-1")],
        "the old phone, logged out, gets nothing more"
    );
}

#[tokio::test]
async fn every_device_shows_the_accounts_block_list() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(324).await;
    let web = link(&sim, &sandbox, ALICE, "web").await;
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/block")),
        &json!({ "phone_number_id": phone(&sandbox) }),
    )
    .await
    .ok();
    for device in ["15550109999:0", web.as_str()] {
        let inbox = sim
            .get(&devices_path(&sandbox, ALICE, &format!("/{device}/inbox")))
            .await;
        assert_eq!(
            inbox.ok()["blocked_phone_numbers"],
            json!([phone(&sandbox)])
        );
    }
}

#[tokio::test]
async fn only_an_active_device_of_the_account_can_send() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(325).await;
    let web = link(&sim, &sandbox, ALICE, "web").await;
    sim.delete(&devices_path(&sandbox, ALICE, &format!("/{web}")))
        .await
        .ok();
    let before = sim.events(&sandbox).await.len();
    let path = sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/messages"));
    let base = json!({ "to": phone(&sandbox), "type": "text", "text": { "body": "Hi" } });
    for (device_id, status, message) in [
        (
            json!(web),
            409,
            format!("(#100) Device {web} is logged out already"),
        ),
        (
            json!("15550108888:0"),
            404,
            "No device \"15550108888:0\" on this account".to_owned(),
        ),
        (
            json!(7),
            400,
            "(#100) device_id must be a string".to_owned(),
        ),
    ] {
        let mut body = base.clone();
        body["device_id"] = device_id;
        let reply = sim.post_json(&path, &body).await;
        let subcode = (status == 404).then_some(33);
        assert_eq!(reply.assert_sim_error(status, subcode), message);
    }
    assert_eq!(sim.events(&sandbox).await.len(), before, "nothing was sent");
    let unknown = sim
        .get(&devices_path(&sandbox, ALICE, "/15550109999:9/inbox"))
        .await;
    unknown.assert_sim_error(404, Some(33));
}
