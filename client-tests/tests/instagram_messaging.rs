//! Instagram Direct for a professional account, as integrations use it:
//! people's DMs (text, story replies, shares, reactions, reads, postbacks)
//! arriving as `instagram` webhooks byte for byte; sending both ways Meta
//! offers — the connected Page's token on `/{page-id}/messages` and the
//! account's Instagram-login token on `/{ig-user-id}/messages` — with
//! Instagram's window, tag and errors; "Allow access to messages"; the
//! conversations through the Page; and what disconnecting the Page changes.

use client_tests::instagram::{
    direct, instagram_inbox, instagram_login_token, instagram_receiver, new_account,
    writes_to_business,
};
use client_tests::messenger::{page_token, send_as};
use client_tests::{Sim, V, json};
use reqwest::Method;

const T0_MS: i64 = 1_767_225_600_000;
const FIELDS: [&str; 4] = [
    "messages",
    "messaging_seen",
    "message_reactions",
    "messaging_postbacks",
];

#[tokio::test]
async fn dms_reach_the_business_and_answers_reach_the_person() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(601).await;
    let token = page_token(&sim, &sandbox).await;
    let receiver = instagram_receiver(&sim, &sandbox, &token, &FIELDS).await;
    let business = sandbox.id_of("instagram").to_owned();
    let ana = new_account(&sim, &sandbox, "ana.plants", "personal").await;

    let (asked, igsid) = writes_to_business(&sim, &sandbox, &ana, "is this still available?").await;
    assert!(
        asked.starts_with("aWdfZAG1faXRlbToxOklHTWVzc2FnZA"),
        "{asked}"
    );
    assert!(igsid.starts_with('1') && igsid.len() == 16, "{igsid}");

    // Through the connected Page: the same Send API, an IGSID as recipient.
    let reply = send_as(&sim, &sandbox, &token, &json!({
        "recipient": { "id": igsid }, "messaging_type": "RESPONSE", "message": { "text": "Yes! Want it?" } })).await;
    let answer = reply.ok()["message_id"].as_str().unwrap().to_owned();
    assert_eq!(reply.json["recipient_id"], json!(igsid));

    // With the account's own Instagram-login token.
    let login = instagram_login_token(
        &sim,
        &sandbox,
        "ig_login",
        &[
            "instagram_business_basic",
            "instagram_business_manage_messages",
        ],
    )
    .await;
    assert!(login.starts_with("IGAA"));
    let path = format!("/{V}/{business}/messages");
    let own = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(&login)
                .json(&json!({
            "recipient": { "id": igsid }, "message": { "attachment": { "type": "image",
            "payload": { "url": "https://luckyshrub.example/fern.jpg" } } } })),
        )
        .await;
    let photo = own.ok()["message_id"].as_str().unwrap().to_owned();
    let me = sim
        .get_as(&login, &format!("/{V}/me?fields=username"))
        .await;
    assert_eq!(
        me.ok(),
        &json!({ "username": "luckyshrub", "id": business })
    );

    let received = instagram_inbox(&sim, &sandbox, &ana).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["text"], "Yes! Want it?");
    assert_eq!(
        received[0]["from"],
        json!({ "id": business, "name": "Lucky Shrub", "username": "luckyshrub", "type": "instagram_user" })
    );
    assert_eq!(received[0]["platform"], "instagram");

    // The person reacts, reads, replies to a story, shares a post, taps a button.
    let user = |rest: &str| sandbox.sim(&format!("/instagram/users/{ana}{rest}"));
    sim.post_json(
        &user("/reactions"),
        &json!({ "mid": answer, "reaction": "love" }),
    )
    .await
    .ok();
    let seen = sim
        .post_json(&user("/read"), &json!({ "from": business }))
        .await;
    assert_eq!(seen.ok()["mid"], json!(photo));
    let story = direct(&sim, &sandbox, &ana, &business, json!({ "text": "Gorgeous!",
        "reply_to": { "story": { "url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1", "id": "17900000000000001" } } })).await;
    let story = story.json["mid"].as_str().unwrap().to_owned();
    let share = direct(&sim, &sandbox, &ana, &business, json!({
        "attachment": { "type": "share", "payload": { "url": "https://www.instagram.com/p/C1/" } } })).await;
    let share = share.json["mid"].as_str().unwrap().to_owned();
    let tap = sim
        .post_json(
            &user("/postbacks"),
            &json!({ "to": business, "title": "Buy", "payload": "BUY_FERN" }),
        )
        .await;
    let tap = tap.json["mid"].as_str().unwrap().to_owned();

    sim.deliver(&sandbox).await;
    let envelope = |ms: i64, event: String| {
        format!(
            r#"{{"object":"instagram","entry":[{{"id":"{business}","time":{ms},"messaging":[{event}]}}]}}"#
        )
    };
    let from_person = |ms: i64, rest: &str| {
        envelope(
            ms,
            format!(
                r#"{{"sender":{{"id":"{igsid}"}},"recipient":{{"id":"{business}"}},"timestamp":{ms},{rest}}}"#
            ),
        )
    };
    let echo = |ms: i64, rest: &str| {
        envelope(
            ms,
            format!(
                r#"{{"sender":{{"id":"{business}"}},"recipient":{{"id":"{igsid}"}},"timestamp":{ms},"message":{{"mid":{rest},"is_echo":true}}}}"#
            ),
        )
    };
    let expected = [
        from_person(
            T0_MS,
            &format!(r#""message":{{"mid":"{asked}","text":"is this still available?"}}"#),
        ),
        echo(T0_MS + 1, &format!(r#""{answer}","text":"Yes! Want it?""#)),
        echo(
            T0_MS + 2,
            &format!(
                r#""{photo}","attachments":[{{"type":"image","payload":{{"url":"https:\/\/luckyshrub.example\/fern.jpg"}}}}]"#
            ),
        ),
        from_person(
            T0_MS + 3,
            &format!(
                r#""reaction":{{"mid":"{answer}","action":"react","reaction":"love","emoji":"\u2764"}}"#
            ),
        ),
        from_person(T0_MS + 4, &format!(r#""read":{{"mid":"{photo}"}}"#)),
        from_person(
            T0_MS + 5,
            &format!(
                r#""message":{{"mid":"{story}","text":"Gorgeous!","reply_to":{{"story":{{"url":"https:\/\/lookaside.fbsbx.com\/ig_messaging_cdn\/?asset_id=1","id":"17900000000000001"}}}}}}"#
            ),
        ),
        from_person(
            T0_MS + 6,
            &format!(
                r#""message":{{"mid":"{share}","attachments":[{{"type":"share","payload":{{"url":"https:\/\/www.instagram.com\/p\/C1\/"}}}}]}}"#
            ),
        ),
        from_person(
            T0_MS + 7,
            &format!(r#""postback":{{"mid":"{tap}","title":"Buy","payload":"BUY_FERN"}}"#),
        ),
    ];
    let bodies: Vec<String> = receiver
        .received()
        .iter()
        .map(|p| p.text().to_owned())
        .collect();
    assert_eq!(bodies, expected);
}

#[tokio::test]
async fn instagrams_window_tag_access_and_errors() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(602).await;
    let token = page_token(&sim, &sandbox).await;
    let business = sandbox.id_of("instagram").to_owned();
    let ana = new_account(&sim, &sandbox, "ana.plants", "personal").await;
    let (_, igsid) = writes_to_business(&sim, &sandbox, &ana, "Hi").await;
    let body = |extra: serde_json::Value| {
        let mut body = json!({ "recipient": { "id": igsid }, "message": { "text": "Hello" } });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    sim.advance(&sandbox, 24 * 3600).await;
    let late = send_as(&sim, &sandbox, &token, &body(json!({}))).await;
    late.assert_error(403, 10, Some(2534022), "OAuthException");
    let human = body(json!({ "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT" }));
    send_as(&sim, &sandbox, &token, &human).await.ok();
    let other_tag = send_as(
        &sim,
        &sandbox,
        &token,
        &body(json!({ "messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE" })),
    )
    .await;
    assert_eq!(
        other_tag.message(),
        "(#100) Param tag must be one of {HUMAN_AGENT} - got \"ACCOUNT_UPDATE\"."
    );
    sim.advance(&sandbox, 6 * 24 * 3600).await;
    send_as(&sim, &sandbox, &token, &human).await.assert_error(
        403,
        10,
        Some(2534022),
        "OAuthException",
    );

    writes_to_business(&sim, &sandbox, &ana, "Back again").await;
    let settings = sim
        .post_json(
            &sandbox.sim(&format!("/instagram/users/{business}/settings")),
            &json!({ "allow_access_to_messages": false }),
        )
        .await;
    assert_eq!(settings.ok()["allow_access_to_messages"], false);
    let off = send_as(&sim, &sandbox, &token, &body(json!({}))).await;
    off.assert_error(403, 200, None, "OAuthException");
    let events_before = sim.get(&sandbox.sim("/events")).await.ok()["data"]
        .as_array()
        .unwrap()
        .len();
    writes_to_business(&sim, &sandbox, &ana, "Hello?").await;
    let events_after = sim.get(&sandbox.sim("/events")).await.ok()["data"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        events_before, events_after,
        "no webhook while access is off"
    );
    sim.post_json(
        &sandbox.sim(&format!("/instagram/users/{business}/settings")),
        &json!({ "allow_access_to_messages": true }),
    )
    .await
    .ok();
    send_as(&sim, &sandbox, &token, &body(json!({}))).await.ok();

    // An IGSID of nobody, through the Instagram-login path.
    let login = instagram_login_token(
        &sim,
        &sandbox,
        "ig_login",
        &[
            "instagram_business_basic",
            "instagram_business_manage_messages",
        ],
    )
    .await;
    let path = format!("/{V}/{business}/messages");
    let nobody = sim
        .send(sim.request(Method::POST, &path).bearer_auth(&login).json(
            &json!({ "recipient": { "id": "1000000000000000" }, "message": { "text": "Hi" } }),
        ))
        .await;
    nobody.assert_error(400, 100, Some(2534014), "OAuthException");
    let scopes =
        instagram_login_token(&sim, &sandbox, "ig_basic", &["instagram_business_basic"]).await;
    let missing = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(&scopes)
                .json(&body(json!({}))),
        )
        .await;
    missing.assert_error(403, 230, None, "OAuthException");
    assert_eq!(
        missing.message(),
        "(#230) Requires instagram_business_manage_messages permission to manage the object"
    );
    // A Facebook user token does not act for the account.
    let user = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(sandbox.token("user_token"))
                .json(&body(json!({}))),
        )
        .await;
    user.assert_error(400, 100, Some(33), "GraphMethodException");
}

#[tokio::test]
async fn conversations_through_the_page_and_disconnecting_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(603).await;
    let token = page_token(&sim, &sandbox).await;
    let page = sandbox.id_of("page").to_owned();
    let business = sandbox.id_of("instagram").to_owned();
    let ana = new_account(&sim, &sandbox, "ana.plants", "personal").await;
    let (asked, igsid) = writes_to_business(&sim, &sandbox, &ana, "Price of the fern?").await;

    let list = sim
        .get_as(
            &token,
            &format!("/{V}/{page}/conversations?platform=instagram"),
        )
        .await;
    let data = list.ok()["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 2, "Ana's and the demo's Kai's, newest first");
    let conversation = data[0]["id"].as_str().unwrap().to_owned();
    assert!(conversation.starts_with("aWdfZAG06"), "{conversation}");
    let messenger = sim
        .get_as(&token, &format!("/{V}/{page}/conversations"))
        .await;
    let messenger_ids: Vec<&serde_json::Value> = messenger.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(
        messenger_ids.len(),
        1,
        "the demo's Messenger conversation only"
    );
    assert!(!messenger_ids.contains(&&json!(conversation)));
    let detail = sim
        .get_as(
            &token,
            &format!("/{V}/{conversation}?fields=participants,messages{{message,from}}"),
        )
        .await;
    assert_eq!(
        detail.ok(),
        &json!({ "participants": { "data": [{ "username": "ana.plants", "id": igsid },
                                            { "username": "luckyshrub", "id": business }] },
                 "messages": { "data": [{ "message": "Price of the fern?",
                                          "from": { "username": "ana.plants", "id": igsid }, "id": asked }],
                               "paging": detail.json["messages"]["paging"] },
                 "id": conversation })
    );
    let profile = sim
        .get_as(
            &token,
            &format!("/{V}/{igsid}?fields=name,username,profile_pic"),
        )
        .await;
    assert_eq!(profile.ok()["username"], "ana.plants");
    let login = instagram_login_token(
        &sim,
        &sandbox,
        "ig_login",
        &[
            "instagram_business_basic",
            "instagram_business_manage_messages",
        ],
    )
    .await;
    let own = sim.get_as(&login, &format!("/{V}/me/conversations")).await;
    assert_eq!(own.ok()["data"][0]["id"], json!(conversation));

    // Disconnect: the Page no longer reaches the account's messages.
    sim.delete(&sandbox.sim(&format!("/pages/{page}/instagram-link")))
        .await
        .ok();
    let gone = sim
        .get_as(
            &token,
            &format!("/{V}/{page}/conversations?platform=instagram"),
        )
        .await;
    assert_eq!(gone.ok()["data"], json!([]));
    let refused = send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "id": igsid }, "message": { "text": "Hi" } }),
    )
    .await;
    refused.assert_error(400, 100, Some(2018001), "OAuthException");
    let hidden = sim.get_as(&token, &format!("/{V}/{conversation}")).await;
    hidden.assert_error(400, 100, Some(33), "GraphMethodException");
    // The Instagram-login token still works without a Page.
    let path = format!("/{V}/{business}/messages");
    sim.send(
        sim.request(Method::POST, &path)
            .bearer_auth(&login)
            .json(&json!({ "recipient": { "id": igsid }, "message": { "text": "Still here" } })),
    )
    .await
    .ok();
}
