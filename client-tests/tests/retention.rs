//! Retention over HTTP: a sandbox created with small `retention` limits drops
//! its oldest events and messages and says so — in its counts and in the
//! event log's `dropped` — while the newest stay readable; limits out of
//! range are refused; the default keeps what a test reads.

use client_tests::whatsapp::*;
use client_tests::{Sim, json};

#[tokio::test]
async fn what_falls_out_of_retention_is_counted_and_named() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({
            "seed": 3,
            "retention": { "events": 16, "messages": 4 },
            "messaging_limits": { "throughput_per_second": 0, "pair_burst": 0 },
        }))
        .await;
    open_window(&sim, &sandbox, ALICE).await;
    let mut last = String::new();
    for n in 0..40 {
        let body = message(ALICE, "text", json!({ "body": format!("Reply {n}") }));
        last = assert_sent(&post(&sim, &sandbox, &body).await, ALICE, ALICE);
    }
    let info = sim.get(&sandbox.sim("")).await;
    let counts = &info.ok()["counts"];
    let kept = counts["messages"].as_u64().unwrap();
    assert!(kept <= 5, "{counts}");
    assert_eq!(kept + counts["messages_dropped"].as_u64().unwrap(), 41);
    assert_eq!(
        info.ok()["options"]["retention"],
        json!({ "events": 16, "messages": 4, "delivery_bodies": 10_000 })
    );

    // The newest message is still there, with its statuses.
    assert_eq!(
        status_names(&sim, &sandbox, &last).await,
        ["sent", "delivered"]
    );

    // The event log names what it no longer holds.
    let dropped = counts["events_dropped"].as_u64().unwrap();
    assert!(dropped > 0, "{counts}");
    let log = sim.get(&sandbox.sim("/events?after=0")).await;
    let log = log.ok();
    assert_eq!(log["dropped"]["count"], dropped);
    let note = log["dropped"]["note"].as_str().unwrap();
    assert!(note.contains("retention.events"), "{note}");
    let first = log["data"][0]["seq"].as_u64().unwrap();
    assert_eq!(
        first,
        dropped + 1,
        "the log starts right after what was dropped"
    );
}

#[tokio::test]
async fn limits_out_of_range_are_refused() {
    let sim = Sim::start().await;
    for (retention, text) in [
        (
            json!({ "events": 0 }),
            "retention.events must be between 1 and 10000000, got 0",
        ),
        (
            json!({ "messages": 10_000_001 }),
            "retention.messages must be between 1 and 10000000, got 10000001",
        ),
    ] {
        let reply = sim
            .post_json("/_sim/sandboxes", &json!({ "retention": retention }))
            .await;
        assert_eq!(reply.assert_sim_error(400, None), format!("(#100) {text}"));
    }
}

#[tokio::test]
async fn the_default_keeps_the_whole_event_log_of_a_test() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    open_window(&sim, &sandbox, ALICE).await;
    for n in 0..10 {
        let body = message(ALICE, "text", json!({ "body": format!("Reply {n}") }));
        post(&sim, &sandbox, &body).await.ok();
    }
    let log = sim.get(&sandbox.sim("/events?after=0")).await;
    assert_eq!(log.ok()["data"].as_array().unwrap().len(), 21);
    assert!(log.ok().get("dropped").is_none());
}
