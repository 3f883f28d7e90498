//! Determinism of devices and coexistence: the same sandbox id, seed and
//! requests on two servers give byte-identical answers (device ids, QR
//! payloads and link codes, request ids), byte-identical webhooks with the
//! same signatures (state sync, history, echoes, the disconnection), and a
//! the same snapshot (but for the receiver's port and its answering time) —
//! which, imported, exports the same bytes again.

use client_tests::coexistence::{
    SHOP, create_shop, numbers_path, onboard, shop_says, smb_app_data,
};
use client_tests::devices::{devices_path, link};
use client_tests::receiver::{Receiver, subscribe_whatsapp, without_latency};
use client_tests::whatsapp::{ALICE, BOB, DAY};
use client_tests::{Sim, Value, json};

/// Everything one server answered and sent, in order.
async fn transcript(seed: u64) -> (Vec<String>, Value, String) {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "id": "same", "seed": seed }))
        .await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let fields = [
        "messages",
        "history",
        "smb_app_state_sync",
        "smb_message_echoes",
        "account_update",
    ];
    subscribe_whatsapp(&sim, &sandbox, &receiver, &fields).await;
    let mut out = Vec::new();
    let asked = sim
        .post_json(
            &devices_path(&sandbox, ALICE, "/link-code"),
            &json!({ "kind": "web" }),
        )
        .await;
    out.push(asked.text());
    let code = asked.json["code"].as_str().unwrap().to_owned();
    let linked = sim
        .post_json(
            &devices_path(&sandbox, ALICE, "/link-code/confirm"),
            &json!({ "code": code }),
        )
        .await;
    out.push(linked.text());
    let qr = sim
        .post_json(
            &devices_path(&sandbox, BOB, "/qr"),
            &json!({ "kind": "desktop" }),
        )
        .await;
    out.push(qr.text());
    let id = create_shop(&sim, &sandbox).await;
    out.push(id.clone());
    let question = sim
        .inbound(
            &sandbox,
            ALICE,
            SHOP,
            json!({ "type": "text", "text": { "body": "Open today?" } }),
        )
        .await;
    out.push(question);
    out.push(shop_says(&sim, &sandbox, ALICE, "Until six.", None).await);
    sim.advance(&sandbox, 3600).await;
    out.push(onboard(&sim, &sandbox, true).await.to_string());
    for sync_type in ["smb_app_state_sync", "history"] {
        out.push(smb_app_data(&sim, &sandbox, &id, sync_type).await.text());
    }
    let staff = link(&sim, &sandbox, SHOP, "tablet").await;
    out.push(shop_says(&sim, &sandbox, ALICE, "See you!", Some(&staff)).await);
    sim.advance(&sandbox, 15 * DAY).await;
    for digits in [ALICE, BOB, SHOP] {
        out.push(sim.get(&devices_path(&sandbox, digits, "")).await.text());
    }
    out.push(sim.get(&numbers_path(&sandbox, "")).await.text());
    sim.deliver(&sandbox).await;
    for post in receiver.posts() {
        out.push(format!(
            "{} {} {}",
            post.header("x-hub-signature-256"),
            post.header("x-hub-signature"),
            post.text()
        ));
    }
    let snapshot = sim.get(&sandbox.sim("/snapshot")).await.text();
    // What may differ between servers: the receiver's port, and how long it
    // took to answer (real time, outside the determinism contract).
    let mut state: Value =
        serde_json::from_str(&snapshot.replace(&receiver.url("/hook"), "http://receiver/hook"))
            .expect("a JSON snapshot");
    for delivery in state["webhooks"]["deliveries"]
        .as_array_mut()
        .expect("deliveries")
    {
        *delivery = without_latency(delivery.take());
    }
    (out, state, snapshot)
}

#[tokio::test]
async fn devices_and_coexistence_are_byte_identical_for_the_same_seed() {
    let (first, state, snapshot) = transcript(9).await;
    let (second, again, _) = transcript(9).await;
    assert_eq!(first, second);
    assert_eq!(state, again);
    assert!(
        first.iter().any(|line| line.contains("PRIMARY_INACTIVITY")),
        "the run reached the disconnection"
    );
    // The snapshot, imported, exports the very same bytes.
    let sim = Sim::start().await;
    let sandbox = sim.create_sandbox(json!({ "id": "same", "seed": 1 })).await;
    let put = sim
        .send(
            sim.request(reqwest::Method::PUT, &sandbox.sim("/snapshot"))
                .header("content-type", "application/json")
                .body(snapshot.clone()),
        )
        .await;
    put.ok();
    assert_eq!(sim.get(&sandbox.sim("/snapshot")).await.text(), snapshot);
    // Another seed hands out other codes.
    let (other, _, _) = transcript(10).await;
    assert_ne!(first[0], other[0]);
}
