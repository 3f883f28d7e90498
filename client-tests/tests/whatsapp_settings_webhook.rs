//! The `account_settings_update` webhook: a change of a number's calling
//! settings reaches the subscribed apps as Meta's `type:
//! phone_number_settings` value with the calling settings in Meta's
//! spelling; an update that changes nothing, a refused one and another
//! feature's send none; the same seed and calls give the same bytes.

use client_tests::business::call_manager;
use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, json};
use reqwest::Method;

#[tokio::test]
async fn a_calling_settings_change_reaches_subscribed_apps() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(201).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["account_settings_update"]).await;

    let body = json!({
        "status": "ENABLED", "callback_permission_status": "ENABLED",
        "call_hours": {
            "status": "ENABLED", "timezone_id": "Europe/Berlin",
            "weekly_operating_hours": [{ "day_of_week": "MONDAY", "open_time": "0900", "close_time": "1700" }],
        },
        "sip": { "status": "ENABLED", "servers": [{ "hostname": "sip.example.com", "port": 5060 }] },
    });
    calling_settings(&sim, &sandbox, body.clone()).await.ok();
    let changes = field_webhooks(&sim, &sandbox, &receiver, "account_settings_update").await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        changes[0],
        json!({
            "messaging_product": "whatsapp",
            "timestamp": T0.to_string(),
            "type": "phone_number_settings",
            "phone_number_settings": {
                "phone_number_id": phone(&sandbox),
                "calling": {
                    "status": "ENABLED",
                    "call_icon_visibility": "DEFAULT",
                    "callback_permission_status": "ENABLED",
                    "call_hours": {
                        "status": "ENABLED", "timezone_id": "Europe/Berlin",
                        "weekly_operating_hours": [{ "day_of_week": "MONDAY", "open_time": "0900", "close_time": "1700" }],
                        "holiday_schedule": [],
                    },
                    "sip": { "status": "ENABLED", "servers": [{ "hostname": "sip.example.com", "port": 5060 }] },
                },
            },
        })
    );

    // The same settings again, a refused update and another feature: nothing.
    calling_settings(&sim, &sandbox, body).await.ok();
    let refused = calling_settings(&sim, &sandbox, json!({ "status": "maybe" })).await;
    refused.assert_error(400, 100, None, "OAuthException");
    let path = format!("/{}/settings", phone(&sandbox));
    let other = client_tests::payload_encryption::enabling();
    call_manager(&sim, &sandbox, Method::POST, &path, other)
        .await
        .ok();
    let changes = field_webhooks(&sim, &sandbox, &receiver, "account_settings_update").await;
    assert_eq!(changes.len(), 1, "{changes:?}");

    // Hiding the icon is a change.
    let hide = json!({ "call_icon_visibility": "DISABLE_ALL" });
    calling_settings(&sim, &sandbox, hide).await.ok();
    let changes = field_webhooks(&sim, &sandbox, &receiver, "account_settings_update").await;
    assert_eq!(changes.len(), 2, "{changes:?}");
    let calling = &changes[1]["phone_number_settings"]["calling"];
    assert_eq!(calling["call_icon_visibility"], "DISABLE_ALL");
}

/// Two calling changes on a fresh demo sandbox; the webhook bodies as text.
async fn webhook_script(sim: &Sim, seed: u64) -> Vec<String> {
    let sandbox = sim.demo(seed).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, &["account_settings_update"]).await;
    enable_calling(sim, &sandbox).await;
    let icons = json!({ "call_icons": { "restrict_to_user_countries": ["BR"] } });
    calling_settings(sim, &sandbox, icons).await.ok();
    field_webhooks(sim, &sandbox, &receiver, "account_settings_update")
        .await
        .iter()
        .map(|value| value.to_string())
        .collect()
}

#[tokio::test]
async fn the_same_seed_and_calls_give_the_same_bytes() {
    let sim = Sim::start().await;
    let first = webhook_script(&sim, 202).await;
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(first, webhook_script(&sim, 202).await);
    assert_ne!(webhook_script(&sim, 203).await, first);
}
