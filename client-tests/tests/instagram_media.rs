//! A professional account's posts and comments, as integrations that read
//! the posts and answer comments use them: `GET /{ig-user-id}/media`,
//! `GET /{ig-media-id}` and its `comments`, `comments` and `mentions`
//! webhooks byte for byte, replying to a comment in public and in private
//! (once, within 7 days), and webhooks subscribed with an Instagram-login
//! token, without a Page.

use client_tests::instagram::{instagram_inbox, instagram_login_token, new_account};
use client_tests::messenger::{page_token, send_as};
use client_tests::receiver::{Receiver, subscribe};
use client_tests::{Sim, V, json};
use reqwest::Method;

#[tokio::test]
async fn posts_comments_mentions_and_replies() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(611).await;
    let token = page_token(&sim, &sandbox).await;
    let business = sandbox.id_of("instagram").to_owned();
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe(
        &sim,
        &sandbox,
        "instagram",
        &["comments", "mentions"],
        &receiver.url("/ig"),
    )
    .await;
    // Subscribed with the account's Instagram-login token: no Page needed.
    let login = instagram_login_token(
        &sim,
        &sandbox,
        "ig_login",
        &[
            "instagram_business_basic",
            "instagram_business_manage_messages",
            "instagram_business_manage_comments",
        ],
    )
    .await;
    let subscribe_path = format!("/{V}/{business}/subscribed_apps");
    let subscribed = sim
        .send(
            sim.request(
                Method::POST,
                &format!("{subscribe_path}?subscribed_fields=comments,mentions"),
            )
            .bearer_auth(&login),
        )
        .await;
    assert_eq!(subscribed.ok(), &json!({ "success": true }));
    let listed = sim.get_as(&login, &subscribe_path).await;
    assert_eq!(
        listed.ok(),
        &json!({ "data": [{ "subscribed_fields": ["comments", "mentions"], "id": sandbox.id_of("app") }] })
    );

    let posted = sim
        .post_json(&sandbox.sim(&format!("/instagram/users/{business}/media")),
                   &json!({ "caption": "New ferns are in!", "media_url": "https://luckyshrub.example/ferns.jpg" }))
        .await;
    assert_eq!(posted.status, 201, "{}", posted.text());
    let media = posted.json["id"].as_str().unwrap().to_owned();
    let ana = new_account(&sim, &sandbox, "ana.plants", "personal").await;
    let fern = new_account(&sim, &sandbox, "fern.creates", "creator").await;
    let commented = sim
        .post_json(
            &sandbox.sim(&format!("/instagram/users/{ana}/comments")),
            &json!({ "media_id": media, "text": "Love this! cc @fern.creates" }),
        )
        .await;
    assert_eq!(commented.status, 201, "{}", commented.text());
    let comment = commented.json["id"].as_str().unwrap().to_owned();

    let posts = sim.get_as(&token, &format!("/{V}/{business}/media?fields=caption,media_type,media_product_type,comments_count,username,timestamp")).await;
    assert_eq!(
        posts.ok()["data"],
        json!([{ "caption": "New ferns are in!", "media_type": "IMAGE", "media_product_type": "FEED",
                 "comments_count": 1, "username": "luckyshrub", "timestamp": "2026-01-01T00:00:00+0000", "id": media }])
    );
    let count = sim
        .get_as(&token, &format!("/{V}/{business}?fields=media_count"))
        .await;
    assert_eq!(
        count.ok()["media_count"],
        43,
        "42 from the fixture and this one"
    );
    let comments = sim.get_as(&token, &format!("/{V}/{media}/comments")).await;
    assert_eq!(
        comments.ok()["data"],
        json!([{ "timestamp": "2026-01-01T00:00:00+0000", "text": "Love this! cc @fern.creates", "id": comment }])
    );

    sim.deliver(&sandbox).await;
    let bodies: Vec<String> = receiver
        .received()
        .iter()
        .map(|p| p.text().to_owned())
        .collect();
    let igsid = sim
        .get_as(&token, &format!("/{V}/{comment}?fields=from"))
        .await;
    let igsid = igsid.ok()["from"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        bodies,
        [format!(
            r#"{{"object":"instagram","entry":[{{"id":"{business}","time":1767225600,"changes":[{{"value":{{"id":"{comment}","text":"Love this! cc @fern.creates","from":{{"id":"{igsid}","username":"ana.plants"}},"media":{{"id":"{media}","media_product_type":"FEED"}}}},"field":"comments"}}]}}]}}"#
        )],
        "fern.creates is mentioned, but no app of fern's listens"
    );
    let events = sim.get(&sandbox.sim("/events")).await;
    let mention = events.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "mentions")
        .unwrap()
        .clone();
    assert_eq!(mention["account_id"], json!(fern));
    assert_eq!(
        mention["value"],
        json!({ "media_id": media, "comment_id": comment })
    );

    // A public reply needs instagram_manage_comments; the Page token lacks it.
    let replies = format!("/{V}/{comment}/replies");
    let no_scope = sim
        .send(
            sim.request(Method::POST, &replies)
                .bearer_auth(&token)
                .json(&json!({ "message": "Thanks!" })),
        )
        .await;
    no_scope.assert_error(403, 230, None, "OAuthException");
    let reply = sim
        .send(
            sim.request(Method::POST, &replies)
                .bearer_auth(&login)
                .json(&json!({ "message": "Thanks!" })),
        )
        .await;
    let reply_id = reply.ok()["id"].as_str().unwrap().to_owned();
    let thread = sim
        .get_as(
            &login,
            &format!("/{V}/{comment}/replies?fields=text,parent_id"),
        )
        .await;
    assert_eq!(
        thread.ok()["data"],
        json!([{ "text": "Thanks!", "parent_id": comment, "id": reply_id }])
    );

    // A private reply to the comment: once, then refused.
    let private = json!({ "recipient": { "comment_id": comment }, "message": { "text": "DM'd you the price" } });
    let sent = send_as(&sim, &sandbox, &token, &private).await;
    assert_eq!(sent.ok()["recipient_id"], json!(igsid));
    let again = send_as(&sim, &sandbox, &token, &private).await;
    again.assert_error(400, 10, None, "OAuthException");
    let inbox = instagram_inbox(&sim, &sandbox, &ana).await;
    assert_eq!(inbox[0]["text"], "DM'd you the price");

    // Eight days later a new comment can no longer get a private reply.
    let late = sim
        .post_json(
            &sandbox.sim(&format!("/instagram/users/{fern}/comments")),
            &json!({ "media_id": media, "text": "Gorgeous" }),
        )
        .await;
    let late = late.json["id"].as_str().unwrap().to_owned();
    sim.advance(&sandbox, 8 * 24 * 3600).await;
    let too_late = send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "comment_id": late }, "message": { "text": "Hi" } }),
    )
    .await;
    too_late.assert_error(403, 10, Some(2534022), "OAuthException");
}
