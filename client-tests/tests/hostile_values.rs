//! Hostile numbers from outside — control-plane bodies, fixtures, snapshots,
//! Graph parameters — each answered with a 400 that names the bound, never a
//! wrapped time or a panic. The tests run in a debug build, where an
//! arithmetic overflow panics: a missing check shows up as a dropped
//! connection here, not as a wrong answer in release.

use client_tests::{Sandbox, Sim, V, Value, demo_fixture, json};

const I64_MAX: i64 = i64::MAX;
const U64_MAX: u64 = u64::MAX;

/// POST `body` to the sandbox's control route `rest`; expect a 400 whose
/// message contains `bound`.
async fn refused(sim: &Sim, sandbox: &Sandbox, rest: &str, body: Value, bound: &str) {
    let reply = sim.post_json(&sandbox.sim(rest), &body).await;
    let message = reply.assert_sim_error(400, None);
    assert!(
        message.contains(bound),
        "{rest} {body}: {message:?} should name {bound:?}"
    );
}

#[tokio::test]
async fn control_plane_numbers_out_of_range_are_400s_naming_the_bound() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1).await;
    let token = |expires_in: Value| json!({"handle": "x", "subject": "system_user", "app": "app", "expires_in": expires_in});
    let cases = [
        (
            "/tokens",
            token(json!(I64_MAX)),
            "expires_in must be between -315360000 and 315360000",
        ),
        (
            "/tokens",
            token(json!(i64::MIN)),
            "expires_in must be between -315360000 and 315360000",
        ),
        (
            "/webhooks/settings",
            json!({"delay_seconds": I64_MAX}),
            "delay_seconds must be between 0 and 315360000",
        ),
        (
            "/webhooks/settings",
            json!({"delay_seconds": -5}),
            "delay_seconds must be between 0 and 315360000",
        ),
        (
            "/webhooks/settings",
            json!({"duplicates": 1_000_000}),
            "duplicates must be between 0 and 10",
        ),
        (
            "/webhooks/settings",
            json!({"reorder_window": U64_MAX}),
            "reorder_window must be between 0 and 1000",
        ),
        (
            "/webhooks/settings",
            json!({"timeout_ms": U64_MAX}),
            "timeout_ms must be between 1 and 300000",
        ),
        (
            "/faults",
            json!({"error": {"code": -1, "http_status": 500}}),
            "error.code must be between 1 and 2147483647",
        ),
        (
            "/faults",
            json!({"match": {"path": "/[z-a]"}, "latency_ms": 1}),
            "the range [z-a] is reversed",
        ),
        (
            "/faults",
            json!({"latency_ms": U64_MAX}),
            "latency_ms must be between 0 and 300000",
        ),
        (
            "/faults",
            json!({"latency_ms": 1, "times": 0}),
            "times must be between 1 and",
        ),
        (
            "/faults",
            json!({"latency_ms": 1, "until": I64_MAX}),
            "until must be between 0 and 253402300799",
        ),
        (
            "/clock/advance",
            json!({"seconds": U64_MAX}),
            "seconds is too large",
        ),
    ];
    for (rest, body, bound) in cases {
        refused(&sim, &sandbox, rest, body, bound).await;
    }
    // Nothing of it was applied.
    let settings = sim.get(&sandbox.sim("/webhooks/settings")).await;
    assert_eq!(settings.ok()["duplicates"], 0);
    assert_eq!(
        sim.get(&sandbox.sim("/faults")).await.json["data"],
        json!([])
    );
    let me = sim
        .get_as(sandbox.token("system_user_token"), &format!("/{V}/me"))
        .await;
    me.ok();
}

#[tokio::test]
async fn sandbox_options_and_fixture_numbers_out_of_range_are_400s() {
    let sim = Sim::start().await;
    let mut expiring = demo_fixture();
    expiring["tokens"][0]["expires_in"] = json!(I64_MAX);
    let cases = [
        (
            json!({"template_review": {"delay_seconds": I64_MAX}}),
            "template_review.delay_seconds must be between 0 and 315360000",
        ),
        (
            json!({"journal_limit": 0}),
            "journal_limit must be between 1 and 100000",
        ),
        (
            json!({"journal_limit": U64_MAX}),
            "journal_limit must be between 1 and 100000",
        ),
        (
            json!({"messaging_limits": {"pair_interval_seconds": -1}}),
            "messaging_limits.pair_interval_seconds must be between 0 and 86400",
        ),
        (
            json!({"messaging_limits": {"marketing_window_seconds": I64_MAX}}),
            "messaging_limits.marketing_window_seconds must be between 0 and 31536000",
        ),
        (
            json!({"messaging_limits": {"marketing_per_consumer": 100_001}}),
            "messaging_limits.marketing_per_consumer must be between 0 and 100000",
        ),
        (
            json!({"fixture": expiring}),
            "fixture.tokens[0].expires_in: expires_in must be between",
        ),
    ];
    for (body, bound) in cases {
        let reply = sim.post_json("/_sim/sandboxes", &body).await;
        let message = reply.assert_sim_error(400, None);
        assert!(
            message.contains(bound),
            "{body}: {message:?} should name {bound:?}"
        );
    }
    let list = sim.get("/_sim/sandboxes").await;
    assert_eq!(
        list.ok()["data"].as_array().map(Vec::len),
        Some(1),
        "only the default sandbox"
    );
}

#[tokio::test]
async fn snapshots_with_maximal_counters_or_clocks_are_refused_and_change_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(2).await;
    let before = sim.get(&sandbox.sim("/snapshot")).await.text();
    let snapshot: Value = serde_json::from_str(&before).expect("a snapshot");
    let phone = sandbox.id_of("phone_number");
    let cases = [
        (
            "/clock/advanced",
            json!(I64_MAX),
            "clock.advanced must be between 0 and 253402300799",
        ),
        (
            "/ids/counter",
            json!(U64_MAX),
            "ids.counter must be between 0 and 9007199254740992",
        ),
        (
            "/journal/next_seq",
            json!(U64_MAX),
            "journal.next_seq must be between 1 and",
        ),
        (
            "/events/next_seq",
            json!(U64_MAX),
            "events.next_seq must be between 0 and",
        ),
        (
            "/whatsapp/messaging/next_seq",
            json!(U64_MAX),
            "whatsapp.messaging.next_seq must be between 0 and",
        ),
        (
            &format!("/whatsapp/phone_numbers/{phone}/waba_id"),
            json!("404"),
            "waba_id: \"404\" is not a WhatsAppBusinessAccount of this snapshot",
        ),
    ];
    for (pointer, value, bound) in cases {
        let mut bad = snapshot.clone();
        *bad.pointer_mut(pointer).expect("the snapshot has it") = value;
        let reply = sim.put_json(&sandbox.sim("/snapshot"), &bad).await;
        let message = reply.assert_sim_error(400, None);
        assert!(
            message.contains(bound),
            "{pointer}: {message:?} should name {bound:?}"
        );
        assert!(message.ends_with("nothing was changed"), "{message}");
    }
    assert_eq!(sim.get(&sandbox.sim("/snapshot")).await.text(), before);
}

#[tokio::test]
async fn counters_at_their_largest_allowed_value_keep_working() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(3).await;
    let mut snapshot: Value = sim.get(&sandbox.sim("/snapshot")).await.json;
    let max = 1u64 << 53;
    snapshot["ids"]["counter"] = json!(max);
    snapshot["journal"]["next_seq"] = json!(max);
    snapshot["clock"]["advanced"] = json!(253_402_300_799i64 - 1_767_225_600);
    sim.put_json(&sandbox.sim("/snapshot"), &snapshot)
        .await
        .ok();
    // The clock is at its end; ids and sequences are at their largest: calls
    // still answer, and nothing wraps.
    let phone = sandbox.id_of("phone_number");
    let sent = sim
        .send(
            sim.request(reqwest::Method::POST, &format!("/{V}/{phone}/messages"))
                .bearer_auth(sandbox.token("system_user_token"))
                .json(&json!({"messaging_product": "whatsapp", "to": "15550109999", "type": "text", "text": {"body": "hi"}})),
        )
        .await;
    sent.ok();
    let journal = sim.journal(&sandbox, "limit=1").await;
    assert_eq!(journal[0]["seq"], json!(max));
    assert_eq!(journal[0]["time"], json!(253_402_300_799i64));
    refused(
        &sim,
        &sandbox,
        "/clock/advance",
        json!({"seconds": 1}),
        "the clock can move 0 more seconds",
    )
    .await;
}

#[tokio::test]
async fn graph_numbers_out_of_range_are_400s() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(4).await;
    let waba = sandbox.id_of("waba");
    let token = sandbox.token("system_user_token");
    for path in [
        format!("/{V}/{waba}/phone_numbers?limit=18446744073709551616"),
        format!("/{V}/{waba}/phone_numbers?limit=-1"),
        format!("/{V}/{waba}?fields=phone_numbers.limit(99999999999999999999999)"),
    ] {
        let reply = sim.get_as(token, &path).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text());
        assert_eq!(reply.error()["code"], 100, "{path}: {}", reply.text());
    }
}
