//! Helpers for Messenger tests: the Page token, people who write to the
//! Page (through the control plane, as they would in Messenger), the Send
//! API as an integration calls it, and apps subscribed to the Page's
//! webhooks at both levels.

use reqwest::Method;

use crate::receiver::{Receiver, subscribe};
use crate::{Reply, Sandbox, Sim, V, Value, json};

/// The Page token `GET /me/accounts` hands the owner's user token.
pub async fn page_token(sim: &Sim, sandbox: &Sandbox) -> String {
    let accounts = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    accounts.ok()["data"][0]["access_token"]
        .as_str()
        .expect("a Page token")
        .to_owned()
}

/// A new Facebook user named `name`; answers its id.
pub async fn new_person(sim: &Sim, sandbox: &Sandbox, name: &str) -> String {
    let reply = sim
        .post_json(&sandbox.sim("/facebook/users"), &json!({ "name": name }))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().expect("an id").to_owned()
}

/// `user` writes `message` to `to` (a Page or a person) in Messenger.
pub async fn write(sim: &Sim, sandbox: &Sandbox, user: &str, to: &str, message: Value) -> Reply {
    sim.post_json(
        &sandbox.sim(&format!("/facebook/users/{user}/messages")),
        &json!({ "to": to, "message": message }),
    )
    .await
}

/// `user` writes `text` to the demo Page; answers `(mid, psid)`.
pub async fn writes_to_page(
    sim: &Sim,
    sandbox: &Sandbox,
    user: &str,
    text: &str,
) -> (String, String) {
    let reply = write(
        sim,
        sandbox,
        user,
        sandbox.id_of("page"),
        json!({ "text": text }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let field = |name: &str| reply.json[name].as_str().expect(name).to_owned();
    (field("mid"), field("psid"))
}

/// `POST /{page-id}/messages` with `token` and a JSON body.
pub async fn send_as(sim: &Sim, sandbox: &Sandbox, token: &str, body: &Value) -> Reply {
    let path = format!("/{V}/{}/messages", sandbox.id_of("page"));
    sim.send(
        sim.request(Method::POST, &path)
            .bearer_auth(token)
            .json(body),
    )
    .await
}

/// The Page sends `message` to `psid` (messaging_type RESPONSE).
pub async fn send(sim: &Sim, sandbox: &Sandbox, token: &str, psid: &str, message: Value) -> Reply {
    let body =
        json!({ "recipient": { "id": psid }, "messaging_type": "RESPONSE", "message": message });
    send_as(sim, sandbox, token, &body).await
}

/// `user`'s Messenger inbox.
pub async fn inbox(sim: &Sim, sandbox: &Sandbox, user: &str) -> Vec<Value> {
    let reply = sim
        .get(&sandbox.sim(&format!("/facebook/users/{user}/inbox")))
        .await;
    reply.ok()["data"].as_array().expect("inbox data").clone()
}

/// A receiver subscribed to the `page` object's `fields` at the app level,
/// with the app installed on the demo Page for them.
pub async fn page_receiver(sim: &Sim, sandbox: &Sandbox, token: &str, fields: &[&str]) -> Receiver {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe(sim, sandbox, "page", fields, &receiver.url("/page")).await;
    let path = format!(
        "/{V}/{}/subscribed_apps?subscribed_fields={}",
        sandbox.id_of("page"),
        fields.join(",")
    );
    let installed = sim
        .send(sim.request(Method::POST, &path).bearer_auth(token))
        .await;
    assert_eq!(installed.ok(), &json!({ "success": true }));
    receiver
}
