//! Coexistence helpers: a number used in the WhatsApp Business app (the
//! demo sandbox's "Corner Shop", +1 555-012-3456), its onboarding to the
//! demo WABA, messages it sends from the app, and `smb_app_data` requests.

use reqwest::Method;

use crate::{Reply, Sandbox, Sim, V, Value, json};

/// The WhatsApp Business app number of these tests.
pub const SHOP: &str = "15550123456";

/// `…/whatsapp/business-app/numbers{rest}` of a sandbox.
pub fn numbers_path(sandbox: &Sandbox, rest: &str) -> String {
    sandbox.sim(&format!("/whatsapp/business-app/numbers{rest}"))
}

/// The shop starts using the WhatsApp Business app; returns its phone number id.
pub async fn create_shop(sim: &Sim, sandbox: &Sandbox) -> String {
    let reply = sim
        .post_json(
            &numbers_path(sandbox, ""),
            &json!({ "phone": "+1 555-012-3456", "verified_name": "Corner Shop" }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["phone_number_id"]
        .as_str()
        .expect("phone number id")
        .to_owned()
}

/// The shop onboards to the demo WABA (Embedded Signup); asserts 200.
pub async fn onboard(sim: &Sim, sandbox: &Sandbox, share_history: bool) -> Value {
    let reply = sim
        .post_json(
            &numbers_path(sandbox, &format!("/{SHOP}/onboard")),
            &json!({ "waba_id": sandbox.id_of("waba"), "share_history": share_history }),
        )
        .await;
    reply.ok().clone()
}

/// The shop sends a text from the app, from `device` (its phone when `None`); returns the wamid.
pub async fn shop_says(
    sim: &Sim,
    sandbox: &Sandbox,
    to: &str,
    text: &str,
    device: Option<&str>,
) -> String {
    let mut body = json!({ "to": to, "type": "text", "text": { "body": text } });
    if let Some(device) = device {
        body["device_id"] = json!(device);
    }
    let reply = sim
        .post_json(&numbers_path(sandbox, &format!("/{SHOP}/messages")), &body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().expect("wamid").to_owned()
}

/// `POST /{phone-number-id}/smb_app_data` with `sync_type`, as the WABA's manager.
pub async fn smb_app_data(
    sim: &Sim,
    sandbox: &Sandbox,
    phone_number_id: &str,
    sync_type: &str,
) -> Reply {
    sim.send(
        sim.request(
            Method::POST,
            &format!("/{V}/{phone_number_id}/smb_app_data"),
        )
        .bearer_auth(sandbox.token("system_user_token"))
        .json(&json!({ "messaging_product": "whatsapp", "sync_type": sync_type })),
    )
    .await
}
