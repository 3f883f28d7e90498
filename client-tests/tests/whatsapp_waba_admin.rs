//! More of a WABA over HTTP: the Marketing Messages Lite API (marketing
//! templates only, and the only way once `disable_marketing_messages_on_cloud_api`
//! is on: 131063 on `/messages`), a number's message history and a message's
//! events, schedules, assigned users (both ways round) and the activity log.

use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use reqwest::Method;

async fn post_to(sim: &Sim, sandbox: &Sandbox, path: &str, body: Value) -> Reply {
    sim.send(
        sim.request(Method::POST, &format!("/{V}{path}"))
            .bearer_auth(sandbox.token(MANAGER))
            .json(&body),
    )
    .await
}

async fn get(sim: &Sim, sandbox: &Sandbox, path: &str) -> Reply {
    sim.get_as(sandbox.token(MANAGER), &format!("/{V}{path}"))
        .await
}

#[tokio::test]
async fn marketing_goes_through_mm_lite_when_the_cloud_api_may_not_send_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(131).await;
    let sale = message(ALICE, "template", template("spring_sale", &["20%"]));
    let lite = format!("/{}/marketing_messages", phone(&sandbox));
    let id = assert_template_sent(
        &post_to(&sim, &sandbox, &lite, sale.clone()).await,
        ALICE,
        ALICE,
    );
    assert_eq!(
        status_names(&sim, &sandbox, &id).await,
        ["sent", "delivered"]
    );
    let utility = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    let refused = post_to(&sim, &sandbox, &lite, utility).await;
    assert_whatsapp_error(
        &refused,
        400,
        100,
        "Invalid parameter",
        "The Marketing Messages Lite API sends marketing templates only.",
    );
    let text = post_to(
        &sim,
        &sandbox,
        &lite,
        message(ALICE, "text", json!({ "body": "Hi" })),
    )
    .await;
    text.assert_error(400, 100, None, "OAuthException");
    // Marketing off the Cloud API: /messages refuses it, MM Lite sends it.
    post_to(
        &sim,
        &sandbox,
        &format!("/{}", sandbox.id_of("waba")),
        json!({ "disable_marketing_messages_on_cloud_api": true }),
    )
    .await
    .ok();
    let blocked = post(
        &sim,
        &sandbox,
        &message(BOB, "template", template("spring_sale", &["20%"])),
    )
    .await;
    assert_eq!(blocked.status, 400);
    assert_eq!(blocked.error()["code"], 131063);
    let to_bob = message(BOB, "template", template("spring_sale", &["20%"]));
    assert_template_sent(&post_to(&sim, &sandbox, &lite, to_bob).await, BOB, BOB);
}

#[tokio::test]
async fn message_history_lists_what_each_message_went_through() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(132).await;
    let update = message(
        ALICE,
        "template",
        template("order_update", &["Alice", "A-1"]),
    );
    let delivered = assert_template_sent(&post(&sim, &sandbox, &update).await, ALICE, ALICE);
    let failed = assert_sent(
        &post(
            &sim,
            &sandbox,
            &message(BOB, "text", json!({ "body": "Hi" })),
        )
        .await,
        BOB,
        BOB,
    );
    let history = get(
        &sim,
        &sandbox,
        &format!("/{}/message_history", phone(&sandbox)),
    )
    .await;
    let data = history.ok()["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["message_id"], delivered.as_str());
    let statuses: Vec<&str> = data[0]["events"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["delivery_status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["SENT", "DELIVERED"]);
    assert_eq!(data[1]["events"]["data"][0]["delivery_status"], "FAILED");
    assert!(
        data[1]["events"]["data"][0]["error_description"]
            .as_str()
            .unwrap()
            .starts_with("(131047)")
    );
    let one = get(
        &sim,
        &sandbox,
        &format!("/{}/message_history?message_id={failed}", phone(&sandbox)),
    )
    .await;
    assert_eq!(one.ok()["data"].as_array().unwrap().len(), 1);
    let history_id = data[0]["id"].as_str().unwrap();
    let events = get(
        &sim,
        &sandbox,
        &format!("/{history_id}/events?status_filter=DELIVERED"),
    )
    .await;
    let events = events.ok()["data"].as_array().unwrap().clone();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["node"]["delivery_status"], "DELIVERED");
    assert_eq!(events[0]["node"]["occurrence_timestamp"], T0);
    // Another sandbox's token cannot read it.
    let other = sim.demo(133).await;
    let foreign = sim
        .get_as(other.token(MANAGER), &format!("/{V}/{history_id}/events"))
        .await;
    foreign.assert_error(400, 100, Some(33), "GraphMethodException");
}

#[tokio::test]
async fn schedules_assignments_and_the_activity_log() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(134).await;
    let waba = sandbox.id_of("waba");
    let made = post_to(&sim, &sandbox, &format!("/{waba}/schedules"), json!({
        "name": "Shop hours", "schedule_type": "BUSINESS_HOURS", "start_time": "09:00", "end_time": "17:00",
        "days_of_week": ["MONDAY", "TUESDAY"], "recurrence_pattern": { "frequency": "WEEKLY", "interval": 1 },
    })).await;
    let schedule = made.ok()["id"].as_str().unwrap().to_owned();
    let listed = get(&sim, &sandbox, &format!("/{waba}/schedules")).await;
    let item = &listed.ok()["data"][0];
    assert_eq!(
        (
            item["id"].as_str().unwrap(),
            item["status"].as_str().unwrap()
        ),
        (schedule.as_str(), "ACTIVE")
    );
    post_to(&sim, &sandbox, &format!("/{waba}/schedules"), json!({ "name": "x", "schedule_type": "BUSINESS_HOURS", "start_time": "9", "end_time": "17:00" }))
        .await
        .assert_error(400, 100, None, "OAuthException");

    sim.advance(&sandbox, 60).await;
    let user = sandbox.id_of("system_user");
    let assigned = post_to(
        &sim,
        &sandbox,
        &format!("/{waba}/assigned_users"),
        json!({ "user": user, "tasks": ["MANAGE", "MESSAGING"] }),
    )
    .await;
    assert_eq!(assigned.ok(), &json!({ "success": true }));
    let business = sandbox.id_of("business");
    let users = get(
        &sim,
        &sandbox,
        &format!("/{waba}/assigned_users?business={business}"),
    )
    .await;
    assert_eq!(users.ok()["data"][0]["user_type"], "SYSTEM_USER");
    assert_eq!(
        users.json["data"][0]["tasks"],
        json!(["MANAGE", "MESSAGING"])
    );
    assert_eq!(users.json["summary"], json!({ "total_count": 1 }));
    get(&sim, &sandbox, &format!("/{waba}/assigned_users"))
        .await
        .assert_error(400, 100, None, "OAuthException");
    let wabas = get(
        &sim,
        &sandbox,
        &format!("/{user}/assigned_whatsapp_business_accounts"),
    )
    .await;
    assert_eq!(wabas.ok()["data"][0]["id"], waba);
    assert_eq!(
        wabas.json["data"][0]["permissions"],
        json!(["MANAGE", "MESSAGING"])
    );

    let log = get(&sim, &sandbox, &format!("/{waba}/activities")).await;
    let types: Vec<&str> = log.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity_type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "USER_ADDED");
    assert!(types.contains(&"ACCOUNT_CREATED"));
    let filtered = get(
        &sim,
        &sandbox,
        &format!("/{waba}/activities?activity_type=ACCOUNT_CREATED"),
    )
    .await;
    assert_eq!(filtered.ok()["data"].as_array().unwrap().len(), 1);
    let late = get(
        &sim,
        &sandbox,
        &format!("/{waba}/activities?since={}", T0 + 1),
    )
    .await;
    assert_eq!(late.ok()["data"].as_array().unwrap().len(), 1);

    let removed = sim
        .send(
            sim.request(
                Method::DELETE,
                &format!("/{V}/{waba}/assigned_users?user={user}"),
            )
            .bearer_auth(sandbox.token(MANAGER)),
        )
        .await;
    assert_eq!(removed.ok(), &json!({ "success": true }));
    let none = get(
        &sim,
        &sandbox,
        &format!("/{user}/assigned_whatsapp_business_accounts"),
    )
    .await;
    assert_eq!(none.ok()["data"], json!([]));
}
