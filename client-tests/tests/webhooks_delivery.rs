//! When and how often metasim POSTs webhooks, watched by a real receiver:
//! manual delivery (nothing leaves before `webhooks/deliver`, which reports each
//! attempt) and auto delivery (sent at once, retries after `clock/advance`);
//! retries on the virtual clock at +0 s, +15 s, +1 min, +5 min, … with every
//! attempt recorded, every event arriving exactly once after the receiver
//! recovers, a clock jump collapsing the retries it skipped into one attempt,
//! and `given_up` after 7 days (WhatsApp) or within 36 hours (other objects);
//! and the receiver faults of `webhooks/settings`: batching, duplicates,
//! reordering, delay, timeout, strict 200 and deliveries in flight at once.

use std::time::Duration;

use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, Value, json};

/// Meta's retry offsets as metasim models them (seconds after first due).
const SCHEDULE: [i64; 16] = [
    0, 15, 60, 300, 900, 3600, 10800, 21600, 43200, 86400, 172800, 259200, 345600, 432000, 518400,
    604800,
];

/// A sandbox (`delivery`: manual or auto) whose app receives WhatsApp `messages`.
async fn setup(sim: &Sim, seed: u64, delivery: &str) -> (Sandbox, Receiver) {
    let sandbox = sim
        .create_sandbox(json!({ "seed": seed, "delivery": delivery }))
        .await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(sim, &sandbox, &receiver, &["messages"]).await;
    (sandbox, receiver)
}

async fn alice_writes(sim: &Sim, sandbox: &Sandbox, text: &str) -> String {
    sim.inbound(
        sandbox,
        ALICE,
        phone(sandbox),
        json!({ "type": "text", "text": { "body": text } }),
    )
    .await
}

/// The inbound message id (or status id + name) a body carries.
fn what(body: &Value) -> String {
    let value = &body["entry"][0]["changes"][0]["value"];
    match value.get("messages") {
        Some(messages) => messages[0]["id"].as_str().unwrap().to_owned(),
        None => format!(
            "{} {}",
            value["statuses"][0]["id"].as_str().unwrap(),
            value["statuses"][0]["status"].as_str().unwrap()
        ),
    }
}

fn report(
    id: u64,
    url: &str,
    status: Option<u16>,
    error: Option<&str>,
    next: Option<i64>,
) -> Value {
    let state = match (status, next) {
        (Some(200..=299), _) => "delivered",
        (_, Some(_)) => "pending",
        _ => "given_up",
    };
    json!({
        "delivery_id": id, "url": url, "status": status, "error": error,
        "state": state, "next_attempt_at": next,
    })
}

fn reports(raw: Vec<Value>) -> Vec<Value> {
    raw.into_iter().map(without_latency).collect()
}

fn attempt(number: u32, time: i64, status: u16) -> Value {
    json!({ "number": number, "time": time, "status": status })
}

/// Wait (bounded) until the outbox shows `count` attempts in all.
async fn wait_for_attempts(sim: &Sim, sandbox: &Sandbox, count: usize) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let deliveries = sim.deliveries(sandbox).await;
        let attempts: usize = deliveries
            .iter()
            .map(|d| d["attempts"].as_array().unwrap().len())
            .sum();
        if attempts >= count {
            return deliveries;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{attempts} of {count} attempts"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn manual_delivery_sends_nothing_until_deliver_and_reports_each_attempt() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 30, "manual").await;
    let hook = receiver.url("/hook");
    let inbound = alice_writes(&sim, &sandbox, "Hello").await;
    let answer = message(ALICE, "text", json!({ "body": "Hi Alice" }));
    let sent = assert_sent(&post(&sim, &sandbox, &answer).await, ALICE, ALICE);
    // Longer than the auto worker's tick: still nothing.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(receiver.posts().is_empty());

    let queued = sim.deliveries(&sandbox).await;
    assert_eq!(queued.len(), 3);
    for (i, delivery) in queued.iter().enumerate() {
        let object = delivery.as_object().unwrap();
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "app_id",
                "object",
                "url",
                "events",
                "fields",
                "body",
                "signature_256",
                "signature_1",
                "created_at",
                "first_due_at",
                "next_attempt_at",
                "state",
                "attempts",
            ]
        );
        assert_eq!(delivery["id"], json!(i + 1));
        assert_eq!(delivery["app_id"], json!(sandbox.id_of("app")));
        assert_eq!(delivery["object"], "whatsapp_business_account");
        assert_eq!(delivery["url"], json!(hook));
        assert_eq!(delivery["events"], json!([i + 1]));
        assert_eq!(delivery["fields"], json!(["messages"]));
        assert_eq!(delivery["created_at"], json!(T0));
        assert_eq!(delivery["first_due_at"], json!(T0));
        assert_eq!(delivery["next_attempt_at"], json!(T0));
        assert_eq!(delivery["state"], "pending");
        assert_eq!(delivery["attempts"], json!([]));
        let body = delivery["body"].as_str().unwrap();
        assert_eq!(
            delivery["signature_256"],
            json!(signatures(sandbox.secret("app"), body.as_bytes()).0)
        );
    }

    let done = reports(sim.deliver(&sandbox).await);
    assert_eq!(
        done,
        (1..=3)
            .map(|id| report(id, &hook, Some(200), None, None))
            .collect::<Vec<_>>()
    );
    let order: Vec<String> = receiver.bodies().iter().map(what).collect();
    assert_eq!(
        order,
        [inbound, format!("{sent} sent"), format!("{sent} delivered")]
    );
    for delivery in sim.deliveries(&sandbox).await {
        assert_eq!(delivery["state"], "delivered");
        assert!(delivery.get("next_attempt_at").is_none());
        let attempts: Vec<Value> = delivery["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .cloned()
            .map(without_latency)
            .collect();
        assert_eq!(attempts, [attempt(1, T0, 200)]);
    }
    // Nothing left to send.
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    assert_eq!(receiver.posts().len(), 3);
}

#[tokio::test]
async fn auto_delivery_posts_at_once_and_retries_after_the_clock_moves() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 31, "auto").await;
    let first = alice_writes(&sim, &sandbox, "Hello").await;
    let posts = receiver.wait_for_posts(1).await;
    assert_eq!(what(&posts[0].json), first);
    let answer = message(ALICE, "text", json!({ "body": "Hi Alice" }));
    let sent = assert_sent(&post(&sim, &sandbox, &answer).await, ALICE, ALICE);
    let posts = receiver.wait_for_posts(3).await;
    assert_eq!(what(&posts[2].json), format!("{sent} delivered"));

    // The receiver fails once: the retry waits for the clock.
    receiver.fail_next(1, Failure::Status(500));
    let second = alice_writes(&sim, &sandbox, "Still there?").await;
    wait_for_attempts(&sim, &sandbox, 4).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(receiver.posts().len(), 4);
    sim.advance(&sandbox, 15).await;
    let posts = receiver.wait_for_posts(5).await;
    assert_eq!(what(&posts[4].json), second);
    assert_eq!(posts[3].bytes, posts[4].bytes, "the same bytes again");
    let deliveries = wait_for_attempts(&sim, &sandbox, 5).await;
    let attempts: Vec<Value> = deliveries[3]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(without_latency)
        .collect();
    assert_eq!(attempts, [attempt(1, T0, 500), attempt(2, T0 + 15, 200)]);
    assert_eq!(receiver.received().len(), 4);
}

#[tokio::test]
async fn failures_are_retried_on_the_schedule_until_the_receiver_recovers() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 32, "manual").await;
    let hook = receiver.url("/hook");
    receiver.fail_next(3, Failure::Status(500));
    let wamid = alice_writes(&sim, &sandbox, "Are you open?").await;

    let steps = [
        (0, Some(500), Some(T0 + 15)),
        (15, Some(500), Some(T0 + 60)),
        (45, Some(500), Some(T0 + 300)),
        (240, Some(200), None),
    ];
    for (advance, status, next) in steps {
        if advance > 0 {
            // Not a second early.
            sim.advance(&sandbox, advance - 1).await;
            assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
            sim.advance(&sandbox, 1).await;
        }
        assert_eq!(
            reports(sim.deliver(&sandbox).await),
            [report(1, &hook, status, None, next)]
        );
    }
    let posts = receiver.posts();
    assert_eq!(posts.len(), 4);
    assert!(posts.iter().all(|p| p.bytes == posts[0].bytes));
    let received = receiver.bodies();
    assert_eq!(received.len(), 1, "exactly once");
    assert_eq!(what(&received[0]), wamid);
    let delivery = without_latency(sim.deliveries(&sandbox).await.remove(0));
    assert_eq!(delivery["state"], "delivered");
    assert_eq!(
        delivery["attempts"],
        json!([
            attempt(1, T0, 500),
            attempt(2, T0 + 15, 500),
            attempt(3, T0 + 60, 500),
            attempt(4, T0 + 300, 200),
        ])
    );
}

#[tokio::test]
async fn every_event_arrives_exactly_once_after_dropped_connections() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 33, "manual").await;
    let inbound = alice_writes(&sim, &sandbox, "Hello").await;
    let answer = message(ALICE, "text", json!({ "body": "Hi" }));
    let sent = assert_sent(&post(&sim, &sandbox, &answer).await, ALICE, ALICE);
    // Three deliveries; the receiver hangs up on the next four requests.
    receiver.fail_next(4, Failure::Close);
    let first = sim.deliver(&sandbox).await;
    assert_eq!(first.len(), 3);
    for report in &first {
        assert!(report["status"].is_null(), "{report}");
        assert_eq!(report["error"], "transport error");
        assert_eq!(report["next_attempt_at"], json!(T0 + 15));
    }
    sim.advance(&sandbox, 15).await;
    let second = sim.deliver(&sandbox).await;
    let states: Vec<&Value> = second.iter().map(|r| &r["state"]).collect();
    assert_eq!(
        states,
        [&json!("pending"), &json!("delivered"), &json!("delivered")]
    );
    sim.advance(&sandbox, 45).await;
    let third = sim.deliver(&sandbox).await;
    assert_eq!(third.len(), 1);
    assert_eq!(third[0]["state"], "delivered");
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());

    let mut arrived: Vec<String> = receiver.bodies().iter().map(what).collect();
    assert_eq!(
        arrived,
        [
            format!("{sent} sent"),
            format!("{sent} delivered"),
            inbound.clone()
        ]
    );
    arrived.sort();
    arrived.dedup();
    assert_eq!(arrived.len(), 3, "each event once");
    assert_eq!(receiver.posts().len(), 7);
    let states: Vec<Value> = sim
        .deliveries(&sandbox)
        .await
        .iter()
        .map(|d| json!([d["state"], d["attempts"].as_array().unwrap().len()]))
        .collect();
    assert_eq!(
        states,
        [
            json!(["delivered", 3]),
            json!(["delivered", 2]),
            json!(["delivered", 2])
        ]
    );
}

/// Walk the schedule with a receiver that never recovers; returns the reports.
async fn walk_schedule(sim: &Sim, sandbox: &Sandbox, offsets: &[i64]) -> Vec<Value> {
    let mut all = Vec::new();
    let mut at = 0;
    for offset in offsets {
        sim.advance(sandbox, (offset - at) as u64).await;
        at = *offset;
        let mut step = reports(sim.deliver(sandbox).await);
        assert_eq!(step.len(), 1, "one attempt at +{offset}: {step:?}");
        all.push(step.remove(0));
    }
    all
}

#[tokio::test]
async fn a_whatsapp_delivery_is_given_up_after_7_days_with_every_attempt_kept() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 34, "manual").await;
    let hook = receiver.url("/hook");
    receiver.fail_next(u32::MAX, Failure::Status(503));
    alice_writes(&sim, &sandbox, "Anyone?").await;
    let walked = walk_schedule(&sim, &sandbox, &SCHEDULE).await;
    let expected: Vec<Value> = SCHEDULE
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let next = SCHEDULE.get(i + 1).map(|offset| T0 + offset);
            report(1, &hook, Some(503), None, next)
        })
        .collect();
    assert_eq!(walked, expected);
    assert_eq!(walked[15]["state"], "given_up");
    // Given up is final: no more attempts, ever.
    sim.advance(&sandbox, 30 * DAY).await;
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    let delivery = without_latency(sim.deliveries(&sandbox).await.remove(0));
    assert_eq!(delivery["state"], "given_up");
    assert!(delivery.get("next_attempt_at").is_none());
    let attempts: Vec<Value> = SCHEDULE
        .iter()
        .enumerate()
        .map(|(i, offset)| attempt(i as u32 + 1, T0 + offset, 503))
        .collect();
    assert_eq!(delivery["attempts"], json!(attempts));
    assert_eq!(receiver.posts().len(), 16);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_non_whatsapp_delivery_is_given_up_within_36_hours() {
    // Instagram (its account's webhooks reach the apps installed on its
    // Page) has the same 36-hour window.
    let sim = Sim::start().await;
    let sandbox = sim.demo(35).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    let hook = receiver.url("/instagram");
    subscribe(&sim, &sandbox, "instagram", &["messages"], &hook).await;
    let token = client_tests::messenger::page_token(&sim, &sandbox).await;
    let install = format!(
        "/{}/{}/subscribed_apps?subscribed_fields=messages",
        client_tests::V,
        sandbox.id_of("page")
    );
    sim.send(
        sim.request(reqwest::Method::POST, &install)
            .bearer_auth(&token),
    )
    .await
    .ok();
    receiver.fail_next(u32::MAX, Failure::Status(500));
    sim.trigger(
        &sandbox,
        &json!({ "object": "instagram", "field": "messages" }),
    )
    .await;
    // The attempts within 36 hours: up to +24 h; the one after would be at +48 h.
    let within: Vec<i64> = SCHEDULE
        .iter()
        .copied()
        .filter(|o| *o <= 36 * 3600)
        .collect();
    assert_eq!(within.len(), 10);
    let walked = walk_schedule(&sim, &sandbox, &within).await;
    assert_eq!(walked[8]["next_attempt_at"], json!(T0 + 86400));
    assert_eq!(walked[9], report(1, &hook, Some(500), None, None));
    assert_eq!(walked[9]["state"], "given_up");
    sim.advance(&sandbox, 12 * 3600).await;
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    sim.advance(&sandbox, 7 * DAY).await;
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    let delivery = sim.deliveries(&sandbox).await.remove(0);
    assert_eq!(delivery["object"], "instagram");
    assert_eq!(delivery["state"], "given_up");
    let times: Vec<i64> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["time"].as_i64().unwrap())
        .collect();
    assert_eq!(times, within.iter().map(|o| T0 + o).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_clock_jump_collapses_the_retries_it_skipped_into_one_attempt() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 36, "manual").await;
    let hook = receiver.url("/hook");
    receiver.fail_next(u32::MAX, Failure::Status(500));
    alice_writes(&sim, &sandbox, "Hello?").await;
    sim.deliver(&sandbox).await;
    // Two hours later: the slots at +15 s … +1 h were missed; one attempt now,
    // the next at the first slot still ahead (+3 h).
    sim.advance(&sandbox, 7200).await;
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(1, &hook, Some(500), None, Some(T0 + 10800))]
    );
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    // Past the 7-day window: one last attempt, then given up.
    sim.advance(&sandbox, 8 * DAY).await;
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(1, &hook, Some(500), None, None)]
    );
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    assert_eq!(receiver.posts().len(), 3);

    // In auto mode a jump makes one attempt too, not a burst of the missed ones.
    let (sandbox, receiver) = setup(&sim, 37, "auto").await;
    receiver.fail_next(u32::MAX, Failure::Status(500));
    alice_writes(&sim, &sandbox, "Hello?").await;
    receiver.wait_for_posts(1).await;
    wait_for_attempts(&sim, &sandbox, 1).await;
    sim.advance(&sandbox, DAY).await;
    receiver.wait_for_posts(2).await;
    let deliveries = wait_for_attempts(&sim, &sandbox, 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.posts().len(), 2);
    assert_eq!(deliveries[0]["next_attempt_at"], json!(T0 + 2 * DAY as i64));
}

#[tokio::test]
async fn settings_have_defaults_and_are_checked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(38).await;
    let defaults = json!({
        "batch_size": 1, "duplicates": 0, "reorder_window": 0,
        "delay_seconds": 0, "timeout_ms": 20000, "strict_200": false,
        "failed_status_contacts": false, "in_flight": 1,
    });
    assert_eq!(
        sim.get(&sandbox.sim("/webhooks/settings")).await.ok(),
        &defaults
    );
    let mut changed = defaults.clone();
    changed["batch_size"] = json!(3);
    changed["strict_200"] = json!(true);
    assert_eq!(
        sim.webhook_settings(&sandbox, &json!({ "batch_size": 3, "strict_200": true }))
            .await,
        changed
    );
    for (bad, message) in [
        (
            json!({ "batch_size": 0 }),
            "batch_size must be between 1 and 1000 (Meta batches up to 1000)",
        ),
        (
            json!({ "batch_size": 1001 }),
            "batch_size must be between 1 and 1000 (Meta batches up to 1000)",
        ),
        (
            json!({ "delay_seconds": -5 }),
            "delay_seconds must be between 0 and 315360000, got -5",
        ),
        (
            json!({ "duplicates": 1_000_000 }),
            "duplicates must be between 0 and 10, got 1000000",
        ),
        (
            json!({ "timeout_ms": 0 }),
            "timeout_ms must be between 1 and 300000, got 0",
        ),
        (
            json!({ "in_flight": 0 }),
            "in_flight must be between 1 and 64, got 0",
        ),
        (
            json!({ "in_flight": 65 }),
            "in_flight must be between 1 and 64, got 65",
        ),
    ] {
        let reply = sim
            .post_json(&sandbox.sim("/webhooks/settings"), &bad)
            .await;
        assert_eq!(
            reply.assert_sim_error(400, None),
            format!("(#100) {message}")
        );
    }
    let unknown = sim
        .post_json(&sandbox.sim("/webhooks/settings"), &json!({ "jitter": 1 }))
        .await;
    unknown.assert_sim_error(400, None);
    // Refused settings change nothing.
    assert_eq!(
        sim.get(&sandbox.sim("/webhooks/settings")).await.ok(),
        &changed
    );
}

#[tokio::test]
async fn batching_puts_several_changes_in_one_post() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 39, "manual").await;
    subscribe(
        &sim,
        &sandbox,
        "whatsapp_business_account",
        &["message_template_status_update"],
        &receiver.url("/hook"),
    )
    .await;
    sim.webhook_settings(&sandbox, &json!({ "batch_size": 3 }))
        .await;
    let mut ids = Vec::new();
    for text in ["one", "two", "three", "four"] {
        ids.push(alice_writes(&sim, &sandbox, text).await);
    }
    let deliveries = sim.deliveries(&sandbox).await;
    assert_eq!(deliveries.len(), 2);
    assert_eq!(deliveries[0]["events"], json!([1, 2, 3]));
    assert_eq!(deliveries[1]["events"], json!([4]));
    let reports = sim.deliver(&sandbox).await;
    assert_eq!(reports.len(), 2);
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 2);
    let entries = bodies[0]["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for (entry, id) in entries.iter().zip(&ids) {
        assert_eq!(entry["id"], json!(sandbox.id_of("waba")));
        assert_eq!(entry["changes"][0]["field"], "messages");
        assert_eq!(entry["changes"][0]["value"]["messages"][0]["id"], json!(id));
    }
    assert_eq!(bodies[0]["object"], "whatsapp_business_account");
    assert_eq!(bodies[1]["entry"].as_array().unwrap().len(), 1);
    assert_eq!(
        bodies[1]["entry"][0]["changes"][0]["value"]["messages"][0]["id"],
        json!(ids[3])
    );

    // Different fields of one object share a POST; the delivery lists them.
    alice_writes(&sim, &sandbox, "five").await;
    let review = sim
        .post_json(
            &sandbox.sim("/webhooks/trigger"),
            &json!({ "object": "whatsapp_business_account", "field": "message_template_status_update",
                     "value": { "event": "PAUSED", "message_template_id": 1, "message_template_name": "x",
                                "message_template_language": "en_US", "reason": null } }),
        )
        .await;
    assert_eq!(review.status, 201);
    let deliveries = sim.deliveries(&sandbox).await;
    assert_eq!(deliveries.len(), 3);
    assert_eq!(
        deliveries[2]["fields"],
        json!(["messages", "message_template_status_update"])
    );
    sim.deliver(&sandbox).await;
    let last = receiver.bodies().remove(2);
    let fields: Vec<&Value> = last["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["changes"][0]["field"])
        .collect();
    assert_eq!(
        fields,
        [&json!("messages"), &json!("message_template_status_update")]
    );
    assert_eq!(last["entry"][1]["time"], json!(T0));
}

#[tokio::test]
async fn duplicates_send_each_body_again_after_it_succeeded() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 40, "manual").await;
    sim.webhook_settings(&sandbox, &json!({ "duplicates": 1 }))
        .await;
    let one = alice_writes(&sim, &sandbox, "one").await;
    let two = alice_writes(&sim, &sandbox, "two").await;
    let reports = sim.deliver(&sandbox).await;
    let ids: Vec<&Value> = reports.iter().map(|r| &r["delivery_id"]).collect();
    assert_eq!(ids, [&json!(1), &json!(2), &json!(3), &json!(4)]);
    let posts = receiver.received();
    let order: Vec<String> = posts.iter().map(|p| what(&p.json)).collect();
    assert_eq!(order, [one.clone(), two.clone(), one, two]);
    assert_eq!(posts[0].bytes, posts[2].bytes);
    assert_eq!(
        posts[0].header("x-hub-signature-256"),
        posts[2].header("x-hub-signature-256")
    );
    let deliveries = sim.deliveries(&sandbox).await;
    let copies: Vec<Value> = deliveries
        .iter()
        .map(|d| json!([d["id"], d.get("duplicate_of"), d["state"]]))
        .collect();
    assert_eq!(
        copies,
        [
            json!([1, null, "delivered"]),
            json!([2, null, "delivered"]),
            json!([3, 1, "delivered"]),
            json!([4, 2, "delivered"]),
        ]
    );
    // A copy is not copied again.
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
}

#[tokio::test]
async fn a_reorder_window_reverses_due_deliveries_in_groups() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 41, "manual").await;
    sim.webhook_settings(&sandbox, &json!({ "reorder_window": 2 }))
        .await;
    let mut ids = Vec::new();
    for text in ["one", "two", "three", "four", "five"] {
        ids.push(alice_writes(&sim, &sandbox, text).await);
    }
    let reports = sim.deliver(&sandbox).await;
    let order: Vec<&Value> = reports.iter().map(|r| &r["delivery_id"]).collect();
    assert_eq!(
        order,
        [&json!(2), &json!(1), &json!(4), &json!(3), &json!(5)]
    );
    let arrived: Vec<String> = receiver.bodies().iter().map(what).collect();
    assert_eq!(
        arrived,
        [&ids[1], &ids[0], &ids[3], &ids[2], &ids[4]].map(String::clone)
    );
}

#[tokio::test]
async fn deliveries_in_flight_together_are_recorded_in_sending_order() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 44, "manual").await;
    let hook = receiver.url("/hook");
    sim.webhook_settings(&sandbox, &json!({ "in_flight": 3 }))
        .await;
    // The first three take a second each to answer: one at a time that is
    // three seconds; three at a time, about one.
    receiver.fail_next(3, Failure::Slow(Duration::from_secs(1)));
    let mut ids = Vec::new();
    for text in ["one", "two", "three", "four", "five"] {
        ids.push(alice_writes(&sim, &sandbox, text).await);
    }
    let started = std::time::Instant::now();
    let reports = reports(sim.deliver(&sandbox).await);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    let expected: Vec<Value> = (1..=5)
        .map(|id| report(id, &hook, Some(200), None, None))
        .collect();
    assert_eq!(reports, expected, "every attempt, in sending order");
    let mut arrived: Vec<String> = receiver
        .posts()
        .iter()
        .map(|post| what(&post.json))
        .collect();
    arrived.sort();
    ids.sort();
    assert_eq!(arrived, ids, "each exactly once");
    for delivery in sim.deliveries(&sandbox).await {
        assert_eq!(delivery["state"], "delivered");
        assert_eq!(delivery["attempts"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_delay_holds_deliveries_back_on_the_virtual_clock() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 42, "manual").await;
    let hook = receiver.url("/hook");
    sim.webhook_settings(&sandbox, &json!({ "delay_seconds": 60 }))
        .await;
    receiver.fail_next(1, Failure::Status(500));
    alice_writes(&sim, &sandbox, "later").await;
    let delivery = sim.deliveries(&sandbox).await.remove(0);
    assert_eq!(delivery["created_at"], json!(T0));
    assert_eq!(delivery["first_due_at"], json!(T0 + 60));
    assert_eq!(delivery["next_attempt_at"], json!(T0 + 60));
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    sim.advance(&sandbox, 59).await;
    assert_eq!(sim.deliver(&sandbox).await, Vec::<Value>::new());
    assert!(receiver.posts().is_empty());
    sim.advance(&sandbox, 1).await;
    // Retries count from when it was first due.
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(1, &hook, Some(500), None, Some(T0 + 75))]
    );
    sim.advance(&sandbox, 15).await;
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(1, &hook, Some(200), None, None)]
    );
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_slow_receiver_times_out_and_is_retried() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 43, "manual").await;
    let hook = receiver.url("/hook");
    sim.webhook_settings(&sandbox, &json!({ "timeout_ms": 200 }))
        .await;
    receiver.fail_next(1, Failure::Slow(Duration::from_millis(1500)));
    alice_writes(&sim, &sandbox, "quick!").await;
    let started = std::time::Instant::now();
    let first = sim.deliver(&sandbox).await;
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "did not wait it out"
    );
    assert_eq!(
        reports(first.clone()),
        [report(
            1,
            &hook,
            None,
            Some("timeout after 200 ms"),
            Some(T0 + 15)
        )]
    );
    assert!(first[0]["latency_ms"].as_u64().unwrap() >= 200);
    sim.advance(&sandbox, 15).await;
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(1, &hook, Some(200), None, None)]
    );
    let delivery = without_latency(sim.deliveries(&sandbox).await.remove(0));
    assert_eq!(
        delivery["attempts"],
        json!([
            { "number": 1, "time": T0, "error": "timeout after 200 ms" },
            attempt(2, T0 + 15, 200),
        ])
    );
    // The receiver saw it twice (it was too slow the first time).
    assert_eq!(receiver.posts().len(), 2);
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn any_2xx_succeeds_unless_strict_200_is_on() {
    let sim = Sim::start().await;
    let (sandbox, receiver) = setup(&sim, 44, "manual").await;
    let hook = receiver.url("/hook");
    receiver.fail_next(1, Failure::Status(202));
    alice_writes(&sim, &sandbox, "one").await;
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(1, &hook, Some(202), None, None)]
    );
    sim.webhook_settings(&sandbox, &json!({ "strict_200": true }))
        .await;
    receiver.fail_next(1, Failure::Status(204));
    alice_writes(&sim, &sandbox, "two").await;
    let strict = reports(sim.deliver(&sandbox).await);
    assert_eq!(
        strict,
        [json!({
            "delivery_id": 2, "url": hook, "status": 204, "error": null,
            "state": "pending", "next_attempt_at": T0 + 15,
        })]
    );
    sim.advance(&sandbox, 15).await;
    assert_eq!(
        reports(sim.deliver(&sandbox).await),
        [report(2, &hook, Some(200), None, None)]
    );
}
