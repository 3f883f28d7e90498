//! `POST /{phone-number-id}/messages_encrypted`: a `/messages` body encrypted
//! to the key the number's settings publish is sent exactly as a plain send
//! (same answer, statuses and checks) and answered as a JWE for the business
//! public key; refusals are unencrypted — payload encryption off, no or an
//! unusable business key, a malformed token, other algorithms, a token not
//! encrypted to metasim's key, a plaintext that is not a JSON object.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use client_tests::business::{call_manager as call, get, post};
use client_tests::payload_encryption::{
    business_key, business_public_pem, cloud_key, jwk_key, open, seal,
};
use client_tests::whatsapp::{
    ALICE, assert_param_error, message, open_window, phone, post as send_plain, status_names,
};
use client_tests::{Reply, Sandbox, Sim, json};
use reqwest::Method;
use rsa::RsaPublicKey;

async fn send(sim: &Sim, sandbox: &Sandbox, token: &str) -> Reply {
    let path = format!("/{}/messages_encrypted", phone(sandbox));
    let body = json!({ "messaging_product": "whatsapp", "encrypted_contents": token });
    call(sim, sandbox, Method::POST, &path, body).await
}

fn jwe(header: &serde_json::Value) -> String {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let parts = [
        b64(header.to_string().as_bytes()),
        b64(&[7; 256]),
        b64(&[1; 12]),
        b64(b"ciphertext"),
        b64(&[2; 16]),
    ];
    parts.join(".")
}

async fn enable_encryption(sim: &Sim, sandbox: &Sandbox) {
    let settings = format!("/{}/settings", phone(sandbox));
    let body = json!({ "payload_encryption": { "status": "enabled" } });
    post(sim, sandbox, &settings, &body).await.ok();
}

async fn set_business_key(sim: &Sim, sandbox: &Sandbox, pem: &str) -> Reply {
    let path = format!("/{}/whatsapp_business_encryption", phone(sandbox));
    post(sim, sandbox, &path, &json!({ "business_public_key": pem })).await
}

/// The key the number's settings publish while encryption is on.
async fn published_key(sim: &Sim, sandbox: &Sandbox) -> RsaPublicKey {
    let settings = get(sim, sandbox, &format!("/{}/settings", phone(sandbox))).await;
    let setting = settings.ok()["payload_encryption"]["cloud_encryption_key"]
        .as_str()
        .unwrap_or_else(|| panic!("a cloud_encryption_key in {}", settings.text()))
        .to_owned();
    cloud_key(&setting)
}

/// A demo sandbox with encryption on, the test's business key set and a
/// window open with Alice.
async fn ready(sim: &Sim, seed: u64) -> Sandbox {
    let sandbox = sim.demo(seed).await;
    enable_encryption(sim, &sandbox).await;
    set_business_key(sim, &sandbox, &business_public_pem())
        .await
        .ok();
    open_window(sim, &sandbox, ALICE).await;
    sandbox
}

#[tokio::test]
async fn an_encrypted_text_is_sent_like_a_plain_one_and_answered_encrypted() {
    let sim = Sim::start().await;
    let sandbox = ready(&sim, 191).await;
    let key = published_key(&sim, &sandbox).await;
    // The control plane publishes the same key, as a PEM and a JWK.
    let published = sim.get("/_sim/whatsapp/payload_encryption_key").await;
    assert_eq!(jwk_key(&published.ok()["jwk"]), key);
    let pem = published.ok()["public_key"].as_str().expect("a PEM");
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    assert_eq!(published.ok()["enc"].as_array().map(Vec::len), Some(5));

    let text = message(ALICE, "text", json!({ "body": "Your fern ships today" }));
    let reply = send(&sim, &sandbox, &seal(&key, text.to_string().as_bytes())).await;
    let answer = reply.ok();
    assert_eq!(answer.as_object().map(|a| a.len()), Some(1), "{answer}");
    let opened = open(answer["encrypted_contents"].as_str().expect("a JWE"));
    let id = opened["messages"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_eq!(
        opened,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": ALICE, "wa_id": ALICE }],
            "messages": [{ "id": id }],
        })
    );
    // The plain send of the same body goes the same way.
    let plain = send_plain(&sim, &sandbox, &text).await;
    let plain_id = plain.ok()["messages"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let encrypted_statuses = status_names(&sim, &sandbox, &id).await;
    assert!(!encrypted_statuses.is_empty(), "statuses of {id}");
    assert_eq!(
        encrypted_statuses,
        status_names(&sim, &sandbox, &plain_id).await
    );
    let inbox = sim.inbox(&sandbox, ALICE).await;
    assert!(
        inbox.iter().any(|m| m["id"] == id.as_str()),
        "Alice got {id}: {inbox:?}"
    );

    // The send's own checks answer unencrypted, as for /messages.
    let no_recipient =
        json!({ "messaging_product": "whatsapp", "type": "text", "text": { "body": "hi" } });
    let refused = send(
        &sim,
        &sandbox,
        &seal(&key, no_recipient.to_string().as_bytes()),
    )
    .await;
    let plain_refused = send_plain(&sim, &sandbox, &no_recipient).await;
    assert_eq!(refused.status, plain_refused.status);
    assert_eq!(refused.error()["message"], plain_refused.error()["message"]);
    assert!(refused.json.get("encrypted_contents").is_none());
}

#[tokio::test]
async fn the_encrypted_answer_is_the_same_bytes_for_the_same_seed_and_requests() {
    async fn answer(seed: u64) -> String {
        let sim = Sim::start().await;
        let sandbox = sim
            .create_sandbox(json!({ "id": "sealed", "seed": seed }))
            .await;
        enable_encryption(&sim, &sandbox).await;
        set_business_key(&sim, &sandbox, &business_public_pem())
            .await
            .ok();
        open_window(&sim, &sandbox, ALICE).await;
        let key = published_key(&sim, &sandbox).await;
        let text = message(ALICE, "text", json!({ "body": "same" }));
        let reply = send(&sim, &sandbox, &seal(&key, text.to_string().as_bytes())).await;
        reply.ok()["encrypted_contents"]
            .as_str()
            .expect("a JWE")
            .to_owned()
    }
    let first = answer(5).await;
    assert_eq!(
        first,
        answer(5).await,
        "the client's own randomness changes nothing"
    );
    let other = answer(6).await;
    assert_ne!(first, other);
    assert_eq!(open(&first)["messaging_product"], "whatsapp");
}

#[tokio::test]
async fn refusals_are_unencrypted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(191).await;
    let good = jwe(&json!({ "alg": "RSA-OAEP", "enc": "A256GCM" }));
    let off = send(&sim, &sandbox, &good).await;
    assert_param_error(
        &off,
        "Payload encryption is not enabled for this phone number: enable it with POST /{phone-number-id}/settings (payload_encryption.status: enabled)",
    );
    enable_encryption(&sim, &sandbox).await;
    let keyless = send(&sim, &sandbox, &good).await;
    assert!(
        keyless.message().contains("no business public key"),
        "{}",
        keyless.text()
    );
    // A key of the right shape that is no RSA key is taken by
    // whatsapp_business_encryption, but nothing can be encrypted to it.
    let not_rsa = format!(
        "-----BEGIN PUBLIC KEY-----\nMI{}\n-----END PUBLIC KEY-----",
        "A".repeat(398)
    );
    set_business_key(&sim, &sandbox, &not_rsa).await.ok();
    assert_param_error(
        &send(&sim, &sandbox, &good).await,
        "The business public key of this phone number is not an RSA public key (2048 to 4096 bits) the response can be encrypted to: set another with POST /{phone-number-id}/whatsapp_business_encryption",
    );
    set_business_key(&sim, &sandbox, &business_public_pem())
        .await
        .ok();

    assert_param_error(
        &send(&sim, &sandbox, "not-a-jwe").await,
        "Invalid JWE token format: a JWE has five base64url parts separated by dots",
    );
    assert_param_error(
        &send(&sim, &sandbox, "a.b.c.d.e!").await,
        "Invalid JWE token format: a part is not base64url",
    );
    let weak = jwe(&json!({ "alg": "dir", "enc": "A256GCM" }));
    assert_param_error(
        &send(&sim, &sandbox, &weak).await,
        "Invalid JWE token format: unsupported alg \"dir\"",
    );
    let undecryptable = "encrypted_contents could not be decrypted (RSA-OAEP, A256GCM): the token is not encrypted with a key this phone number accepts";
    assert_param_error(&send(&sim, &sandbox, &good).await, undecryptable);
    // Encrypted to another key (the business's own) it does not decrypt either.
    let elsewhere = seal(&business_key().to_public_key(), b"{}");
    assert_param_error(&send(&sim, &sandbox, &elsewhere).await, undecryptable);
    let key = published_key(&sim, &sandbox).await;
    assert_param_error(
        &send(&sim, &sandbox, &seal(&key, b"[1, 2]")).await,
        "encrypted_contents decrypts to something other than a JSON object: encrypt the body of a /messages request",
    );
    let missing = call(
        &sim,
        &sandbox,
        Method::POST,
        &format!("/{}/messages_encrypted", phone(&sandbox)),
        json!({ "messaging_product": "whatsapp" }),
    )
    .await;
    assert_param_error(&missing, "The parameter encrypted_contents is required");
}
