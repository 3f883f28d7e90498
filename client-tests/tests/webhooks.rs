//! Webhook subscriptions over HTTP, with a real receiver: Meta's verification
//! handshake on `POST /{app-id}/subscriptions` (and on a WABA's callback
//! override), the subscription list, Meta's 2200 when the handshake fails (wrong
//! body, HTTP 500, nothing listening) with nothing saved, app tokens only (15),
//! unknown objects and fields (100), unsubscribing fields and objects; and who
//! receives a WhatsApp change: only apps subscribed to the field *and* to the
//! WABA, each signed with its own secret, at the WABA override when there is one.
//! Payload shapes are in `webhooks_payloads.rs`, delivery in `webhooks_delivery.rs`.

use client_tests::receiver::*;
use client_tests::whatsapp::{ALICE, phone};
use client_tests::{Reply, Sandbox, Sim, V, Value, demo_fixture, json, query};
use reqwest::Method;

const WHATSAPP: &str = "whatsapp_business_account";

fn subscriptions_path(sandbox: &Sandbox) -> String {
    format!("/{V}/{}/subscriptions", sandbox.id_of("app"))
}

/// A port where nothing listens.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/hook")
}

/// The consumer Alice writes to the demo number.
async fn alice_writes(sim: &Sim, sandbox: &Sandbox, text: &str) -> String {
    sim.inbound(
        sandbox,
        ALICE,
        phone(sandbox),
        json!({ "type": "text", "text": { "body": text } }),
    )
    .await
}

fn field_list(names: &[&str], version: &str) -> Value {
    names
        .iter()
        .map(|name| json!({ "name": name, "version": version }))
        .collect()
}

#[track_caller]
fn assert_2200(reply: &Reply, detail: &str) {
    reply.assert_error(400, 2200, None, "OAuthException");
    assert_eq!(
        reply.message(),
        format!("(#2200) callback verification failed: {detail}")
    );
}

#[tokio::test]
async fn subscribing_performs_the_handshake_and_lists_the_subscription() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let app = sandbox.id_of("app");
    // As Meta's docs show it: a form with the app token and a comma list.
    let app_token = sandbox.app_token("app");
    let callback = receiver.url("/hook");
    let reply = sim
        .post_form(
            &subscriptions_path(&sandbox),
            &[
                ("access_token", app_token.as_str()),
                ("object", WHATSAPP),
                ("callback_url", callback.as_str()),
                ("verify_token", "my-verify-token"),
                ("fields", "messages,message_template_status_update"),
            ],
        )
        .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));

    // The handshake arrived before the call answered.
    let handshakes = receiver.handshakes();
    assert_eq!(handshakes.len(), 1, "{handshakes:?}");
    let challenge = handshakes[0]["hub.challenge"].clone();
    assert!(
        challenge.len() == 10 && challenge.bytes().all(|b| b.is_ascii_digit()),
        "{challenge}"
    );
    assert_eq!(
        handshakes[0].iter().collect::<Vec<_>>(),
        [
            (&"hub.challenge".to_owned(), &challenge),
            (&"hub.mode".to_owned(), &"subscribe".to_owned()),
            (
                &"hub.verify_token".to_owned(),
                &"my-verify-token".to_owned()
            ),
        ]
    );
    assert_eq!(
        app_subscriptions(&sim, &sandbox).await,
        json!([{
            "object": WHATSAPP,
            "callback_url": callback,
            "active": true,
            "fields": field_list(&["message_template_status_update", "messages"], V),
        }])
    );

    // Fields add up (the group fields too); another object is listed beside
    // it; the version is the call's.
    let more = [
        "account_update",
        "group_lifecycle_update",
        "group_participants_update",
    ];
    subscribe(&sim, &sandbox, WHATSAPP, &more, &callback).await;
    let page_hook = receiver.url("/page");
    subscribe(&sim, &sandbox, "page", &["messages", "feed"], &page_hook).await;
    assert_eq!(receiver.handshakes().len(), 3);
    let listed = sim
        .get_as(&app_token, &format!("/v24.0/{app}/subscriptions"))
        .await;
    assert_eq!(
        listed.ok(),
        &json!({ "data": [
            {
                "object": "page",
                "callback_url": page_hook,
                "active": true,
                "fields": field_list(&["feed", "messages"], "v24.0"),
            },
            {
                "object": WHATSAPP,
                "callback_url": callback,
                "active": true,
                "fields": field_list(
                    &[
                        "account_update",
                        "group_lifecycle_update",
                        "group_participants_update",
                        "message_template_status_update",
                        "messages",
                    ],
                    "v24.0",
                ),
            },
        ]})
    );
    // Nothing was POSTed: subscribing sends no events.
    assert!(receiver.posts().is_empty());
}

#[tokio::test]
async fn a_failed_handshake_answers_2200_and_saves_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let body = |url: &str| {
        json!({
            "object": WHATSAPP, "callback_url": url,
            "verify_token": "t", "fields": ["messages"],
        })
    };
    let hook = receiver.url("/hook");

    receiver.answer_handshake(Handshake::WrongBody);
    let wrong = subscribe_app(&sim, &sandbox, "app", &body(&hook)).await;
    let challenge = receiver.handshakes()[0]["hub.challenge"].clone();
    assert_2200(
        &wrong,
        &format!(
            "Response does not match challenge, expected value=\"{challenge}\", received=\"not the challenge\""
        ),
    );

    receiver.answer_handshake(Handshake::Status(500));
    let failing = subscribe_app(&sim, &sandbox, "app", &body(&hook)).await;
    assert_2200(
        &failing,
        "HTTP Status Code = 500; HTTP Message = Internal Server Error",
    );
    // Each attempt is a new handshake with a new challenge.
    let handshakes = receiver.handshakes();
    assert_eq!(handshakes.len(), 2);
    assert_ne!(
        handshakes[0]["hub.challenge"],
        handshakes[1]["hub.challenge"]
    );

    let unreachable = subscribe_app(&sim, &sandbox, "app", &body(&closed_port_url().await)).await;
    assert_2200(&unreachable, "Couldn't connect to server");

    // Nothing saved, so nothing is delivered.
    assert_eq!(app_subscriptions(&sim, &sandbox).await, json!([]));
    subscribe_waba(&sim, &sandbox).await;
    alice_writes(&sim, &sandbox, "anyone there?").await;
    assert_eq!(sim.deliveries(&sandbox).await, Vec::<Value>::new());
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());

    // The journal keeps the answer the client got.
    let journal = sim.journal(&sandbox, "method=POST&limit=10").await;
    let codes: Vec<&Value> = journal
        .iter()
        .filter(|e| e["path"] == subscriptions_path(&sandbox))
        .map(|e| &e["response"]["error"]["code"])
        .collect();
    assert_eq!(codes, [&json!(2200), &json!(2200), &json!(2200)]);

    // A working subscription survives a failed attempt to change it.
    receiver.answer_handshake(Handshake::Echo);
    subscribe(&sim, &sandbox, WHATSAPP, &["messages"], &hook).await;
    receiver.answer_handshake(Handshake::Status(500));
    let other = receiver.url("/other");
    let change = json!({
        "object": WHATSAPP, "callback_url": other,
        "verify_token": "t", "fields": ["account_update"],
    });
    let refused = subscribe_app(&sim, &sandbox, "app", &change).await;
    refused.assert_error(400, 2200, None, "OAuthException");
    assert_eq!(
        app_subscriptions(&sim, &sandbox).await,
        json!([{
            "object": WHATSAPP, "callback_url": hook, "active": true,
            "fields": field_list(&["messages"], V),
        }])
    );
    alice_writes(&sim, &sandbox, "still there?").await;
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0]["url"], json!(hook));
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn only_the_apps_own_token_manages_its_subscriptions() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let path = subscriptions_path(&sandbox);
    let body = json!({
        "object": WHATSAPP, "callback_url": receiver.url("/hook"),
        "verify_token": "t", "fields": ["messages"],
    });
    for handle in ["system_user_token", "user_token"] {
        let token = sandbox.token(handle);
        let replies = [
            sim.get_as(token, &path).await,
            sim.send(
                sim.request(Method::POST, &path)
                    .bearer_auth(token)
                    .json(&body),
            )
            .await,
            sim.send(sim.request(Method::DELETE, &path).bearer_auth(token))
                .await,
        ];
        for reply in replies {
            reply.assert_error(400, 15, None, "OAuthException");
            assert_eq!(
                reply.message(),
                "(#15) This method must be called with an app access_token."
            );
        }
    }
    assert!(receiver.handshakes().is_empty());
    assert_eq!(app_subscriptions(&sim, &sandbox).await, json!([]));
}

#[tokio::test]
async fn unknown_objects_and_fields_and_missing_parameters_are_100() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let hook = receiver.url("/hook");
    let cases = [
        (
            json!({ "object": "groups", "callback_url": hook, "verify_token": "t", "fields": ["feed"] }),
            "Param object must be one of {whatsapp_business_account, page, instagram, user} - got \"groups\".",
        ),
        (
            // Withdrawn on 2026-08-11: not a subscribable field.
            json!({ "object": WHATSAPP, "callback_url": hook, "verify_token": "t", "fields": ["messages", "user_id_update"] }),
            "Invalid field \"user_id_update\" for object \"whatsapp_business_account\"",
        ),
        (
            // An Instagram field is not a Page field.
            json!({ "object": "page", "callback_url": hook, "verify_token": "t", "fields": "messaging_seen" }),
            "Invalid field \"messaging_seen\" for object \"page\"",
        ),
        (
            json!({ "callback_url": hook, "verify_token": "t", "fields": ["messages"] }),
            "The parameter object is required",
        ),
        (
            json!({ "object": WHATSAPP, "callback_url": "ftp://example.com/hook", "verify_token": "t", "fields": ["messages"] }),
            "Param callback_url must be a valid URL",
        ),
        (
            json!({ "object": WHATSAPP, "callback_url": hook, "fields": ["messages"] }),
            "The parameter verify_token is required",
        ),
        (
            json!({ "object": WHATSAPP, "callback_url": hook, "verify_token": "t", "fields": [] }),
            "The parameter fields is required",
        ),
    ];
    for (body, message) in cases {
        let reply = subscribe_app(&sim, &sandbox, "app", &body).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert_eq!(reply.message(), format!("(#100) {message}"), "{body}");
    }
    assert!(
        receiver.handshakes().is_empty(),
        "no handshake for a refused call"
    );
    assert_eq!(app_subscriptions(&sim, &sandbox).await, json!([]));
}

#[tokio::test]
async fn unsubscribing_removes_fields_then_objects_and_stops_deliveries() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(5).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let hook = receiver.url("/hook");
    let fields = [
        "account_update",
        "message_template_status_update",
        "messages",
    ];
    subscribe_whatsapp(&sim, &sandbox, &receiver, &fields).await;
    subscribe(&sim, &sandbox, "page", &["messages"], &hook).await;
    subscribe(&sim, &sandbox, "instagram", &["comments"], &hook).await;
    let app_token = sandbox.app_token("app");
    let delete = |query: String| {
        let path = format!("{}?{query}", subscriptions_path(&sandbox));
        sim.send(
            sim.request(Method::DELETE, &path)
                .bearer_auth(app_token.clone()),
        )
    };
    let whatsapp = |names: &[&str]| json!({ "object": WHATSAPP, "callback_url": hook, "active": true, "fields": field_list(names, V) });

    // One field.
    let reply = delete(format!("object={WHATSAPP}&fields=messages")).await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    let listed = app_subscriptions(&sim, &sandbox).await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(
        listed[2],
        whatsapp(&["account_update", "message_template_status_update"])
    );
    // The WABA subscription is still there, but the field is gone: nothing is sent.
    alice_writes(&sim, &sandbox, "hello?").await;
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());

    // A whole object.
    delete("object=page".to_owned()).await.ok();
    let objects: Vec<Value> = app_subscriptions(&sim, &sandbox)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["object"].clone())
        .collect();
    assert_eq!(objects, [json!("instagram"), json!(WHATSAPP)]);
    let answer = sim
        .trigger(&sandbox, &json!({ "object": "page", "field": "messages" }))
        .await;
    assert_eq!(answer, json!({ "deliveries": [], "subscribed_apps": 0 }));

    // Removing the last fields removes the object.
    delete(format!(
        "object={WHATSAPP}&fields=account_update,message_template_status_update"
    ))
    .await
    .ok();
    let listed = app_subscriptions(&sim, &sandbox).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["object"], "instagram");

    // No object: everything.
    delete(String::new()).await.ok();
    assert_eq!(app_subscriptions(&sim, &sandbox).await, json!([]));
    assert!(receiver.posts().is_empty());
}

/// The demo fixture with a second app whose system-user token may manage the WABA.
fn two_apps() -> Value {
    let mut fixture = demo_fixture();
    fixture["apps"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "handle": "app2", "name": "Second CRM" }));
    fixture["tokens"].as_array_mut().unwrap().push(json!({
        "handle": "app2_token", "subject": "system_user", "app": "app2",
        "scopes": ["whatsapp_business_management", "business_management"],
    }));
    fixture
}

#[tokio::test]
async fn whatsapp_changes_go_to_apps_subscribed_to_the_field_and_the_waba() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 6, "fixture": two_apps() }))
        .await;
    assert_ne!(sandbox.secret("app"), sandbox.secret("app2"));
    let first = Receiver::start(sandbox.secret("app")).await;
    let second = Receiver::start(sandbox.secret("app2")).await;
    subscribe(&sim, &sandbox, WHATSAPP, &["messages"], &first.url("/hook")).await;
    subscribe_for(
        &sim,
        &sandbox,
        "app2",
        WHATSAPP,
        &["messages", "message_template_status_update"],
        &second.url("/hook"),
    )
    .await;

    // Subscribed at the app level only: nobody receives anything.
    alice_writes(&sim, &sandbox, "one").await;
    assert_eq!(sim.deliveries(&sandbox).await, Vec::<Value>::new());

    // The first app joins the WABA: it alone receives the next message.
    subscribe_waba(&sim, &sandbox).await;
    alice_writes(&sim, &sandbox, "two").await;
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 1, "{reports:?}");
    let deliveries = sim.deliveries(&sandbox).await;
    assert_eq!(deliveries[0]["app_id"], json!(sandbox.id_of("app")));
    assert!(second.posts().is_empty());

    // The second app joins too: both receive, each signed with its own secret
    // (each receiver checks against its own app's secret only).
    let joined = subscribe_waba_as(&sim, &sandbox, "waba", sandbox.token("app2_token"), None).await;
    assert_eq!(joined.ok(), &json!({ "success": true }));
    let wamid = alice_writes(&sim, &sandbox, "three").await;
    sim.deliver(&sandbox).await;
    let (a, b) = (first.received(), second.received());
    assert_eq!((a.len(), b.len()), (2, 1));
    assert_eq!(a[1].bytes, b[0].bytes, "the same body");
    assert_eq!(
        b[0].json["entry"][0]["changes"][0]["value"]["messages"][0]["id"],
        json!(wamid)
    );
    assert_ne!(
        a[1].header("x-hub-signature-256"),
        b[0].header("x-hub-signature-256")
    );

    // A field only the second app subscribed to goes to the second app only.
    let template = json!({
        "name": "shipping_note", "language": "en_US", "category": "UTILITY",
        "components": [{ "type": "BODY", "text": "Your order {{1}} shipped." }],
    });
    let created = sim
        .send(
            sim.request(
                Method::POST,
                &format!("/{V}/{}/message_templates", sandbox.id_of("waba")),
            )
            .bearer_auth(sandbox.token("system_user_token"))
            .json(&template),
        )
        .await;
    created.ok();
    sim.advance(&sandbox, 60).await;
    sim.deliver(&sandbox).await;
    assert_eq!(first.received().len(), 2);
    let b = second.received();
    assert_eq!(b.len(), 2);
    assert_eq!(
        b[1].json["entry"][0]["changes"][0]["field"],
        "message_template_status_update"
    );

    // The first app leaves the WABA: only the second app receives.
    let left = sim
        .send(
            sim.request(
                Method::DELETE,
                &format!("/{V}/{}/subscribed_apps", sandbox.id_of("waba")),
            )
            .bearer_auth(sandbox.token("system_user_token")),
        )
        .await;
    assert_eq!(left.ok(), &json!({ "success": true }));
    alice_writes(&sim, &sandbox, "four").await;
    sim.deliver(&sandbox).await;
    assert_eq!(first.received().len(), 2);
    assert_eq!(second.received().len(), 3);
}

#[tokio::test]
async fn a_waba_override_receives_instead_of_the_app_callback() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(7).await;
    let app_hook = Receiver::start(sandbox.secret("app")).await;
    let override_hook = Receiver::start(sandbox.secret("app")).await;
    subscribe(
        &sim,
        &sandbox,
        WHATSAPP,
        &["messages"],
        &app_hook.url("/hook"),
    )
    .await;
    let token = sandbox.token("system_user_token");
    let uri = override_hook.url("/waba-override");
    let reply = subscribe_waba_as(
        &sim,
        &sandbox,
        "waba",
        token,
        Some(&json!({ "override_callback_uri": uri, "verify_token": "override-token" })),
    )
    .await;
    assert_eq!(reply.ok(), &json!({ "success": true }));
    // The override was verified with its own token.
    let handshakes = override_hook.handshakes();
    assert_eq!(handshakes.len(), 1);
    assert_eq!(handshakes[0]["hub.mode"], "subscribe");
    assert_eq!(handshakes[0]["hub.verify_token"], "override-token");
    assert_eq!(
        app_hook.handshakes().len(),
        1,
        "only the app subscription's"
    );
    let path = format!("/{V}/{}/subscribed_apps", sandbox.id_of("waba"));
    let app = sandbox.id_of("app");
    assert_eq!(
        sim.get_as(token, &path).await.ok(),
        &json!({ "data": [{
            "whatsapp_business_api_data": {
                "id": app,
                "link": format!("https://www.facebook.com/games/?app_id={app}"),
                "name": "Lucky Shrub CRM",
            },
            "override_callback_uri": uri,
        }]})
    );

    alice_writes(&sim, &sandbox, "where does this go?").await;
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["url"], json!(uri));
    let received = override_hook.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/waba-override");
    assert!(app_hook.posts().is_empty());

    // Changing the override to a URL that fails verification keeps the old one.
    override_hook.answer_handshake(Handshake::WrongBody);
    let refused = subscribe_waba_as(
        &sim,
        &sandbox,
        "waba",
        token,
        Some(&json!({ "override_callback_uri": override_hook.url("/new"), "verify_token": "v2" })),
    )
    .await;
    refused.assert_error(400, 2200, None, "OAuthException");
    assert_eq!(
        sim.get_as(token, &path).await.json["data"][0]["override_callback_uri"],
        json!(uri)
    );
    alice_writes(&sim, &sandbox, "still the override?").await;
    sim.deliver(&sandbox).await;
    assert_eq!(override_hook.received().len(), 2);
    assert_eq!(override_hook.received()[1].path, "/waba-override");

    // Subscribing again without an override: back to the app's callback URL.
    subscribe_waba(&sim, &sandbox).await;
    alice_writes(&sim, &sandbox, "and now?").await;
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports[0]["url"], json!(app_hook.url("/hook")));
    assert_eq!(app_hook.received().len(), 1);
    assert_eq!(override_hook.received().len(), 2);
}

#[tokio::test]
async fn a_receiver_with_the_wrong_secret_refuses_and_metasim_retries() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(8).await;
    // Checks signatures against a secret that is not the app's.
    let receiver = Receiver::start("not-the-app-secret").await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["messages"]).await;
    alice_writes(&sim, &sandbox, "signed?").await;
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["status"], 403);
    assert_eq!(reports[0]["state"], "pending");
    let refused = receiver.refused();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("x-hub-signature-256") && refused[0].contains("x-hub-signature:"),
        "both signatures are wrong: {}",
        refused[0]
    );
}

#[tokio::test]
async fn in_a_batch_only_the_operation_whose_handshake_failed_fails() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(9).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let app = sandbox.id_of("app");
    let form = |object: &str, url: &str| {
        query(&[
            ("object", object),
            ("callback_url", url),
            ("verify_token", "t"),
            ("fields", "messages"),
        ])
    };
    let unreachable = closed_port_url().await;
    let operations = json!([
        { "method": "GET", "relative_url": format!("{app}?fields=name") },
        { "method": "POST", "relative_url": format!("{app}/subscriptions"),
          "body": form(WHATSAPP, &unreachable) },
        { "method": "POST", "relative_url": format!("{app}/subscriptions"),
          "body": form("page", &receiver.url("/page")) },
    ])
    .to_string();
    let app_token = sandbox.app_token("app");
    let reply = sim
        .post_form(
            &format!("/{V}/"),
            &[
                ("access_token", app_token.as_str()),
                ("batch", operations.as_str()),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answers = reply.json.as_array().expect("one answer per operation");
    let codes: Vec<&Value> = answers.iter().map(|a| &a["code"]).collect();
    assert_eq!(codes, [&json!(200), &json!(400), &json!(200)]);
    let body =
        |i: usize| -> Value { serde_json::from_str(answers[i]["body"].as_str().unwrap()).unwrap() };
    assert_eq!(body(0), json!({ "name": "Lucky Shrub CRM", "id": app }));
    let error = body(1);
    assert_eq!(error["error"]["code"], 2200);
    assert_eq!(
        error["error"]["message"],
        "(#2200) callback verification failed: Couldn't connect to server"
    );
    assert_eq!(body(2), json!({ "success": true }));
    // The second subscription was verified and saved; the first was not.
    let listed = app_subscriptions(&sim, &sandbox).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["object"], "page");
    assert_eq!(listed[0]["active"], true);
    assert_eq!(receiver.handshakes().len(), 1);
    // The journal shows the answer the client got.
    let journal = sim.journal(&sandbox, "method=POST&limit=1").await;
    assert_eq!(journal[0]["status"], 200);
    assert_eq!(journal[0]["response"], reply.json);
}
