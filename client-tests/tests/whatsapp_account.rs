//! The WhatsApp Business Account as clients read and change it: the field
//! list pywa sends for its business-account read (on the WABA and through
//! `/{business-id}/owned_whatsapp_business_accounts`), with values that
//! follow the world — owner, subscribed apps, funding source, portfolio
//! messaging limit, health status with the calling app; `POST /{waba-id}`
//! with its checks; and a number's `health_status` and
//! `webhook_configuration` as the asking app sees them.

use client_tests::whatsapp::{MANAGER, phone};
use client_tests::{Reply, Sandbox, Sim, V, json};
use reqwest::Method;

/// The fields pywa 4.5.0 asks for (`WhatsAppBusinessAccount._api_fields()`).
const PYWA_WABA_FIELDS: &str = "id,name,timezone_id,message_template_namespace,status,business_verification_status,is_enabled_for_insights,marketing_messages_lite_api_status,marketing_messages_onboarding_status,on_behalf_of_business_info,ownership_type,health_status,currency,country,subscribed_apps,owner_business_info,account_review_status,disable_marketing_messages_on_cloud_api";

async fn get(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.get_as(sandbox.token(MANAGER), &format!("/{V}{path}"))
        .await
}

async fn post(sim: &Sim, sandbox: &Sandbox, path: &str, body: serde_json::Value) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(MANAGER))
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn pywa_business_account_read_gets_every_field_it_asks_for() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(51).await;
    let waba = sandbox.id_of("waba");
    let app = sandbox.id_of("app");
    let business = sandbox.id_of("business");
    post(
        &sim,
        &sandbox,
        &format!("/{waba}/subscribed_apps"),
        json!({}),
    )
    .await;
    let reply = get(
        &sim,
        &sandbox,
        &format!("/{waba}?fields={PYWA_WABA_FIELDS}"),
    )
    .await;
    let waba_json = reply.ok();
    assert_eq!(waba_json["status"], "ACTIVE");
    assert_eq!(waba_json["is_enabled_for_insights"], false);
    assert_eq!(waba_json["disable_marketing_messages_on_cloud_api"], false);
    assert_eq!(waba_json["business_verification_status"], "verified");
    assert_eq!(waba_json["marketing_messages_lite_api_status"], "ELIGIBLE");
    assert_eq!(
        waba_json["owner_business_info"],
        json!({ "id": business, "name": "Lucky Shrub" })
    );
    assert_eq!(
        waba_json["subscribed_apps"]["data"][0]["whatsapp_business_api_data"]["id"],
        app
    );
    assert_eq!(waba_json["health_status"]["can_send_message"], "AVAILABLE");
    let entities = waba_json["health_status"]["entities"].as_array().unwrap();
    assert_eq!(
        entities
            .iter()
            .map(|e| (
                e["entity_type"].as_str().unwrap(),
                e["id"].as_str().unwrap()
            ))
            .collect::<Vec<_>>(),
        [("WABA", waba), ("BUSINESS", business), ("APP", app)]
    );
    assert!(waba_json.get("on_behalf_of_business_info").is_none());

    let owned = get(
        &sim,
        &sandbox,
        &format!("/{business}/owned_whatsapp_business_accounts?fields={PYWA_WABA_FIELDS}"),
    )
    .await;
    let listed = &owned.ok()["data"][0];
    for field in [
        "subscribed_apps",
        "owner_business_info",
        "health_status",
        "status",
    ] {
        assert_eq!(listed[field], waba_json[field], "{field}");
    }
    let more = get(
        &sim,
        &sandbox,
        &format!("/{waba}?fields=primary_funding_id,whatsapp_business_manager_messaging_limit,owner_business{{name}},creation_time"),
    )
    .await;
    let more = more.ok();
    let funding = more["primary_funding_id"].as_str().unwrap();
    assert!(funding.len() == 16 && funding.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(more["whatsapp_business_manager_messaging_limit"], "TIER_2K");
    assert_eq!(
        more["owner_business"],
        json!({ "name": "Lucky Shrub", "id": business })
    );
    assert_eq!(more["creation_time"], 1_767_225_600);
}

#[tokio::test]
async fn post_waba_updates_what_it_may_and_refuses_the_rest() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(52).await;
    let waba = sandbox.id_of("waba");
    let path = format!("/{waba}");
    let done = post(
        &sim,
        &sandbox,
        &path,
        json!({ "name": "Lucky Shrub EU", "is_enabled_for_insights": true, "disable_marketing_messages_on_cloud_api": "true" }),
    )
    .await;
    assert_eq!(done.ok(), &json!({ "success": true }));
    let read = get(
        &sim,
        &sandbox,
        &format!("{path}?fields=name,is_enabled_for_insights,disable_marketing_messages_on_cloud_api,template_auto_archival_enabled"),
    )
    .await;
    assert_eq!(
        read.ok(),
        &json!({
            "name": "Lucky Shrub EU", "is_enabled_for_insights": true,
            "disable_marketing_messages_on_cloud_api": true,
            "template_auto_archival_enabled": true, "id": waba,
        })
    );
    for (body, text) in [
        (json!({}), "Nothing to update"),
        (
            json!({ "name": "" }),
            "Param name must be 1 to 100 characters long",
        ),
        (
            json!({ "timezone_id": "Oslo" }),
            "Param timezone_id must be a time zone id",
        ),
        (
            json!({ "is_enabled_for_insights": "yes" }),
            "Param is_enabled_for_insights must be a boolean",
        ),
        (
            json!({ "degrees_of_freedom_spec": {"x": 1} }),
            "creative_features_spec",
        ),
    ] {
        let reply = post(&sim, &sandbox, &path, body.clone()).await;
        reply.assert_error(400, 100, None, "OAuthException");
        assert!(
            reply.message().contains(text),
            "{body}: {}",
            reply.message()
        );
    }
}

#[tokio::test]
async fn a_number_reports_its_health_and_callbacks_to_the_asking_app() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(53).await;
    let phone_id = phone(&sandbox);
    let fields = "health_status,webhook_configuration,last_onboarded_time,search_visibility,certificate,conversational_automation,whatsapp_business_manager_messaging_limit";
    let reply = get(&sim, &sandbox, &format!("/{phone_id}?fields={fields}")).await;
    let number = reply.ok();
    assert_eq!(
        number["health_status"]["entities"][0],
        json!({ "entity_type": "PHONE_NUMBER", "id": phone_id, "can_send_message": "AVAILABLE" })
    );
    assert_eq!(
        number["health_status"]["entities"][3]["id"],
        sandbox.id_of("app")
    );
    assert_eq!(number["webhook_configuration"], json!({}));
    assert_eq!(number["last_onboarded_time"], "2026-01-01T00:00:00+0000");
    assert_eq!(number["search_visibility"], "VISIBLE");
    assert!(number["certificate"].as_str().is_some_and(|c| c.len() > 40));
    assert_eq!(
        number["conversational_automation"],
        json!({ "id": phone_id, "enable_welcome_message": false })
    );
    assert_eq!(
        number["whatsapp_business_manager_messaging_limit"],
        "TIER_2K"
    );
    // A WABA-level callback override shows as the app's WABA callback.
    let waba = sandbox.id_of("waba");
    sim.send(
        sim.request(Method::POST, &format!("/{V}/{waba}/subscribed_apps"))
            .bearer_auth(sandbox.token(MANAGER)),
    )
    .await;
    let overridden = sim
        .send(
            sim.request(Method::POST, &format!("/{V}/{waba}/subscribed_apps"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&json!({ "override_callback_uri": "https://127.0.0.1:1/none", "verify_token": "t" })),
        )
        .await;
    // The handshake against a closed port fails: the override is not kept.
    assert_eq!(overridden.status, 400, "{}", overridden.text());
    let reply = get(
        &sim,
        &sandbox,
        &format!("/{phone_id}?fields=webhook_configuration"),
    )
    .await;
    assert_eq!(reply.ok()["webhook_configuration"], json!({}));
}
