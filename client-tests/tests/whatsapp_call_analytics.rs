//! `call_analytics` of a WABA (as a field with arguments and as the
//! `/{waba-id}/call_analytics` edge), counted from the calls that ended:
//! `count` of every call and `average_duration` of those that connected,
//! per day and split by direction, number or country, narrowed by
//! `directions` and `metric_types`; Meta's argument errors; no `cost`
//! (metasim has no calling rates). Same seed, same answers.

use client_tests::business::get as read;
use client_tests::calling::*;
use client_tests::whatsapp::{ALICE, BOB, DAY, T0, assert_param_error};
use client_tests::{Sandbox, Sim, Value, json};

/// Bob calls: the business answers and he hangs up after 30 s; he calls
/// again and the business rejects it. The business calls Alice, who talks
/// for 90 s.
async fn three_calls(sim: &Sim, sandbox: &Sandbox) {
    enable_calling(sim, sandbox).await;
    let place = json!({ "phone_number_id": client_tests::whatsapp::phone(sandbox) });
    let first = consumer(sim, sandbox, BOB, "/calls", place.clone()).await;
    let first = first.json["call_id"].as_str().expect("an id").to_owned();
    calls(sim, sandbox, action(&first, "accept")).await.ok();
    sim.advance(sandbox, 30).await;
    let hang_up = json!({ "action": "hang_up" });
    consumer(sim, sandbox, BOB, &format!("/calls/{first}"), hang_up)
        .await
        .ok();
    let second = consumer(sim, sandbox, BOB, "/calls", place).await;
    let second = second.json["call_id"].as_str().expect("an id").to_owned();
    calls(sim, sandbox, action(&second, "reject")).await.ok();

    grant_permission(sim, sandbox, ALICE, true).await;
    let placed = calls(sim, sandbox, connect(ALICE)).await;
    let call = placed.ok()["calls"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let answer = json!({ "action": "accept" });
    consumer(sim, sandbox, ALICE, &format!("/calls/{call}"), answer)
        .await
        .ok();
    sim.advance(sandbox, 90).await;
    calls(sim, sandbox, action(&call, "terminate")).await.ok();
}

/// `call_analytics{modifiers}` of the demo WABA, read as a field.
async fn field(sim: &Sim, sandbox: &Sandbox, modifiers: &str) -> client_tests::Reply {
    let waba = sandbox.id_of("waba");
    read(
        sim,
        sandbox,
        &format!("/{waba}?fields=call_analytics{modifiers}"),
    )
    .await
}

fn day() -> String {
    format!(".start({T0}).end({}).granularity(DAILY)", T0 + DAY as i64)
}

fn points(reply: &client_tests::Reply) -> Value {
    reply.ok()["call_analytics"]["data"][0]["data_points"].clone()
}

#[tokio::test]
async fn calls_are_counted_with_their_average_duration() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1321).await;
    let empty = field(&sim, &sandbox, &day()).await;
    assert_eq!(points(&empty), json!([]));
    three_calls(&sim, &sandbox).await;
    let end = T0 + DAY as i64;

    let all = field(&sim, &sandbox, &day()).await;
    assert_eq!(
        points(&all),
        json!([{ "start": T0, "end": end, "count": 3, "average_duration": 60 }])
    );
    let by_direction = field(
        &sim,
        &sandbox,
        &format!("{}.dimensions([DIRECTION,COUNTRY])", day()),
    )
    .await;
    assert_eq!(
        points(&by_direction),
        json!([
            { "start": T0, "end": end, "country": "US", "direction": "BUSINESS_INITIATED", "count": 1, "average_duration": 90 },
            { "start": T0, "end": end, "country": "US", "direction": "USER_INITIATED", "count": 2, "average_duration": 30 },
        ])
    );
    // Only users' calls, only the count; COST adds nothing (no calling rates).
    let counted = field(
        &sim,
        &sandbox,
        &format!(
            "{}.directions([USER_INITIATED]).metric_types([COUNT,COST])",
            day()
        ),
    )
    .await;
    assert_eq!(
        points(&counted),
        json!([{ "start": T0, "end": end, "count": 2 }])
    );
    let durations = field(
        &sim,
        &sandbox,
        &format!(
            "{}.metric_types([AVERAGE_DURATION]).dimensions([PHONE])",
            day()
        ),
    )
    .await;
    assert_eq!(
        points(&durations),
        json!([{ "start": T0, "end": end, "phone_number": "15550100001", "average_duration": 60 }])
    );
    let other = field(
        &sim,
        &sandbox,
        &format!("{}.phone_numbers([15550100009])", day()),
    )
    .await;
    assert_eq!(points(&other), json!([]));
    // The next day has no calls.
    let later = format!(".start({end}).end({}).granularity(DAILY)", end + DAY as i64);
    sim.advance(&sandbox, DAY).await;
    assert_eq!(points(&field(&sim, &sandbox, &later).await), json!([]));

    // The edge takes the same arguments as parameters.
    let waba = sandbox.id_of("waba");
    let edge = read(
        &sim,
        &sandbox,
        &format!("/{waba}/call_analytics?start={T0}&end={end}&granularity=DAILY&dimensions=[\"DIRECTION\"]&directions=[\"BUSINESS_INITIATED\"]"),
    )
    .await;
    assert_eq!(
        edge.ok(),
        &json!({ "data": [{ "data_points": [
            { "start": T0, "end": end, "direction": "BUSINESS_INITIATED", "count": 1, "average_duration": 90 },
        ] }] })
    );

    // Same seed, same answers.
    let twin = sim.demo(1321).await;
    three_calls(&sim, &twin).await;
    assert_eq!(field(&sim, &twin, &day()).await.json, all.json);
}

#[tokio::test]
async fn call_analytics_arguments_are_checked() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(1322).await;
    let end = T0 + DAY as i64;
    for (modifiers, text) in [
        (format!(".end({end}).granularity(DAILY)"), "The parameter start is required".to_owned()),
        (format!(".start({T0}).end({end})"), "The parameter granularity is required".to_owned()),
        (
            format!(".start({T0}).end({end}).granularity(DAY)"),
            "Param granularity must be one of {HALF_HOUR, DAILY, MONTHLY} - got \"DAY\".".to_owned(),
        ),
        (
            format!("{}.metric_types([VOLUME])", day()),
            "Param metric_types must be one of {COUNT, COST, AVERAGE_DURATION} - got \"VOLUME\".".to_owned(),
        ),
        (
            format!("{}.directions([INBOUND])", day()),
            "Param directions must be one of {BUSINESS_INITIATED, USER_INITIATED} - got \"INBOUND\".".to_owned(),
        ),
        (
            format!("{}.dimensions([TYPE])", day()),
            "Param dimensions must be one of {COUNTRY, DIRECTION, PHONE, TIER} - got \"TYPE\".".to_owned(),
        ),
        (
            format!(".start({end}).end({T0}).granularity(DAILY)"),
            format!("Param start must be before end - got start {end} and end {T0}."),
        ),
    ] {
        assert_param_error(&field(&sim, &sandbox, &modifiers).await, &text);
    }
    let waba = sandbox.id_of("waba");
    let edge = read(
        &sim,
        &sandbox,
        &format!("/{waba}/call_analytics?start={T0}&granularity=DAILY"),
    )
    .await;
    assert_param_error(&edge, "The parameter end is required");
}
