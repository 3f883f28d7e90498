//! The real pywa SDK (4.5.0, unmodified, installed by the test into
//! `target/sdk/venv`) drives metasim through `client-tests/sdk/python/drive_pywa.py`:
//! text, the `order_update` template with two body parameters, an image by
//! link, reply buttons, a reaction and mark-as-read of Alice's message; a PNG
//! uploaded, described, downloaded and deleted; the business profile read and
//! updated; a number added to the WABA taken through request_code →
//! verify_code (the code read from its SMS inbox) → register; the business
//! account read with pywa's field list, the template list with its summary,
//! and the number's webhook callback override set (after the handshake),
//! read back and removed. The test checks what pywa parsed, the requests
//! pywa sent (journal), and metasim's state: Alice's inbox and statuses, the
//! media gone, the profile and the number.

use client_tests::receiver::Receiver;
use client_tests::sdk::{
    PNG, PYWA_VERSION, Scenario, Sent, Steps, assert_alice_received, assert_download_url,
    assert_media_gone, calls, png_sha256, pywa_python, run_driver, scripts_dir,
};
use client_tests::whatsapp::{ALICE, MANAGER, assert_wamid, phone};
use client_tests::{Sandbox, Sim, V, Value, json};
use reqwest::Method;

/// The number pywa registers, added to the WABA over the Graph API.
const NEW_NUMBER: &str = "5550107000";
const NEW_DIGITS: &str = "15550107000";
const NEW_PIN: &str = "246810";

const STEPS: [&str; 21] = [
    "send_text",
    "send_template",
    "send_image_link",
    "send_buttons",
    "send_reaction",
    "mark_as_read",
    "upload_media",
    "get_media_url",
    "download_media",
    "delete_media",
    "get_business_profile",
    "update_business_profile",
    "get_business_profile_after",
    "request_code",
    "verify_code",
    "register",
    "get_business_account",
    "get_templates",
    "override_phone_callback_url",
    "get_business_phone_number",
    "delete_phone_callback_url",
];

const SENDS: [&str; 5] = [
    "send_text",
    "send_template",
    "send_image_link",
    "send_buttons",
    "send_reaction",
];

/// What drive_pywa.py sends Alice.
const SENT: Sent = Sent {
    text: "Hello from pywa",
    order: "A-1042",
    image: "https://luckyshrub.example/fern.png",
    caption: "Your fern",
};

const ABOUT: &str = "Plants, pots and advice, from pywa.";
const WEBSITE: &str = "https://luckyshrub.example/pywa";

/// `POST /{waba-id}/phone_numbers`, as Meta documents it (`cc`); returns the id.
async fn add_number(sim: &Sim, sandbox: &Sandbox) -> String {
    let path = format!("/{V}/{}/phone_numbers", sandbox.id_of("waba"));
    let body =
        json!({ "cc": "1", "phone_number": NEW_NUMBER, "verified_name": "Lucky Shrub Garden" });
    let reply = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(sandbox.token(MANAGER))
                .json(&body),
        )
        .await;
    reply.ok()["id"]
        .as_str()
        .expect("a phone number id")
        .to_owned()
}

async fn run_pywa(sim: &Sim, scenario: &Scenario, new_phone_id: &str, callback_url: &str) -> Steps {
    let sms = scenario.sandbox.sim(&format!("/phones/{NEW_DIGITS}/sms"));
    let mut command = tokio::process::Command::new(pywa_python());
    command
        .arg(scripts_dir().join("python/drive_pywa.py"))
        .envs(scenario.env(sim))
        .env("METASIM_API_VERSION", V.trim_start_matches('v'))
        .env("METASIM_NEW_PHONE_ID", new_phone_id)
        .env("METASIM_NEW_PIN", NEW_PIN)
        .env("METASIM_SMS_URL", sim.url(&sms))
        .env("METASIM_CALLBACK_URL", callback_url);
    run_driver(command).await
}

/// pywa's `SentMessage`: the wamid, Alice's chat, the sending number.
#[track_caller]
fn assert_sent_by(result: &Value, phone_number_id: &str) -> String {
    let id = result["id"].as_str().expect("a message id").to_owned();
    assert_wamid(&id);
    assert_eq!(result["chat"], json!({ "id": ALICE, "type": "PRIVATE" }));
    assert_eq!(result["input"], ALICE);
    assert_eq!(result["from_phone_id"], phone_number_id);
    id
}

async fn check_messaging(sim: &Sim, scenario: &Scenario, steps: &Steps) {
    let business = phone(&scenario.sandbox);
    let ids: Vec<String> = SENDS
        .iter()
        .map(|step| assert_sent_by(steps.result(step), business))
        .collect();
    assert_eq!(steps.result("send_template")["status"], "accepted");
    assert_eq!(
        steps.result("send_reaction")["message_id"],
        scenario.inbound_id
    );
    assert_eq!(steps.result("mark_as_read"), &json!({ "success": true }));
    assert_alice_received(sim, scenario, &ids, &SENT).await;
}

/// Uploaded, described, downloaded byte for byte, deleted; returns the id.
async fn check_media(sim: &Sim, scenario: &Scenario, steps: &Steps) -> String {
    let uploaded = steps.result("upload_media");
    let media_id = uploaded["id"].as_str().expect("a media id").to_owned();
    assert_eq!(uploaded["uploaded_to"], phone(&scenario.sandbox));
    assert_eq!(uploaded["filename"], "sdk-pywa.png");
    let described = steps.result("get_media_url");
    assert_eq!(described["id"], media_id);
    assert_eq!(described["mime_type"], "image/png");
    assert_eq!(described["sha256"], png_sha256());
    assert_eq!(described["file_size"], PNG.len().to_string());
    assert_download_url(sim, described["url"].as_str().expect("a URL"));
    assert_eq!(
        steps.result("download_media"),
        &json!({ "size": PNG.len(), "sha256": png_sha256() })
    );
    assert_eq!(steps.result("delete_media"), &json!({ "success": true }));
    assert_media_gone(sim, &scenario.sandbox, &media_id).await;
    media_id
}

/// The fixture's profile, pywa's partial update, and what metasim now serves.
async fn check_profile(sim: &Sim, sandbox: &Sandbox, steps: &Steps) {
    let before = steps.result("get_business_profile");
    assert_eq!(before["about"], "Plants and garden supplies, delivered.");
    assert_eq!(before["industry"], "RETAIL");
    assert_eq!(before["websites"], json!(["https://luckyshrub.example"]));
    assert_eq!(
        steps.result("update_business_profile"),
        &json!({ "success": true })
    );
    let after = steps.result("get_business_profile_after");
    assert_eq!(after["about"], ABOUT);
    assert_eq!(after["industry"], "PROF_SERVICES");
    assert_eq!(after["websites"], json!([WEBSITE]));
    for kept in ["address", "description", "email"] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
    }
    let path = format!("/{V}/{}/whatsapp_business_profile", phone(sandbox));
    let served = sim.get_as(sandbox.token(MANAGER), &path).await;
    let served = &served.ok()["data"][0];
    assert_eq!(served["about"], ABOUT);
    assert_eq!(served["vertical"], "PROF_SERVICES");
    assert_eq!(served["websites"], json!([WEBSITE]));
    assert_eq!(served["address"], "1 Garden Way, Springfield");
}

/// One SMS code went out, and the number is verified and registered;
/// returns the code.
async fn check_registration(
    sim: &Sim,
    sandbox: &Sandbox,
    steps: &Steps,
    new_phone_id: &str,
) -> String {
    for step in ["request_code", "verify_code", "register"] {
        assert_eq!(steps.result(step), &json!({ "success": true }), "{step}");
    }
    let sms = sim
        .get(&sandbox.sim(&format!("/phones/{NEW_DIGITS}/sms")))
        .await;
    let sms = sms.ok()["data"].as_array().expect("sms data").clone();
    assert_eq!(sms.len(), 1, "{sms:?}");
    assert_eq!(sms[0]["channel"], "SMS");
    let fields = "code_verification_status,platform_type,status";
    let number = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{new_phone_id}?fields={fields}"),
        )
        .await;
    assert_eq!(
        number.ok(),
        &json!({
            "code_verification_status": "VERIFIED",
            "platform_type": "CLOUD_API",
            "status": "CONNECTED",
            "id": new_phone_id,
        })
    );
    sms[0]["code"].as_str().expect("a code").to_owned()
}

/// pywa's business-account read, template list with its summary, and the
/// number's callback override: what pywa parsed and what the receiver saw.
fn check_account(sandbox: &Sandbox, steps: &Steps, receiver: &Receiver, callback_url: &str) {
    let account = steps.result("get_business_account");
    assert_eq!(account["id"], sandbox.id_of("waba"));
    assert_eq!(account["status"], "ACTIVE");
    assert_eq!(account["business_verification_status"], "verified");
    assert_eq!(account["is_enabled_for_insights"], false);
    assert_eq!(account["marketing_messages_lite_api_status"], "ELIGIBLE");
    assert_eq!(
        account["owner_business_info"]["id"],
        sandbox.id_of("business")
    );
    assert_eq!(account["health_status"]["can_send_message"], "AVAILABLE");
    assert_eq!(
        steps.result("get_templates"),
        &json!({
            "names": ["hello_world", "order_update", "spring_sale"],
            "ttls": [2_592_000, 2_592_000, 2_592_000],
            "total_count": 3, "message_template_count": 3,
            "message_template_limit": 250, "are_translations_complete": true,
        })
    );
    assert_eq!(
        steps.result("override_phone_callback_url"),
        &json!({ "success": true })
    );
    assert_eq!(receiver.handshakes()[0]["hub.verify_token"], "pywa-number");
    let number = steps.result("get_business_phone_number");
    assert_eq!(number["id"], phone(sandbox));
    assert_eq!(
        number["webhook_configuration"]["phone_number"],
        callback_url
    );
    assert_eq!(number["conversational_automation"]["id"], phone(sandbox));
    assert_eq!(number["search_visibility"], "VISIBLE");
    assert_eq!(
        steps.result("delete_phone_callback_url"),
        &json!({ "success": true })
    );
}

/// The requests pywa sent, in order, and what they carried.
fn check_requests(
    requests: &[Value],
    scenario: &Scenario,
    media_id: &str,
    new_phone_id: &str,
    code: &str,
) {
    let agent = format!("PyWa/{PYWA_VERSION}");
    for entry in requests {
        assert_eq!(entry["headers"]["user-agent"], agent.as_str(), "{entry}");
        assert_eq!(entry["status"], 200, "{entry}");
    }
    let business = phone(&scenario.sandbox);
    let messages = format!("/{V}/{business}/messages");
    let upload = format!("/{V}/{business}/media");
    let media = format!("/{V}/{media_id}");
    let profile = format!("/{V}/{business}/whatsapp_business_profile");
    let [request_code, verify_code, register] = ["request_code", "verify_code", "register"]
        .map(|edge| format!("/{V}/{new_phone_id}/{edge}"));
    let mut expected = vec![("POST", messages.as_str()); 6];
    expected.extend([
        ("POST", upload.as_str()),
        ("GET", media.as_str()),
        ("DELETE", media.as_str()),
        ("GET", profile.as_str()),
        ("POST", profile.as_str()),
        ("GET", profile.as_str()),
        ("POST", request_code.as_str()),
        ("POST", verify_code.as_str()),
        ("POST", register.as_str()),
    ]);
    let waba = format!("/{V}/{}", scenario.sandbox.id_of("waba"));
    let templates = format!("{waba}/message_templates");
    let number = format!("/{V}/{business}");
    expected.extend([
        ("GET", waba.as_str()),
        ("GET", templates.as_str()),
        ("POST", number.as_str()),
        ("GET", number.as_str()),
        ("POST", number.as_str()),
    ]);
    assert_eq!(calls(requests), expected);
    assert!(
        requests[15]["query"]["fields"]
            .as_str()
            .is_some_and(|f| f.contains("is_enabled_for_insights")),
        "{}",
        requests[15]
    );
    assert_eq!(
        requests[16]["query"]["summary"],
        "total_count,message_template_count,message_template_limit,are_translations_complete"
    );

    let body = |i: usize| &requests[i]["body"];
    assert_eq!(body(0)["text"]["body"], SENT.text);
    assert_eq!(body(1)["template"]["name"], "order_update");
    assert_eq!(
        body(1)["template"]["components"][0]["parameters"],
        json!([{ "type": "text", "text": "Alice" }, { "type": "text", "text": SENT.order }])
    );
    assert_eq!(body(2)["image"]["link"], SENT.image);
    assert_eq!(body(3)["interactive"]["type"], "button");
    assert_eq!(
        body(4)["reaction"]["message_id"],
        scenario.inbound_id.as_str()
    );
    assert_eq!(
        body(5),
        &json!({ "messaging_product": "whatsapp", "status": "read", "message_id": scenario.inbound_id })
    );
    assert_eq!(
        body(6),
        &json!({ "messaging_product": "whatsapp", "type": "image/png" }),
        "the multipart fields besides the file"
    );
    assert_eq!(body(10)["vertical"], "PROF_SERVICES");
    // pywa puts request_code's and verify_code's parameters in the query of an empty POST.
    assert_eq!(
        requests[12]["query"],
        json!({ "code_method": "SMS", "language": "en" })
    );
    assert_eq!(requests[13]["query"], json!({ "code": code }));
    // The PIN is a credential: the journal keeps that it was sent, not what.
    assert_eq!(
        body(14),
        &json!({ "messaging_product": "whatsapp", "pin": "[redacted]" })
    );
}

#[tokio::test]
async fn pywa_drives_messaging_media_profile_and_registration() {
    let sim = Sim::start().await;
    let scenario = Scenario::start(&sim, "sdk-pywa").await;
    let sandbox = &scenario.sandbox;
    let new_phone_id = add_number(&sim, sandbox).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let callback_url = receiver.url("/number");

    let journaled = sim.journal(sandbox, "").await.len();
    let steps = run_pywa(&sim, &scenario, &new_phone_id, &callback_url).await;
    // What pywa sent, read before the test makes any request of its own.
    let requests = sim.journal(sandbox, "").await.split_off(journaled);

    assert_eq!(steps.names(), STEPS);
    check_messaging(&sim, &scenario, &steps).await;
    let media_id = check_media(&sim, &scenario, &steps).await;
    check_profile(&sim, sandbox, &steps).await;
    let code = check_registration(&sim, sandbox, &steps, &new_phone_id).await;
    check_account(sandbox, &steps, &receiver, &callback_url);
    check_requests(&requests, &scenario, &media_id, &new_phone_id, &code);
}
