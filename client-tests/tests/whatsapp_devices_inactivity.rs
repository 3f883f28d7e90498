//! What ends devices without anyone unlinking them: registering the number
//! on another phone (the takeover), and inactivity on the virtual clock —
//! exactly at the boundary and one second after, with the sandbox's own
//! periods, range-checked when the sandbox is created.

use client_tests::devices::{active_ids, devices, link};
use client_tests::whatsapp::{ALICE, BOB, DAY, T0};
use client_tests::{Sim, json};

#[tokio::test]
async fn registering_the_number_on_a_new_phone_logs_out_every_other_device() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(310).await;
    link(&sim, &sandbox, BOB, "web").await;
    link(&sim, &sandbox, BOB, "tablet").await;
    sim.advance(&sandbox, 300).await;
    let path = sandbox.sim(&format!("/whatsapp/accounts/{BOB}/register"));
    let registered = sim
        .post_json(
            &path,
            &json!({ "kind": "phone", "name": "Bob's new phone" }),
        )
        .await;
    assert_eq!(
        registered.ok(),
        &json!({
            "id": "15550108888:3", "role": "primary", "kind": "phone", "name": "Bob's new phone",
            "state": "active", "linked_at": T0 + 300, "last_active_at": T0 + 300,
        })
    );
    assert_eq!(active_ids(&sim, &sandbox, BOB).await, ["15550108888:3"]);
    for old in &devices(&sim, &sandbox, BOB).await[..3] {
        assert_eq!(old["state"], "logged_out", "{old}");
        assert_eq!(old["logout_reason"], "reregistered", "{old}");
        assert_eq!(old["logged_out_at"], T0 + 300, "{old}");
    }
    let web = sim.post_json(&path, &json!({ "kind": "web" })).await;
    assert_eq!(
        web.assert_sim_error(400, None),
        "(#100) kind: a number is registered on a phone; a web device links as a companion instead"
    );
    assert_eq!(active_ids(&sim, &sandbox, BOB).await, ["15550108888:3"]);
}

#[tokio::test]
async fn an_unused_primary_logs_out_every_companion_after_more_than_fourteen_days() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(311).await;
    let web = link(&sim, &sandbox, ALICE, "web").await;
    let desktop = link(&sim, &sandbox, ALICE, "desktop").await;
    sim.advance(&sandbox, 14 * DAY).await;
    assert_eq!(
        active_ids(&sim, &sandbox, ALICE).await.len(),
        3,
        "exactly 14 days unused: still linked"
    );
    sim.advance(&sandbox, 1).await;
    let all = devices(&sim, &sandbox, ALICE).await;
    assert_eq!(all[0]["state"], "active", "the primary stays");
    for (device, id) in all[1..].iter().zip([&web, &desktop]) {
        assert_eq!(device["id"], json!(id));
        assert_eq!(device["logout_reason"], "primary_inactive");
        assert_eq!(device["logged_out_at"], T0 + 14 * DAY as i64 + 1);
    }
}

#[tokio::test]
async fn an_unused_companion_is_logged_out_after_the_sandboxs_own_period() {
    let sim = Sim::start().await;
    let sandbox = sim
        .create_sandbox(json!({
            "seed": 312,
            "devices": { "primary_inactivity_seconds": 0, "companion_inactivity_seconds": 3600 },
        }))
        .await;
    let info = sim.get(&sandbox.sim("")).await;
    assert_eq!(
        info.ok()["options"]["devices"],
        json!({ "primary_inactivity_seconds": 0, "companion_inactivity_seconds": 3600 })
    );
    link(&sim, &sandbox, ALICE, "tablet").await;
    sim.advance(&sandbox, 3600).await;
    assert_eq!(active_ids(&sim, &sandbox, ALICE).await.len(), 2);
    // A long jump: logged out at the instant it was due, not when noticed.
    sim.advance(&sandbox, 20 * DAY).await;
    let tablet = &devices(&sim, &sandbox, ALICE).await[1];
    assert_eq!(tablet["logout_reason"], "companion_inactive");
    assert_eq!(tablet["logged_out_at"], T0 + 3601);
}

#[tokio::test]
async fn inactivity_periods_are_range_checked() {
    let sim = Sim::start().await;
    for (devices, problem) in [
        (
            json!({ "primary_inactivity_seconds": -1 }),
            "invalid value: integer `-1`",
        ),
        (
            json!({ "companion_inactivity_seconds": 4_294_967_296u64 }),
            "invalid value: integer `4294967296`",
        ),
        (
            json!({ "primary_inactive_days": 14 }),
            "unknown field `primary_inactive_days`",
        ),
    ] {
        let reply = sim
            .post_json("/_sim/sandboxes", &json!({ "devices": devices }))
            .await;
        let message = reply.assert_sim_error(400, None);
        assert!(
            message.contains("devices") && message.contains(problem),
            "{message}"
        );
    }
}
