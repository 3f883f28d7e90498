//! Helpers for Instagram tests: people's accounts, posts and comments, Direct
//! messages written in the app (through the control plane), an
//! Instagram-login token, and an app receiving the demo account's
//! `instagram` webhooks through the connected Page.

use reqwest::Method;

use crate::receiver::{Receiver, subscribe};
use crate::{Reply, Sandbox, Sim, V, Value, json};

/// A new Instagram account; answers its id.
pub async fn new_account(
    sim: &Sim,
    sandbox: &Sandbox,
    username: &str,
    account_type: &str,
) -> String {
    let reply = sim
        .post_json(
            &sandbox.sim("/instagram/users"),
            &json!({ "username": username, "account_type": account_type }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["id"].as_str().expect("an id").to_owned()
}

/// `owner` posts `post` on Instagram (as in the app); the post's id.
pub async fn post_media(sim: &Sim, sandbox: &Sandbox, owner: &str, post: Value) -> String {
    let path = sandbox.sim(&format!("/instagram/users/{owner}/media"));
    let posted = sim.post_json(&path, &post).await;
    assert_eq!(posted.status, 201, "{}", posted.text());
    posted.json["id"].as_str().expect("a media id").to_owned()
}

/// `author` comments `comment` (`media_id`, `text`, `parent_id`); the
/// comment's id.
pub async fn comment(sim: &Sim, sandbox: &Sandbox, author: &str, comment: Value) -> String {
    let path = sandbox.sim(&format!("/instagram/users/{author}/comments"));
    let commented = sim.post_json(&path, &comment).await;
    assert_eq!(commented.status, 201, "{}", commented.text());
    commented.json["id"]
        .as_str()
        .expect("a comment id")
        .to_owned()
}

/// `from` writes `message` to `to` in Instagram Direct.
pub async fn direct(sim: &Sim, sandbox: &Sandbox, from: &str, to: &str, message: Value) -> Reply {
    sim.post_json(
        &sandbox.sim(&format!("/instagram/users/{from}/messages")),
        &json!({ "to": to, "message": message }),
    )
    .await
}

/// `from` writes `text` to the demo business account; answers `(mid, igsid)`.
pub async fn writes_to_business(
    sim: &Sim,
    sandbox: &Sandbox,
    from: &str,
    text: &str,
) -> (String, String) {
    let reply = direct(
        sim,
        sandbox,
        from,
        sandbox.id_of("instagram"),
        json!({ "text": text }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let field = |name: &str| reply.json[name].as_str().expect(name).to_owned();
    (field("mid"), field("igsid"))
}

/// An Instagram-login token of the demo business account with `scopes`.
pub async fn instagram_login_token(
    sim: &Sim,
    sandbox: &Sandbox,
    handle: &str,
    scopes: &[&str],
) -> String {
    let reply = sim
        .post_json(
            &sandbox.sim("/tokens"),
            &json!({ "handle": handle, "subject": "instagram", "app": "app", "scopes": scopes }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json["token"].as_str().expect("a token").to_owned()
}

/// `account`'s Instagram inbox.
pub async fn instagram_inbox(sim: &Sim, sandbox: &Sandbox, account: &str) -> Vec<Value> {
    let reply = sim
        .get(&sandbox.sim(&format!("/instagram/users/{account}/inbox")))
        .await;
    reply.ok()["data"].as_array().expect("inbox data").clone()
}

/// A receiver subscribed to the `instagram` object's `fields`, with the app
/// installed on the demo Page (which the demo account is connected to).
pub async fn instagram_receiver(
    sim: &Sim,
    sandbox: &Sandbox,
    page_token: &str,
    fields: &[&str],
) -> Receiver {
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe(
        sim,
        sandbox,
        "instagram",
        fields,
        &receiver.url("/instagram"),
    )
    .await;
    let path = format!(
        "/{V}/{}/subscribed_apps?subscribed_fields=messages",
        sandbox.id_of("page")
    );
    let installed = sim
        .send(sim.request(Method::POST, &path).bearer_auth(page_token))
        .await;
    assert_eq!(installed.ok(), &json!({ "success": true }));
    receiver
}
