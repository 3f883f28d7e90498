//! What a business number offers beyond messaging, over HTTP: its block list
//! (`block_users`, with Meta's mixed-result answer), conversational
//! components, commerce settings, compliance information, encryption public
//! key, Official Business Account application (reviewed through the control
//! plane) and message QR codes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;

async fn call(sim: &Sim, sandbox: &Sandbox, method: Method, edge: &str, body: Value) -> Reply {
    sim.send(
        sim.request(method, &format!("/{V}/{}/{edge}", phone(sandbox)))
            .bearer_auth(sandbox.token(MANAGER))
            .json(&body),
    )
    .await
}

async fn read(sim: &Sim, sandbox: &Sandbox, edge: &str) -> Reply {
    sim.get_as(
        sandbox.token(MANAGER),
        &format!("/{V}/{}/{edge}", phone(sandbox)),
    )
    .await
}

fn users(list: &[&str]) -> Value {
    let entries: Vec<Value> = list.iter().map(|u| json!({ "user": u })).collect();
    json!({ "messaging_product": "whatsapp", "block_users": entries })
}

#[tokio::test]
async fn a_number_blocks_users_who_wrote_lately() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(111).await;
    open_window(&sim, &sandbox, ALICE).await;
    let done = call(
        &sim,
        &sandbox,
        Method::POST,
        "block_users",
        users(&["+1 555 010 9999"]),
    )
    .await;
    assert_eq!(
        done.ok(),
        &json!({ "messaging_product": "whatsapp", "block_users": { "added_users": [{ "input": "+1 555 010 9999", "wa_id": ALICE }] } })
    );
    // Bob never wrote; the number itself cannot be blocked: 400 with what was done.
    let mixed = call(
        &sim,
        &sandbox,
        Method::POST,
        "block_users",
        users(&[ALICE, BOB, BUSINESS_DIGITS]),
    )
    .await;
    assert_eq!(mixed.status, 400, "{}", mixed.text());
    let body = mixed.json.as_object().unwrap();
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        ["messaging_product", "block_users", "error"]
    );
    assert_eq!(mixed.json["error"]["code"], 139100);
    assert_eq!(
        mixed.json["error"]["message"],
        "(#139100) Failed to block/unblock users"
    );
    let failed = &mixed.json["block_users"]["failed_users"];
    assert_eq!(failed[0]["input"], BOB);
    assert_eq!(failed[0]["errors"][0]["code"], 131047);
    assert_eq!(
        failed[0]["errors"][0]["error_data"]["details"],
        "User has not messaged in the last 24 hours"
    );
    assert_eq!(failed[1]["errors"][0]["code"], 131021);
    // Blocked: what the number sends fails, what Alice sends is refused.
    let sent = assert_sent(
        &post(
            &sim,
            &sandbox,
            &message(ALICE, "text", json!({ "body": "Hi" })),
        )
        .await,
        ALICE,
        ALICE,
    );
    let (code, title, details) = undeliverable();
    assert_failure(&failure(&sim, &sandbox, &sent).await, code, title, details);
    let refused = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/messages")),
            &json!({ "to": phone(&sandbox), "type": "text", "text": { "body": "Hello?" } }),
        )
        .await;
    refused.assert_sim_error(403, None);
    // Listed, then unblocked.
    let listed = read(&sim, &sandbox, "block_users").await;
    let alice = bsuid(&sim, &sandbox, ALICE).await;
    assert_eq!(
        listed.ok()["data"],
        json!([{ "messaging_product": "whatsapp", "wa_id": ALICE, "user_id": alice }])
    );
    let removed = call(
        &sim,
        &sandbox,
        Method::DELETE,
        "block_users",
        users(&[ALICE]),
    )
    .await;
    assert_eq!(
        removed.ok()["block_users"]["removed_users"][0]["wa_id"],
        ALICE
    );
    assert_eq!(
        read(&sim, &sandbox, "block_users").await.ok()["data"],
        json!([])
    );
    let empty = call(
        &sim,
        &sandbox,
        Method::POST,
        "block_users",
        json!({ "messaging_product": "whatsapp", "block_users": [] }),
    )
    .await;
    empty.assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn components_commerce_compliance_and_key() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(112).await;
    let automation = json!({
        "enable_welcome_message": true,
        "prompts": ["Track my order", "Opening hours"],
        "commands": [{ "command_name": "help", "command_description": "Get help" }],
    });
    let set = call(
        &sim,
        &sandbox,
        Method::POST,
        "conversational_automation",
        automation,
    )
    .await;
    assert_eq!(set.ok(), &json!({ "success": true }));
    let number = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!("/{V}/{}?fields=conversational_automation", phone(&sandbox)),
        )
        .await;
    let bot = number.ok()["conversational_automation"]["id"].clone();
    assert!(
        bot.as_str().is_some_and(|id| id != phone(&sandbox)),
        "the bot's own id: {bot}"
    );
    assert_eq!(
        number.ok()["conversational_automation"],
        json!({ "id": bot, "enable_welcome_message": true, "prompts": ["Track my order", "Opening hours"],
                "commands": [{ "command_name": "help", "command_description": "Get help" }] })
    );
    let too_long = call(
        &sim,
        &sandbox,
        Method::POST,
        "conversational_automation",
        json!({ "prompts": ["x".repeat(81)] }),
    )
    .await;
    too_long.assert_error(400, 100, None, "OAuthException");

    assert_eq!(
        read(&sim, &sandbox, "whatsapp_commerce_settings")
            .await
            .ok()["data"][0]["is_catalog_visible"],
        false
    );
    let commerce = sim
        .send(
            sim.request(
                Method::POST,
                &format!(
                    "/{V}/{}/whatsapp_commerce_settings?is_catalog_visible=true",
                    phone(&sandbox)
                ),
            )
            .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    assert_eq!(commerce.ok(), &json!({ "success": true }));
    let settings = read(&sim, &sandbox, "whatsapp_commerce_settings").await;
    assert_eq!(settings.ok()["data"][0]["is_catalog_visible"], true);
    assert_eq!(settings.json["data"][0]["is_cart_enabled"], true);

    let compliance = json!({
        "messaging_product": "whatsapp", "entity_name": "Lucky Shrub Pvt Ltd", "entity_type": "PRIVATE_COMPANY",
        "is_registered": true,
        "grievance_officer_details": { "name": "Asha Rao", "email": "grievance@luckyshrub.example", "mobile_number": "+919876543210" },
        "customer_care_details": { "email": "care@luckyshrub.example" },
    });
    call(
        &sim,
        &sandbox,
        Method::POST,
        "business_compliance_info",
        compliance,
    )
    .await
    .ok();
    let info = read(&sim, &sandbox, "business_compliance_info").await;
    let item = &info.ok()["data"][0];
    assert_eq!(item["whatsapp_business_account_id"], sandbox.id_of("waba"));
    assert_eq!(item["grievance_officer_details"]["name"], "Asha Rao");
    let bad = call(&sim, &sandbox, Method::POST, "business_compliance_info", json!({
        "messaging_product": "whatsapp", "entity_name": "X", "entity_type": "PRIVATE_COMPANY",
        "grievance_officer_details": { "name": "A", "email": "a@b.example" }, "customer_care_details": { "email": "c@d.example" },
    })).await;
    bad.assert_error(400, 100, None, "OAuthException");

    assert_eq!(
        read(&sim, &sandbox, "whatsapp_business_encryption")
            .await
            .ok()["data"],
        json!([])
    );
    let mut der = vec![0x30u8];
    der.extend(vec![5u8; 293]);
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
        STANDARD.encode(&der)
    );
    call(
        &sim,
        &sandbox,
        Method::POST,
        "whatsapp_business_encryption",
        json!({ "business_public_key": pem }),
    )
    .await
    .ok();
    assert_eq!(
        read(&sim, &sandbox, "whatsapp_business_encryption")
            .await
            .ok()["data"][0],
        json!({ "business_public_key": pem, "business_public_key_signature_status": "VALID" })
    );
    let not_pem = call(
        &sim,
        &sandbox,
        Method::POST,
        "whatsapp_business_encryption",
        json!({ "business_public_key": "abc" }),
    )
    .await;
    not_pem.assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn an_official_business_account_is_applied_for_and_reviewed() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(113).await;
    read(&sim, &sandbox, "official_business_account")
        .await
        .assert_error(400, 100, None, "OAuthException");
    let submitted = call(
        &sim,
        &sandbox,
        Method::POST,
        "official_business_account",
        json!({ "action": "SUBMIT_APPLICATION" }),
    )
    .await;
    let submitted = submitted.ok();
    assert_eq!(submitted["success"], true);
    assert_eq!(submitted["updated_status"]["oba_status"], "PENDING");
    assert!(
        submitted["tracking_id"]
            .as_str()
            .is_some_and(|t| t.len() == 16)
    );
    let review = sandbox.sim(&format!(
        "/whatsapp/phone_numbers/{}/official_business_account",
        phone(&sandbox)
    ));
    let decided = sim
        .post_json(&review, &json!({ "status": "APPROVED" }))
        .await;
    assert_eq!(decided.ok()["oba_status"], "APPROVED");
    assert_eq!(
        read(&sim, &sandbox, "official_business_account").await.ok()["oba_status"],
        "APPROVED"
    );
    let badge = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!(
                "/{V}/{}?fields=is_official_business_account",
                phone(&sandbox)
            ),
        )
        .await;
    assert_eq!(badge.ok()["is_official_business_account"], true);
    sim.post_json(&review, &json!({ "status": "APPROVED" }))
        .await
        .assert_sim_error(409, None);
    let withdraw = call(
        &sim,
        &sandbox,
        Method::POST,
        "official_business_account",
        json!({ "action": "WITHDRAW_APPLICATION" }),
    )
    .await;
    withdraw.assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn qr_codes_are_made_listed_read_and_deleted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(114).await;
    let made = call(
        &sim,
        &sandbox,
        Method::POST,
        "message_qrdls",
        json!({ "prefilled_message": "Hi, a fern please" }),
    )
    .await;
    let code = made.ok()["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 14);
    assert_eq!(
        made.json,
        json!({ "code": code, "prefilled_message": "Hi, a fern please", "deep_link_url": format!("https://wa.me/message/{code}") })
    );
    let second = call(
        &sim,
        &sandbox,
        Method::POST,
        "message_qrdls",
        json!({ "prefilled_message": "Opening hours?" }),
    )
    .await;
    let second = second.ok()["code"].as_str().unwrap().to_owned();
    call(
        &sim,
        &sandbox,
        Method::POST,
        "message_qrdls",
        json!({ "code": code, "prefilled_message": "Hi, two ferns" }),
    )
    .await
    .ok();
    let one = read(&sim, &sandbox, &format!("message_qrdls/{code}")).await;
    assert_eq!(one.ok()["data"][0]["prefilled_message"], "Hi, two ferns");
    let page = read(&sim, &sandbox, "message_qrdls?limit=1").await;
    assert_eq!(page.ok()["data"][0]["code"], code.as_str());
    let next = page.json["paging"]["next"].as_str().expect("a next page");
    let rest = sim
        .get_as(
            sandbox.token(MANAGER),
            next.strip_prefix(sim.sim.url()).unwrap(),
        )
        .await;
    assert_eq!(rest.ok()["data"][0]["code"], second.as_str());
    let filtered = read(&sim, &sandbox, &format!("message_qrdls?code={second}")).await;
    assert_eq!(filtered.ok()["data"].as_array().unwrap().len(), 1);
    let deleted = call(
        &sim,
        &sandbox,
        Method::DELETE,
        &format!("message_qrdls/{code}"),
        json!({}),
    )
    .await;
    assert_eq!(deleted.ok(), &json!({ "success": true }));
    read(&sim, &sandbox, &format!("message_qrdls/{code}"))
        .await
        .assert_error(400, 100, None, "OAuthException");
    let long = call(
        &sim,
        &sandbox,
        Method::POST,
        "message_qrdls",
        json!({ "prefilled_message": "x".repeat(141) }),
    )
    .await;
    long.assert_error(400, 100, None, "OAuthException");
    // An unknown sub-path is still Meta's 2500.
    read(&sim, &sandbox, &format!("block_users/{code}"))
        .await
        .assert_error(400, 2500, None, "OAuthException");
}
