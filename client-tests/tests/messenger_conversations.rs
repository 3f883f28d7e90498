//! A Page's conversations through the Graph API: `GET
//! /{page-id}/conversations` (platform, `user_id` filter, fields, paging,
//! only the Page's token), `GET /{conversation-id}` with its messages
//! nested, and `GET /{message-id}` — Meta's shapes, newest first.

use client_tests::messenger::{new_person, page_token, send, writes_to_page};
use client_tests::{Sim, V, Value, json};

#[tokio::test]
async fn conversations_messages_and_their_fields() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(521).await;
    let token = page_token(&sim, &sandbox).await;
    let page = sandbox.id_of("page").to_owned();
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let bo = new_person(&sim, &sandbox, "Bo Li").await;
    let (asked, ana_psid) = writes_to_page(&sim, &sandbox, &ana, "Do you sell ferns?").await;
    let sent = send(
        &sim,
        &sandbox,
        &token,
        &ana_psid,
        json!({ "text": "We do!" }),
    )
    .await;
    let answer = sent.ok()["message_id"].as_str().unwrap().to_owned();
    sim.advance(&sandbox, 60).await;
    let (_, bo_psid) = writes_to_page(&sim, &sandbox, &bo, "Open today?").await;

    let list = sim
        .get_as(&token, &format!("/{V}/{page}/conversations"))
        .await;
    let data = list.ok()["data"].as_array().unwrap().clone();
    assert_eq!(
        data.len(),
        3,
        "with the demo's Ana, who wrote before the start"
    );
    assert_eq!(data[2]["updated_time"], "2025-12-31T23:50:00+0000");
    assert_eq!(
        data[0]["updated_time"], "2026-01-01T00:01:00+0000",
        "newest first"
    );
    assert_eq!(data[1]["updated_time"], "2026-01-01T00:00:00+0000");
    let ana_conversation = data[1]["id"].as_str().unwrap().to_owned();
    assert!(ana_conversation.starts_with("t_") && ana_conversation.len() == 17);
    assert_eq!(
        data[0].as_object().unwrap().len(),
        2,
        "id and updated_time by default"
    );

    let only_ana = sim
        .get_as(
            &token,
            &format!("/{V}/{page}/conversations?platform=messenger&user_id={ana_psid}"),
        )
        .await;
    assert_eq!(only_ana.ok()["data"][0]["id"], json!(ana_conversation));
    assert_eq!(only_ana.ok()["data"].as_array().unwrap().len(), 1);
    let bad = sim
        .get_as(
            &token,
            &format!("/{V}/{page}/conversations?platform=whatsapp"),
        )
        .await;
    bad.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        bad.message(),
        "(#100) Param platform must be one of {MESSENGER, INSTAGRAM} - got \"whatsapp\"."
    );
    let user = sim
        .get_as(
            sandbox.token("user_token"),
            &format!("/{V}/{page}/conversations"),
        )
        .await;
    user.assert_error(400, 190, None, "OAuthException");
    assert_eq!(
        user.message(),
        "(#190) This method must be called with a Page Access Token"
    );

    let paged = sim
        .get_as(&token, &format!("/{V}/{page}/conversations?limit=1"))
        .await;
    let next = paged.ok()["paging"]["next"].as_str().unwrap().to_owned();
    let second = sim.send(sim.http.get(&next).bearer_auth(&token)).await;
    assert_eq!(second.ok()["data"][0]["id"], json!(ana_conversation));

    let fields = "participants,message_count,unread_count,snippet,can_reply,updated_time";
    let conversation = sim
        .get_as(&token, &format!("/{V}/{ana_conversation}?fields={fields}"))
        .await;
    assert_eq!(
        conversation.ok(),
        &json!({
            "participants": { "data": [
                { "name": "Ana Diaz", "email": format!("{ana_psid}@facebook.com"), "id": ana_psid },
                { "name": "Lucky Shrub", "email": format!("{page}@facebook.com"), "id": page }] },
            "message_count": 2, "unread_count": 1, "snippet": "We do!", "can_reply": true,
            "updated_time": "2026-01-01T00:00:00+0000", "id": ana_conversation })
    );
    let nested = sim
        .get_as(
            &token,
            &format!("/{V}/{ana_conversation}?fields=messages{{message,from,to,created_time}}"),
        )
        .await;
    let messages = nested.ok()["messages"]["data"].as_array().unwrap().clone();
    assert_eq!(
        messages,
        vec![
            json!({ "message": "We do!",
                    "from": { "name": "Lucky Shrub", "email": format!("{page}@facebook.com"), "id": page },
                    "to": { "data": [{ "name": "Ana Diaz", "email": format!("{ana_psid}@facebook.com"), "id": ana_psid }] },
                    "created_time": "2026-01-01T00:00:00+0000", "id": answer }),
            json!({ "message": "Do you sell ferns?",
                    "from": { "name": "Ana Diaz", "email": format!("{ana_psid}@facebook.com"), "id": ana_psid },
                    "to": { "data": [{ "name": "Lucky Shrub", "email": format!("{page}@facebook.com"), "id": page }] },
                    "created_time": "2026-01-01T00:00:00+0000", "id": asked }),
        ]
    );
    let edge = sim
        .get_as(&token, &format!("/{V}/{ana_conversation}/messages"))
        .await;
    let ids: Vec<&Value> = edge.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, [&json!(answer), &json!(asked)]);
    let message = sim.get_as(&token, &format!("/{V}/{asked}")).await;
    assert_eq!(
        message.ok(),
        &json!({ "id": asked, "created_time": "2026-01-01T00:00:00+0000" })
    );
    let hidden = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/{asked}"))
        .await;
    hidden.assert_error(400, 100, Some(33), "GraphMethodException");
    let nested_page = sim
        .get_as(
            &token,
            &format!("/{V}/{page}?fields=conversations.limit(1){{participants}}"),
        )
        .await;
    let first = &nested_page.ok()["conversations"]["data"][0];
    assert_eq!(first["participants"]["data"][0]["id"], json!(bo_psid));

    // The Page reads Ana's message (mark_seen): nothing unread any more.
    client_tests::messenger::send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "id": ana_psid }, "sender_action": "mark_seen" }),
    )
    .await
    .ok();
    let after = sim
        .get_as(
            &token,
            &format!("/{V}/{ana_conversation}?fields=unread_count"),
        )
        .await;
    assert_eq!(after.ok()["unread_count"], 0);

    // A day later the window is closed: can_reply turns false.
    sim.advance(&sandbox, 24 * 3600).await;
    let closed = sim
        .get_as(&token, &format!("/{V}/{ana_conversation}?fields=can_reply"))
        .await;
    assert_eq!(closed.ok()["can_reply"], false);
}
