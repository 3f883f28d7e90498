//! The identity-change check over HTTP: with `user_identity_change` on, an
//! inbound message's webhook shows the consumer's `identity_key_hash`; a
//! message sent with that hash in `recipient_identity_key_hash` is
//! delivered, and once the consumer registered WhatsApp on a new phone the
//! stale hash makes the send fail with 137000 (accepted, then a `failed`
//! status). With the check off the hash is neither shown nor checked.

use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, V, Value, json};

async fn set_check(sim: &Sim, sandbox: &Sandbox, on: bool) {
    let path = format!("/{V}/{}/settings", phone(sandbox));
    let body = json!({ "user_identity_change": { "enable_identity_key_check": on } });
    let reply = sim
        .send(
            sim.request(reqwest::Method::POST, &path)
                .bearer_auth(sandbox.token(MANAGER))
                .json(&body),
        )
        .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
}

/// Alice writes; the `contacts[0]` of the webhook that tells the business.
async fn alice_writes(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Value {
    open_window(sim, sandbox, ALICE).await;
    sim.deliver(sandbox).await;
    let body = receiver.bodies().pop().expect("a webhook");
    body["entry"][0]["changes"][0]["value"]["contacts"][0].clone()
}

async fn new_phone(sim: &Sim, sandbox: &Sandbox) {
    let path = sandbox.sim(&format!("/whatsapp/accounts/{ALICE}/register"));
    sim.post_json(&path, &json!({ "kind": "phone" })).await.ok();
}

/// Send Alice a text stating `hash`; the wamid.
async fn send_with_hash(sim: &Sim, sandbox: &Sandbox, hash: &str) -> String {
    let mut body = message(ALICE, "text", json!({ "body": "Your order shipped" }));
    body["recipient_identity_key_hash"] = json!(hash);
    assert_sent(&post(sim, sandbox, &body).await, ALICE, ALICE)
}

async fn assert_delivered(sim: &Sim, sandbox: &Sandbox, id: &str) {
    assert_eq!(status_names(sim, sandbox, id).await, ["sent", "delivered"]);
}

/// A demo sandbox whose app receives the WABA's `messages` at a receiver.
async fn subscribed(sim: &Sim, seed: u64) -> (Sandbox, Receiver) {
    let sandbox = sim.demo(seed).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, &["messages"]).await;
    (sandbox, receiver)
}

#[tokio::test]
async fn a_stale_identity_key_hash_fails_with_137000_once_the_consumer_changed_phone() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 81).await;
    set_check(&sim, &sandbox, true).await;

    let contact = alice_writes(&sim, &sandbox, &receiver).await;
    let hash = contact["identity_key_hash"]
        .as_str()
        .expect("identity_key_hash while the check is on")
        .to_owned();
    assert_eq!(hash.len(), 12, "8 bytes in base64: {hash}");
    let id = send_with_hash(&sim, &sandbox, &hash).await;
    assert_delivered(&sim, &sandbox, &id).await;

    // Alice installs WhatsApp on a new phone: a new identity key.
    new_phone(&sim, &sandbox).await;
    let id = send_with_hash(&sim, &sandbox, &hash).await;
    let error = failure(&sim, &sandbox, &id).await;
    assert_eq!(error["code"], 137000);
    assert_eq!(error["title"], "Identity key hash mismatch");
    // Without a hash the send is not checked.
    let plain = message(ALICE, "text", json!({ "body": "Hello?" }));
    let id = assert_sent(&post(&sim, &sandbox, &plain).await, ALICE, ALICE);
    assert_delivered(&sim, &sandbox, &id).await;

    // Her next message shows the new hash, and sending with it goes through.
    let renewed = alice_writes(&sim, &sandbox, &receiver).await["identity_key_hash"]
        .as_str()
        .expect("the new hash")
        .to_owned();
    assert_ne!(renewed, hash);
    let id = send_with_hash(&sim, &sandbox, &renewed).await;
    assert_delivered(&sim, &sandbox, &id).await;
}

#[tokio::test]
async fn with_the_check_off_the_hash_is_neither_shown_nor_checked() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 82).await;
    let contact = alice_writes(&sim, &sandbox, &receiver).await;
    assert!(contact.get("identity_key_hash").is_none(), "{contact}");
    new_phone(&sim, &sandbox).await;
    let id = send_with_hash(&sim, &sandbox, "AAAAAAAAAAA=").await;
    assert_delivered(&sim, &sandbox, &id).await;
}

#[tokio::test]
async fn the_same_seed_gives_the_same_identity_key_hash() {
    let sim = Sim::start().await;
    let mut hashes = Vec::new();
    for _ in 0..2 {
        let (sandbox, receiver) = subscribed(&sim, 83).await;
        set_check(&sim, &sandbox, true).await;
        hashes.push(alice_writes(&sim, &sandbox, &receiver).await["identity_key_hash"].clone());
    }
    assert!(hashes[0].is_string());
    assert_eq!(hashes[0], hashes[1]);
}
