//! Determinism of Messenger, Instagram messaging and Accounts Center: the
//! same sandbox id, seed and requests give the same bytes — every answer,
//! every webhook body and signature, every inbox, and the snapshot — when a
//! sandbox is built twice, while another sandbox with another seed is busy.

use client_tests::instagram::{new_account, writes_to_business};
use client_tests::messenger::{new_person, page_token, send, send_as, write, writes_to_page};
use client_tests::receiver::{Receiver, subscribe, without_latency};
use client_tests::{Sandbox, Sim, V, Value, json};
use reqwest::Method;

const FIELDS: [&str; 5] = [
    "messages",
    "message_echoes",
    "message_deliveries",
    "message_reads",
    "message_reactions",
];

/// Subscribe the demo app to the Page's messaging fields, at `receiver`.
async fn subscribe_page(sim: &Sim, sandbox: &Sandbox, token: &str, receiver: &Receiver) {
    subscribe(sim, sandbox, "page", &FIELDS, &receiver.url("/page")).await;
    let path = format!(
        "/{V}/{}/subscribed_apps?subscribed_fields={}",
        sandbox.id_of("page"),
        FIELDS.join(",")
    );
    sim.send(sim.request(Method::POST, &path).bearer_auth(token))
        .await
        .ok();
}

/// The snapshot without what is not deterministic (receivers' latencies).
fn snapshot(text: &str) -> String {
    let mut value: Value = serde_json::from_str(text).expect("a snapshot");
    if let Some(deliveries) = value["webhooks"]["deliveries"].as_array_mut() {
        for delivery in deliveries {
            *delivery = without_latency(delivery.take());
        }
    }
    value.to_string()
}

/// The script: people write, the Page answers, reacts are taken, reads made,
/// the clock moves; everything observable is collected as text.
async fn script(sim: &Sim, sandbox: &Sandbox, receiver: &Receiver) -> Vec<String> {
    let mut out = Vec::new();
    let token = page_token(sim, sandbox).await;
    subscribe_page(sim, sandbox, &token, receiver).await;
    let before = receiver.received().len();
    let ana = new_person(sim, sandbox, "Ana Diaz").await;
    let bo = new_person(sim, sandbox, "Bo Li").await;
    let (mid, psid) = writes_to_page(sim, sandbox, &ana, "Ferns?").await;
    out.push(format!("{mid} {psid}"));
    let sent = send(sim, sandbox, &token, &psid, json!({ "text": "Yes" })).await;
    out.push(sent.text());
    let bo_writes = write(sim, sandbox, &bo, &ana, json!({ "text": "Hi Ana" })).await;
    out.push(bo_writes.text());
    let react = sim
        .post_json(
            &sandbox.sim(&format!("/facebook/users/{ana}/reactions")),
            &json!({ "mid": sent.json["message_id"], "reaction": "like" }),
        )
        .await;
    out.push(react.text());
    // Instagram: a DM to the business, its answer through the Page.
    let jo = new_account(sim, sandbox, "jo.grows", "personal").await;
    let (_, igsid) = writes_to_business(sim, sandbox, &jo, "Price?").await;
    let answer = send_as(
        sim,
        sandbox,
        &token,
        &json!({ "recipient": { "id": igsid }, "message": { "text": "$12" } }),
    )
    .await;
    out.push(answer.text());
    // Accounts Center: Ana links an Instagram account and writes to Jo.
    let ana_ig = sim
        .post_json(&sandbox.sim("/instagram/users"),
                   &json!({ "username": "ana.plants", "account_type": "personal", "email_verified": true }))
        .await;
    let ana_ig = ana_ig.json["id"].as_str().unwrap().to_owned();
    let verified_ana = sim
        .post_json(
            &sandbox.sim("/facebook/users"),
            &json!({ "name": "Ana V", "email_verified": true }),
        )
        .await;
    let verified_ana = verified_ana.json["id"].as_str().unwrap().to_owned();
    let link = sim
        .post_json(
            &sandbox.sim("/accounts-center/links"),
            &json!({ "facebook_user_id": verified_ana, "instagram_user_id": ana_ig }),
        )
        .await;
    out.push(link.text());
    let link_path = sandbox.sim(&format!(
        "/accounts-center/links/{}",
        link.json["id"].as_str().unwrap()
    ));
    let confirmed = sim
        .post_json(
            &format!("{link_path}/confirm"),
            &json!({ "permissions": ["direct_messages"] }),
        )
        .await;
    out.push(confirmed.text());
    out.push(
        write(sim, sandbox, &verified_ana, &jo, json!({ "text": "Hi Jo" }))
            .await
            .text(),
    );
    out.push(
        sim.get(&sandbox.sim(&format!("/instagram/users/{jo}/inbox")))
            .await
            .text(),
    );
    sim.advance(sandbox, 3600).await;
    let conversations = sim
        .get_as(
            &token,
            &format!(
                "/{V}/{}/conversations?fields=participants,messages{{message}}",
                sandbox.id_of("page")
            ),
        )
        .await;
    out.push(conversations.text());
    for user in [&ana, &bo] {
        out.push(
            sim.get(&sandbox.sim(&format!("/facebook/users/{user}/inbox")))
                .await
                .text(),
        );
    }
    out.push(
        sim.get(&sandbox.sim(&format!("/facebook/users/{verified_ana}/inbox")))
            .await
            .text(),
    );
    sim.deliver(sandbox).await;
    for post in &receiver.received()[before..] {
        out.push(format!(
            "{} {}",
            post.header("x-hub-signature-256"),
            post.text()
        ));
    }
    out.push(sim.get(&sandbox.sim("/events")).await.text());
    out.push(snapshot(&sim.get(&sandbox.sim("/snapshot")).await.text()));
    out
}

#[tokio::test]
async fn the_same_sandbox_twice_gives_the_same_bytes() {
    let sim = Sim::start().await;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sandbox = sim
            .create_sandbox(json!({ "id": "det-messaging", "seed": 77 }))
            .await;
        let busy = sim.create_sandbox(json!({ "seed": 78 })).await;
        let (receiver, busy_receiver) = (
            Receiver::start(sandbox.secret("app")).await,
            Receiver::start(busy.secret("app")).await,
        );
        let (own, other) = tokio::join!(
            script(&sim, &sandbox, &receiver),
            script(&sim, &busy, &busy_receiver)
        );
        assert_ne!(own, other, "another seed gives other ids");
        runs.push((own, receiver));
        sim.delete(&sandbox.sim("")).await.ok();
        sim.delete(&busy.sim("")).await.ok();
    }
    let (first, second) = (&runs[0].0, &runs[1].0);
    assert_eq!(first.len(), second.len());
    for (i, (a, b)) in first.iter().zip(second).enumerate() {
        // Receivers listen on other ports each run: compare with that port named.
        let a = a.replace(&runs[0].1.url(""), "RECEIVER");
        let b = b.replace(&runs[1].1.url(""), "RECEIVER");
        assert!(
            a == b,
            "step {i} differs:\n{}\n{}",
            &a[..a.len().min(400)],
            &b[..b.len().min(400)]
        );
    }
}
