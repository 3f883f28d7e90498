//! `POST /{phone-number-id}/messages_encrypted`: a `/messages` body encrypted
//! to the key the number's settings publish is sent exactly as a plain send
//! (same answer, statuses and checks) and answered as a JWE for the client
//! key given when encryption was turned on; refusals are unencrypted —
//! payload encryption off, a malformed token, other algorithms, a token not
//! encrypted to metasim's key, a plaintext that is not a JSON object. The
//! client key itself: refused unless it is an RSA key of 2048–4096 bits,
//! taken as a SubjectPublicKeyInfo or a PKCS#1 PEM (the fingerprint over
//! the SubjectPublicKeyInfo either way), shown by its fingerprint, forgotten
//! when encryption is turned off, kept in snapshots; state from before client keys answers to the business
//! public key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use client_tests::business::{call_manager as call, get, post};
use client_tests::payload_encryption::{
    business_key, business_public_pem, client_key, cloud_key, enabling, fingerprint, jwk_key,
    key_setting, open, open_with, seal,
};
use client_tests::whatsapp::{
    ALICE, assert_param_error, message, open_window, phone, post as send_plain, status_names,
};
use client_tests::{Reply, Sandbox, Sim, json};
use reqwest::Method;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{BigUint, RsaPublicKey};
use serde_json::Value;

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
    post(sim, sandbox, &settings, &enabling()).await.ok();
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

/// A demo sandbox with encryption on with the test's client key, the
/// test's business key set too (answers go to the client key all the same)
/// and a window open with Alice.
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
        "Payload encryption is not enabled for this phone number: enable it with POST /{phone-number-id}/settings (payload_encryption.status: enabled, with a client_encryption_key)",
    );
    enable_encryption(&sim, &sandbox).await;
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

/// `POST /{phone-number-id}/settings` with `{"payload_encryption": value}`.
async fn set_encryption(sim: &Sim, sandbox: &Sandbox, value: Value) -> Reply {
    let path = format!("/{}/settings", phone(sandbox));
    post(sim, sandbox, &path, &json!({ "payload_encryption": value })).await
}

/// `payload_encryption` as `GET /{phone-number-id}/settings` shows it.
async fn shown(sim: &Sim, sandbox: &Sandbox) -> Value {
    let settings = get(sim, sandbox, &format!("/{}/settings", phone(sandbox))).await;
    settings.ok()["payload_encryption"].clone()
}

/// Send a text to Alice encrypted; the answer's JWE.
async fn encrypted_text(sim: &Sim, sandbox: &Sandbox, body: &str) -> String {
    let key = published_key(sim, sandbox).await;
    let text = message(ALICE, "text", json!({ "body": body }));
    let reply = send(sim, sandbox, &seal(&key, text.to_string().as_bytes())).await;
    reply.ok()["encrypted_contents"]
        .as_str()
        .unwrap_or_else(|| panic!("a JWE in {}", reply.text()))
        .to_owned()
}

#[tokio::test]
async fn the_client_key_is_shown_by_its_fingerprint_answered_to_and_forgotten_when_off() {
    let sim = Sim::start().await;
    let sandbox = ready(&sim, 193).await;
    let client = client_key().to_public_key();
    let on = shown(&sim, &sandbox).await;
    assert_eq!(on["status"], "enabled");
    assert_eq!(
        on["client_encryption_key_fingerprint"],
        fingerprint(&client)
    );
    assert!(on["cloud_encryption_key"].is_string(), "{on}");
    let answer = encrypted_text(&sim, &sandbox, "to the client key").await;
    assert_eq!(open(&answer)["contacts"][0]["wa_id"], ALICE);

    // Another key replaces it: its fingerprint shows, answers go to it.
    let other = business_key().to_public_key();
    let rekey = json!({ "status": "enabled", "client_encryption_key": key_setting(&other) });
    assert_eq!(
        set_encryption(&sim, &sandbox, rekey).await.ok(),
        &json!({"success": true})
    );
    let rekeyed = shown(&sim, &sandbox).await;
    assert_eq!(
        rekeyed["client_encryption_key_fingerprint"],
        fingerprint(&other)
    );
    assert_ne!(rekeyed, on);
    let answer = encrypted_text(&sim, &sandbox, "to the other key").await;
    assert_eq!(
        open_with(&business_key(), &answer)["messaging_product"],
        "whatsapp"
    );

    // Off: the fingerprint and the key are gone, and sends are refused.
    set_encryption(&sim, &sandbox, json!({ "status": "disabled" }))
        .await
        .ok();
    assert_eq!(shown(&sim, &sandbox).await, json!({ "status": "disabled" }));
    let refused = send(&sim, &sandbox, &seal(&client, b"{}")).await;
    assert!(
        refused.message().contains("not enabled"),
        "{}",
        refused.text()
    );
    // On again needs a key again (Meta's spec: required when enabling).
    assert_param_error(
        &set_encryption(&sim, &sandbox, json!({ "status": "enabled" })).await,
        "Param payload_encryption['client_encryption_key'] is required when payload_encryption['status'] is enabled",
    );
    assert_eq!(shown(&sim, &sandbox).await, json!({ "status": "disabled" }));
}

/// The public half of an RSA key with a modulus of `bits` bits, as a PEM
/// (no primes needed: nothing is encrypted to it).
fn public_pem_of(bits: usize) -> String {
    let mut bytes = vec![0xa5u8; bits.div_ceil(8)];
    bytes[0] = 0x80 >> ((8 - bits % 8) % 8);
    let modulus = BigUint::from_bytes_be(&bytes); // odd: it ends in 0xa5
    RsaPublicKey::new_with_max_size(modulus, BigUint::from(65537u32), 8192)
        .expect("an RSA key")
        .to_public_key_pem(LineEnding::LF)
        .expect("a PEM")
}

#[tokio::test]
async fn client_keys_that_are_no_rsa_key_of_2048_to_4096_bits_are_refused() {
    use base64::engine::general_purpose::STANDARD;
    let sim = Sim::start().await;
    let sandbox = ready(&sim, 194).await;
    let before = shown(&sim, &sandbox).await;
    let b64 = |text: &str| json!(STANDARD.encode(text));
    let param = "Param payload_encryption['client_encryption_key']";
    let not_pem = format!(
        "{param} must be the base64 of a PEM-encoded public key (-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)"
    );
    let private = client_key().to_pkcs8_pem(LineEnding::LF).expect("a PEM");
    let ec = "-----BEGIN PUBLIC KEY-----\n\
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwKq14YCo9VX8wya/b/gpwY8Z2f8e\n\
        yHxfPtq/iVdKb1guR35qU49C8WKDs0faPZ+5PBMSBVckIv4s4VIui5OEmA==\n\
        -----END PUBLIC KEY-----\n";
    let cases = [
        (json!(2048), format!("{param} must be a string")),
        (
            json!("not base64!"),
            format!("{param} must be base64-encoded"),
        ),
        (b64("a fern"), not_pem.clone()),
        (b64(&private), not_pem),
        (b64(ec), format!("{param} must be an RSA public key")),
        (
            b64(&public_pem_of(1024)),
            format!("{param} must be an RSA public key of 2048 to 4096 bits, not 1024"),
        ),
        (
            b64(&public_pem_of(8192)),
            format!("{param} must be an RSA public key of 2048 to 4096 bits, not 8192"),
        ),
    ];
    for (key, error) in cases {
        let update = json!({ "status": "enabled", "client_encryption_key": key });
        assert_param_error(&set_encryption(&sim, &sandbox, update).await, &error);
        assert_eq!(shown(&sim, &sandbox).await, before, "{error}");
    }
    // The edges are taken.
    for bits in [2048, 4096] {
        let key = b64(&public_pem_of(bits));
        let update = json!({ "status": "enabled", "client_encryption_key": key });
        set_encryption(&sim, &sandbox, update).await.ok();
    }
}

#[tokio::test]
async fn a_pkcs1_rsa_public_key_pem_is_taken_and_fingerprinted_as_its_subject_public_key_info() {
    use base64::engine::general_purpose::STANDARD;
    use rsa::pkcs1::EncodeRsaPublicKey;
    let sim = Sim::start().await;
    let sandbox = ready(&sim, 195).await;
    let other = business_key().to_public_key();
    let pkcs1 = other.to_pkcs1_pem(LineEnding::LF).expect("a PEM");
    assert!(
        pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"),
        "{pkcs1}"
    );
    let update = json!({ "status": "enabled", "client_encryption_key": STANDARD.encode(&pkcs1) });
    assert_eq!(
        set_encryption(&sim, &sandbox, update).await.ok(),
        &json!({"success": true})
    );
    // The same fingerprint as the key's `BEGIN PUBLIC KEY` form gives.
    assert_eq!(
        shown(&sim, &sandbox).await["client_encryption_key_fingerprint"],
        fingerprint(&other)
    );
    let answer = encrypted_text(&sim, &sandbox, "to a PKCS#1 key").await;
    assert_eq!(
        open_with(&business_key(), &answer)["contacts"][0]["wa_id"],
        ALICE
    );
    // A PKCS#1 label around something else is still no key.
    let bogus = "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n";
    let update = json!({ "status": "enabled", "client_encryption_key": STANDARD.encode(bogus) });
    assert!(
        set_encryption(&sim, &sandbox, update)
            .await
            .message()
            .contains("PEM-encoded public key")
    );
}

#[tokio::test]
async fn snapshots_keep_the_client_key_and_older_state_answers_to_the_business_key() {
    let sim = Sim::start().await;
    let sandbox = ready(&sim, 195).await;
    let on = shown(&sim, &sandbox).await;
    let exported = sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(shown(&sim, &sandbox).await, on);
    let mut snapshot: Value = serde_json::from_slice(&exported).expect("JSON");
    let number = phone(&sandbox);
    let settings = &mut snapshot["whatsapp"]["phone_numbers"][&number]["settings"];
    let kept = settings["client_encryption_key"].as_str().expect("the key");
    assert!(kept.starts_with("-----BEGIN PUBLIC KEY-----"), "{kept}");

    // A kept key that is no RSA key of 2048–4096 bits is refused whole.
    settings["client_encryption_key"] = json!(public_pem_of(1024));
    let bad = serde_json::to_vec(&snapshot).expect("JSON");
    let refused = sim.restore(&sandbox, &bad).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(
        refused.message().contains("settings.client_encryption_key"),
        "{}",
        refused.text()
    );
    assert_eq!(shown(&sim, &sandbox).await, on);

    // State from before client keys (encryption on, no key): no
    // fingerprint, and answers go to the business public key.
    let settings = &mut snapshot["whatsapp"]["phone_numbers"][&number]["settings"];
    settings
        .as_object_mut()
        .expect("settings")
        .remove("client_encryption_key");
    let older = serde_json::to_vec(&snapshot).expect("JSON");
    sim.restore(&sandbox, &older).await.ok();
    let shown_older = shown(&sim, &sandbox).await;
    assert!(
        shown_older
            .get("client_encryption_key_fingerprint")
            .is_none()
    );
    assert_eq!(shown_older["status"], "enabled");
    let answer = encrypted_text(&sim, &sandbox, "to the business key").await;
    assert_eq!(
        open_with(&business_key(), &answer)["contacts"][0]["input"],
        ALICE
    );
    // … which must be one metasim can encrypt to.
    let not_rsa = format!(
        "-----BEGIN PUBLIC KEY-----\nMI{}\n-----END PUBLIC KEY-----",
        "A".repeat(398)
    );
    set_business_key(&sim, &sandbox, &not_rsa).await.ok();
    let key = published_key(&sim, &sandbox).await;
    assert_param_error(
        &send(&sim, &sandbox, &seal(&key, b"{}")).await,
        "The business public key of this phone number is not an RSA public key (2048 to 4096 bits) the response can be encrypted to: set another with POST /{phone-number-id}/whatsapp_business_encryption",
    );
    snapshot["whatsapp"]["public_keys"]
        .as_object_mut()
        .expect("the business keys")
        .remove(number);
    let keyless = serde_json::to_vec(&snapshot).expect("JSON");
    sim.restore(&sandbox, &keyless).await.ok();
    let refused = send(&sim, &sandbox, &seal(&key, b"{}")).await;
    assert!(
        refused.message().contains("no business public key"),
        "{}",
        refused.text()
    );
}
