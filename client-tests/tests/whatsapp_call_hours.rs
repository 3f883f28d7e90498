//! A number's call hours (`calling.call_hours`): Meta's shape is kept and
//! answered by `GET /{phone-number-id}/settings`, bad hours are refused with
//! 100, a user's call outside the hours (or in a holiday's) is not offered
//! to the business while the business may still call out, and the hours
//! survive a snapshot; the same seed and calls give the same bytes.

use client_tests::calling::*;
use client_tests::receiver::*;
use client_tests::whatsapp::*;
use client_tests::{Sim, Value, json};

/// Thursdays and Fridays 09:00-17:00 in São Paulo (UTC-3), Friday
/// 2 January 2026 a holiday.
fn hours() -> Value {
    json!({
        "status": "ENABLED",
        "timezone_id": "America/Sao_Paulo",
        "weekly_operating_hours": [
            { "day_of_week": "THURSDAY", "open_time": "0900", "close_time": "1700" },
            { "day_of_week": "FRIDAY", "open_time": "0900", "close_time": "1700" }
        ],
        "holiday_schedule": [
            { "date": "2026-01-02", "start_time": "0000", "end_time": "2359" }
        ]
    })
}

#[tokio::test]
async fn users_reach_the_business_only_within_its_call_hours() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(181).await;
    let receiver = Receiver::start(sandbox.secret("app")).await;
    subscribe_whatsapp(&sim, &sandbox, &receiver, &["calls", "messages"]).await;
    enable_calling(&sim, &sandbox).await;
    assert!(
        calling_shown(&sim, &sandbox)
            .await
            .get("call_hours")
            .is_none()
    );

    let on = json!({ "call_hours": hours() });
    calling_settings(&sim, &sandbox, on).await.ok();
    let shown = calling_shown(&sim, &sandbox).await;
    let mut expected = hours();
    expected["status"] = json!("enabled");
    assert_eq!(shown["call_hours"], expected);
    assert_eq!(shown["status"], "enabled", "the calling status is kept");

    // 2026-01-01T00:00Z is Wednesday 21:00 in São Paulo: closed.
    let closed = user_call(&sim, &sandbox, BOB, false).await;
    assert_eq!(closed.status, 409, "{}", closed.text());
    assert!(closed.text().contains("call hours"), "{}", closed.text());
    assert_eq!(call_webhooks(&sim, &sandbox, &receiver).await.len(), 0);

    // The business may still call out.
    grant_permission(&sim, &sandbox, BOB, false).await;
    let out = calls(&sim, &sandbox, connect(BOB)).await.ok()["calls"][0]["id"].clone();
    calls(&sim, &sandbox, action(out.as_str().unwrap(), "terminate"))
        .await
        .ok();

    // Thursday 12:00 in São Paulo: open, the call reaches the business.
    sim.advance(&sandbox, 15 * 3600).await;
    let open = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(open.status, 201, "{}", open.text());
    let id = open.json["call_id"].as_str().unwrap().to_owned();
    let connects: Vec<Value> = call_webhooks(&sim, &sandbox, &receiver)
        .await
        .into_iter()
        .filter(|value| value["calls"][0]["event"] == "connect")
        .collect();
    assert_eq!(connects.len(), 1, "{connects:?}");
    assert_eq!(connects[0]["calls"][0]["id"], id.as_str());
    let hang_up = json!({ "action": "hang_up" });
    consumer(&sim, &sandbox, ALICE, &format!("/calls/{id}"), hang_up)
        .await
        .ok();

    // Friday 12:00 is a holiday; Thursday 17:00 had closed.
    sim.advance(&sandbox, 24 * 3600).await;
    assert_eq!(user_call(&sim, &sandbox, ALICE, false).await.status, 409);

    // The hours survive a snapshot; an update replaces them whole.
    sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(calling_shown(&sim, &sandbox).await, shown);
    let off = json!({ "call_hours": { "status": "DISABLED" } });
    calling_settings(&sim, &sandbox, off).await.ok();
    let disabled = calling_shown(&sim, &sandbox).await["call_hours"].clone();
    assert_eq!(
        disabled,
        json!({ "status": "disabled", "weekly_operating_hours": [], "holiday_schedule": [] })
    );
    assert_eq!(user_call(&sim, &sandbox, ALICE, false).await.status, 201);
}

#[tokio::test]
async fn any_iana_zone_is_taken_with_its_daylight_saving_time() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(183).await;
    enable_calling(&sim, &sandbox).await;
    // Auckland is on summer time (UTC+13) in January: 2026-01-01T00:00Z is
    // Thursday 13:00 there.
    let auckland = json!({
        "status": "ENABLED",
        "timezone_id": "Pacific/Auckland",
        "weekly_operating_hours": [
            { "day_of_week": "THURSDAY", "open_time": "0900", "close_time": "1700" }
        ]
    });
    calling_settings(&sim, &sandbox, json!({ "call_hours": auckland }))
        .await
        .ok();
    assert_eq!(
        calling_shown(&sim, &sandbox).await["call_hours"]["timezone_id"],
        "Pacific/Auckland"
    );
    let open = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(open.status, 201, "{}", open.text());
    let id = open.json["call_id"].as_str().unwrap().to_owned();
    calls(&sim, &sandbox, action(&id, "reject")).await.ok();
    // 4.5 hours on it is 17:30 in Auckland (16:30 without summer time): closed.
    sim.advance(&sandbox, 4 * 3600 + 1800).await;
    let closed = user_call(&sim, &sandbox, ALICE, false).await;
    assert_eq!(closed.status, 409, "{}", closed.text());
    // Half-hour and quarter-hour zones and IANA's links are taken too.
    for zone in ["Asia/Kathmandu", "Australia/Adelaide", "US/Eastern"] {
        let mut hours = hours();
        hours["timezone_id"] = json!(zone);
        calling_settings(&sim, &sandbox, json!({ "call_hours": hours }))
            .await
            .ok();
    }
}

#[tokio::test]
async fn bad_call_hours_are_refused_and_change_nothing() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(182).await;
    enable_calling(&sim, &sandbox).await;
    let with = |key: &str, value: Value| {
        let mut body = hours();
        body[key] = value;
        json!({ "call_hours": body })
    };
    let slot = |day: &str, open: &str, close: &str| json!({ "day_of_week": day, "open_time": open, "close_time": close });
    let cases = [
        (
            with("timezone_id", json!("Mars/Olympus_Mons")),
            "Param calling['call_hours']['timezone_id'] must be a supported time zone id (like America/Manaus) - got \"Mars/Olympus_Mons\".",
        ),
        (
            with(
                "weekly_operating_hours",
                json!([slot("MONDAY", "1700", "0900")]),
            ),
            "Param calling['call_hours']['weekly_operating_hours'][0]: open_time must be before close_time.",
        ),
        (
            with(
                "weekly_operating_hours",
                json!([
                    slot("MONDAY", "0900", "1200"),
                    slot("MONDAY", "1100", "1300")
                ]),
            ),
            "Param calling['call_hours']['weekly_operating_hours'] has overlapping entries for MONDAY.",
        ),
        (
            with(
                "weekly_operating_hours",
                json!([
                    slot("MONDAY", "0100", "0200"),
                    slot("MONDAY", "0300", "0400"),
                    slot("MONDAY", "0500", "0600")
                ]),
            ),
            "Param calling['call_hours']['weekly_operating_hours'] has more than 2 entries for MONDAY.",
        ),
        (
            with(
                "weekly_operating_hours",
                json!([slot("MONDAY", "0900", "2460")]),
            ),
            "Param calling['call_hours']['weekly_operating_hours'][0]['close_time'] must be a time of day as HHMM, from 0000 to 2359 - got \"2460\".",
        ),
        (
            with(
                "holiday_schedule",
                json!(vec![
                    json!({ "date": "2026-12-25", "start_time": "0000", "end_time": "2359" });
                    21
                ]),
            ),
            "Param calling['call_hours']['holiday_schedule'] must be a list of at most 20 entries.",
        ),
    ];
    for (body, message) in cases {
        let refused = calling_settings(&sim, &sandbox, body).await;
        assert_param_error(&refused, message);
    }
    assert!(
        calling_shown(&sim, &sandbox)
            .await
            .get("call_hours")
            .is_none()
    );
}

/// Call hours set, a refused and an accepted user call, the settings read.
async fn hours_script(sim: &Sim, seed: u64) -> Vec<String> {
    let sandbox = sim.demo(seed).await;
    let on = json!({ "status": "enabled", "call_hours": hours() });
    let mut out = vec![calling_settings(sim, &sandbox, on).await.text()];
    out.push(user_call(sim, &sandbox, BOB, false).await.text());
    sim.advance(&sandbox, 15 * 3600).await;
    out.push(user_call(sim, &sandbox, BOB, false).await.text());
    out.push(calling_shown(sim, &sandbox).await.to_string());
    out
}

#[tokio::test]
async fn the_same_seed_and_calls_give_the_same_bytes() {
    let sim = Sim::start().await;
    let first = hours_script(&sim, 183).await;
    assert_eq!(first, hours_script(&sim, 183).await);
    assert_ne!(hours_script(&sim, 184).await, first);
}
