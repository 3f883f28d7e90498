//! `group_analytics` of a WABA (as a field with arguments and as the
//! `/{waba-id}/group_analytics` edge): per group and day, the business's
//! messages to the group (`sent`), their deliveries and reads by
//! participants, the participants' messages (`replies`) and who joined or
//! left; Meta's argument errors. Same seed, same answers.

use client_tests::business::get as read;
use client_tests::whatsapp::*;
use client_tests::{Sandbox, Sim, json};

/// Alice and Bob join a group; Alice writes, the business answers (both
/// reached), Alice reads it, Bob leaves. The group's id.
async fn a_busy_group(sim: &Sim, sandbox: &Sandbox) -> String {
    let group = group_with(sim, sandbox, "Plant lovers", &[ALICE, BOB]).await;
    let write = sandbox.sim(&format!(
        "/whatsapp/consumers/{ALICE}/groups/{group}/messages"
    ));
    let wrote = sim
        .post_json(
            &write,
            &json!({ "type": "text", "text": { "body": "Hello!" } }),
        )
        .await;
    assert_eq!(wrote.status, 201, "{}", wrote.text());
    let mut body = message(&group, "text", json!({ "body": "Welcome, both of you" }));
    body["recipient_type"] = json!("group");
    post(sim, sandbox, &body).await.ok();
    let read_it = sandbox.sim(&format!("/whatsapp/consumers/{ALICE}/groups/{group}/read"));
    sim.post_json(&read_it, &json!({})).await.ok();
    let leave = sandbox.sim(&format!("/whatsapp/consumers/{BOB}/groups/{group}/leave"));
    sim.post_json(&leave, &json!({})).await.ok();
    group
}

async fn field(sim: &Sim, sandbox: &Sandbox, modifiers: &str) -> client_tests::Reply {
    let waba = sandbox.id_of("waba");
    read(
        sim,
        sandbox,
        &format!("/{waba}?fields=group_analytics{modifiers}"),
    )
    .await
}

#[tokio::test]
async fn a_groups_day_is_counted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1331).await;
    let group = a_busy_group(&sim, &sandbox).await;
    let end = T0 + DAY as i64;
    let day = format!(".start({T0}).end({end}).granularity(DAILY).group_ids([{group}])");
    let all = field(&sim, &sandbox, &day).await;
    assert_eq!(
        all.ok()["group_analytics"],
        json!({ "data": [{ "granularity": "DAILY", "data_points": [{
            "group_id": group, "start": T0, "end": end,
            "sent": 1, "delivered": 2, "read": 1, "replies": 1,
            "participants_joined": 2, "participants_left": 1,
        }] }] })
    );
    let some = field(
        &sim,
        &sandbox,
        &format!("{day}.metric_types([PARTICIPANTS_LEFT,COST])"),
    )
    .await;
    assert_eq!(
        some.ok()["group_analytics"]["data"][0]["data_points"],
        json!([{ "group_id": group, "start": T0, "end": end, "participants_left": 1 }])
    );
    // Another group id, or a later day, has nothing.
    let other = field(
        &sim,
        &sandbox,
        &format!(".start({T0}).end({end}).granularity(DAILY).group_ids([123])"),
    )
    .await;
    assert_eq!(
        other.ok()["group_analytics"]["data"][0]["data_points"],
        json!([])
    );

    let waba = sandbox.id_of("waba");
    let edge = read(
        &sim,
        &sandbox,
        &format!("/{waba}/group_analytics?start={T0}&end={end}&granularity=DAILY&metric_types=[\"SENT\"]&group_ids=[\"{group}\"]"),
    )
    .await;
    assert_eq!(
        edge.ok(),
        &json!({ "data": [{ "granularity": "DAILY", "data_points": [
            { "group_id": group, "start": T0, "end": end, "sent": 1 },
        ] }] })
    );

    let twin = sim.demo(1331).await;
    let same = a_busy_group(&sim, &twin).await;
    assert_eq!(same, group);
    assert_eq!(field(&sim, &twin, &day).await.json, all.json);
}

#[tokio::test]
async fn group_analytics_arguments_are_checked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1332).await;
    let end = T0 + DAY as i64;
    for (modifiers, text) in [
        (format!(".start({T0}).end({end}).granularity(DAILY)"), "The parameter group_ids is required".to_owned()),
        (format!(".start({T0}).end({end}).granularity(DAILY).group_ids([])"), "Param group_ids must name between 1 and 10 groups - got 0.".to_owned()),
        (format!(".start({T0}).end({end}).granularity(DAILY).group_ids([abc])"), "Param group_ids[abc] must be a valid group id.".to_owned()),
        (
            format!(".start({T0}).end({end}).granularity(MONTHLY).group_ids([1])"),
            "Param granularity must be one of {DAILY} - got \"MONTHLY\".".to_owned(),
        ),
        (
            format!(".start({T0}).end({end}).granularity(DAILY).group_ids([1]).metric_types([CLICKED])"),
            "Param metric_types must be one of {SENT, DELIVERED, READ, REPLIES, PARTICIPANTS_JOINED, PARTICIPANTS_LEFT, CLICKS, COST} - got \"CLICKED\".".to_owned(),
        ),
    ] {
        assert_param_error(&field(&sim, &sandbox, &modifiers).await, &text);
    }
}
