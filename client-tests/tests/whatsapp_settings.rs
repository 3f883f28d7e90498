//! Phone number settings and WABA webhook subscriptions over HTTP.

use client_tests::{Sim, V, json};
use reqwest::Method;

#[tokio::test]
async fn settings_change_one_feature_at_a_time() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(41).await;
    let token = sandbox.token("system_user_token");
    let phone = sandbox.id_of("phone_number");
    let path = format!("/{V}/{phone}/settings");
    let before = sim.get_as(token, &path).await;
    assert_eq!(before.ok()["calling"]["status"], "disabled");
    assert_eq!(
        before.json["storage_configuration"],
        json!({"status": "default"})
    );
    let post = |body: serde_json::Value| {
        sim.send(
            sim.request(Method::POST, &path)
                .bearer_auth(token)
                .json(&body),
        )
    };
    let ok =
        post(json!({"calling": {"status": "enabled", "call_icon_visibility": "hidden"}})).await;
    assert_eq!(ok.ok(), &json!({"success": true}));
    post(json!({"storage_configuration": {"enabled": true, "region": "de"}}))
        .await
        .ok();
    post(json!({"user_identity_change": {"enabled": true}}))
        .await
        .ok();
    let after = sim.get_as(token, &path).await;
    assert_eq!(after.json["calling"]["status"], "enabled");
    assert_eq!(after.json["calling"]["call_icon_visibility"], "hidden");
    assert_eq!(
        after.json["storage_configuration"],
        json!({"status": "in_country_storage_enabled", "data_localization_region": "de"})
    );
    // Meta's documented name; the spec's `enabled` is accepted on write.
    assert_eq!(
        after.json["user_identity_change"],
        json!({"enable_identity_key_check": true})
    );
    post(json!({"user_identity_change": {"enable_identity_key_check": false}}))
        .await
        .ok();
    let off = sim.get_as(token, &path).await;
    assert_eq!(
        off.json["user_identity_change"],
        json!({"enable_identity_key_check": false})
    );

    let two = post(
        json!({"calling": {"status": "enabled"}, "payload_encryption": {"status": "enabled"}}),
    )
    .await;
    two.assert_error(400, 100, None, "OAuthException");
    assert!(
        two.message().starts_with("(#100) Exactly one of calling"),
        "{}",
        two.message()
    );
    let bad = post(json!({"calling": {"status": "maybe"}})).await;
    bad.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        bad.message(),
        "(#100) Param calling['status'] must be one of {enabled, disabled} - got \"maybe\"."
    );
    let none = post(json!({})).await;
    none.assert_error(400, 100, None, "OAuthException");
}

#[tokio::test]
async fn apps_subscribe_to_a_waba_and_leave_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(42).await;
    let token = sandbox.token("system_user_token");
    let waba = sandbox.id_of("waba");
    let app = sandbox.id_of("app");
    let path = format!("/{V}/{waba}/subscribed_apps");
    assert_eq!(sim.get_as(token, &path).await.ok(), &json!({"data": []}));
    let subscribed = sim
        .send(sim.request(Method::POST, &path).bearer_auth(token))
        .await;
    assert_eq!(subscribed.ok(), &json!({"success": true}));
    let listed = sim.get_as(token, &path).await;
    assert_eq!(
        listed.ok(),
        &json!({"data": [{"whatsapp_business_api_data": {
            "id": app, "link": format!("https://www.facebook.com/games/?app_id={app}"), "name": "Lucky Shrub CRM"}}]})
    );
    // An override whose verification handshake fails is not saved: Meta's 2200,
    // and the earlier subscription stays as it was.
    let with_override = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(token)
                .json(&json!({
            "override_callback_uri": "http://127.0.0.1:9/waba", "verify_token": "s3cret"})),
        )
        .await;
    with_override.assert_error(400, 2200, None, "OAuthException");
    assert_eq!(
        with_override.message(),
        "(#2200) callback verification failed: Couldn't connect to server"
    );
    let listed = sim.get_as(token, &path).await;
    assert_eq!(listed.json["data"].as_array().unwrap().len(), 1);
    assert!(
        listed.json["data"][0]
            .get("override_callback_uri")
            .is_none()
    );
    let no_token = sim
        .send(
            sim.request(Method::POST, &path)
                .bearer_auth(token)
                .json(&json!({"override_callback_uri": "https://x.example"})),
        )
        .await;
    no_token.assert_error(400, 100, None, "OAuthException");
    let left = sim
        .send(sim.request(Method::DELETE, &path).bearer_auth(token))
        .await;
    assert_eq!(left.ok(), &json!({"success": true}));
    assert_eq!(sim.get_as(token, &path).await.ok(), &json!({"data": []}));
    // A token without whatsapp_business_management cannot touch it.
    let user = sandbox.token("user_token");
    sim.send(sim.request(Method::POST, &path).bearer_auth(user))
        .await
        .assert_error(403, 200, None, "OAuthException");
}
