//! `--webhook-host`: webhooks and verification handshakes reach only the
//! hosts named — a callback elsewhere fails its handshake with Meta's 2200,
//! and a delivery to it fails (and is retried) without leaving the machine.

use client_tests::receiver::*;
use client_tests::{ServerConfig, Sim, json};

fn only(hosts: &[&str]) -> ServerConfig {
    ServerConfig {
        webhook_hosts: Some(hosts.iter().map(|h| (*h).to_owned()).collect()),
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn handshakes_and_deliveries_reach_only_the_hosts_named() {
    let sim = Sim::start_with(only(&["localhost"])).await;
    let sandbox = sim.demo(1).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let refused = subscribe_app(
        &sim,
        &sandbox,
        "app",
        &json!({
            "object": "whatsapp_business_account",
            "callback_url": receiver.url("/hook"),
            "verify_token": "metasim-verify",
            "fields": ["messages"],
        }),
    )
    .await;
    let error = refused.assert_error(400, 2200, None, "OAuthException");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("host 127.0.0.1 is not one metasim may reach"),
        "{error}"
    );
    assert!(receiver.handshakes().is_empty(), "nothing left the machine");
    // The same receiver by an allowed name: the handshake passes.
    let named = receiver.url("/hook").replace("127.0.0.1", "localhost");
    subscribe(
        &sim,
        &sandbox,
        "whatsapp_business_account",
        &["messages"],
        &named,
    )
    .await;
    assert_eq!(receiver.handshakes().len(), 1);

    // A subscription restored from a snapshot to another host: its delivery fails.
    let mut snapshot = sim.get(&sandbox.sim("/snapshot")).await.json;
    let text = snapshot
        .to_string()
        .replace(&named, "http://hooks.elsewhere.example/hook");
    snapshot = serde_json::from_str(&text).unwrap();
    sim.put_json(&sandbox.sim("/snapshot"), &snapshot)
        .await
        .ok();
    subscribe_waba(&sim, &sandbox).await;
    sim.trigger(
        &sandbox,
        &json!({"object": "whatsapp_business_account", "field": "messages"}),
    )
    .await;
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(
        reports[0]["error"],
        "host hooks.elsewhere.example is not one metasim may reach (--webhook-host)"
    );
    assert_eq!(
        reports[0]["state"], "pending",
        "retried later, as any failure"
    );
    assert!(receiver.posts().is_empty());
}
