//! Snapshots round-trip whatever their size: an export larger than the
//! 16 MiB other bodies may be is imported back byte for byte, and an export
//! beyond the snapshot limit is refused at export, never at import.

use client_tests::{ServerConfig, Sim, V, json};

#[tokio::test]
async fn an_export_over_16_mib_imports_back_byte_for_byte() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    // Three calls with 6 MiB bodies: the journal keeps them, the snapshot holds them.
    let big = "x".repeat(6 * 1024 * 1024);
    for _ in 0..3 {
        let reply = sim
            .send(
                sim.request(reqwest::Method::POST, &format!("/{V}/me"))
                    .bearer_auth(sandbox.token("user_token"))
                    .json(&json!({ "note": big })),
            )
            .await;
        assert_ne!(reply.status, 413, "{}", reply.text());
    }
    let exported = sim.get(&sandbox.sim("/snapshot")).await;
    assert_eq!(exported.status, 200);
    assert!(
        exported.bytes.len() > 16 * 1024 * 1024,
        "{} bytes",
        exported.bytes.len()
    );
    let imported = sim
        .send(
            sim.request(reqwest::Method::PUT, &sandbox.sim("/snapshot"))
                .header("content-type", "application/json")
                .body(exported.bytes.clone()),
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text());
    let again = sim.get(&sandbox.sim("/snapshot")).await;
    assert!(
        again.bytes == exported.bytes,
        "export → import → export is byte-identical"
    );
}

#[tokio::test]
async fn an_export_beyond_the_snapshot_limit_is_refused_at_export() {
    let sim = Sim::start_with(ServerConfig {
        snapshot_limit: 4096,
        ..ServerConfig::default()
    })
    .await;
    let sandbox = sim.demo(2).await;
    let reply = sim.get(&sandbox.sim("/snapshot")).await;
    let message = reply.assert_sim_error(413, None);
    assert!(
        message.contains("more than the 4096 bytes PUT …/snapshot accepts"),
        "{message}"
    );
    let too_big = json!({ "padding": "x".repeat(5000) });
    let reply = sim.put_json(&sandbox.sim("/snapshot"), &too_big).await;
    assert_eq!(reply.status, 413, "{}", reply.text());
}
