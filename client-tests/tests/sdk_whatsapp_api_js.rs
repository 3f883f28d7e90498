//! The real whatsapp-api-js SDK (6.3.0, unmodified, installed by the test with
//! `npm ci` into `client-tests/sdk/node/node_modules`) drives metasim through
//! `client-tests/sdk/node/drive.mjs`: text, the `order_update` template with
//! two body parameters, an image by link, reply buttons, a reaction and
//! mark-as-read of Alice's message; a PNG uploaded (multipart, with
//! `messaging_product` in the query and no `type`), described, downloaded and
//! deleted. The SDK has no calls for the business profile or the number
//! lifecycle. The test checks what the SDK returned, the requests it sent
//! (journal), and metasim's state: Alice's inbox and statuses, the media gone.

use client_tests::sdk::{
    PNG, Scenario, Sent, Steps, assert_alice_received, assert_download_url, assert_media_gone,
    calls, png_sha256, run_driver, whatsapp_api_js_dir,
};
use client_tests::whatsapp::{ALICE, assert_wamid, phone};
use client_tests::{Sim, V, Value, json};

const STEPS: [&str; 11] = [
    "setup",
    "send_text",
    "send_template",
    "send_image_link",
    "send_buttons",
    "send_reaction",
    "mark_as_read",
    "upload_media",
    "retrieve_media",
    "fetch_media",
    "delete_media",
];

const SENDS: [&str; 5] = [
    "send_text",
    "send_template",
    "send_image_link",
    "send_buttons",
    "send_reaction",
];

/// What drive.mjs sends Alice.
const SENT: Sent = Sent {
    text: "Hello from whatsapp-api-js",
    order: "B-2077",
    image: "https://luckyshrub.example/cactus.png",
    caption: "Your cactus",
};

async fn run_whatsapp_api_js(sim: &Sim, scenario: &Scenario) -> Steps {
    let dir = whatsapp_api_js_dir();
    let mut command = tokio::process::Command::new("node");
    command
        .arg(dir.join("drive.mjs"))
        .current_dir(&dir)
        .envs(scenario.env(sim))
        .env("METASIM_API_VERSION", V);
    run_driver(command).await
}

/// Meta's exact answer to a send, as the SDK handed it back; the wamid.
#[track_caller]
fn assert_sent(result: &Value, template: bool) -> String {
    let id = result["messages"][0]["id"]
        .as_str()
        .expect("a message id")
        .to_owned();
    assert_wamid(&id);
    let mut message = json!({ "id": id });
    if template {
        message["message_status"] = json!("accepted");
    }
    assert_eq!(
        result,
        &json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": ALICE, "wa_id": ALICE }],
            "messages": [message],
        })
    );
    id
}

async fn check_messaging(sim: &Sim, scenario: &Scenario, steps: &Steps) {
    let ids: Vec<String> = SENDS
        .iter()
        .map(|step| assert_sent(steps.result(step), *step == "send_template"))
        .collect();
    assert_eq!(steps.result("mark_as_read"), &json!({ "success": true }));
    assert_alice_received(sim, scenario, &ids, &SENT).await;
}

/// Uploaded, described, downloaded byte for byte, deleted; returns the id.
async fn check_media(sim: &Sim, scenario: &Scenario, steps: &Steps) -> String {
    let uploaded = steps.result("upload_media");
    let media_id = uploaded["id"].as_str().expect("a media id").to_owned();
    assert_eq!(uploaded, &json!({ "id": media_id }));
    let described = steps.result("retrieve_media");
    let url = described["url"].as_str().expect("a download URL");
    assert_download_url(sim, url);
    assert_eq!(
        described,
        &json!({
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": "image/png",
            "sha256": png_sha256(),
            "file_size": PNG.len().to_string(),
            "id": media_id,
        })
    );
    assert_eq!(
        steps.result("fetch_media"),
        &json!({
            "status": 200,
            "content_type": "image/png",
            "size": PNG.len(),
            "sha256": png_sha256(),
        })
    );
    assert_eq!(steps.result("delete_media"), &json!({ "success": true }));
    assert_media_gone(sim, &scenario.sandbox, &media_id).await;
    media_id
}

/// The requests the SDK sent, in order, and what they carried.
fn check_requests(requests: &[Value], scenario: &Scenario, media_id: &str) {
    for entry in requests {
        assert_eq!(entry["status"], 200, "{entry}");
    }
    let business = phone(&scenario.sandbox);
    let messages = format!("/{V}/{business}/messages");
    let upload = format!("/{V}/{business}/media");
    let media = format!("/{V}/{media_id}");
    let mut expected = vec![("POST", messages.as_str()); 6];
    expected.extend([
        ("POST", upload.as_str()),
        ("GET", media.as_str()),
        ("DELETE", media.as_str()),
    ]);
    assert_eq!(calls(requests), expected);

    let body = |i: usize| &requests[i]["body"];
    for i in 0..SENDS.len() {
        assert_eq!(body(i)["recipient_type"], "individual");
        assert_eq!(body(i)["to"], ALICE);
    }
    assert_eq!(body(0)["text"], json!({ "body": SENT.text }));
    assert_eq!(
        body(1)["template"],
        json!({
            "name": "order_update",
            "language": { "code": "en_US", "policy": "deterministic" },
            "components": [{
                "type": "body",
                "parameters": [{ "type": "text", "text": "Alice" }, { "type": "text", "text": SENT.order }],
            }],
        })
    );
    assert_eq!(
        body(2)["image"],
        json!({ "link": SENT.image, "caption": SENT.caption })
    );
    assert_eq!(body(3)["interactive"]["type"], "button");
    assert_eq!(
        body(5),
        &json!({ "messaging_product": "whatsapp", "status": "read", "message_id": scenario.inbound_id })
    );
    // The upload: the file part alone, `messaging_product` in the query.
    assert_eq!(
        requests[6]["query"],
        json!({ "messaging_product": "whatsapp" })
    );
    assert_eq!(body(6), &Value::Null);
    for entry in &requests[7..] {
        assert_eq!(entry["query"], json!({ "phone_number_id": business }));
    }
}

#[tokio::test]
async fn whatsapp_api_js_drives_messaging_and_media() {
    let sim = Sim::start().await;
    let scenario = Scenario::start(&sim, "sdk-whatsapp-api-js").await;
    let sandbox = &scenario.sandbox;

    let journaled = sim.journal(sandbox, "").await.len();
    let steps = run_whatsapp_api_js(&sim, &scenario).await;
    // What the SDK sent, read before the test makes any request of its own.
    let requests = sim.journal(sandbox, "").await.split_off(journaled);

    assert_eq!(steps.names(), STEPS);
    assert_eq!(steps.result("setup")["v"], V);
    check_messaging(&sim, &scenario, &steps).await;
    let media_id = check_media(&sim, &scenario, &steps).await;
    check_requests(&requests, &scenario, &media_id);
}
