//! The control plane's lists of what a sandbox holds: business numbers,
//! templates in creation order with their review state, Pages with their
//! WhatsApp link, Instagram accounts with their contact options and a code
//! on its way (never the code itself); unknown sandboxes in Meta's envelope.

use client_tests::whatsapp::{BUSINESS_DIGITS, MANAGER, phone};
use client_tests::{Sandbox, Sim, V, Value, json};

async fn list(sim: &Sim, sandbox: &Sandbox, rest: &str) -> Vec<Value> {
    let reply = sim.get(&sandbox.sim(rest)).await;
    let body = reply.ok();
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "only data: {body}"
    );
    body["data"].as_array().expect("data").clone()
}

#[tokio::test]
async fn business_numbers() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(30).await;
    let numbers = list(&sim, &sandbox, "/whatsapp/phone_numbers").await;
    assert_eq!(
        numbers,
        [json!({
            "id": phone(&sandbox),
            "waba_id": sandbox.id_of("waba"),
            "display_phone_number": "+1 555-010-0001",
            "digits": BUSINESS_DIGITS,
            "verified_name": "Lucky Shrub",
            "status": "CONNECTED",
            "code_verification_status": "VERIFIED",
            "name_status": "APPROVED",
            "quality_rating": "GREEN",
            "registered": true,
            "linked_page": null,
        })]
    );
    let page = sandbox.id_of("page");
    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/pages/{page}/whatsapp-link")),
            &json!({ "phone_number_id": phone(&sandbox) }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let numbers = list(&sim, &sandbox, "/whatsapp/phone_numbers").await;
    assert_eq!(numbers[0]["linked_page"], json!(page));
    let pages = list(&sim, &sandbox, "/pages").await;
    assert_eq!(pages.len(), 1);
    assert_eq!(
        pages[0],
        sim.get(&sandbox.sim(&format!("/pages/{page}"))).await.json
    );
    assert_eq!(
        pages[0]["whatsapp_link"]["whatsapp_number"],
        BUSINESS_DIGITS
    );
}

#[tokio::test]
async fn templates_in_creation_order_with_their_review() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({ "seed": 31, "template_review": { "auto_approve": false } }))
        .await;
    let reply = sim
        .send(
            sim.request(
                reqwest::Method::POST,
                &format!("/{V}/{}/message_templates", sandbox.id_of("waba")),
            )
            .bearer_auth(sandbox.token(MANAGER))
            .json(&json!({
                "name": "winter_sale", "language": "en_US", "category": "MARKETING",
                "components": [{ "type": "BODY", "text": "{{1}} off everything" }],
            })),
        )
        .await;
    let id = reply.ok()["id"].as_str().expect("an id").to_owned();
    let templates = list(&sim, &sandbox, "/whatsapp/templates").await;
    let names: Vec<(&Value, &Value)> = templates
        .iter()
        .map(|t| (&t["name"], &t["status"]))
        .collect();
    assert_eq!(
        names,
        [
            (&json!("hello_world"), &json!("APPROVED")),
            (&json!("order_update"), &json!("APPROVED")),
            (&json!("spring_sale"), &json!("APPROVED")),
            (&json!("winter_sale"), &json!("PENDING")),
        ]
    );
    assert_eq!(templates[3]["id"], json!(id));
    assert_eq!(templates[3]["waba_id"], json!(sandbox.id_of("waba")));
    assert_eq!(
        templates[3]["components"],
        json!([{ "type": "BODY", "text": "{{1}} off everything" }])
    );

    let reply = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/templates/{id}/review")),
            &json!({ "status": "REJECTED", "reason": "TAG_CONTENT_MISMATCH" }),
        )
        .await;
    reply.ok();
    let templates = list(&sim, &sandbox, "/whatsapp/templates").await;
    assert_eq!(templates[3]["status"], "REJECTED");
    assert_eq!(templates[3]["rejected_reason"], "TAG_CONTENT_MISMATCH");
}

#[tokio::test]
async fn instagram_accounts_with_their_contact_options() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(32).await;
    let ig = sandbox.id_of("instagram").to_owned();
    let accounts = list(&sim, &sandbox, "/instagram").await;
    assert_eq!(accounts.len(), 2, "the business account and Kai");
    // Listed by id: where the business account falls depends on the seed.
    let business = |accounts: Vec<Value>| {
        accounts
            .into_iter()
            .find(|account| account["id"] == json!(ig))
            .expect("the business account is listed")
    };
    let account = &business(accounts);
    assert_eq!(account["username"], "luckyshrub");
    assert_eq!(account["account_type"], "BUSINESS");
    assert_eq!(account["professional"], true);
    assert_eq!(account["followers_count"], 1280);
    assert_eq!(account["page_id"], json!(sandbox.id_of("page")));
    assert_eq!(account["phone"], "+15550109000");
    assert_eq!(
        account["contact"],
        json!({ "email": "hello@luckyshrub.example" })
    );
    assert_eq!(account["pending_whatsapp"], Value::Null);

    let options = sandbox.sim(&format!("/instagram/{ig}/contact-options/whatsapp"));
    let reply = sim.post_json(&options, &json!({})).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let pending = &business(list(&sim, &sandbox, "/instagram").await)["pending_whatsapp"];
    assert_eq!(
        pending,
        &json!({ "phone": "+15550109000", "sent_at": 1_767_225_600,
                 "expires_at": 1_767_226_200, "wrong_attempts": 0 })
    );

    let reply = sim
        .post_json(&format!("{options}/verify"), &json!({ "code": "000000" }))
        .await;
    assert_eq!(reply.status, 400);
    let account = business(list(&sim, &sandbox, "/instagram").await);
    assert_eq!(account["pending_whatsapp"]["wrong_attempts"], 1);
    assert!(
        !account.to_string().contains("\"code\""),
        "the code is read from the phone, not from here"
    );
}

#[tokio::test]
async fn unknown_sandboxes() {
    let sim = Sim::start().await;
    for rest in [
        "whatsapp/phone_numbers",
        "whatsapp/templates",
        "pages",
        "instagram",
    ] {
        let reply = sim.get(&format!("/_sim/sandboxes/nope/{rest}")).await;
        assert_eq!(
            reply.assert_sim_error(404, Some(33)),
            "No sandbox with id \"nope\""
        );
    }
}
