//! Webhook details as Meta sends them: inbound media with its SHA-256 in
//! base64 and a lookaside `url` that downloads the file, a voice note's
//! `voice` and codec, a sticker's `animated`; template status updates with
//! `rejection_info` (rejected for its format), `other_info` (first and
//! second pause) and `disable_info`; and the phone-number callback override
//! (`POST /{phone-number-id}` `webhook_configuration`): handshake first,
//! then `messages` go to the number's URL while template updates stay on the
//! app's, and `webhook_configuration` shows it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, V, Value, json};
use reqwest::Method;
use sha2::{Digest, Sha256};

async fn subscribed(sim: &Sim, seed: u64, fields: &[&str]) -> (Sandbox, Receiver) {
    let sandbox = sim.demo(seed).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, fields).await;
    (sandbox, receiver)
}

fn change_value(body: &Value) -> &Value {
    &body["entry"][0]["changes"][0]["value"]
}

#[tokio::test]
async fn inbound_media_carries_a_base64_digest_and_a_download_url() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 91, &["messages"]).await;
    let pn = phone(&sandbox).to_owned();
    sim.inbound(
        &sandbox,
        ALICE,
        &pn,
        json!({ "type": "audio", "audio": { "voice": true } }),
    )
    .await;
    sim.inbound(
        &sandbox,
        ALICE,
        &pn,
        json!({ "type": "sticker", "sticker": {} }),
    )
    .await;
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    let audio = &change_value(&bodies[0])["messages"][0]["audio"];
    assert_eq!(audio["mime_type"], "audio/ogg; codecs=opus");
    assert_eq!(audio["voice"], true);
    let url = audio["url"].as_str().expect("a download url");
    let path = url
        .strip_prefix("https://lookaside.fbsbx.com")
        .expect("Meta's lookaside host");
    assert!(
        path.starts_with("/whatsapp_business/attachments/?mid="),
        "{url}"
    );
    let file = sim
        .send(
            sim.request(Method::GET, path)
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(
        STANDARD.encode(Sha256::digest(&file.bytes)),
        audio["sha256"].as_str().unwrap()
    );
    let sticker = &change_value(&bodies[1])["messages"][0]["sticker"];
    assert_eq!(sticker["animated"], false);
    assert_eq!(sticker["mime_type"], "image/webp");
    assert!(sticker["url"].is_string());
}

async fn review(sim: &Sim, sandbox: &Sandbox, template: &str, status: &str, reason: Option<&str>) {
    let mut body = json!({ "status": status });
    if let Some(reason) = reason {
        body["reason"] = json!(reason);
    }
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/templates/{template}/review")),
            &body,
        )
        .await;
    reply.ok();
}

#[tokio::test]
async fn template_updates_say_why_and_which_pause() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = subscribed(&sim, 92, &["message_template_status_update"]).await;
    let template = spring_sale(&sim, &sandbox).await;
    review(&sim, &sandbox, &template, "REJECTED", None).await;
    review(&sim, &sandbox, &template, "REJECTED", Some("PROMOTIONAL")).await;
    review(&sim, &sandbox, &template, "PAUSED", None).await;
    review(&sim, &sandbox, &template, "APPROVED", None).await;
    review(&sim, &sandbox, &template, "PAUSED", None).await;
    review(&sim, &sandbox, &template, "DISABLED", None).await;
    sim.deliver(&sandbox).await;
    let values: Vec<Value> = receiver
        .bodies()
        .iter()
        .map(|b| change_value(b).clone())
        .collect();
    assert_eq!(values.len(), 6);
    let info = &values[0]["rejection_info"];
    assert!(
        info["reason"]
            .as_str()
            .is_some_and(|r| r.contains("Variable")),
        "{info}"
    );
    assert!(info["recommendation"].is_string());
    assert!(
        values[1].get("rejection_info").is_none(),
        "only for INVALID_FORMAT"
    );
    assert_eq!(values[2]["reason"], "NONE");
    assert_eq!(values[2]["other_info"]["title"], "FIRST_PAUSE");
    assert!(
        values[2]["other_info"]["description"]
            .as_str()
            .unwrap()
            .contains("3 hours")
    );
    assert!(values[3].get("other_info").is_none());
    assert_eq!(values[4]["other_info"]["title"], "SECOND_PAUSE");
    assert_eq!(values[5]["disable_info"], json!({ "disable_date": T0 }));
}

async fn set_override(sim: &Sim, sandbox: &Sandbox, configuration: Value) -> client_tests::Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{}/", phone(sandbox)))
            .bearer_auth(sandbox.token(MANAGER))
            .json(&json!({ "webhook_configuration": configuration })),
    )
    .await
}

async fn configuration(sim: &Sim, sandbox: &Sandbox) -> Value {
    let reply = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{}?fields=webhook_configuration", phone(sandbox)),
        )
        .await;
    reply.ok()["webhook_configuration"].clone()
}

#[tokio::test]
async fn a_number_can_send_its_messages_to_its_own_callback() {
    let sim = Sim::start().await;
    let (sandbox, app) =
        subscribed(&sim, 93, &["messages", "message_template_status_update"]).await;
    let number = Receiver::start(sandbox.secret("app")).await;
    let uri = number.url("/number");
    let reply = set_override(
        &sim,
        &sandbox,
        json!({ "override_callback_uri": uri, "verify_token": "number-token" }),
    )
    .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    let handshake = &number.handshakes()[0];
    assert_eq!(handshake["hub.verify_token"], "number-token");
    assert_eq!(
        configuration(&sim, &sandbox).await,
        json!({ "phone_number": uri, "application": app.url("/hook") })
    );
    sim.inbound(
        &sandbox,
        ALICE,
        phone(&sandbox),
        json!({ "type": "text", "text": { "body": "Hi" } }),
    )
    .await;
    let template = spring_sale(&sim, &sandbox).await;
    review(&sim, &sandbox, &template, "PAUSED", None).await;
    sim.deliver(&sandbox).await;
    let to_number: Vec<Value> = number.bodies();
    assert_eq!(to_number.len(), 1);
    assert_eq!(
        change_value(&to_number[0])["messages"][0]["text"]["body"],
        "Hi"
    );
    let to_app: Vec<Value> = app.bodies();
    assert_eq!(to_app.len(), 1);
    assert_eq!(
        to_app[0]["entry"][0]["changes"][0]["field"],
        "message_template_status_update"
    );

    // A failed handshake keeps the override that was there.
    number.answer_handshake(Handshake::WrongBody);
    let refused = set_override(
        &sim,
        &sandbox,
        json!({ "override_callback_uri": number.url("/other"), "verify_token": "t" }),
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(
        configuration(&sim, &sandbox).await["phone_number"],
        uri.as_str()
    );
    // An empty URI removes it; bad ones are refused.
    set_override(&sim, &sandbox, json!({ "override_callback_uri": "" }))
        .await
        .ok();
    assert_eq!(
        configuration(&sim, &sandbox).await,
        json!({ "application": app.url("/hook") })
    );
    for (bad, text) in [
        (
            json!({ "override_callback_uri": "ftp://x" }),
            "must be a URL",
        ),
        (
            json!({ "override_callback_uri": "https://x" }),
            "verify_token",
        ),
        (json!({ "verify_token": "t" }), "override_callback_uri"),
    ] {
        let reply = set_override(&sim, &sandbox, bad.clone()).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert!(reply.message().contains(text), "{bad}: {}", reply.message());
    }
    let neither = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{}", phone(&sandbox)))
                .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    neither.assert_error(400, 100, None, "OAuthException");
}
