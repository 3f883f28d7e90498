//! Page webhooks need both levels: the app subscribed to the `page` object's
//! fields, and the app installed on the Page (`/{page-id}/subscribed_apps`,
//! with the Page's token).

use client_tests::receiver::{Receiver, subscribe};
use client_tests::{Sandbox, Sim, V, json};
use reqwest::Method;

async fn page_token(sim: &Sim, sandbox: &Sandbox) -> String {
    let accounts = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    accounts.ok()["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn page_changes_reach_only_apps_installed_on_the_page() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(61).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe(
        &sim,
        &sandbox,
        "page",
        &["messages", "feed"],
        &receiver.url("/page"),
    )
    .await;
    let page = sandbox.id_of("page");
    let path = format!("/{V}/{page}/subscribed_apps");
    let token = page_token(&sim, &sandbox).await;
    // Subscribed at the app level only: nothing is delivered.
    assert_eq!(
        sim.trigger(&sandbox, &json!({"object": "page", "field": "messages"}))
            .await["subscribed_apps"],
        0
    );

    // Only a Page token may install.
    let refused = sim
        .send(
            sim.request(Method::POST, &format!("{path}?subscribed_fields=messages"))
                .bearer_auth(sandbox.token("user_token")),
        )
        .await;
    refused.assert_error(403, 210, None, "OAuthException");
    let unknown = sim
        .send(
            sim.request(Method::POST, &format!("{path}?subscribed_fields=fax"))
                .bearer_auth(&token),
        )
        .await;
    unknown.assert_error(400, 100, None, "OAuthException");
    let installed = sim
        .send(
            sim.request(Method::POST, &format!("{path}?subscribed_fields=messages"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(installed.ok(), &json!({"success": true}));
    let app = sandbox.id_of("app");
    let listed = sim.get_as(&token, &path).await;
    assert_eq!(
        listed.ok(),
        &json!({"data": [{"category": "Business", "link": format!("https://www.facebook.com/games/?app_id={app}"),
                          "name": "Lucky Shrub CRM", "id": app, "subscribed_fields": ["messages"]}]})
    );

    // Installed for `messages`: those arrive; `feed` was not installed.
    assert_eq!(
        sim.trigger(&sandbox, &json!({"object": "page", "field": "messages"}))
            .await["subscribed_apps"],
        1
    );
    assert_eq!(
        sim.trigger(&sandbox, &json!({"object": "page", "field": "feed"}))
            .await["subscribed_apps"],
        0
    );
    sim.deliver(&sandbox).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["object"], "page");
    assert_eq!(bodies[0]["entry"][0]["id"], page);
    assert!(
        bodies[0]["entry"][0]["messaging"][0]["message"]["mid"]
            .as_str()
            .unwrap()
            .starts_with("m_")
    );

    let removed = sim
        .send(sim.request(Method::DELETE, &path).bearer_auth(&token))
        .await;
    assert_eq!(removed.ok(), &json!({"success": true}));
    assert_eq!(sim.get_as(&token, &path).await.ok(), &json!({"data": []}));
    assert_eq!(
        sim.trigger(&sandbox, &json!({"object": "page", "field": "messages"}))
            .await["subscribed_apps"],
        0
    );
}
