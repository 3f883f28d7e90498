//! The Messenger Send API (`POST /{page-id}/messages`, `/me/messages`) as an
//! integration calls it: who may send, the 24-hour window and the
//! HUMAN_AGENT tag on the virtual clock, text, attachments by URL and by
//! saved id, templates, quick replies, sender actions, JSON and form bodies,
//! and every refusal with Meta's code — checked on the answer and in the
//! person's Messenger inbox.

use client_tests::messenger::{
    inbox, new_person, page_token, send, send_as, write, writes_to_page,
};
use client_tests::{Sim, V, json};
use reqwest::Method;

const OUTSIDE_WINDOW: &str = "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview";

#[tokio::test]
async fn a_page_answers_inside_the_window_and_the_person_reads_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(501).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (mid, psid) = writes_to_page(&sim, &sandbox, &ana, "Do you deliver on Sundays?").await;
    assert!(mid.starts_with("m_") && mid.len() == 88, "{mid}");
    assert!(psid.starts_with('6') && psid.len() == 16, "{psid}");
    let (_, again) = writes_to_page(&sim, &sandbox, &ana, "Anyone there?").await;
    assert_eq!(again, psid, "one PSID per person and Page");

    let reply = send(
        &sim,
        &sandbox,
        &token,
        &psid,
        json!({ "text": "Yes, 10 to 4." }),
    )
    .await;
    let answer = reply.ok();
    assert_eq!(answer["recipient_id"], json!(psid));
    let sent = answer["message_id"].as_str().unwrap();
    assert!(sent.starts_with("m_"));
    assert_eq!(answer.as_object().unwrap().len(), 2);

    // The same through /me/messages with a form body (JSON strings in fields).
    let form = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/me/messages"))
                .form(&[
                    ("access_token", token.as_str()),
                    ("recipient", &json!({ "id": psid }).to_string()),
                    ("messaging_type", "UPDATE"),
                    ("message", &json!({ "text": "See you!" }).to_string()),
                ]),
        )
        .await;
    form.ok();

    let received = inbox(&sim, &sandbox, &ana).await;
    let texts: Vec<&str> = received
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Yes, 10 to 4.", "See you!"]);
    assert_eq!(received[0]["mid"], json!(sent));
    assert_eq!(
        received[0]["from"],
        json!({ "id": sandbox.id_of("page"), "name": "Lucky Shrub", "type": "page" })
    );
    assert_eq!(received[0]["platform"], "messenger");
    assert_eq!(received[0]["read"], false);
    let read = sim
        .post_json(
            &sandbox.sim(&format!("/facebook/users/{ana}/read")),
            &json!({ "from": sandbox.id_of("page") }),
        )
        .await;
    assert_eq!(read.ok()["watermark"], received[1]["time_ms"]);
    assert!(
        inbox(&sim, &sandbox, &ana)
            .await
            .iter()
            .all(|m| m["read"] == true)
    );
}

#[tokio::test]
async fn the_window_closes_after_24_hours_and_human_agent_lasts_7_days() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(502).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Is my order ready?").await;

    sim.advance(&sandbox, 24 * 3600 - 1).await;
    send(&sim, &sandbox, &token, &psid, json!({ "text": "Almost!" }))
        .await
        .ok();
    sim.advance(&sandbox, 1).await;
    let late = send(
        &sim,
        &sandbox,
        &token,
        &psid,
        json!({ "text": "Ready now" }),
    )
    .await;
    late.assert_error(400, 10, Some(2018278), "OAuthException");
    assert_eq!(late.message(), OUTSIDE_WINDOW);

    let human = json!({ "recipient": { "id": psid }, "messaging_type": "MESSAGE_TAG",
                        "tag": "HUMAN_AGENT", "message": { "text": "An agent here: it is ready." } });
    send_as(&sim, &sandbox, &token, &human).await.ok();
    sim.advance(&sandbox, 6 * 24 * 3600 - 1).await;
    send_as(&sim, &sandbox, &token, &human).await.ok();
    sim.advance(&sandbox, 1).await;
    let too_late = send_as(&sim, &sandbox, &token, &human).await;
    too_late.assert_error(400, 10, Some(2018278), "OAuthException");

    // The person writes again: the window opens again.
    writes_to_page(&sim, &sandbox, &ana, "Still there?").await;
    send(&sim, &sandbox, &token, &psid, json!({ "text": "Yes!" }))
        .await
        .ok();
    let texts: Vec<String> = inbox(&sim, &sandbox, &ana)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        texts,
        [
            "Almost!",
            "An agent here: it is ready.",
            "An agent here: it is ready.",
            "Yes!"
        ]
    );
}

#[tokio::test]
async fn refusals_carry_metas_codes() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(503).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Hi").await;
    let text = json!({ "text": "Hello" });

    // Only the Page's token, and with pages_messaging.
    let user = send(
        &sim,
        &sandbox,
        sandbox.token("user_token"),
        &psid,
        text.clone(),
    )
    .await;
    user.assert_error(403, 210, None, "OAuthException");

    let unknown = send(&sim, &sandbox, &token, "6000000000000000", text.clone()).await;
    unknown.assert_error(400, 100, Some(2018001), "OAuthException");
    assert_eq!(unknown.message(), "(#100) No matching user found");
    for (body, message) in [
        (
            json!({ "recipient": { "id": "abc" }, "message": text }),
            "(#100) Param recipient[id] must be a valid ID string (e.g., \"123\")",
        ),
        (
            json!({ "message": text }),
            "(#100) The parameter recipient is required",
        ),
        (
            json!({ "recipient": { "id": psid } }),
            "(#100) The parameter message is required",
        ),
        (
            json!({ "recipient": { "id": psid }, "message": {} }),
            "(#100) Message cannot be empty, must provide valid attachment or text",
        ),
        (
            json!({ "recipient": { "id": psid }, "message": { "text": "x".repeat(2001) } }),
            "(#100) Length of param message[text] must be less than or equal to 2000",
        ),
        (
            json!({ "recipient": { "id": psid }, "messaging_type": "PROMO", "message": text }),
            "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY} - got \"PROMO\".",
        ),
        (
            json!({ "recipient": { "id": psid }, "messaging_type": "MESSAGE_TAG", "message": text }),
            "(#100) The parameter tag is required when messaging_type is MESSAGE_TAG",
        ),
        (
            json!({ "recipient": { "id": psid }, "messaging_type": "MESSAGE_TAG", "tag": "SALE", "message": text }),
            "(#100) Param tag must be one of {ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, CUSTOMER_FEEDBACK, HUMAN_AGENT, POST_PURCHASE_UPDATE} - got \"SALE\".",
        ),
        (
            json!({ "recipient": { "id": psid }, "sender_action": "dance" }),
            "(#100) Param sender_action must be one of {mark_seen, typing_on, typing_off} - got \"dance\".",
        ),
        (
            json!({ "recipient": { "id": psid }, "sender_action": "typing_on", "message": text }),
            "(#100) Param sender_action cannot be sent with message",
        ),
        (
            json!({ "recipient": { "id": psid }, "message": { "text": "a", "quick_replies": [{ "content_type": "text", "title": "x".repeat(21), "payload": "P" }] } }),
            "(#100) Length of param message[quick_replies][0][title] must be less than or equal to 20",
        ),
        (
            json!({ "recipient": { "id": psid }, "message": { "attachment": { "type": "image", "payload": { "attachment_id": "1999" } } } }),
            "(#100) Param message[attachment][payload][attachment_id]: no attachment 1999 was saved by this Page",
        ),
    ] {
        let reply = send_as(&sim, &sandbox, &token, &body).await;
        reply.assert_error(
            400,
            100,
            reply.error()["error_subcode"].as_i64(),
            "OAuthException",
        );
        assert_eq!(reply.message(), message, "{body}");
    }
    // Another Page's token knows nothing of this PSID.
    let other = sim
        .post_json(
            &sandbox.sim("/pages"),
            &json!({ "name": "Fern Corner", "user_id": sandbox.id_of("owner") }),
        )
        .await;
    let other_page = other.json["id"].as_str().unwrap().to_owned();
    let accounts = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    let other_token = accounts.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == json!(other_page))
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/{V}/{other_page}/messages");
    let wrong_page = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(&other_token)
                .json(&json!({ "recipient": { "id": psid }, "message": { "text": "Hi" } })),
        )
        .await;
    wrong_page.assert_error(400, 100, Some(2018001), "OAuthException");
}

#[tokio::test]
async fn pages_messaging_is_required() {
    let sim = Sim::start().await;
    let mut fixture = client_tests::demo_fixture();
    let scopes = fixture["tokens"][1]["scopes"].as_array_mut().unwrap();
    scopes.retain(|s| s != "pages_messaging");
    let sandbox = sim
        .create_sandbox(json!({ "seed": 504, "fixture": fixture }))
        .await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Hi").await;
    let reply = send(&sim, &sandbox, &token, &psid, json!({ "text": "Hello" })).await;
    reply.assert_error(403, 230, None, "OAuthException");
    assert_eq!(
        reply.message(),
        "(#230) Requires pages_messaging permission to manage the object"
    );
}

#[tokio::test]
async fn attachments_templates_quick_replies_and_sender_actions() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(505).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Show me ferns").await;

    let typing = send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "id": psid }, "sender_action": "typing_on" }),
    )
    .await;
    assert_eq!(typing.ok(), &json!({ "recipient_id": psid }));
    let seen = send_as(
        &sim,
        &sandbox,
        &token,
        &json!({ "recipient": { "id": psid }, "sender_action": "mark_seen" }),
    )
    .await;
    seen.ok();

    let image = json!({ "attachment": { "type": "image", "payload": {
        "url": "https://luckyshrub.example/fern.jpg", "is_reusable": true } } });
    let reply = send(&sim, &sandbox, &token, &psid, image).await;
    let saved = reply.ok()["attachment_id"].as_str().unwrap().to_owned();
    let again = json!({ "attachment": { "type": "image", "payload": { "attachment_id": saved } } });
    assert!(
        send(&sim, &sandbox, &token, &psid, again)
            .await
            .ok()
            .get("attachment_id")
            .is_none()
    );

    let upload = sim
        .send(
            sim.request(
                Method::POST,
                &format!("/{V}/{}/message_attachments", sandbox.id_of("page")),
            )
            .bearer_auth(&token)
            .json(
                &json!({ "message": { "attachment": { "type": "video", "payload": {
                    "url": "https://luckyshrub.example/care.mp4", "is_reusable": true } } } }),
            ),
        )
        .await;
    let video = upload.ok()["attachment_id"].as_str().unwrap().to_owned();
    assert!(video.len() == 16 && video.bytes().all(|b| b.is_ascii_digit()));

    let buttons = json!({ "attachment": { "type": "template", "payload": {
        "template_type": "button", "text": "Which one?",
        "buttons": [{ "type": "postback", "title": "Boston fern", "payload": "FERN_BOSTON" },
                    { "type": "web_url", "title": "Catalogue", "url": "https://luckyshrub.example/ferns" }] } } });
    send(&sim, &sandbox, &token, &psid, buttons).await.ok();
    let quick = json!({ "text": "Pot size?", "quick_replies": [
        { "content_type": "text", "title": "Small", "payload": "POT_S" },
        { "content_type": "text", "title": "Large", "payload": "POT_L" }] });
    send(&sim, &sandbox, &token, &psid, quick).await.ok();

    let received = inbox(&sim, &sandbox, &ana).await;
    assert_eq!(received.len(), 4);
    assert_eq!(
        received[0]["message"],
        json!({ "attachments": [{ "type": "image", "payload": { "url": "https://luckyshrub.example/fern.jpg" } }] })
    );
    assert_eq!(
        received[1]["message"], received[0]["message"],
        "sent again by its attachment id"
    );
    let page = sandbox.id_of("page");
    let user_path = sandbox.sim(&format!("/facebook/users/{ana}"));
    assert_eq!(
        received[2]["buttons"],
        json!([{ "label": "Boston fern", "tap": { "path": format!("{user_path}/postbacks"),
                  "body": { "to": page, "title": "Boston fern", "payload": "FERN_BOSTON" } } },
               { "label": "Catalogue", "link": "https://luckyshrub.example/ferns" }])
    );
    let small = &received[3]["quick_replies"][0]["tap"];
    assert_eq!(small["path"], json!(format!("{user_path}/messages")));
    let tapped = write(&sim, &sandbox, &ana, page, small["body"]["message"].clone()).await;
    assert_eq!(tapped.status, 201, "{}", tapped.text());
    let postback = sim
        .post_json(
            received[2]["buttons"][0]["tap"]["path"].as_str().unwrap(),
            &received[2]["buttons"][0]["tap"]["body"],
        )
        .await;
    assert_eq!(postback.status, 201, "{}", postback.text());
    assert_eq!(postback.json["psid"], json!(psid));
}

#[tokio::test]
async fn a_psid_reads_as_the_person_with_the_pages_token_only() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(506).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Hi").await;
    let profile = sim
        .get_as(
            &token,
            &format!("/{V}/{psid}?fields=first_name,last_name,name,profile_pic"),
        )
        .await;
    assert_eq!(
        profile.ok(),
        &json!({ "first_name": "Ana", "last_name": "Diaz", "name": "Ana Diaz",
                 "profile_pic": format!("https://platform-lookaside.fbsbx.com/platform/profilepic/?psid={psid}"),
                 "id": psid })
    );
    let user = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/{psid}"))
        .await;
    user.assert_error(400, 100, Some(33), "GraphMethodException");
    let unknown_field = sim
        .get_as(&token, &format!("/{V}/{psid}?fields=username"))
        .await;
    assert_eq!(
        unknown_field.message(),
        "(#100) Tried accessing nonexisting field (username) on node type (User)"
    );
}

#[tokio::test]
async fn the_messenger_profile_is_set_read_and_deleted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(507).await;
    let token = page_token(&sim, &sandbox).await;
    let path = format!("/{V}/me/messenger_profile");
    let post = |body: serde_json::Value| {
        sim.send(
            sim.request(Method::POST, &path)
                .bearer_auth(&token)
                .json(&body),
        )
    };
    let greeting = json!([{ "locale": "default", "text": "Welcome to Lucky Shrub!" }]);
    assert_eq!(
        post(json!({ "greeting": greeting })).await.ok(),
        &json!({ "result": "success" })
    );
    let menu = json!([{ "locale": "default", "composer_input_disabled": false, "call_to_actions": [
        { "type": "postback", "title": "My orders", "payload": "ORDERS" }] }]);
    let refused = post(json!({ "persistent_menu": menu })).await;
    refused.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        refused.message(),
        "(#100) You must set a Get Started button if you also wish to use persistent menu."
    );
    post(
        json!({ "get_started": { "payload": "GET_STARTED" }, "persistent_menu": menu,
                 "ice_breakers": [{ "question": "Opening hours?", "payload": "HOURS" }] }),
    )
    .await
    .ok();
    let read = sim
        .get_as(
            &token,
            &format!("{path}?fields=greeting,get_started,persistent_menu"),
        )
        .await;
    assert_eq!(
        read.ok(),
        &json!({ "data": [{ "greeting": greeting, "get_started": { "payload": "GET_STARTED" },
                             "persistent_menu": menu }] })
    );
    sim.get_as(&token, &path)
        .await
        .assert_error(400, 100, None, "OAuthException");
    let early = sim
        .send(
            sim.request(Method::DELETE, &path)
                .bearer_auth(&token)
                .json(&json!({ "fields": ["get_started"] })),
        )
        .await;
    assert_eq!(
        early.message(),
        "(#100) You must delete the persistent menu before deleting the Get Started button."
    );
    let deleted = sim
        .send(
            sim.request(Method::DELETE, &path)
                .bearer_auth(&token)
                .json(&json!({ "fields": ["persistent_menu", "greeting"] })),
        )
        .await;
    assert_eq!(deleted.ok(), &json!({ "result": "success" }));
    let read = sim
        .get_as(&token, &format!("{path}?fields=greeting,persistent_menu"))
        .await;
    assert_eq!(read.ok(), &json!({ "data": [] }));
    let user = sim
        .get_as(
            sandbox.token("user_token"),
            &format!(
                "/{V}/{}/messenger_profile?fields=greeting",
                sandbox.id_of("page")
            ),
        )
        .await;
    user.assert_error(403, 210, None, "OAuthException");
}

#[tokio::test]
async fn an_uploaded_file_is_saved_and_sent_by_its_id() {
    use client_tests::business::{Part, post_multipart_as};
    let sim = Sim::start().await;
    let sandbox = sim.demo(508).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = new_person(&sim, &sandbox, "Ana Diaz").await;
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Send me the care guide").await;
    let page = sandbox.id_of("page");
    let message = json!({ "attachment": { "type": "file", "payload": { "is_reusable": true } } });
    let mut file = Part::file("application/pdf", b"%PDF-1.4 care guide".to_vec());
    file.name = "filedata".to_owned();
    let parts = [Part::text("message", &message.to_string()), file];
    let uploaded = post_multipart_as(
        &sim,
        &token,
        &format!("/{page}/message_attachments"),
        &parts,
    )
    .await;
    let id = uploaded.ok()["attachment_id"].as_str().unwrap().to_owned();
    let by_id = json!({ "attachment": { "type": "file", "payload": { "attachment_id": id } } });
    send(&sim, &sandbox, &token, &psid, by_id).await.ok();
    let received = inbox(&sim, &sandbox, &ana).await;
    assert_eq!(
        received[0]["message"],
        json!({ "attachments": [{ "type": "file",
                "payload": { "url": format!("https://cdn.fbsbx.com/v/t59.2708-21/{id}/file") } }] })
    );
    let neither = post_multipart_as(
        &sim,
        &token,
        &format!("/{page}/message_attachments"),
        &[Part::text("message", &message.to_string())],
    )
    .await;
    neither.assert_error(400, 100, None, "OAuthException");
    let unsupported = sim
        .send(sim.request(Method::POST, &format!("/{V}/{page}/message_attachments")).bearer_auth(&token)
            .json(&json!({ "message": { "attachment": { "type": "sticker", "payload": { "url": "https://x.example/s.png" } } } })))
        .await;
    assert_eq!(
        unsupported.message(),
        "(#100) Param message[attachment][type] must be one of {image, audio, video, file, template} - got \"sticker\"."
    );
}
