//! Every `page` webhook a person's Messenger activity and a Page's sends
//! produce, byte for byte as delivered and signed: `messages` (text, quick
//! reply, reply_to, attachments), `message_echoes` (with `app_id` and
//! `metadata`), `message_deliveries`, `message_reads`,
//! `messaging_postbacks`, `message_reactions` (react and unreact) — the
//! shapes of research §3.6, with millisecond times — and only the fields the
//! app subscribed to at both levels.

use client_tests::messenger::{
    new_person, page_receiver, page_token, send_as, write, writes_to_page,
};
use client_tests::{Sim, json};

/// Where the virtual clock starts, in milliseconds.
const T0_MS: i64 = 1_767_225_600_000;

const FIELDS: [&str; 6] = [
    "messages",
    "message_echoes",
    "message_deliveries",
    "message_reads",
    "messaging_postbacks",
    "message_reactions",
];

#[tokio::test]
async fn every_messenger_event_is_delivered_as_meta_sends_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(511).await;
    let token = page_token(&sim, &sandbox).await;
    let receiver = page_receiver(&sim, &sandbox, &token, &FIELDS).await;
    let page = sandbox.id_of("page").to_owned();
    let app = sandbox.id_of("app").to_owned();
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let user = |rest: &str| sandbox.sim(&format!("/facebook/users/{ana}{rest}"));

    let (first, psid) = writes_to_page(&sim, &sandbox, &ana, "hello, world").await;
    let sent = send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "id": psid }, "messaging_type": "RESPONSE",
                 "message": { "text": "Hi Ana", "metadata": "ticket-7" } }),
    )
    .await;
    let echo = sent.ok()["message_id"].as_str().unwrap().to_owned();
    let reply = write(
        &sim,
        &sandbox,
        &ana,
        &page,
        json!({
        "text": "Yes", "quick_reply": { "payload": "PICK_A" }, "reply_to": { "mid": echo } }),
    )
    .await;
    let quick = reply.json["mid"].as_str().unwrap().to_owned();
    let photo = write(
        &sim,
        &sandbox,
        &ana,
        &page,
        json!({
        "attachment": { "type": "image", "payload": { "url": "https://x.example/p.jpg" } } }),
    )
    .await;
    let photo = photo.json["mid"].as_str().unwrap().to_owned();
    sim.post_json(&user("/read"), &json!({ "from": page }))
        .await
        .ok();
    let postback = sim
        .post_json(
            &user("/postbacks"),
            &json!({ "to": page, "title": "Get Started", "payload": "GET_STARTED" }),
        )
        .await;
    let postback = postback.json["mid"].as_str().unwrap().to_owned();
    sim.post_json(
        &user("/reactions"),
        &json!({ "mid": echo, "reaction": "love" }),
    )
    .await
    .ok();
    sim.post_json(
        &user("/reactions"),
        &json!({ "mid": echo, "action": "unreact" }),
    )
    .await
    .ok();

    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 9);
    let envelope = |ms: i64, event: String| {
        format!(
            r#"{{"object":"page","entry":[{{"id":"{page}","time":{ms},"messaging":[{event}]}}]}}"#
        )
    };
    let from_person = |ms: i64, rest: &str| {
        envelope(
            ms,
            format!(
                r#"{{"sender":{{"id":"{psid}"}},"recipient":{{"id":"{page}"}},"timestamp":{ms},{rest}}}"#
            ),
        )
    };
    let expected = [
        from_person(
            T0_MS,
            &format!(r#""message":{{"mid":"{first}","text":"hello, world"}}"#),
        ),
        envelope(
            T0_MS + 1,
            format!(
                r#"{{"sender":{{"id":"{page}"}},"recipient":{{"id":"{psid}"}},"timestamp":{},"message":{{"is_echo":true,"app_id":{app},"metadata":"ticket-7","mid":"{echo}","text":"Hi Ana"}}}}"#,
                T0_MS + 1
            ),
        ),
        from_person(
            T0_MS + 1,
            &format!(
                r#""delivery":{{"mids":["{echo}"],"watermark":{}}}"#,
                T0_MS + 1
            ),
        ),
        from_person(
            T0_MS + 2,
            &format!(
                r#""message":{{"mid":"{quick}","text":"Yes","quick_reply":{{"payload":"PICK_A"}},"reply_to":{{"mid":"{echo}"}}}}"#
            ),
        ),
        from_person(
            T0_MS + 3,
            &format!(
                r#""message":{{"mid":"{photo}","attachments":[{{"type":"image","payload":{{"url":"https:\/\/x.example\/p.jpg"}}}}]}}"#
            ),
        ),
        from_person(
            T0_MS + 4,
            &format!(r#""read":{{"watermark":{}}}"#, T0_MS + 1),
        ),
        from_person(
            T0_MS + 5,
            &format!(
                r#""postback":{{"mid":"{postback}","title":"Get Started","payload":"GET_STARTED"}}"#
            ),
        ),
        from_person(
            T0_MS + 6,
            &format!(
                r#""reaction":{{"mid":"{echo}","action":"react","reaction":"love","emoji":"\u2764"}}"#
            ),
        ),
        from_person(
            T0_MS + 7,
            &format!(r#""reaction":{{"mid":"{echo}","action":"unreact"}}"#),
        ),
    ];
    let posts = receiver.received();
    let bodies: Vec<String> = posts.iter().map(|p| p.text().to_owned()).collect();
    assert_eq!(bodies, expected);
    let deliveries = sim.deliveries(&sandbox).await;
    let fields: Vec<&str> = deliveries
        .iter()
        .map(|d| d["fields"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "messages",
            "message_echoes",
            "message_deliveries",
            "messages",
            "messages",
            "message_reads",
            "messaging_postbacks",
            "message_reactions",
            "message_reactions"
        ]
    );
}

#[tokio::test]
async fn only_fields_subscribed_at_both_levels_arrive() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(512).await;
    let token = page_token(&sim, &sandbox).await;
    // Installed on the Page for messages only; the app takes every field.
    let receiver = page_receiver(&sim, &sandbox, &token, &["messages"]).await;
    client_tests::receiver::subscribe(&sim, &sandbox, "page", &FIELDS, &receiver.url("/page"))
        .await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Hi").await;
    send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "id": psid }, "message": { "text": "Hello" } }),
    )
    .await
    .ok();
    sim.deliver(&sandbox).await;
    let fields: Vec<String> = sim
        .deliveries(&sandbox)
        .await
        .iter()
        .map(|d| d["fields"][0].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        ["messages"],
        "no echo or delivery: the Page install lacks them"
    );
    assert_eq!(receiver.received().len(), 1);

    // A person-to-person message is no Page's business: no webhook.
    let bo = new_person(&sim, &sandbox, "Bo Li").await;
    let between = write(&sim, &sandbox, &ana, &bo, json!({ "text": "Lunch?" })).await;
    assert_eq!(between.status, 201);
    assert_eq!(between.json["psid"], json!(null));
    assert!(sim.deliver(&sandbox).await.is_empty());
    let bo_inbox = sim
        .get(&sandbox.sim(&format!("/facebook/users/{bo}/inbox")))
        .await;
    assert_eq!(
        bo_inbox.ok()["data"][0]["from"],
        json!({ "id": ana, "name": "Ana Diaz", "type": "facebook_user" })
    );
}
