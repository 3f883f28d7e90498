//! Calling restrictions, put on by the control plane and held on the
//! virtual clock: `GET /{phone-number-id}/settings` shows
//! `calling.restrictions.restrictions[{type, expiration}]` until the
//! expiration; while `BUSINESS_INITIATED_CALLING` holds, `connect` is 138005,
//! while `USER_INITIATED_CALLING` holds, users' calls do not reach the
//! business; a restriction can be lifted, bad input is refused, and the
//! restrictions survive a snapshot.

use client_tests::business::assert_whatsapp_error;
use client_tests::calling::*;
use client_tests::whatsapp::*;
use client_tests::{Reply, Sandbox, Sim, json};

const HOUR: i64 = 3600;

fn restrictions_path(sandbox: &Sandbox) -> String {
    sandbox.sim(&format!(
        "/whatsapp/phone_numbers/{}/calling_restrictions",
        phone(sandbox)
    ))
}

async fn restrict(sim: &Sim, sandbox: &Sandbox, kind: &str, expiration: i64) -> Reply {
    let body = json!({ "type": kind, "expiration": expiration });
    sim.post_json(&restrictions_path(sandbox), &body).await
}

#[tokio::test]
async fn a_business_initiated_restriction_refuses_connect_until_it_expires() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(221).await;
    enable_calling(&sim, &sandbox).await;
    grant_permission(&sim, &sandbox, ALICE, false).await;
    assert!(
        calling_shown(&sim, &sandbox)
            .await
            .get("restrictions")
            .is_none()
    );

    let until = T0 + 2 * HOUR;
    let put = restrict(&sim, &sandbox, "BUSINESS_INITIATED_CALLING", until).await;
    assert_eq!(put.status, 201, "{}", put.text());
    let shown =
        json!({ "restrictions": [{ "type": "BUSINESS_INITIATED_CALLING", "expiration": until }] });
    assert_eq!(put.json, shown);
    assert_eq!(calling_shown(&sim, &sandbox).await["restrictions"], shown);
    assert_eq!(sim.get(&restrictions_path(&sandbox)).await.json, shown);

    let refused = calls(&sim, &sandbox, connect(ALICE)).await;
    assert_whatsapp_error(
        &refused,
        400,
        138005,
        "Call rate limit exceeded",
        &format!(
            "Business-initiated calling is restricted for this business phone number until {until} (calling.restrictions of GET /{{phone-number-id}}/settings)."
        ),
    );
    // Users may still call in.
    assert_eq!(user_call(&sim, &sandbox, BOB, false).await.status, 201);

    sim.assert_snapshot_round_trip(&sandbox).await;
    assert_eq!(calling_shown(&sim, &sandbox).await["restrictions"], shown);

    // At the expiration the restriction is gone and calls go out again.
    sim.advance(&sandbox, 2 * HOUR as u64).await;
    assert!(
        calling_shown(&sim, &sandbox)
            .await
            .get("restrictions")
            .is_none()
    );
    assert_eq!(
        sim.get(&restrictions_path(&sandbox)).await.json,
        json!({ "restrictions": [] })
    );
    calls(&sim, &sandbox, connect(ALICE)).await.ok();
}

#[tokio::test]
async fn a_user_initiated_restriction_keeps_users_calls_away_until_lifted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(222).await;
    enable_calling(&sim, &sandbox).await;
    let first = restrict(&sim, &sandbox, "USER_INITIATED_CALLING", T0 + HOUR).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let later = T0 + 3 * HOUR;
    let both = restrict(&sim, &sandbox, "BUSINESS_INITIATED_CALLING", later).await;
    assert_eq!(
        both.json["restrictions"],
        json!([
            { "type": "BUSINESS_INITIATED_CALLING", "expiration": later },
            { "type": "USER_INITIATED_CALLING", "expiration": T0 + HOUR },
        ])
    );
    let refused = user_call(&sim, &sandbox, BOB, false).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(
        refused.text().contains("USER_INITIATED_CALLING"),
        "{}",
        refused.text()
    );

    // Put on again, a type replaces its earlier expiration.
    let again = restrict(&sim, &sandbox, "USER_INITIATED_CALLING", T0 + 2 * HOUR).await;
    assert_eq!(again.status, 201, "{}", again.text());
    let shown = calling_shown(&sim, &sandbox).await["restrictions"]["restrictions"].clone();
    assert_eq!(shown.as_array().unwrap().len(), 2);
    assert_eq!(shown[1]["expiration"], T0 + 2 * HOUR);

    let path = format!("{}/USER_INITIATED_CALLING", restrictions_path(&sandbox));
    let lifted = sim.delete(&path).await;
    assert_eq!(lifted.status, 200, "{}", lifted.text());
    assert_eq!(lifted.json["restrictions"].as_array().unwrap().len(), 1);
    assert_eq!(user_call(&sim, &sandbox, BOB, false).await.status, 201);
    assert_eq!(sim.delete(&path).await.status, 404, "nothing left to lift");
}

#[tokio::test]
async fn bad_restrictions_are_refused() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(223).await;
    for (kind, expiration) in [
        ("ALL_CALLING", T0 + HOUR),
        ("BUSINESS_INITIATED_CALLING", T0),
        ("BUSINESS_INITIATED_CALLING", T0 - 1),
        ("BUSINESS_INITIATED_CALLING", T0 + 366 * 24 * HOUR),
        ("BUSINESS_INITIATED_CALLING", i64::MIN),
    ] {
        let reply = restrict(&sim, &sandbox, kind, expiration).await;
        assert_eq!(reply.status, 400, "{kind} {expiration}: {}", reply.text());
    }
    let huge = json!({ "type": "USER_INITIATED_CALLING", "expiration": 1e300 });
    assert_eq!(
        sim.post_json(&restrictions_path(&sandbox), &huge)
            .await
            .status,
        400
    );
    let unknown = sandbox.sim("/whatsapp/phone_numbers/999/calling_restrictions");
    let body = json!({ "type": "USER_INITIATED_CALLING", "expiration": T0 + HOUR });
    assert_eq!(sim.post_json(&unknown, &body).await.status, 404);
    assert!(
        calling_shown(&sim, &sandbox)
            .await
            .get("restrictions")
            .is_none()
    );
}
