//! The real messaging-api-messenger SDK (1.1.0, unmodified, installed by the
//! test with `npm ci` into `client-tests/sdk/proxied/node/node_modules`)
//! drives metasim through `client-tests/sdk/proxied/node/drive_messenger.mjs`
//! with its `origin` option: text, an image by URL, quick replies, a button
//! template, typing on, mark seen, the person's profile, and the greeting
//! set and read back — every call at the SDK's default v6.0 (served as the
//! oldest usable version) and signed with `appsecret_proof`. The test checks
//! what the SDK returned, the requests it made (journal), and what the person
//! received in Messenger.

use client_tests::messenger::{inbox, page_token, writes_to_page};
use client_tests::sdk::{calls, proxied_node_dir, run_driver};
use client_tests::{Sim, Value, json};

const STEPS: [&str; 9] = [
    "send_text",
    "send_image",
    "send_quick_replies",
    "send_button_template",
    "typing_on",
    "mark_seen",
    "get_user_profile",
    "set_greeting",
    "get_greeting",
];

#[tokio::test]
async fn messaging_api_messenger_talks_to_a_person_through_metasim() {
    let sim = Sim::start().await;
    let sandbox = sim.create_sandbox(json!({ "id": "sdk-messenger" })).await;
    let token = page_token(&sim, &sandbox).await;
    let ana = sandbox.id_of("ana").to_owned();
    let (_, psid) = writes_to_page(&sim, &sandbox, &ana, "Hi, anyone there?").await;
    let before = sim.journal(&sandbox, "").await.len();

    let dir = proxied_node_dir();
    let mut command = tokio::process::Command::new("node");
    command
        .arg(dir.join("drive_messenger.mjs"))
        .current_dir(&dir)
        .env("METASIM_URL", sim.sim.url())
        .env("PAGE_TOKEN", &token)
        .env("APP_SECRET", sandbox.secret("app"))
        .env("PSID", &psid);
    let steps = run_driver(command).await;
    assert_eq!(steps.names(), STEPS);

    // The SDK camel-cases Meta's answers.
    for send in &STEPS[..4] {
        let result = steps.result(send);
        assert_eq!(result["recipientId"], json!(psid), "{send}");
        assert!(
            result["messageId"].as_str().unwrap().starts_with("m_"),
            "{send}"
        );
    }
    for action in ["typing_on", "mark_seen"] {
        assert_eq!(steps.result(action), &json!({ "recipientId": psid }));
    }
    assert_eq!(
        steps.result("get_user_profile"),
        &json!({ "id": psid, "name": "Ana Diaz", "firstName": "Ana", "lastName": "Diaz",
                 "profilePic": format!("https://platform-lookaside.fbsbx.com/platform/profilepic/?psid={psid}") })
    );
    assert_eq!(
        steps.result("set_greeting"),
        &json!({ "result": "success" })
    );
    assert_eq!(
        steps.result("get_greeting"),
        &json!([{ "locale": "default", "text": "Welcome to Lucky Shrub!" }])
    );

    // What it sent: its default version, appsecret_proof on every call, all answered 200.
    let entries = sim.journal(&sandbox, "").await.split_off(before);
    let made: Vec<(&str, &str)> = calls(&entries);
    assert_eq!(
        made,
        [
            ("POST", "/v6.0/me/messages"),
            ("POST", "/v6.0/me/messages"),
            ("POST", "/v6.0/me/messages"),
            ("POST", "/v6.0/me/messages"),
            ("POST", "/v6.0/me/messages"),
            ("POST", "/v6.0/me/messages"),
            ("GET", &*format!("/v6.0/{psid}")),
            ("POST", "/v6.0/me/messenger_profile"),
            ("GET", "/v6.0/me/messenger_profile"),
        ]
    );
    for entry in &entries {
        assert_eq!(entry["status"], 200, "{entry}");
        assert!(entry["query"]["appsecret_proof"].is_string(), "{entry}");
    }

    // What Ana received.
    let received = inbox(&sim, &sandbox, &ana).await;
    let messages: Vec<&Value> = received.iter().map(|m| &m["message"]).collect();
    assert_eq!(
        messages,
        [
            &json!({ "text": "Hello from messaging-api-messenger" }),
            &json!({ "attachments": [{ "type": "image", "payload": { "url": "https://luckyshrub.example/fern.jpg" } }] }),
            &json!({ "text": "Pot size?", "quick_replies": [
                { "content_type": "text", "title": "Small", "payload": "POT_S" },
                { "content_type": "text", "title": "Large", "payload": "POT_L" }] }),
            &json!({ "attachments": [{ "type": "template", "payload": { "template_type": "button", "text": "Which fern?",
                "buttons": [{ "type": "postback", "title": "Boston fern", "payload": "FERN_BOSTON" },
                            { "type": "web_url", "title": "Catalogue", "url": "https://luckyshrub.example/ferns" }] } }] }),
        ]
    );
}
