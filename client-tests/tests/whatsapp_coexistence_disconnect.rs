//! How a WhatsApp Business app number leaves the Cloud API, and what then
//! fails: the business disconnects in the app, the primary goes unused for
//! more than 14 days, a companion for more than 30, the number is
//! registered on another phone — each `account_update` `PARTNER_REMOVED`
//! with Meta's `disconnection_info` — or the partner lets 24 hours pass
//! without both synchronizations (`ACCOUNT_OFFBOARDED`). Afterwards sends
//! fail with 133010; `/deregister` is refused while connected; the fixed
//! coexistence throughput is 20 messages a second.

use client_tests::coexistence::{SHOP, create_shop, numbers_path, onboard, smb_app_data};
use client_tests::devices::link;
use client_tests::receiver::{Receiver, subscribe_whatsapp};
use client_tests::whatsapp::{ALICE, DAY, T0, assert_whatsapp_error};
use client_tests::{Reply, Sandbox, Sim, V, Value, json};

/// A sandbox whose shop is onboarded (both synchronizations requested) and
/// whose app receives `account_update`; returns the shop's phone number id.
async fn connected(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> String {
    let id = create_shop(sim, sandbox).await;
    subscribe_whatsapp(sim, sandbox, receiver, &["account_update"]).await;
    onboard(sim, sandbox, true).await;
    for sync_type in ["smb_app_state_sync", "history"] {
        smb_app_data(sim, sandbox, &id, sync_type).await.ok();
    }
    id
}

/// The `account_update` webhook the receiver got last.
async fn last_account_update(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Value {
    sim.deliver(sandbox).await;
    receiver.bodies().pop().expect("a webhook")
}

fn partner_removed(sandbox: &Sandbox, time: i64, reason: &str, by: &str) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": sandbox.id_of("waba"), "time": time, "changes": [{
            "value": {
                "phone_number": SHOP,
                "event": "PARTNER_REMOVED",
                "disconnection_info": { "reason": reason, "initiated_by": by },
            },
            "field": "account_update",
        }]}],
    })
}

async fn send_text(sim: &Sim, sandbox: &Sandbox, id: &str) -> Reply {
    sim.send(
        sim.request(reqwest::Method::POST, &format!("/{V}/{id}/messages"))
            .bearer_auth(sandbox.token("system_user_token"))
            .json(
                &json!({ "messaging_product": "whatsapp", "to": ALICE, "type": "template",
                "template": { "name": "hello_world", "language": { "code": "en_US" } } }),
            ),
    )
    .await
}

#[tokio::test]
async fn the_business_disconnects_in_the_app_and_sends_fail_after() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(410).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let id = connected(&sim, &sandbox, &receiver).await;
    send_text(&sim, &sandbox, &id).await.ok();
    let deregister = sim
        .send(
            sim.request(reqwest::Method::POST, &format!("/{V}/{id}/deregister"))
                .bearer_auth(sandbox.token("system_user_token")),
        )
        .await;
    deregister.assert_error(400, 100, None, "OAuthException");
    assert!(
        deregister.message().contains("cannot be deregistered"),
        "{}",
        deregister.text()
    );
    sim.advance(&sandbox, 600).await;
    let out = sim
        .post_json(
            &numbers_path(&sandbox, &format!("/{SHOP}/disconnect")),
            &json!({}),
        )
        .await;
    assert_eq!(out.ok()["platform_type"], "NOT_APPLICABLE");
    assert_eq!(
        out.json["disconnection"],
        json!({ "at": T0 + 600, "event": "PARTNER_REMOVED", "reason": "ACCOUNT_DISCONNECTED", "initiated_by": "USER" })
    );
    assert_eq!(
        last_account_update(&sim, &sandbox, &receiver).await,
        partner_removed(&sandbox, T0 + 600, "ACCOUNT_DISCONNECTED", "USER")
    );
    let refused = send_text(&sim, &sandbox, &id).await;
    assert_whatsapp_error(
        &refused,
        400,
        133010,
        "Phone number Not Registered",
        "The sender phone number is not registered with the WhatsApp Cloud API. Register it with POST /{phone-number-id}/register.",
    );
    let again = sim
        .post_json(
            &numbers_path(&sandbox, &format!("/{SHOP}/disconnect")),
            &json!({}),
        )
        .await;
    assert_eq!(
        again.assert_sim_error(409, None),
        "(#100) This number is not connected to the Cloud API"
    );
    // Alice's messages now stay in the app: no webhook.
    let before = receiver.bodies().len();
    sim.inbound(
        &sandbox,
        ALICE,
        &id,
        json!({ "type": "text", "text": { "body": "Hello?" } }),
    )
    .await;
    sim.deliver(&sandbox).await;
    assert_eq!(receiver.bodies().len(), before);
}

#[tokio::test]
async fn an_unused_primary_disconnects_the_number_after_more_than_fourteen_days() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(411).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    connected(&sim, &sandbox, &receiver).await;
    sim.advance(&sandbox, 14 * DAY).await;
    sim.deliver(&sandbox).await;
    assert!(
        receiver.bodies().is_empty(),
        "exactly 14 days: still connected"
    );
    sim.advance(&sandbox, 1).await;
    assert_eq!(
        last_account_update(&sim, &sandbox, &receiver).await,
        partner_removed(
            &sandbox,
            T0 + 14 * DAY as i64 + 1,
            "PRIMARY_INACTIVITY",
            "SYSTEM"
        )
    );
}

#[tokio::test]
async fn an_unused_companion_disconnects_the_number_after_more_than_thirty_days() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 412, "devices": { "primary_inactivity_seconds": 0 } }))
        .await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    connected(&sim, &sandbox, &receiver).await;
    sim.advance(&sandbox, 3600).await;
    link(&sim, &sandbox, SHOP, "web").await;
    sim.advance(&sandbox, 30 * DAY + 1).await;
    assert_eq!(
        last_account_update(&sim, &sandbox, &receiver).await,
        partner_removed(
            &sandbox,
            T0 + 3600 + 30 * DAY as i64 + 1,
            "COMPANION_INACTIVITY",
            "SYSTEM"
        )
    );
}

#[tokio::test]
async fn registering_the_number_on_another_phone_disconnects_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(413).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    connected(&sim, &sandbox, &receiver).await;
    sim.post_json(
        &sandbox.sim(&format!("/whatsapp/accounts/{SHOP}/register")),
        &json!({ "kind": "phone" }),
    )
    .await
    .ok();
    assert_eq!(
        last_account_update(&sim, &sandbox, &receiver).await,
        partner_removed(&sandbox, T0, "USER_RE_REGISTERED", "USER")
    );
}

#[tokio::test]
async fn without_both_synchronizations_in_24_hours_the_number_is_offboarded() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(414).await;
    let id = create_shop(&sim, &sandbox).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["account_update"]).await;
    onboard(&sim, &sandbox, true).await;
    smb_app_data(&sim, &sandbox, &id, "smb_app_state_sync")
        .await
        .ok();
    sim.advance(&sandbox, DAY - 1).await;
    sim.deliver(&sandbox).await;
    assert!(receiver.bodies().is_empty());
    sim.advance(&sandbox, 2).await;
    assert_eq!(
        last_account_update(&sim, &sandbox, &receiver).await,
        json!({
            "object": "whatsapp_business_account",
            "entry": [{ "id": sandbox.id_of("waba"), "time": T0 + DAY as i64, "changes": [{
                "value": { "event": "ACCOUNT_OFFBOARDED" }, "field": "account_update",
            }]}],
        })
    );
    let late = smb_app_data(&sim, &sandbox, &id, "history").await;
    late.assert_error(400, 100, None, "OAuthException");
    let number = sim.get(&numbers_path(&sandbox, &format!("/{SHOP}"))).await;
    assert_eq!(number.ok()["disconnection"]["event"], "ACCOUNT_OFFBOARDED");
}

#[tokio::test]
async fn a_coexistence_number_sends_at_most_20_messages_a_second() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 415, "messaging_limits": { "pair_burst": 0 } }))
        .await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let id = connected(&sim, &sandbox, &receiver).await;
    for _ in 0..20 {
        send_text(&sim, &sandbox, &id).await.ok();
    }
    let over = send_text(&sim, &sandbox, &id).await;
    over.assert_error(400, 130429, None, "OAuthException");
    sim.advance(&sandbox, 1).await;
    send_text(&sim, &sandbox, &id).await.ok();
}
