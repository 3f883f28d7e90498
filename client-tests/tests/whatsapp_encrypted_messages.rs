//! `POST /{phone-number-id}/messages_encrypted`: what metasim can check
//! without Meta's private key — payload encryption on in the settings, a
//! business public key for the answer, a well-formed JWE with algorithms
//! Meta takes — and the refusal of a token it cannot decrypt.

use base64::Engine as _;
use client_tests::business::{call_manager as call, post};
use client_tests::whatsapp::{assert_param_error, phone};
use client_tests::{Reply, Sandbox, Sim, json};
use reqwest::Method;

async fn send(sim: &Sim, sandbox: &Sandbox, token: &str) -> Reply {
    let path = format!("/{}/messages_encrypted", phone(sandbox));
    let body = json!({ "messaging_product": "whatsapp", "encrypted_contents": token });
    call(sim, sandbox, Method::POST, &path, body).await
}

fn jwe(header: &serde_json::Value) -> String {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let parts = [
        b64(header.to_string().as_bytes()),
        b64(&[7; 256]),
        b64(&[1; 12]),
        b64(b"ciphertext"),
        b64(&[2; 16]),
    ];
    parts.join(".")
}

#[tokio::test]
async fn encrypted_sends_are_checked_as_far_as_metasim_can() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(191).await;
    let good = jwe(&json!({ "alg": "RSA-OAEP", "enc": "A256GCM" }));
    let off = send(&sim, &sandbox, &good).await;
    assert_param_error(
        &off,
        "Payload encryption is not enabled for this phone number: enable it with POST /{phone-number-id}/settings (payload_encryption.status: enabled)",
    );
    let settings = format!("/{}/settings", phone(&sandbox));
    post(
        &sim,
        &sandbox,
        &settings,
        &json!({ "payload_encryption": { "status": "enabled" } }),
    )
    .await
    .ok();
    let keyless = send(&sim, &sandbox, &good).await;
    assert!(
        keyless.message().contains("no business public key"),
        "{}",
        keyless.text()
    );
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\nMI{}\n-----END PUBLIC KEY-----",
        "A".repeat(398)
    );
    let key = format!("/{}/whatsapp_business_encryption", phone(&sandbox));
    post(&sim, &sandbox, &key, &json!({ "business_public_key": pem }))
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
    let refused = send(&sim, &sandbox, &good).await;
    assert_param_error(
        &refused,
        "encrypted_contents could not be decrypted (RSA-OAEP, A256GCM): the token is not encrypted with a key this phone number accepts",
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
