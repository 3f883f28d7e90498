//! The call icon and SRTP settings of `calling`: `call_icon_visibility` in
//! Meta's `DEFAULT`/`DISABLE_ALL` or the spec's `visible`/`hidden`,
//! `call_icons.restrict_to_user_countries` (a user of another country has
//! no call button: their call does not reach the business; hidden, no user's
//! call does, while the business still calls out) and
//! `srtp_key_exchange_protocol` (`SDES` only while SIP is enabled) are
//! checked, kept, answered by `GET /{phone-number-id}/settings` and survive
//! a snapshot; the same seed and calls give the same bytes.

use client_tests::business::get as read;
use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, Value, json};

fn sip(status: &str) -> Value {
    json!({ "status": status, "servers": [{ "hostname": "sip.example.com" }] })
}

#[tokio::test]
async fn icons_and_srtp_are_checked_kept_and_answered() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(191).await;
    enable_calling(&sim, &sandbox).await;
    let shown = calling_shown(&sim, &sandbox).await;
    assert_eq!(shown["call_icon_visibility"], "visible");
    assert!(shown.get("call_icons").is_none());
    assert!(shown.get("srtp_key_exchange_protocol").is_none());

    let hide = json!({ "call_icon_visibility": "DISABLE_ALL" });
    calling_settings(&sim, &sandbox, hide).await.ok();
    assert_eq!(
        calling_shown(&sim, &sandbox).await["call_icon_visibility"],
        "hidden"
    );
    let loud = calling_settings(&sim, &sandbox, json!({ "call_icon_visibility": "LOUD" })).await;
    assert_param_error(
        &loud,
        "Param calling['call_icon_visibility'] must be one of {DEFAULT, DISABLE_ALL} (or the spec's {visible, hidden}).",
    );

    let countries = json!({ "call_icons": { "restrict_to_user_countries": ["us", "BR", "US"] } });
    calling_settings(&sim, &sandbox, countries).await.ok();
    assert_eq!(
        calling_shown(&sim, &sandbox).await["call_icons"],
        json!({ "restrict_to_user_countries": ["US", "BR"] })
    );
    let bad = json!({ "call_icons": { "restrict_to_user_countries": ["USA"] } });
    assert_param_error(
        &calling_settings(&sim, &sandbox, bad).await,
        "Param calling['call_icons']['restrict_to_user_countries'] must be a list of at most 249 two-letter ISO 3166 country codes (like US).",
    );

    // SDES needs SIP; the spec's spelling is taken, Meta's answered.
    let sdes = json!({ "srtp_key_exchange_protocol": "SDES" });
    assert_param_error(
        &calling_settings(&sim, &sandbox, sdes.clone()).await,
        "SDES can be used only when SIP signaling is enabled: enable calling['sip'] or use DTLS.",
    );
    let with_sip = json!({ "srtp_key_exchange_protocol": "SDES-SRTP", "sip": sip("ENABLED") });
    calling_settings(&sim, &sandbox, with_sip).await.ok();
    let shown = calling_shown(&sim, &sandbox).await;
    assert_eq!(shown["srtp_key_exchange_protocol"], "SDES");
    // SIP cannot be turned off under SDES; with DTLS it can.
    let off = json!({ "sip": { "status": "DISABLED" } });
    calling_settings(&sim, &sandbox, off.clone())
        .await
        .assert_error(400, 100, None, "OAuthException");
    let bad = calling_settings(
        &sim,
        &sandbox,
        json!({ "srtp_key_exchange_protocol": "ZRTP" }),
    )
    .await;
    assert_param_error(
        &bad,
        "Param calling['srtp_key_exchange_protocol'] must be one of {DTLS, SDES}.",
    );
    assert_calling_kept(&sim, &sandbox, &shown).await;
    let dtls = json!({ "srtp_key_exchange_protocol": "DTLS", "sip": { "status": "DISABLED" } });
    calling_settings(&sim, &sandbox, dtls).await.ok();
    let after = calling_shown(&sim, &sandbox).await;
    assert_eq!(after["srtp_key_exchange_protocol"], "DTLS");
    assert_eq!(after["sip"]["status"], "disabled");
}

/// The icon and SRTP settings of a fresh demo sandbox, as text.
async fn icons_script(sim: &Sim, seed: u64) -> Vec<String> {
    let sandbox = sim.demo(seed).await;
    let body = json!({
        "status": "ENABLED", "call_icon_visibility": "DEFAULT",
        "call_icons": { "restrict_to_user_countries": ["IN", "BR"] },
        "srtp_key_exchange_protocol": "SDES", "sip": sip("ENABLED"),
    });
    let mut out = vec![calling_settings(sim, &sandbox, body).await.text()];
    let path = format!("/{}/settings?include_sip_credentials=true", phone(&sandbox));
    out.push(read(sim, &sandbox, &path).await.text());
    out
}

#[tokio::test]
async fn the_same_seed_and_calls_give_the_same_bytes() {
    let sim = Sim::start().await;
    let first = icons_script(&sim, 192).await;
    assert_eq!(first, icons_script(&sim, 192).await);
    assert_ne!(icons_script(&sim, 193).await, first);
}

#[tokio::test]
async fn users_outside_the_icons_countries_do_not_reach_the_business() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(194).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls"]).await;
    enable_calling(&sim, &sandbox).await;
    // Brazil only: Alice (+1, the United States) sees no call button.
    let brazil = json!({ "call_icons": { "restrict_to_user_countries": ["BR"] } });
    calling_settings(&sim, &sandbox, brazil).await.ok();
    let refused = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(
        refused.text().contains("restrict_to_user_countries"),
        "{}",
        refused.text()
    );
    assert!(call_webhooks(&sim, &sandbox, &receiver).await.is_empty());
    // A Brazilian user calls through.
    let ana = json!({ "phone": "+55 11 91234 5678", "name": "Ana" });
    let added = sim
        .post_json(&sandbox.sim("/whatsapp/consumers"), &ana)
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let through = user_call(&sim, &sandbox, "5511912345678", false).await;
    assert_eq!(through.status, 201, "{}", through.text());
    assert_eq!(call_webhooks(&sim, &sandbox, &receiver).await.len(), 1);
    // With the United States listed, or the list lifted, Alice calls through.
    let both = json!({ "call_icons": { "restrict_to_user_countries": ["BR", "US"] } });
    calling_settings(&sim, &sandbox, both).await.ok();
    let alice = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(alice.status, 201, "{}", alice.text());
}

#[tokio::test]
async fn a_hidden_call_icon_keeps_every_users_call_away_but_not_the_businesss() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(195).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls"]).await;
    enable_calling(&sim, &sandbox).await;
    grant_permission(&sim, &sandbox, ALICE, true).await;
    // DISABLE_ALL: users cannot call unsolicited (Meta's call settings).
    let hide = json!({ "call_icon_visibility": "DISABLE_ALL" });
    calling_settings(&sim, &sandbox, hide).await.ok();
    let refused = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(refused.text().contains("DISABLE_ALL"), "{}", refused.text());
    assert!(call_webhooks(&sim, &sandbox, &receiver).await.is_empty());
    // The business's own calls are not bound by the icon.
    let placed = calls(&sim, &sandbox, connect(ALICE)).await;
    let call_id = placed.ok()["calls"][0]["id"].as_str().unwrap().to_owned();
    let end = calls(&sim, &sandbox, action(&call_id, "terminate")).await;
    assert_eq!(end.ok()["success"], true);
    // Shown again (the spec's spelling), Alice calls through.
    let show = json!({ "call_icon_visibility": "visible" });
    calling_settings(&sim, &sandbox, show).await.ok();
    let through = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(through.status, 201, "{}", through.text());
}
